/**
 * dangling-task: an expression statement that throws away the task made by
 * `asyncio.create_task`, `asyncio.ensure_future` or `loop.create_task`, alone or through
 * `.add_done_callback(cb)` (which returns None). The event loop keeps only a weak reference
 * to it. `TaskGroup.create_task` keeps its own reference and is silent.
 */
import type { Rule } from '../rule';
import { code } from '../rule';
import { pyCall, calleeLabel, lastNames } from './python-helpers';
import { catalogue } from '../catalogue';
import doc from '../../../../docs/rules/dangling-task.md';

const TASK_FACTORIES = catalogue('python').names((f) => f.task === true);
const TASK_FACTORY_NAMES = lastNames(TASK_FACTORIES);

export const danglingTask: Rule = {
  id: 'dangling-task',
  families: ['python'],
  defaultSeverity: 'warning',
  doc,
  check(ctx) {
    if (!ctx.text.includes('create_task') && !ctx.text.includes('ensure_future')) return;
    for (const site of ctx.index.discards) {
      const call = pyCall(ctx, site);
      // `create_task(c).add_done_callback(cb)`: the callback holds no reference to the task either.
      const chained = call.last === 'add_done_callback' && call.receiver?.type === 'call' ? call.receiver : null;
      const name = chained ? ctx.names.qualifyCallee(chained, call.fn) : call.qualifiedIf(TASK_FACTORY_NAMES);
      if (!name || !TASK_FACTORIES.has(name)) continue;
      const task = chained ?? call.node;
      const shown = code(calleeLabel(task) + '()');
      ctx.report({
        node: task,
        name,
        message: `The task made by ${shown} is thrown away${chained ? ' (`add_done_callback()` returns None)' : ''}: the event loop keeps only a weak reference to it, `
          + 'so it can be garbage-collected before it finishes and its exceptions are never seen; '
          + 'keep a reference (a set of tasks, `task.add_done_callback(tasks.discard)`) or use `asyncio.TaskGroup`.',
      });
    }
  },
};
