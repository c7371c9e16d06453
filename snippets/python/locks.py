"""threading.Lock: protecting shared state from a race.

锁：多个线程同时执行 "读-改-写" 会丢失更新，加锁后结果才正确。

`counter += 1` is a read, an add and a write: a thread switch between the read and
the write loses the other thread's update. The GIL does not prevent this; it only
makes single bytecodes atomic. Run `serial` on `race` and on `locked`: `race` usually
reports lost updates, `locked` never does. (The race is real but timing-dependent:
on some runs nothing is lost.)
"""
import sys
import threading
import time

THREADS = 4
ADDS = 20_000


class Counter:
    def __init__(self) -> None:
        self.value = 0
        self.lock = threading.Lock()

    def unsafe_add(self) -> None:
        current = self.value
        time.sleep(0)  # yield to other threads between the read and the write
        self.value = current + 1

    def safe_add(self) -> None:
        with self.lock:  # only one thread at a time inside this block
            current = self.value
            time.sleep(0)
            self.value = current + 1


def _hammer(add, per_thread: int) -> None:
    threads = [threading.Thread(target=lambda: [add() for _ in range(per_thread)]) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def race(i: int = 0) -> dict:
    counter = Counter()
    _hammer(counter.unsafe_add, ADDS // 20)
    expected = THREADS * (ADDS // 20)
    return {"expected": expected, "got": counter.value, "lost": expected - counter.value}


def locked(i: int = 0) -> dict:
    counter = Counter()
    _hammer(counter.safe_add, ADDS // 20)
    expected = THREADS * (ADDS // 20)
    return {"expected": expected, "got": counter.value, "lost": expected - counter.value}


if __name__ == "__main__":
    print("without lock:", race())
    print("with lock:   ", locked())
    print("switch interval:", sys.getswitchinterval(), "s")
