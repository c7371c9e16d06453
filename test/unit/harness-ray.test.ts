/**
 * The ray harness with the real Ray of the project's environment (.venv). The tests that check
 * cleanup after a cluster the harness started start it through the harness (that start is what
 * they test); the others share one cluster per file, started here once with `ray start --block`
 * in a session of its own and given to the harness by address, which must leave it running.
 * Relations only: no absolute times.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runSnippet, sessionMembers, type RunOptions } from '../../server/src/harness/orchestrator';
import { toTrace } from '../../server/src/harness/trace';
import { verdict } from '../../server/src/harness/verdict';
import type { HarnessName, HarnessRun, RunResult, TaskRecord } from '../../server/src/harness/types';
import { describe, fn, runOne, waitFor } from './harness-support';
import { projectPython } from './python-env';
import { RAY_TEST_ENV as ENV, startCluster, stopCluster, type Cluster } from './ray-cluster';

const DIR = path.resolve(__dirname, '../../../test/fixtures/harness/python');
const FILE = path.join(DIR, 'ray_work.py');
const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const linux = process.platform === 'linux';

function stat(pid: number | string): string[] | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return [s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')), ...s.slice(s.lastIndexOf(')') + 2).split(' ')];
  } catch {
    return undefined; // ended while we looked
  }
}

/** Live processes: [pid, command name, session]. */
function processes(): Array<{ pid: number; comm: string; session: number }> {
  const out = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = stat(entry);
    if (f && f[1] !== 'Z') out.push({ pid: Number(entry), comm: f[0], session: Number(f[4]) });
  }
  return out;
}

/** The runner running `function` of FILE (its command line carries both), once it is up. */
function runnerOf(func: string): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes('runner.py') && cmd.includes(FILE) && cmd.includes(`"function":"${func}"`)) return Number(entry);
    } catch {
      // ended while we looked
    }
  }
  return undefined;
}

/** The session of a live process: the run's whole tree lives in it (Ray workers too, in groups of their own). */
function sessionOf(pid: number): number | undefined {
  const f = stat(pid);
  return f ? Number(f[4]) : undefined;
}

/** A Ray worker executing one of the harness's tasks (Ray names its process after the task). */
const isTaskWorker = (p: { comm: string }) => p.comm === 'ray::_ray_task';

function opts(extra: Partial<RunOptions> = {}): Partial<RunOptions> {
  return { pythonPath: projectPython(), env: ENV, timeoutSeconds: 90, ...extra };
}

function rayTemps(): Set<string> {
  return new Set(fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('cl-ray-')));
}

test('ray, local cluster: worker pid and node id per task, start-up apart from wall time, Ray timeline in the trace, nothing left', { skip: !linux && 'reads /proc' }, async () => {
  const tempsBefore = rayTemps();
  let runner: number | undefined;
  let session: number | undefined;
  let during: string[] = [];
  const run = await runOne(FILE, fn('square'), 'ray', opts(), (p) => {
    if (p.kind === 'task-start' && runner === undefined) {
      runner = runnerOf('square');
      session = runner === undefined ? undefined : sessionOf(runner);
      during = processes().filter((q) => q.session === session).map((q) => q.comm);
    }
  });
  assert.ok(run.ok, describe(run));
  assert.deepEqual(run.tasks.map((t) => t.value), ['0', '1', '4', '9']);
  const node = run.tasks[0].worker.node;
  assert.match(node ?? '', /^[0-9a-f]{56}$/, 'a Ray node id');
  for (const t of run.tasks) {
    assert.equal(t.worker.node, node);
    assert.ok(t.worker.pid > 0 && t.worker.pid !== runner, 'a worker process, not the driver');
  }
  assert.ok(run.ray && run.ray.address === null && run.ray.clusterNodes === 1, JSON.stringify(run.ray));
  assert.ok(run.ray.startupMs > 0);
  assert.match(run.stdout, /^square 0$/m, "a task's print reaches the run's stdout");
  assert.ok(runner !== undefined && session !== undefined, 'saw the runner');
  assert.ok(during.includes('raylet') && during.includes('gcs_server'), `the run's session held the cluster: ${during.join(', ')}`);
  assert.deepEqual(sessionMembers(session!), [], 'the cluster the harness started (GCS, raylet, workers) is gone');
  assert.deepEqual([...rayTemps()].filter((d) => !tempsBefore.has(d)), [], "the cluster's temp dir is removed");
  const trace = toTrace({ version: 1, file: FILE, language: 'python', snippet: { kind: 'function', name: 'square', startLine: 1, endLine: 1 }, tasks: 4, runs: [run] });
  const executes = trace.traceEvents.filter((e) => e.cat === 'ray,task:execute');
  assert.ok(executes.length >= 1, 'task:execute events of ray.timeline() in the trace');
  assert.ok(trace.traceEvents.some((e) => e.ph === 'M' && String(e.args.name).startsWith('ray timeline · node')));
  const lastEnd = Math.max(...run.tasks.map((t) => t.endMs)) * 1000;
  for (const e of executes) assert.ok(e.ts! >= 0 && e.ts! <= lastEnd, `task:execute at ${e.ts} µs lies within the run (tasks end by ${lastEnd} µs)`);
});

