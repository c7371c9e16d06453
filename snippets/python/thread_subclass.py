"""Subclassing threading.Thread, and starting/joining threads correctly.

用函数创建线程，或继承 Thread 并重写 run()；先全部 start，再全部 join。

Two ways to give a thread its work: `Thread(target=f, args=...)` (`start_with_target`),
or a subclass that overrides run() (`Downloader`). Call start() (never run() directly:
that runs on the caller's thread) and join() to wait. Run `serial` on
`start_all_then_join` and on `start_join_mistake` and read `seconds` in the values: the
first takes ~0.1 s per call, the second ~0.3 s, as its threads run one at a time.
"""
import threading
import time


class Downloader(threading.Thread):
    """A thread that 'downloads' one item and keeps the result on itself."""

    def __init__(self, item: int) -> None:
        super().__init__(name=f"downloader-{item}")
        self.item = item
        self.result = None

    def run(self) -> None:  # runs on the new thread once start() is called
        time.sleep(0.1)  # stands for network I/O, which releases the GIL
        self.result = self.item * 10


def _download(item: int, results: dict) -> None:
    time.sleep(0.1)
    results[item] = item * 10  # a thread has no return value: it leaves its result somewhere


def start_with_target(i: int = 0) -> dict:
    """A thread from a plain function: Thread(target=..., args=...)."""
    started = time.perf_counter()
    results: dict = {}
    threads = [threading.Thread(target=_download, args=(i * 3 + k, results)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"results": [results[i * 3 + k] for k in range(3)], "seconds": round(time.perf_counter() - started, 2)}


def start_all_then_join(i: int = 0) -> dict:
    """Right: start every thread first, then wait for all of them."""
    started = time.perf_counter()
    workers = [Downloader(i * 3 + k) for k in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return {"results": [w.result for w in workers], "seconds": round(time.perf_counter() - started, 2)}


def start_join_mistake(i: int = 0) -> dict:
    """Wrong: join() inside the loop that starts, so each thread runs alone.

    Concurrency Lens flags the join() below (start-join-serialized), on purpose.
    """
    started = time.perf_counter()
    results = []
    for k in range(3):
        w = Downloader(i * 3 + k)
        w.start()
        w.join()
        results.append(w.result)
    return {"results": results, "seconds": round(time.perf_counter() - started, 2)}


if __name__ == "__main__":
    print("target=function:     ", start_with_target())
    print("start all, then join:", start_all_then_join())
    print("start+join per loop: ", start_join_mistake())
