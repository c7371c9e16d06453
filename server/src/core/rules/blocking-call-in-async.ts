/**
 * blocking-call-in-async: a call that blocks the thread (time.sleep, fs.readFileSync, ...)
 * made directly in async context, where it stalls every other task on the event loop.
 */
import type { Rule, RuleContext } from '../rule';
import type { Node } from '../parser';
import type { FnInfo } from '../fileindex';
import type { Fix } from '../types';
import { code } from '../rule';
import { inAsync } from '../fileindex';
import { catalogue } from '../catalogue';
import doc from '../../../../docs/rules/blocking-call-in-async.md';

export const blockingCallInAsync: Rule = {
  id: 'blocking-call-in-async',
  families: ['python', 'js'],
  defaultSeverity: 'warning',
  doc,
  check(ctx) {
    const api = catalogue(ctx.family);
    // Each function's answer once: many calls share a callback.
    const hosts = new Map<FnInfo, { host: FnInfo; via?: string } | null>();
    for (const site of ctx.index.calls) {
      if (!site.fn || site.node.type === 'new_expression') continue;
      const async = inAsync(site) ? { host: site.fn } : asyncHost(ctx, site.fn, hosts);
      if (!async) continue;
      const name = ctx.callee(site.node, site.fn);
      if (!name) continue;
      const entry = api.blocking(name, ctx.settings.blockingCalls);
      if (!entry) continue;
      const what = ctx.family === 'python' ? 'the event loop' : "Node's event loop";
      const fix = inAsync(site) ? awaitableFix(ctx, site.node, site.fn, name) : undefined;
      const where = async.via ? `inside a callback that ${code(async.via)} runs at once, within ${code(ctx.describe(async.host))}` : `inside ${code(ctx.describe(async.host))}`;
      ctx.report({
        node: site.node,
        name,
        fixes: fix ? [fix] : undefined,
        message: `${code(name + '()')} blocks ${what} for its whole duration ${where}; ${entry.instead}.`,
      });
    }
  },
};

/** Array methods and builtins that call their callback before they return. */
const JS_SYNC_METHODS = new Set([
  'map', 'flatMap', 'filter', 'find', 'findIndex', 'findLast', 'findLastIndex', 'forEach', 'some', 'every', 'reduce', 'reduceRight', 'sort', 'toSorted',
]);
const PY_SYNC_CALLERS = new Set(['map', 'filter', 'sorted', 'min', 'max', 'functools.reduce', 'itertools.starmap', 'itertools.takewhile', 'itertools.dropwhile']);

/**
 * The caller that runs a callback synchronously, when `fn` is an inline callback handed to one
 * (`items.map(x => …)`, `Array.from(xs, f)`, `new Promise((resolve) => …)`, `sorted(xs, key=lambda …)`);
 * a timer's or an event emitter's callback runs later, on a turn of its own, and is no such callback.
 */
function syncCaller(ctx: RuleContext, fn: FnInfo): string | undefined {
  const node = fn.node;
  if (!['arrow_function', 'function_expression', 'function', 'lambda'].includes(node.type)) return undefined;
  let args = node.parent;
  if (args?.type === 'keyword_argument') args = args.parent;
  if (args?.type !== 'arguments' && args?.type !== 'argument_list') return undefined;
  const call = args.parent;
  if (!call) return undefined;
  if (call.type === 'new_expression') {
    const ctor = call.childForFieldName('constructor');
    return ctor?.type === 'identifier' && ctor.text === 'Promise' && args.namedChild(0)?.equals(node) ? 'new Promise()' : undefined;
  }
  if (call.type !== 'call_expression' && call.type !== 'call') return undefined;
  const callee = call.childForFieldName('function');
  if (!callee) return undefined;
  if (ctx.family === 'js') {
    if (callee.text === 'Array.from') return 'Array.from()';
    const prop = callee.type === 'member_expression' ? callee.childForFieldName('property')?.text : undefined;
    return prop && JS_SYNC_METHODS.has(prop) ? `.${prop}()` : undefined;
  }
  const name = ctx.callee(call, fn.parent);
  if (name && PY_SYNC_CALLERS.has(name)) return `${name}()`;
  const method = callee.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
  return method === 'sort' ? '.sort()' : undefined;
}

