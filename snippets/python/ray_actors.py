"""Ray: remote functions and an actor, if Ray is installed.

Ray：远程函数与 Actor（有状态的远程对象）；未安装时给出提示而不是报错。

Ray is not part of the standard library, so this file first checks that it can be
imported and otherwise returns "ray is not installed: pip install ray". With Ray
present, `remote_squares` fans a function out to Ray's worker processes and
`counter_actor` sends messages to one stateful actor, which handles them one at a
time (an actor is a process with a mailbox, so its state needs no lock).

Starting Ray takes a few seconds: run it with `serial` and 1 task, not `compare`.
"""
import importlib.util

HINT = "ray is not installed: pip install ray"
HAVE_RAY = importlib.util.find_spec("ray") is not None


def _start():
    import ray

    ray.init(num_cpus=2, include_dashboard=False, ignore_reinit_error=True, log_to_driver=False)
    return ray


def remote_squares(i: int = 0):
    """Calls a remote function four times in parallel; ray.get waits for all results."""
    if not HAVE_RAY:
        return HINT
    ray = _start()

    @ray.remote
    def square(x: int) -> int:
        return x * x

    refs = [square.remote(i + k) for k in range(4)]  # returns at once: ObjectRefs, not values
    return ray.get(refs)


def counter_actor(i: int = 0):
    """One actor; each .remote() call is a message, run in the order it arrives."""
    if not HAVE_RAY:
        return HINT
    ray = _start()

    @ray.remote
    class Counter:
        def __init__(self) -> None:
            self.value = 0

        def add(self, n: int) -> int:
            self.value += n
            return self.value

    counter = Counter.remote()
    refs = [counter.add.remote(1) for _ in range(5)]
    return {"after_each_call": ray.get(refs), "final": ray.get(counter.add.remote(0))}


if __name__ == "__main__":
    print(remote_squares())
    print(counter_actor())
    if HAVE_RAY:
        import ray

        ray.shutdown()
