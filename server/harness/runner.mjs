// The Node runner: runs one harness (serial, thread, process or coroutine) over a top-level
// function of a JS/TS file and reports on fd 3, one JSON RunnerEvent per line (the protocol and
// the one JSON argument, RunnerArgs, are in server/src/harness/types.ts). stdout and stderr
// belong to the snippet. Plain Node, no packages: every file loads through ./loader.js (ESM or
// CommonJS as written, TS and JSX transpiled), a bundle built from
// server/src/harness/node-loader.ts beside this file.
//
// The same file plays three roles: the runner (argv[2] = RunnerArgs), a worker thread of the
// thread harness (workerData.role = 'thread') and a forked child of the process harness
// (argv[3] = '--child'). Times cross threads and processes as epoch ms
// (performance.timeOrigin + performance.now()) and are reported relative to the harness start.
import { fork } from 'node:child_process';
import { writeSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance, monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { Worker, isMainThread, parentPort, workerData, threadId } from 'node:worker_threads';

const HARNESSES = ['serial', 'thread', 'process', 'coroutine'];
const VALUE_LIMIT = 1024;
const LAG_INTERVAL_MS = 10;
/** A loop stall at least this long is listed as a block (the maximum is always reported). */
const BLOCK_THRESHOLD_MS = 50;
const MAX_BLOCKS = 1000;
const SELF = fileURLToPath(import.meta.url);
const HERE = SELF.slice(0, SELF.length - 'runner.mjs'.length);

const epochNow = () => performance.timeOrigin + performance.now();
const round = (ms) => Math.round(ms * 10) / 10;

// ---------------------------------------------------------------- loading

/**
 * The loader decides ESM or CommonJS as the file is written, and finds the function whether or
 * not it is exported.
 * @returns {Promise<{ fn: Function | undefined, exported: string[] }>}
 */
async function loadTarget(args) {
  const loaderPath = HERE + 'loader.js';
  if (!existsSync(loaderPath)) throw new Error(`the harness loader is missing: expected ${loaderPath} beside runner.mjs (a build problem)`);
  return createRequire(import.meta.url)(loaderPath).loadFunction({ file: args.file, module: args.module, function: args.function });
}

// ---------------------------------------------------------------- values and errors

function cut(text) {
  return text.length > VALUE_LIMIT ? text.slice(0, VALUE_LIMIT - 1) + '…' : text;
}

function show(value) {
  return cut(inspect(value, { depth: 4, maxArrayLength: 100, maxStringLength: VALUE_LIMIT, breakLength: Infinity }));
}

function lineMapper(args) {
  if (!args.module || !args.lineMap) return (line) => line;
  return (line) => {
    for (const [moduleLine, fileLine, count] of args.lineMap) {
      if (line >= moduleLine && line < moduleLine + count) return fileLine + (line - moduleLine);
    }
    return null;
  };
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The stack with file URLs as paths, the harness's own frames dropped, and (for a synthetic
 * cell module, compiled under the user's file name) lines mapped through lineMap.
 */
function mapStack(stack, args) {
  const mapLine = lineMapper(args);
  const fileRe = new RegExp(`${escapeRe(args.file)}:(\\d+):(\\d+)`, 'g');
  return String(stack)
    .split('\n')
    .map((l) => l.replace(/file:\/\/\/?[^\s):]+/g, (url) => { try { return fileURLToPath(url); } catch { return url; } }))
    // The loader's frames may come source-mapped to node-loader.ts, outside HERE.
    .filter((l) => !/^\s+at /.test(l) || !(l.includes(HERE) || /\(node:|at node:|node-loader\.ts:/.test(l)))
    .map((l) => l.replace(fileRe, (whole, line, col) => {
      const mapped = mapLine(Number(line));
      return mapped === null ? `<synthetic task function>:${line}:${col}` : `${args.file}:${mapped}:${col}`;
    }))
    .join('\n');
}

function toTaskError(err, args) {
  if (err !== null && typeof err === 'object' && typeof err.stack === 'string') {
    const ctor = err.constructor && err.constructor.name;
    return {
      type: ctor && ctor !== 'Object' ? ctor : String(err.name ?? 'Error'),
      message: String(err.message ?? ''),
      stack: mapStack(err.stack, args),
    };
  }
  return { type: typeof err, message: show(err), stack: '' };
}

// ---------------------------------------------------------------- one task

/**
 * Calls the function once. `onStart` gets the epoch start; the result carries epoch times,
 * to be made relative by whoever knows the harness start.
 */
async function runTask(fn, index, args, onStart) {
  const start = epochNow();
  onStart(start);
  try {
    const value = await (fn.length > 0 ? fn(index) : fn());
    return { index, start, end: epochNow(), ok: true, value: show(value), error: null };
  } catch (err) {
    return { index, start, end: epochNow(), ok: false, value: null, error: toTaskError(err, args) };
  }
}

// ---------------------------------------------------------------- the runner

const pause = new Int32Array(new SharedArrayBuffer(4));

/** One event line on fd 3, whole: the fd may be non-blocking, so a full pipe is waited out. */
function emit(event) {
  let buf = Buffer.from(JSON.stringify(event) + '\n');
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(3, buf));
    } catch (err) {
      if (err.code !== 'EAGAIN') throw err;
      Atomics.wait(pause, 0, 0, 2);
    }
  }
}

