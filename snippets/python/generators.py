"""Generators and async generators: functions that pause.

生成器与异步生成器：yield 暂停函数，async for / anext 逐步取值。

A generator function returns a generator; each next() runs it up to the next
`yield`. An async generator may also `await` between yields, and is consumed with
`async for` or `await anext(...)`. Asyncio coroutines are built on the same
pause-and-resume machinery. Run `coroutine` on `use_async_generator`: four
consumers interleave on one loop.
"""
import asyncio
import builtins


def countdown(n: int):
    """A generator: the body runs lazily, one `yield` at a time."""
    while n > 0:
        yield n
        n -= 1


async def ticker(n: int, delay: float = 0.05):
    """An async generator: it can await between the values it yields."""
    for k in range(n):
        await asyncio.sleep(delay)
        yield k


def use_generator(i: int = 0) -> dict:
    gen = countdown(3 + i)
    first = next(gen)  # runs the body up to the first yield
    rest = list(gen)  # drains the remaining values
    return {"first": first, "rest": rest, "after_end": next(gen, "exhausted")}


async def use_async_generator(i: int = 0) -> dict:
    agen = ticker(5)
    # anext() is a builtin from Python 3.10; before that, await agen.__anext__().
    if hasattr(builtins, "anext"):
        first = await builtins.anext(agen)
    else:
        first = await agen.__anext__()
    rest = [value async for value in agen]
    return {"task": i, "first": first, "rest": rest}


if __name__ == "__main__":
    print(use_generator())
    print(asyncio.run(use_async_generator()))
