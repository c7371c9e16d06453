/**
 * ray-remote-call: a `@ray.remote` function called directly (`f(x)`), a `@ray.remote` class
 * instantiated directly (`Counter()`), or an actor method called directly (`counter.add(1)` on a
 * handle from `Counter.remote()`): each raises TypeError at run time; the call goes through
 * `.remote(...)`. The quick fix keeps the value the code expected: `ray.get(f.remote(x))`, or
 * `await f.remote(x)` in async code (an ObjectRef is awaitable).
 */
import type { Node } from '../parser';
import type { FnInfo } from '../fileindex';
import type { Rule, RuleContext } from '../rule';
import { code } from '../rule';
import { inAsync } from '../fileindex';
import type { Fix } from '../types';
import doc from '../../../../docs/rules/ray-remote-call.md';

/** Is this definition (a function_definition or class_definition) decorated with `@ray.remote` or `@ray.remote(...)`? */
function isRemote(ctx: RuleContext, def: Node, scope: FnInfo | null): boolean {
  const decorated = def.parent;
  if (decorated?.type !== 'decorated_definition') return false;
  for (const d of decorated.namedChildren) {
    if (d?.type !== 'decorator') continue;
    let expr = d.namedChild(0);
    if (expr?.type === 'call') expr = expr.childForFieldName('function');
    if (expr && ctx.names.qualify(expr, scope) === 'ray.remote') return true;
  }
  return false;
}

/** `Counter.remote(...)` or `Counter.options(...).remote(...)`: the remote class it makes an actor of. */
function actorClassOf(value: Node | null): string | undefined {
  if (value?.type !== 'call') return undefined;
  const callee = value.childForFieldName('function');
  if (callee?.type !== 'attribute' || callee.childForFieldName('attribute')?.text !== 'remote') return undefined;
  let obj = callee.childForFieldName('object');
  if (obj?.type === 'call') {
    const inner = obj.childForFieldName('function');
    if (inner?.type !== 'attribute' || inner.childForFieldName('attribute')?.text !== 'options') return undefined;
    obj = inner.childForFieldName('object');
  }
  return obj?.type === 'identifier' ? obj.text : undefined;
}

export const rayRemoteCall: Rule = {
  id: 'ray-remote-call',
  families: ['python'],
  defaultSeverity: 'error',
  doc,
  check(ctx) {
    if (!ctx.text.includes('ray') || !ctx.text.includes('remote')) return;
    const remoteFns = new Set(ctx.index.fns.filter((f) => !f.classNode && f.name && isRemote(ctx, f.node, f.parent)));
    const remoteClasses = new Set<number>();
    for (const c of ctx.index.classes) if (isRemote(ctx, c.node, c.fn)) remoteClasses.add(c.node.id);
    if (remoteFns.size === 0 && remoteClasses.size === 0) return;
    const remoteClass = (name: string, fn: FnInfo | null) => {
      const b = ctx.names.lookup(name, fn);
      return b?.kind === 'local' && b.cls !== undefined && remoteClasses.has(b.cls.id);
    };
    // `h = Counter.remote()`: actor handles, by scope and name.
    const handles = new Map<FnInfo | null, Set<string>>();
    if (remoteClasses.size > 0) {
      for (const { node, fn, local } of ctx.index.binds) {
        if (local || node.type !== 'identifier' || node.parent?.type !== 'assignment') continue;
        const cls = actorClassOf(node.parent.childForFieldName('right'));
        if (cls && remoteClass(cls, fn)) {
          const set = handles.get(fn) ?? new Set();
          set.add(node.text);
          handles.set(fn, set);
        }
      }
    }
    const isHandle = (name: string, fn: FnInfo | null) => {
      for (let scope: FnInfo | null = fn; ; scope = scope.parent) {
        if (handles.get(scope)?.has(name)) return true;
        if (scope === null) return false;
      }
    };

    for (const site of ctx.index.calls) {
      const callee = site.node.childForFieldName('function');
      if (!callee) continue;
      if (callee.type === 'identifier') {
        const own = ctx.names.resolveFunction(callee.text, site.fn);
        if (own && remoteFns.has(own)) {
          report(ctx, site.node, callee, site.fn, `${code(callee.text + '()')} calls a ${code('@ray.remote')} function directly, which raises TypeError ("Remote functions cannot be called directly"): submit it with ${code(callee.text + '.remote()')} and get the value with ${code('ray.get()')} or ${code('await')}.`, true);
        } else if (remoteClass(callee.text, site.fn)) {
          report(ctx, site.node, callee, site.fn, `${code(callee.text + '()')} instantiates a ${code('@ray.remote')} class directly, which raises TypeError ("Actors cannot be instantiated directly"): create the actor with ${code(callee.text + '.remote()')}.`, false);
        }
      } else if (callee.type === 'attribute') {
        const obj = callee.childForFieldName('object');
        const method = callee.childForFieldName('attribute')?.text;
        if (obj?.type !== 'identifier' || !method || method === 'remote' || method.startsWith('_') || !isHandle(obj.text, site.fn)) continue;
        report(ctx, site.node, callee, site.fn, `${code(callee.text + '()')} calls an actor method directly, which raises TypeError ("Actor methods cannot be called directly"): call ${code(callee.text + '.remote()')} and get the value with ${code('ray.get()')} or ${code('await')}.`, true);
      }
    }
  },
};

function report(ctx: RuleContext, call: Node, callee: Node, fn: FnInfo | null, message: string, wantsValue: boolean): void {
  ctx.report({ node: call, name: callee.text, message, fixes: [remoteFix(ctx, call, callee, fn, wantsValue)].filter((f): f is Fix => f !== undefined) });
}

/**
 * `f(x)` -> `ray.get(f.remote(x))` (or `await f.remote(x)` in async code), so the expression still
 * has the value; `Counter()` -> `Counter.remote()`, a handle used the same way.
 */
function remoteFix(ctx: RuleContext, call: Node, callee: Node, fn: FnInfo | null, wantsValue: boolean): Fix | undefined {
  const args = call.childForFieldName('arguments');
  if (!args) return undefined;
  const submit = `${callee.text}.remote${args.text}`;
  if (!wantsValue) return { title: `Use ${code(callee.text + '.remote()')}`, edits: [{ range: ctx.range(call), newText: submit }] };
  if (inAsync({ fn })) {
    const wrap = call.parent !== null && ['attribute', 'subscript', 'call'].includes(call.parent.type);
    return { title: `Use ${code(`await ${callee.text}.remote()`)}`, edits: [{ range: ctx.range(call), newText: wrap ? `(await ${submit})` : `await ${submit}` }] };
  }
  const ray = ctx.names.nameFor('ray', fn);
  if (!ray) return undefined;
  return { title: `Use ${code(`${ray}.get(${callee.text}.remote())`)}`, edits: [{ range: ctx.range(call), newText: `${ray}.get(${submit})` }] };
}