/** The runner's own exit; the runner role replaces process.exit for the snippet. */
const realExit = process.exit.bind(process);

/** Lets the snippet's output drain before the process goes. */
function exitAfterOutput(code) {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => realExit(code)));
}

function fatal(message) {
  try {
    emit({ event: 'fatal', message });
  } finally {
    exitAfterOutput(1);
  }
}

/** Event-loop stalls of this thread: a lag probe (timer drift) plus perf_hooks' delay histogram. */
function startLoopMonitor(t0) {
  const histogram = monitorEventLoopDelay({ resolution: LAG_INTERVAL_MS });
  histogram.enable();
  const blocks = [];
  let max = 0;
  let last = performance.now();
  const check = () => {
    const now = performance.now();
    const drift = now - last - LAG_INTERVAL_MS;
    if (drift > max) max = drift;
    if (drift >= BLOCK_THRESHOLD_MS && blocks.length < MAX_BLOCKS) {
      blocks.push({ atMs: round(performance.timeOrigin + now - drift - t0), ms: round(drift), line: null });
    }
    last = now;
  };
  const timer = setInterval(check, LAG_INTERVAL_MS);
  timer.unref();
  return () => {
    // A harness that never yields to the timers (sync calls in a row) shows only here.
    check();
    clearInterval(timer);
    histogram.disable();
    // The histogram counts from its own timer, resolution included.
    const histMax = histogram.count > 0 ? histogram.max / 1e6 - LAG_INTERVAL_MS : 0;
    return { maxBlockMs: round(Math.max(0, max, histMax)), blocks };
  };
}

function taskEndEvent(r, t0) {
  return { event: 'task-end', index: r.index, t: round(r.end - t0), ok: r.ok, value: r.value, error: r.error };
}

async function onLoop(fn, args, t0, thread, together) {
  const worker = { pid: process.pid, thread };
  const started = (i) => (start) => emit({ event: 'task-start', index: i, t: round(start - t0), worker });
  const finished = (r) => emit(taskEndEvent(r, t0));
  if (together) {
    const all = [];
    for (let i = 0; i < args.tasks; i++) all.push(runTask(fn, i, args, started(i)).then(finished));
    await Promise.allSettled(all);
  } else {
    for (let i = 0; i < args.tasks; i++) finished(await runTask(fn, i, args, started(i)));
  }
  return 0;
}

/**
 * Shared by the thread and process harnesses: N workers, each loads the module and runs one
 * task, reporting 'start' and 'end' messages. A worker that dies first fails its task.
 */
