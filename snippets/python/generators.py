"""Generators and async generators: functions that pause.

生成器与异步生成器：yield 让函数暂停，async for / anext 逐个取值。

A generator function returns a generator; each next() runs it up to the next `yield`.
An async generator may also `await` between yields, and is consumed with `async for` or
`await anext(...)` (Python 3.10+). Asyncio coroutines are built on the same
pause-and-resume machinery: `coroutine_is_a_generator` drives one by hand with send().

What to look for: `use_generator` returns first 3+i, then the rest counting down, then
"exhausted". Run `compare` on `use_async_generator`: each call waits 5 x 0.05 s; serial
takes N times that, the coroutine harness about one call's time, because the N consumers
take turns on one loop while each generator awaits.
"""
import asyncio


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
    first = await anext(agen)  # runs the body up to its first yield, awaiting on the way
    rest = [value async for value in agen]
    return {"task": i, "first": first, "rest": rest}


async def _answer() -> int:
    return 42


def coroutine_is_a_generator(i: int = 0) -> dict:
    """Calling an async function only builds a coroutine object; send(None) runs it one step."""
    coro = _answer()  # nothing has run yet: this is a paused coroutine object
    kind = type(coro).__name__
    try:
        coro.send(None)  # what an event loop does: resume it until it pauses or returns
    except StopIteration as stop:  # returning ends the coroutine, like a generator's return
        return {"object": kind, "returned": stop.value}
    return {"object": kind, "returned": None}


if __name__ == "__main__":
    print(use_generator())
    print(asyncio.run(use_async_generator()))
    print(coroutine_is_a_generator())
