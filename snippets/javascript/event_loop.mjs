// The order in which Node runs callbacks: synchronous code, nextTick, microtasks; then,
// from an I/O callback, setImmediate before a 0 ms timer.
// 执行顺序：同步代码 → nextTick → 微任务；在 I/O 回调中，setImmediate 先于 0 ms 定时器。
//
// Plain ES module, no build step: `node event_loop.mjs`. Concurrency Lens imports an
// .mjs file natively, so the functions it runs must be exported.
//
// After the current piece of synchronous code, Node empties the process.nextTick
// queue, then the promise microtask queue (promise.then and queueMicrotask share it,
// first in first out); only then does the event loop move on. Its phases go timers →
// I/O → check (setImmediate) → timers again, so which of setImmediate and a timer comes
// first depends on where the loop is: from an I/O callback, setImmediate always wins;
// from the main module, either may (a 0 ms timer is really 1 ms, and may or may not be
// due when the loop first looks). Run `serial` on `order` and read the returned array:
// synchronous, process.nextTick, promise.then, queueMicrotask, setImmediate,
// setTimeout 0, in every harness; `fromMicrotask` returns queueMicrotask first.
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
