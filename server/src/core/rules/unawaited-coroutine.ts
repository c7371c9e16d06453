/**
 * unawaited-coroutine: an expression statement that calls a coroutine function and drops the
 * coroutine without awaiting it: the file's `async def` functions and methods (`self.m()`),
 * standard coroutine functions (`asyncio.sleep`, `asyncio.wait_for`, ...), and the coroutine
 * methods of an `asyncio.Queue`/`Lock`/`Event`/... bound in scope. In async context it offers
 * a quick fix that inserts `await`.
 */
import type { Rule, RuleContext } from '../rule';
import { code } from '../rule';
import { inAsync } from '../fileindex';
import { pyCall, calleeLabel, lastNames, type PyCall } from './python-helpers';
import { functionOf, returnsPromise } from './lib/functions';
import { isAwaitable, declarationOf } from '../project/resolver';
import type { Related } from '../types';
import doc from '../../../../docs/rules/unawaited-coroutine.md';

const COROUTINE_FUNCTIONS = new Set([
  'asyncio.sleep', 'asyncio.wait_for', 'asyncio.wait', 'asyncio.to_thread',
  'asyncio.open_connection', 'asyncio.open_unix_connection', 'asyncio.start_server', 'asyncio.start_unix_server',
  'asyncio.create_subprocess_exec', 'asyncio.create_subprocess_shell',
  'asyncio.AbstractEventLoop.sock_recv', 'asyncio.AbstractEventLoop.sock_sendall',
  'asyncio.AbstractEventLoop.sock_connect', 'asyncio.AbstractEventLoop.sock_accept',
  'asyncio.AbstractEventLoop.create_connection', 'asyncio.AbstractEventLoop.create_server',
  'asyncio.AbstractEventLoop.getaddrinfo',
]);

/**
 * xoscar's API is coroutines throughout (checked against the installed package by
 * test/unit/ray-xoscar-facts.test.ts): left unawaited, nothing is created or sent.
 */
const XOSCAR_COROUTINES = ['create_actor', 'create_actor_pool', 'actor_ref', 'destroy_actor', 'has_actor', 'kill_actor', 'wait_for'];
for (const f of XOSCAR_COROUTINES) COROUTINE_FUNCTIONS.add(`xoscar.${f}`);
/**
 * Any method called on an xoscar actor reference, and its `.send(...)`/`.tell(...)`, returns a
 * coroutine (`tell` skips waiting for the result, not the send): a prefix, as the methods are the actor's own.
 */
const XOSCAR_REF = 'xoscar.ActorRef.';

/** Awaitables that are futures rather than coroutines: their work is scheduled, but its outcome is dropped. */
const FUTURE_FUNCTIONS = new Set(['asyncio.gather', 'asyncio.shield']);

/** Coroutine methods of asyncio's synchronisation primitives and queues. */
const PRIMITIVE_METHODS: Record<string, readonly string[]> = {
  Queue: ['put', 'get', 'join'],
  PriorityQueue: ['put', 'get', 'join'],
  LifoQueue: ['put', 'get', 'join'],
  Lock: ['acquire'],
  Event: ['wait'],
  Condition: ['acquire', 'wait', 'wait_for'],
  Semaphore: ['acquire'],
  BoundedSemaphore: ['acquire'],
  Barrier: ['wait', 'reset', 'abort'],
};
for (const [cls, methods] of Object.entries(PRIMITIVE_METHODS)) {
  for (const m of methods) COROUTINE_FUNCTIONS.add(`asyncio.${cls}.${m}`);
}

export const unawaitedCoroutine: Rule = {
  id: 'unawaited-coroutine',
  families: ['python'],
  defaultSeverity: 'warning',
  doc,
  check(ctx) {
    // Without the word there is no coroutine function to call.
    if (ctx.index.discards.length === 0 || !ctx.text.includes('async')) return;
    const asyncMethodNames = new Set(ctx.index.fns.flatMap((f) => (f.classNode && f.isAsync && f.name ? [f.name] : [])));
    for (const site of ctx.index.discards) {
      const call = pyCall(ctx, site);
      const target = coroutineTarget(ctx, call, asyncMethodNames);
      if (!target) continue;
      const shown = code(target.label + '()');
      const where = call.fn ? `inside ${code(ctx.describe(call.fn))}` : 'at module level';
      const what = target.future
        ? `${shown} returns a future that nothing awaits ${where}: the caller does not wait for it and its exceptions are lost`
        : `${shown} creates a coroutine that nothing awaits ${where}: its body never runs (Python only warns "coroutine was never awaited")`;
      const fix = inAsync(call) ? '; add `await`' : '; call it from async code with `await`, or run it with `asyncio.run()`';
      const start = ctx.range(call.node).start;
      ctx.report({
        node: call.node,
        name: target.name,
        related: target.declared ? [target.declared.related] : undefined,
        message: what + (target.declared ? ` (${code(target.name)} is a coroutine function, ${target.declared.where})` : '') + fix + '.',
        fixes: inAsync(call) ? [{ title: 'Add `await`', edits: [{ range: { start, end: start }, newText: 'await ' }], safe: true }] : undefined,
      });
    }
  },
};

interface Target {
  /** the qualified name, for `concurrencyLens.ignore` */
  name: string;
  /** how the message shows the callee */
  label: string;
  future: boolean;
  declared?: { related: Related; where: string };
}

const STANDARD_LAST_NAMES = lastNames([...COROUTINE_FUNCTIONS, ...FUTURE_FUNCTIONS]);

function coroutineTarget(ctx: RuleContext, call: PyCall, asyncMethodNames: ReadonlySet<string>): Target | undefined {
  const { last, fn } = call;
  if (!last) return undefined;
  if (call.bare) {
    const own = ctx.names.resolveFunction(last, fn);
    if (own && returnsPromise(own)) return { name: last, label: last, future: false };
  } else if (asyncMethodNames.has(last)) {
    // `self.flush()`: a method of the class whose method encloses the call
    const own = functionOf(call.callee, fn, ctx.names);
    if (own && returnsPromise(own)) return { name: `self.${last}`, label: `self.${last}`, future: false };
  }
  if (call.last !== null && ctx.text.includes('xoscar')) {
    const q = call.qualifiedIf(new Set([call.last]));
    if (q?.startsWith(XOSCAR_REF)) return { name: q, label: calleeLabel(call.node), future: false };
  }
  const q = call.qualifiedIf(STANDARD_LAST_NAMES);
  if (q && COROUTINE_FUNCTIONS.has(q)) return { name: q, label: calleeLabel(call.node), future: false };
  if (q && FUTURE_FUNCTIONS.has(q)) return { name: q, label: calleeLabel(call.node), future: true };
  // a coroutine function or method reached through declared types and imports (any file)
  const target = ctx.types.mayBe(call.node, 'awaitable') ? ctx.types.target(call.node, fn) : undefined;
  if (!target || !isAwaitable(target.result)) return undefined;
  return { name: target.label, label: calleeLabel(call.node), future: false, declared: declarationOf(target, ctx.types.file) };
}
