// Sequential `await` in a loop against Promise.all: the most common slow-down in Node code.
// 循环里逐个 await 与 Promise.all：彼此独立的请求应当同时发出。
//
// `for (const id of ids) results.push(await fetchUser(id))` starts each request only when
// the one before has finished, although none needs another's result: the waits add up.
// `Promise.all(ids.map(fetchUser))` starts them all at once, and the waits overlap.
// Concurrency Lens flags the loop in `oneByOne` (await-in-loop) on purpose. When each step
// does need the previous one (pagination, a rate limit, a retry), the loop is right:
// `pages` is such a loop and stays silent.
//
// What to look for: run `compare` on `oneByOne`, then on `together`. In the values,
// `oneByOne` takes ~5 x 60 ms = 300 ms, `together` ~60 ms, with the same users in the
// same order (Promise.all keeps the input order, whatever order they finish in).
// `pages` follows 3 `next` links one after another: ~3 x 60 ms.
import { setTimeout as sleep } from 'node:timers/promises';

async function fetchUser(id: number): Promise<string> {
  await sleep(60); // a network round trip, say
  return `user ${id}`;
}

const IDS = [1, 2, 3, 4, 5];

export async function oneByOne(i: number): Promise<Record<string, unknown>> {
  const started = performance.now();
  const users: string[] = [];
  for (const id of IDS) {
    users.push(await fetchUser(id + i)); // flagged on purpose: each request waits for the last
  }
  return { users, ms: Math.round(performance.now() - started) };
}

export async function together(i: number): Promise<Record<string, unknown>> {
  const started = performance.now();
  const users = await Promise.all(IDS.map((id) => fetchUser(id + i))); // all five in flight at once
  return { users, ms: Math.round(performance.now() - started) };
}

async function fetchPage(n: number): Promise<{ items: string[]; next: number | null }> {
  await sleep(60);
  return { items: [`item ${n}a`, `item ${n}b`], next: n < 3 ? n + 1 : null };
}

export async function pages(i: number): Promise<Record<string, unknown>> {
  const started = performance.now();
  const items: string[] = [];
  let next: number | null = 1;
  while (next !== null) {
    const page: { items: string[]; next: number | null } = await fetchPage(next); // needs the previous page's link
    items.push(...page.items);
    next = page.next;
  }
  return { task: i, items, ms: Math.round(performance.now() - started) };
}

if (require.main === module) {
  void (async () => {
    console.log('one by one:', await oneByOne(0));
    console.log('together:  ', await together(0));
    console.log('pages:     ', await pages(0));
  })();
}
