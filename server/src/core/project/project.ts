/**
 * The project index: every module's summary (summary.ts), and the joins over them that answer
 * cross-file questions: where an import leads (TS/JS specifiers with extensions, `index`, tsconfig
 * `paths`/`baseUrl`, workspace packages; Python absolute, `src/` layout and relative imports,
 * `__init__` re-exports), what an exported name is, a class's members through its bases. Pure: file
 * existence is the index's own key set, and the layout (roots, tsconfigs, packages) is given by the
 * adapter that read it from disk. Lookups are cycle-safe.
 */
import * as path from 'node:path';
import type { Family } from '../parser';
import { own, record, type ClassFact, type FnFact, type ImportFact, type ModuleSummary } from './summary';

export interface TsConfigFacts {
  /** the folder of the tsconfig.json */
  dir: string;
  /** absolute baseUrl, if set */
  baseUrl?: string;
  /** `paths`, with targets absolute */
  paths: Record<string, string[]>;
}

export interface ProjectLayout {
  /** workspace folders, absolute */
  roots: string[];
  /** folders Python absolute imports start from (the roots, their `src/`) */
  pythonRoots: string[];
  tsconfigs: TsConfigFacts[];
  /** workspace package name -> its folder and entry file (absolute), from package.json */
  packages: Record<string, { dir: string; entry?: string }>;
}

export function emptyLayout(roots: string[] = []): ProjectLayout {
  return { roots, pythonRoots: roots, tsconfigs: [], packages: record() };
}

export type Sym =
  | { kind: 'class'; file: string; name: string; fact: ClassFact }
  | { kind: 'function'; file: string; name: string; fact: FnFact }
  | { kind: 'var'; file: string; name: string; type: string }
  | { kind: 'alias'; file: string; name: string; type: string }
  | { kind: 'module'; file: string }
  /** a name from outside the workspace, qualified as names.ts spells it (`asyncio.Queue`, `fs/promises.readFile`) */
  | { kind: 'lib'; name: string };

