/** The quick fixes and related locations of the Python rules, which the line-level fixtures do not see. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initParsers } from '../../server/src/core/parser';
import { analyzeText } from '../../server/src/core/engine';

before(async () => { await initParsers(); });

function findings(text: string, rule: string) {
  return analyzeText('python', text).findings.filter((f) => f.rule === rule);
}

test('unawaited-coroutine offers "await" in async code only', () => {
  const text = 'import asyncio\n\nasync def f():\n    asyncio.sleep(1)\n\ndef g():\n    asyncio.sleep(1)\n';
  const [inAsync, inSync] = findings(text, 'unawaited-coroutine');
  assert.deepEqual(inAsync.fixes, [{
    title: 'Add `await`',
    edits: [{ range: { start: { line: 3, character: 4 }, end: { line: 3, character: 4 } }, newText: 'await ' }],
    safe: true,
  }]);
  assert.equal(inSync.fixes, undefined);
});

test('start-join-serialized points at the start() call', () => {
  const text = 'import threading\n\nfor i in range(3):\n    t = threading.Thread(target=print)\n    t.start()\n    t.join()\n';
  const [f] = findings(text, 'start-join-serialized');
  assert.equal(f.range.start.line, 5);
  assert.equal(f.related?.[0].range.start.line, 4);
});

test('concurrencyLens.ignore silences a finding by its name', () => {
  const text = 'import asyncio\n\nasync def f():\n    asyncio.create_task(f())\n';
  const settings = { rules: {}, blockingCalls: [], ignore: ['asyncio.create_task'] };
  assert.deepEqual(analyzeText('python', text, settings).findings.filter((f) => f.rule === 'dangling-task'), []);
});
