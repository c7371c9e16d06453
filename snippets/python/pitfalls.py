"""Pitfalls: every mistake Concurrency Lens finds in Python, each beside its fixed form.

常见陷阱：Concurrency Lens 能在 Python 中发现的每一种错误，旁边都附有正确写法。

Open this file and read the Problems panel as a checklist: each `# expect: RULE` comment
marks a line the rule reports, each `# ok: RULE` the fixed form it leaves alone. Every
finding has a quick fix or an explanation on hover (and docs/rules/RULE.md).
A test checks that the findings are exactly these.

What to look for when you run it: the `fixed_*` functions are the runnable part. Run
`compare` on `fixed_tour`: it runs every fixed form once and returns what each produced;
under the coroutine harness it keeps the loop free (a small max loop block). The mistakes
are for reading; running one shows the failure it describes (a RuntimeError for
`nested_loop_mistake`, a "coroutine was never awaited" warning for `forgot_await`).
"""
import asyncio
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import Pool

try:
    import ray
except ImportError:  # the two Ray pitfalls at the end need `pip install ray`; the rest runs without it
    HAVE_RAY = False
else:
    HAVE_RAY = True

# Set to True to see the main-guard mistake: under spawn, every child re-imports this file,
# reaches this block again and fails while starting its own pool.
START_POOL_AT_IMPORT = False


def square(n: int) -> int:
    return n * n


# --- missing-main-guard: module-level code that starts processes runs again in each child.
if START_POOL_AT_IMPORT:
    with Pool(2) as unguarded:  # expect: missing-main-guard
        unguarded.map(square, range(4))


def pool_in_a_function() -> list:
    # The fix: start processes from a function (or under `if __name__ == "__main__":`).
    with Pool(2) as pool:  # ok: missing-main-guard
        return pool.map(square, range(4))


async def _fetch(n: int) -> int:
    await asyncio.sleep(0.01)
    return n


# --- blocking-call-in-async: a blocking call freezes the event loop and every task on it.
async def blocking_mistake() -> None:
    time.sleep(0.1)  # expect: blocking-call-in-async


async def blocking_fixed() -> None:
    await asyncio.sleep(0.1)  # ok: blocking-call-in-async


# --- blocking-helper-in-async: the same, hidden one call deeper.
def _read_settings() -> str:
    time.sleep(0.05)  # stands for a slow, synchronous read
    return "settings"


async def helper_mistake() -> str:
    return _read_settings()  # expect: blocking-helper-in-async


async def helper_fixed() -> str:
    return await asyncio.to_thread(_read_settings)  # ok: blocking-helper-in-async


# --- busy-wait: spinning on the clock holds the loop for the whole wait.
async def spin_mistake() -> None:
    end = time.monotonic() + 0.1
    while time.monotonic() < end:  # expect: busy-wait
        pass


async def spin_fixed() -> None:
    end = time.monotonic() + 0.1
    while time.monotonic() < end:  # ok: busy-wait
        await asyncio.sleep(0.01)


# --- unawaited-coroutine: calling an async function only builds a coroutine object.
async def forgot_await() -> None:
    _fetch(1)  # expect: unawaited-coroutine


async def awaited() -> int:
    return await _fetch(1)  # ok: unawaited-coroutine


# --- dangling-task: a task nobody keeps may be garbage-collected before it finishes,
# and its exception is never seen.
_tasks: set = set()


async def dangling_mistake() -> None:
    asyncio.create_task(_fetch(2))  # expect: dangling-task


async def dangling_fixed() -> None:
    task = asyncio.create_task(_fetch(2))  # ok: dangling-task
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


# --- nested-event-loop: asyncio.run() inside a running loop raises RuntimeError.
async def nested_loop_mistake() -> int:
    return asyncio.run(_fetch(3))  # expect: nested-event-loop


async def nested_loop_fixed() -> int:
    return await _fetch(3)  # ok: nested-event-loop


# --- await-in-loop: independent requests awaited one by one add their waits up.
async def sequential_mistake() -> list:
    results = []
    for n in range(5):
        results.append(await _fetch(n))  # expect: await-in-loop
    return results


async def together_fixed() -> list:
    return list(await asyncio.gather(*(_fetch(n) for n in range(5))))  # ok: await-in-loop


# --- start-join-serialized: join() in the loop that starts, so the threads run one by one.
def _wait_a_bit() -> None:
    time.sleep(0.05)


def start_join_mistake() -> None:
    for _ in range(3):
        t = threading.Thread(target=_wait_a_bit)
        t.start()
        t.join()  # expect: start-join-serialized


def start_join_fixed() -> None:
    threads = [threading.Thread(target=_wait_a_bit) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()  # ok: start-join-serialized


# --- gil-bound-threads: pure-Python arithmetic on threads takes turns on one core.
def _crunch(n: int) -> int:
    total = 0
    for k in range(n):
        total += k * k
    return total


def threads_for_cpu_mistake() -> list:
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_crunch, [200_000, 200_000]))  # expect: gil-bound-threads


def processes_for_cpu_fixed() -> list:
    with ProcessPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_crunch, [200_000, 200_000]))  # ok: gil-bound-threads


if HAVE_RAY:
    # Defined once at module level: redefining a remote function on every call re-uploads it.

    @ray.remote
    def _ray_square(x: int) -> int:
        return x * x

    def ray_get_in_loop_mistake() -> list:
        out = []
        for n in range(4):
            out.append(ray.get(_ray_square.remote(n)))  # expect: ray-get-in-loop
        return out

    def ray_get_once_fixed() -> list:
        return ray.get([_ray_square.remote(n) for n in range(4)])  # ok: ray-get-in-loop

    def ray_direct_call_mistake() -> int:
        return _ray_square(3)  # expect: ray-remote-call

    def ray_remote_call_fixed() -> int:
        return ray.get(_ray_square.remote(3))  # ok: ray-remote-call


async def _fixed_async(i: int) -> dict:
    started = time.perf_counter()
    await blocking_fixed()
    await spin_fixed()
    await dangling_fixed()
    out = {
        "settings": await helper_fixed(),
        "awaited": await awaited(),
        "nested": await nested_loop_fixed(),
        "together": await together_fixed(),
    }
    out["async_seconds"] = round(time.perf_counter() - started, 1)
    return out


async def fixed_tour(i: int = 0) -> dict:
    """Every fixed form, once: the async ones here, the process and thread ones on a thread."""
    out = await _fixed_async(i)
    out["pool"] = await asyncio.to_thread(pool_in_a_function)
    await asyncio.to_thread(start_join_fixed)
    out["crunch"] = await asyncio.to_thread(processes_for_cpu_fixed)
    return out


if __name__ == "__main__":
    print(asyncio.run(fixed_tour()))
