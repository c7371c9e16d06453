/**
 * Declared-type resolution, one engine for both families: the type of an expression from what the
 * code declares (annotations of parameters, variables, fields and returns; constructors; `await`
 * unwrapping; `this`/`self`; `super`; element types of loops; `const x = f()` taking f's declared or
 * evident return type), across files through the project index. Where it cannot know it answers
 * undefined, and the rules then say nothing: precision first.
 */
import type { Node } from '../parser';
import type { FnInfo, FileIndex } from '../fileindex';
import type { Names } from '../names';
import type { FnFact } from './summary';
import type { Related } from '../types';
import { ProjectIndex, type Sym } from './project';
import { parseType, lastSegment, PROMISE_TYPES, ELEMENT_TYPES, type TypeExpr } from './typeexpr';
import { runsWhenCalled } from '../rules/lib/functions';

type ClassSym = Extract<Sym, { kind: 'class' }>;

export type Type =
  | { kind: 'instance'; cls: ClassSym }
  /** an instance of a library type, qualified (`pathlib.Path`, `asyncio.Queue`) */
  | { kind: 'lib'; name: string }
  | { kind: 'promise'; of?: Type }
  | { kind: 'array'; of?: Type }
  /** the class, function or module itself, not a value made by it */
  | { kind: 'sym'; sym: Sym }
  /** `super()` / `super`: members are looked up from the bases of `cls` */
  | { kind: 'super'; cls: ClassSym }
  /** a function of this file, by its node */
  | { kind: 'localfn'; fn: FnInfo };

/** A function or method that a call runs, where it is declared. */
export interface CallTarget {
  fact: FnFact;
  file: string;
  /** `Repo.load`, `load` */
  label: string;
  /** the value of a call: a promise / coroutine when it is one */
  result?: Type;
  /** the class that declares the method, for its own `self.m()` calls */
  owner?: ClassSym;
}

/** A chain of sync calls across files that ends in a blocking call. */
export interface BlockingChain {
  /** each link: what is called, where the call is */
  links: { label: string; file: string; line: number }[];
  /** the blocking call's qualified name */
  name: string;
  instead: string;
}

const MAX_DEPTH = 24;
/** Return annotations that mean "the receiver's class" */
const SELF_TYPES = new Set(['this', 'Self', 'typing.Self', 'typing_extensions.Self']);

export class TypeResolver {
  private memo = new Map<number, Type | null>();
  private generation = -1;
  private depth = 0;

  constructor(
    readonly file: string,
    readonly project: ProjectIndex,
    private readonly names: Names,
    private readonly index: FileIndex,
  ) {}

  private get python(): boolean {
    return this.index.family === 'python';
  }

  // ------------------------------------------------------------ from declarations

  /** A type written in `file` (annotation text, or a summary's `new:C` / `call:f` / `await:…` value). */
  fromText(text: string, file: string): Type | undefined {
    if (text.startsWith('new:')) {
      const cls = this.project.classOf(this.project.resolveName(file, text.slice(4)));
      return cls ? { kind: 'instance', cls } : undefined;
    }
    if (text.startsWith('call:')) return this.callResult(this.project.resolveName(file, text.slice(5)));
    if (text.startsWith('await:')) return unwrap(this.fromText(text.slice(6), file));
    return this.fromExpr(parseType(text), file);
  }

  private fromExpr(t: TypeExpr, file: string, depth = 0): Type | undefined {
    if (depth > 8) return undefined;
    if (t.kind === 'unknown') return undefined;
    if (t.kind === 'array') return { kind: 'array', of: this.fromExpr(t.elem, file, depth + 1) };
    const last = lastSegment(t.name);
    const promised = PROMISE_TYPES.get(last);
    if (promised && t.args.length > 0) return { kind: 'promise', of: this.fromExpr(promised(t.args), file, depth + 1) };
    if (promised) return { kind: 'promise' };
    if (ELEMENT_TYPES.has(last) && t.args.length > 0) return { kind: 'array', of: this.fromExpr(t.args[0], file, depth + 1) };
    const sym = this.project.resolveName(file, t.name);
    if (!sym) return undefined;
    if (sym.kind === 'alias') return this.depth < MAX_DEPTH ? this.guard(() => this.fromText(sym.type, sym.file)) : undefined;
    const cls = this.project.classOf(sym);
    if (cls) return { kind: 'instance', cls };
    if (sym.kind === 'lib') return { kind: 'lib', name: sym.name };
    return undefined;
  }

