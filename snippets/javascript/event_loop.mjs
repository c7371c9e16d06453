// The order in which Node runs callbacks: nextTick, microtasks, setImmediate, timers.
// 事件循环的执行顺序：同步代码 → nextTick → 微任务 → setImmediate → 定时器。
//
// Plain ES module, no build step: `node event_loop.mjs`. Concurrency Lens imports an
// .mjs file natively, so the functions it runs must be exported.
//
// After the current piece of synchronous code, Node empties the process.nextTick
// queue, then the promise microtask queue (promise.then and queueMicrotask share it,
// first in first out); only then does the event loop move on: setImmediate callbacks
// run in the "check" phase right after I/O, timers in the next "timers" phase.
// Run `serial` on `order` and read the returned array.
import { readFile } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function order() {
  return new Promise((resolve, reject) => {
    const seen = [];
    // Schedule everything from inside an I/O callback: from there, setImmediate always
    // runs before a 0 ms timer. (From the main module the two may come in either order.)
    readFile(fileURLToPath(import.meta.url), (err) => {
      if (err) return reject(err);
      setTimeout(() => {
        seen.push('setTimeout 0');
        resolve(seen);
      }, 0);
      setImmediate(() => seen.push('setImmediate'));
      void Promise.resolve().then(() => seen.push('promise.then'));
      queueMicrotask(() => seen.push('queueMicrotask'));
      process.nextTick(() => seen.push('process.nextTick'));
      seen.push('synchronous');
    });
  });
}

// A twist: code that is already running as a microtask (after an `await`, or at the top
// level of an ES module) finishes the whole microtask queue before Node gets back to
// its nextTick queue, so here queueMicrotask comes first.
export async function fromMicrotask() {
  const seen = [];
  await null; // from here on this function runs as a microtask
  process.nextTick(() => seen.push('process.nextTick'));
  queueMicrotask(() => seen.push('queueMicrotask'));
  await new Promise((resolve) => setImmediate(resolve));
  return seen;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log('order:        ', await order());
  console.log('fromMicrotask:', await fromMicrotask());
}