test('ray, local cluster: cancelling mid-run kills the cluster the harness started', { skip: !linux && 'reads /proc' }, async () => {
  const abort = new AbortController();
  let session: number | undefined;
  const done = runSnippet({ file: FILE, target: fn('sleep_long'), harness: 'ray', tasks: 2, ...opts() }, undefined, abort.signal);
  // Cancel once a Ray worker runs one of the tasks: the cluster is fully up then.
  const seen = await waitFor('a Ray worker running a task', () => {
    if (session === undefined) {
      const runner = runnerOf('sleep_long');
      session = runner === undefined ? undefined : sessionOf(runner);
    }
    const inRun = session === undefined ? [] : processes().filter((p) => p.session === session);
    return inRun.some(isTaskWorker) ? inRun.map((p) => p.comm) : undefined;
  }, 90_000);
  assert.ok(seen.includes('raylet') && seen.includes('gcs_server'), `the run's session holds the cluster: ${seen.join(', ')}`);
  abort.abort();
  const result = await done;
  assert.ok(result.runs[0].cancelled && !result.runs[0].ok);
  assert.deepEqual(sessionMembers(session!), [], 'no raylet, GCS or worker outlives the cancel');
});

test('ray without ray importable: the harness fails and says how to enable it', async () => {
  const fake = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-noray-'));
  fs.writeFileSync(path.join(fake, 'ray.py'), 'raise ImportError("No module named ray (test stand-in)")\n');
  try {
    const run = await runOne(FILE, fn('square'), 'ray', opts({ env: { ...ENV, PYTHONPATH: fake } }));
    assert.ok(!run.ok && run.tasks.length === 0);
    assert.match(run.error!, /ray harness needs Ray.*pip install ray.*concurrencyLens\.pythonPath/s);
  } finally {
    fs.rmSync(fake, { recursive: true, force: true });
  }
});

test('ray runs Python only', async () => {
  const js = path.resolve(DIR, '../js/variables.mjs');
  const result = await runSnippet({ file: js, target: { kind: 'selection', startLine: 0, endLine: 0 }, harness: 'ray', tasks: 1 });
  assert.equal(result.runs[0].error, 'the ray harness runs Python functions only');
});

// ---- one shared cluster, given by address ----

let cluster: Promise<Cluster> | undefined;
const sharedCluster = () => (cluster ??= startCluster());

after(async () => {
  const c = await cluster?.catch(() => undefined);
  if (c) await stopCluster(c);
});

const alive = (c: Cluster) => processes().some((p) => p.session === c.session && p.comm === 'raylet');

test('ray by address: runs there, says where, and leaves the cluster running', { skip: !linux && 'reads /proc' }, async () => {
  const c = await sharedCluster();
  const run = await runOne(FILE, fn('square'), 'ray', opts({ rayAddress: c.address }));
  assert.ok(run.ok, describe(run));
  assert.equal(run.ray?.address, c.address);
  assert.ok(run.tasks.every((t) => processes().every((p) => p.pid !== t.worker.pid || p.session === c.session)), "the workers are the cluster's");
  assert.ok(alive(c), 'the cluster given by address still runs');
  const words = verdict({ version: 1, file: FILE, language: 'python', snippet: { kind: 'function', name: 'square', startLine: 1, endLine: 1 }, tasks: 4, runs: [run] }).join(' ');
  assert.match(words, new RegExp(`Connecting to the cluster at ${c.address.replace(/\./g, '\\.')} took`));
});

test('ray by address: a raising task fails alone, its stack names the file and line', async () => {
  const c = await sharedCluster();
  const run = await runOne(FILE, fn('boom'), 'ray', opts({ rayAddress: c.address }));
  assert.ok(!run.ok && run.error === null, describe(run));
  const line = fs.readFileSync(FILE, 'utf8').split('\n').findIndex((l) => l.includes('raise ValueError')) + 1;
  for (const t of run.tasks) {
    assert.equal(t.error?.type, 'ValueError');
    assert.ok(t.error!.stack.includes(`File "${FILE}", line ${line}, in boom`), t.error!.stack);
  }
});