  /** A field's declared type or value; `self._a = self._make()` / `this.a = this.make()` ask the class itself. */
  private fieldType(text: string, owner: ClassSym): Type | undefined {
    const own = /^(?:call|await):(?:self|this)\.([A-Za-z_$][\w$]*)$/.exec(text) ?? /^await:call:(?:self|this)\.([A-Za-z_$][\w$]*)$/.exec(text);
    if (!own) return this.fromText(text, owner.file);
    const found = this.project.member(owner, own[1]);
    if (!found?.method) return undefined;
    const result = this.returnOf(found.method, found.owner.file);
    return text.startsWith('await:') ? unwrap(result) : result;
  }

  /** What a call of this symbol gives: a class's instance, a function's declared (or async) result. */
  private callResult(sym: Sym | undefined): Type | undefined {
    if (!sym) return undefined;
    const cls = this.project.classOf(sym);
    if (cls) return { kind: 'instance', cls };
    if (sym.kind === 'function') return this.returnOf(sym.fact, sym.file);
    if (sym.kind === 'lib') return { kind: 'lib', name: sym.name };
    return undefined;
  }

  /** The value a call of a declared function or method gives. */
  returnOf(fact: FnFact, file: string): Type | undefined {
    if (fact.generator) return undefined;
    // `Promise<void> | void` (a base class letting subclasses choose): nothing says this one is async
    const maybeNothing = fact.returns !== undefined && /(^|\|)\s*(void|undefined)\s*(\||$)/.test(fact.returns);
    const declared = fact.returns && !maybeNothing ? this.guard(() => this.fromText(fact.returns!, file)) : undefined;
    if (fact.async) return declared?.kind === 'promise' ? declared : { kind: 'promise', of: declared };
    return declared;
  }

