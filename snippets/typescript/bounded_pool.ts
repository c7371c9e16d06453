// Bounded concurrency: at most N operations in flight, the rest waiting their turn.
// 限制并发数量：同一时刻最多 N 个任务在执行，其余排队等待。
//
// Promise.all(items.map(work)) starts everything at once: with 10 000 items that is
// 10 000 open sockets or files. A limiter keeps N "slots": a task starts when a slot is
// free and hands it on when it settles (in `finally`, so a failure frees its slot too).
// This is the pattern of the p-limit package, written out in a few lines. A second shape
// is a fixed set of N runners pulling from a shared iterator (`runners`).
//
// What to look for: run `coroutine` (or `compare`) on `limited`: 8 jobs of 50 ms with a
// limit of 3 run in ~3 rounds (~150 ms), `mostInFlight` is 3, the results come back in
// input order, and the failing job 5 shows up as a rejection without stopping the rest.
// `runners` does the same with 3 runners: `mostInFlight` 3, every job done once.
import { setTimeout as sleep } from 'node:timers/promises';

/** Returns `limit(fn)`: runs fn when fewer than `max` limited calls are running. */
function limiter(max: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    active--;
    waiting.shift()?.(); // wake the next caller in line, if any
  };
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await fn();
    } finally {
      release();
    }
  };
}

function meter() {
  let now = 0;
  let most = 0;
  return {
    async job(n: number): Promise<string> {
      now++;
      most = Math.max(most, now);
      try {
        await sleep(50);
        if (n === 5) throw new Error(`job ${n} failed`);
        return `job ${n}`;
      } finally {
        now--;
      }
    },
    most: () => most,
  };
}

export async function limited(i: number): Promise<Record<string, unknown>> {
  const started = performance.now();
  const limit = limiter(3);
  const m = meter();
  const outcomes = await Promise.allSettled([0, 1, 2, 3, 4, 5, 6, 7].map((n) => limit(() => m.job(n))));
  return {
    task: i,
    results: outcomes.map((o) => (o.status === 'fulfilled' ? o.value : `rejected: ${(o.reason as Error).message}`)),
    mostInFlight: m.most(),
    ms: Math.round(performance.now() - started),
  };
}

export async function runners(i: number): Promise<Record<string, unknown>> {
  const m = meter();
  const jobs = [0, 1, 2, 3, 4, 6, 7].values(); // one iterator shared by the runners
  const done: string[] = [];
  const runner = async () => {
    // One job at a time per runner is the point: three runners make the limit of three.
    // concurrency-lens-ignore-next-line await-in-loop
    for (const n of jobs) done.push(await m.job(n));
  };
  await Promise.all([runner(), runner(), runner()]);
  return { task: i, done: done.sort(), mostInFlight: m.most() };
}

if (require.main === module) {
  void (async () => {
    console.log(await limited(0));
    console.log(await runners(0));
  })();
}
