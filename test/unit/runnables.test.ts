/** What is runnable in a file (the CodeLens and the CLI share this), and the synthetic module. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initParsers } from '../../server/src/core/parser';
import { findRunnables, runnableAtLine, selectionTarget } from '../../server/src/harness/runnables';
import { buildSyntheticModule } from '../../server/src/harness/synthetic';

before(async () => { await initParsers(); });

const PY = [
  'import time',                     // 0
  'from os import (',                // 1
  '    getpid,',                     // 2
  ')',                               // 3
  '',                                // 4
  '@decorator',                      // 5
  'def work(i):',                    // 6
  '    def inner():',                // 7
  '        pass',                    // 8
  '    return i',                    // 9
  '',                                // 10
  'async def fetch():',              // 11
  '    await x()',                   // 12
  '',                                // 13
  's = """',                         // 14
  '# %% not a cell: inside a string',// 15
  '"""',                             // 16
  '# %% [markdown] first',           // 17
  'x = 1',                           // 18
  '',                                // 19
  '# %%',                            // 20
  'await fetch()',                   // 21
  '',                                // 22
].join('\n');

test('Python: top-level functions (decorated, async) and cells, 0-based inclusive', () => {
  const r = findRunnables('python', PY);
  assert.deepEqual(r.map((x) => [x.kind, x.name, x.startLine, x.endLine, x.async]), [
    ['function', 'work', 5, 9, false],
    ['function', 'fetch', 11, 12, true],
    ['cell', 'first', 17, 18, false],
    ['cell', 'cell 2', 20, 21, true],
  ]);
  assert.equal(runnableAtLine(r, 8)?.name, 'work');
  assert.equal(runnableAtLine(r, 18)?.name, 'first');
  assert.equal(runnableAtLine(r, 4), undefined);
});

const TS = [
  "import { readFile } from 'node:fs/promises';",  // 0
  'export async function load(p: string) {',        // 1
  '  return readFile(p);',                           // 2
  '}',                                               // 3
  'const add = (a: number) => a + 1;',               // 4
  'export const later = async () => {',              // 5
  '  await load("x");',                              // 6
  '};',                                              // 7
  'function plain() { return 1; }',                  // 8
  'const notAFunction = 3;',                         // 9
  'class K { m() {} }',                              // 10
  '// %% setup',                                     // 11
  'const v = await later();',                        // 12
].join('\n');

test('TS/JS: function declarations, exported or not, and arrow/function consts', () => {
  for (const g of ['typescript', 'tsx'] as const) {
    const r = findRunnables(g, TS);
    assert.deepEqual(r.map((x) => [x.kind, x.name, x.startLine, x.endLine, x.async]), [
      ['function', 'load', 1, 3, true],
      ['function', 'add', 4, 4, false],
      ['function', 'later', 5, 7, true],
      ['function', 'plain', 8, 8, false],
      ['cell', 'setup', 11, 12, true],
    ], g);
  }
  const js = findRunnables('javascript', "const fs = require('fs');\nfunction f() {}\nvar g = function () {};\n");
  assert.deepEqual(js.map((x) => x.name), ['f', 'g']);
});

test('selection targets trim blank lines and refuse an empty selection', () => {
  const text = 'a\n\n  b\n  c\n\n';
  assert.deepEqual(selectionTarget(text, 1, 4), { kind: 'selection', name: 'lines 3-4', startLine: 2, endLine: 3 });
  assert.deepEqual(selectionTarget(text, 0, 0)?.name, 'line 1');
  assert.equal(selectionTarget(text, 4, 9), undefined);
});

test('synthetic Python module: imports, definitions and variables kept, body dedented, lines mapped', () => {
  const m = buildSyntheticModule('python', '/x/a.py', PY, 8, 9);
  // work (5-9) intersects the body and is left out; fetch, s and the other cell's x are kept.
  assert.deepEqual(m.lineMap, [[1, 1, 1], [2, 2, 3], [5, 12, 2], [7, 15, 3], [10, 19, 1], [12, 9, 2]]);
  const lines = m.source.split('\n');
  assert.equal(lines[9], 'x = 1');
  assert.equal(lines[10], 'def _cl_task():');
  assert.equal(lines[11], '        pass');
  assert.equal(lines[12], '    return i');
  assert.equal(m.async, false);
  assert.equal(buildSyntheticModule('python', '/x/a.py', PY, 21, 21).async, true);
});

test('synthetic JS module: ESM export unless the file uses require', () => {
  const esm = buildSyntheticModule('typescript', '/x/a.ts', TS, 12, 12);
  assert.match(esm.source, /async function _cl_task\(\) \{\nconst v = await later\(\);\n\}\nexport \{ _cl_task \};\n$/);
  assert.equal(esm.extension, '.ts');
  const cjs = buildSyntheticModule('javascript', '/x/a.js', "const fs = require('fs');\nconsole.log(fs);\n", 1, 1);
  assert.match(cjs.source, /module\.exports\._cl_task = _cl_task;/);
});

test('synthetic modules keep module-level variables, not calls, __main__ blocks or statements that await', () => {
  const py = [
    'import asyncio',                 // 0
    'base = 10',                      // 1
    'n: int = 0',                     // 2
    'a, (b, c) = 1, (2, 3)',          // 3
    'print("side effect")',           // 4
    'n += 1',                         // 5
    'if __name__ == "__main__":',     // 6
    '    base = 0',                   // 7
    'v = await asyncio.sleep(0)',     // 8
    'def f():',                       // 9
    '    return base',                // 10
    '# %%',                           // 11
    'n += base',                      // 12
    'for b in range(3):',             // 13
    '    x = b',                      // 14
    'def g():',                       // 15
    '    c = 1',                      // 16
    'global a',                       // 17
    'a = 2',                          // 18
  ].join('\n');
  const m = buildSyntheticModule('python', '/x/a.py', py, 12, 18);
  assert.deepEqual(m.lineMap.slice(0, -1), [[1, 1, 1], [2, 2, 1], [3, 3, 1], [4, 4, 1], [5, 10, 2]]);
  // n and b are module-level and assigned here; x is not module-level, c is g's, a says so itself.
  assert.match(m.source, /^def _cl_task\(\):\n    global n, b\n    n \+= base\n/m);

  const js = [
    "import fs from 'node:fs';",              // 0
    'const base = 10;',                       // 1
    'export let n = 0, m = base;',            // 2
    'var old = 1;',                           // 3
    "console.log('side effect');",            // 4
    'const v = await Promise.resolve(1);',   // 5
    'const later = async () => { await v; };', // 6
    'const handlers = { a: async () => { await v; } };', // 7
    '// %%',                                  // 8
    'n += base;',                             // 9
  ].join('\n');
  const esm = buildSyntheticModule('javascript', '/x/a.mjs', js, 9, 9);
  // lines 1-4, then later and handlers (their awaits run when called), then the body
  assert.deepEqual(esm.lineMap, [[1, 1, 1], [2, 2, 1], [3, 3, 1], [4, 4, 1], [5, 7, 1], [6, 8, 1], [8, 10, 1]]);
  assert.doesNotMatch(esm.source, /side effect|Promise\.resolve/);
});
