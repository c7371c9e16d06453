"""CPU-bound work: a pure-Python arithmetic loop.

计算密集型：纯 Python 循环受 GIL 限制，多线程无法并行，多进程才能真正并行。

Run `compare` on `crunch`: the thread harness is no faster than serial (only one
thread at a time may run Python bytecode while it holds the GIL), while the process
harness spreads the calls over the cores. The coroutine harness is serial too: a
sync function called on an event loop simply runs to the end before the next one.
"""
import time

# About 0.3 s per call on a modern core; lower it on a slow machine.
LOOPS = 5_000_000


def crunch(i: int) -> int:
    """Sums a cheap expression LOOPS times. No I/O, no C call that releases the GIL."""
    total = 0
    for k in range(LOOPS):
        total += (k * k + i) % 7
    return total


def _timed(label: str, run) -> None:
    start = time.perf_counter()
    run()
    print(f"{label:>9}: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    _timed("serial", lambda: [crunch(i) for i in range(4)])
    with ThreadPoolExecutor(max_workers=4) as threads:
        # Concurrency Lens flags this line (gil-bound-threads): that warning is the lesson.
        _timed("threads", lambda: list(threads.map(crunch, range(4))))
    with ProcessPoolExecutor(max_workers=4) as processes:
        _timed("processes", lambda: list(processes.map(crunch, range(4))))
