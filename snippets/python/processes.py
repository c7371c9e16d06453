"""multiprocessing: a Process from a function, a Process subclass, and a Pool.

多进程：用函数或继承 Process 创建进程，用 Pool 分发任务；模块顶层的启动代码放在 main 保护块下。

A process has its own memory and its own GIL, so pure-Python work runs in parallel, but
nothing is shared: results come back through a `multiprocessing.Queue` (or a Pool's return
values), pickled on the way. Three ways to start one:
- `Process(target=f, args=(...))`: a plain function as the child's work (`from_function`);
- a `Process` subclass that overrides run() (`from_subclass`); call start(), never run();
- `multiprocessing.Pool`: a fixed set of worker processes and `map` (`with_pool`).

The main guard: with the spawn start method (macOS, Windows) and forkserver (Linux from
Python 3.14) every child imports this file again, so the code that starts processes at
module level sits under `if __name__ == "__main__":`; inside a function it is safe.

What to look for: run `serial` on each function. Every child reports a pid other than the
caller's (`parent`). `from_function` and `from_subclass` each start 2 processes that count
at the same time, so a call takes about one count (~0.15 s) plus start-up: far more under
spawn, which starts a fresh interpreter per child. `with_pool` returns the 4 counts in input
order. `start_join_mistake` joins each process before starting the next (flagged
`start-join-serialized` on purpose): about twice the wall time of `from_function`.
Under the `thread` harness (fork on Linux), `exit_codes` read 1 on Python 3.11 although the
children did their work: a child forked from a ThreadPoolExecutor thread fails in its own
interpreter shutdown (CPython gh-88110). Forking from threads is fragile in general, one
more reason why Python 3.14 no longer forks by default.
"""
import multiprocessing as mp
import os
import time


def count_primes(limit: int) -> int:
    """Pure-Python CPU work, ~0.15 s for 150 000."""
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


def _count_into(limit: int, results) -> None:
    results.put((os.getpid(), count_primes(limit)))


class Counter(mp.Process):
    """A process whose work is its run() method; its fields are pickled over to the child under spawn."""

    def __init__(self, limit: int, results) -> None:
        super().__init__()
        self.limit = limit
        self.results = results

    def run(self) -> None:  # runs in the child once start() is called
        self.results.put((os.getpid(), count_primes(self.limit)))


def _collect(procs: list, results, started: float) -> dict:
    # Read the queue before joining: a child that still has data in a full pipe cannot exit.
    got = [results.get(timeout=30) for _ in procs]
    for p in procs:
        p.join()
    return {
        "parent": os.getpid(),
        "children": sorted(pid for pid, _ in got),
        "counts": sorted(count for _, count in got),
        "exit_codes": [p.exitcode for p in procs],
        "seconds": round(time.perf_counter() - started, 2),
    }


def from_function(i: int = 0) -> dict:
    started = time.perf_counter()
    results = mp.Queue()
    procs = [mp.Process(target=_count_into, args=(150_000, results)) for _ in range(2)]
    for p in procs:
        p.start()
    return _collect(procs, results, started)


def from_subclass(i: int = 0) -> dict:
    started = time.perf_counter()
    results = mp.Queue()
    procs = [Counter(150_000, results) for _ in range(2)]
    for p in procs:
        p.start()
    return _collect(procs, results, started)


def with_pool(i: int = 0) -> dict:
    started = time.perf_counter()
    with mp.Pool(processes=2) as pool:
        counts = pool.map(count_primes, [50_000, 100_000, 150_000, 200_000])
    return {"counts": counts, "seconds": round(time.perf_counter() - started, 2)}


def start_join_mistake(i: int = 0) -> dict:
    """Wrong: each process is joined in the loop that starts it, so they run one at a time."""
    started = time.perf_counter()
    results = mp.Queue()
    got = []
    for _ in range(2):
        p = Counter(150_000, results)
        p.start()
        got.append(results.get(timeout=30))
        p.join()
    return {"counts": [count for _, count in got], "seconds": round(time.perf_counter() - started, 2)}


if __name__ == "__main__":
    # Module-level code that starts processes: this guard keeps spawned children from re-running it.
    for fn in (from_function, from_subclass, with_pool, start_join_mistake):
        print(f"{fn.__name__}: {fn()}")
