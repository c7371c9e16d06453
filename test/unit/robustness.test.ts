/** Any input gives a result or a clear skip: never a throw, never a hang. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { initParsers, parse, ParseTimeout, limits, type Grammar } from '../../server/src/core/parser';
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
