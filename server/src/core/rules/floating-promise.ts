/**
 * floating-promise: an expression statement whose value is a promise nobody awaits, returns,
 * stores or handles: a call of one of the file's async functions or methods, a well-known
 * promise API (fs/promises, fetch, timers/promises, Promise.all…, new Promise), or a
 * `.then(f)` / `.finally(f)` chain with no rejection handler.
 */
import type { Node } from '../parser';
import type { FnInfo } from '../fileindex';
import type { Rule, RuleContext } from '../rule';
import { code } from '../rule';
import type { Fix } from '../types';
import { calledFunction, returnsPromise } from './lib/functions';
import { isAwaitable, declarationOf } from '../project/resolver';
import type { Related } from '../types';
import { catalogue } from '../catalogue';
import doc from '../../../../docs/rules/floating-promise.md';

const API = catalogue('js');

function unparen(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChild(0)) n = n.namedChild(0)!;
  return n;
}

/** `x.method(...)`: the method name and the receiver, when the call has that shape. */
function methodCall(call: Node): { method: string; receiver: Node; args: number } | undefined {
  if (call.type !== 'call_expression') return undefined;
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'member_expression') return undefined;
  const prop = callee.childForFieldName('property');
  const receiver = callee.childForFieldName('object');
  if (!prop || !receiver) return undefined;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a) => a?.type !== 'comment').length ?? 0;
  return { method: prop.text, receiver: unparen(receiver), args };
}

interface Verdict {
  /** how the message names the promise */
  label: string;
  /** qualified name, for concurrencyLens.ignore */
  name?: string;
  handled: boolean;
  /** where the called function is declared, when types found it */
  declared?: { related: Related; where: string };
}

/**
 * What a promise-valued expression is, or undefined when nothing says it is a promise. A `.then`
 * chain counts only when its root is a known promise: many libraries have thenables that are not
 * promises (Cypress chains, query builders) and a syntax tree cannot tell them apart.
 */
function promiseOf(ctx: RuleContext, expr: Node, fn: FnInfo | null, receiver = false): Verdict | undefined {
  const m = methodCall(expr);
  if (m && (m.method === 'then' || m.method === 'catch' || m.method === 'finally')) {
    const inner = promiseOf(ctx, m.receiver, fn, true);
    if (!inner) return undefined;
    const handled = (m.method === 'catch' && m.args >= 1) || (m.method === 'then' && m.args >= 2)
      // `.finally(f)` passes its receiver's settlement on; `.then(f)` makes a promise f may reject.
      || (m.method === 'finally' && inner.handled);
    return { label: `${inner.label}.${m.method}()`, name: inner.name, handled, declared: inner.declared };
  }
  if (receiver && expr.type === 'identifier') {
    // `const p = fetch(url); p.then(f)`: names.ts records what the variable was made by.
    const b = ctx.names.lookup(expr.text, fn);
    if (b?.kind === 'instance' && isPromiseApi(b.type, true)) return { label: expr.text, name: b.type, handled: false };
    // `p: Promise<T>`, `const p = repo.load()`: a declared promise
    return isAwaitable(ctx.types.typeOf(expr, fn)) ? { label: expr.text, handled: false } : undefined;
  }
  if (expr.type === 'new_expression') {
    return ctx.callee(expr, fn) === 'Promise' ? { label: 'new Promise()', name: 'Promise', handled: false } : undefined;
  }
  if (expr.type !== 'call_expression') return undefined;
  const own = calledFunction(expr, fn, ctx.names);
  if (own && returnsPromise(own)) return { label: `${own.name ?? 'anonymous'}()`, name: own.name ?? undefined, handled: false };
  // a sync function of the file may still declare a promise (`function later(): Promise<T>`): types answer below
  const name = ctx.callee(expr, fn);
  if (name && isPromiseApi(name, receiver)) return { label: `${name}()`, name, handled: false };
  // a method or function declared async, or to return a promise, reached through declared types (any file)
  const target = ctx.types.mayBe(expr, 'awaitable') ? ctx.types.target(expr, fn) : undefined;
  if (!target || !isAwaitable(target.result)) return undefined;
  return { label: `${callLabel(expr)}()`, name: target.label, handled: false, declared: declarationOf(target, ctx.types.file) };
}

/** `this.repo.load` for `this.repo.load(x)`: the callee as written, long arguments left out. */
function callLabel(call: Node): string {
  const callee = call.childForFieldName('function');
  const text = callee?.text ?? '?';
  return text.length <= 60 && !text.includes('\n') ? text : (callee?.childForFieldName('property')?.text ?? '?');
}

/** A well-known call that returns a promise (`Promise.resolve` only as the start of a chain: alone it cannot reject). */
function isPromiseApi(name: string, receiver: boolean): boolean {
  return API.get(name)?.awaitable === 'promise' || (receiver && name === 'Promise.resolve');
}

export const floatingPromise: Rule = {
  id: 'floating-promise',
  families: ['js'],
  defaultSeverity: 'warning',
  doc,
  check(ctx) {
    for (const site of ctx.index.stmts) {
      const first = site.node.namedChild(0);
      if (!first) continue;
      const expr = unparen(first);
      const verdict = promiseOf(ctx, expr, site.fn);
      if (!verdict || verdict.handled) continue;
      const start = ctx.range(first).start;
      const insert = (title: string, newText: string): Fix => ({ title, edits: [{ range: { start, end: start }, newText }] });
      const fixes = [insert('Discard the promise explicitly: `void`', 'void ')];
      if (site.fn?.isAsync) fixes.unshift(insert('Wait for the promise: `await`', 'await '));
      const why = site.fn?.isAsync
        ? 'the code after it runs before it settles, and a rejection is never handled (Node ends the process on an unhandled rejection by default)'
        : 'a rejection is never handled (Node ends the process on an unhandled rejection by default)';
      ctx.report({
        node: first,
        name: verdict.name,
        related: verdict.declared ? [verdict.declared.related] : undefined,
        message: `The promise from ${code(verdict.label)}${verdict.declared ? ` (${code(verdict.name ?? verdict.label)} returns a promise, ${verdict.declared.where})` : ''} is neither awaited, returned, stored nor given a rejection handler: ${why}. `
          + `${site.fn?.isAsync ? '`await` it, return it' : 'Return it'}, add \`.catch()\`, or mark it \`void\` when fire-and-forget is meant.`,
        fixes,
      });
    }
  },
};
