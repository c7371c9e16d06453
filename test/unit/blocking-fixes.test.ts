/** The quick fix of blocking-call-in-async: the awaitable twin, spelled the way the file imports it. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { initParsers, type Grammar } from '../../server/src/core/parser';
import { analyzeText } from '../../server/src/core/engine';

before(async () => { await initParsers(); });

function fixed(grammar: Grammar, text: string): string[] {
  const doc = TextDocument.create('file:///x', 'x', 1, text);
  return analyzeText(grammar, text).findings
    .filter((f) => f.rule === 'blocking-call-in-async')
    .flatMap((f) => f.fixes ?? [])
    .map((fix) => TextDocument.applyEdits(doc, fix.edits));
}

test('time.sleep becomes await asyncio.sleep, through the file alias', () => {
  const out = fixed('python', 'import time\nimport asyncio as aio\n\nasync def f():\n    time.sleep(0.5)\n');
  assert.deepEqual(out, ['import time\nimport asyncio as aio\n\nasync def f():\n    await aio.sleep(0.5)\n']);
});

test('no fix when asyncio is not imported, or for a call with no awaitable twin', () => {
  assert.deepEqual(fixed('python', 'import time\n\nasync def f():\n    time.sleep(1)\n'), []);
  assert.deepEqual(fixed('python', 'import asyncio, subprocess\n\nasync def f():\n    subprocess.run(["ls"])\n'), []);
});

test('fs.readFileSync becomes await fs.promises.readFile, parenthesised inside a member access', () => {
  const out = fixed('typescript', "import * as fs from 'node:fs';\nasync function f(p: string) {\n  return fs.readFileSync(p).toString();\n}\n");
  assert.deepEqual(out, ["import * as fs from 'node:fs';\nasync function f(p: string) {\n  return (await fs.promises.readFile(p)).toString();\n}\n"]);
  assert.deepEqual(fixed('typescript', "import { readFileSync } from 'fs';\nasync function f() { readFileSync('x'); }\n"), []);
});