function fanOut(args, t0, spawnOne) {
  let childCpuMs = 0;
  const one = (i) => new Promise((resolve) => {
    let ended = false;
    let startedAt = null;
    const end = (r) => {
      if (ended) return;
      ended = true;
      emit(taskEndEvent(r, t0));
    };
    spawnOne(i, {
      message: (msg) => {
        if (msg.type === 'start') {
          startedAt = msg.t;
          emit({ event: 'task-start', index: i, t: round(msg.t - t0), worker: msg.worker });
        } else if (msg.type === 'end') {
          end(msg.result);
        } else if (msg.type === 'cpu') {
          childCpuMs += msg.ms;
        }
      },
      gone: (why, err) => {
        end({
          index: i, start: startedAt ?? epochNow(), end: epochNow(), ok: false, value: null,
          error: err ? toTaskError(err, args) : { type: 'WorkerExit', message: why, stack: '' },
        });
        resolve();
      },
    });
  });
  return Promise.all(Array.from({ length: args.tasks }, (_, i) => one(i))).then(() => childCpuMs);
}

function onThreads(args, t0) {
  return fanOut(args, t0, (i, on) => {
    const w = new Worker(SELF, { workerData: { role: 'thread', args, index: i } });
    const id = w.threadId;
    w.on('message', on.message);
    let error = null;
    w.on('error', (err) => { error = err; });
    w.on('exit', (code) => on.gone(`worker ${id} exited with code ${code} before its task ended`, error));
  }).then(() => 0);
}

