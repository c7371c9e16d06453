/** Any input gives a result or a clear skip: never a throw, never a hang. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParsers, parse, ParseTimeout, limits, grammarForPath, type Grammar } from '../../server/src/core/parser';
import { findRunnables } from '../../server/src/harness/runnables';
import { analyzeText, MAX_FILE_BYTES } from '../../server/src/core/engine';

const GRAMMARS: Grammar[] = ['python', 'typescript', 'tsx', 'javascript'];
const SEEDS: Record<Grammar, string> = {
  python: 'import asyncio, time\nasync def f(x):\n    time.sleep(1)\n    asyncio.create_task(g())\n    for i in x:\n        await h(i)\n',
  typescript: "import fs from 'fs';\nasync function f(x: number[]) {\n  fs.readFileSync('a');\n  for (const i of x) { await g(i); }\n  new Promise(async () => {});\n}\n",
  tsx: "import { readFileSync } from 'fs';\nexport async function V() { readFileSync('x'); return <div/>; }\n",
  javascript: "const cp = require('child_process');\nconst f = async () => { cp.execSync('ls'); [1].forEach(async (x) => x); };\n",
};

before(async () => { await initParsers(); });

function mustAnalyse(g: Grammar, text: string): void {
  const r = analyzeText(g, text);
  assert.deepEqual(r.failures, [], `a rule threw on ${JSON.stringify(text.slice(0, 200))}`);
  assert.ok(Array.isArray(r.findings));
}

test('random strings and mutations of real code never crash a rule', () => {
  const mutated = fc.tuple(fc.constantFrom(...GRAMMARS), fc.nat(), fc.nat(), fc.string({ maxLength: 30 })).map(([g, a, b, ins]) => {
    const seed = SEEDS[g];
    const i = a % (seed.length + 1);
    const j = Math.min(seed.length, i + (b % 12));
    return [g, seed.slice(0, i) + ins + seed.slice(j)] as const;
  });
  const random = fc.tuple(fc.constantFrom(...GRAMMARS), fc.string({ unit: 'binary', maxLength: 300 }));
  fc.assert(fc.property(fc.oneof(mutated, random), ([g, text]) => mustAnalyse(g, text)), { numRuns: 3000 });
});

test('every prefix of real code (half-typed) analyses', () => {
  for (const g of GRAMMARS) for (let i = 0; i <= SEEDS[g].length; i++) mustAnalyse(g, SEEDS[g].slice(0, i));
});

test('pathological inputs: NUL bytes, 1 MB line, 5,000 nested brackets', () => {
  for (const g of GRAMMARS) {
    mustAnalyse(g, '\u0000'.repeat(10_000));
    mustAnalyse(g, 'x'.repeat(1024 * 1024));
    mustAnalyse(g, '('.repeat(5000) + ')'.repeat(5000));
    mustAnalyse(g, '['.repeat(5000));
    mustAnalyse(g, '{'.repeat(5000));
  }
});

test('a file over the size cap is skipped with a reason', () => {
  const r = analyzeText('python', '#'.repeat(MAX_FILE_BYTES + 1));
  assert.match(r.skipped ?? '', /larger than/);
  assert.deepEqual(r.findings, []);
});

test('a parse past its deadline is abandoned with a clear error, and the parser still works after', () => {
  const big = 'def f():\n    x = [1, 2, 3]\n'.repeat(50_000);
  assert.throws(() => parse('python', big, null, 0), ParseTimeout);
  const tree = parse('python', 'x = 1\n');
  assert.equal(tree.rootNode.type, 'module');
  tree.delete();
});

test('deep or quadratic inputs are skipped with a reason by the depth cap or the query budget, runnables too', () => {
  const chain = 'async function f() { const p = Promise.resolve(1)' + '.then(x => x)'.repeat(2500) + '; }\n';
  const cases: [Grammar, string, RegExp][] = [
    ['python', '('.repeat(100_000), /query took over/],
    ['typescript', '('.repeat(100_000), /query took over/],
    ['typescript', chain, /nested more than 1000 levels/],
  ];
  for (const [g, text, why] of cases) {
    // Before the budgets these took 17 s to a minute: no budget ever stopped the queries.
    const r = analyzeText(g, text);
    assert.match(r.skipped ?? '', why);
    assert.deepEqual(r.findings, []);
    assert.throws(() => findRunnables(g, text), why);
  }
});

test('2,500+ chained .then(x => x) reach the rules without a stack overflow (the walk is a loop)', () => {
  const saved = { ...limits };
  // Past the depth cap and the query budget on purpose: this is about the rules' own walk.
  Object.assign(limits, { nesting: 1e9, queryBaseMs: 600_000 });
  try {
    const text = "import fs from 'fs';\nasync function f() {\n  await Promise.resolve(1)" + '.then(x => x)'.repeat(3000) + ";\n  fs.readFileSync('a');\n}\n";
    const r = analyzeText('typescript', text);
    assert.deepEqual(r.failures, [], 'no rule threw (a recursive walk overflowed the stack past 2,700)');
    assert.equal(r.skipped, undefined);
    assert.deepEqual(r.findings.filter((f) => f.rule === 'blocking-call-in-async').map((f) => f.range.start.line), [3]);
  } finally {
    Object.assign(limits, saved);
  }
});

/** Every rule fixture of the project: real code, with the constructs the rules look for. */
function realFiles(): [Grammar, string][] {
  const root = path.resolve(__dirname, '../../../test/fixtures/rules');
  const out: [Grammar, string][] = [];
  for (const rule of fs.readdirSync(root)) {
    for (const f of fs.readdirSync(path.join(root, rule))) {
      const g = grammarForPath(f);
      if (g) out.push([g, fs.readFileSync(path.join(root, rule, f), 'utf8')]);
    }
  }
  return out;
}