const TS_EXTENSIONS = ['.ts', '.tsx', '.d.ts', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const JS_TO_TS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

export function normaliseLibModule(name: string): string {
  return name.startsWith('node:') ? name.slice(5) : name;
}

export class ProjectIndex {
  private modules = new Map<string, { hash: string; summary: ModuleSummary }>();
  /** resolved module of (file, specifier), cleared when the file set changes */
  private resolved = new Map<string, string | null>();
  /** file -> the files its imports and re-exports resolve to */
  private deps = new Map<string, Set<string>>();
  private revDeps: Map<string, Set<string>> | undefined;
  /** counts changes, so answers cached elsewhere (a resolver's memo) know when they are stale */
  generation = 0;
  /**
   * How many declared functions and methods of each name could matter to a call: awaitable ones
   * (async, or declared to return a promise / awaitable / `this` / `Self`) and sync ones that make
   * calls. Rules ask the resolver about `x.name()` only when some module declares such a `name`.
   */
  private awaitable = new Map<string, number>();
  private callers = new Map<string, number>();

  constructor(public layout: ProjectLayout = emptyLayout()) {}

  get size(): number {
    return this.modules.size;
  }

  files(): IterableIterator<string> {
    return this.modules.keys();
  }

  hashOf(file: string): string | undefined {
    return this.modules.get(file)?.hash;
  }

  summary(file: string): ModuleSummary | undefined {
    return this.modules.get(file)?.summary;
  }

  /** Adds or replaces a module's summary; false when the content hash is unchanged. */
  set(file: string, hash: string, summary: ModuleSummary): boolean {
    const prev = this.modules.get(file);
    if (prev?.hash === hash) return false;
    if (!prev) {
      // a new file may be what an unresolved specifier was looking for
      this.resolved.clear();
      this.deps.clear();
    }
    if (prev) this.count(prev.summary, -1);
    this.count(summary, 1);
    this.modules.set(file, { hash, summary });
    this.generation++;
    this.deps.delete(file);
    this.revDeps = undefined;
    return true;
  }

  delete(file: string): boolean {
    const prev = this.modules.get(file);
    if (!prev) return false;
    this.count(prev.summary, -1);
    this.modules.delete(file);
    this.generation++;
    this.resolved.clear();
    this.deps.clear();
    this.revDeps = undefined;
    return true;
  }

  private count(s: ModuleSummary, by: 1 | -1): void {
    const add = (map: Map<string, number>, name: string) => {
      const n = (map.get(name) ?? 0) + by;
      if (n > 0) map.set(name, n);
      else map.delete(name);
    };
    const visit = (name: string, f: FnFact) => {
      if (f.async || (f.returns !== undefined && MAY_AWAIT.test(f.returns))) add(this.awaitable, name);
      if (f.calls && !f.async) add(this.callers, name);
    };
    // names a module gives to what others declare (`export { purge as cleanUp }`, `from .x import y as z`)
    // may name anything: they pass the filter
    for (const re of s.reexports) if (re.as !== re.name && re.as !== '*') { add(this.awaitable, re.as); add(this.callers, re.as); }
    for (const name in s.exports) if (s.exports[name] !== name) { add(this.awaitable, name); add(this.callers, name); }
    for (const imp of s.imports) if (imp.name !== null && imp.local !== imp.name) { add(this.awaitable, imp.local); add(this.callers, imp.local); }
    for (const name in s.functions) visit(name, s.functions[name]);
    for (const cname in s.classes) {
      const methods = s.classes[cname].methods;
      for (const name in methods) visit(name, methods[name]);
    }
  }

  /** Some module declares a function or method of this name that a call could await. */
  mayAwait(name: string): boolean {
    return this.awaitable.has(name);
  }

  /** Some module declares a sync function or method of this name that makes calls. */
  mayCall(name: string): boolean {
    return this.callers.has(name);
  }

  setLayout(layout: ProjectLayout): void {
    this.layout = layout;
    this.generation++;
    this.resolved.clear();
    this.deps.clear();
    this.revDeps = undefined;
  }

  /** The files whose analysis reads `file`'s summary: importers, and theirs through re-exports and bases (transitively). */
  dependents(file: string): Set<string> {
    if (!this.revDeps) {
      this.revDeps = new Map();
      for (const f of this.modules.keys()) {
        for (const d of this.depsOf(f)) {
          let set = this.revDeps.get(d);
          if (!set) this.revDeps.set(d, (set = new Set()));
          set.add(f);
        }
      }
    }
    const out = new Set<string>();
    const todo = [file];
    while (todo.length) {
      const f = todo.pop()!;
      for (const d of this.revDeps.get(f) ?? []) {
        if (!out.has(d) && d !== file) {
          out.add(d);
          todo.push(d);
        }
      }
    }
    return out;
  }

  private depsOf(file: string): Set<string> {
    let set = this.deps.get(file);
    if (set) return set;
    set = new Set();
    const s = this.summary(file);
    for (const spec of [...(s?.imports ?? []).map((i) => i.module), ...(s?.reexports ?? []).map((r) => r.module)]) {
      const target = this.resolveModule(file, spec);
      if (target) set.add(target);
      if (s?.family === 'python') {
        // `from pkg import mod` may name a submodule
        for (const imp of s.imports) {
          if (imp.module === spec && imp.name) {
            const sub = this.resolveModule(file, joinPy(spec, imp.name));
            if (sub) set.add(sub);
          }
        }
      }
    }
    this.deps.set(file, set);
    return set;
  }

  // ------------------------------------------------------------ modules

  /** The workspace file a module specifier written in `from` names, or undefined (a library, or not found). */
  resolveModule(from: string, spec: string): string | undefined {
    const key = `${from}\0${spec}`;
    const hit = this.resolved.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const family = this.summary(from)?.family ?? (from.endsWith('.py') || from.endsWith('.pyi') ? 'python' : 'js');
    const found = (family === 'python' ? this.resolvePython(from, spec) : this.resolveJs(from, spec)) ?? null;
    this.resolved.set(key, found);
    return found ?? undefined;
  }

  private firstExisting(candidates: string[]): string | undefined {
    return candidates.find((c) => this.modules.has(c));
  }

  private jsCandidates(p: string): string[] {
    const out: string[] = [];
    const ext = path.extname(p);
    if (JS_TO_TS[ext]) for (const t of JS_TO_TS[ext]) out.push(p.slice(0, -ext.length) + t);
    out.push(p);
    for (const e of TS_EXTENSIONS) out.push(p + e);
    for (const e of TS_EXTENSIONS) out.push(path.join(p, 'index' + e));
    return out;
  }

  private resolveJs(from: string, spec: string): string | undefined {
    if (spec.startsWith('.') || spec.startsWith('/')) {
      return this.firstExisting(this.jsCandidates(path.resolve(path.dirname(from), spec)));
    }
    const tsconfig = this.tsconfigFor(from);
    if (tsconfig) {
      for (const [pattern, targets] of Object.entries(tsconfig.paths)) {
        const star = pattern.indexOf('*');
        let rest: string | undefined;
        if (star < 0) rest = pattern === spec ? '' : undefined;
        else if (spec.startsWith(pattern.slice(0, star)) && spec.endsWith(pattern.slice(star + 1))) {
          rest = spec.slice(star, spec.length - (pattern.length - star - 1));
        }
        if (rest === undefined) continue;
        for (const t of targets) {
          const hit = this.firstExisting(this.jsCandidates(star < 0 ? t : t.replace('*', rest)));
          if (hit) return hit;
        }
      }
      if (tsconfig.baseUrl) {
        const hit = this.firstExisting(this.jsCandidates(path.join(tsconfig.baseUrl, spec)));
        if (hit) return hit;
      }
    }
    // a workspace package, by its package.json name (`@scope/name` or `name`, maybe with a subpath)
    const parts = spec.split('/');
    const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
    const pkg = own(this.layout.packages, name);
    if (!pkg) return undefined;
    const sub = spec.slice(name.length + 1);
    if (sub) return this.firstExisting([...this.jsCandidates(path.join(pkg.dir, sub)), ...this.jsCandidates(path.join(pkg.dir, 'src', sub))]);
    const entries = [pkg.entry, path.join(pkg.dir, 'src', 'index'), path.join(pkg.dir, 'index')].filter((e): e is string => !!e);
    for (const e of entries) {
      const hit = this.firstExisting(this.jsCandidates(e.replace(/\.d\.ts$/, '')));
      if (hit) return hit;
    }
    return undefined;
  }

  private tsconfigFor(file: string): TsConfigFacts | undefined {
    let best: TsConfigFacts | undefined;
    for (const t of this.layout.tsconfigs) {
      if ((file.startsWith(t.dir + path.sep) || file.startsWith(t.dir + '/')) && (!best || t.dir.length > best.dir.length)) best = t;
    }
    return best;
  }

  private resolvePython(from: string, spec: string): string | undefined {
    const dots = /^\.*/.exec(spec)![0].length;
    const rest = spec.slice(dots).split('.').filter(Boolean);
    const candidates = (base: string) => {
      const p = path.join(base, ...rest);
      return rest.length === 0
        ? [path.join(base, '__init__.py'), path.join(base, '__init__.pyi')]
        : [p + '.py', p + '.pyi', path.join(p, '__init__.py'), path.join(p, '__init__.pyi')];
    };
    if (dots > 0) {
      let base = path.dirname(from);
      for (let i = 1; i < dots; i++) base = path.dirname(base);
      return this.firstExisting(candidates(base));
    }
    const roots = [this.packageRootOf(from), ...this.layout.pythonRoots];
    for (const root of roots) {
      const hit = this.firstExisting(candidates(root));
      if (hit) return hit;
    }
    return undefined;
  }

  /** The folder above the outermost package that holds `file` (where `import top.pkg` starts). */
  private packageRootOf(file: string): string {
    let dir = path.dirname(file);
    while (this.modules.has(path.join(dir, '__init__.py')) || this.modules.has(path.join(dir, '__init__.pyi'))) {
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    return dir;
  }

  // ------------------------------------------------------------ symbols

  /** What `name` means at module level of `file`: its own declaration, or what its import leads to. */
  lookupLocal(file: string, name: string, seen = new Set<string>()): Sym | undefined {
    const key = `L${file}\0${name}`;
    if (seen.has(key) || seen.size > 64) return undefined;
    seen.add(key);
    const s = this.summary(file);
    if (!s) return undefined;
    const own = ownSymbol(file, s, name);
    if (own) return own;
    for (let i = s.imports.length - 1; i >= 0; i--) {
      const imp = s.imports[i];
      if (imp.local === name) return this.followImport(file, imp, seen);
    }
    if (s.family === 'python') {
      for (const re of s.reexports) {
        if (re.name !== '*') continue;
        const target = this.resolveModule(file, re.module);
        const hit = target ? this.lookupLocal(target, name, seen) : undefined;
        if (hit) return hit;
      }
    }
    return undefined;
  }

  /** What a module exports under `name` (TS/JS: its exports and re-exports; Python: any module-level name). */
  lookupExport(file: string, name: string, seen = new Set<string>()): Sym | undefined {
    const s = this.summary(file);
    if (!s) return undefined;
    if (s.family === 'python') {
      return this.lookupLocal(file, name, seen) ?? this.submodule(file, name);
    }
    const key = `E${file}\0${name}`;
    if (seen.has(key) || seen.size > 64) return undefined;
    seen.add(key);
    const local = own(s.exports, name);
    if (local !== undefined) return this.lookupLocal(file, local, seen);
    for (const re of s.reexports) {
      if (re.as !== name || re.name === '*') continue;
      const target = this.resolveModule(file, re.module);
      if (!target) return { kind: 'lib', name: re.name ? `${normaliseLibModule(re.module)}.${re.name}` : normaliseLibModule(re.module) };
      return re.name === '' ? { kind: 'module', file: target } : this.lookupExport(target, re.name, seen);
    }
    if (name === 'default') return undefined;
    for (const re of s.reexports) {
      if (re.name !== '*') continue;
      const target = this.resolveModule(file, re.module);
      const hit = target ? this.lookupExport(target, name, seen) : undefined;
      if (hit) return hit;
    }
    return undefined;
  }

  /** `pkg/__init__.py` + `mod` -> the module pkg/mod.py, when `name` is not declared in the package itself. */
  private submodule(initFile: string, name: string): Sym | undefined {
    const base = path.basename(initFile);
    if (base !== '__init__.py' && base !== '__init__.pyi') return undefined;
    const dir = path.dirname(initFile);
    const hit = this.firstExisting([path.join(dir, name + '.py'), path.join(dir, name + '.pyi'), path.join(dir, name, '__init__.py')]);
    return hit ? { kind: 'module', file: hit } : undefined;
  }

  private followImport(file: string, imp: ImportFact, seen: Set<string>): Sym | undefined {
    const family = this.summary(file)?.family;
    if (family === 'python') {
      if (imp.name === null) {
        // `import a.b.c` binds `a`; `import a.b.c as m` binds the module a.b.c
        const spec = imp.local === imp.module.split('.')[0] && imp.module.includes('.') && !imp.module.startsWith('.') ? imp.local : imp.module;
        const target = this.resolveModule(file, spec);
        return target ? { kind: 'module', file: target } : { kind: 'lib', name: spec };
      }
      // `from pkg import name`: the package's own binding first (its __init__ may rebind a submodule's
      // name to a function, as `from .retry import retry` does), then the submodule
      const target = this.resolveModule(file, imp.module);
      const declared = target ? this.lookupLocal(target, imp.name, seen) : undefined;
      if (declared) return declared;
      const sub = this.resolveModule(file, joinPy(imp.module, imp.name));
      if (sub) return { kind: 'module', file: sub };
      if (!target) return imp.module.startsWith('.') ? undefined : { kind: 'lib', name: `${imp.module}.${imp.name}` };
      return undefined;
    }
    const target = this.resolveModule(file, imp.module);
    const lib = normaliseLibModule(imp.module);
    if (!target) {
      if (imp.module.startsWith('.')) return undefined;
      return { kind: 'lib', name: imp.name === null || imp.name === 'default' ? lib : `${lib}.${imp.name}` };
    }
    if (imp.name === null) return { kind: 'module', file: target };
    return this.lookupExport(target, imp.name, seen);
  }

  /** A member of a module symbol (`ns.Repo`, `pkg.mod`). */
  moduleMember(file: string, name: string): Sym | undefined {
    return this.lookupExport(file, name);
  }

  /**
   * A dotted type or value name written in `file` (`Repo`, `models.Repo`, `abc.ABC`), resolved from
   * the module level of that file. Generic arguments are not part of the name.
   */
  resolveName(file: string, dotted: string): Sym | undefined {
    const parts = dotted.split('.');
    let sym = this.lookupLocal(file, parts[0]);
    for (let i = 1; i < parts.length && sym; i++) {
      if (sym.kind === 'module') sym = this.moduleMember(sym.file, parts[i]);
      else if (sym.kind === 'lib') sym = { kind: 'lib', name: `${sym.name}.${parts[i]}` };
      else return undefined;
    }
    // a name bound nowhere: a builtin or a global of the language (`Promise`, `list`); libraries qualify as themselves
    if (!sym && !this.summary(file)) return undefined;
    return sym ?? (parts.length === 1 || !this.declaresAnything(file, parts[0]) ? { kind: 'lib', name: dotted } : undefined);
  }

  private declaresAnything(file: string, name: string): boolean {
    const s = this.summary(file);
    return !!s && (ownSymbol(file, s, name) !== undefined || s.imports.some((i) => i.local === name));
  }

  /** The class a class-typed symbol names, following type aliases. */
  classOf(sym: Sym | undefined, depth = 0): Extract<Sym, { kind: 'class' }> | undefined {
    if (!sym || depth > 8) return undefined;
    if (sym.kind === 'class') return sym;
    if (sym.kind === 'alias') {
      const name = /^[A-Za-z_$][\w$.]*/.exec(sym.type.trim())?.[0];
      return name ? this.classOf(this.resolveName(sym.file, name), depth + 1) : undefined;
    }
    return undefined;
  }

  /** The bases of a class as resolved symbols (workspace classes or library names), in order. */
  basesOf(cls: Extract<Sym, { kind: 'class' }>): Sym[] {
    const out: Sym[] = [];
    for (const b of cls.fact.bases) {
      const name = /^[A-Za-z_$][\w$.]*/.exec(b.trim())?.[0];
      if (!name) continue;
      const sym = this.resolveName(cls.file, name);
      if (sym) out.push(this.classOf(sym) ?? sym);
    }
    return out;
  }

  /**
   * A member of a class, searched in the class and then its bases (depth first, in order), across
   * files; with the class that declares it.
   */
  member(cls: Extract<Sym, { kind: 'class' }>, name: string, seen = new Set<string>()):
    { owner: Extract<Sym, { kind: 'class' }>; method?: FnFact; field?: string } | undefined {
    const key = `${cls.file}\0${cls.name}`;
    if (seen.has(key) || seen.size > 32) return undefined;
    seen.add(key);
    const m = own(cls.fact.methods, name);
    if (m) return { owner: cls, method: m };
    const f = own(cls.fact.fields, name);
    if (f) return { owner: cls, field: f };
    for (const base of this.basesOf(cls)) {
      if (base.kind !== 'class') continue;
      const hit = this.member(base, name, seen);
      if (hit) return hit;
    }
    return undefined;
  }
}

/** Return annotations that may make a call's value something to await (or the receiver, for builders). */
const MAY_AWAIT = /Promise|Awaitable|Coroutine|Self|this|^['"]?[A-Z]/;

function joinPy(mod: string, name: string): string {
  return mod.endsWith('.') ? mod + name : `${mod}.${name}`;
}

function ownSymbol(file: string, s: ModuleSummary, name: string): Sym | undefined {
  const cls = own(s.classes, name);
  if (cls) return { kind: 'class', file, name, fact: cls };
  const fn = own(s.functions, name);
  if (fn) return { kind: 'function', file, name, fact: fn };
  const v = own(s.vars, name);
  if (v) return { kind: 'var', file, name, type: v };
  const a = own(s.aliases, name);
  if (a) return { kind: 'alias', file, name, type: a };
  return undefined;
}

/** What a family's files look like, for adapters walking a folder. */
export function familyOfPath(file: string): Family | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.py' || ext === '.pyi') return 'python';
  if (TS_EXTENSIONS.includes(ext)) return 'js';
  return undefined;
}
