/**
 * busy-wait: a loop in async context that spins on the clock with an empty body,
 * `while (Date.now() < end) {}`, `while time.time() < end: pass`.
 */
import type { Node } from '../parser';
import { inAsync } from '../fileindex';
import type { Rule } from '../rule';
import { code } from '../rule';
import doc from '../../../../docs/rules/busy-wait.md';

const CLOCKS = new Set([
  'Date.now', 'performance.now', 'perf_hooks.performance.now', 'process.hrtime', 'process.hrtime.bigint',
  'time.time', 'time.monotonic', 'time.perf_counter', 'time.time_ns', 'time.monotonic_ns', 'time.perf_counter_ns',
]);

/** A body that does nothing: `{}`, `;`, `pass`, `...`, comments. */
function isEmpty(body: Node): boolean {
  if (body.type === 'empty_statement') return true;
  if (body.type !== 'statement_block' && body.type !== 'block') return false;
  return body.namedChildren.every((s) => !s || s.type === 'comment' || s.type === 'pass_statement' || s.type === 'empty_statement'
    || (s.type === 'expression_statement' && s.namedChild(0)?.type === 'ellipsis'));
}

export const busyWait: Rule = {
  id: 'busy-wait',
  families: ['python', 'js'],
  defaultSeverity: 'warning',
  doc,
  check(ctx) {
    for (const site of ctx.index.loops) {
      const loop = site.node;
      if (!inAsync(site) || loop.type === 'for_in_statement' || (ctx.family === 'python' && loop.type === 'for_statement')) continue;
      const condition = loop.childForFieldName('condition');
      const body = loop.childForFieldName('body');
      if (!condition || !body || !isEmpty(body)) continue;
      const clock = condition.descendantsOfType(['call', 'call_expression'])
        .map((c) => (c ? ctx.callee(c, site.fn) : undefined))
        .find((name) => name !== undefined && CLOCKS.has(name));
      if (!clock) continue;
      const instead = ctx.family === 'python'
        ? 'use `await asyncio.sleep(seconds)`'
        : "use `await setTimeout(ms)` from 'timers/promises'";
      ctx.report({
        // the loop's header: `while (Date.now() < end)`, or all of a `do {} while (…)`
        range: { start: ctx.range(loop).start, end: ctx.range(loop.type === 'do_statement' ? loop : condition).end },
        name: clock,
        message: `This loop spins on ${code(clock + '()')} with an empty body inside ${code(ctx.describe(site.fn!))}: `
          + 'it holds the event loop for the whole wait, so no other task, timer or I/O callback runs meanwhile. '
          + `${instead[0].toUpperCase()}${instead.slice(1)}, which lets the loop run other work.`,
      });
    }
  },
};
