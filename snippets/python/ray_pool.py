"""ray.util.multiprocessing.Pool: Ray as a drop-in replacement for multiprocessing.Pool.

Ray 的 multiprocessing.Pool：只换一行 import，同样的 pool.map 就能扩展到整个集群。

What to look at: `local_pool` and `ray_pool` are the same code except for the one
import line. Both return the same list. The Ray pool runs its workers as Ray actors,
so pointed at a cluster (RAY_ADDRESS, or `ray.init(address=...)`) the very same
`pool.map` spreads over every machine, which multiprocessing cannot do. On one
machine it brings nothing but Ray's start-up and per-task overhead: compare the
`seconds` of the two (each times only the `map`, the pool already started).

Run each with serial and 1 task. Without Ray installed, `ray_pool` fails with
"ray is not installed: pip install ray".
"""
import importlib.util
import time

HAVE_RAY = importlib.util.find_spec("ray") is not None
LOOPS = 2_000_000


def work(x: int) -> int:
    """Module level, so both pools can pickle it by reference."""
    total = 0
    for k in range(LOOPS):
        total += (k + x) % 3
    return total


def _timed_map(pool, items) -> dict:
    pool.map(work, [0])  # the workers are up before the clock starts
    start = time.perf_counter()
    results = pool.map(work, items)
    return {"seconds": round(time.perf_counter() - start, 3), "results": results}


def local_pool(i: int = 0) -> dict:
    from multiprocessing import Pool

    with Pool(processes=2) as pool:
        return _timed_map(pool, list(range(i, i + 4)))


def ray_pool(i: int = 0) -> dict:
    if not HAVE_RAY:
        raise ModuleNotFoundError("ray is not installed: pip install ray")
    import ray
    from ray.util.multiprocessing import Pool  # the one line that differs

    ray.init(ignore_reinit_error=True, log_to_driver=False)  # RAY_ADDRESS, else a local cluster
    with Pool(processes=2) as pool:
        return _timed_map(pool, list(range(i, i + 4)))


if __name__ == "__main__":
    print("multiprocessing.Pool:", local_pool())
    if HAVE_RAY:
        print("ray.util.multiprocessing.Pool:", ray_pool())
