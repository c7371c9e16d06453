/**
 * await-in-loop: an `await` in a for body (of the loop's own function) of per-item work that
 * could run together with the other iterations'. Reported only when everything the loop shows
 * says its iterations are independent; each exclusion below is named so the bench can count
 * what it removes. Never for `for await` / `async for`. Reported once per loop.
 */
import type { Node } from '../parser';
import type { FnInfo, Site } from '../fileindex';
import type { Rule, RuleContext } from '../rule';
import { code } from '../rule';
import doc from '../../../../docs/rules/await-in-loop.md';

/** Why a loop whose body awaits is left alone; each is one check of `excluded`. */
export const EXCLUSIONS = [
  /** no awaited operation depends on the loop variable (or on something derived from it) */
  'not-per-item',
  /** `await t` of a task/promise already started, or an await of a group already run together */
  'already-running',
  /** an await on the same stream, socket, file, queue, database session or lock each time */
  'same-receiver',
  /** a `return` or `break` that depends on an awaited result: a search */
  'stops-on-result',
  /** a try around the await that retries or backs off */
  'retry',
  /** `for step in steps: await step()`: a list of steps, run in order */
  'step-callables',
  /** a value an iteration writes and the next reads, a `yield`, a condition that changes, a sleep */
  'carried-state',
] as const;
export type Exclusion = (typeof EXCLUSIONS)[number];

/** Internal: the bench turns exclusions off one at a time to count what each removes. */
export const awaitInLoopOptions: { disabled: Set<Exclusion> } = { disabled: new Set() };

const ASSIGNMENTS = ['variable_declarator', 'assignment_expression', 'augmented_assignment_expression', 'assignment', 'augmented_assignment'];
const BODY_TYPES_WANTED = ['break_statement', 'return_statement', 'yield_expression', 'yield', 'try_statement', ...ASSIGNMENTS, 'update_expression'];
const SLEEPS = new Set(['asyncio.sleep', 'timers/promises.setTimeout', 'timers/promises.scheduler.wait', 'Promise', 'trio.sleep', 'anyio.sleep']);
const SLEEPY_NAME = /(sleep|delay|wait|pause|throttle|backoff)\w*$/i;
/** Awaiting these awaits operations that already run together: batching on purpose. */
const GROUPS = new Set([
  'asyncio.gather', 'asyncio.wait', 'asyncio.as_completed', 'asyncio.shield', 'Promise.all', 'Promise.allSettled', 'Promise.race', 'Promise.any',
]);
/** Receivers that take one operation at a time: streams, sockets, files, queues, DB sessions, locks. */
const ORDERED_RECEIVER = /^(?:\w*(?:writer|reader|stream|socket|sock|websocket|ws|conn|connection|cnx|db|database|tx|trx|transaction|session|cursor|queryrunner|manager|queue|lock|mutex|semaphore|channel|pipe|file|fh|fp|sink|port|serial)|q|em|cur|out|sem|chan|redis|pool)$/i;
/** Methods that, called on the same receiver each time, write or read a stream in order. */
const ORDERED_METHODS = new Set([
  'write', 'writelines', 'drain', 'send', 'sendall', 'send_bytes', 'send_text', 'send_json', 'send_str', 'sendto', 'flush',
  'read', 'readline', 'readexactly', 'readuntil', 'recv', 'receive', 'receive_json', 'receive_text', 'receive_bytes',
  'put', 'acquire', 'commit', 'rollback', 'executemany', 'sendMessage', 'writeFile',
]);
const RETRY_NAME = /^_*(attempt|attempts|retry|retries|tries|try_?num|n_?tries|n_?retries)\w*$/i;
const ORDERED_TYPES = /(?:^|\.)(?:Queue|LifoQueue|PriorityQueue|StreamWriter|StreamReader|Lock|Semaphore|BoundedSemaphore|Condition|Event|WebSocket\w*|Connection|Cursor|Session|AsyncSession|Transaction)\.\w+$/;

function hasToken(node: Node, token: string): boolean {
  for (let i = 0; i < node.childCount && i < 3; i++) if (node.child(i)?.type === token) return true;
  return false;
}

function identifiers(node: Node): Node[] {
  const ids = node.type === 'identifier' ? [node] : node.descendantsOfType('identifier');
  return ids.filter((n): n is Node => n !== null);
}

/** Names a node reads: its identifiers less `obj.attr`'s attribute and `f(key=…)`'s key (Python spells both as identifiers). */
function reads(node: Node): Node[] {
  return identifiers(node).filter((id) => {
    const parent = id.parent;
    if (!parent) return true;
    if (parent.type === 'attribute') return !parent.childForFieldName('attribute')?.equals(id);
    if (parent.type === 'keyword_argument') return !parent.childForFieldName('name')?.equals(id);
    return true;
  });
}