  private guard<T>(f: () => T | undefined): T | undefined {
    if (this.depth >= MAX_DEPTH) return undefined;
    this.depth++;
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  // ------------------------------------------------------------ expressions of this file

  /** The class whose method `fn` is (through closures in Python, arrow functions in JS), as a symbol. */
  private enclosingClass(fn: FnInfo | null): ClassSym | undefined {
    for (let f = fn; f; f = f.parent) {
      if (f.classNode) {
        const name = f.classNode.childForFieldName('name')?.text;
        return name ? this.project.classOf(this.project.lookupLocal(this.file, name)) : undefined;
      }
      if (!this.python && f.node.type !== 'arrow_function') return undefined;
    }
    return undefined;
  }

  typeOf(node: Node | null, fn: FnInfo | null): Type | undefined {
    if (!node) return undefined;
    if (this.generation !== this.project.generation) {
      // another file's declarations changed since these answers were cached
      this.memo.clear();
      this.memoFn.clear();
      this.generation = this.project.generation;
    }
    const key = node.id;
    if (this.memo.has(key) && fn === this.memoFn.get(key)) return this.memo.get(key) ?? undefined;
    const t = this.guard(() => this.compute(node, fn));
    this.memo.set(key, t ?? null);
    this.memoFn.set(key, fn);
    return t;
  }

  private memoFn = new Map<number, FnInfo | null>();

  private compute(node: Node, fn: FnInfo | null): Type | undefined {
    switch (node.type) {
      case 'parenthesized_expression':
      case 'non_null_expression':
      case 'satisfies_expression':
        return this.typeOf(node.namedChild(0), fn);
      case 'as_expression': {
        const t = node.namedChild(1);
        return t ? this.fromText(t.text, this.file) ?? this.typeOf(node.namedChild(0), fn) : undefined;
      }
      case 'await':
      case 'await_expression':
        return unwrap(this.typeOf(node.namedChild(0), fn));
      case 'this': {
        const cls = this.enclosingClass(fn);
        return cls ? { kind: 'instance', cls } : undefined;
      }
      case 'identifier':
        return this.identifier(node.text, fn, node);
      case 'member_expression':
      case 'attribute': {
        const obj = node.childForFieldName('object');
        const prop = node.childForFieldName(node.type === 'attribute' ? 'attribute' : 'property')?.text;
        if (!obj || !prop) return undefined;
        if (obj.type === 'super') {
          const cls = this.enclosingClass(fn);
          return cls ? this.memberType({ kind: 'super', cls }, prop) : undefined;
        }
        return this.memberType(this.typeOf(obj, fn), prop);
      }
      case 'subscript':
      case 'subscript_expression': {
        const t = this.typeOf(node.childForFieldName('value') ?? node.childForFieldName('object'), fn);
        if (t?.kind === 'array') return t.of;
        // `Repo[str]`: a generic class with its parameters is the class
        return t?.kind === 'sym' && this.project.classOf(t.sym) ? t : undefined;
      }
      case 'binary_operator': {
        // pathlib: `base / "name"` is a Path when `base` is one
        const left = this.typeOf(node.childForFieldName('left'), fn);
        const op = node.childForFieldName('operator')?.text;
        return op === '/' && left?.kind === 'lib' && /^pathlib\.(Pure)?(Posix|Windows)?Path$/.test(left.name) ? left : undefined;
      }
      case 'new_expression': {
        const ctor = node.childForFieldName('constructor');
        const t = this.typeOf(ctor, fn);
        if (t?.kind === 'sym') {
          const cls = this.project.classOf(t.sym);
          if (cls) return { kind: 'instance', cls };
          if (t.sym.kind === 'lib') return { kind: 'lib', name: t.sym.name };
        }
        return undefined;
      }
      case 'call':
      case 'call_expression': {
        const callee = node.childForFieldName('function');
        if (!callee) return undefined;
        if (this.python && callee.type === 'identifier' && callee.text === 'super') {
          const cls = this.enclosingClass(fn);
          return cls ? { kind: 'super', cls } : undefined;
        }
        return this.target(node, fn)?.result;
      }
      default:
        return undefined;
    }
  }

  private identifier(name: string, fn: FnInfo | null, use?: Node): Type | undefined {
    if (this.python && (name === 'self' || name === 'cls')) {
      const found = this.names.lookupWithScope(name, fn);
      // `self` is the instance only as a method's own first parameter (or a closure's view of it)
      if (!found || found.binding.kind === 'local' && !found.binding.value && !found.binding.declared && !found.binding.iter) {
        const cls = this.enclosingClass(fn);
        if (cls) return name === 'self' ? { kind: 'instance', cls } : { kind: 'sym', sym: cls };
      }
    }
    const found = this.names.lookupWithScope(name, fn);
    if (!found) {
      // bound nowhere in the file: a global of the language (`Promise`, `fetch`)
      return undefined;
    }
    const { binding: b, scope } = found;
    switch (b.kind) {
      case 'import': {
        const sym = this.project.lookupLocal(this.file, name);
        return sym ? this.symValue(sym) : undefined;
      }
      case 'instance': {
        const t = b.declared ? this.fromText(b.declared, this.file) : b.value ? this.typeOf(b.value, scope) : undefined;
        return t ?? { kind: 'lib', name: b.type };
      }
      case 'function':
        return { kind: 'localfn', fn: b.fn };
      case 'object': {
        const cname = b.cls.childForFieldName('name')?.text;
        const cls = cname ? this.project.classOf(this.project.lookupLocal(this.file, cname)) : undefined;
        return cls ? { kind: 'instance', cls } : undefined;
      }
      case 'local': {
        if (b.cls) {
          const cname = b.cls.childForFieldName('name')?.text;
          const cls = cname ? this.project.classOf(this.project.lookupLocal(this.file, cname)) : undefined;
          return cls ? { kind: 'sym', sym: cls } : undefined;
        }
        if (b.declared) return this.fromText(b.declared, this.file);
        if (b.value) return this.typeOf(b.value, scope);
        // one of several loops binding the name: the one whose body holds this use
        const iter = b.iter ?? (use ? b.loops?.find((it) => it.parent && it.parent.startIndex <= use.startIndex && use.endIndex <= it.parent.endIndex) : undefined);
        if (iter) {
          const t = this.typeOf(iter, scope);
          return t?.kind === 'array' ? t.of : undefined;
        }
        // a module-level name the summary knows (a relative import, a typed module variable)
        if (scope === null) {
          const sym = this.project.lookupLocal(this.file, name);
          return sym ? this.symValue(sym) : undefined;
        }
        return undefined;
      }
    }
  }

  /** The value a module-level symbol has when named in an expression. */
  private symValue(sym: Sym): Type | undefined {
    if (sym.kind === 'var') return this.guard(() => this.fromText(sym.type, sym.file));
    if (sym.kind === 'alias') return undefined;
    return { kind: 'sym', sym };
  }

  /** The type of `t.prop` (a field, a getter's result, a module's member). */
  private memberType(t: Type | undefined, prop: string): Type | undefined {
    if (!t) return undefined;
    if (t.kind === 'sym' && t.sym.kind === 'module') {
      const sym = this.project.moduleMember(t.sym.file, prop);
      return sym ? this.symValue(sym) : undefined;
    }
    if (t.kind === 'sym' && t.sym.kind === 'lib') return { kind: 'sym', sym: { kind: 'lib', name: `${t.sym.name}.${prop}` } };
    const found = this.memberOf(t, prop);
    if (!found) return undefined;
    if (found.field) return this.guard(() => this.fieldType(found.field!, found.owner));
    if (found.method?.getter) return this.returnOf(found.method, found.owner.file);
    return undefined;
  }

  private memberOf(t: Type, prop: string) {
    if (t.kind === 'instance') return this.project.member(t.cls, prop);
    if (t.kind === 'super') {
      for (const base of this.project.basesOf(t.cls)) {
        if (base.kind !== 'class') continue;
        const hit = this.project.member(base, prop);
        if (hit) return hit;
      }
      return undefined;
    }
    if (t.kind === 'sym') {
      const cls = this.project.classOf(t.sym);
      // static members and `Cls.method` references
      return cls ? this.project.member(cls, prop) : undefined;
    }
    return undefined;
  }

  /**
   * Can a call be one a rule asks about: `x.m()` only when some module declares a method or function
   * `m` of that kind (`awaitable`: async or declared to return an awaitable; `caller`: sync, making
   * calls). A cheap filter, read from the text where it can, before any resolution.
   */
  mayBe(call: Node, kind: 'awaitable' | 'caller'): boolean {
    const path = this.index.text !== undefined ? this.names.spelledCallee(call, this.index.text) : null;
    let last: string | undefined;
    let member: boolean;
    if (path) {
      last = path[path.length - 1];
      member = path.length > 1;
    } else {
      const callee = call.childForFieldName('function');
      member = callee?.type === 'member_expression' || callee?.type === 'attribute';
      last = member ? callee?.childForFieldName(callee.type === 'attribute' ? 'attribute' : 'property')?.text : callee?.text;
    }
    // a bare name may be an alias (`import { load as l }`): only members are filtered
    if (!member || !last) return true;
    return kind === 'awaitable' ? this.project.mayAwait(last) : this.project.mayCall(last);
  }

  /**
   * The declared function or method a call runs, when types say which: `repo.load()` with `repo: Repo`
   * (any file), `this.repo.load()`, `super().close()`, `models.load()`, an imported `load()`.
   */
  target(call: Node, fn: FnInfo | null): CallTarget | undefined {
    const callee = call.childForFieldName('function');
    if (!callee) return undefined;
    if (callee.type === 'identifier') {
      const t = this.typeOf(callee, fn);
      if (t?.kind === 'sym') {
        if (t.sym.kind === 'function') {
          return { fact: t.sym.fact, file: t.sym.file, label: t.sym.name, result: this.returnOf(t.sym.fact, t.sym.file) };
        }
        const cls = this.project.classOf(t.sym);
        if (cls && this.python) return { fact: { line: cls.fact.line, async: false, generator: false }, file: cls.file, label: cls.name, result: { kind: 'instance', cls } };
        if (t.sym.kind === 'lib') return undefined;
      }
      if (t?.kind === 'localfn') {
        const fact = localFact(t.fn);
        return { fact, file: this.file, label: t.fn.name ?? 'anonymous', result: this.returnOf(fact, this.file) };
      }
      return undefined;
    }
    if (callee.type === 'subscript' || callee.type === 'parenthesized_expression') {
      // `Repo[str](db)`: a generic class called with its parameters
      const t = this.typeOf(callee, fn);
      const cls = t?.kind === 'sym' ? this.project.classOf(t.sym) : undefined;
      return cls && this.python ? { fact: { line: cls.fact.line, async: false, generator: false }, file: cls.file, label: cls.name, result: { kind: 'instance', cls } } : undefined;
    }
    if (callee.type !== 'member_expression' && callee.type !== 'attribute') return undefined;
    const obj = callee.childForFieldName('object');
    const prop = callee.childForFieldName(callee.type === 'attribute' ? 'attribute' : 'property')?.text;
    if (!obj || !prop) return undefined;
    let recv: Type | undefined;
    if (obj.type === 'super') {
      const cls = this.enclosingClass(fn);
      recv = cls ? { kind: 'super', cls } : undefined;
    } else recv = this.typeOf(obj, fn);
    if (!recv) return undefined;
    if (recv.kind === 'sym' && recv.sym.kind === 'module') {
      const sym = this.project.moduleMember(recv.sym.file, prop);
      if (sym?.kind === 'function') return { fact: sym.fact, file: sym.file, label: sym.name, result: this.returnOf(sym.fact, sym.file) };
      const cls = this.project.classOf(sym);
      if (cls && this.python) return { fact: { line: cls.fact.line, async: false, generator: false }, file: cls.file, label: cls.name, result: { kind: 'instance', cls } };
      return undefined;
    }
    const found = this.memberOf(recv, prop);
    if (!found?.method || found.method.getter) {
      // a field holding a function type is not followed
      return undefined;
    }
    const method = found.method;
    let result: Type | undefined;
    if (method.returns && SELF_TYPES.has(method.returns.replace(/^['"]|['"]$/g, ''))) {
      // `limit(): this` / `-> Self`: the receiver's own class, which may be a subclass of the owner
      const self: Type = recv.kind === 'instance' ? recv : { kind: 'instance', cls: found.owner };
      result = method.async ? { kind: 'promise', of: self } : self;
    } else result = this.returnOf(method, found.owner.file);
    return { fact: method, file: found.owner.file, label: `${found.owner.name}.${prop}`, result, owner: found.owner };
  }

  /**
   * The first chain of sync calls from a declared function or method (any file) to a blocking call,
   * following its summary's calls: library names through the declaring module's imports, its own
   * module's functions, `self.m()` through its class. Cycle-safe, a few links deep.
   */
  blockingChain(target: CallTarget, isBlocking: (name: string) => { instead: string } | undefined): BlockingChain | undefined {
    const seen = new Set<string>();
    const visit = (t: CallTarget, depth: number): BlockingChain | undefined => {
      const key = `${t.file}\0${t.label}`;
      if (depth > 6 || seen.has(key) || t.fact.async || t.fact.generator || !t.fact.calls) return undefined;
      seen.add(key);
      const resolved = t.fact.calls.map((c) => ({ c, sym: this.calleeSym(c.callee, t) }));
      for (const { c, sym } of resolved) {
        const entry = sym?.kind === 'lib' ? isBlocking(sym.name) : undefined;
        if (entry && sym?.kind === 'lib') return { links: [{ label: `${sym.name}()`, file: t.file, line: c.line }], name: sym.name, instead: entry.instead };
      }
      for (const { c, sym } of resolved) {
        const next = sym && this.asTarget(sym);
        const inner = next ? visit(next, depth + 1) : undefined;
        if (inner && next) return { ...inner, links: [{ label: `${next.label}()`, file: t.file, line: c.line }, ...inner.links] };
      }
      return undefined;
    };
    return visit(target, 0);
  }

  /** What a callee written in a declared function's body names, from that function's module (and class). */
  private calleeSym(callee: string, from: CallTarget): Sym | { kind: 'method'; target: CallTarget } | undefined {
    if (callee.startsWith('self.')) {
      const name = callee.slice(5);
      if (!from.owner || name.includes('.')) return undefined;
      const found = this.project.member(from.owner, name);
      return found?.method ? { kind: 'method', target: { fact: found.method, file: found.owner.file, label: `${found.owner.name}.${name}`, owner: found.owner } } : undefined;
    }
    // `x.get()` on a local of the body says nothing; only a module-level head (an import) leads somewhere
    const head = callee.split('.')[0];
    if (callee.includes('.') && !this.project.lookupLocal(from.file, head)) return undefined;
    // a bare name bound nowhere is a builtin (`open`, `input`), which the tables know by that name
    return this.project.resolveName(from.file, callee);
  }

  private asTarget(sym: Sym | { kind: 'method'; target: CallTarget }): CallTarget | undefined {
    if (sym.kind === 'method') return sym.target;
    if (sym.kind === 'function') return { fact: sym.fact, file: sym.file, label: sym.name };
    return undefined;
  }

  /** The library type of an expression, qualified, when declarations say it is one (`p: Path`, `Path(...)`, `base / "x"`). */
  libTypeOf(node: Node, fn: FnInfo | null): string | undefined {
    const t = this.typeOf(node, fn);
    return t?.kind === 'lib' ? t.name : undefined;
  }
}

/** The promise's value, or nothing known. */
function unwrap(t: Type | undefined): Type | undefined {
  return t?.kind === 'promise' ? t.of : undefined;
}

/** A function of this file as a summary-like fact (its return annotation read from its node). */
function localFact(fn: FnInfo): FnFact {
  const rt = fn.node.childForFieldName('return_type');
  const returns = rt ? (rt.type === 'type_annotation' ? rt.namedChild(0)?.text : rt.text) : undefined;
  const fact: FnFact = { line: fn.node.startPosition.row, async: fn.isAsync, generator: !runsWhenCalled(fn) };
  if (returns) fact.returns = returns;
  return fact;
}

/** Is a call's result something to await: a promise (JS) or a coroutine / awaitable (Python). */
export function isAwaitable(t: Type | undefined): boolean {
  return t?.kind === 'promise';
}

/** Where a call target is declared, for a finding's related information and its message. */
export function declarationOf(target: CallTarget, currentFile: string): { related: Related; where: string } {
  const line = target.fact.line;
  const range = { start: { line, character: 0 }, end: { line, character: 0 } };
  const base = target.file.slice(Math.max(target.file.lastIndexOf('/'), target.file.lastIndexOf('\\')) + 1);
  const where = target.file === currentFile ? `line ${line + 1}` : `${base}:${line + 1}`;
  const what = target.fact.async ? 'declared async' : `declared to return ${target.fact.returns ?? 'an awaitable'}`;
  return {
    related: { range, message: `\`${target.label}\` is ${what} here`, ...(target.file === currentFile ? {} : { file: target.file }) },
    where,
  };
}
