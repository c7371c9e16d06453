"""The loop-blocking mistake: a blocking call inside `async def`.

在协程里调用 time.sleep 会卡住整个事件循环。

Concurrency Lens reports `blocking-call-in-async` on `time.sleep` below. It is left
there on purpose: the warning IS the lesson. Run `compare` on `wait_blocking`: under
the coroutine harness the four calls take 4 x 0.2 s and the run reports a large
"max loop block", since no other task can run while one sleeps. Then run
`wait_fixed`: the same wait, handed to a worker thread, overlaps again (coroutine ≈ one
call, a loop block of a few ms). Thread and process overlap both versions: each task
there has its own loop.
"""
import asyncio
import time


async def wait_blocking(i: int) -> int:
    # Deliberately flagged: time.sleep blocks the thread, and with it the event loop.
    time.sleep(0.2)
    return i


async def wait_fixed(i: int) -> int:
    # The fix when the blocking call cannot be avoided (a library without async API):
    # run it on a thread and await the result. asyncio.to_thread uses the loop's default
    # pool, which has min(32, cpu_count() + 4) threads: more tasks than that wait their turn.
    await asyncio.to_thread(time.sleep, 0.2)
    return i


async def _main() -> None:
    for fn in (wait_blocking, wait_fixed):
        start = time.perf_counter()
        # One after the other on purpose: each version is timed alone.
        await asyncio.gather(*(fn(i) for i in range(4)))  # concurrency-lens: ignore[await-in-loop]
        print(f"{fn.__name__:>13}: {time.perf_counter() - start:.2f} s for 4 tasks")


if __name__ == "__main__":
    asyncio.run(_main())