function onProcesses(args, t0) {
  // Forked children stay in the runner's process group, so the orchestrator's group kill reaches them.
  return fanOut(args, t0, (i, on) => {
    const child = fork(SELF, [JSON.stringify(args), '--child', String(i)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', on.message);
    child.on('error', (err) => on.gone(`cannot start a child process: ${err.message}`));
    // 'close', not 'exit': messages still in the IPC channel arrive before it.
    child.on('close', (code, signal) => on.gone(`child ${child.pid} exited (${signal ?? `code ${code}`}) before its task ended`));
  });
}

function parseArgs(raw) {
  let args;
  try {
    args = JSON.parse(raw ?? '');
  } catch {
    throw new Error(`runner.mjs takes one JSON argument (RunnerArgs); got ${JSON.stringify(raw)}`);
  }
  if (typeof args.file !== 'string' || typeof args.function !== 'string') throw new Error('RunnerArgs needs `file` and `function`');
  if (!HARNESSES.includes(args.harness)) throw new Error(`unknown harness ${JSON.stringify(args.harness)}; expected one of ${HARNESSES.join(', ')}`);
  if (!Number.isInteger(args.tasks) || args.tasks < 1) throw new Error(`tasks must be a positive integer, got ${JSON.stringify(args.tasks)}`);
  return args;
}

async function loadOrExplain(args) {
  let loaded;
  try {
    loaded = await loadTarget(args);
  } catch (err) {
    const e = toTaskError(err, args);
    throw new Error(`cannot load ${args.file}: ${e.stack || `${e.type}: ${e.message}`}`);
  }
  if (!loaded.fn) {
    const list = loaded.exported.length ? loaded.exported.join(', ') : 'none';
    throw new Error(`no top-level function \`${args.function}\` in ${args.file}; its exported functions: ${list}`);
  }
  return loaded.fn;
}

/**
 * The runner does not outlive the orchestrator: fd 4's other end is the orchestrator's (or
 * contain.py's), and EOF on it means it is gone. A worker thread watches it on its own event
 * loop, so a snippet spinning on the main thread cannot hold the watch up; the worker then
 * kills the runner's group (the runner leads it when started without contain.py) or the runner.
 */
function dieWithParent() {
  // Node has descriptors of its own: fd 4 is the lifeline only when the orchestrator says so.
  const given = process.env.CONCURRENCY_LENS_LIFELINE === '4';
  delete process.env.CONCURRENCY_LENS_LIFELINE; // not the snippet's children's
  if (!given) return;
  const watcher = new Worker(`
    const net = require('node:net');
    const line = new net.Socket({ fd: 4, readable: true, writable: false });
    line.on('data', () => {});
    const die = () => {
      try { process.kill(-process.pid, 'SIGKILL'); } catch { /* not a group leader */ }
      process.kill(process.pid, 'SIGKILL');
    };
    line.on('end', die);
    line.on('error', die);
  `, { eval: true });
  watcher.unref();
}

async function runner() {
  dieWithParent();
  let args;
  let fn;
  try {
    args = parseArgs(process.argv[2]);
    fn = await loadOrExplain(args);
  } catch (err) {
    return fatal(err.message);
  }
  // A task that calls process.exit() fails; it does not end the harness under the other tasks.
  process.exit = (code) => {
    throw new Error(`process.exit(${code ?? ''}) called by the snippet; the harness keeps running`);
  };
  process.on('uncaughtException', (err) => {
    const e = toTaskError(err, args);
    fatal(`uncaught exception outside a task: ${e.stack || `${e.type}: ${e.message}`}`);
  });
  const cpu0 = process.cpuUsage();
  const t0 = epochNow();
  const loopHarness = args.harness === 'serial' || args.harness === 'coroutine';
  const stopMonitor = loopHarness ? startLoopMonitor(t0) : null;
  let childCpuMs;
  if (args.harness === 'serial') childCpuMs = await onLoop(fn, args, t0, 'main', false);
  else if (args.harness === 'coroutine') childCpuMs = await onLoop(fn, args, t0, 'loop', true);
  else if (args.harness === 'thread') childCpuMs = await onThreads(args, t0);
  else childCpuMs = await onProcesses(args, t0);
  const wallMs = epochNow() - t0;
  const loop = stopMonitor ? stopMonitor() : { maxBlockMs: 0, blocks: [] };
  // Worker threads share the process's cpuUsage; children report their own.
  const cpu = process.cpuUsage(cpu0);
  emit({ event: 'harness-end', wallMs: round(wallMs), cpuMs: round((cpu.user + cpu.system) / 1000 + childCpuMs), loop });
  exitAfterOutput(0);
}

// ---------------------------------------------------------------- worker roles

/** Loads the module and runs task `index`, sending start/end through `send`. */
async function workerTask(args, index, send, workerId) {
  let fn;
  try {
    fn = await loadOrExplain(args);
  } catch (err) {
    const t = epochNow();
    send({ type: 'start', t, worker: workerId });
    send({ type: 'end', result: { index, start: t, end: epochNow(), ok: false, value: null, error: { type: 'LoadError', message: err.message, stack: '' } } });
    return;
  }
  const result = await runTask(fn, index, args, (t) => send({ type: 'start', t, worker: workerId }));
  send({ type: 'end', result });
}

async function threadWorker() {
  const { args, index } = workerData;
  await workerTask(args, index, (m) => parentPort.postMessage(m), { pid: process.pid, thread: `worker ${threadId}` });
  // Ends this thread even when the snippet left timers or handles behind.
  process.exit(0);
}

async function childProcess() {
  const args = JSON.parse(process.argv[2]);
  const index = Number(process.argv[4]);
  // The runner is gone (killed or crashed): nothing would read our result.
  process.on('disconnect', () => process.exit(1));
  let sent = false;
  const send = (m) => new Promise((resolve) => process.send(m, () => resolve()));
  process.on('uncaughtException', async (err) => {
    if (!sent) {
      sent = true;
      await send({ type: 'end', result: { index, start: epochNow(), end: epochNow(), ok: false, value: null, error: toTaskError(err, args) } });
    }
    exitAfterOutput(1);
  });
  await workerTask(args, index, (m) => { if (m.type === 'end') sent = true; return send(m); }, { pid: process.pid, thread: 'main' });
  const cpu = process.cpuUsage();
  await send({ type: 'cpu', ms: (cpu.user + cpu.system) / 1000 });
  exitAfterOutput(0);
}

if (!isMainThread && workerData && workerData.role === 'thread') await threadWorker();
else if (process.argv[3] === '--child' && process.send) await childProcess();
else await runner();
