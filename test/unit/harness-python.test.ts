/**
 * The Python harnesses with a real python3: each test asserts relations measured within one run
 * (never an absolute time, apart from lower bounds on sleeps and the timeout's deadline), and
 * waits on the run's own events, never on a fixed sleep. Fixtures: test/fixtures/harness/python.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { runSnippet, processGroupMembers, OUTPUT_CAP_BYTES, OUTPUT_CAP_MARKER } from '../../server/src/harness/orchestrator';
import type { HarnessRun, RunProgress } from '../../server/src/harness/types';
import { formatTable } from '../../server/src/harness/run-command';
import { fn, runOne, duration, describe, pgidOf, groupMembers, childrenOf, waitFor, within } from './harness-support';

const DIR = path.resolve(__dirname, '../../../test/fixtures/harness/python');
const WORK = path.join(DIR, 'work.py');
const CELLS = path.join(DIR, 'cells.py');

const linux = process.platform === 'linux';

test('CPU-bound pure Python: the process pool runs tasks in worker processes, the thread pool in one, and both count their CPU', async () => {
  // Who ran what, and CPU time: neither changes when a neighbour hogs the cores (wall time does).
  const serial = await runOne(WORK, fn('cpu_bound'), 'serial');
  const thread = await runOne(WORK, fn('cpu_bound'), 'thread');
  const proc = await runOne(WORK, fn('cpu_bound'), 'process');
  assert.ok(serial.ok && thread.ok && proc.ok, describe(!serial.ok ? serial : thread.ok ? proc : thread));
  const runnerPid = thread.tasks[0].worker.pid;
  assert.ok(thread.tasks.every((t) => t.worker.pid === runnerPid), 'threads share the runner process (and its GIL)');
  assert.equal(new Set(thread.tasks.map((t) => t.worker.thread)).size, 4, 'one pool thread per task');
  assert.ok(new Set(proc.tasks.map((t) => t.worker.pid)).size > 1, 'tasks ran in several processes');
  assert.ok(proc.tasks.every((t) => t.worker.pid !== process.pid && t.worker.pid !== runnerPid));
  // The same work costs at least the serial run's CPU wherever it runs: only if the workers' time
  // is counted. (Not against the threads: their fight for the GIL costs CPU of its own.)
  assert.ok(proc.cpuMs >= 0.8 * serial.cpuMs, `process CPU ${proc.cpuMs} ms vs serial CPU ${serial.cpuMs} ms`);
});

test('time.sleep in a thread pool overlaps', async () => {
  const run = await runOne(WORK, fn('sleep_sync'), 'thread');
  assert.ok(run.ok, describe(run));
  const one = Math.min(...run.tasks.map(duration));
  assert.ok(run.wallMs < 2 * one, `wall ${run.wallMs} ms, one task ${one} ms`);
  assert.equal(new Set(run.tasks.map((t) => t.worker.thread)).size, 4);
});

test('await asyncio.sleep on one loop overlaps, task i gets argument i', async () => {
  const run = await runOne(WORK, fn('sleep_async'), 'coroutine');
  assert.ok(run.ok, describe(run));
  const one = Math.min(...run.tasks.map(duration));
  assert.ok(run.wallMs < 2 * one, `wall ${run.wallMs} ms, one task ${one} ms`);
  assert.deepEqual(run.tasks.map((t) => t.value), ['0', '1', '2', '3']);
  assert.ok(run.tasks.every((t) => t.worker.thread === 'loop'));
});

test('a sync sleep under the coroutine harness blocks the loop, and the block names its line', async () => {
  const run = await runOne(WORK, fn('sleep_short'), 'coroutine');
  assert.ok(run.ok, describe(run));
  assert.ok(run.wallMs >= 800, `wall ${run.wallMs} ms`);
  assert.ok(run.loop.maxBlockMs >= 150, `maxBlockMs ${run.loop.maxBlockMs}`);
  const sleepLine = fs.readFileSync(WORK, 'utf8').split('\n').findIndex((l) => l.includes('time.sleep(0.2)')) + 1;
  assert.ok(run.loop.blocks.some((b) => b.line === sleepLine), JSON.stringify(run.loop.blocks));
});

test('the coroutine harness measures blocking without slowing await-heavy code down', async () => {
  // asyncio debug mode made this ten times slower than serial; the loop itself costs less than 3x.
  const result = await runSnippet({ file: WORK, target: fn('await_heavy'), harness: 'compare', tasks: 4, timeoutSeconds: 60 });
  const serial = result.runs.find((r) => r.harness === 'serial')!;
  const coroutine = result.runs.find((r) => r.harness === 'coroutine')!;
  assert.ok(serial.ok && coroutine.ok, describe(serial.ok ? coroutine : serial));
  // CPU time, not wall time: a busy neighbour stretches one run's wall time and not the other's.
  assert.ok(coroutine.cpuMs <= 3 * serial.cpuMs, `coroutine CPU ${coroutine.cpuMs} ms vs serial CPU ${serial.cpuMs} ms`);
});

test('an endless loop times out, and its whole process tree is gone', { skip: !linux && 'reads /proc' }, async () => {
  const pids = new Set<number>();
  let pgid: number | undefined;
  const started = performance.now();
  const run = await runOne(WORK, fn('spin'), 'process', { timeoutSeconds: 2 }, (p) => {
    if (p.kind !== 'task-start') return;
    pids.add(p.worker.pid);
    pgid ??= pgidOf(p.worker.pid);
  });
  const elapsed = performance.now() - started;
  assert.ok(run.timedOut && !run.ok, describe(run));
  assert.ok(elapsed < 4000, `returned after ${elapsed} ms`);
  assert.ok(pgid !== undefined && pids.size > 0, 'saw the workers start');
  assert.deepEqual(processGroupMembers(pgid!), []);
  assert.ok(run.tasks.every((t) => t.error?.type === 'TimedOut'));
});

test('cancelling stops the run and leaves no process', { skip: !linux && 'reads /proc' }, async () => {
  const abort = new AbortController();
  let pgid: number | undefined;
  const result = await runSnippet({ file: WORK, target: fn('spin'), harness: 'compare', tasks: 2, timeoutSeconds: 20 }, (p) => {
    if (p.kind === 'task-start' && pgid === undefined) {
      pgid = pgidOf(p.worker.pid);
      abort.abort();
    }
  }, abort.signal);
  assert.equal(result.runs.length, 1, 'the harnesses after the cancelled one do not start');
  assert.ok(result.runs[0].cancelled && !result.runs[0].ok);
  assert.deepEqual(processGroupMembers(pgid!), []);
});

test('a task that raises: ok false, the stack names the file and line', async () => {
  const run = await runOne(WORK, fn('boom'), 'process');
  assert.ok(!run.ok && run.error === null, describe(run));
  const raiseLine = fs.readFileSync(WORK, 'utf8').split('\n').findIndex((l) => l.includes('raise ValueError')) + 1;
  for (const t of run.tasks) {
    assert.equal(t.error?.type, 'ValueError');
    assert.ok(t.error!.stack.includes(`File "${WORK}", line ${raiseLine}, in boom`), t.error!.stack);
    assert.ok(!t.error!.stack.includes('runner.py'), 'runner frames are left out');
  }
  assert.equal(run.tasks[3].error?.message, 'task 6 failed');
});

test('the file is imported, not run as __main__; unpicklable values come back as text', async () => {
  const guard = await runOne(WORK, fn('main_guard_ran'), 'serial', { tasks: 1 });
  assert.equal(guard.tasks[0].value, 'False');
  const lambda = await runOne(WORK, fn('unpicklable'), 'process', { tasks: 1 });
  assert.ok(lambda.ok, describe(lambda));
  assert.match(lambda.tasks[0].value!, /^<function unpicklable\.<locals>\.<lambda>/);
});

test('a cell runs alone, with the imports and none of the other statements', async () => {
  const result = await runSnippet({ file: CELLS, target: { kind: 'cell', startLine: 17, endLine: 20 }, harness: 'serial', tasks: 2 });
  const run = result.runs[0];
  assert.ok(run.ok, describe(run));
  assert.equal(run.stdout, 'total 45\ntotal 45\n');
  assert.deepEqual(result.snippet, { kind: 'cell', name: 'cell at line 18', startLine: 18, endLine: 21 });

  const asyncCell = await runOne(CELLS, { kind: 'cell', startLine: 22, endLine: 24 }, 'coroutine', { tasks: 2 });
  assert.ok(asyncCell.ok, describe(asyncCell));
  assert.equal(asyncCell.stdout, 'awaited\nawaited\n');

  const failing = await runOne(CELLS, { kind: 'cell', startLine: 26, endLine: 28 }, 'thread', { tasks: 1 });
  assert.ok(!failing.ok);
  assert.ok(failing.tasks[0].error!.stack.includes(`File "${CELLS}", line 29`), failing.tasks[0].error!.stack);
});

test('a selection inside a function runs dedented, using the other definitions', async () => {
  const run = await runOne(CELLS, { kind: 'selection', startLine: 8, endLine: 9 }, 'serial', { tasks: 2 });
  assert.ok(run.ok, describe(run));
  assert.equal(run.stdout, 'selected 7\nselected 7\n');
});

test('an unsaved buffer whose file does not exist runs from its text', async () => {
  // In an existing folder: its sibling modules import; the stack names the buffer's path and line.
  const untitled = path.join(DIR, 'untitled_not_on_disk.py');
  assert.ok(!fs.existsSync(untitled));
  const text = 'from helper import SCALE\n\ndef task(i):\n    if i == 1:\n        raise KeyError("from the buffer")\n    return SCALE\n';
  const run = await runOne(untitled, fn('task'), 'serial', { text, tasks: 2 });
  assert.equal(run.error, null, describe(run));
  assert.equal(run.tasks[0].value, '6000000');
  assert.match(run.tasks[1].error!.stack, new RegExp(`File "${untitled}", line 5, in task\n    raise KeyError\\("from the buffer"\\)`));

  // In no folder at all, a cell too.
  const nowhere = path.join(DIR, 'no_such_folder', 'untitled.py');
  const cell = await runOne(nowhere, { kind: 'cell', startLine: 2, endLine: 3 }, 'process', { text: 'import math\n\n# %%\nprint(math.factorial(4))\n', tasks: 1 });
  assert.ok(cell.ok, describe(cell));
  assert.equal(cell.stdout, '24\n');
});

test('an import error is a clear harness error', async () => {
  const run = await runOne(path.join(DIR, 'broken_import.py'), fn('task'), 'serial');
  assert.ok(!run.ok && run.tasks.length === 0);
  assert.match(run.error!, /cannot import .*broken_import\.py: ModuleNotFoundError: No module named 'no_such_module_for_concurrency_lens'/);
  assert.match(run.error!, /broken_import\.py", line 2/);
});

test('a file that cannot be imported: its error once in the table, with the line and caret of the SyntaxError', async () => {
  const file = path.join(DIR, 'syntax_error.py');
  const result = await runSnippet({ file, target: fn('task'), harness: 'compare', tasks: 2 });
  assert.ok(result.runs.every((r) => !r.ok && r.error === result.runs[0].error), JSON.stringify(result.runs.map((r) => r.error)));
  const table = formatTable(result);
  assert.equal(table.split('cannot import').length - 1, 1, table);
  assert.match(table, /^all harnesses: cannot import /m);
  assert.match(table, /Every harness failed with the same error\./);
  assert.ok(table.includes(`  File "${file}", line 2\n    def task(:\n             ^\nSyntaxError: `), table);
  assert.ok(!table.includes('<frozen'), table);

  const one = await runOne(file, fn('task'), 'serial');
  assert.equal(formatTable({ ...result, runs: [one] }).split('cannot import').length - 1, 1, 'one harness: once too');
});

test('an output flood is capped with a marker; invalid UTF-8 does not break the result', async () => {
  const run = await runOne(WORK, fn('flood'), 'serial', { tasks: 1 });
  assert.ok(run.ok, describe(run));
  assert.equal(run.tasks[0].value, "'flooded'");
  assert.ok(Buffer.byteLength(run.stdout) <= OUTPUT_CAP_BYTES + 200);
  assert.ok(run.stdout.includes(OUTPUT_CAP_MARKER), run.stdout.slice(-300));
  assert.ok(run.stdout.startsWith('\uFFFD\uFFFD not utf-8 \uFFFD\n'), JSON.stringify(run.stdout.slice(0, 40)));
});

test('the event pipe: a line over the cap stops the harness; events after harness-end are ignored', async () => {
  const flood = await runOne(WORK, fn('events_flood'), 'serial', { tasks: 1 });
  assert.ok(!flood.ok && !flood.timedOut, describe(flood));
  assert.match(flood.error!, /event pipe \(fd 3\) got a line over 1 MB/);

  // The first harness-end wins: the task's own end, written after it, is not taken.
  const forged = await runOne(WORK, fn('events_forged'), 'serial', { tasks: 1 });
  assert.equal(forged.wallMs, 1.5, describe(forged));
  assert.ok(!forged.ok && forged.tasks[0].value === null, describe(forged));
});

test('a missing interpreter names the setting', async () => {
  const run = await runOne(WORK, fn('sleep_short'), 'serial', { pythonPath: '/nonexistent/bin/python3' });
  assert.ok(!run.ok);
  assert.match(run.error!, /concurrencyLens\.pythonPath/);
});

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, 'run', ...args], { cwd: DIR, encoding: 'utf8' });
}

test('concurrency-lens run: table, --json, exit codes 0 / 1 / 2', () => {
  const table = cli(['work.py', '--line', '26', '--harness', 'thread', '--tasks', '2']);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /function sleep_short/);
  assert.match(table.stdout, /^harness\s+wall\s+CPU\s+speed-up\s+tasks ok\s+max loop block$/m);
  assert.match(table.stdout, /^thread\s.*\s2\/2\s/m);

  const json = cli(['cells.py', '--lines', '9-10', '--harness', 'serial', '--tasks', '1', '--json']);
  assert.equal(json.status, 0, json.stderr);
  const result = JSON.parse(json.stdout);
  assert.deepEqual(result.snippet, { kind: 'selection', name: 'lines 9-10', startLine: 9, endLine: 10 });
  assert.deepEqual(Object.keys(result.runs[0]), ['harness', 'ok', 'wallMs', 'cpuMs', 'timedOut', 'cancelled', 'error', 'tasks', 'stdout', 'stderr', 'loop']);

  assert.equal(cli(['work.py', '--function', 'boom', '--harness', 'serial', '--tasks', '1']).status, 1);
  for (const bad of [['work.py', '--function', 'nope'], ['work.py', '--harness', 'fibers'], ['work.py', '--line', '1'], ['work.py'], ['work.py', '--tasks', '0']]) {
    const r = cli(bad);
    assert.equal(r.status, 2, `${bad.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^concurrency-lens: /);
  }
});

for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  test(`concurrency-lens run stopped by ${signal} kills its runners and exits with ${code}`, { skip: !linux && 'reads /proc' }, async () => {
    const child = spawn(process.execPath, [CLI, 'run', 'work.py', '--function', 'sleep_long', '--harness', 'process', '--tasks', '2'], { cwd: DIR, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    let pgid: number | undefined;
    try {
      // The runner is the CLI's child, leader of its own group; its pool workers join that group.
      pgid = await waitFor('the runner', () => childrenOf(child.pid!).map(pgidOf).find((g) => g !== undefined && g !== pgidOf(child.pid!)));
      await waitFor('the pool workers', () => (groupMembers(pgid!).length >= 3 ? true : undefined));
      child.kill(signal);
      const status = await within(exited, 10_000, 'the CLI to exit');
      assert.deepEqual(groupMembers(pgid), [], 'no runner or worker left');
      assert.equal(status, code);
    } finally {
      child.kill('SIGKILL');
      if (pgid !== undefined) try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone, as it should be */ }
    }
  });
}
