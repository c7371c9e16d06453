/**
 * The Ray and xoscar rules: their quick fixes, and the facts they rest on, checked against the
 * installed packages (.venv), so a release that changes an API fails here instead of misleading users.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initParsers } from '../../server/src/core/parser';
import { analyzeText } from '../../server/src/core/engine';
import type { Finding } from '../../server/src/core/types';
import { pythonJson } from './python-env';

before(async () => { await initParsers(); });

function findings(text: string, rule: string): Finding[] {
  return analyzeText('python', text).findings.filter((f) => f.rule === rule);
}

/** The text after applying a finding's first fix. */
function fixed(text: string, f: Finding): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const edits = [...f.fixes![0].edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of edits) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

const RAY_HEAD = 'import asyncio\nimport ray\n\n@ray.remote\ndef sq(x):\n    return x * x\n\n@ray.remote\nclass C:\n    def add(self, k):\n        return k\n\n';

test('ray-remote-call fixes keep the value: ray.get(f.remote()), await f.remote() in async code, C.remote() for an actor', () => {
  const text = RAY_HEAD + 'def f():\n    v = sq(2) + 1\n    c = C()\n    h = C.remote()\n    return h.add(1)\n\nasync def g():\n    return sq(3)\n';
  const fs = findings(text, 'ray-remote-call');
  assert.equal(fs.length, 4);
  const after = fs.map((f) => fixed(text, f).split('\n').filter((l) => !RAY_HEAD.includes(l)).join('\n'));
  assert.match(after[0], /v = ray\.get\(sq\.remote\(2\)\) \+ 1/);
  assert.match(after[1], /c = C\.remote\(\)/);
  assert.match(after[2], /return ray\.get\(h\.add\.remote\(1\)\)/);
  assert.match(after[3], /return await sq\.remote\(3\)/);
});

test('ray-get-in-loop rewrites a list comprehension to submit all, then one ray.get', () => {
  const text = RAY_HEAD + 'def f(xs):\n    return [ray.get(sq.remote(x)) for x in xs if x]\n';
  const [f] = findings(text, 'ray-get-in-loop');
  assert.match(fixed(text, f), /return ray\.get\(\[sq\.remote\(x\) for x in xs if x\]\)\n/);
  const loop = RAY_HEAD + 'def f(xs):\n    out = []\n    for x in xs:\n        out.append(ray.get(sq.remote(x)))\n    return out\n';
  const [l] = findings(loop, 'ray-get-in-loop');
  assert.equal(l.fixes, undefined, 'a loop body is not rewritten: what else it does may depend on the order');
});

test('ray.get in async def: blocking-call-in-async with `await ref` and asyncio.gather as fixes', () => {
  const text = RAY_HEAD + 'async def f(refs):\n    a = ray.get(sq.remote(1))\n    b = ray.get([sq.remote(1), sq.remote(2)])\n    c = ray.get(refs)\n    return a, b, c\n';
  const fs = findings(text, 'blocking-call-in-async');
  assert.equal(fs.length, 3);
  assert.match(fixed(text, fs[0]), /a = await sq\.remote\(1\)\n/);
  assert.match(fixed(text, fs[1]), /b = await asyncio\.gather\(sq\.remote\(1\), sq\.remote\(2\)\)\n/);
  assert.equal(fs[2].fixes, undefined, 'a variable may hold one ref or a list: no fix');
});

interface Facts {
  remoteCallError: string;
  actorError: string;
  objectRefAwaitable: boolean;
  rayGetIsCoroutineFunction: boolean;
  xoscarCoroutineFunctions: Record<string, boolean>;
  refCalls: Record<string, boolean>;
  unawaitedSent: number;
  tellAwaitedSent: number;
  lockedMs: number;
  statelessMs: number;
}

