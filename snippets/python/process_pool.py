"""ProcessPoolExecutor: real parallelism for CPU-bound Python, behind a main guard.

进程池：每个进程有自己的解释器和 GIL；在模块顶层启动进程的代码要放在 `if __name__ == "__main__":` 之下。

`count_primes` is the work; `in_process_pool` hands two pieces of it to a pool of
two processes. Run `serial` on `count_primes` and then on `in_process_pool`: each call
of `in_process_pool` does TWO counts, so about the same wall time as one count means a
2x speed-up, minus the pool's start-up. Run `compare` on `count_primes`: process ≈
serial / cores, thread ≈ serial (the GIL); the process harness is itself a
ProcessPoolExecutor. For `multiprocessing.Process` and `multiprocessing.Pool`, see
processes.py.

The `if __name__ == "__main__":` guard matters: with the spawn and forkserver start
methods, every child imports this file again, and unguarded module-level code would
try to start a pool inside each child.
"""
import os
import time
from concurrent.futures import ProcessPoolExecutor


def count_primes(i: int) -> int:
    """Counts primes below 150 000 (plus i) by trial division (~0.15 s of pure Python)."""
    limit = 150_000 + i
    count = 0
    for n in range(2, limit):
        d = 2
        while d * d <= n:
            if n % d == 0:
                break
            d += 1
        else:
            count += 1
    return count


def in_process_pool(i: int = 0) -> dict:
    """Creating the pool inside a function is fine: it only runs when called."""
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(count_primes, [i, i + 1]))
    return {"counts": counts, "seconds": round(time.perf_counter() - started, 2), "pid": os.getpid()}


if __name__ == "__main__":
    start = time.perf_counter()
    print("serial:", [count_primes(i) for i in range(4)], f"{time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    with ProcessPoolExecutor() as pool:  # max_workers defaults to the number of CPUs
        print("pool:  ", list(pool.map(count_primes, range(4))), f"{time.perf_counter() - start:.2f} s")
