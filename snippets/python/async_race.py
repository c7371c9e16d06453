"""A race on one thread: check-then-act across an `await`, fixed with asyncio.Lock; and a
Semaphore that bounds how many tasks run at once.

跨 await 的竞态：单线程的协程也会丢失更新，用 asyncio.Lock 修复；用 Semaphore 限制并发数量。

asyncio runs one task at a time, so code between two awaits is never interrupted. But every
`await` is a point where other tasks run: `balance = balance - await price()` reads the
balance, waits, and writes back a value computed from a stale read. No thread is involved,
and the GIL has nothing to do with it.

What to look for (run `coroutine` or `compare`; each call builds its own account, so every
harness returns the same values):
- `lost_update`: 5 withdrawals of 10 from 100 run together; the final balance is 90, not
  50: four withdrawals were lost, each overwritten by a task that had read the same 100.
- `with_lock`: the same with `async with lock:` around read-await-write: 50.
- `cache_stampede`: "if key not in cache: cache[key] = await load()": 5 callers all miss
  and load 5 times; `single_load` keeps one pending Task per key: 1 load.
- `bounded`: 6 "downloads" of 0.1 s under Semaphore(2): at most 2 in flight, ~0.3 s.
"""
import asyncio


async def _price() -> int:
    await asyncio.sleep(0.01)  # a network call, say: other tasks run meanwhile
    return 10


async def lost_update(i: int = 0) -> dict:
    account = {"balance": 100}

    async def withdraw() -> None:
        balance = account["balance"]  # read...
        cost = await _price()  # ...other withdrawals read the same balance here...
        account["balance"] = balance - cost  # ...and this write overwrites theirs

    await asyncio.gather(*(withdraw() for _ in range(5)))
    return {"expected": 50, "balance": account["balance"]}


async def with_lock(i: int = 0) -> dict:
    account = {"balance": 100}
    lock = asyncio.Lock()  # an asyncio lock: waiting for it awaits, it never blocks the loop

    async def withdraw() -> None:
        async with lock:  # read, await and write as one step for the other tasks
            balance = account["balance"]
            cost = await _price()
            account["balance"] = balance - cost

    await asyncio.gather(*(withdraw() for _ in range(5)))
    return {"expected": 50, "balance": account["balance"]}


async def cache_stampede(i: int = 0) -> dict:
    cache: dict = {}
    loads = []

    async def get(key: str) -> str:
        if key not in cache:  # every caller checks before the first load has finished
            loads.append(key)
            await asyncio.sleep(0.05)
            cache[key] = f"value of {key}"
        return cache[key]

    await asyncio.gather(*(get("config") for _ in range(5)))
    return {"callers": 5, "loads": len(loads)}


async def single_load(i: int = 0) -> dict:
    pending: dict = {}
    loads = []

    async def load(key: str) -> str:
        loads.append(key)
        await asyncio.sleep(0.05)
        return f"value of {key}"

    async def get(key: str) -> str:
        if key not in pending:  # no await between this check and the store below
            pending[key] = asyncio.create_task(load(key))
        return await pending[key]  # later callers await the same task

    await asyncio.gather(*(get("config") for _ in range(5)))
    return {"callers": 5, "loads": len(loads)}


async def bounded(i: int = 0) -> dict:
    limit = asyncio.Semaphore(2)
    loop = asyncio.get_running_loop()
    started = loop.time()
    in_flight, most = 0, 0

    async def download(n: int) -> int:
        nonlocal in_flight, most
        async with limit:  # the third caller waits here until one of the two finishes
            in_flight += 1
            most = max(most, in_flight)
            await asyncio.sleep(0.1)
            in_flight -= 1
            return n

    done = await asyncio.gather(*(download(n) for n in range(6)))
    return {"done": list(done), "most_in_flight": most, "seconds": round(loop.time() - started, 1)}


async def _main() -> None:
    for fn in (lost_update, with_lock, cache_stampede, single_load, bounded):
        print(f"{fn.__name__}: {await fn()}")  # concurrency-lens: ignore[await-in-loop] one lesson at a time


if __name__ == "__main__":
    asyncio.run(_main())
