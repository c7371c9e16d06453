"""asyncio building blocks: tasks, gather, timeouts, Event and Queue (Python 3.11+).

asyncio 基础：Task、gather、超时、Event 与 Queue 生产者/消费者。

Each function is one lesson and finishes in well under a second. Run any of them under
`coroutine` to watch four copies share one event loop; `compare` shows that a thread per
copy buys nothing for code that already awaits (thread ≈ coroutine ≈ one call, serial = N).
What to look for in the values: `background_tasks` has 3 tasks in its set after starting
them and 0 at the end; `gather_all` holds the RuntimeError in place, in order, after
~0.2 s; `with_timeout` shows both timeouts reaching the inner work as a cancellation;
`event_signal` wakes all three waiters; `producer_consumer` consumes items 0-5.
"""
import asyncio
import time

# The loop keeps only weak references to tasks: a task nobody references may be garbage
# collected before it finishes. Fire-and-forget tasks need a strong reference somewhere.
_background = set()


async def _job(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return name


async def background_tasks(i: int = 0) -> dict:
    """Fire-and-forget: start tasks, keep them in a set, let them remove themselves when done."""
    finished = []

    def mine() -> int:
        return sum(t.get_name().startswith(f"bg-{i}-") for t in _background)

    for k in range(3):
        task = asyncio.create_task(_job(f"job {k}", 0.05 * (k + 1)), name=f"bg-{i}-{k}")
        _background.add(task)  # the strong reference that keeps the task alive
        task.add_done_callback(_background.discard)  # ...dropped once it has finished
        task.add_done_callback(lambda t: finished.append(t.result()))
    in_set = mine()  # no task has run yet: create_task only schedules it
    await asyncio.sleep(0.2)  # the caller goes on with other work; the tasks finish meanwhile
    return {"in_set_after_start": in_set, "finished": finished, "in_set_at_end": mine()}


async def task_group(i: int = 0) -> list:
    """TaskGroup (3.11+): the group keeps its tasks and waits for all of them at the end of `async with`."""
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(_job(f"tg-{i}-{k}", 0.1)) for k in range(3)]
    return [t.result() for t in tasks]


async def gather_all(i: int = 0) -> dict:
    """gather runs awaitables together; return_exceptions keeps one failure from hiding the rest.

    Without return_exceptions the first exception propagates out of the await at once, but the
    other awaitables are NOT cancelled: they keep running in the background (a TaskGroup does
    cancel them, see cancellation.py).
    """
    async def fails() -> str:
        await asyncio.sleep(0.05)
        raise RuntimeError("boom")

    started = time.perf_counter()
    results = await asyncio.gather(_job("a", 0.2), _job("b", 0.1), fails(), return_exceptions=True)
    return {"results": [repr(r) for r in results], "seconds": round(time.perf_counter() - started, 2)}


async def with_timeout(i: int = 0) -> dict:
    """wait_for and `async with asyncio.timeout()` (3.11+) cancel the awaited work when time is up."""
    seen = []

    async def slow(name: str) -> str:
        try:
            await asyncio.sleep(1.0)
            return name
        except asyncio.CancelledError:
            seen.append(f"{name} cancelled")  # the timeout reached inside the awaited work
            raise  # always let CancelledError through

    outcome = {}
    try:
        outcome["wait_for"] = await asyncio.wait_for(slow("wait_for"), timeout=0.1)
    except TimeoutError:  # asyncio.TimeoutError is the builtin TimeoutError from 3.11
        outcome["wait_for"] = "timed out after 0.1 s"
    try:
        async with asyncio.timeout(0.1):  # a deadline for a whole block, not one awaitable
            outcome["timeout"] = await slow("timeout block")
    except TimeoutError:
        outcome["timeout"] = "timed out after 0.1 s"
    return {**outcome, "seen": seen}


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
    """A bounded Queue: the producer waits when it is full, consumers when it is empty.

    If a consumer died with an exception, its items would never be marked task_done and
    queue.join() would wait forever: real code watches the consumer tasks too.
    Producer/consumer across threads and processes: see queues.py.
    """
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
    for fn in (background_tasks, task_group, gather_all, with_timeout, event_signal, producer_consumer):
        # One lesson after another on purpose, so their outputs do not mix.
        print(f"{fn.__name__}: {await fn()}")  # concurrency-lens: ignore[await-in-loop]


if __name__ == "__main__":
    asyncio.run(_main())
