"""threading.Lock: protecting shared state from a race.

锁：多个线程交错执行“读-改-写”会丢失更新，加锁后结果才正确。

`counter += 1` is a read, an add and a write: a thread switch between the read and the
write loses the other thread's update. The GIL does not prevent this; it only makes single
bytecodes atomic. Here `time.sleep(0)` sits between the read and the write to widen that
window, so the race shows on every run. A bare `+=` has the same race, but CPython 3.10+
rarely switches threads at exactly that point, so you would almost never see it: that is
why such races slip through tests.

What to look for: run `serial` on `race`: `lost` is well above 0 (most of the updates).
Run it on `locked`: `lost` is 0 in every harness. Under `thread` and `process` each task
makes its own counter and threads, so the results read the same.
"""
import sys
import threading
import time

THREADS = 4
ADDS_PER_THREAD = 1_000


class Counter:
    def __init__(self) -> None:
        self.value = 0
        self.lock = threading.Lock()

    def unsafe_add(self) -> None:
        current = self.value
        time.sleep(0)  # let another thread run between the read and the write
        self.value = current + 1

    def safe_add(self) -> None:
        with self.lock:  # only one thread at a time inside this block
            current = self.value
            time.sleep(0)
            self.value = current + 1


def _hammer(add) -> None:
    def work() -> None:
        for _ in range(ADDS_PER_THREAD):
            add()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _report(counter: Counter) -> dict:
    expected = THREADS * ADDS_PER_THREAD
    return {"expected": expected, "got": counter.value, "lost": expected - counter.value}


def race(i: int = 0) -> dict:
    counter = Counter()
    _hammer(counter.unsafe_add)
    return _report(counter)


def locked(i: int = 0) -> dict:
    counter = Counter()
    _hammer(counter.safe_add)
    return _report(counter)


if __name__ == "__main__":
    print("without lock:", race())
    print("with lock:   ", locked())
    # How often CPython asks a running thread to hand over the GIL (5 ms by default): a
    # thread is switched away from only at these points or when it blocks, as sleep(0) does.
    print("switch interval:", sys.getswitchinterval(), "s")
