/**
 * `concurrency-lens run` in text mode: under the table, each harness's first returned value and
 * the first lines of its output (grouped where harnesses agree, capped, control characters
 * escaped); a run whose tasks only reported an install hint gets no concurrency verdict.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable } from '../../server/src/harness/run-command';
import { installHint, verdict } from '../../server/src/harness/verdict';
import type { HarnessName, HarnessRun, RunResult, TaskRecord } from '../../server/src/harness/types';

function task(index: number, value: string | null, ok = true): TaskRecord {
  return { index, startMs: 0, endMs: 1, worker: { pid: 1, thread: 'main' }, ok, value, error: ok ? null : { type: 'ValueError', message: 'bad', stack: 'ValueError: bad' } };
}
function run(harness: HarnessName, wallMs: number, values: Array<string | null>, extra: Partial<HarnessRun> = {}): HarnessRun {
  return { harness, ok: true, wallMs, cpuMs: wallMs, timedOut: false, cancelled: false, error: null, tasks: values.map((v, i) => task(i, v)), stdout: '', stderr: '', loop: { maxBlockMs: 0, blocks: [] }, ...extra };
}
function result(runs: HarnessRun[], language: RunResult['language'] = 'python'): RunResult {
  return { version: 1, file: 'lesson.py', language, snippet: { kind: 'function', name: 'f', startLine: 1, endLine: 2 }, tasks: 2, runs };
}
const FOUR: HarnessName[] = ['serial', 'thread', 'process', 'coroutine'];

test('the first value of each harness is shown under the table, once for harnesses that agree', () => {
  const table = formatTable(result([
    run('serial', 400, ["{'lost': 3000}", "{'lost': 2990}"]),
    run('thread', 200, ["{'lost': 2999}", "{'lost': 1}"]),
    run('process', 210, ["{'lost': 3000}", "{'lost': 5}"]),
    run('coroutine', 400, ["{'lost': 2999}", "{'lost': 0}"]),
  ]));
  assert.match(table, /^returned \(task 0, or the first task that succeeded\):\n {2}serial, process: \{'lost': 3000\}\n {2}thread, coroutine: \{'lost': 2999\}$/m, table);
  assert.ok(table.indexOf('returned') > table.indexOf('coroutine '), 'under the table');
  assert.ok(!table.includes('2990'), 'only the first task');

  const same = formatTable(result(FOUR.map((h) => run(h, 100, ["'a'", "'b'"]))));
  assert.match(same, /^ {2}all harnesses: 'a'$/m, same);
  const failedFirst = formatTable(result([run('serial', 100, [null, "'second'"], { tasks: [task(0, null, false), task(1, "'second'")] })]));
  assert.match(failedFirst, /^ {2}serial: 'second'$/m, failedFirst);
  const nothing = formatTable(result(FOUR.map((h) => run(h, 100, ['None', 'None']))));
  assert.ok(!nothing.includes('returned'), `None says nothing: ${nothing}`);
});

test('the first lines of each stream are shown, capped, with control characters escaped', () => {
  const many = Array.from({ length: 10 }, (_, k) => `line ${k}`).join('\n') + '\n';
  const table = formatTable(result([
    run('serial', 100, ['None'], { stdout: many, stderr: 'careful\n' }),
    run('thread', 100, ['None'], { stdout: 'red \u001b[31mtext\rover\n' }),
  ]));
  assert.match(table, /^output \(first 6 lines of each stream\):\n {2}serial:\n {4}line 0\n(?: {4}line \d\n){5} {4}… 4 more lines\n {4}stderr: careful$/m, table);
  assert.ok(!table.includes('line 6'), table);
  assert.match(table, /^ {2}thread:\n {4}red \\x1b\[31mtext\\rover$/m, table);
  assert.ok(!/[\u001b\r]/.test(table), 'no raw escape or carriage return reaches the terminal');
});

test('a run that only reported an install hint gets no concurrency verdict', () => {
  const hint = "'ray is not installed: pip install ray'";
  const returned = result([run('serial', 1, [hint, hint]), run('thread', 7, [hint, hint]), run('process', 45, [hint, hint]), run('coroutine', 9, [hint, hint])]);
  assert.equal(installHint(returned), 'ray is not installed: pip install ray');
  assert.deepEqual(verdict(returned), ['Nothing was measured: every task only reported "ray is not installed: pip install ray", so there is no verdict on concurrency.']);
  assert.ok(!/beat serial|faster/.test(formatTable(returned)));

  const printed = result(FOUR.map((h, k) => run(h, 1 + k * 20, ['undefined', 'undefined'], { stdout: 'xoscar is not installed: pip install xoscar\nxoscar is not installed: pip install xoscar\n' })), 'typescript');
  assert.equal(installHint(printed), 'xoscar is not installed: pip install xoscar');

  // Not a hint: real values, a hint beside other output, a failed harness, one task of many.
  const quick = result(FOUR.map((h, k) => run(h, 1 + k * 20, ['4', '9'])));
  assert.equal(installHint(quick), undefined);
  assert.match(verdict(quick).join(' '), /No harness beat serial/);
  const mixed = result(FOUR.map((h) => run(h, 5, ['None', 'None'], { stdout: 'ray is not installed: pip install ray\ncomputed 42\n' })));
  assert.equal(installHint(mixed), undefined);
  assert.equal(installHint(result([run('serial', 1, [hint, hint]), run('thread', 7, [hint, hint], { ok: false, error: 'crashed' })])), undefined);
  assert.equal(installHint(result(FOUR.map((h) => run(h, 5, [hint, "'done'"])))), undefined);
});
