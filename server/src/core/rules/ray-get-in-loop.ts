/**
 * ray-get-in-loop: `ray.get(f.remote(...))` (or of a ref submitted earlier in the same iteration)
 * inside a for/while loop or a comprehension: each iteration submits one task and waits for it
 * before the next is submitted, so the tasks run one at a time. Ray's documentation lists it as
 * an anti-pattern. A list comprehension whose element is the `ray.get` gets a quick fix.
 */
import type { Node } from '../parser';
import type { Rule } from '../rule';
import { code } from '../rule';
import { pyCall } from './python-helpers';
import type { Fix, Range } from '../types';
import doc from '../../../../docs/rules/ray-get-in-loop.md';

const GET = new Set(['get']);
const LOOPS = new Set(['for_statement', 'while_statement']);
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);
const FUNCTION_BOUNDARIES = new Set(['function_definition', 'lambda', 'class_definition']);

function unparen(node: Node | null): Node | null {
  while (node?.type === 'parenthesized_expression') node = node.namedChild(0);
  return node;
}

/** `f.remote(...)`, `A.options(...).remote(...)`, `actor.m.remote(...)`: a task submission. */
function isSubmit(node: Node | null): boolean {
  if (node?.type !== 'call') return false;
  const callee = node.childForFieldName('function');
  return callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'remote';
}

/** The loop or comprehension whose body (not its iterable) holds `node`, within `node`'s own function. */
function enclosingLoop(node: Node): Node | null {
  let child = node;
  for (let p = node.parent; p; child = p, p = p.parent) {
    if (FUNCTION_BOUNDARIES.has(p.type)) return null;
    if (LOOPS.has(p.type) && p.childForFieldName('body')?.equals(child)) return p;
    if (COMPREHENSIONS.has(p.type) && p.childForFieldName('body')?.equals(child)) return p;
  }
  return null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `ref = f.remote(...)` in the loop's body: the ref `ray.get` waits for was submitted in this iteration. */
function submittedInLoop(name: string, loop: Node): boolean {
  const body = loop.childForFieldName('body');
  return !!body && new RegExp(`(^|[^\\w.])${escapeRegExp(name)}\\s*=\\s*[\\w.]+(\\([^()]*\\))?\\.remote\\(`, 'm').test(body.text);
}

export const rayGetInLoop: Rule = {
  id: 'ray-get-in-loop',
  families: ['python'],
  defaultSeverity: 'warning',
  doc,
  check(ctx) {
    if (!ctx.text.includes('ray') || !ctx.text.includes('.remote(')) return;
    for (const site of ctx.index.calls) {
      if (pyCall(ctx, site).qualifiedIf(GET) !== 'ray.get') continue;
      const arg = unparen(site.node.childForFieldName('arguments')?.namedChild(0) ?? null);
      if (!arg) continue;
      const loop = enclosingLoop(site.node);
      if (!loop) continue;
      if (!isSubmit(arg) && !(arg.type === 'identifier' && submittedInLoop(arg.text, loop))) continue;
      const fix = comprehensionFix(site.node, arg, loop, ctx.range(loop));
      ctx.report({
        node: site.node,
        name: 'ray.get',
        fixes: fix ? [fix] : undefined,
        message: `${code('ray.get()')} waits for the task submitted in the same iteration of this `
          + `${LOOPS.has(loop.type) ? 'loop' : 'comprehension'}, so the tasks run one at a time; `
          + 'submit them all first (`refs = [f.remote(x) for x in xs]`), then call `ray.get(refs)` once.',
      });
    }
  },
};

/** `[ray.get(f.remote(x)) for x in xs]` -> `ray.get([f.remote(x) for x in xs])`: the same values, the tasks submitted together. */
function comprehensionFix(call: Node, arg: Node, loop: Node, range: Range): Fix | undefined {
  if (loop.type !== 'list_comprehension' || !loop.childForFieldName('body')?.equals(call) || !isSubmit(arg)) return undefined;
  const args = call.childForFieldName('arguments');
  if (!args || args.namedChildCount !== 1) return undefined;
  const callee = call.childForFieldName('function')!.text;
  const rest = loop.text.slice(call.endIndex - loop.startIndex, -1);
  return { title: `Submit all, then one ${code(callee + '()')}`, edits: [{ range, newText: `${callee}([${arg.text}${rest}])` }] };
}
