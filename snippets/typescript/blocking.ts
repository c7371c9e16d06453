// Blocking the event loop from an async function: the mistake, left flagged on purpose.
// 在 async 函数里做同步阻塞操作，会卡住整个事件循环。
//
// Concurrency Lens reports `blocking-call-in-async` on readFileSync and `busy-wait` on
// the spin loop below. Those warnings ARE the lesson, so they are not silenced. Run
// `compare` on `spin`: the coroutine harness takes 4 x 200 ms and reports a large
// "max loop block"; then run `pause` (the fix) and see the four waits overlap.
import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export async function readBlocking(i: number): Promise<number> {
  // Flagged on purpose: a sync read holds the loop until the disk answers.
  const text = fs.readFileSync(__filename, 'utf8');
  return text.length + i;
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

export async function readAsync(i: number): Promise<number> {
  const text = await fs.promises.readFile(__filename, 'utf8'); // the fix for readFileSync
  return text.length + i;
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
    await time('readBlocking', readBlocking);
    await time('readAsync', readAsync);
  })();
}
