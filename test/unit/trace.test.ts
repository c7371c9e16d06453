import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lanes, toTrace, type TraceEvent } from '../../server/src/harness/trace';
import type { HarnessName, HarnessRun, RunResult, TaskRecord } from '../../server/src/harness/types';

function task(index: number, startMs: number, endMs: number, pid: number, thread: string, ok = true): TaskRecord {
  return { index, startMs, endMs, worker: { pid, thread }, ok, value: ok ? String(index) : null, error: ok ? null : { type: 'ValueError', message: 'boom', stack: '' } };
}
function run(harness: HarnessName, tasks: TaskRecord[], extra: Partial<HarnessRun> = {}): HarnessRun {
  const wallMs = Math.max(0, ...tasks.map((t) => t.endMs));
  return { harness, ok: true, wallMs, cpuMs: wallMs, timedOut: false, cancelled: false, error: null, tasks, stdout: '', stderr: '', loop: { maxBlockMs: 0, blocks: [] }, ...extra };
}
function result(runs: HarnessRun[]): RunResult {
  return { version: 1, file: '/w/f.py', language: 'python', snippet: { kind: 'function', name: 'f', startLine: 1, endLine: 3 }, tasks: 2, runs };
}
const slices = (events: TraceEvent[]) => events.filter((e) => e.ph === 'X');
const named = (events: TraceEvent[], kind: string, pid: number, tid: number) =>
  events.find((e) => e.ph === 'M' && e.name === kind && e.pid === pid && e.tid === tid)?.args.name;

test('one complete event per task, in µs, on its worker, failures named and carried in args', () => {
  const t = toTrace(result([
    run('serial', [task(0, 0, 10.5, 100, 'MainThread'), task(1, 10.5, 21, 100, 'MainThread', false)]),
    run('process', [task(0, 1, 11, 201, 'MainThread'), task(1, 1.25, 12, 202, 'MainThread')]),
  ]));
  const x = slices(t.traceEvents);
  assert.equal(x.length, 4);
  assert.deepEqual(x.map((e) => [e.name, e.ts, e.dur, e.pid]), [
    ['task 0', 0, 10500, 100], ['task 1 (failed)', 10500, 10500, 100], ['task 0', 1000, 10000, 201], ['task 1', 1250, 10750, 202],
  ]);
  assert.equal(x[1].args.error, 'ValueError: boom');
  assert.equal(x[0].args.value, '0');
  assert.equal(named(t.traceEvents, 'process_name', 201, 0), 'process · pid 201');
  assert.equal(named(t.traceEvents, 'thread_name', 100, x[0].tid), 'MainThread');
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(t)));
});

test('slices on one trace thread never overlap: overlapping coroutine tasks take extra rows, loop blocks a row of their own', () => {
  const co = run('coroutine', [task(0, 0, 500, 300, 'loop'), task(1, 1, 501, 300, 'loop'), task(2, 600, 700, 300, 'loop')], {
    loop: { maxBlockMs: 200, blocks: [{ atMs: 100, ms: 200, line: 7 }] },
  });
  assert.deepEqual(lanes(co).map((l) => [l.thread, l.rows, l.tasks.map((t) => t.row)]), [['loop', 2, [0, 1, 0]]]);
  const t = toTrace(result([co]));
  const x = slices(t.traceEvents);
  const byTid = new Map<number, TraceEvent[]>();
  for (const e of x) byTid.set(e.tid, [...(byTid.get(e.tid) ?? []), e]);
  for (const list of byTid.values()) {
    list.sort((a, b) => a.ts! - b.ts!);
    for (let i = 1; i < list.length; i++) assert.ok(list[i].ts! >= list[i - 1].ts! + list[i - 1].dur!, 'overlap on one thread');
  }
  const block = x.find((e) => e.name === 'event loop blocked')!;
  assert.deepEqual([block.ts, block.dur, block.pid, block.args.line], [100_000, 200_000, 300, 7]);
  assert.equal(named(t.traceEvents, 'thread_name', 300, block.tid), 'loop · event-loop blocks');
  assert.deepEqual([...byTid.keys()].map((tid) => named(t.traceEvents, 'thread_name', 300, tid)).sort(), ['loop', 'loop · 2', 'loop · event-loop blocks']);
});

test('a pid seen in two harnesses (reused by the OS) does not merge their workers', () => {
  const t = toTrace(result([run('serial', [task(0, 0, 5, 42, 'MainThread')]), run('thread', [task(0, 0, 5, 42, 'T1')])]));
  const [a, b] = slices(t.traceEvents);
  assert.notEqual(a.pid, b.pid);
  assert.equal(b.args.pid, 42);
  assert.equal(named(t.traceEvents, 'process_name', b.pid, 0), 'thread · pid 42');
});

test('a harness that failed before any task gives no slices and no crash', () => {
  const t = toTrace(result([run('serial', [], { ok: false, error: 'python3 not found' })]));
  assert.equal(slices(t.traceEvents).length, 0);
});