/** The awaited operation: `await x` -> x, through parentheses. */
function awaited(a: Node): Node | null {
  let n = a.namedChild(0);
  while (n?.type === 'parenthesized_expression') n = n.namedChild(0);
  return n;
}

function isCall(n: Node | null): n is Node {
  return n?.type === 'call' || n?.type === 'call_expression' || n?.type === 'new_expression';
}

function calleeOf(call: Node): Node | null {
  return call.childForFieldName(call.type === 'new_expression' ? 'constructor' : 'function');
}

/** An assignment's target names and its value (`type` is the node's, already read: each read is a call into wasm). */
function assignment(node: Node, type: string): { names: string[]; target: Node | null; value: Node | null } {
  const target = node.childForFieldName(type === 'variable_declarator' ? 'name' : 'left');
  const targetType = target?.type;
  // `a[i] = …`, `obj.x = …` rebind no name.
  const rebinds = target && !['member_expression', 'subscript_expression', 'attribute', 'subscript'].includes(targetType!);
  // An identifier has no children: no need to ask the tree for its descendants.
  const targets = !rebinds ? [] : targetType === 'identifier' ? [target]
    : [target, ...target.descendantsOfType(['identifier', 'shorthand_property_identifier_pattern'])]
      .filter((t): t is Node => t !== null && (t.type === 'identifier' || t.type === 'shorthand_property_identifier_pattern'));
  return { names: targets.map((t) => t.text), target, value: node.childForFieldName(type === 'variable_declarator' ? 'value' : 'right') };
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
    BODY_TYPES.set(language, (types = BODY_TYPES_WANTED.filter((t) => known.has(t))));
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

/** The names a loop binds afresh for each iteration: `for x in …`, `for (const [k, v] of …)`, `for (let i = 0; …; i++)`. */
function loopVariables(loop: Node, family: RuleContext['family']): string[] {
  const type = loop.type;
  if (type === 'for_in_statement' || (family === 'python' && type === 'for_statement')) {
    const left = loop.childForFieldName('left');
    return left ? identifiers(left).map((n) => n.text) : [];
  }
  if (type === 'for_statement') {
    const init = loop.childForFieldName('initializer');
    const names = new Set<string>();
    if (init) {
      for (const d of init.descendantsOfType(['variable_declarator', 'assignment_expression'])) {
        const target = d?.childForFieldName(d.type === 'variable_declarator' ? 'name' : 'left');
        if (target) for (const id of identifiers(target)) names.add(id.text);
      }
    }
    const step = loop.childForFieldName('increment');
    if (step) for (const id of identifiers(step)) names.add(id.text);
    return [...names];
  }
  return []; // a while loop runs until something changes, not over items
}

interface Verdict {
  /** the exclusion that applies, or undefined when the loop is reported */
  excluded?: Exclusion;
  /** the reported await and the per-item names it uses */
  await?: Node;
  uses?: string[];
}

/** Decides whether a loop's awaits are independent per-item work; `off` are the exclusions not to apply. */
function judge(ctx: RuleContext, loop: Site, body: Node, awaits: Node[], off: Set<Exclusion>): Verdict {
  const on = (e: Exclusion) => !off.has(e);
  const text = ctx.text;

  // One walk of the body for everything below; what sits in a nested function is not the loop's.
  const nested = nestedFns(ctx, body);
  const owned = (n: Node | null): n is Node => n !== null && (nested.length === 0 || !nested.some((f) => f.startIndex <= n.startIndex && n.endIndex <= f.endIndex));
  const found = body.descendantsOfType(bodyTypes(body)).filter(owned).map((node) => ({ node, type: node.type }));
  const assigns = found.filter((f) => ASSIGNMENTS.includes(f.type))
    .map((f) => ({ node: f.node, type: f.type, compound: f.type.startsWith('augmented'), ...assignment(f.node, f.type) }));
  const awaitEnds = awaits.map((a) => a.endIndex);
  const inAwaits = (n: Node) => {
    const end = n.endIndex;
    return awaits.some((a, i) => a.startIndex >= n.startIndex && awaitEnds[i] <= end);
  };
  const has = (n: Node, names: Set<string>) => {
    if (names.size === 0) return false;
    // Listing a node's identifiers is a costly call into wasm; a node whose text holds none of the names has none to find.
    const slice = text.slice(n.startIndex, n.endIndex);
    if (![...names].some((t) => slice.includes(t))) return false;
    return reads(n).some((id) => names.has(id.text));
  };
  // A fixpoint over the body's assignments: the names whose value comes (maybe indirectly) from `seed` or from `from(value)`.
  const derive = (seed: Iterable<string>, from: (value: Node) => boolean) => {
    const out = new Set(seed);
    for (let changed = true; changed;) {
      changed = false;
      for (const a of assigns) {
        if (!a.value || a.names.every((t) => out.has(t))) continue;
        if (!from(a.value) && !has(a.value, out)) continue;
        for (const t of a.names) if (!out.has(t)) { out.add(t); changed = true; }
      }
    }
    return out;
  };

  // Per-item work: an awaited operation that reads the loop variable or a value derived from it in the iteration.
  const loopVars = loopVariables(loop.node, ctx.family);
  const perItem = derive(loopVars, () => false);
  const fromAwait = derive([], inAwaits);

  // Loop-wide: the iterations are ordered by nature.
  if (on('carried-state')) {
    if (found.some((f) => f.type === 'yield' || f.type === 'yield_expression')) return { excluded: 'carried-state' };
    // Pacing on purpose: `await sleep(…)`, `await new Promise(r => setTimeout(r, 100))`.
    for (const a of awaits) {
      const op = awaited(a);
      if (!isCall(op)) continue;
      const name = ctx.callee(op, loop.fn);
      if (name && SLEEPS.has(name)) return { excluded: 'carried-state' };
      const path = op.type === 'new_expression' ? null : ctx.names.calleePath(op);
      if (SLEEPY_NAME.test(path ? path.join('.') : (calleeOf(op)?.text ?? ''))) return { excluded: 'carried-state' };
    }
    // A while/for condition that reads what the body writes, or calls something, changes with the iterations.
    if (loop.node.type !== 'for_in_statement' && !(ctx.family === 'python' && loop.node.type === 'for_statement')) {
      const condition = loop.node.childForFieldName('condition');
      const written = new Set(assigns.flatMap((a) => a.names));
      for (const u of found) if (u.type === 'update_expression') for (const t of identifiers(u.node)) written.add(t.text);
      if (loop.node.type !== 'for_statement') {
        if (!condition || /^\(?\s*(true|True|1)\s*\)?;?$/.test(condition.text)) return { excluded: 'carried-state' };
        if (condition.descendantsOfType(['call', 'call_expression']).length > 0) return { excluded: 'carried-state' };
      }
      if (condition && identifiers(condition).some((id) => written.has(id.text) && !loopVars.includes(id.text))) return { excluded: 'carried-state' };
    }
    // A name the body sets (not by a counter's `+=`/`++`, not a fresh `const`/`let`) and reads before setting
    // it: the next iteration reads what this one wrote (`cursor = (await page(cursor)).next`).
    const carried = assigns.filter((a) => a.names.length > 0 && !(a.compound && !(a.value && inAwaits(a.value)))
      && !(a.type === 'variable_declarator' && a.node.parent?.type === 'lexical_declaration'));
    let bodyReads: Node[] | undefined;
    for (const a of carried) {
      for (const name of a.names) {
        if (loopVars.includes(name)) continue;
        const firstWrite = Math.min(...carried.filter((c) => c.names.includes(name)).map((c) => c.node.endIndex));
        const target = a.target;
        const readFirst = (bodyReads ??= reads(body)).some((id) => id.text === name && id.startIndex < firstWrite && owned(id)
          && !(target && id.startIndex >= target.startIndex && id.endIndex <= target.endIndex));
        if (readFirst) return { excluded: 'carried-state' };
      }
    }
  }

  const tries = found.filter((f) => f.type === 'try_statement').map((f) => f.node);
  if (on('retry')) {
    if (loopVars.some((v) => RETRY_NAME.test(v))) return { excluded: 'retry' };
    for (const t of tries) {
      if (!awaits.some((a) => t.startIndex <= a.startIndex && a.endIndex <= t.endIndex)) continue;
      // Leaving on success (`return await op()` / `break`) and looping again on failure is a retry.
      const leaves = found.some((f) => (f.type === 'break_statement' || f.type === 'return_statement')
        && t.startIndex <= f.node.startIndex && f.node.endIndex <= t.endIndex);
      const handlers = t.descendantsOfType(['except_clause', 'catch_clause']).filter(owned);
      const again = handlers.some((h) => /(sleep|delay|backoff|retry|attempt)/i.test(text.slice(h.startIndex, h.endIndex)));
      if (leaves || again) return { excluded: 'retry' };
    }
  }

  if (on('stops-on-result')) {
    // A `return`/`break` that depends on an awaited value: the loop searches for the first hit.
    for (const f of found) {
      if (f.type !== 'break_statement' && f.type !== 'return_statement') continue;
      if (inAwaits(f.node) || has(f.node, fromAwait)) return { excluded: 'stops-on-result' };
      for (let p = f.node.parent; p && p.startIndex >= body.startIndex && !p.equals(body); p = p.parent) {
        const t = p.type;
        if (t !== 'if_statement' && t !== 'elif_clause' && t !== 'else_clause' && t !== 'while_statement') continue;
        const cond = p.childForFieldName('condition');
        if (cond && (inAwaits(cond) || has(cond, fromAwait))) return { excluded: 'stops-on-result' };
        if (t === 'else_clause') {
          // `if await ok(x): … else: break`: the condition sits on the `if` the else belongs to.
          const ifCond = p.parent?.childForFieldName('condition');
          if (ifCond && (inAwaits(ifCond) || has(ifCond, fromAwait))) return { excluded: 'stops-on-result' };
        }
      }
    }
  }

  if (on('same-receiver')) {
    // `async with lock:` around the body's work serialises it whatever the awaits are.
    if (ctx.family === 'python' && /async\s+with\s+[\w.]*(lock|mutex|sem|semaphore)\b/i.test(text.slice(body.startIndex, body.endIndex))) {
      return { excluded: 'same-receiver' };
    }
    for (const a of awaits) {
      const op = awaited(a);
      if (!isCall(op) || op.type === 'new_expression') continue;
      const callee = calleeOf(op);
      if (callee?.type !== 'attribute' && callee?.type !== 'member_expression') continue;
      const receiver = callee.childForFieldName('object');
      const method = callee.childForFieldName(callee.type === 'attribute' ? 'attribute' : 'property')?.text ?? '';
      if (!receiver || has(receiver, perItem)) continue; // a different object each iteration
      const last = /([A-Za-z_$][\w$]*)\W*$/.exec(receiver.text)?.[1]?.replace(/^[_$]+/, '') ?? '';
      const q = ctx.callee(op, loop.fn);
      if (ORDERED_RECEIVER.test(last) || ORDERED_METHODS.has(method) || (q && ORDERED_TYPES.test(q))) return { excluded: 'same-receiver' };
    }
  }

  // Per await: the first that is per-item work, on nothing already running, not a step of a list.
  const why = new Map<Exclusion, number>();
  for (const a of awaits) {
    const op = awaited(a);
    if (on('already-running')) {
      if (!isCall(op)) { why.set('already-running', 1); continue; }
      const q = ctx.callee(op, loop.fn);
      if (q && GROUPS.has(q)) { why.set('already-running', 1); continue; }
    }
    const callee = isCall(op) ? calleeOf(op) : null;
    if (on('step-callables') && callee) {
      // `await step()`, `await handlers[i](req)`, `await hook.fn(x)` where the callee comes from the loop.
      const head = callee.type === 'identifier' ? callee : callee.type === 'subscript' || callee.type === 'subscript_expression' ? callee : null;
      if (head && has(head, perItem)) { why.set('step-callables', 1); continue; }
    }
    const uses = loopVars.length === 0 && off.has('not-per-item') ? [] : op ? [...new Set(reads(op).map((id) => id.text).filter((t) => perItem.has(t)))] : [];
    if (uses.length === 0 && on('not-per-item')) { why.set('not-per-item', 1); continue; }
    return { await: a, uses };
  }
  return { excluded: [...why.keys()][0] ?? 'not-per-item' };
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
      const verdict = judge(ctx, site, body, awaits, awaitInLoopOptions.disabled);
      if (verdict.excluded || !verdict.await) continue;
      const first = verdict.await;
      const op = awaited(first);
      const call = op && (op.type === 'call' || op.type === 'call_expression') ? op : null;
      const name = call ? ctx.callee(call, site.fn) : undefined;
      const calleeText = call ? calleeOf(call)?.text : undefined;
      const label = name ?? (calleeText && calleeText.length <= 40 ? calleeText : undefined);
      const what = label ? code(`await ${label}()`) : code('await');
      const kind = site.node.type === 'while_statement' ? 'while' : site.node.type === 'do_statement' ? 'do…while' : 'for';
      const own = verdict.uses && verdict.uses.length > 0
        ? `each iteration awaits work on its own ${verdict.uses.map(code).join(', ')}`
        : 'each iteration awaits its own work';
      const instead = ctx.family === 'python'
        ? 'start them together with `await asyncio.gather(*(…))` or in an `asyncio.TaskGroup`'
        : 'start them together with `await Promise.all(items.map(async (item) => …))`';
      ctx.report({
        node: first,
        name,
        message: `${what} inside a ${code(kind)} loop: ${own}, and nothing in the loop reads what an earlier iteration produced, `
          + 'stops on a result, retries, or goes through one stream, queue, session or lock, so the iterations look independent; '
          + `yet they run one at a time. If the order does not matter, ${instead}.`,
      });
    }
  },
};
