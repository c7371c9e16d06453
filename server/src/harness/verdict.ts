/**
 * The verdict of a compare run, in words: which harness won and the likely reason, from the
 * relations between the harnesses' wall times (never from absolute times alone).
 */
import type { HarnessName, HarnessRun, RunResult } from './types';

/** A harness counts as faster than serial above this speed-up, and as no faster below NONE. */
const CLEAR = 1.5;
const NONE = 1.25;

export function speedUps(result: RunResult): Partial<Record<HarnessName, number>> {
  const serial = result.runs.find((r) => r.harness === 'serial' && r.ok);
  const out: Partial<Record<HarnessName, number>> = {};
  if (!serial || serial.wallMs <= 0) return out;
  for (const r of result.runs) if (r.ok && r.wallMs > 0) out[r.harness] = serial.wallMs / r.wallMs;
  return out;
}

/** What a snippet says when an optional package is missing: "ray is not installed: pip install ray". */
const INSTALL_HINT = /\bnot installed\b|\b(?:pip|pip3|uv pip|conda|npm|pnpm|yarn) (?:install|add) \S/i;

/** A returned value without its quotes: Python's repr and Node's inspect quote strings. */
function unquoted(value: string | null): string | null {
  const m = value === null ? null : /^(['"`])(.*)\1$/s.exec(value);
  return m ? m[2] : value;
}

/**
 * The install hint a run consists of, if every task of every harness did nothing but report one:
 * each returned the same hint string, or returned nothing (None/undefined) and printed only hint
 * lines. Timings of such a run measure nothing, so it gets no concurrency verdict.
 */
export function installHint(result: RunResult): string | undefined {
  if (result.runs.length === 0 || result.runs.some((r) => !r.ok || r.tasks.length === 0)) return undefined;
  const said = new Set<string>();
  for (const r of result.runs) {
    const printed = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    for (const t of r.tasks) {
      const v = unquoted(t.value);
      if (v !== null && v !== 'None' && v !== 'undefined') said.add(v);
    }
    if (r.tasks.every((t) => t.value === null || t.value === 'None' || t.value === 'undefined')) {
      if (printed.length === 0) return undefined;
      for (const l of printed) said.add(l);
    }
  }
  const [hint] = said;
  return said.size === 1 && INSTALL_HINT.test(hint) ? hint : undefined;
}

export function verdict(result: RunResult): string[] {
  const hint = installHint(result);
  if (hint) return [`Nothing was measured: every task only reported "${hint}", so there is no verdict on concurrency.`];
  return [...localVerdict(result), ...rayVerdict(result)];
}

/** The four local harnesses against each other. */
function localVerdict(result: RunResult): string[] {
  const lines: string[] = [];
  const failed = result.runs.filter((r) => !r.ok);
  // The harness's error itself is shown beside the verdict (the table's notes, the panel): not here too.
  const errors = new Set(failed.map((r) => r.error));
  if (failed.length > 1 && failed.length === result.runs.length && errors.size === 1 && !errors.has(null) && !failed[0].timedOut && !failed[0].cancelled) {
    lines.push('Every harness failed with the same error.');
  } else {
    for (const r of failed) {
      lines.push(r.timedOut ? `${r.harness} timed out; its processes were killed.` : r.cancelled ? `${r.harness} was cancelled.` : r.error ? `${r.harness} failed.` : `${r.harness} failed: ${failedTasks(r)}.`);
    }
  }
  const s = speedUps(result);
  const coroutine = result.runs.find((r) => r.harness === 'coroutine' && r.ok);
  if (coroutine && coroutine.loop.maxBlockMs >= 100) {
    lines.push(`The event loop was blocked for up to ${Math.round(coroutine.loop.maxBlockMs)} ms at a time: while a task runs without awaiting (a blocking call, or plain computation), no other task on the loop can run.`);
  }
  if (Object.keys(s).filter((h) => h !== 'ray').length < 2) return lines;
  const thread = s.thread ?? 0;
  const proc = s.process ?? 0;
  const co = s.coroutine ?? 0;
  const py = result.language === 'python';
  if (proc >= CLEAR && thread < NONE) {
    lines.push(py
      ? `CPU-bound: processes ran ${proc.toFixed(1)}× faster than serial, threads did not help (${thread.toFixed(1)}×): the GIL runs one thread's Python at a time.`
      : `CPU-bound: processes ran ${proc.toFixed(1)}× faster than serial, worker threads ${thread.toFixed(1)}×.`);
  } else if (py && thread >= CLEAR && co < NONE) {
    lines.push(`The tasks wait without yielding to the loop (blocking sleep or I/O): threads (${thread.toFixed(1)}×) and processes (${proc.toFixed(1)}×) overlap the waits, one event loop runs them one after another.`);
  } else if (!py && (thread >= CLEAR || proc >= CLEAR) && co < NONE) {
    lines.push(`CPU-bound: worker threads (${thread.toFixed(1)}×) and processes (${proc.toFixed(1)}×) run it in parallel; one event loop runs the tasks one after another.`);
  } else if (co >= CLEAR) {
    lines.push(`The tasks wait cooperatively (await): one event loop overlapped them, ${co.toFixed(1)}× faster than serial${thread >= CLEAR ? `; threads did too (${thread.toFixed(1)}×) at a higher cost` : ''}.`);
  } else if (thread < NONE && proc < NONE && co < NONE) {
    lines.push(proc < 0.8
      ? `No harness beat serial: each task is too short for concurrency to pay, and starting processes cost more than it saved (${proc.toFixed(2)}×).`
      : 'No harness beat serial: each task is too short, or it holds a resource the others wait for.');
  } else {
    const best = (Object.entries(s) as [HarnessName, number][]).filter(([h]) => h !== 'serial').sort((a, b) => b[1] - a[1])[0];
    if (best) lines.push(`Fastest: ${best[0]}, ${best[1].toFixed(1)}× serial.`);
  }
  return lines;
}

/**
 * Ray against plain calls and the process pool (the local harness it replaces), from their wall
 * times in this run: Ray's scheduling, serialisation and object store cost each task a few
 * milliseconds, so tiny tasks lose even to serial calls, and long ones keep up with the pool;
 * and where the tasks ran. (The pool's wall time includes starting its workers; Ray's excludes
 * starting the cluster, which the last line reports.)
 */
function rayVerdict(result: RunResult): string[] {
  const ray = result.runs.find((r) => r.harness === 'ray' && r.ok);
  if (!ray?.ray) return [];
  const lines: string[] = [];
  const proc = result.runs.find((r) => r.harness === 'process' && r.ok);
  const serial = result.runs.find((r) => r.harness === 'serial' && r.ok);
  const fmt = (ms: number) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
  const n = Math.max(1, ray.tasks.length);
  if (serial && ray.wallMs > serial.wallMs * NONE) {
    lines.push(`Each task is shorter than Ray's per-task overhead: Ray took ${fmt(ray.wallMs)} (about ${fmt(ray.wallMs / n)} per task) against ${fmt(serial.wallMs)} for plain calls one after another. Scheduling, serialisation and the object store cost a few milliseconds per task; Ray pays off for tasks of tens of milliseconds and more, and when one machine is not enough.`);
  } else if (proc && proc.wallMs > 0) {
    const ratio = ray.wallMs / proc.wallMs;
    if (ratio >= NONE) {
      const perTask = (ray.wallMs - proc.wallMs) / n;
      lines.push(`Ray took ${fmt(ray.wallMs)} against ${fmt(proc.wallMs)} for the process pool (about ${fmt(perTask)} more per task): each Ray task pays for scheduling, serialisation and the object store, which tasks this short do not earn back. Ray pays off for tasks of tens of milliseconds and more, and when one machine is not enough.`);
    } else {
      lines.push(`Ray kept up with the process pool (${fmt(ray.wallMs)} against ${fmt(proc.wallMs)}): the tasks are long enough to hide Ray's per-task overhead, and on a cluster the same code gets the CPUs of every node.`);
    }
  }
  const nodes = new Set(ray.tasks.map((t) => t.worker.node).filter(Boolean));
  if (nodes.size > 1) {
    lines.push(`The tasks ran on ${nodes.size} Ray nodes: their times include moving arguments and results between machines, and each node's clock stamps its own tasks.`);
  } else if (ray.ray.clusterNodes > 1) {
    lines.push(`The cluster has ${ray.ray.clusterNodes} nodes but every task ran on one: with this few tasks Ray keeps them where the CPUs are free first.`);
  }
  lines.push(`${ray.ray.address ? `Connecting to the cluster at ${ray.ray.address}` : 'Starting the local Ray cluster'} took ${fmt(ray.ray.startupMs)}, not counted in Ray's wall time: a long-lived cluster pays it once.`);
  return lines;
}

function failedTasks(r: HarnessRun): string {
  const bad = r.tasks.filter((t) => !t.ok);
  const first = bad[0]?.error;
  return `${bad.length} of ${r.tasks.length} tasks failed${first ? ` (${first.type}: ${first.message})` : ''}`;
}
