/**
 * blocking-call-in-async: a call that blocks the thread (time.sleep, fs.readFileSync, ...)
 * made directly in async context, where it stalls every other task on the event loop.
 */
import type { Rule } from '../rule';
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
      ctx.report({
        node: site.node,
        name,
        message: `${code(name + '()')} blocks ${what} for its whole duration inside ${code(ctx.describe(site.fn!))}; ${entry.instead}.`,
      });
    }
  },
};
