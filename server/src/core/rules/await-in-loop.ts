/**
 * await-in-loop: an `await` in a for/while body (of the loop's own function) when nothing shows
 * that one iteration needs the result of another, so the awaited operations could run together.
 * Never for `for await` / `async for`. Reported once per loop, on its first await.
 */
import type { Node } from '../parser';
import type { FnInfo, Site } from '../fileindex';
import type { Rule, RuleContext } from '../rule';
import { code } from '../rule';
import doc from '../../../../docs/rules/await-in-loop.md';

/** Statements after which the loop's iterations are plainly meant to run in order. */
const ORDERED = ['break_statement', 'return_statement', 'yield_expression', 'yield'];
const ASSIGNMENTS = ['variable_declarator', 'assignment_expression', 'augmented_assignment_expression', 'assignment', 'augmented_assignment'];
const SLEEPS = new Set(['asyncio.sleep', 'timers/promises.setTimeout', 'timers/promises.scheduler.wait', 'Promise']);
const SLEEPY_NAME = /(sleep|delay|wait|pause|throttle|backoff)\w*$/i;

function hasToken(node: Node, token: string): boolean {
  for (let i = 0; i < node.childCount && i < 3; i++) if (node.child(i)?.type === token) return true;
  return false;
}

function identifiers(node: Node): Node[] {
  const ids = node.type === 'identifier' ? [node] : node.descendantsOfType('identifier');
  return ids.filter((n): n is Node => n !== null);
}

/** The awaited operation: `await x` -> x, through parentheses. */
function awaited(a: Node): Node | null {
  let n = a.namedChild(0);
  while (n?.type === 'parenthesized_expression') n = n.namedChild(0);
  return n;
}

function calleeOf(call: Node): Node | null {
  return call.childForFieldName(call.type === 'new_expression' ? 'constructor' : 'function');
}

/** An assignment's target names and its value (`type` is the node's, already read: each read is a call into wasm). */
function assignment(node: Node, type: string): { names: string[]; value: Node | null } {
  const target = node.childForFieldName(type === 'variable_declarator' ? 'name' : 'left');
  const targetType = target?.type;
  // `a[i] = …`, `obj.x = …` rebind no name.
  const rebinds = target && !['member_expression', 'subscript_expression', 'attribute', 'subscript'].includes(targetType!);
  // An identifier has no children: no need to ask the tree for its descendants.
  const targets = !rebinds ? [] : targetType === 'identifier' ? [target]
    : [target, ...target.descendantsOfType(['identifier', 'shorthand_property_identifier_pattern'])]
      .filter((t): t is Node => t !== null && (t.type === 'identifier' || t.type === 'shorthand_property_identifier_pattern'));
  return { names: targets.map((t) => t.text), value: node.childForFieldName(type === 'variable_declarator' ? 'value' : 'right') };
}

/**
 * The node types the body walk looks for, less those the node's language lacks (they find nothing):
 * descendantsOfType compares every type of the language with each name asked for, per call.
 */
const BODY_TYPES = new WeakMap<object, string[]>();
function bodyTypes(node: Node): string[] {
  const language = node.tree.language;
  let types = BODY_TYPES.get(language);
  if (!types) {
    const known = new Set(language.types);
    BODY_TYPES.set(language, (types = [...ORDERED, ...ASSIGNMENTS, 'update_expression'].filter((t) => known.has(t))));
  }
  return types;
}

/** The functions nested in a node's range; index.fns is in source order. */
function nestedFns(ctx: RuleContext, node: Node): FnInfo[] {
  const fns = ctx.index.fns;
  let lo = 0;
  for (let hi = fns.length; lo < hi;) {
    const mid = (lo + hi) >> 1;
    if (fns[mid].startIndex < node.startIndex) lo = mid + 1;
    else hi = mid;
  }
  const out: FnInfo[] = [];
  for (let i = lo; i < fns.length && fns[i].startIndex < node.endIndex; i++) out.push(fns[i]);
  return out;
}

