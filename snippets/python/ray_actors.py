"""Ray: remote functions, ray.get once instead of in a loop, and an actor.

Ray：远程函数与 Actor（有状态的远程对象）；先提交全部任务再一次 ray.get。

What to look at (run each with serial and 1 task; starting Ray takes a few seconds):
- `remote_squares`: `square.remote(x)` returns an ObjectRef at once; one `ray.get`
  on the list waits for all of them and returns the values in the order submitted.
- `get_in_loop` against `get_once`: the same 0.3 s tasks, one per core (2 to 4). `ray.get` inside the loop waits for each task before submitting the next
  (about n x 0.3 s, flagged `ray-get-in-loop` on purpose); submitting all, then one
  `ray.get`, runs them together (about 0.3 s).
- `counter_actor`: one actor is one worker process with its own state. Its method
  calls are messages handled one at a time, in the order sent, so the state needs no
  lock. (An actor with `max_concurrency > 1`, or with async methods, interleaves its
  calls, and then its state does need care.)

The remote function and the actor class are defined once, at module level: Ray's
documentation lists redefining them on every call as an anti-pattern (each definition is
pickled and shipped again). Without Ray installed, each function fails with "ray is not
installed: pip install ray".
"""
import importlib.util
import os
import time

HAVE_RAY = importlib.util.find_spec("ray") is not None
NAP = 0.3

if HAVE_RAY:
    import ray

    @ray.remote
    def square(x: int) -> int:
        return x * x

    @ray.remote
    def nap(x: int) -> int:
        time.sleep(NAP)
        return x

    @ray.remote
    class Counter:
        def __init__(self) -> None:
            self.value = 0

        def add(self, n: int) -> int:
            self.value += n
            return self.value


def _start():
    if not HAVE_RAY:
        raise ModuleNotFoundError("ray is not installed: pip install ray")
    # RAY_ADDRESS when set, else a local cluster; once per process.
    ray.init(ignore_reinit_error=True, log_to_driver=False)


def _tasks() -> int:
    """One task per core (2 to 4): a local cluster has a CPU per core, so all of them run at once."""
    return max(2, min(4, os.cpu_count() or 2))


def _warm_up(n: int) -> None:
    # Ray starts worker processes as tasks need them: n at once, so n are up before the clock starts.
    ray.get([nap.remote(0) for _ in range(n)])


def remote_squares(i: int = 0) -> list:
    _start()
    refs = [square.remote(i + k) for k in range(4)]  # returns at once: ObjectRefs, not values
    return ray.get(refs)


def get_in_loop(i: int = 0) -> dict:
    _start()
    n = _tasks()
    _warm_up(n)
    start = time.perf_counter()
    values = []
    for k in range(n):
        values.append(ray.get(nap.remote(i + k)))  # the lesson: Concurrency Lens flags this line
    return {"tasks": n, "seconds": round(time.perf_counter() - start, 3), "values": values}


def get_once(i: int = 0) -> dict:
    _start()
    n = _tasks()
    _warm_up(n)
    start = time.perf_counter()
    values = ray.get([nap.remote(i + k) for k in range(n)])
    return {"tasks": n, "seconds": round(time.perf_counter() - start, 3), "values": values}


def counter_actor(i: int = 0) -> dict:
    """Five messages to one actor: each sees the state the previous one left."""
    _start()
    counter = Counter.remote()
    refs = [counter.add.remote(1) for _ in range(5)]
    return {"after_each_call": ray.get(refs), "final": ray.get(counter.add.remote(0))}


if __name__ == "__main__":
    if HAVE_RAY:
        print(remote_squares())
        print(get_in_loop(), get_once())
        print(counter_actor())
        ray.shutdown()
