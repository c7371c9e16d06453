// worker_threads: a Worker, isMainThread, parentPort, workerData and a MessageChannel.
// worker_threads：主线程与 worker 通过 parentPort 和 MessageChannel 传递消息。
//
// A Worker is a second V8 isolate on its own OS thread: no shared variables, only
// messages (and SharedArrayBuffer, see atomics.ts). `workerData` is a structured clone
// of what the parent passed; `parentPort` talks back to the parent; a MessageChannel
// gives a second, private pair of ports, which can be transferred to the worker.
// Run `serial` on `squareSum`, then `thread`: there `calledFromMainThread` turns false,
// because the thread harness itself calls the function from a worker.
import { once } from 'node:events';
import { MessageChannel, Worker, isMainThread, threadId, type MessagePort } from 'node:worker_threads';

interface WorkerInput {
  numbers: number[];
  port: MessagePort;
}

// The worker's code, handed to the Worker as source text (eval: true) so that this
// one file works compiled to JS and when Concurrency Lens loads the .ts (a new thread
// cannot load a .ts file). It requires worker_threads itself: a function's source text
// cannot see this file's imports, which the compiler renames.
function workerMain(): void {
  const wt = require('node:worker_threads') as typeof import('node:worker_threads');
  if (wt.isMainThread || !wt.parentPort) throw new Error('workerMain must run in a worker');
  const { numbers, port } = wt.workerData as WorkerInput;
  port.postMessage(`hello from worker thread ${wt.threadId}`); // the private channel
  const sum = numbers.reduce((acc, n) => acc + n * n, 0);
  wt.parentPort.postMessage({ workerThread: wt.threadId, sum }); // the built-in channel
  port.close();
}

export async function squareSum(i: number): Promise<Record<string, unknown>> {
  const { port1, port2 } = new MessageChannel();
  const input: WorkerInput = { numbers: [1, 2, 3, i], port: port2 };
  const worker = new Worker(`(${workerMain.toString()})()`, {
    eval: true,
    workerData: input,
    transferList: [port2], // a port must be transferred, not copied
  });
  // Listen for everything before awaiting anything: an emitter does not keep events for
  // late listeners, and the worker may well answer on both channels before we look.
  const [[note], [result]] = (await Promise.all([once(port1, 'message'), once(worker, 'message'), once(worker, 'exit')])) as [
    [string],
    [{ workerThread: number; sum: number }],
    unknown,
  ];
  port1.close();
  return { calledFromMainThread: isMainThread, callerThread: threadId, ...result, note };
}

if (require.main === module) {
  squareSum(4).then(console.log, (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
