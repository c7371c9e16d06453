// Combining promises: all, allSettled, race and any.
// Promise 组合：all / allSettled / race / any 的区别。
//
// all: every value, or the first rejection. allSettled: every outcome, never rejects.
// race: the first to settle, value or error. any: the first value; AggregateError if
// none. None of them cancels the promises that lost: those keep running to the end (to
// stop them, pass an AbortSignal, see abort.ts). Run `coroutine` on `combinators`: the
// calls overlap on one loop. In the value: all ['a', 'b'] (input order, not finishing
// order), allFailed "rejected: b broke", race "fast", raceLost "rejected: quick failure",
// any "first value", none "AggregateError: 2 errors".
import { setTimeout as sleep } from 'node:timers/promises';

const ok = (value: string, ms: number): Promise<string> => sleep(ms, value);
const fail = async (reason: string, ms: number): Promise<string> => {
  await sleep(ms);
  throw new Error(reason);
};

export async function combinators(i: number): Promise<Record<string, unknown>> {
  const all = await Promise.all([ok('a', 30), ok('b', 10)]);
  const allFailed = await Promise.all([ok('a', 30), fail('b broke', 10)]).catch((e: Error) => `rejected: ${e.message}`);
  const settled = await Promise.allSettled([ok('a', 10), fail('b broke', 20)]);
  const race = await Promise.race([ok('slow', 50), ok('fast', 10)]);
  const raceLost = await Promise.race([ok('slow', 50), fail('quick failure', 10)]).catch((e: Error) => `rejected: ${e.message}`);
  const any = await Promise.any([fail('x', 10), ok('first value', 30)]);
  const none = await Promise.any([fail('x', 10), fail('y', 20)]).catch((e: AggregateError) => `${e.name}: ${e.errors.length} errors`);
  return {
    task: i,
    all,
    allFailed,
    settled: settled.map((s) => (s.status === 'fulfilled' ? s.value : `rejected: ${(s.reason as Error).message}`)),
    race,
    raceLost,
    any,
    none,
  };
}

if (require.main === module) {
  combinators(0).then(console.log, (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