test('ray by address: a timeout stops our job only; the cluster keeps running and our task workers go', { skip: !linux && 'reads /proc' }, async () => {
  const c = await sharedCluster();
  const before = Date.now();
  const run = await runOne(FILE, fn('sleep_long'), 'ray', opts({ rayAddress: c.address, timeoutSeconds: 10 }));
  assert.ok(run.timedOut && !run.ok, describe(run));
  assert.ok(Date.now() - before < 60_000);
  assert.ok(alive(c), 'the cluster given by address still runs');
  await waitFor("the job's workers to end", () => (processes().some((p) => p.session === c.session && isTaskWorker(p)) ? undefined : true), 30_000);
});

test('concurrency-lens run --ray-address names the cluster; compare stays the four local harnesses', async () => {
  const c = await sharedCluster();
  const env = { ...ENV, CONCURRENCY_LENS_PYTHON: projectPython() };
  const ray = spawnSync(process.execPath, [CLI, 'run', 'ray_work.py', '--function', 'square', '--harness', 'ray', '--tasks', '2', '--ray-address', c.address], { cwd: DIR, env, encoding: 'utf8', timeout: 180_000 });
  assert.equal(ray.status, 0, ray.stdout.slice(-2000) + ray.stderr.slice(-2000));
  assert.match(ray.stdout, /^ray\s.*\s2\/2\s/m);
  assert.match(ray.stdout, new RegExp(`connected to ${c.address.replace(/\./g, '\\.')} in .* \\(not in the wall time\\); tasks ran on 1 of 1 node`));
  const table = spawnSync(process.execPath, [CLI, 'run', 'ray_work.py', '--function', 'square', '--harness', 'compare', '--tasks', '1', '--json'], { cwd: DIR, env, encoding: 'utf8' });
  assert.equal(table.status, 0, table.stderr);
  assert.deepEqual((JSON.parse(table.stdout) as RunResult).runs.map((r) => r.harness), ['serial', 'thread', 'process', 'coroutine']);
});

// ---- the verdict's words on Ray, from made-up runs ----

function task(index: number, node: string): TaskRecord {
  return { index, startMs: 0, endMs: 10, worker: { pid: 100 + index, thread: 'ray', node }, ok: true, value: null, error: null };
}
function made(harness: HarnessName, wallMs: number, extra: Partial<HarnessRun> = {}): HarnessRun {
  return { harness, ok: true, wallMs, cpuMs: wallMs, timedOut: false, cancelled: false, error: null, tasks: [], stdout: '', stderr: '', loop: { maxBlockMs: 0, blocks: [] }, ...extra };
}
const made4 = (runs: HarnessRun[]): RunResult => ({ version: 1, file: 'x', language: 'python', snippet: { kind: 'function', name: 'f', startLine: 1, endLine: 2 }, tasks: 4, runs });

test("verdict: tiny tasks lose to the process pool by Ray's per-task overhead; long ones keep up; several nodes are named", () => {
  const info = (clusterNodes: number) => ({ startupMs: 4000, address: null, clusterNodes, timeline: [] });
  const tiny = verdict(made4([made('serial', 10), made('process', 90), made('ray', 40, { tasks: [0, 1, 2, 3].map((i) => task(i, 'a')), ray: info(1) })])).join(' ');
  assert.match(tiny, /shorter than Ray's per-task overhead: Ray took 40 ms \(about 10 ms per task\) against 10 ms for plain calls/);
  const short = verdict(made4([made('serial', 400), made('process', 150), made('ray', 350, { tasks: [0, 1, 2, 3].map((i) => task(i, 'a')), ray: info(1) })])).join(' ');
  assert.match(short, /Ray took 350 ms against 150 ms for the process pool \(about 50 ms more per task\)/);
  assert.match(tiny, /Starting the local Ray cluster took 4000 ms, not counted/);
  const long = verdict(made4([made('serial', 4000), made('process', 2100), made('ray', 2000, { tasks: [0, 1, 2, 3].map((i) => task(i, i % 2 ? 'a' : 'b')), ray: info(2) })])).join(' ');
  assert.match(long, /Ray kept up with the process pool/);
  assert.match(long, /ran on 2 Ray nodes/);
});