/** Something in the loop says its iterations depend on each other or are meant to run in order. */
function sequential(ctx: RuleContext, loop: Site, body: Node, awaits: Node[]): boolean {
  // Pacing on purpose: `await sleep(…)`, `await new Promise(r => setTimeout(r, 100))`.
  for (const a of awaits) {
    const op = awaited(a);
    if (op?.type !== 'call' && op?.type !== 'call_expression' && op?.type !== 'new_expression') continue;
    const name = ctx.callee(op, loop.fn);
    if (name && SLEEPS.has(name)) return true;
    const path = op.type === 'new_expression' ? null : ctx.names.calleePath(op);
    if (SLEEPY_NAME.test(path ? path.join('.') : (calleeOf(op)?.text ?? ''))) return true;
  }

  // One walk of the body for everything below; what sits in a nested function is not the loop's.
  const nested = nestedFns(ctx, body);
  const owned = (n: Node | null): n is Node => n !== null && (nested.length === 0 || !nested.some((f) => f.startIndex <= n.startIndex && n.endIndex <= f.endIndex));
  const found = body.descendantsOfType(bodyTypes(body)).filter(owned).map((node) => ({ node, type: node.type }));
  if (found.some((f) => ORDERED.includes(f.type))) return true;

  // Names the body writes, and those among them whose value comes (maybe indirectly) from an await.
  const assigns = found.filter((f) => ASSIGNMENTS.includes(f.type))
    .map((f) => ({ node: f.node, compound: f.type.startsWith('augmented'), ...assignment(f.node, f.type) }));
  const written = new Set<string>();
  for (const a of assigns) for (const t of a.names) written.add(t);
  for (const u of found) if (u.type === 'update_expression') for (const t of identifiers(u.node)) written.add(t.text);
  const tainted = new Set<string>();
  const awaitEnds = awaits.map((a) => a.endIndex);
  const inAwaits = (n: Node) => {
    const end = n.endIndex;
    return awaits.some((a, i) => a.startIndex >= n.startIndex && awaitEnds[i] <= end);
  };
  // Listing a node's identifiers is a costly call into wasm; a node whose text holds no tainted name has none to find.
  const mentionsTainted = (start: number, end: number) => {
    const text = ctx.text.slice(start, end);
    for (const t of tainted) if (text.includes(t)) return true;
    return false;
  };
  const valueIds = new Map<Node, string[]>();
  const idsOf = (n: Node) => {
    let ids = valueIds.get(n);
    if (!ids) valueIds.set(n, (ids = identifiers(n).map((id) => id.text)));
    return ids;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const a of assigns) {
      if (!a.value || a.names.every((t) => tainted.has(t))) continue;
      const fromAwait = inAwaits(a.value)
        || (mentionsTainted(a.value.startIndex, a.value.endIndex) && idsOf(a.value).some((id) => tainted.has(id)));
      if (!fromAwait && !(a.compound && a.names.some((t) => tainted.has(t)))) continue;
      for (const t of a.names) if (!tainted.has(t)) { tainted.add(t); changed = true; }
    }
  }

  // A while/for condition that reads what the body writes, or calls something, changes with the iterations.
  if (loop.node.type !== 'for_in_statement' && !(ctx.family === 'python' && loop.node.type === 'for_statement')) {
    const condition = loop.node.childForFieldName('condition');
    if (!condition || /^\(?\s*(true|True|1)\s*\)?;?$/.test(condition.text)) return true;
    if (condition.descendantsOfType(['call', 'call_expression']).length > 0) return true;
    if (identifiers(condition).some((id) => written.has(id.text))) return true;
  }

  // An awaited operation that reads a value a previous iteration's await produced.
  if (tainted.size === 0) return false;
  for (const [i, a] of awaits.entries()) {
    if (!mentionsTainted(a.startIndex, awaitEnds[i])) continue;
    for (const id of identifiers(a)) {
      if (!tainted.has(id.text)) continue;
      const setBefore = assigns.some((s) => s.node.endIndex <= id.startIndex && s.names.includes(id.text));
      if (!setBefore) return true;
    }
  }
  return false;
}

export const awaitInLoop: Rule = {
  id: 'await-in-loop',
  families: ['python', 'js'],
  defaultSeverity: 'information',
  doc,
  check(ctx) {
    // Each await belongs to the innermost loop of its own function that holds it; awaits in a
    // loop's header (`for (const x of await list())`) are left out.
    type Entry = { site: Site; awaits: Node[] };
    const byFn = new Map<FnInfo, Entry[]>();
    for (const site of ctx.index.loops) {
      if (!site.fn?.isAsync) continue;
      const list = byFn.get(site.fn);
      if (list) list.push({ site, awaits: [] });
      else byFn.set(site.fn, [{ site, awaits: [] }]);
    }
    if (byFn.size === 0) return;
    // Each end offset is a call into wasm: read each once.
    const ends = new Map<Node, number>();
    const endOf = (n: Node) => {
      let end = ends.get(n);
      if (end === undefined) ends.set(n, (end = n.endIndex));
      return end;
    };
    for (const a of ctx.index.awaits) {
      const list = a.fn && byFn.get(a.fn);
      if (!list) continue;
      let owner: Entry | undefined;
      for (const l of list) {
        if (l.site.node.startIndex <= a.node.startIndex && endOf(a.node) <= endOf(l.site.node)) owner = l;
      }
      owner?.awaits.push(a.node);
    }
    for (const { site, awaits: held } of [...byFn.values()].flat()) {
      if (held.length === 0) continue;
      const body = site.node.childForFieldName('body');
      // `for await` / `async for`: the keyword is among the loop's first tokens, so a header without the word has none.
      const header = body ? ctx.text.slice(site.node.startIndex, body.startIndex) : null;
      if ((header === null || header.includes('await') || header.includes('async')) && (hasToken(site.node, 'await') || hasToken(site.node, 'async'))) continue;
      const bodyEnd = body ? endOf(body) : 0;
      const awaits = body ? held.filter((a) => body.startIndex <= a.startIndex && endOf(a) <= bodyEnd) : [];
      if (!body || awaits.length === 0) continue;
      if (sequential(ctx, site, body, awaits)) continue;
      const first = awaits[0];
      const op = awaited(first);
      const isCall = op && (op.type === 'call' || op.type === 'call_expression');
      const name = isCall ? ctx.callee(op, site.fn) : undefined;
      const calleeText = isCall ? calleeOf(op)?.text : undefined;
      const label = name ?? (calleeText && calleeText.length <= 40 ? calleeText : undefined);
      const what = label ? code(`await ${label}()`) : code('await');
      const kind = site.node.type === 'do_statement' ? 'do…while' : site.node.type === 'while_statement' ? 'while' : 'for';
      const instead = ctx.family === 'python'
        ? 'start them together with `await asyncio.gather(*(…))` or in an `asyncio.TaskGroup`'
        : 'start them together with `await Promise.all(items.map(async (item) => …))`';
      ctx.report({
        node: first,
        name,
        message: `${what} inside a ${code(kind)} loop: each iteration waits for the previous one, so the operations run one at a time `
          + `although none of them uses another's result. If the order does not matter, ${instead}.`,
      });
    }
  },
};
