import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verdict } from '../../server/src/harness/verdict';
import type { HarnessName, HarnessRun, RunResult } from '../../server/src/harness/types';

function run(harness: HarnessName, wallMs: number, extra: Partial<HarnessRun> = {}): HarnessRun {
  return { harness, ok: true, wallMs, cpuMs: wallMs, timedOut: false, cancelled: false, error: null, tasks: [], stdout: '', stderr: '', loop: { maxBlockMs: 0, blocks: [] }, ...extra };
}
function result(language: RunResult['language'], runs: HarnessRun[]): RunResult {
  return { version: 1, file: 'x', language, snippet: { kind: 'function', name: 'f', startLine: 1, endLine: 2 }, tasks: 4, runs };
}

test('CPU-bound Python: processes win, the GIL is named', () => {
  const v = verdict(result('python', [run('serial', 2000), run('thread', 2100), run('process', 1000), run('coroutine', 2000)])).join(' ');
  assert.match(v, /CPU-bound/);
  assert.match(v, /GIL/);
});

test('blocking waits: threads overlap them, the loop serialises them and reports its block', () => {
  const v = verdict(result('python', [run('serial', 800), run('thread', 210), run('process', 300), run('coroutine', 800, { loop: { maxBlockMs: 200, blocks: [] } })])).join(' ');
  assert.match(v, /blocked for up to 200 ms/);
  assert.match(v, /threads \(3\.8×\)/);
});

test('awaits overlap on one loop', () => {
  const v = verdict(result('typescript', [run('serial', 2000), run('thread', 700), run('process', 800), run('coroutine', 510)])).join(' ');
  assert.match(v, /cooperatively/);
});

test('tiny tasks: nothing beats serial; failures and time-outs are said first', () => {
  const v = verdict(result('python', [run('serial', 30), run('thread', 31), run('process', 55), run('coroutine', 32, { ok: false, timedOut: true })]));
  assert.match(v[0], /coroutine timed out/);
  assert.match(v.join(' '), /too short/);
});

test('CPU-bound JS: workers beat serial even when processes pay their start-up', () => {
  const v = verdict(result('typescript', [run('serial', 1200), run('thread', 740), run('process', 830), run('coroutine', 1180, { loop: { maxBlockMs: 1170, blocks: [] } })])).join(' ');
  assert.match(v, /CPU-bound: worker threads \(1\.6×\)/);
  assert.match(v, /without awaiting/);
});
