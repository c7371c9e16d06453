/**
 * gil-bound-threads: a pure-Python CPU-bound function of the file (loops or recursion and
 * arithmetic; no I/O and no call that releases the GIL) handed to threads: submitted to a
 * `ThreadPoolExecutor`/`ThreadPool`, given as a `threading.Thread` target, or sent to a thread by
 * `asyncio.to_thread` / `loop.run_in_executor`. The GIL lets one
 * thread run Python code at a time, so the threads take turns on one core.
 */
import type { Node } from '../parser';
import type { FnInfo, Site } from '../fileindex';
import type { Rule, RuleContext } from '../rule';
import { code } from '../rule';
import { Workers, pyCall, calleeLabel, lastNames } from './python-helpers';
import doc from '../../../../docs/rules/gil-bound-threads.md';

const POOL_METHODS = ['map', 'imap', 'imap_unordered', 'map_async', 'apply', 'apply_async', 'starmap', 'starmap_async'];

/** Calls that run a function on threads; the function is the first positional argument. */
const THREAD_SUBMITTERS = new Set([
  'concurrent.futures.ThreadPoolExecutor.submit', 'concurrent.futures.ThreadPoolExecutor.map',
  ...POOL_METHODS.map((m) => `multiprocessing.pool.ThreadPool.${m}`),
  ...POOL_METHODS.map((m) => `multiprocessing.dummy.Pool.${m}`),
]);
/** asyncio's ways onto a thread: `to_thread(f)` and `loop.run_in_executor(None or a thread pool, f)`. */
const TO_THREAD = 'asyncio.to_thread';
const RUN_IN_EXECUTOR = 'asyncio.AbstractEventLoop.run_in_executor';
const SUBMITTER_NAMES = lastNames([...THREAD_SUBMITTERS, 'threading.Thread', TO_THREAD, RUN_IN_EXECUTOR]);

/** Builtins that compute without I/O and hold the GIL throughout. */
const PURE_BUILTINS = new Set([
  'abs', 'all', 'any', 'bin', 'bool', 'chr', 'divmod', 'enumerate', 'filter', 'float', 'hash', 'hex', 'int',
  'isinstance', 'iter', 'len', 'list', 'dict', 'set', 'frozenset', 'tuple', 'map', 'max', 'min', 'next', 'oct',
  'ord', 'pow', 'range', 'reversed', 'round', 'sorted', 'str', 'sum', 'zip', 'complex',
]);

/** Pure-Python (or GIL-holding) computation modules; anything else may do I/O or release the GIL. */
const PURE_MODULES = new Set([
  'math', 'cmath', 'itertools', 'functools', 'operator', 'random', 'statistics', 'fractions', 'decimal',
  'collections', 'heapq', 'bisect', 'string',
]);

const ARITHMETIC = ['binary_operator', 'augmented_assignment'];

export const gilBoundThreads: Rule = {
  id: 'gil-bound-threads',
  families: ['python'],
  defaultSeverity: 'information',
  doc,
  check(ctx) {
    let judge: CpuJudge | undefined;
    let workers: Workers | undefined;
    // Every thread API it knows is spelled with one of these, even through an alias's import.
    if (!ctx.text.includes('Thread') && !ctx.text.includes('multiprocessing.dummy') && !ctx.text.includes('to_thread') && !ctx.text.includes('run_in_executor')) return;
    const classNames = new Set(ctx.index.classes.map((c) => c.node.childForFieldName('name')?.text));
    for (const site of ctx.index.calls) {
      const call = pyCall(ctx, site);
      const submitter = call.qualifiedIf(SUBMITTER_NAMES);
      let target: Node | null | undefined;
      if (submitter && (THREAD_SUBMITTERS.has(submitter) || submitter === TO_THREAD)) {
        target = positional(call.node, 0);
      } else if (submitter === RUN_IN_EXECUTOR) {
        // None is the loop's default executor, a thread pool; a process pool is the right choice.
        const executor = positional(call.node, 0);
        const kind = executor?.type === 'none' ? 'default' : executor ? ctx.names.qualify(executor, call.fn) : undefined;
        if (kind !== 'default' && kind !== 'concurrent.futures.ThreadPoolExecutor') continue;
        target = positional(call.node, 1);
      } else if (submitter === 'threading.Thread' || (call.last && classNames.has(call.last))) {
        // The file's own Thread subclasses qualify as nothing: Workers knows them.
        target = keyword(call.node, 'target');
        if (!target) continue;
        workers ??= new Workers(ctx);
        if (workers.kindOf(call.node, call.fn) !== 'thread') continue;
      } else {
        continue;
      }
      if (target?.type !== 'identifier') continue;
      const fn = ctx.names.resolveFunction(target.text, call.fn);
      judge ??= new CpuJudge(ctx);
      if (!fn || !judge.cpuBound(fn)) continue;
      const via = code(calleeLabel(call.node) + '()');
      ctx.report({
        node: call.node,
        name: target.text,
        message: `${code(target.text + '()')} is pure-Python CPU-bound code (loops and arithmetic, no I/O) run on threads by ${via}: `
          + 'the GIL lets one thread run Python code at a time, so these threads take turns on one core; '
          + 'processes (`ProcessPoolExecutor`, `multiprocessing`) would run it in parallel.',
      });
    }
  },
};

