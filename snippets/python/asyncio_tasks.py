"""asyncio building blocks: tasks, gather, timeouts, Event and Queue.

asyncio 基础：Task、gather、超时、Event 与 Queue 生产者/消费者。

Each function is one lesson and finishes in well under a second. Run any of them
under `coroutine` to watch four copies share one event loop; `compare` shows that
a thread per copy buys nothing for code that already awaits.
"""
import asyncio
import time

# The loop keeps only weak references to tasks: keep a strong one until they finish.
_background = set()


async def _job(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return name


async def keep_tasks(i: int = 0) -> list:
    """create_task starts work now; keep the Task (a set, or a TaskGroup) and await it."""
    if hasattr(asyncio, "TaskGroup"):  # Python 3.11+: the group awaits and keeps its tasks
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(_job(f"tg-{i}-{k}", 0.1)) for k in range(3)]
        return [t.result() for t in tasks]
    tasks = []
    for k in range(3):
        task = asyncio.create_task(_job(f"set-{i}-{k}", 0.1))
        _background.add(task)
        task.add_done_callback(_background.discard)
        tasks.append(task)
    return list(await asyncio.gather(*tasks))


async def gather_all(i: int = 0) -> dict:
    """gather runs awaitables together; return_exceptions keeps one failure from hiding the rest."""
    async def fails() -> str:
        await asyncio.sleep(0.05)
        raise RuntimeError("boom")

    started = time.perf_counter()
    results = await asyncio.gather(_job("a", 0.2), _job("b", 0.1), fails(), return_exceptions=True)
    return {"results": [repr(r) for r in results], "seconds": round(time.perf_counter() - started, 2)}


async def with_timeout(i: int = 0) -> str:
    """wait_for cancels the awaited task when the time is up."""
    try:
        return await asyncio.wait_for(_job("slow", 1.0), timeout=0.1)
    except asyncio.TimeoutError:  # the builtin TimeoutError on 3.11+
        return f"task {i}: gave up after 0.1 s"


async def event_signal(i: int = 0) -> list:
    """An Event wakes every task waiting on it at once."""
    ready = asyncio.Event()
    woken = []

    async def waiter(name: str) -> None:
        await ready.wait()
        woken.append(name)

    waiters = [asyncio.create_task(waiter(f"w{k}")) for k in range(3)]
    await asyncio.sleep(0.1)  # the waiters are all parked on ready.wait()
    ready.set()
    await asyncio.gather(*waiters)
    return woken


async def producer_consumer(i: int = 0) -> list:
    """A bounded Queue: the producer waits when it is full, consumers when it is empty."""
    queue: asyncio.Queue = asyncio.Queue(maxsize=2)
    consumed = []

    async def consumer(name: str) -> None:
        while True:
            item = await queue.get()
            await asyncio.sleep(0.02)  # "process" the item
            consumed.append(f"{name}:{item}")
            queue.task_done()

    consumers = [asyncio.create_task(consumer(f"c{k}")) for k in range(2)]
    for item in range(6):
        # In order on purpose: a full queue makes the producer wait (back-pressure).
        await queue.put(item)  # concurrency-lens: ignore[await-in-loop]
    await queue.join()  # every item put has been marked task_done
    for c in consumers:
        c.cancel()
    await asyncio.gather(*consumers, return_exceptions=True)
    return consumed


async def _main() -> None:
    for fn in (keep_tasks, gather_all, with_timeout, event_signal, producer_consumer):
        # One lesson after another on purpose, so their outputs do not mix.
        print(f"{fn.__name__}: {await fn()}")  # concurrency-lens: ignore[await-in-loop]


if __name__ == "__main__":
    asyncio.run(_main())
