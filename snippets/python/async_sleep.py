"""Cooperative waiting: `await asyncio.sleep` gives the event loop back.

协程：await 时把控制权交还事件循环，一个线程即可同时等待多个任务。

Run `compare` on `wait`: the coroutine harness now overlaps all four calls on one
thread (wall ~ one call), because every `await` lets the loop run the other tasks.
Threads and processes overlap too, but each pays for its own thread or interpreter
(and each thread runs its own event loop here).
"""
import asyncio
import time


async def wait(i: int) -> str:
    """Waits 0.3 s without blocking the loop."""
    started = time.perf_counter()
    await asyncio.sleep(0.3)
    return f"task {i} waited {time.perf_counter() - started:.2f} s"


async def _main() -> None:
    start = time.perf_counter()
    results = await asyncio.gather(*(wait(i) for i in range(4)))
    print(results)
    print(f"4 tasks on one loop: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    asyncio.run(_main())
