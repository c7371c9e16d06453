// Async iterators: `for await` over an async generator, a stream and events.on().
// 异步迭代器：用 for await 遍历异步生成器、可读流和 events.on() 产生的事件。
//
// Anything with [Symbol.asyncIterator] can be consumed with `for await`: each turn awaits
// the next value, so the loop body runs as values arrive and the event loop stays free in
// between. Readable streams are async iterable (with back-pressure: the stream reads on
// only when the loop asks for more), and events.on() turns an emitter into one; it never
// ends by itself, so give it a signal, or `break`. Leaving the loop early (break, return,
// throw) calls the iterator's return(): an async generator runs its `finally`.
//
// What to look for: run `coroutine` (or `compare`) on each function; every harness returns
// the same values. `generator` gets [0, 1, 2] and its `finally` ran after the break;
// `stream` gets the 3 lines of a readable stream; `events` counts 3 "tick" events and
// leaves with `break` (its AbortSignal is the safety net for ticks that never come). The N
// tasks of a coroutine run overlap: each call waits ~80 ms, the run takes about that.
import { EventEmitter, on } from 'node:events';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

async function* ticks(log: string[]): AsyncGenerator<number> {
  try {
    for (let k = 0; ; k++) {
      await sleep(20);
      yield k;
    }
  } finally {
    log.push('generator finally ran'); // on break, the loop calls return() on the generator
  }
}

export async function generator(i: number): Promise<Record<string, unknown>> {
  const log: string[] = [];
  const got: number[] = [];
  for await (const k of ticks(log)) {
    if (k === 3) break;
    got.push(k);
  }
  return { task: i, got, log };
}

export async function stream(i: number): Promise<string[]> {
  const source = Readable.from(['first line\nsecond ', 'line\nthird line\n']);
  const lines: string[] = [];
  let rest = '';
  for await (const chunk of source) {
    const parts = (rest + String(chunk)).split('\n');
    rest = parts.pop() ?? '';
    lines.push(...parts);
  }
  return lines.map((l) => `${i}: ${l}`);
}

export async function events(i: number): Promise<Record<string, unknown>> {
  const emitter = new EventEmitter();
  const timer = setInterval(() => emitter.emit('tick', Date.now()), 25);
  const signal = AbortSignal.timeout(2_000); // events.on never ends by itself: a deadline
  let count = 0;
  let ended = '';
  try {
    for await (const [stamp] of on(emitter, 'tick', { signal })) {
      if (typeof stamp === 'number') count++;
      if (count === 3) break;
    }
    ended = 'break after 3 events';
  } catch (e) {
    ended = `stopped by the signal: ${(e as Error).name}`;
  } finally {
    clearInterval(timer);
  }
  return { task: i, count, ended };
}

if (require.main === module) {
  void (async () => {
    console.log(await generator(0));
    console.log(await stream(0));
    console.log(await events(0));
  })();
}
