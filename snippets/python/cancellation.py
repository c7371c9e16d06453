"""Cancellation in asyncio: task.cancel(), TaskGroup failures, timeouts, shield, as_completed.

取消：task.cancel() 与 CancelledError；TaskGroup 中一个任务失败会取消其余任务，错误以 ExceptionGroup 抛出。

Cancelling a task throws CancelledError into it at the `await` where it is paused. The
task may clean up (`finally`, `except CancelledError`) but should let the error through:
swallowing it breaks TaskGroup, timeouts and shutdown. Python 3.11+.

What to look for (run `coroutine`, or `compare`: every harness returns the same values):
- `cancel_a_task`: the worker's `finally` ran, `cancelled()` is True, after ~0.1 s.
- `group_failure`: one child raises after 0.05 s, its two siblings are cancelled (their
  `finally` ran) instead of finishing their 1 s; `except* ValueError` catches the error out
  of the ExceptionGroup. `seconds` is about 0.05, not 1.
- `timeout_cancels_group`: `asyncio.timeout(0.1)` cancels a whole TaskGroup; TimeoutError.
- `shielded`: the shielded work finishes although its waiter was cancelled.
- `first_done`: asyncio.as_completed yields results in finishing order: [0.05, 0.1, 0.2].
"""
import asyncio


async def _worker(name: str, delay: float, log: list) -> str:
    try:
        await asyncio.sleep(delay)
        log.append(f"{name} finished")
        return name
    except asyncio.CancelledError:
        log.append(f"{name} cancelled")
        raise  # let it through: whoever cancelled us is waiting for it
    finally:
        log.append(f"{name} cleaned up")


async def cancel_a_task(i: int = 0) -> dict:
    log: list = []
    task = asyncio.create_task(_worker("worker", 10.0, log))
    await asyncio.sleep(0.1)
    task.cancel()  # only a request: the task sees it at its next await
    try:
        await task
    except asyncio.CancelledError:
        pass  # the task was cancelled; we asked for it
    return {"cancelled": task.cancelled(), "log": log}


async def _fails_after(delay: float) -> None:
    await asyncio.sleep(delay)
    raise ValueError("bad input")


async def group_failure(i: int = 0) -> dict:
    log: list = []
    loop = asyncio.get_running_loop()
    started = loop.time()
    caught = []
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(_worker("sibling-a", 1.0, log))
            tg.create_task(_worker("sibling-b", 1.0, log))
            tg.create_task(_fails_after(0.05))
    except* ValueError as group:  # the errors arrive wrapped in an ExceptionGroup
        caught = [repr(e) for e in group.exceptions]
    return {"caught": caught, "log": sorted(log), "seconds": round(loop.time() - started, 1)}


async def timeout_cancels_group(i: int = 0) -> dict:
    log: list = []
    try:
        async with asyncio.timeout(0.1):
            async with asyncio.TaskGroup() as tg:
                tg.create_task(_worker("slow-a", 1.0, log))
                tg.create_task(_worker("slow-b", 1.0, log))
        outcome = "finished"
    except TimeoutError:
        outcome = "TimeoutError after 0.1 s"
    return {"outcome": outcome, "log": sorted(log)}


async def shielded(i: int = 0) -> dict:
    log: list = []
    inner = asyncio.create_task(_worker("must-finish", 0.1, log))

    async def waiter() -> None:
        await asyncio.shield(inner)  # cancelling the waiter does not cancel `inner`

    w = asyncio.create_task(waiter())
    await asyncio.sleep(0.02)
    w.cancel()
    await asyncio.gather(w, return_exceptions=True)
    result = await inner
    return {"waiter_cancelled": w.cancelled(), "inner_result": result, "log": log}


async def first_done(i: int = 0) -> list:
    async def after(delay: float) -> float:
        await asyncio.sleep(delay)
        return delay

    order = []
    for next_done in asyncio.as_completed([after(0.2), after(0.05), after(0.1)]):
        order.append(await next_done)  # concurrency-lens: ignore[await-in-loop] they already run together; this takes each as it finishes
    return order


async def _main() -> None:
    for fn in (cancel_a_task, group_failure, timeout_cancels_group, shielded, first_done):
        print(f"{fn.__name__}: {await fn()}")  # concurrency-lens: ignore[await-in-loop] one lesson at a time


if __name__ == "__main__":
    asyncio.run(_main())
