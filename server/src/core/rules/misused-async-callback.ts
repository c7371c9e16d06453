/**
 * misused-async-callback: an async function given to `forEach` (nothing waits for its
 * promises) or to `filter/some/every/find/findIndex` (a promise is always truthy).
 */
import type { Rule } from '../rule';
import { code } from '../rule';
import { functionOf, returnsPromise } from './lib/functions';
import doc from '../../../../docs/rules/misused-async-callback.md';

const FIRE_AND_FORGET = new Set(['forEach']);
const PREDICATES = new Set(['filter', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex']);

export const misusedAsyncCallback: Rule = {
  id: 'misused-async-callback',
  families: ['js'],
  defaultSeverity: 'warning',
  doc,
  check(ctx) {
    for (const site of ctx.index.calls) {
      if (site.node.type !== 'call_expression') continue;
      // Most calls are not of these methods: when the callee reads as a dotted name, its last part says so with no tree access.
      const path = ctx.names.calleePath(site.node);
      if (path && (path.length < 2 || !(FIRE_AND_FORGET.has(path[path.length - 1]) || PREDICATES.has(path[path.length - 1])))) continue;
      const callee = site.node.childForFieldName('function');
      const method = callee?.type === 'member_expression' ? callee.childForFieldName('property') : null;
      if (!method || !(FIRE_AND_FORGET.has(method.text) || PREDICATES.has(method.text))) continue;
      const arg = site.node.childForFieldName('arguments')?.namedChild(0);
      if (!arg) continue;
      const inline = ctx.index.fnAt.get(arg.startIndex);
      const target = inline?.node.equals(arg) ? inline : functionOf(arg, site.fn, ctx.names);
      if (!target || !returnsPromise(target)) continue;
      const what = inline?.node.equals(arg) ? 'An async callback' : `The async function ${code(arg.text)}`;
      const why = FIRE_AND_FORGET.has(method.text)
        ? `${code('forEach')} ignores the promises it returns: the calls run concurrently, nothing waits for them, and their rejections go unhandled. `
          + 'Use `for … of` with `await`, or `await Promise.all(items.map(async …))`.'
        : `${code(method.text)} reads its result as a boolean, and a promise is always truthy, so the test never sees the awaited value. `
          + `Compute the values first (\`await Promise.all(items.map(…))\`), then call ${code(method.text)} with a sync test.`;
      ctx.report({ node: method, message: `${what} is passed to ${code('.' + method.text + '()')}; ${why}` });
    }
  },
};