const FACTS = `
import asyncio, inspect, json, time, warnings
import ray, xoscar as xo
warnings.simplefilter("ignore", RuntimeWarning)  # the coroutines left unawaited on purpose

@ray.remote
def sq(x):
    return x * x

@ray.remote
class C:
    def add(self, k):
        return k

def error_of(call):
    try:
        call()
    except TypeError as e:
        return str(e)
    return ""

class Tally(xo.Actor):
    def __init__(self):
        super().__init__()
        self.n = 0
    def add(self, k):
        self.n += k
        return self.n
    async def slow(self):
        await asyncio.sleep(0.1)

class Free(xo.StatelessActor):
    async def slow(self):
        await asyncio.sleep(0.1)

async def xoscar_facts(out):
    pool = await xo.create_actor_pool("127.0.0.1", n_process=0)
    async with pool:
        ref = await xo.create_actor(Tally, address=pool.external_address, uid="t")
        calls = {"method": ref.add(1), "send": ref.add.send(1), "tell": ref.add.tell(1)}
        out["refCalls"] = {k: inspect.iscoroutine(c) for k, c in calls.items()}
        for c in calls.values():
            c.close()
        out["unawaitedSent"] = await ref.add(0)
        await ref.add.tell(5)
        for _ in range(200):
            if await ref.add(0):
                break
            await asyncio.sleep(0.01)
        out["tellAwaitedSent"] = await ref.add(0)
        t = time.perf_counter()
        await asyncio.gather(*[ref.slow() for _ in range(3)])
        out["lockedMs"] = (time.perf_counter() - t) * 1000
        free = await xo.create_actor(Free, address=pool.external_address, uid="f")
        t = time.perf_counter()
        await asyncio.gather(*[free.slow() for _ in range(3)])
        out["statelessMs"] = (time.perf_counter() - t) * 1000

out = {
    "remoteCallError": error_of(lambda: sq(1)),
    "actorError": error_of(lambda: C()),
    "objectRefAwaitable": hasattr(ray.ObjectRef, "__await__"),
    "rayGetIsCoroutineFunction": inspect.iscoroutinefunction(ray.get) or inspect.iscoroutinefunction(ray.wait),
    "xoscarCoroutineFunctions": {n: inspect.iscoroutinefunction(getattr(xo, n)) for n in
        ["create_actor", "create_actor_pool", "actor_ref", "destroy_actor", "has_actor", "kill_actor", "wait_for"]},
}
asyncio.run(xoscar_facts(out))
print(json.dumps(out))
`;

test('the installed ray and xoscar behave as the rules say', () => {
  const f = pythonJson<Facts>(FACTS);
  // ray-remote-call quotes these messages.
  assert.match(f.remoteCallError, /^Remote functions cannot be called directly\. Instead of running '.*sq\(\)', try '.*sq\.remote\(\)'\./);
  assert.match(f.actorError, /^Actors cannot be instantiated directly\. Instead of 'C\(\)', use 'C\.remote\(\)'\./);
  // blocking-call-in-async: ray.get/ray.wait block; an ObjectRef can be awaited instead.
  assert.equal(f.rayGetIsCoroutineFunction, false);
  assert.equal(f.objectRefAwaitable, true);
  // unawaited-coroutine: every xoscar entry point in its table is a coroutine function ...
  assert.deepEqual(Object.entries(f.xoscarCoroutineFunctions).filter(([, v]) => !v), []);
  // ... and ref.m(), ref.m.send(), ref.m.tell() return coroutines that send nothing until awaited.
  assert.deepEqual(f.refCalls, { method: true, send: true, tell: true });
  assert.equal(f.unawaitedSent, 0, 'the three unawaited calls added 3 if any had been sent');
  assert.equal(f.tellAwaitedSent, 5);
  // The xoscar snippet's lesson: one actor's calls run one at a time, a stateless actor's together.
  assert.ok(f.lockedMs > 2 * f.statelessMs, `locked ${f.lockedMs} ms vs stateless ${f.statelessMs} ms`);
});
