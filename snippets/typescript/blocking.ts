// Blocking the event loop from an async function: the mistake, left flagged on purpose.
// 在 async 函数里执行同步阻塞操作会卡住整个事件循环。
//
// Concurrency Lens reports `blocking-call-in-async` on execFileSync and `busy-wait` on
// the spin loop below. Those warnings ARE the lesson, so they are not silenced. Run
// `compare` on `spin`: the coroutine harness takes N x 200 ms and reports a large
// "max loop block"; then run `pause` (the fix) and see the waits overlap. The same
// with a blocking call: `runBlocking` waits for a 0.2 s child process with
// execFileSync (the Node twin of Python's time.sleep in async code): coroutine = N x
// 200 ms, with a ~200 ms loop block; `runAsync` awaits the promisified execFile and the
// waits overlap (coroutine ≈ one call, a loop block of a few ms).
import { execFile, execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
// A child that sleeps 0.2 s: `node -e` rather than `sleep`, so it runs wherever Node does.
const NAP = ['-e', 'setTimeout(() => {}, 200)'];

export async function runBlocking(i: number): Promise<number> {
  // Flagged on purpose: a sync child process holds the loop until the child exits.
  execFileSync(process.execPath, NAP);
  return i;
}

export async function spin(i: number): Promise<number> {
  const end = Date.now() + 200;
  while (Date.now() < end) {} // flagged on purpose: no timer or I/O callback can run meanwhile
  return i;
}

export async function pause(i: number): Promise<number> {
  await sleep(200); // the fix: the loop runs other tasks while this one waits
  return i;
}

export async function runAsync(i: number): Promise<number> {
  await execFileAsync(process.execPath, NAP); // the fix for execFileSync: the loop stays free
  return i;
}

if (require.main === module) {
  const time = async (name: string, fn: (i: number) => Promise<number>): Promise<void> => {
    const started = performance.now();
    await Promise.all([0, 1, 2, 3].map(fn));
    console.log(`${name}: ${(performance.now() - started).toFixed(0)} ms for 4 tasks`);
  };
  void (async () => {
    await time('spin', spin); // one at a time on purpose, so the timings do not mix
    await time('pause', pause);
    await time('runBlocking', runBlocking);
    await time('runAsync', runAsync);
  })();
}