/** The async function a sync callback runs within, through nested callbacks (`rows.map(r => r.cells.map(…))`). */
function asyncHost(ctx: RuleContext, fn: FnInfo, memo: Map<FnInfo, { host: FnInfo; via?: string } | null>): { host: FnInfo; via?: string } | null {
  if (memo.has(fn)) return memo.get(fn)!;
  let found: { host: FnInfo; via?: string } | null = null;
  if (!fn.isAsync && fn.parent) {
    const via = syncCaller(ctx, fn);
    if (via) {
      const outer = fn.parent.isAsync ? { host: fn.parent } : asyncHost(ctx, fn.parent, memo);
      if (outer) found = { host: outer.host, via };
    }
  }
  memo.set(fn, found);
  return found;
}

/** Where the awaitable twin of a blocking call lives: module, member, and the fix's title. */
function awaitableTwin(family: 'python' | 'js', name: string): { module: string; member: string } | undefined {
  if (family === 'python' && name === 'time.sleep') return { module: 'asyncio', member: 'sleep' };
  const m = family === 'js' ? /^fs\.(\w+)Sync$/.exec(name) : null;
  if (m && m[1] !== 'exists' && catalogue('js').get(name)?.blocks) return { module: 'fs', member: `promises.${m[1]}` };
  return undefined;
}

/**
 * `time.sleep(x)` -> `await asyncio.sleep(x)`, `fs.readFileSync(p)` -> `await fs.promises.readFile(p)`,
 * spelled with the file's own name for the module; offered only when the file has one.
 */
function awaitableFix(ctx: RuleContext, call: Node, fn: FnInfo, name: string): Fix | undefined {
  if (ctx.family === 'python' && name === 'ray.get') return rayGetFix(ctx, call, fn);
  const twin = awaitableTwin(ctx.family, name);
  if (!twin) return undefined;
  const moduleName = ctx.names.nameFor(twin.module, fn);
  if (!moduleName) return undefined;
  const args = call.childForFieldName('arguments');
  if (!args) return undefined;
  const replacement = `await ${moduleName}.${twin.member}${args.text}`;
  const parent = call.parent;
  // `fs.readFileSync(p).toString()` needs parentheses: await binds looser than member access.
  const wrap = parent !== null && ['attribute', 'member_expression', 'subscript', 'subscript_expression', 'call', 'call_expression'].includes(parent.type);
  return {
    title: `Use ${code(`await ${moduleName}.${twin.member}()`)}`,
    edits: [{ range: ctx.range(call), newText: wrap ? `(${replacement})` : replacement }],
    safe: true,
  };
}

/**
 * `ray.get(f.remote(x))` -> `await f.remote(x)`; `ray.get([a.remote(), b.remote()])` ->
 * `await asyncio.gather(a.remote(), b.remote())`. Only where the argument plainly is one ref or a
 * list of them (a variable may be either), and without `timeout=`, which `await` has no place for.
 */
function rayGetFix(ctx: RuleContext, call: Node, fn: FnInfo): Fix | undefined {
  const args = call.childForFieldName('arguments');
  const arg = args?.namedChildCount === 1 ? args.namedChild(0) : null;
  if (!arg) return undefined;
  const submits = (n: Node | null) => n?.type === 'call' && /\.remote$/.test(n.childForFieldName('function')?.text ?? '');
  let replacement: string;
  if (submits(arg)) replacement = `await ${arg.text}`;
  else if (arg.type === 'list' && arg.namedChildCount > 0 && arg.namedChildren.every(submits)) {
    const asyncio = ctx.names.nameFor('asyncio', fn);
    if (!asyncio) return undefined;
    replacement = `await ${asyncio}.gather(${arg.namedChildren.map((n) => n!.text).join(', ')})`;
  } else return undefined;
  const parent = call.parent;
  const wrap = parent !== null && ['attribute', 'subscript', 'call'].includes(parent.type);
  return { title: `Use ${code(replacement.replace(/\(.*$/s, '()'))}`, edits: [{ range: ctx.range(call), newText: wrap ? `(${replacement})` : replacement }] };
}
