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
import { PYTHON_BLOCKING, JS_BLOCKING, blockingEntry } from '../data/blocking';
import doc from '../../../../docs/rules/blocking-call-in-async.md';

export const blockingCallInAsync: Rule = {
  id: 'blocking-call-in-async',
  families: ['python', 'js'],
  defaultSeverity: 'warning',
  doc,
  check(ctx) {
    const table = ctx.family === 'python' ? PYTHON_BLOCKING : JS_BLOCKING;
    for (const site of ctx.index.calls) {
      if (!inAsync(site) || site.node.type === 'new_expression') continue;
      const name = ctx.callee(site.node, site.fn);
      if (!name) continue;
      const entry = blockingEntry(table, name, ctx.settings.blockingCalls);
      if (!entry) continue;
      const what = ctx.family === 'python' ? 'the event loop' : "Node's event loop";
      const fix = awaitableFix(ctx, site.node, site.fn!, name);
      ctx.report({
        node: site.node,
        name,
        fixes: fix ? [fix] : undefined,
        message: `${code(name + '()')} blocks ${what} for its whole duration inside ${code(ctx.describe(site.fn!))}; ${entry.instead}.`,
      });
    }
  },
};

/** Where the awaitable twin of a blocking call lives: module, member, and the fix's title. */
function awaitableTwin(family: 'python' | 'js', name: string): { module: string; member: string } | undefined {
  if (family === 'python' && name === 'time.sleep') return { module: 'asyncio', member: 'sleep' };
  const m = family === 'js' ? /^fs\.(\w+)Sync$/.exec(name) : null;
  if (m && m[1] !== 'exists' && JS_BLOCKING[name]) return { module: 'fs', member: `promises.${m[1]}` };
  return undefined;
}

/**
 * `time.sleep(x)` -> `await asyncio.sleep(x)`, `fs.readFileSync(p)` -> `await fs.promises.readFile(p)`,
 * spelled with the file's own name for the module; offered only when the file has one.
 */
function awaitableFix(ctx: RuleContext, call: Node, fn: FnInfo, name: string): Fix | undefined {
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
