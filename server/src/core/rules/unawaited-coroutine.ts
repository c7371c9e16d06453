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
import { catalogue } from '../catalogue';
import doc from '../../../../docs/rules/unawaited-coroutine.md';

const API = catalogue('python');
/** Prefixes of names that are coroutine functions whatever follows (`xoscar.ActorRef.`: an actor's own methods). */
const COROUTINE_PREFIXES = API.prefixesWhere((f) => f.awaitable === 'coroutine');

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

const STANDARD_LAST_NAMES = lastNames(API.names((f) => f.awaitable === 'coroutine' || f.awaitable === 'future'));

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
    if (q && COROUTINE_PREFIXES.some((p) => q.startsWith(p))) return { name: q, label: calleeLabel(call.node), future: false };
  }
  const q = call.qualifiedIf(STANDARD_LAST_NAMES);
  const awaitable = q ? API.get(q)?.awaitable : undefined;
  if (q && awaitable === 'coroutine') return { name: q, label: calleeLabel(call.node), future: false };
  if (q && awaitable === 'future') return { name: q, label: calleeLabel(call.node), future: true };
  // a coroutine function or method reached through declared types and imports (any file)
  const target = ctx.types.mayBe(call.node, 'awaitable') ? ctx.types.target(call.node, fn) : undefined;
  if (!target || !isAwaitable(target.result)) return undefined;
  return { name: target.label, label: calleeLabel(call.node), future: false, declared: declarationOf(target, ctx.types.file) };
}
