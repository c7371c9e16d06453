// CPU-bound work in JavaScript: one thread per isolate, so only workers run it in parallel.
// 计算密集型：事件循环只有一个线程，worker 线程才能并行计算。
//
// Run `compare` on `crunch`: the thread harness (one worker_threads Worker per task)
// and the process harness (one forked child per task) spread the loops over the cores;
// serial and coroutine run them one after another, because a synchronous loop never
// gives the event loop a chance to switch. ~0.3 s per call on a modern core.

const LOOPS = 150_000_000;

export function crunch(i: number): number {
  let total = 0;
  for (let k = 0; k < LOOPS; k++) {
    // integer arithmetic (| 0) keeps V8 on its fast small-integer path
    total = (total + (k % 7) * ((k + i) % 13)) | 0;
  }
  return total;
}

if (require.main === module) {
  const started = performance.now();
  const totals = [0, 1, 2, 3].map(crunch);
  console.log(totals, `serial: ${(performance.now() - started).toFixed(0)} ms for 4 calls`);
}
