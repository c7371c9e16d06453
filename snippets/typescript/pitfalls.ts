// Pitfalls: every mistake Concurrency Lens finds in TypeScript/JavaScript, each beside its fix.
// 常见陷阱：Concurrency Lens 能在 TypeScript/JavaScript 中发现的每一种错误，旁边都附有正确写法。
//
// Open this file and read the Problems panel as a checklist: each `// expect: RULE`
// comment marks a line the rule reports, each `// ok: RULE` the fixed form it leaves alone.
// Every finding has a quick fix or an explanation on hover (and docs/rules/RULE.md). A test
// checks that the findings are exactly these.
//
// A rejected promise that nobody handles is an "unhandled rejection": since Node 15 it
// crashes the process, at a moment far from the line that caused it. Three of the mistakes
// below (floating-promise, misused-async-callback, async-promise-executor) are ways to end
// up there.
//
// What to look for when you run it: run `compare` on `fixedTour`: it runs every fixed form
// once and returns what each produced; the coroutine harness shows a small max loop block.
// The mistakes are for reading; `spinMistake` and `blockingMistake` run and show a large
// loop block under the coroutine harness.
import { execFileSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

async function fetchItem(n: number): Promise<number> {
  await sleep(10);
  return n;
}

const scratch = (name: string) => path.join(os.tmpdir(), `concurrency-lens-pitfalls-${process.pid}-${name}`);

// --- floating-promise: a promise nobody awaits; its failure becomes an unhandled rejection.
export async function floatingMistake(): Promise<void> {
  writeFile(scratch('a.txt'), 'data'); // expect: floating-promise
}

export async function floatingFixed(file: string): Promise<string> {
  await writeFile(file, 'data'); // ok: floating-promise
  return readFile(file, 'utf8');
}

// --- misused-async-callback: forEach ignores the promises its callback returns.
export async function forEachMistake(ids: number[]): Promise<void> {
  ids.forEach(async (id) => { // expect: misused-async-callback
    await fetchItem(id);
  });
}

export async function forEachFixed(ids: number[]): Promise<number[]> {
  return Promise.all(ids.map(async (id) => fetchItem(id))); // ok: misused-async-callback
}

// --- async-promise-executor: a throw inside an async executor never rejects the promise.
export function executorMistake(file: string): Promise<unknown> {
  return new Promise(async (resolve) => { // expect: async-promise-executor
    resolve(JSON.parse(await readFile(file, 'utf8')));
  });
}

export async function executorFixed(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8')); // ok: async-promise-executor
}

// --- blocking-call-in-async: a synchronous call holds the event loop.
export async function blockingMistake(): Promise<void> {
  execFileSync(process.execPath, ['-e', '']); // expect: blocking-call-in-async
}

export async function blockingFixed(): Promise<string> {
  return readFile(__filename, 'utf8'); // ok: blocking-call-in-async
}

// --- blocking-helper-in-async: the same, hidden one call deeper.
function nodeVersionSync(): string {
  return execFileSync(process.execPath, ['-e', 'process.stdout.write(process.version)'], { encoding: 'utf8' });
}

export async function helperMistake(): Promise<string> {
  return nodeVersionSync(); // expect: blocking-helper-in-async
}

export async function helperFixed(): Promise<string> {
  return process.version; // ok: blocking-helper-in-async
}

// --- busy-wait: spinning on the clock holds the loop for the whole wait.
export async function spinMistake(): Promise<void> {
  const end = Date.now() + 100;
  while (Date.now() < end) {} // expect: busy-wait
}

export async function spinFixed(): Promise<void> {
  await sleep(100); // ok: busy-wait
}

// --- await-in-loop: independent requests awaited one by one add their waits up.
export async function sequentialMistake(): Promise<number[]> {
  const results: number[] = [];
  for (const n of [1, 2, 3, 4, 5]) {
    results.push(await fetchItem(n)); // expect: await-in-loop
  }
  return results;
}

export async function togetherFixed(): Promise<number[]> {
  return Promise.all([1, 2, 3, 4, 5].map((n) => fetchItem(n))); // ok: await-in-loop
}

export async function fixedTour(i: number): Promise<Record<string, unknown>> {
  const config = scratch(`config-${i}.json`);
  const data = scratch(`data-${i}.txt`);
  await writeFile(config, JSON.stringify({ task: i }));
  try {
    const [written, items, parsed, source, version] = await Promise.all([
      floatingFixed(data),
      forEachFixed([1, 2, 3]),
      executorFixed(config),
      blockingFixed(),
      helperFixed(),
      spinFixed(),
    ]);
    return { written, items, parsed, sourceRead: source.length > 0, version, together: await togetherFixed() };
  } finally {
    await Promise.all([config, data].map((f) => rm(f, { force: true })));
  }
}

if (require.main === module) {
  fixedTour(0).then(console.log, (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
