"""I/O-bound work: waiting, not computing.

I/O 密集型：线程在等待时释放 GIL，所以多个线程可以同时等待。

Run `compare` on `fetch`: threads and processes overlap the four waits (wall ~ one
call), because time.sleep, like a socket read or a disk read, releases the GIL.
The coroutine harness runs them one after another: `fetch` is a plain function, so
the event loop cannot switch away while it sleeps. Compare with async_sleep.py.
"""
import threading
import time


def fetch(i: int) -> str:
    """Pretends to wait 0.3 s for a server, as a blocking call would."""
    time.sleep(0.3)
    return f"response {i} on {threading.current_thread().name}"


if __name__ == "__main__":
    from concurrent.futures import ThreadPoolExecutor

    start = time.perf_counter()
    for i in range(4):
        fetch(i)
    print(f"serial : {time.perf_counter() - start:.2f} s")

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        print(list(pool.map(fetch, range(4))))
    print(f"threads: {time.perf_counter() - start:.2f} s")
