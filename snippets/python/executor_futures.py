"""ThreadPoolExecutor, Futures, submit and as_completed.

线程池与 Future：submit 立即返回 Future，as_completed 按完成的先后顺序逐个给出 Future。

`submit` returns a Future at once; `Future.result()` waits for the value (or raises
the exception the call raised); `as_completed` yields futures in the order they
finish, not the order they were submitted. Run `serial` on `fan_out` and read the
value: `finished` is [(1, 1), (2, 4), (0, 0)] (the finishing order) and `failed` holds
task 3's "3 is unlucky". Run `compare` to see four pools at once (threads inside threads
are fine): each call takes ~0.3 s, the slowest job, in every harness.
"""
import time
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from concurrent.futures import TimeoutError as FutureTimeout  # the builtin TimeoutError on 3.11+


def slow_square(n: int, delay: float) -> int:
    time.sleep(delay)  # waiting releases the GIL, so the pool's threads overlap
    if n == 3:
        raise ValueError("3 is unlucky")
    return n * n


def fan_out(i: int = 0) -> dict:
    delays = [0.30, 0.10, 0.20, 0.15]  # submitted 0,1,2,3 - they finish 1,3,2,0
    finished, failed = [], []
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {pool.submit(slow_square, n, d): n for n, d in enumerate(delays)}
        for fut in as_completed(futures, timeout=5):
            try:
                finished.append((futures[fut], fut.result()))
            except ValueError as exc:  # result() re-raises the worker's exception
                failed.append((futures[fut], str(exc)))
    return {"task": i, "finished": finished, "failed": failed}


def first_result_with_timeout(i: int = 0) -> str:
    """Future.result(timeout=...) raises TimeoutError when the value is not ready.

    The call keeps running: a timeout stops the waiting, not the work (leaving `with` waits
    for it, so each call still takes ~0.3 s), and Future.cancel() only works before a call
    has started.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        fut: Future = pool.submit(slow_square, 2, 0.3)
        try:
            return f"got {fut.result(timeout=0.1)}"
        except FutureTimeout:
            return f"not ready after 0.1 s (done={fut.done()}); later: {fut.result()}"


if __name__ == "__main__":
    print(fan_out())
    print(first_result_with_timeout())
