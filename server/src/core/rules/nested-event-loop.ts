/**
 * nested-event-loop: `asyncio.run(...)` or `loop.run_until_complete(...)` called in async
 * context, where an event loop is already running the caller: it raises RuntimeError.
 */
import type { Rule } from '../rule';
import { code } from '../rule';
import { inAsync } from '../fileindex';
import { pyCall, calleeLabel, lastNames } from './python-helpers';
import doc from '../../../../docs/rules/nested-event-loop.md';

/** Loop-starting calls, with the error each raises from inside a running loop. */
const LOOP_STARTERS: Record<string, string> = {
  'asyncio.run': '"asyncio.run() cannot be called from a running event loop"',
  'asyncio.Runner.run': '"Runner.run() cannot be called from a running event loop"',
  'asyncio.AbstractEventLoop.run_until_complete': '"This event loop is already running"',
  'asyncio.AbstractEventLoop.run_forever': '"This event loop is already running"',
};
const STARTER_NAMES = lastNames(Object.keys(LOOP_STARTERS));

export const nestedEventLoop: Rule = {
  id: 'nested-event-loop',
  families: ['python'],
  defaultSeverity: 'error',
  doc,
  check(ctx) {
    if (!ctx.text.includes('asyncio')) return;
    for (const site of ctx.index.calls) {
      if (!inAsync(site)) continue;
      const name = pyCall(ctx, site).qualifiedIf(STARTER_NAMES);
      const error = name && LOOP_STARTERS[name];
      if (!error) continue;
      const shown = code(calleeLabel(site.node) + '()');
      ctx.report({
        node: site.node,
        name,
        message: `${shown} inside ${code(ctx.describe(site.fn!))} raises RuntimeError(${error}): `
          + 'an event loop is already running this code; `await` the coroutine instead.',
      });
    }
  },
};
