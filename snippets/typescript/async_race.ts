// A race on one thread: shared state read before an `await` and written after it.
// 跨 await 的竞态：await 前读取、await 后写回共享状态会丢失更新；用基于 Promise 链的互斥锁修复。
//
// JavaScript runs one callback at a time, so code between two awaits is never interrupted.
// But each `await` lets other tasks run: `balance = balance - await price()` reads the
// balance first, waits, and writes back a result computed from that stale read, wiping out
// what the others wrote meanwhile. The fix makes read-await-write one step for the others:
// a mutex built from a promise chain (each holder waits for the one before it), or no
// shared read across the await at all (`atomicStep`).
//
// What to look for: run `coroutine` or `compare` on each (each call builds its own
// account, so every harness returns the same values). `lostUpdate`: 5 withdrawals of 10
// from 100 end at 90, not 50. `withMutex`: 50, taking ~5 x 10 ms as the steps now queue.
// `atomicStep`: 50, the price awaited first and the balance read and written with no
// await in between: the steps overlap again.
import { setTimeout as sleep } from 'node:timers/promises';

async function price(): Promise<number> {
  await sleep(10); // a network call, say: other withdrawals run meanwhile
  return 10;
}

export async function lostUpdate(i: number): Promise<Record<string, number>> {
  const account = { balance: 100 };
  const withdraw = async () => {
    account.balance = account.balance - (await price()); // reads 100, waits, writes 90
  };
  await Promise.all([1, 2, 3, 4, 5].map(withdraw));
  return { task: i, expected: 50, balance: account.balance };
}

/** A mutex as a promise chain: lock() resolves when every earlier holder has released. */
class Mutex {
  private last: Promise<void> = Promise.resolve();

  lock(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ready = this.last.then(() => release);
    this.last = this.last.then(() => held);
    return ready;
  }
}

export async function withMutex(i: number): Promise<Record<string, number>> {
  const account = { balance: 100 };
  const mutex = new Mutex();
  const started = performance.now();
  const withdraw = async () => {
    const release = await mutex.lock();
    try {
      account.balance = account.balance - (await price());
    } finally {
      release(); // in finally, so a failed step cannot keep the others waiting forever
    }
  };
  await Promise.all([1, 2, 3, 4, 5].map(withdraw));
  return { task: i, expected: 50, balance: account.balance, ms: Math.round(performance.now() - started) };
}

export async function atomicStep(i: number): Promise<Record<string, number>> {
  const account = { balance: 100 };
  const withdraw = async () => {
    const cost = await price(); // await first...
    account.balance -= cost; // ...then read and write with no await between them
  };
  await Promise.all([1, 2, 3, 4, 5].map(withdraw));
  return { task: i, expected: 50, balance: account.balance };
}

if (require.main === module) {
  void (async () => {
    console.log(await lostUpdate(0));
    console.log(await withMutex(0));
    console.log(await atomicStep(0));
  })();
}
