/**
 * The Node harnesses (server/harness/runner.mjs + the loader bundle) with real node processes,
 * through the orchestrator as the CLI and the editor use it, plus the runner's own protocol on
 * fd 3. Each test asserts relations measured within one run (never an absolute time, apart
 * from the timeout's deadline) and waits on the run's own events, never on a fixed sleep.
 * Fixtures: test/fixtures/harness-node.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunnerArgs, RunnerEvent } from '../../server/src/harness/types';
import { describe, duration, fn, groupMembers, pgidOf, runOne } from './harness-support';

const ROOT = path.resolve(__dirname, '../../..');
const DIR = path.join(ROOT, 'test/fixtures/harness-node');
const HARNESS = path.join(__dirname, 'harness');
const fixture = (name: string) => path.join(DIR, name);

/** 1-based line of the first line of `file` containing `marker`. */
function lineOf(file: string, marker: string): number {
  const i = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(marker));
  assert.ok(i >= 0, `${marker} in ${file}`);
  return i + 1;
}

before(() => {
  // esbuild.mjs copies server/harness/ here; the loader bundle is built here when the build
  // script has no entry for it (the same command as the build's, one file).
  if (!fs.existsSync(path.join(HARNESS, 'runner.mjs'))) fs.cpSync(path.join(ROOT, 'server/harness'), HARNESS, { recursive: true });
  if (!fs.existsSync(path.join(HARNESS, 'loader.js'))) {
    const options = {
      entryPoints: ['server/src/harness/node-loader.ts'], outfile: path.join(HARNESS, 'loader.js'),
      bundle: true, platform: 'node', format: 'cjs', target: 'node18', logLevel: 'warning',
    };
    // In a child: esbuild is a build tool, not something to bundle into this test.
    execFileSync(process.execPath, ['-e', `require('esbuild').buildSync(${JSON.stringify(options)})`], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  }
});

const linux = process.platform === 'linux';
const cores = os.availableParallelism();

test('CPU-bound JS: the thread harness runs each task on its own worker thread, side by side, and counts their CPU', async () => {
  // Who ran what, and CPU time: neither changes when a neighbour hogs the cores (wall time does).
  const serial = await runOne(fixture('cpu.ts'), fn('burn'), 'serial');
  const thread = await runOne(fixture('cpu.ts'), fn('burn'), 'thread');
  assert.ok(serial.ok && thread.ok, describe(serial.ok ? thread : serial));
  assert.equal(new Set(thread.tasks.map((t) => t.worker.thread)).size, 4, 'one worker per task');
  assert.ok(thread.tasks.every((t) => t.worker.pid === thread.tasks[0].worker.pid && /^worker \d+$/.test(t.worker.thread)));
  assert.ok(serial.tasks.every((t) => t.worker.thread === 'main' && t.worker.pid === serial.tasks[0].worker.pid));
  // Serial tasks follow one another; worker tasks are all started before the first one ends.
  const byIndex = [...serial.tasks].sort((a, b) => a.index - b.index);
  for (let i = 1; i < byIndex.length; i++) assert.ok(byIndex[i].startMs >= byIndex[i - 1].endMs, JSON.stringify(byIndex));
  const firstEnd = Math.min(...thread.tasks.map((t) => t.endMs));
  assert.ok(thread.tasks.every((t) => t.startMs < firstEnd), `worker tasks overlap: ${JSON.stringify(thread.tasks)}`);
  // Worker threads share the process's CPU clock, so their work is counted.
  assert.ok(thread.cpuMs >= 0.8 * serial.cpuMs, `thread cpu ${thread.cpuMs} ms, serial cpu ${serial.cpuMs} ms`);
  // The serial run never yields to the loop between sync calls: one block as long as the run.
  assert.ok(serial.loop.maxBlockMs >= 0.8 * serial.tasks.reduce((s, t) => s + duration(t), 0), JSON.stringify(serial.loop));
});

test('CPU-bound JS: the process harness runs one child per task and counts their CPU', async () => {
  const serial = await runOne(fixture('cpu.ts'), fn('burn'), 'serial');
  const run = await runOne(fixture('cpu.ts'), fn('burn'), 'process');
  assert.ok(serial.ok && run.ok, describe(serial.ok ? run : serial));
  assert.equal(new Set(run.tasks.map((t) => t.worker.pid)).size, 4);
  assert.ok(run.tasks.every((t) => t.worker.thread === 'main' && t.worker.pid !== process.pid));
  // The same work, wherever it ran: CPU time, unlike wall time, does not grow with contention.
  assert.ok(run.cpuMs >= 0.8 * serial.cpuMs, `process cpu ${run.cpuMs} ms, serial cpu ${serial.cpuMs} ms`);
});

test('await setTimeout(500) under the coroutine harness overlaps on one loop', async () => {
  const run = await runOne(fixture('sleep.ts'), fn('nap'), 'coroutine');
  assert.ok(run.ok, describe(run));
  const one = Math.min(...run.tasks.map(duration));
  assert.ok(run.wallMs < 2 * one, `wall ${run.wallMs} ms, one task ${one} ms`);
  assert.ok(run.tasks.every((t) => t.worker.thread === 'loop' && t.value === "'rested'"));
  assert.ok(run.loop.maxBlockMs < one / 2, `the loop was free: ${JSON.stringify(run.loop)}`);
});

test('for(;;){} times out, and its whole process tree is gone', { skip: !linux && 'reads /proc' }, async () => {
  for (const harness of ['process', 'thread'] as const) {
    const pids = new Set<number>();
    let pgid: number | undefined;
    const started = performance.now();
    const run = await runOne(fixture('spin.ts'), fn('spin'), harness, { timeoutSeconds: 2 }, (p) => {
      if (p.kind !== 'task-start') return;
      pids.add(p.worker.pid);
      pgid ??= pgidOf(p.worker.pid);
    });
    const elapsed = performance.now() - started;
    assert.ok(run.timedOut && !run.ok, describe(run));
    assert.ok(elapsed < 4000, `${harness}: returned after ${elapsed} ms`);
    assert.ok(pgid !== undefined && pids.size > 0, `${harness}: saw the workers start`);
    if (harness === 'process') assert.equal(pids.size, 4, 'four children, all in the runner group');
    assert.deepEqual(groupMembers(pgid!), [], `${harness}: processes left in group ${pgid}`);
    assert.ok(run.tasks.every((t) => t.error?.type === 'TimedOut'));
  }
});

test('a snippet that throws: ok false, the stack names the .ts file and line', async () => {
  const file = fixture('throws.ts');
  const throwLine = lineOf(file, '// throws here');
  const callLine = lineOf(file, 'return check(');
  for (const harness of ['serial', 'thread', 'process', 'coroutine'] as const) {
    const run = await runOne(file, fn('fails'), harness, { tasks: 2 });
    assert.ok(!run.ok && run.error === null, describe(run));
    for (const t of run.tasks) {
      assert.equal(t.error?.type, 'RangeError');
      assert.equal(t.error?.message, `job ${t.index} out of range`);
      assert.ok(t.error!.stack.includes(`${file}:${throwLine}:`), `${harness}: ${t.error!.stack}`);
      assert.ok(t.error!.stack.includes(`${file}:${callLine}:`), `${harness}: ${t.error!.stack}`);
      assert.ok(!/runner\.mjs|loader\.js|node:internal/.test(t.error!.stack), `harness frames are left out: ${t.error!.stack}`);
    }
  }
});

test('TS with type annotations and a relative import runs, task i gets argument i', async () => {
  for (const harness of ['serial', 'thread', 'process'] as const) {
    const run = await runOne(fixture('typed.ts'), fn('summarize'), harness);
    assert.ok(run.ok, describe(run));
    assert.deepEqual(run.tasks.map((t) => t.value), [0, 1, 2, 3].map((i) => `{ task: ${i}, doubled: ${i * 2} }`));
  }
});

test('a cell and a selection run as synthetic tasks; stacks name the user lines', async () => {
  const file = fixture('cell.ts');
  const marker = lineOf(file, '// %%') - 1;
  const last = fs.readFileSync(file, 'utf8').trimEnd().split('\n').length - 1;
  const cell = await runOne(file, { kind: 'cell', startLine: marker, endLine: last }, 'thread', { tasks: 2 });
  assert.ok(!cell.ok && cell.error === null, describe(cell));
  const throwLine = lineOf(file, '// cell throws here');
  for (const t of cell.tasks) {
    assert.equal(t.error?.message, 'cell saw 42');
    assert.ok(t.error!.stack.includes(`${file}:${throwLine}:`), t.error!.stack);
  }
  const selection = await runOne(file, { kind: 'selection', startLine: marker + 1, endLine: marker + 1 }, 'serial', { tasks: 2 });
  assert.ok(selection.ok, describe(selection));
});

test('an .mjs file with top-level await loads as ESM', async () => {
  const run = await runOne(fixture('toplevel-await.mjs'), fn('greet'), 'process', { tasks: 2 });
  assert.ok(run.ok, describe(run));
  assert.deepEqual(run.tasks.map((t) => t.value), ["'ready 0'", "'ready 1'"]);
});

test('files written as ESM load as ESM: a .js and a .ts in a "type": "module" package, an .mts, a .ts with top-level await', async () => {
  for (const harness of ['serial', 'thread', 'process'] as const) {
    // Top-level await, import.meta.url naming the file itself, no `require`.
    const js = await runOne(fixture('esm/ready.js'), fn('greet'), harness, { tasks: 2 });
    assert.ok(js.ok, describe(js));
    assert.deepEqual(js.tasks.map((t) => t.value), ["'ready 0 true undefined'", "'ready 1 true undefined'"]);
    // './double.js' resolves to double.ts; the type-only import is dropped.
    const ts = await runOne(fixture('esm/typed.ts'), fn('fails'), harness, { tasks: 1 });
    assert.equal(ts.error, null, describe(ts));
    const file = fixture('esm/typed.ts');
    const stack = ts.tasks[0].error!.stack;
    assert.equal(ts.tasks[0].error!.message, 'esm job 0');
    assert.ok(stack.includes(`${file}:${lineOf(file, '// esm throws here')}:`), `${harness}: ${stack}`);
    assert.ok(!/runner\.mjs|loader\.js|node:internal|\?/.test(stack), `harness frames are left out: ${stack}`);
  }
  const mts = await runOne(fixture('module.mts'), fn('tripled'), 'serial', { tasks: 2 });
  assert.ok(mts.ok, describe(mts));
  assert.deepEqual(mts.tasks.map((t) => t.value), ['0', '3']);
  // In a CommonJS package, but CommonJS cannot compile top-level await and import.meta.
  const awaits = await runOne(fixture('awaits.ts'), fn('plusBase'), 'thread', { tasks: 2 });
  assert.ok(awaits.ok, describe(awaits));
  assert.deepEqual(awaits.tasks.map((t) => t.value), ["'10 true'", "'12 true'"]);
});

test('a cell of an ESM .ts file runs with the file\'s imports; its stack names the user lines', async () => {
  const file = fixture('esm/cell.ts');
  const marker = lineOf(file, '// %%') - 1;
  const last = fs.readFileSync(file, 'utf8').trimEnd().split('\n').length - 1;
  const cell = await runOne(file, { kind: 'cell', startLine: marker, endLine: last }, 'serial', { tasks: 1 });
  assert.equal(cell.error, null, describe(cell));
  assert.equal(cell.tasks[0].error?.message, 'esm cell saw 102');
  assert.ok(cell.tasks[0].error!.stack.includes(`${file}:${lineOf(file, '// esm cell throws here')}:`), cell.tasks[0].error!.stack);
});

test('a top-level function that is not exported runs from an ESM file too', async () => {
  const cases = [
    { file: 'toplevel-await.mjs', name: 'whisper', values: ["'ready quietly 0'", "'ready quietly 1'"] },
    { file: 'esm/ready.js', name: 'hidden', values: ["'hidden 0'", "'hidden 1'"] },
    { file: 'awaits.ts', name: 'plusBase', values: ["'10 true'", "'12 true'"] },
    // `module` is CommonJS's: an .mts file has none.
    { file: 'module.mts', name: 'quiet', values: ["'undefined'", "'undefined'"] },
  ];
  for (const c of cases) {
    for (const harness of ['serial', 'thread'] as const) {
      const run = await runOne(fixture(c.file), fn(c.name), harness, { tasks: 2 });
      assert.ok(run.ok, `${c.file} ${harness}: ${describe(run)}`);
      assert.deepEqual(run.tasks.map((t) => t.value), c.values, `${c.file} ${harness}`);
    }
  }
});

test('process.exit in a serial task fails that task, not the harness', async () => {
  const run = await runOne(fixture('misc.ts'), fn('quits'), 'serial', { tasks: 3 });
  assert.equal(run.error, null, describe(run));
  assert.deepEqual(run.tasks.map((t) => t.ok), [true, false, true]);
  assert.match(run.tasks[1].error!.message, /process\.exit\(3\)/);
});

test('a missing function is a clear error listing the module\'s exported functions', async () => {
  const run = await runOne(fixture('misc.ts'), fn('nope'), 'serial');
  assert.ok(!run.ok && run.tasks.length === 0);
  assert.match(run.error!, /no top-level function `nope` in .*misc\.ts; its exported functions: quits, arrow$/);
  // An ESM module: its exports, without the one the loader adds to reach unexported functions.
  const esm = await runOne(fixture('module.mts'), fn('nope'), 'serial');
  assert.match(esm.error!, /no top-level function `nope` in .*module\.mts; its exported functions: tripled$/);
});

/** The runner alone, as the orchestrator starts it: events on fd 3, own process group. */
function runRunner(args: RunnerArgs): Promise<{ events: RunnerEvent[]; code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [path.join(HARNESS, 'runner.mjs'), JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let events = '';
  let stdout = '';
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (c: Buffer) => { events += c.toString('utf8'); });
  child.stdout!.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
  return new Promise((resolve) => {
    child.on('close', (code) => {
      resolve({ events: events.split('\n').filter(Boolean).map((l) => JSON.parse(l) as RunnerEvent), code, stdout });
    });
  });
}

test('runner protocol: start and end per task, harness-end last, exit 0; output from workers arrives whole', async () => {
  const lines = 300; // LINES in talk.ts
  for (const harness of ['thread', 'process'] as const) {
    const { events, code, stdout } = await runRunner({ file: fixture('talk.ts'), function: 'talk', harness, tasks: 3 });
    assert.equal(code, 0);
    assert.equal(events.at(-1)?.event, 'harness-end');
    assert.equal(events.filter((e) => e.event === 'task-start').length, 3);
    assert.equal(events.filter((e) => e.event === 'task-end').length, 3);
    assert.equal(stdout.split('\n').filter((l) => l.startsWith('task ')).length, 3 * lines, `${harness} output`);
  }
  const bad = await runRunner({ file: fixture('misc.ts'), function: 'quits', harness: 'sideways' as 'serial', tasks: 1 });
  assert.equal(bad.code, 1);
  assert.deepEqual(bad.events.map((e) => e.event), ['fatal']);
});
