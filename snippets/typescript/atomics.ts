// SharedArrayBuffer and Atomics: memory shared between worker threads.
// 共享内存与原子操作：Atomics.add 不丢更新，普通的 ++ 可能丢失更新；wait/notify 用来同步。
//
// Workers normally share nothing, but a SharedArrayBuffer is the same memory in every
// thread that receives it. `cells[i]++` on it is a read, an add and a write, so two
// threads can overwrite each other's updates; Atomics.add does it as one step.
// Atomics.wait parks a worker thread until another thread calls Atomics.notify. Here it
// is a starting gate: every worker checks in (Atomics.add + notify on a counter), the
// main thread waits without blocking its loop (Atomics.waitAsync) until all have checked
// in, then opens the gate. No worker counts before the gate opens. `woken` is how many
// were already parked on it: a worker that checked in but had not reached Atomics.wait
// yet finds the gate open (wait returns 'not-equal' at once) and is not counted.
// Run `serial` on `sharedCounter`: `atomic` always equals `expected`, `checkedIn` is 3,
// `plain` usually falls short (a real race, so not on every run), `woken` is 0 to 3.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

const WORKERS = 3;
const ADDS = 1_000_000;

// Runs in each worker (as source text, see workers.ts for why). Cell layout: [0] the
// gate, [1] a counter updated with Atomics.add, [2] one updated with ++, [3] check-ins.
function counterWorker(): void {
  const wt = require('node:worker_threads') as typeof import('node:worker_threads');
  const { shared, adds } = wt.workerData as { shared: SharedArrayBuffer; adds: number };
  const cells = new Int32Array(shared);
  Atomics.add(cells, 3, 1); // "I am here"...
  Atomics.notify(cells, 3); // ...and wake the main thread's waitAsync on the count
  Atomics.wait(cells, 0, 0); // sleep while the gate is 0 (returns at once if already open)
  for (let k = 0; k < adds; k++) {
    Atomics.add(cells, 1, 1);
    cells[2]++; // not atomic: updates from other threads can be lost
  }
}

// The main thread must not block (Atomics.wait would freeze its event loop), so it awaits
// Atomics.waitAsync: a promise that settles when a worker notifies, then looks again.
async function allCheckedIn(cells: Int32Array, count: number): Promise<void> {
  const seen = Atomics.load(cells, 3);
  if (seen >= count) return;
  const waiting = Atomics.waitAsync(cells, 3, seen, 5_000);
  if (waiting.async) await waiting.value;
  return allCheckedIn(cells, count);
}

export async function sharedCounter(i: number): Promise<Record<string, number>> {
  const shared = new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT);
  const cells = new Int32Array(shared);
  const workers = Array.from(
    { length: WORKERS },
    () => new Worker(`(${counterWorker.toString()})()`, { eval: true, workerData: { shared, adds: ADDS } }),
  );
  const exits = workers.map((w) => once(w, 'exit'));
  await allCheckedIn(cells, WORKERS);
  Atomics.store(cells, 0, 1); // open the gate...
  const woken = Atomics.notify(cells, 0); // ...and wake the workers parked on it
  await Promise.all(exits);
  return { task: i, expected: WORKERS * ADDS, atomic: Atomics.load(cells, 1), plain: cells[2], checkedIn: cells[3], woken };
}

if (require.main === module) {
  sharedCounter(0).then(console.log, (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
