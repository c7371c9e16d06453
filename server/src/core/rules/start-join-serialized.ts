/**
 * start-join-serialized: `x.start()` then `x.join()` of the same thread or process in one
 * loop body (including instances of the file's Thread/Process subclasses): each worker is
 * waited for before the next one starts, so they run one after another, not together.
 */
import type { Node } from '../parser';
import type { BindSite, FnInfo, Site } from '../fileindex';
import type { Rule } from '../rule';
import { code, nodeRange } from '../rule';
import { Workers, pyCall, type WorkerKind } from './python-helpers';
import doc from '../../../../docs/rules/start-join-serialized.md';

const SCOPE_BOUNDARIES = new Set(['function_definition', 'lambda', 'class_definition', 'module']);

export const startJoinSerialized: Rule = {
  id: 'start-join-serialized',
  families: ['python'],
  defaultSeverity: 'warning',
  doc,
  check(ctx) {
    if (ctx.index.loops.length === 0 || !ctx.text.includes('.join(')) return;
    let workers: Workers | undefined;
    // loop start index + receiver text -> the `.start()` call seen in that loop body
    const started = new Map<string, Node>();
    const inLoops = loopSpans(ctx.index.loops);
    for (const site of ctx.index.calls) {
      if (!inLoops(site.node.startIndex)) continue;
      const call = pyCall(ctx, site);
      if (call.last !== 'start' && call.last !== 'join') continue;
      const receiver = call.receiver;
      if (receiver?.type !== 'identifier' && receiver?.type !== 'attribute') continue;
      const loop = innermostLoopBody(call.node);
      if (!loop) continue;
      const key = `${loop.startIndex}:${receiver.text}`;
      if (call.last === 'start') {
        started.set(key, call.node);
        continue;
      }
      const start = started.get(key);
      if (!start) continue;
      workers ??= new Workers(ctx);
      const kind = workers.kindOf(receiver, call.fn)
        ?? (receiver.type === 'identifier' ? assignedInBody(ctx.index.binds, loop, start, call.node, receiver.text, workers, call.fn) : undefined);
      if (!kind) continue;
      const noun = kind === 'thread' ? 'thread' : 'process';
      const x = receiver.text;
      ctx.report({
        node: call.node,
        name: kind === 'thread' ? 'threading.Thread.join' : 'multiprocessing.Process.join',
        message: `${code(x + '.join()')} waits for the ${noun} started by ${code(x + '.start()')} in the same loop iteration: `
          + `each ${noun} finishes before the next one starts, so they run one after another, not together; `
          + `start them all in this loop and join them in a second one.`,
        related: [{ range: nodeRange(start), message: `the ${noun} is started here` }],
      });
    }
  },
};

/**
 * `t = Thread(...)` in the loop body, before `t.start()`, as the last assignment of `t` before
 * `t.join()`: the kind of `t` there, when the scope-wide binding cannot tell (the name is also
 * bound another way in the scope, as by a later `for t in threads:`).
 */
function assignedInBody(
  binds: readonly BindSite[], body: Node, start: Node, join: Node, name: string, workers: Workers, fn: FnInfo | null,
): WorkerKind | undefined {
  // Binds come sorted by start: find the first one in the body, then walk up to the join.
  let lo = 0;
  let hi = binds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (binds[mid].node.startIndex < body.startIndex) lo = mid + 1;
    else hi = mid;
  }
  let last: BindSite | undefined;
  for (let i = lo; i < binds.length; i++) {
    const b = binds[i];
    if (b.node.startIndex >= join.startIndex) break;
    if (b.fn === fn && !b.local && b.node.type === 'identifier' && b.node.text === name) last = b;
  }
  if (!last || last.node.startIndex >= start.startIndex) return undefined;
  const assignment = last.node.parent;
  const value = assignment?.type === 'assignment' ? assignment.childForFieldName('right') : null;
  return value?.type === 'call' ? workers.kindOf(value, fn) : undefined;
}

/**
 * A test for "does this offset fall inside some loop", for offsets asked in increasing order
 * (the calls come sorted): loops as disjoint spans, walked once.
 */
function loopSpans(loops: readonly Site[]): (offset: number) => boolean {
  const spans: [number, number][] = [];
  for (const { node } of loops) {
    const top = spans[spans.length - 1];
    if (top && node.startIndex < top[1]) continue; // nested in the previous span (loops come sorted, outer first)
    spans.push([node.startIndex, node.endIndex]);
  }
  let i = 0;
  return (offset) => {
    while (i < spans.length && spans[i][1] <= offset) i++;
    return i < spans.length && spans[i][0] <= offset;
  };
}

/** The body of the nearest `for`/`while` that holds the node, within its own function. */
function innermostLoopBody(node: Node): Node | null {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (SCOPE_BOUNDARIES.has(parent.type)) return null;
    if ((parent.type === 'for_statement' || parent.type === 'while_statement') && parent.childForFieldName('body')?.id === child.id) {
      return child;
    }
  }
  return null;
}
