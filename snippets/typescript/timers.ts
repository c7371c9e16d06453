// Awaiting a timer gives the event loop back, so many waits overlap on one thread.
// 定时器：await 期间事件循环可以运行其他任务。
//
// Run `compare` on `wait`: the coroutine harness starts all four calls on one loop
// and they finish together (wall ~ one call). Threads and processes overlap too, but
// pay to start a Worker or a child process per task for no gain.
import { setTimeout as sleep } from 'node:timers/promises';

export async function wait(i: number): Promise<string> {
  const started = performance.now();
  const value = await sleep(300, `task ${i}`); // resolves with its second argument
  return `${value} waited ${(performance.now() - started).toFixed(0)} ms`;
}

if (require.main === module) {
  const started = performance.now();
  Promise.all([0, 1, 2, 3].map(wait)).then(
    (results) => console.log(results, `4 waits on one loop: ${(performance.now() - started).toFixed(0)} ms`),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
