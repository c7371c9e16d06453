"""Xoscar: async actors in an actor pool, if Xoscar is installed.

Xoscar：基于 asyncio 的 Actor 框架；未安装时给出提示而不是报错。

Xoscar (the actor framework under Xinference) is not in the standard library, so
this file checks for it first and otherwise returns "xoscar is not installed: pip
install xoscar". With it present, `actor_pool` starts a pool, creates a stateful
actor in it and calls its methods through an actor reference: every call is an
awaited message, and the actor handles its messages one at a time.

Run it with `serial` or `coroutine` (each call starts its own pool on a free port).
"""
import asyncio
import importlib.util

HINT = "xoscar is not installed: pip install xoscar"
HAVE_XOSCAR = importlib.util.find_spec("xoscar") is not None

if HAVE_XOSCAR:
    import xoscar as xo

    class Tally(xo.Actor):
        """A stateful actor (xo.StatelessActor would be for actors without state)."""

        def __init__(self, start: int = 0) -> None:
            super().__init__()
            self.total = start

        def add(self, n: int) -> int:
            self.total += n
            return self.total

        async def slow_add(self, n: int) -> int:
            await asyncio.sleep(0.05)  # an actor method may be a coroutine
            return self.add(n)


async def actor_pool(i: int = 0):
    if not HAVE_XOSCAR:
        return HINT
    # n_process=0: the actors live in this process, on this event loop.
    pool = await xo.create_actor_pool("127.0.0.1", n_process=0)
    async with pool:
        ref = await xo.create_actor(Tally, 10 * i, address=pool.external_address, uid=f"tally-{i}")
        first = await ref.add(1)
        together = await asyncio.gather(*(ref.slow_add(1) for _ in range(3)))
        await xo.destroy_actor(ref)
    return {"first": first, "concurrent_calls": list(together)}


if __name__ == "__main__":
    print(asyncio.run(actor_pool()))
