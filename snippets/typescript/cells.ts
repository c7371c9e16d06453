// Three cells: worker threads, child processes and timers on the event loop.
// 三个单元格：worker 线程、子进程、事件循环上的定时器。
//
// Each `// %%` cell has its own CodeLens: the cell becomes the body of an (async)
// task function that the harnesses run N times. The cells use top-level `await`, so
// to run the whole file by itself load it as an ES module, e.g. Node 22+:
// `node --experimental-strip-types cells.ts` with "type": "module", or strip the types
// to cells.mjs and run `node cells.mjs`. Each cell prints its own wall time.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';

/** Source text of a CPU loop for a worker (eval: true) or `node -e`; prints or posts its result. */
function loopSource(loops: number, report: 'post' | 'print'): string {
  const send = report === 'post' ? "require('node:worker_threads').parentPort.postMessage(t)" : 'console.log(t)';
  return `let t = 0; for (let k = 0; k < ${loops}; k++) t = (t + (k % 7) * (k % 13)) | 0; ${send};`;
}

function since(start: number): string {
  return `${(performance.now() - start).toFixed(0)} ms`;
}

// %% worker threads: two CPU loops run in parallel on two threads of this process
const threadsStart = performance.now();
const workers = [0, 1].map(() => new Worker(loopSource(60_000_000, 'post'), { eval: true }));
const fromWorkers = await Promise.all(workers.map(async (w) => (await once(w, 'message'))[0] as number));
console.log(`worker threads: ${fromWorkers.length} loops in ${since(threadsStart)}`);

// %% child processes: the same loops in two new Node processes (slower to start)
const execFileAsync = promisify(execFile);
const processesStart = performance.now();
const fromChildren = await Promise.all(
  [0, 1].map(async () => Number((await execFileAsync(process.execPath, ['-e', loopSource(60_000_000, 'print')])).stdout)),
);
console.log(`child processes: ${fromChildren.length} loops in ${since(processesStart)}`);

// %% timers: three 200 ms waits overlap on the one event loop, no thread needed
const timersStart = performance.now();
const waited = await Promise.all([sleep(200, 'a'), sleep(200, 'b'), sleep(200, 'c')]);
console.log(`timers: ${waited.join('')} after ${since(timersStart)}`);
