"""Ray tasks against a process pool, on the same CPU-bound function.

Ray 任务与进程池：同一个计算密集型函数，比较 Ray 每个任务的开销与进程池。

What to look at:
- `crunch` with `all` (the lens row's `ray`, or `--harness all`): the same function as
  serial calls, threads, a process pool, coroutines and Ray tasks. Ray lands near the
  process pool: each task is a process-level job too. Its row says how long starting the
  local cluster took; that start-up is not in Ray's wall time, because a real cluster
  starts once and serves many jobs.
- `tiny` with `all`: a task that does almost nothing. Serial wins by far: Ray's row is
  its per-task overhead alone (scheduling, serialisation, the object store: a few
  milliseconds a task), and the process pool's is mostly starting its workers. The
  verdict puts a number on Ray's. `npm run bench` measures it over many tasks.
- `with_ray` and `with_pool`, serial with 1 task: the same fan-out written by hand,
  `ray.get([crunch_task.remote(i) ...])` against `pool.map(crunch, ...)`, each timing
  only the fan-out (not starting Ray or the pool).

The remote function is made once, at module level (`crunch_task = ray.remote(crunch)`):
Ray's documentation lists redefining a remote function on every call as an
anti-pattern, because each definition is pickled and shipped to the workers again.
Without Ray installed, the Ray functions fail with "ray is not installed: pip install ray".
"""
import importlib.util
import os
import time
from concurrent.futures import ProcessPoolExecutor

HAVE_RAY = importlib.util.find_spec("ray") is not None
# About 0.25 s per call on a modern core.
LOOPS = 4_000_000


def crunch(i: int) -> int:
    """Pure-Python arithmetic: no I/O, holds the GIL the whole time."""
    total = 0
    for k in range(LOOPS):
        total += (k * k + i) % 7
    return total


def tiny(i: int) -> int:
    return i + 1


if HAVE_RAY:
    import ray

    # Defined once: every .remote() call below reuses it.
    crunch_task = ray.remote(num_cpus=1)(crunch)


def _ray():
    if not HAVE_RAY:
        raise ModuleNotFoundError("ray is not installed: pip install ray")
    # Connects to RAY_ADDRESS when it is set, else starts a local cluster (once per process).
    ray.init(ignore_reinit_error=True, log_to_driver=False)
    return ray


def with_ray(i: int = 0) -> dict:
    """Fans `crunch` out as Ray tasks; times the fan-out only."""
    r = _ray()
    n = os.cpu_count() or 2
    start = time.perf_counter()
    results = r.get([crunch_task.remote(i + k) for k in range(n)])  # submit all, then wait once
    return {"tasks": n, "seconds": round(time.perf_counter() - start, 3), "results": results}


def with_pool(i: int = 0) -> dict:
    """The same fan-out on a process pool; the pool is started before the clock."""
    n = os.cpu_count() or 2
    with ProcessPoolExecutor(max_workers=n) as pool:
        pool.submit(tiny, 0).result()  # the workers are up
        start = time.perf_counter()
        results = list(pool.map(crunch, [i + k for k in range(n)]))
        return {"tasks": n, "seconds": round(time.perf_counter() - start, 3), "results": results}


if __name__ == "__main__":
    print("process pool:", with_pool())
    if HAVE_RAY:
        print("ray:", with_ray())
        ray.shutdown()
