"""Producer/consumer across threads and across processes: queue.Queue and multiprocessing.Queue.

生产者/消费者：线程之间用 queue.Queue，进程之间用 multiprocessing.Queue（asyncio.Queue 见 asyncio_tasks.py）。

A queue hands work from producers to consumers and does the locking itself. Three
queues for three worlds: `queue.Queue` between threads (objects passed as they are),
`multiprocessing.Queue` between processes (objects pickled through a pipe), and
`asyncio.Queue` between tasks on one loop (asyncio_tasks.py). A bounded queue makes a
fast producer wait: back-pressure. Consumers stop on a sentinel, one per consumer.

What to look for: run `serial` or `compare` on each function. `threads` returns the
squares of 0-7 (sorted), processed by 2 consumer threads, in ~0.2 s: 8 items x 0.05 s
of waiting, shared by 2 threads. `processes` returns the same squares from 2 consumer
processes whose pids differ from the producer's; under spawn it pays each child's
start-up. Both print one line per consumer when it stops.
"""
import multiprocessing as mp
import os
import queue
import sys
import threading
import time

STOP = None  # the sentinel: "no more items", one per consumer


def _thread_consumer(name: str, items: queue.Queue, done: list) -> None:
    while (item := items.get()) is not STOP:
        time.sleep(0.05)  # "process" the item; waiting releases the GIL
        done.append(item * item)
    # One write per line: print() writes the text and the newline apart, so lines printed by
    # several threads or processes at once can run together.
    sys.stdout.write(f"{name} stopped\n")


def threads(i: int = 0) -> dict:
    items: queue.Queue = queue.Queue(maxsize=2)  # put() blocks while 2 items wait
    done: list = []  # list.append is atomic under the GIL; anything more needs a lock
    consumers = [threading.Thread(target=_thread_consumer, args=(f"thread {k}", items, done)) for k in range(2)]
    started = time.perf_counter()
    for c in consumers:
        c.start()
    for n in range(8):
        items.put(n)
    for _ in consumers:
        items.put(STOP)
    for c in consumers:
        c.join()
    return {"results": sorted(done), "seconds": round(time.perf_counter() - started, 1)}


def _process_consumer(items, results) -> None:
    while (item := items.get()) is not STOP:
        results.put((os.getpid(), item * item))
    results.put((os.getpid(), STOP))
    sys.stdout.write(f"process {os.getpid()} stopped\n")
    sys.stdout.flush()  # a child's buffer is not flushed for it when it exits through multiprocessing


def processes(i: int = 0) -> dict:
    items = mp.Queue(maxsize=2)
    results = mp.Queue()
    consumers = [mp.Process(target=_process_consumer, args=(items, results)) for _ in range(2)]
    for c in consumers:
        c.start()
    for n in range(8):
        items.put(n)
    for _ in consumers:
        items.put(STOP)
    squares, pids, stopped = [], set(), 0
    while stopped < len(consumers):  # drain before join: a child with unsent data cannot exit
        pid, value = results.get(timeout=30)
        pids.add(pid)
        if value is STOP:
            stopped += 1
        else:
            squares.append(value)
    for c in consumers:
        c.join()
    return {"results": sorted(squares), "producer": os.getpid(), "consumers": len(pids), "producer_is_consumer": os.getpid() in pids}


if __name__ == "__main__":
    print("threads:  ", threads())
    print("processes:", processes())
