"""Xoscar: an actor pool, a stateful actor with an async method, and what runs together.

Xoscar：Actor 池与有状态的 Actor；同一个 Actor 的调用逐个执行，多个 Actor 或无状态 Actor 才会并发。

What to look at (run each with serial or coroutine; each call starts its own pool):
- `one_actor`: three `slow_add` calls are sent together (`asyncio.gather`), but the
  actor runs them one after another: about 0.15 s, not 0.05 s. Xoscar wraps every
  method of an `xo.Actor` in one asyncio lock, so the actor's state is never touched by
  two calls at once, even across the `await` inside `slow_add`.
- `several_actors`: the same three calls, one to each of three actors: about 0.05 s.
  Separate actors are separate locks.
- `stateless_actor`: an `xo.StatelessActor` has no lock: its three calls overlap
  (about 0.05 s), so it must keep no state that the calls share.
- `send_and_tell`: `ref.add(1)` is the same as `ref.add.send(1)` (send, wait for the
  result); `ref.add.tell(1)` sends without waiting for a result. All three return
  coroutines: without `await`, nothing is sent at all (Concurrency Lens flags that as
  `unawaited-coroutine`).

`__post_create__` and `__pre_destroy__` run when the pool creates and destroys the actor.
Without Xoscar installed, each function fails with "xoscar is not installed: pip install xoscar".
"""
import asyncio
import importlib.util
import time

HAVE_XOSCAR = importlib.util.find_spec("xoscar") is not None
SLOW = 0.05

if HAVE_XOSCAR:
    import xoscar as xo

    class Tally(xo.Actor):
        """A stateful actor: its calls are serialised by the actor's lock."""

        def __init__(self, start: int = 0) -> None:
            super().__init__()
            self.total = start
            self.events = []

        async def __post_create__(self) -> None:
            self.events.append("created")

        async def __pre_destroy__(self) -> None:
            self.events.append("destroying")

        def add(self, n: int) -> int:
            self.total += n
            return self.total

        async def slow_add(self, n: int) -> int:
            await asyncio.sleep(SLOW)  # an await inside the method: still no other call gets in
            return self.add(n)

        def history(self) -> list:
            return list(self.events)

    class Doubler(xo.StatelessActor):
        """No state, no lock: its calls run together."""

        async def slow_double(self, n: int) -> int:
            await asyncio.sleep(SLOW)
            return 2 * n


def _need_xoscar() -> None:
    if not HAVE_XOSCAR:
        raise ModuleNotFoundError("xoscar is not installed: pip install xoscar")


async def _timed(calls) -> dict:
    start = time.perf_counter()
    results = await asyncio.gather(*calls)
    return {"sent_together": len(results), "seconds": round(time.perf_counter() - start, 3), "results": list(results)}


async def one_actor(i: int = 0) -> dict:
    _need_xoscar()
    # n_process=0: the actors live in this process, on this event loop.
    pool = await xo.create_actor_pool("127.0.0.1", n_process=0)
    async with pool:
        ref = await xo.create_actor(Tally, 10 * i, address=pool.external_address, uid="tally")
        # The actor lock serialises them: about 3 x 0.05 s.
        return await _timed([ref.slow_add(1) for _ in range(3)])


async def several_actors(i: int = 0) -> dict:
    _need_xoscar()
    pool = await xo.create_actor_pool("127.0.0.1", n_process=0)
    async with pool:
        refs = [await xo.create_actor(Tally, 10 * i, address=pool.external_address, uid=f"tally-{k}") for k in range(3)]
        return await _timed([ref.slow_add(1) for ref in refs])


async def stateless_actor(i: int = 0) -> dict:
    _need_xoscar()
    pool = await xo.create_actor_pool("127.0.0.1", n_process=0)
    async with pool:
        ref = await xo.create_actor(Doubler, address=pool.external_address, uid="doubler")
        return await _timed([ref.slow_double(i + k) for k in range(3)])


async def send_and_tell(i: int = 0) -> dict:
    _need_xoscar()
    pool = await xo.create_actor_pool("127.0.0.1", n_process=0)
    async with pool:
        ref = await xo.create_actor(Tally, address=pool.external_address, uid="tally")
        called = await ref.add(1)  # the same as ref.add.send(1)
        sent = await ref.add.send(1)
        await ref.add.tell(1)  # sent, not waited for: it returns None
        after_tell = await ref.add(0)  # messages to one actor arrive in order, so the tell is in
        history = await ref.history()
        await xo.destroy_actor(ref)
        return {"call": called, "send": sent, "after_tell": after_tell, "hooks": history}


if __name__ == "__main__":
    for f in (one_actor, several_actors, stateless_actor, send_and_tell):
        print(f.__name__, asyncio.run(f()))
