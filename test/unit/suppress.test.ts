/**
 * Suppression comments, ours and the peers' (ESLint, ruff/flake8-async, pyright), through the
 * whole analysis: each silences the rule it maps to on the line it speaks of, and nothing else.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParsers, type Grammar } from '../../server/src/core/parser';
import { analyzeText } from '../../server/src/core/engine';
import { PEER_RULES } from '../../server/src/core/suppress';
import { RULES } from '../../server/src/core/rules';

before(async () => { await initParsers(); });

/** `line: rule` of each finding, one-based. */
function findings(grammar: Grammar, lines: string[]): string[] {
  return analyzeText(grammar, lines.join('\n') + '\n').findings.map((f) => `${f.range.start.line + 1}: ${f.rule}`);
}

const PY_HEAD = ['import asyncio', 'import time', '', 'async def main(urls):'];

test('python: # noqa with an ASYNC2xx code, RUF006, bare noqa and pyright ignore each silence their rule on their line', () => {
  const base = findings('python', [...PY_HEAD, '    time.sleep(1)', '    asyncio.create_task(main(urls))', '    main(urls)']);
  assert.deepEqual(base, ['5: blocking-call-in-async', '6: dangling-task', '7: unawaited-coroutine']);
  assert.deepEqual(findings('python', [...PY_HEAD,
    '    time.sleep(1)  # noqa: ASYNC251',
    '    asyncio.create_task(main(urls))  # noqa: RUF006',
    '    main(urls)  # pyright: ignore[reportUnusedCoroutine]']), []);
  assert.deepEqual(findings('python', [...PY_HEAD, '    time.sleep(1)  # noqa', '    asyncio.create_task(main(urls))  # noqa:E501,RUF006', '    main(urls)  # noqa']), []);
});

test('python: a noqa for another code, on another line, or for another rule keeps the finding', () => {
  assert.deepEqual(findings('python', [...PY_HEAD,
    '    time.sleep(1)  # noqa: E501',
    '    # noqa: ASYNC251',
    '    time.sleep(2)',
    '    asyncio.create_task(main(urls))  # noqa: ASYNC251',
    '    main(urls)  # pyright: ignore[reportGeneralTypeIssues]']),
  ['5: blocking-call-in-async', '7: blocking-call-in-async', '8: dangling-task', '9: unawaited-coroutine']);
});

test('a marker inside a string is no comment', () => {
  assert.deepEqual(findings('python', [...PY_HEAD, '    time.sleep(len("# noqa"))', '    x = """', '    # concurrency-lens: ignore', '    """', '    time.sleep(x)']),
    ['5: blocking-call-in-async', '9: blocking-call-in-async']);
  assert.deepEqual(findings('typescript', [
    "import * as fs from 'node:fs';",
    'export async function f(p: string) {',
    "  const s = '// eslint-disable-next-line n/no-sync';",
    '  fs.readFileSync(p + s);',
    '  const t = `/* eslint-disable */`;',
    '  fs.readFileSync(p + t);',
    '}']), ['4: blocking-call-in-async', '6: blocking-call-in-async']);
});

const TS_HEAD = ["import * as fs from 'node:fs';", 'async function load(id: string) { return id; }', 'export async function f(ids: string[]) {'];

test('typescript: eslint-disable-next-line / -line / block comments naming the peer rule silence ours', () => {
  const body = ['  fs.readFileSync(ids[0]);', '  load(ids[0]);', '  for (const id of ids) await load(id);', '}'];
  assert.deepEqual(findings('typescript', [...TS_HEAD, ...body]), ['4: blocking-call-in-async', '5: floating-promise', '6: await-in-loop']);
  assert.deepEqual(findings('typescript', [...TS_HEAD,
    '  // eslint-disable-next-line n/no-sync -- config is read once at start',
    '  fs.readFileSync(ids[0]);',
    '  load(ids[0]); // eslint-disable-line @typescript-eslint/no-floating-promises',
    '  /* eslint-disable-next-line no-await-in-loop */',
    '  for (const id of ids) await load(id);', '}']), []);
  assert.deepEqual(findings('typescript', [...TS_HEAD,
    '  /* eslint-disable no-await-in-loop, n/no-sync */',
    '  fs.readFileSync(ids[0]);',
    '  for (const id of ids) await load(id);',
    '  /* eslint-enable no-await-in-loop */',
    '  for (const id of ids) await load(id);',
    '  fs.readFileSync(ids[1]);',
    '  // eslint-disable-next-line no-console',
    '  load(ids[0]);', '}']), ['8: await-in-loop', '11: floating-promise']);
});

test('javascript: a bare eslint-disable silences every rule to the end of the file', () => {
  assert.deepEqual(findings('javascript', ['async function f(p) {', '  /* eslint-disable */', '  require("fs").readFileSync(p);', '}']), []);
});

test('every peer mapping names one of our rules, and the README table lists each', () => {
  const ids = new Set(RULES.map((r) => r.id));
  const readme = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
  for (const [peer, ours] of Object.entries(PEER_RULES)) {
    for (const id of ours) assert.ok(ids.has(id), `${peer} maps to unknown rule ${id}`);
    const row = readme.split('\n').find((l) => l.startsWith('|') && l.includes(peer));
    assert.ok(row, `README has no suppression row for ${peer}`);
    for (const id of ours) assert.ok(row.includes(`\`${id}\``), `README row for ${peer} lacks ${id}`);
  }
});
