/**
 * Small Python helpers shared by the Python-only rules: the facts about each call they filter
 * on (read once per call, from the text where it can: every node access crosses into wasm), and which
 * expressions are threads or processes (including instances of the file's own subclasses of
 * `Thread`/`Process`, which name resolution alone does not know).
 */
import type { Node } from '../parser';
import type { FnInfo, Site } from '../fileindex';
import type { RuleContext } from '../rule';

/**
 * What the Python rules read about a call: its callee's last name, whether it is a bare name,
 * its receiver. A callee spelled as a plain dotted name (`loop.create_task(`) is read from the
 * source text at the call's start, with no tree access; anything else from the tree, lazily.
 */
export class PyCall {
  readonly node: Node;
  readonly fn: FnInfo | null;
  /** `loop.create_task` as ['loop', 'create_task'], when the callee is a plain dotted name */
  private readonly path: string[] | null;
  private calleeNode: Node | null | undefined;
  private receiverNode: Node | null | undefined;

  constructor(private readonly ctx: RuleContext, site: Site) {
    this.node = site.node;
    this.fn = site.fn;
    this.path = ctx.names.spelledCallee(site.node, ctx.text);
  }

  get callee(): Node | null {
    if (this.calleeNode === undefined) this.calleeNode = this.node.childForFieldName('function');
    return this.calleeNode;
  }

  /** the callee's last name: `f` in `f(...)`, `create_task` in `loop.create_task(...)` */
  get last(): string | null {
    if (this.path) return this.path[this.path.length - 1];
    const callee = this.callee;
    if (callee?.type === 'identifier') return callee.text;
    return callee?.type === 'attribute' ? (callee.childForFieldName('attribute')?.text ?? null) : null;
  }

  /** the callee is a bare name (`f(...)`), which may be an alias of anything */
  get bare(): boolean {
    return this.path ? this.path.length === 1 : this.callee?.type === 'identifier';
  }

  /** `obj` in `obj.method(...)` */
  get receiver(): Node | null {
    if (this.receiverNode === undefined) {
      const callee = this.callee;
      this.receiverNode = callee?.type === 'attribute' ? callee.childForFieldName('object') : null;
    }
    return this.receiverNode;
  }

  /**
   * The qualified callee, looked up only when it can be one of `wanted` (see `lastNames`):
   * a bare name may be an alias of anything, but an attribute call keeps its method's name.
   */
  qualifiedIf(wanted: ReadonlySet<string>): string | undefined {
    const last = this.last;
    if (!last || (!this.bare && !wanted.has(last))) return undefined;
    // through qualifyCallee: one answer per call for every rule, declared receiver types included
    return this.ctx.names.qualifyCallee(this.node, this.fn);
  }
}

const CALLS = new WeakMap<Site, PyCall>();

/** The call of an index site, made once however many rules ask; ask after the cheap filters. */
export function pyCall(ctx: RuleContext, site: Site): PyCall {
  let call = CALLS.get(site);
  if (call) return call;
  call = new PyCall(ctx, site);
  CALLS.set(site, call);
  return call;
}

/** The last segments of qualified names: what `qualifiedIf` filters attribute calls by. */
export function lastNames(qualified: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const q of qualified) out.add(q.slice(q.lastIndexOf('.') + 1));
  return out;
}

/** How messages show a call's callee: `aio.get_event_loop().create_task`, inner arguments elided. */
export function calleeLabel(call: Node): string {
  const label = (node: Node | null): string => {
    if (!node) return '?';
    if (node.type === 'call') {
      const args = node.childForFieldName('arguments');
      return label(node.childForFieldName('function')) + (args && args.namedChildCount > 0 ? '(...)' : '()');
    }
    if (node.type === 'attribute') return `${label(node.childForFieldName('object'))}.${node.childForFieldName('attribute')?.text ?? '?'}`;
    return node.text;
  };
  return label(call.childForFieldName('function'));
}

export type WorkerKind = 'thread' | 'process';

const WORKER_TYPES: Record<string, WorkerKind> = {
  'threading.Thread': 'thread',
  'multiprocessing.Process': 'process',
  'multiprocessing.context.Process': 'process',
  'multiprocessing.process.BaseProcess': 'process',
};

/** Threads and processes of a file: the standard classes and the file's subclasses of them. */
export class Workers {
  /** the file's classes that subclass Thread or Process, by name */
  private subclasses = new Map<string, WorkerKind>();
  /** `w = MyThread(...)`: locals bound to an instance of one of those subclasses, per scope */
  private locals = new Map<FnInfo | null, Map<string, WorkerKind>>();

  constructor(private readonly ctx: RuleContext) {
    // Classes come in source order, so a subclass of a subclass defined above resolves too.
    for (const { node, fn } of ctx.index.classes) {
      const name = node.childForFieldName('name')?.text;
      const bases = node.childForFieldName('superclasses');
      if (!name || !bases) continue;
      for (const base of bases.namedChildren) {
        const kind = base && this.kindOf(base, fn);
        if (kind) this.subclasses.set(name, kind);
      }
    }
  }

  /** `w = MyThread(...)` in this scope: its locals bound to an instance of a file subclass, read on first use. */
  private localsOf(scope: FnInfo | null): Map<string, WorkerKind> {
    let locals = this.locals.get(scope);
    if (locals) return locals;
    this.locals.set(scope, (locals = new Map()));
    if (this.subclasses.size === 0) return locals;
    for (const { node, fn, local } of this.ctx.index.binds) {
      if (fn !== scope || local || node.type !== 'identifier') continue;
      const parent = node.parent;
      if (parent?.type !== 'assignment') continue;
      const value = parent.childForFieldName('right');
      const kind = value?.type === 'call' ? this.subclassCall(value, fn) : undefined;
      if (kind) locals.set(node.text, kind);
    }
    return locals;
  }

  /** Is this expression (a class, a constructor call or a variable) a thread or a process? */
  kindOf(node: Node, fn: FnInfo | null): WorkerKind | undefined {
    const q = this.ctx.names.qualify(node, fn);
    if (q && WORKER_TYPES[q]) return WORKER_TYPES[q];
    if (node.type === 'call') return this.subclassCall(node, fn);
    if (node.type !== 'identifier' || this.ctx.names.lookup(node.text, fn)?.kind !== 'local') return undefined;
    const own = this.subclasses.get(node.text);
    if (own) return own;
    for (let scope: FnInfo | null = fn; ; scope = scope.parent) {
      const kind = this.localsOf(scope).get(node.text);
      if (kind || scope === null) return kind;
    }
  }

  /** `MyProcess(...)`: a call of one of the file's Thread/Process subclasses. */
  private subclassCall(call: Node, fn: FnInfo | null): WorkerKind | undefined {
    const callee = call.childForFieldName('function');
    if (callee?.type !== 'identifier') return undefined;
    const kind = this.subclasses.get(callee.text);
    return kind && this.ctx.names.lookup(callee.text, fn)?.kind === 'local' ? kind : undefined;
  }
}
