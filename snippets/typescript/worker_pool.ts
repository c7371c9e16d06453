// A worker_threads pool: a few long-lived workers take jobs from a queue; buffers are
// moved to them with a transfer list instead of being copied.
// worker 线程池：少量常驻 worker 从队列取任务；用 transferList 移交 ArrayBuffer 而不是复制。
//
// Starting a Worker costs a new V8 isolate (tens of ms), so a pool starts a few once and
// feeds them jobs: when a worker posts its answer back, it gets the next job. Data crosses
// by structured clone (a copy) unless it is listed in `transferList`: then an ArrayBuffer
// is moved, not copied, and the sender's buffer is detached (its byteLength becomes 0).
//
// What to look for: run `serial` (or `compare`) on `pool`: 6 jobs on 2 workers, `perWorker`
// shows how they were shared (e.g. [3, 3]), `sums` are the 6 checksums in job order, and
// `afterTransfer` is 0 (the buffer moved) while `afterCopy` keeps its 1 MB (it was cloned).
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

// The worker's code, as source text (see workers.ts for why): sum the bytes of each buffer
// it receives and move the buffer back with the answer.
function poolWorker(): void {
  const wt = require('node:worker_threads') as typeof import('node:worker_threads');
  wt.parentPort!.on('message', ({ job, buffer }: { job: number; buffer: ArrayBuffer }) => {
    let sum = 0;
    for (const byte of new Uint8Array(buffer)) sum = (sum + byte) | 0;
    wt.parentPort!.postMessage({ job, sum, buffer }, [buffer]);
  });
}

const MB = 1 << 20;

function makeBuffer(job: number): ArrayBuffer {
  return new Uint8Array(MB).fill(job + 1).buffer;
}

interface Done { job: number; sum: number; buffer: ArrayBuffer }

/** Runs every job on `size` workers, each taking the next job as soon as it is free. */
async function runPool(size: number, jobs: number): Promise<{ sums: number[]; perWorker: number[] }> {
  const sums: number[] = new Array(jobs);
  const perWorker = new Array<number>(size).fill(0);
  let next = 0;
  const workers = Array.from({ length: size }, () => new Worker(`(${poolWorker.toString()})()`, { eval: true }));
  const send = (w: Worker) => {
    const job = next++;
    const buffer = makeBuffer(job);
    w.postMessage({ job, buffer }, [buffer]); // moved: this thread can no longer read it
  };
  try {
    await Promise.all(workers.map((w, k) => new Promise<void>((resolve, reject) => {
      w.on('error', reject);
      w.on('message', ({ job, sum }: Done) => {
        sums[job] = sum;
        perWorker[k]++;
        if (next < jobs) send(w);
        else resolve();
      });
      if (next < jobs) send(w);
      else resolve();
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { sums, perWorker };
}

export async function pool(i: number): Promise<Record<string, unknown>> {
  const { sums, perWorker } = await runPool(2, 6);

  // Transfer against copy, on one worker: what happens to the sender's buffer.
  const w = new Worker(`(${poolWorker.toString()})()`, { eval: true });
  try {
    const moved = makeBuffer(0);
    const copied = makeBuffer(0);
    const replies = once(w, 'message');
    w.postMessage({ job: 0, buffer: moved }, [moved]);
    const afterTransfer = moved.byteLength;
    await replies;
    const again = once(w, 'message');
    w.postMessage({ job: 1, buffer: copied }); // no transfer list: a 1 MB structured clone
    const afterCopy = copied.byteLength;
    await again;
    return { task: i, sums, perWorker, afterTransfer, afterCopy };
  } finally {
    await w.terminate();
  }
}

if (require.main === module) {
  pool(0).then(console.log, (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