/**
 * Mutations of real files (a span cut, duplicated or moved, brackets and line breaks of every
 * kind dropped in) and deep nesting of every shape (brackets, calls, chains, blocks, JSX), each
 * analysed and searched for runnables. None may throw, and the slowest may not stall: the bound
 * is generous for a busy 2-core machine and far below the 17 s that 100 KB of `(` once took.
 */
test('fuzz: mutated real files and deep nesting, with a bound on the slowest analysis', (t) => {
  const files = realFiles();
  assert.ok(files.length >= 20, `fixtures found: ${files.length}`);
  let slowest = { ms: 0, what: '' };
  const timed = (g: Grammar, text: string, what: string) => {
    const started = performance.now();
    mustAnalyse(g, text);
    try {
      findRunnables(g, text);
    } catch (err) {
      if (!(err instanceof Error && /query took over|nested more than|parsing took over/.test(err.message))) throw err;
    }
    const ms = performance.now() - started;
    if (ms > slowest.ms) slowest = { ms, what };
  };

  const junk = fc.constantFrom('(', ')', '[', ']', '{', '}', '<', '>', ':', '\n', '\r', '\r\n', '\t', '"', "'", '`', '#', '//', '/*', 'async ', 'await ', '\u001f', '\u009e', '\u0000');
  const mutation = fc.oneof(
    fc.tuple(fc.constant('cut' as const), fc.nat(), fc.nat(400), fc.constant('')),
    fc.tuple(fc.constant('dup' as const), fc.nat(), fc.nat(400), fc.constant('')),
    fc.tuple(fc.constant('move' as const), fc.nat(), fc.nat(200), fc.constant('')),
    fc.tuple(fc.constant('insert' as const), fc.nat(), fc.nat(50), junk),
  );
  const mutated = fc.tuple(fc.nat(files.length - 1), fc.array(mutation, { minLength: 1, maxLength: 8 })).map(([k, ms]) => {
    const [g, source] = files[k];
    let text = source;
    for (const [kind, at, len, ins] of ms) {
      const i = at % (text.length + 1);
      const j = Math.min(text.length, i + len);
      if (kind === 'cut') text = text.slice(0, i) + text.slice(j);
      else if (kind === 'dup') text = text.slice(0, j) + text.slice(i, j) + text.slice(j);
      else if (kind === 'move') { const span = text.slice(i, j); const rest = text.slice(0, i) + text.slice(j); const to = (at * 7) % (rest.length + 1); text = rest.slice(0, to) + span + rest.slice(to); }
      else text = text.slice(0, i) + ins.repeat(1 + (len % 5)) + text.slice(i);
    }
    return [g, text] as const;
  });
  fc.assert(fc.property(mutated, ([g, text]) => timed(g, text, `mutated ${g} ${JSON.stringify(text.slice(0, 80))}`)), { numRuns: 1500 });

  const SHAPES: Record<'python' | 'js', [string, string][]> = {
    python: [['(', ')'], ['[', ']'], ['{', '}'], ['f(', ')'], ['x.y(', ')'], ['await (', ')'], ['lambda: (', ')']],
    js: [['(', ')'], ['[', ']'], ['{', '}'], ['f(', ')'], ['(x => ', ')'], ['.then(x => x)', ''], ['<div>', '</div>'], ['async () => { await ', ' }'], ['`${', '}`']],
  };
  const deep = fc.tuple(fc.constantFrom(...GRAMMARS), fc.integer({ min: 100, max: 6000 }), fc.nat(), fc.boolean()).map(([g, depth, seed, close]) => {
    const shapes = SHAPES[g === 'python' ? 'python' : 'js'];
    const picked = Array.from({ length: depth }, (_, i) => shapes[(seed + i * (seed % 7 + 1)) % shapes.length]);
    const prefix = g === 'python' ? 'import time\nasync def f():\n    x = ' : 'async function f() { const x = ';
    return [g, prefix + picked.map((s) => s[0]).join('') + '1' + (close ? picked.reverse().map((s) => s[1]).join('') : '') + '\n'] as const;
  });
  fc.assert(fc.property(deep, ([g, text]) => timed(g, text, `deep ${g} ${text.length} chars`)), { numRuns: 120 });

  // Python blocks nested by indentation: no brackets at all.
  for (const depth of [100, 1000, 3000]) {
    timed('python', Array.from({ length: depth }, (_, i) => ' '.repeat(i) + 'if x:\n').join('') + ' '.repeat(depth) + 'pass\n', `${depth} nested ifs`);
  }
  t.diagnostic(`slowest: ${Math.round(slowest.ms)} ms for ${slowest.what}`);
  assert.ok(slowest.ms < 8000, `slowest: ${Math.round(slowest.ms)} ms for ${slowest.what}`);
});
