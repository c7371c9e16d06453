/**
 * Probes: the behavioural claims of the hover docs and rule pages that a program can observe,
 * checked against the python3 and node on this machine. A runtime upgrade that changes one of
 * them fails here instead of leaving a false hover. Each probe reports an order of events or a
 * state, never a duration; waits are bounded by the runner's deadline, not by sleeps.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProgram, python3, scratchDir, describeRun, type ProgramResult } from './example-runner';

async function probe(file: string, code: string, args: string[] = []): Promise<ProgramResult> {
  const dir = scratchDir('probe');
  try {
    fs.writeFileSync(path.join(dir, file), code);
    const cmd = file.endsWith('.py') ? python3() : process.execPath;
    const run = await runProgram(cmd, [...args, file], { cwd: dir, timeoutMs: 20_000 });
    assert.ok(!run.timedOut, `the probe did not finish\n${describeRun(run)}`);
    return run;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function lines(r: ProgramResult): string[] {
  return r.stdout.trim().split('\n');
}

describe('Node', { concurrency: 4 }, () => {
  const ORDER = `
const seen = [];
Promise.resolve().then(() => seen.push('promise'));
queueMicrotask(() => seen.push('microtask'));
process.nextTick(() => seen.push('nextTick'));
setTimeout(() => console.log(seen.join(' ')), 0);
`;

  test('process.nextTick runs before queued promise jobs in CommonJS', async () => {
    const r = await probe('order.cjs', ORDER);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['nextTick promise microtask']);
  });

  test('process.nextTick runs after already-queued microtasks in an ES module', async () => {
    const r = await probe('order.mjs', ORDER);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['promise microtask nextTick']);
  });

  test('process.nextTick runs after already-queued microtasks inside a promise job (after an await), in CommonJS too', async () => {
    const r = await probe('after-await.cjs', `(async () => { await null; ${ORDER} })();`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['promise microtask nextTick']);
  });

  test('setImmediate scheduled in an I/O callback runs before a 0 ms timer', async () => {
    const r = await probe('immediate.cjs', `
require('node:fs').readFile(__filename, () => {
  const seen = [];
  setTimeout(() => { seen.push('timeout'); if (seen.length === 2) console.log(seen.join(' ')); }, 0);
  setImmediate(() => { seen.push('immediate'); if (seen.length === 2) console.log(seen.join(' ')); });
});`);
    assert.deepEqual(lines(r), ['immediate timeout']);
  });

  test('a synchronous call (execSync, fs.*Sync) blocks the event loop: an immediate scheduled before it runs after it', async () => {
    const r = await probe('blocks.cjs', `
const { execSync } = require('node:child_process');
const fs = require('node:fs');
setImmediate(() => console.log('immediate'));
execSync(JSON.stringify(process.execPath) + ' -e "0"');
fs.readFileSync(__filename);
console.log('sync calls done');`);
    assert.deepEqual(lines(r), ['sync calls done', 'immediate']);
  });

  test("Atomics.wait is allowed on Node's main thread and blocks it", async () => {
    const r = await probe('atomics.cjs', `
const flags = new Int32Array(new SharedArrayBuffer(4));
setImmediate(() => console.log('immediate'));
console.log(Atomics.wait(flags, 0, 0, 50));`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['timed-out', 'immediate']);
  });

  test('timers/promises setInterval: after a slow body the missed ticks arrive back to back, not dropped', async () => {
    // after the slow body, count the iterations that run before an immediate scheduled right then:
    // queued ticks resolve at once; a dropped tick would wait for the next timer, after the immediate
    const r = await probe('interval.mjs', `
import { setInterval, setTimeout as sleep } from 'node:timers/promises';
let n = 0;
let immediateRan = false;
let backToBack = 0;
for await (const _ of setInterval(10)) {
  n++;
  if (n === 1) {
    await sleep(120);  // the slow body: about twelve ticks come due meanwhile
    setImmediate(() => { immediateRan = true; });
    continue;
  }
  if (immediateRan) break;
  backToBack++;
}
console.log(backToBack);`);
    assert.equal(r.code, 0, describeRun(r));
    assert.ok(Number(lines(r)[0]) >= 2, `only ${lines(r)[0]} ticks arrived before the loop turned\n${describeRun(r)}`);
  });

  test("an uncaught exception in a Worker with no 'error' listener crashes the parent", async () => {
    const r = await probe('worker-crash.cjs', `
const { Worker } = require('node:worker_threads');
new Worker('throw new Error("boom in worker")', { eval: true });
setTimeout(() => console.log('parent still alive'), 60_000).unref();
process.on('exit', (code) => console.log('parent exits', code));`);
    assert.equal(r.code, 1, describeRun(r));
    assert.match(r.stderr, /boom in worker/);
    assert.match(r.stderr, /Emitted 'error' event on Worker instance/);
  });

  test("with an 'error' listener the parent survives the worker's exception", async () => {
    const r = await probe('worker-error.cjs', `
const { Worker } = require('node:worker_threads');
const w = new Worker('throw new Error("boom in worker")', { eval: true });
w.on('error', (err) => console.log('caught', err.message));
w.on('exit', (code) => console.log('worker exit', code));`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['caught boom in worker', 'worker exit 1']);
  });

  test("a worker's process.exit(3) goes unnoticed without an 'exit' listener", async () => {
    const r = await probe('worker-exit.cjs', `
const { Worker } = require('node:worker_threads');
new Worker('process.exit(3)', { eval: true });
process.on('exit', (code) => console.log('parent exits', code));`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['parent exits 0']);
  });

  test('void does not handle a rejection: the process still ends (floating-promise)', async () => {
    const r = await probe('void.mjs', `
async function warmCache() { throw new Error('cache down'); }
void warmCache();
setTimeout(() => console.log('still running'), 60_000).unref();`);
    assert.equal(r.code, 1, describeRun(r));
    assert.match(r.stderr, /cache down/);
    assert.doesNotMatch(r.stdout, /still running/);
  });

  test('.then(f, onRejected) does not see a throw from f; .then(f).catch(h) does', async () => {
    const r = await probe('then.mjs', `
const f = () => { throw new Error('from f'); };
process.on('unhandledRejection', (err) => console.log('unhandled', err.message));
Promise.resolve(1).then(f, () => console.log('onRejected'));
Promise.resolve(1).then(f).catch((err) => console.log('caught', err.message));`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r).sort(), ['caught from f', 'unhandled from f']);
  });

  test("events.once attaches its listener when called, not when awaited", async () => {
    const r = await probe('once.mjs', `
import { once, EventEmitter } from 'node:events';
const em = new EventEmitter();
const next = once(em, 'ready');
em.emit('ready', 'emitted before the await');
console.log((await next)[0]);`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['emitted before the await']);
  });

  test('Promise.all rejects on the first failure while the other operations keep running', async () => {
    const r = await probe('all.mjs', `
import { setTimeout as sleep } from 'node:timers/promises';
const slow = sleep(20).then(() => console.log('slow one finished anyway'));
try {
  await Promise.all([slow, Promise.reject(new Error('first failure'))]);
} catch (err) {
  console.log('rejected:', err.message);
}`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['rejected: first failure', 'slow one finished anyway']);
  });

  test('an aborted fetch rejects with an AbortError, and unhandled it ends the process', async () => {
    const r = await probe('abort.mjs', `
const ac = new AbortController();
const res = fetch('http://127.0.0.1:9/', { signal: ac.signal });
ac.abort();
setTimeout(() => console.log('still running'), 60_000).unref();`);
    assert.equal(r.code, 1, describeRun(r));
    assert.match(r.stderr, /AbortError/);
  });

  test("async promise executor: its rejection is not the outer promise's, which never settles once the process survives", async () => {
    const r = await probe('executor.cjs', `
process.on('unhandledRejection', (err) => console.log('unhandled:', err.code));
const outer = new Promise(async (resolve) => {
  resolve(await require('node:fs').promises.readFile('no-such-file'));
});
outer.then(() => console.log('resolved'), () => console.log('rejected'));
process.on('exit', () => console.log('exit, outer never settled'));`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['unhandled: ENOENT', 'exit, outer never settled']);
  });
});

describe('Python', { concurrency: 4 }, () => {
  test('Pool.imap pulls its input ahead of the results read: no backpressure', async () => {
    // wait (bounded by the runner's deadline) until far more items were pulled than results read
    const r = await probe('imap.py', `
import itertools, multiprocessing, threading
pulled = 0
def endless():
    global pulled
    for i in itertools.count():
        pulled += 1
        yield i
def square(x):
    return x * x
if __name__ == "__main__":
    with multiprocessing.Pool(1) as pool:
        results = pool.imap(square, endless())
        print("first result", next(results))
        while pulled < 1000:
            threading.Event().wait(0.01)
        print("pulled far ahead")
        pool.terminate()
`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['first result 0', 'pulled far ahead']);
  });

  test('multiprocessing.cpu_count ignores CPU affinity; os.sched_getaffinity honours it', async () => {
    const r = await probe('cpus.py', `
import multiprocessing, os
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
print(len(os.sched_getaffinity(0)), multiprocessing.cpu_count() == os.cpu_count())
`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['1 True']);
  });

  test('a finished child never joined stays a zombie until active_children() reaps it', async () => {
    const r = await probe('zombie.py', `
import multiprocessing, os
def state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"
if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    p = multiprocessing.Process(target=int)
    p.start()
    os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)  # wait for the exit, but leave the reaping
    print("exited, not joined:", state(p.pid))
    multiprocessing.active_children()
    print("after active_children():", state(p.pid))
`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['exited, not joined: Z', 'after active_children(): gone']);
  });

  test("a ProcessPoolExecutor future's done-callback runs on a thread of the parent, not the caller's", async () => {
    const r = await probe('callback.py', `
import os, threading
from concurrent.futures import ProcessPoolExecutor
if __name__ == "__main__":
    seen = {}
    done = threading.Event()
    def callback(f):
        seen.update(pid=os.getpid(), main=threading.current_thread() is threading.main_thread())
        done.set()
    with ProcessPoolExecutor(1) as ex:
        ex.submit(os.getpid).add_done_callback(callback)
        done.wait(15)
    print("parent process:", seen["pid"] == os.getpid(), "main thread:", seen["main"])
`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['parent process: True main thread: False']);
  });

  test('Executor.shutdown(wait=True) also runs the queued tasks; cancel_futures=True cancels them', async () => {
    // shutdown runs in a helper thread while the first task holds the only worker; the gate opens
    // once shutdown has begun (new work is refused), so the other tasks are still queued then
    const r = await probe('shutdown.py', `
import threading
from concurrent.futures import ThreadPoolExecutor
for cancel in (False, True):
    gate = threading.Event()
    ex = ThreadPoolExecutor(1)
    futs = [ex.submit(gate.wait, 15)] + [ex.submit(int) for _ in range(3)]
    stopper = threading.Thread(target=ex.shutdown, kwargs=dict(wait=True, cancel_futures=cancel))
    stopper.start()
    while True:
        try:
            futs.append(ex.submit(int))
        except RuntimeError:
            break
        threading.Event().wait(0.005)
    gate.set()
    stopper.join()
    print(cancel, sorted({"cancelled" if f.cancelled() else "done" for f in futs[1:]}))
`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ["False ['done']", "True ['cancelled']"]);
  });

  test('run_in_executor takes no keyword arguments for the function', async () => {
    const r = await probe('kwargs.py', `
import asyncio
async def main():
    try:
        await asyncio.get_running_loop().run_in_executor(None, print, "x", sep="")
    except TypeError as e:
        print("TypeError")
asyncio.run(main())
`);
    assert.deepEqual(lines(r), ['TypeError']);
  });

  test('time.sleep in a coroutine blocks the loop; asyncio.sleep lets other tasks run', async () => {
    const r = await probe('blocks.py', `
import asyncio, time
async def main(blocking):
    seen = []
    async def slow():
        seen.append("slow starts")
        if blocking:
            time.sleep(0.05)
        else:
            await asyncio.sleep(0.05)
        seen.append("slow ends")
    async def other():
        seen.append("other runs")
    await asyncio.gather(slow(), other())
    print(", ".join(seen))
asyncio.run(main(True))
asyncio.run(main(False))
`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['slow starts, slow ends, other runs', 'slow starts, other runs, slow ends']);
  });

  test('asyncio.to_thread: the loop keeps running while the thread blocks', async () => {
    // the thread can only finish once a task on the loop has run: a blocked loop would deadlock
    const r = await probe('to_thread.py', `
import asyncio, threading
async def main():
    ran = threading.Event()
    async def on_loop():
        ran.set()
    t = asyncio.to_thread(lambda: ran.wait(15))
    results = await asyncio.gather(t, on_loop())
    print(results[0])
asyncio.run(main())
`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['True']);
  });

  test('create_task: the loop keeps only a weak reference, so an unreferenced pending task is garbage-collected', async () => {
    const r = await probe('weak.py', `
import asyncio, gc, weakref
async def main():
    async def waits_forever():
        await asyncio.get_running_loop().create_future()
    t = asyncio.create_task(waits_forever())
    await asyncio.sleep(0)  # the task now waits on a future nobody else holds
    ref = weakref.ref(t)
    del t
    gc.collect()
    print("collected" if ref() is None else "alive")
asyncio.run(main())
`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['collected']);
    assert.match(r.stderr, /Task was destroyed but it is pending/);
  });

  test('create_task: the task starts when the caller yields to the loop, not at an await that does not suspend', async () => {
    const r = await probe('start.py', `
import asyncio
async def main():
    async def task():
        print("task started")
    async def noop():
        return None
    t = asyncio.create_task(task())
    await noop()
    print("after await noop()")
    await t
asyncio.run(main())
`);
    assert.deepEqual(lines(r), ['after await noop()', 'task started']);
  });

  test('"Task exception was never retrieved" is reported when the task is garbage-collected, not before', async () => {
    const r = await probe('never_retrieved.py', `
import asyncio, gc
async def main():
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda loop, ctx: print("reported:", ctx["message"]))
    async def fails():
        raise ValueError("lost")
    keep = {asyncio.create_task(fails())}
    await asyncio.sleep(0.01)
    gc.collect()
    print("task failed, still referenced")
    keep.clear()
    gc.collect()
    print("reference dropped")
asyncio.run(main())
print("loop closed")
`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['task failed, still referenced', 'reported: Task exception was never retrieved', 'reference dropped', 'loop closed']);
  });

  test('asyncio.as_completed: a plain for yields new awaitables, not the tasks passed in', async () => {
    const r = await probe('as_completed.py', `
import asyncio
async def main():
    tasks = [asyncio.create_task(asyncio.sleep(0, result=i)) for i in range(2)]
    print(any(aw in tasks for aw in asyncio.as_completed(tasks)))
    await asyncio.gather(*tasks)
asyncio.run(main())
`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['False']);
  });

  test('threading.Barrier: a party that dies before wait() does not break it; only the waiter\'s own timeout does', async () => {
    const r = await probe('barrier.py', `
import threading
barrier = threading.Barrier(2)
def party():
    raise SystemExit  # dies before reaching the barrier
t = threading.Thread(target=party)
t.start()
t.join()
print("after the death, broken =", barrier.broken)
try:
    barrier.wait(timeout=0.2)
    print("released")
except threading.BrokenBarrierError:
    print("BrokenBarrierError, broken =", barrier.broken)
`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['after the death, broken = False', 'BrokenBarrierError, broken = True']);
  });

  test('multiprocessing: under fork a lambda target runs; under spawn it cannot be pickled; a multiprocessing.Lock passes as an argument under both', async () => {
    const r = await probe('proc.py', `
import multiprocessing as mp
def with_lock(lock, q):
    with lock:
        q.put("lock ok")
if __name__ == "__main__":
    for method in ("fork", "spawn"):
        ctx = mp.get_context(method)
        try:
            p = ctx.Process(target=lambda: None)
            p.start()
            p.join()
            print(method, "lambda exit", p.exitcode)
        except Exception as e:
            print(method, "lambda", type(e).__name__)
        q, lock = ctx.Queue(), ctx.Lock()  # the parent keeps its lock alive while the child starts
        p = ctx.Process(target=with_lock, args=(lock, q))
        p.start()
        print(method, q.get(timeout=15))
        p.join()
`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['fork lambda exit 0', 'fork lock ok', 'spawn lambda PicklingError', 'spawn lock ok']);
  });

  test('an unawaited coroutine is reported at the call (CPython frees it at once), as a warning only', async () => {
    const r = await probe('unawaited.py', `
import asyncio, sys, warnings
warnings.simplefilter("always")
def show(message, category, filename, lineno, file=None, line=None):
    print("warning:", category.__name__, "line", lineno)
warnings.showwarning = show
async def flush():
    pass
async def main():
    flush()
    print("next line")
asyncio.run(main())
`);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(lines(r), ['warning: RuntimeWarning line 10', 'next line']);
  });
});
