// Cancellation: AbortController, AbortSignal.timeout and events.once with a signal.
// 取消与超时：AbortController、AbortSignal.timeout、带 signal 的 events.once。
//
// An AbortSignal is a one-shot "stop" flag that many Node APIs accept: timers,
// fs.promises, fetch, child_process, events.once. Aborting makes these Node APIs reject
// the pending operation with an AbortError whose `cause` is the abort reason. Your own
// async code joins in by checking the signal between steps: signal.throwIfAborted()
// throws the reason itself (a TimeoutError for AbortSignal.timeout), not an AbortError.
// Run `coroutine` on any function and read the values: `abortByHand` stops after ~50 ms
// with an AbortError caused by "task i cancelled", `abortOnTimeout` with an AbortError
// caused by a TimeoutError, `waitForEvent` gets the event and then gives up on one that
// never comes, and `cooperative` stops after about 4 steps with the TimeoutError.
import { EventEmitter, once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

function describe(e: unknown): string {
  const err = e as Error & { cause?: unknown };
  const cause = err.cause instanceof Error ? `, cause: ${err.cause.name} "${err.cause.message}"` : '';
  return `${err.name}${cause}`;
}

export async function abortByHand(i: number): Promise<string> {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error(`task ${i} cancelled`)), 50);
  try {
    await sleep(1_000, undefined, { signal: controller.signal });
    return 'finished (not expected)';
  } catch (e) {
    return `stopped after ~50 ms: ${describe(e)}`;
  }
}

export async function abortOnTimeout(i: number): Promise<string> {
  try {
    await sleep(1_000, undefined, { signal: AbortSignal.timeout(100) }); // a deadline, no controller needed
    return 'finished (not expected)';
  } catch (e) {
    return `task ${i}: ${describe(e)}`;
  }
}

export async function waitForEvent(i: number): Promise<string[]> {
  const emitter = new EventEmitter();
  setTimeout(() => emitter.emit('ready', `ready ${i}`), 20);
  const [value] = (await once(emitter, 'ready', { signal: AbortSignal.timeout(200) })) as [string];
  // An event that never comes: without a signal this await would wait forever. The timer
  // behind AbortSignal.timeout() is unref'd, so it alone would not keep Node running until
  // it fires; a controller with an ordinary timer does.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('gave up after 50 ms')), 50);
  const never = await once(emitter, 'never', { signal: controller.signal }).then(() => 'came', describe);
  clearTimeout(timer);
  return [value, never];
}

export async function cooperative(i: number, signal: AbortSignal = AbortSignal.timeout(120)): Promise<string> {
  let steps = 0;
  try {
    for (;;) {
      signal.throwIfAborted(); // your own code checks the signal between steps
      await sleep(25); // each step waits for the one before: a loop of steps, not of items
      steps++;
    }
  } catch (e) {
    return `task ${i}: stopped after ${steps} steps: ${describe(e)}`;
  }
}

if (require.main === module) {
  Promise.all([abortByHand(0), abortOnTimeout(0), waitForEvent(0), cooperative(0)]).then(console.log, (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
