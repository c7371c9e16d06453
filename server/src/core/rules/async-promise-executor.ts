/**
 * async-promise-executor: `new Promise(async (resolve, reject) => …)`, an async arrow or
 * function expression as a promise executor.
 */
import type { Rule } from '../rule';
import { code } from '../rule';
import doc from '../../../../docs/rules/async-promise-executor.md';

export const asyncPromiseExecutor: Rule = {
  id: 'async-promise-executor',
  families: ['js'],
  defaultSeverity: 'warning',
  doc,
  check(ctx) {
    for (const site of ctx.index.calls) {
      if (site.node.type !== 'new_expression' || ctx.callee(site.node, site.fn) !== 'Promise') continue;
      const executor = site.node.childForFieldName('arguments')?.namedChild(0);
      const fn = executor ? ctx.index.fnAt.get(executor.startIndex) : undefined;
      if (!executor || !fn?.isAsync || !fn.node.equals(executor)) continue;
      const asyncKeyword = executor.child(0)!;
      ctx.report({
        range: { start: ctx.range(site.node).start, end: ctx.range(asyncKeyword).end },
        name: 'Promise',
        message: `${code('new Promise(async …)')}: an exception thrown in the async executor rejects the executor's own promise, `
          + 'which nobody sees, so the outer promise never settles; and an executor that needs `await` means the outer promise is not needed. '
          + 'Write an async function that awaits directly, or keep the executor synchronous.',
      });
    }
  },
};
