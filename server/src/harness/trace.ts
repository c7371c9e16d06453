/**
 * A run as a Chrome trace-event file (chrome://tracing, ui.perfetto.dev): one complete event
 * (`ph: "X"`, times in µs) per task, on the worker that ran it, plus the event-loop blocks.
 *
 * Every harness starts at ts 0, so the four sit one above the other in the viewer and compare
 * at a glance, as in the results panel; each harness ran in its own runner processes, so their
 * pids do not mix. Trace viewers need the slices of one thread to nest, and coroutine tasks
 * overlap on the one loop thread: overlapping tasks go to extra rows (`loop`, `loop · 2`, …),
 * each its own trace thread, and the loop blocks to a row of their own. The ray harness adds Ray's
 * own timeline (ray.timeline(): scheduling, argument fetching, execution per worker), one trace
 * process per Ray node, on the same clock as its tasks.
 */
import type { HarnessName, HarnessRun, RunResult, TaskRecord } from './types';

export interface TraceEvent {
  name: string;
  ph: 'X' | 'M';
  /** µs */
  ts?: number;
  dur?: number;
  pid: number;
  tid: number;
  cat?: string;
  args: Record<string, unknown>;
}

export interface TraceFile {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, string | number>;
}

export interface Lane {
  pid: number;
  thread: string;
  /** the tasks of this worker, each with its row: overlapping tasks take separate rows */
  tasks: { task: TaskRecord; row: number }[];
  rows: number;
}

/**
 * The workers of a harness in order of first use (by start time), each with its tasks packed
 * into rows so that the tasks of one row never overlap. Shared by the panel's timeline.
 */
export function lanes(run: HarnessRun): Lane[] {
  const byWorker = new Map<string, Lane>();
  const ordered = [...run.tasks].sort((a, b) => a.startMs - b.startMs || a.index - b.index);
  const rowEnds = new Map<Lane, number[]>();
  for (const task of ordered) {
    const key = `${task.worker.pid}\u0000${task.worker.thread}`;
    let lane = byWorker.get(key);
    if (!lane) {
      lane = { pid: task.worker.pid, thread: task.worker.thread, tasks: [], rows: 0 };
      byWorker.set(key, lane);
      rowEnds.set(lane, []);
    }
    const ends = rowEnds.get(lane)!;
    let row = ends.findIndex((end) => end <= task.startMs);
    if (row < 0) row = ends.length;
    ends[row] = Math.max(task.endMs, task.startMs);
    lane.rows = ends.length;
    lane.tasks.push({ task, row });
  }
  return [...byWorker.values()];
}

const us = (ms: number) => Math.round(ms * 1000);

export function toTrace(result: RunResult): TraceFile {
  const events: TraceEvent[] = [];
  const pidOwner = new Map<number, HarnessName>();
  let synthetic = 1 << 22; // PID_MAX_LIMIT on Linux: no real pid reaches it
  result.runs.forEach((run, order) => {
    const ls = lanes(run);
    // A trace pid per real pid of this harness; a pid another harness already used (reused by the OS) gets a stand-in.
    const tracePid = new Map<number, number>();
    const pidOf = (pid: number) => {
      let p = tracePid.get(pid);
      if (p === undefined) {
        p = pidOwner.has(pid) && pidOwner.get(pid) !== run.harness ? synthetic++ : pid;
        pidOwner.set(p, run.harness);
        tracePid.set(pid, p);
        events.push({ name: 'process_name', ph: 'M', pid: p, tid: 0, args: { name: `${run.harness} · pid ${pid}` } });
        events.push({ name: 'process_sort_index', ph: 'M', pid: p, tid: 0, args: { sort_index: order } });
      }
      return p;
    };
    const nextTid = new Map<number, number>();
    const newThread = (pid: number, name: string) => {
      const tid = (nextTid.get(pid) ?? 0) + 1;
      nextTid.set(pid, tid);
      events.push({ name: 'thread_name', ph: 'M', pid, tid, args: { name } });
      events.push({ name: 'thread_sort_index', ph: 'M', pid, tid, args: { sort_index: tid } });
      return tid;
    };
    for (const lane of ls) {
      const pid = pidOf(lane.pid);
      const tids = Array.from({ length: lane.rows }, (_, row) => newThread(pid, row === 0 ? lane.thread : `${lane.thread} · ${row + 1}`));
      for (const { task, row } of lane.tasks) {
        const args: Record<string, unknown> = { harness: run.harness, index: task.index, ok: task.ok, pid: lane.pid, thread: lane.thread };
        if (task.value !== null) args.value = task.value;
        if (task.error) args.error = `${task.error.type}: ${task.error.message}`;
        events.push({
          name: `task ${task.index}${task.ok ? '' : ' (failed)'}`, cat: run.harness, ph: 'X',
          ts: us(task.startMs), dur: Math.max(0, us(task.endMs) - us(task.startMs)), pid, tid: tids[row], args,
        });
      }
    }
    if (run.loop.blocks.length) {
      // The blocks belong to the loop's thread: the coroutine harness's first lane (it has one loop).
      const loop = ls[0];
      const pid = loop ? pidOf(loop.pid) : synthetic++;
      if (!loop) events.push({ name: 'process_name', ph: 'M', pid, tid: 0, args: { name: `${run.harness}` } });
      const tid = newThread(pid, `${loop?.thread ?? 'loop'} · event-loop blocks`);
      for (const b of run.loop.blocks) {
        events.push({
          name: 'event loop blocked', cat: `${run.harness},loop`, ph: 'X', ts: us(b.atMs), dur: us(b.ms), pid, tid,
          args: { ms: b.ms, ...(b.line !== null ? { line: b.line, file: result.file } : {}) },
        });
      }
    }
    if (run.ray?.timeline.length) {
      const nodePid = new Map<string, number>();
      const workerTid = new Map<string, number>();
      for (const e of run.ray.timeline) {
        if (e.ph !== 'X' || typeof e.ts !== 'number') continue;
        const node = String(e.pid ?? '?');
        let pid = nodePid.get(node);
        if (pid === undefined) {
          pid = synthetic++;
          nodePid.set(node, pid);
          events.push({ name: 'process_name', ph: 'M', pid, tid: 0, args: { name: `ray timeline · node ${node}` } });
          events.push({ name: 'process_sort_index', ph: 'M', pid, tid: 0, args: { sort_index: order } });
        }
        const worker = `${node}\u0000${String(e.tid ?? '?')}`;
        let tid = workerTid.get(worker);
        if (tid === undefined) {
          tid = newThread(pid, String(e.tid ?? '?'));
          workerTid.set(worker, tid);
        }
        events.push({
          name: String(e.name ?? e.cat ?? 'ray'), cat: `ray,${String(e.cat ?? '')}`, ph: 'X',
          ts: Math.round(e.ts), dur: typeof e.dur === 'number' ? Math.max(0, Math.round(e.dur)) : 0, pid, tid,
          args: typeof e.args === 'object' && e.args !== null ? (e.args as Record<string, unknown>) : {},
        });
      }
    }
  });
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    otherData: { file: result.file, snippet: `${result.snippet.kind} ${result.snippet.name}`, language: result.language, tasks: result.tasks },
  };
}