function positional(call: Node, n: number): Node | null {
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a) => a && a.type !== 'keyword_argument' && a.type !== 'comment');
  return args?.[n] ?? null;
}

function keyword(call: Node, name: string): Node | null {
  for (const arg of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (arg?.type === 'keyword_argument' && arg.childForFieldName('name')?.text === name) return arg.childForFieldName('value');
  }
  return null;
}

/** Decides, with memory, whether a function of the file is pure-Python CPU-bound work. */
class CpuJudge {
  private callsByFn = new Map<FnInfo, Site[]>();
  private loopsIn = new Set<FnInfo>();
  private classNames = new Set<string>();
  private pure = new Map<FnInfo, boolean>();
  private heavy = new Map<FnInfo, boolean>();

  constructor(private readonly ctx: RuleContext) {
    for (const site of ctx.index.calls) {
      if (!site.fn) continue;
      const list = this.callsByFn.get(site.fn) ?? [];
      list.push(site);
      this.callsByFn.set(site.fn, list);
    }
    for (const loop of ctx.index.loops) if (loop.fn) this.loopsIn.add(loop.fn);
    for (const c of ctx.index.classes) {
      const name = c.node.childForFieldName('name')?.text;
      if (name) this.classNames.add(name);
    }
  }

  cpuBound(fn: FnInfo): boolean {
    return !fn.isAsync && this.isPure(fn) && this.isHeavy(fn);
  }

  /** No call that does I/O, releases the GIL or is unknown, through the file's own functions. */
  private isPure(fn: FnInfo): boolean {
    const known = this.pure.get(fn);
    if (known !== undefined) return known;
    this.pure.set(fn, true); // recursion: assume pure while looking
    const result = (this.callsByFn.get(fn) ?? []).every((site) => this.pureCall(site));
    this.pure.set(fn, result);
    return result;
  }

  private pureCall(site: Site): boolean {
    const callee = site.node.childForFieldName('function');
    if (callee?.type === 'identifier') {
      const own = this.ctx.names.resolveFunction(callee.text, site.fn);
      if (own) return !own.isAsync && this.isPure(own);
      const binding = this.ctx.names.lookup(callee.text, site.fn);
      if (binding?.kind === 'local') return this.classNames.has(callee.text);
    }
    const q = this.ctx.callee(site.node, site.fn);
    // A method of a local value (`out.append`, `d.get`): plain object work.
    if (!q) return callee?.type === 'attribute';
    if (!q.includes('.')) return PURE_BUILTINS.has(q);
    return PURE_MODULES.has(q.split('.')[0]);
  }

  /** Loops (or recursion) with arithmetic, here or in a function of the file it calls. */
  private isHeavy(fn: FnInfo): boolean {
    const known = this.heavy.get(fn);
    if (known !== undefined) return known;
    this.heavy.set(fn, false);
    let result = false;
    const calls = this.callsByFn.get(fn) ?? [];
    const recursive = calls.some((s) => this.calledFunction(s) === fn);
    if ((this.loopsIn.has(fn) || recursive) && hasArithmetic(fn.node)) result = true;
    else result = calls.some((s) => {
      const own = this.calledFunction(s);
      return own !== undefined && own !== fn && this.isHeavy(own);
    });
    this.heavy.set(fn, result);
    return result;
  }

  private calledFunction(site: Site): FnInfo | undefined {
    const callee = site.node.childForFieldName('function');
    return callee?.type === 'identifier' ? this.ctx.names.resolveFunction(callee.text, site.fn) : undefined;
  }
}

function hasArithmetic(fnNode: Node): boolean {
  const body = fnNode.childForFieldName('body');
  return !!body && body.descendantsOfType(ARITHMETIC).length > 0;
}
