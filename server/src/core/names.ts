/**
 * Name resolution shared by the rules and the hover: what does this expression name?
 *
 * `qualify(node, fn)` turns a callee or receiver into a qualified name through imports and
 * aliases (`import time as t`, `from time import sleep as nap`, `import * as fs from 'node:fs'`,
 * `const { execSync } = require('child_process')`), and through variables whose kind is plain
 * from their assignment in the same scope (`lock = threading.Lock()`, `const w = new Worker()`,
 * `with ProcessPoolExecutor() as ex`), and Python parameters annotated with one (`q: asyncio.Queue`). A local name that shadows an import is not the import.
 * Names that are bound nowhere in the file are globals and qualify as themselves (`open`, `fetch`).
 */
import type { Node } from './parser';
import type { FileIndex, FnInfo } from './fileindex';
import { catalogue, type Catalogue } from './catalogue';

export type Binding =
  | { kind: 'import'; target: string }
  /** an instance of a qualified name; `declared`/`value` let the resolver find a workspace class behind it */
  | { kind: 'instance'; type: string; declared?: string; value?: Node }
  | { kind: 'function'; fn: FnInfo }
  /** an instance of one of the file's classes (`const r = new Repo()`) */
  | { kind: 'object'; cls: Node }
  /** `cls`: the name is the file's class declared there */
  /**
   * `cls`: the name is the file's class declared there. What else is known of a plain local, for the
   * declared-type resolver (project/resolver.ts): its annotation's text, the expression assigned to it,
   * or the iterable a `for` loop takes it from; `loops`: a name that several `for` loops of one scope
   * bind (`for (const r of a)` … `for (const r of b)`), each valid inside its own loop.
   */
  | { kind: 'local'; cls?: Node; declared?: string; value?: Node; iter?: Node; loops?: Node[] };

const DOTTED_NAME = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/;
const DOTTED_CALLEE = /[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?=[ \t]*\()/y;
/** Heads of a dotted callee that are not plain names to `qualify`: `self` (its attributes' kinds), keywords. */
const PY_NOT_PLAIN = new Set(['self', 'None', 'True', 'False']);
const JS_NOT_PLAIN = new Set(['this', 'super', 'import', 'function', 'undefined', 'null', 'true', 'false', 'new']);

/** Aliases of module names: the spelling rules and docs use. */
function normaliseModule(name: string): string {
  return name.startsWith('node:') ? name.slice(5) : name;
}

/** `base.member`, with `fs.promises` spelled as the module it is, however it was reached. */
function member(base: string, name: string): string {
  const joined = `${base}.${name}`;
  return joined === 'fs.promises' ? 'fs/promises' : joined;
}

export class Names {
  private scopes = new Map<FnInfo | null, Map<string, Binding>>();
  private selfAttrs = new Map<Node | null, Map<string, string>>();
  private fnsByName = new Map<string, FnInfo[]>();
  private importNames: Map<string, string[]> | undefined;
  /** qualifyCallee's answers, by call node id and the function asked from */
  private callees = new Map<number, Map<FnInfo | null, string | undefined>>();

  /** what library calls return and give when awaited */
  private readonly api: Catalogue;

  constructor(readonly index: FileIndex) {
    this.api = catalogue(index.family);
    for (const fn of index.fns) {
      if (fn.name) {
        const list = this.fnsByName.get(fn.name) ?? [];
        list.push(fn);
        this.fnsByName.set(fn.name, list);
      }
    }
    if (index.family === 'python') this.collectPython();
    else this.collectJs();
  }

  /** Functions of this file declared under a name (any scope). */
  functionsNamed(name: string): FnInfo[] {
    return this.fnsByName.get(name) ?? [];
  }

  /** The binding of a bare name as seen from inside `fn`, walking out to module level. */
  lookup(name: string, fn: FnInfo | null): Binding | undefined {
    for (let scope: FnInfo | null = fn; ; scope = scope.parent) {
      const b = this.scopes.get(scope)?.get(name);
      if (b) return b;
      if (scope === null) return undefined;
    }
  }

  /** The binding of a bare name and the function whose scope binds it (null: module level). */
  lookupWithScope(name: string, fn: FnInfo | null): { binding: Binding; scope: FnInfo | null } | undefined {
    for (let scope: FnInfo | null = fn; ; scope = scope.parent) {
      const b = this.scopes.get(scope)?.get(name);
      if (b) return { binding: b, scope };
      if (scope === null) return undefined;
    }
  }

  /**
   * A name that refers to the module or member `target` as seen from inside `fn` (`aio` after
   * `import asyncio as aio`), for quick fixes that must spell it the way the file does.
   */
  nameFor(target: string, fn: FnInfo | null): string | undefined {
    if (!this.importNames) {
      // Built once, on the first quick fix that asks: target -> the names bound to it anywhere.
      this.importNames = new Map();
      for (const scope of this.scopes.values()) {
        for (const [name, b] of scope) {
          if (b.kind !== 'import') continue;
          const names = this.importNames.get(b.target) ?? [];
          names.push(name);
          this.importNames.set(b.target, names);
        }
      }
    }
    for (const name of this.importNames.get(target) ?? []) {
      const b = this.lookup(name, fn);
      if (b?.kind === 'import' && b.target === target) return name;
    }
    return undefined;
  }

  /** The function a call of `name` from inside `fn` refers to, when it is one of this file's. */
  resolveFunction(name: string, fn: FnInfo | null): FnInfo | undefined {
    const b = this.lookup(name, fn);
    return b?.kind === 'function' ? b.fn : undefined;
  }

  /**
   * Qualified name of an expression, or undefined when it is local or unknown. Walks down the
   * chain of objects and callees in a loop, not by recursion, and remembers each call's answer:
   * a chain of 2,500 `.then(x => x)` is as deep as it is long, and every call in it is asked.
   */
  qualify(node: Node | null, fn: FnInfo | null): string | undefined {
    // What to apply, innermost last, to the value found at the bottom of the chain.
    const steps: ({ member: string } | { call: Node })[] = [];
    let q: string | undefined;
    for (let n = node; ;) {
      if (!n) { q = undefined; break; }
      if (n.type === 'call' || n.type === 'call_expression' || n.type === 'new_expression') {
        const known = this.qualified.get(n.id)?.get(fn);
        if (known !== undefined || this.qualified.get(n.id)?.has(fn)) { q = known; break; }
        const callee = n.childForFieldName(n.type === 'new_expression' ? 'constructor' : 'function');
        if (callee?.type === 'identifier' && callee.text === 'require') { q = this.requireTarget(n); break; }
        steps.push({ call: n });
        n = callee;
        continue;
      }
      if (n.type === 'identifier' || n.type === 'shorthand_property_identifier') {
        const b = this.lookup(n.text, fn);
        q = !b ? n.text : b.kind === 'import' ? b.target : b.kind === 'instance' ? b.type : undefined;
        break;
      }
      if (n.type === 'attribute' || n.type === 'member_expression') {
        const obj = n.childForFieldName('object');
        const prop = n.childForFieldName(n.type === 'attribute' ? 'attribute' : 'property');
        if (!obj || !prop) { q = undefined; break; }
        if (this.index.family === 'python' && obj.type === 'identifier' && obj.text === 'self' && fn?.classNode) {
          const t = this.selfAttrs.get(fn.classNode)?.get(prop.text);
          if (t) { q = t; break; }
        }
        steps.push({ member: prop.text });
        n = obj;
        continue;
      }
      if (['await', 'await_expression', 'parenthesized_expression', 'as_expression', 'non_null_expression'].includes(n.type)) {
        n = n.namedChild(0);
        continue;
      }
      q = undefined; // `this` and everything else: local or unknown
      break;
    }
    for (let i = steps.length - 1; i >= 0; i--) {
      const step = steps[i];
      if ('member' in step) {
        q = q ? member(q, step.member) : undefined;
      } else {
        q = q ? (this.api.get(q)?.returns ?? q) : undefined;
        let byFn = this.qualified.get(step.call.id);
        if (!byFn) this.qualified.set(step.call.id, (byFn = new Map()));
        byFn.set(fn, q);
      }
    }
    if (q === undefined && this.libTypeOf && node && (node.type === 'attribute' || node.type === 'member_expression')) {
      // `self.root.read_text` with `self.root: Path`, `(base / "x").unlink`: the receiver's declared library type,
      // asked only for a member name the catalogue knows (each answer is a walk through declarations)
      const obj = node.childForFieldName('object');
      const prop = node.childForFieldName(node.type === 'attribute' ? 'attribute' : 'property');
      const lib = obj && prop && this.api.hasLastName(prop.text) ? this.libTypeOf(obj, fn) : undefined;
      if (lib && prop) q = member(lib, prop.text);
    }
    return q;
  }

  /** The library type of an expression from declarations (set by the engine to the type resolver's answer). */
  libTypeOf?: (node: Node, fn: FnInfo | null) => string | undefined;

  /** qualify's answers for call nodes, by node id and the function asked from */
  private qualified = new Map<number, Map<FnInfo | null, string | undefined>>();

  /**
   * The callee of a call node, qualified; worked out once per call however many rules ask
   * (several rules qualify the same calls, and each qualification crosses into wasm). A callee
   * spelled as a plain dotted name is qualified from the text (see calleePath), as `qualify` would.
   */
  qualifyCallee(call: Node, fn: FnInfo | null): string | undefined {
    let byFn = this.callees.get(call.id);
    if (!byFn) this.callees.set(call.id, (byFn = new Map()));
    if (byFn.has(fn)) return byFn.get(fn);
    const isNew = call.type === 'new_expression';
    const path = isNew ? null : this.calleePath(call);
    let q = path ? this.qualifyPath(path, fn) : this.qualify(call.childForFieldName(isNew ? 'constructor' : 'function'), fn);
    // a method of a local whose type only declarations tell (`p: Path` as a field, `p = base / "x"`)
    if (q === undefined && path && path.length > 1 && this.libTypeOf && this.api.hasLastName(path[path.length - 1])) {
      q = this.qualify(call.childForFieldName('function'), fn);
    }
    byFn.set(fn, q);
    return q;
  }

  /**
   * The callee of a call (not `new`) as the dotted name it is spelled with, read from the text
   * at the call's start with no tree access (`loop.create_task(` -> ['loop', 'create_task']);
   * null when the tree must be asked: no text (or a syntax error in the file), a callee that is
   * not a plain dotted name (`f(a)(b)`, `a.b(x).c()`: calls that share a start), or a head that
   * `qualify` treats apart (`self`, `this`, keywords).
   */
  calleePath(call: Node): string[] | null {
    if (this.index.text === undefined) return null;
    const path = this.spelledCallee(call, this.index.text);
    return path && !(this.index.family === 'python' ? PY_NOT_PLAIN : JS_NOT_PLAIN).has(path[0]) ? path : null;
  }

  /**
   * The dotted name a call (not `new`) is spelled with at its start in `text`, as the call's callee,
   * any head; null when it is not one, or when another call starts there too (so the outer one's callee is no plain name).
   */
  spelledCallee(call: Node, text: string): string[] | null {
    const start = call.startIndex;
    let path = this.spelled.get(start);
    if (path !== undefined) return path;
    if (this.sharedStarts().has(start)) path = null;
    else {
      DOTTED_CALLEE.lastIndex = start;
      const m = DOTTED_CALLEE.exec(text);
      path = m ? m[0].split('.') : null;
    }
    this.spelled.set(start, path);
    return path;
  }

  /** spelledCallee's answers by start offset (several rules ask of the same calls; the text is the file's throughout) */
  private spelled = new Map<number, string[] | null>();

  /** `qualify` of a dotted name held as text: the head through the scopes, then the attributes (not for a `self.x` head). */
  qualifyPath(path: string[], fn: FnInfo | null): string | undefined {
    const b = this.lookup(path[0], fn);
    let q = !b ? path[0] : b.kind === 'import' ? b.target : b.kind === 'instance' ? b.type : undefined;
    if (q === undefined) return undefined;
    for (let i = 1; i < path.length; i++) q = member(q, path[i]);
    return q;
  }

  private shared: Set<number> | undefined;

  /** Start offsets shared by several calls (`f(a)(b)`), whose outer callee is not the dotted name at their start. */
  private sharedStarts(): Set<number> {
    if (this.shared) return this.shared;
    const shared = new Set<number>();
    const calls = this.index.calls;
    for (let i = 1; i < calls.length; i++) {
      if (calls[i].node.startIndex === calls[i - 1].node.startIndex) shared.add(calls[i].node.startIndex);
    }
    return (this.shared = shared);
  }

  private bind(fn: FnInfo | null, name: string, b: Binding): void {
    let scope = this.scopes.get(fn);
    if (!scope) this.scopes.set(fn, (scope = new Map()));
    const prev = scope.get(name);
    if (prev && !sameBinding(prev, b)) {
      const loops = (x: Binding) => (x.kind === 'local' ? (x.loops ?? (x.iter ? [x.iter] : undefined)) : undefined);
      const before = loops(prev);
      if (before && b.kind === 'local' && b.iter && !b.value && !b.declared) {
        scope.set(name, { kind: 'local', loops: [...before, b.iter] });
        return;
      }
      // Bound two different ways in one scope: we cannot tell which one a use sees.
      scope.set(name, { kind: 'local' });
      return;
    }
    scope.set(name, b);
  }

  private valueBinding(value: Node | null, fn: FnInfo | null): Binding {
    if (!value) return { kind: 'local' };
    const b = this.valueBindingOf(value, fn);
    if (b.kind === 'local' && !b.cls) return { kind: 'local', value };
    return b.kind === 'instance' ? { ...b, value } : b;
  }

  private valueBindingOf(value: Node, fn: FnInfo | null): Binding {
    if (value.type === 'await') {
      const inner = value.namedChild(0);
      const q = inner?.type === 'call' ? this.qualify(inner.childForFieldName('function'), fn) : undefined;
      const awaits = q ? this.api.get(q)?.awaits : undefined;
      if (awaits) return { kind: 'instance', type: awaits };
    }
    // `await f()` gives what the awaitable resolves to, which says nothing of f's own kind.
    if (value.type === 'call' || value.type === 'call_expression' || value.type === 'new_expression') {
      const inner = value;
      if (inner && (inner.type === 'call_expression' || inner.type === 'new_expression' || inner.type === 'call')) {
        const callee = inner.childForFieldName(inner.type === 'new_expression' ? 'constructor' : 'function');
        if (callee?.type === 'identifier' && callee.text === 'require') {
          const target = this.requireTarget(inner);
          return target ? { kind: 'import', target } : { kind: 'local' };
        }
        if (callee?.type === 'identifier') {
          const b = this.lookup(callee.text, fn);
          // A call of one of this file's own functions says nothing about the value's kind.
          if (b?.kind === 'function') return { kind: 'local' };
          // `new Repo()`: its methods are the class's. (A Python call of a class stays plain: see Workers.)
          if (b?.kind === 'local' && b.cls && inner.type === 'new_expression') return { kind: 'object', cls: b.cls };
        }
        const q = this.qualify(callee, fn);
        if (q) return { kind: 'instance', type: this.api.get(q)?.returns ?? q };
      }
      return { kind: 'local' };
    }
    if ((value.type === 'identifier' || value.type === 'attribute' || value.type === 'member_expression') && value.text !== 'self') {
      const q = this.qualify(value, fn);
      // `const sleep = setTimeoutPromise`, `rf = fs.readFileSync`: an alias of a qualified name.
      if (q) return { kind: 'import', target: q };
    }
    return { kind: 'local' };
  }

  /**
   * A parameter annotated with a dotted name that resolves to a module's member (`q: asyncio.Queue`,
   * `lock: Lock` after `from threading import Lock`) is an instance of it. Anything else (the file's
   * classes, generics, `Optional[...]`, string annotations) is kept as `declared` text for the type
   * resolver (project/resolver.ts), which reads it through the project index.
   */
  private annotationBinding(type: Node | null, fn: FnInfo | null): Binding {
    const text = type?.text;
    if (!text || !DOTTED_NAME.test(text)) return { kind: 'local' };
    const q = this.qualifyPath(text.split('.'), fn);
    return q?.includes('.') ? { kind: 'instance', type: q, declared: text } : { kind: 'local' };
  }

  private requireTarget(call: Node): string | undefined {
    const arg = call.childForFieldName('arguments')?.namedChild(0);
    if (arg?.type !== 'string') return undefined;
    return normaliseModule(arg.text.slice(1, -1));
  }

  private declareFunctions(): void {
    for (const fn of this.index.fns) {
      if (!fn.name) continue;
      const n = fn.node;
      const declared =
        n.type === 'function_definition' ? !fn.classNode
          : n.type === 'function_declaration' || n.type === 'generator_function_declaration'
            || ((n.type === 'arrow_function' || n.type === 'function_expression') && n.parent?.type === 'variable_declarator');
      if (declared) this.bind(fn.parent, fn.name, { kind: 'function', fn });
    }
  }

  private collectPython(): void {
    for (const { node, fn } of this.index.imports) {
      if (node.type === 'import_statement') {
        for (const name of node.childrenForFieldName('name')) {
          if (!name) continue;
          if (name.type === 'aliased_import') {
            const alias = name.childForFieldName('alias')?.text;
            const target = name.childForFieldName('name')?.text;
            if (alias && target) this.bind(fn, alias, { kind: 'import', target });
          } else {
            const first = name.text.split('.')[0];
            this.bind(fn, first.trim(), { kind: 'import', target: first.trim() });
          }
        }
      } else {
        const moduleNode = node.childForFieldName('module_name');
        if (!moduleNode || moduleNode.type === 'relative_import') {
          for (const name of node.childrenForFieldName('name')) {
            const local = name?.type === 'aliased_import' ? name.childForFieldName('alias')?.text : name?.text;
            if (local) this.bind(fn, local, { kind: 'local' });
          }
          continue;
        }
        const mod = moduleNode.text.replace(/\s+/g, '');
        for (const name of node.childrenForFieldName('name')) {
          if (!name) continue;
          if (name.type === 'aliased_import') {
            const alias = name.childForFieldName('alias')?.text;
            const target = name.childForFieldName('name')?.text;
            if (alias && target) this.bind(fn, alias, { kind: 'import', target: `${mod}.${target}` });
          } else {
            this.bind(fn, name.text, { kind: 'import', target: `${mod}.${name.text}` });
          }
        }
      }
    }
    this.declareFunctions();
    for (const c of this.index.classes) {
      const name = c.node.childForFieldName('name')?.text;
      if (name) this.bind(c.fn, name, { kind: 'local', cls: c.node });
    }
    for (const { node, fn, local } of this.index.binds) {
      if (local) {
        this.bind(fn, node.text, { kind: 'local' });
        continue;
      }
      const parent = node.parent;
      if (node.type === 'identifier') {
        if (parent?.type === 'typed_parameter' || parent?.type === 'typed_default_parameter') {
          const type = parent.childForFieldName('type');
          const b = this.annotationBinding(type, fn);
          this.bind(fn, node.text, b.kind === 'local' && type ? { kind: 'local', declared: type.text } : b);
          continue;
        }
        if (parent?.type === 'for_statement') {
          const iter = parent.childForFieldName('right');
          this.bind(fn, node.text, iter ? { kind: 'local', iter } : { kind: 'local' });
          continue;
        }
        if (parent?.type === 'assignment' && parent.childForFieldName('type')) {
          // `x: Repo = make()`: the annotation says more than the value
          const type = parent.childForFieldName('type')!;
          const b = this.annotationBinding(type, fn);
          this.bind(fn, node.text, b.kind === 'local' ? { kind: 'local', declared: type.text } : b);
          continue;
        }
        const value = parent?.type === 'assignment' && parent.childForFieldName('left')?.equals(node)
          ? parent.childForFieldName('right')
          : parent?.type === 'as_pattern_target' ? parent.parent?.namedChild(0) ?? null : null;
        const binding = value ? this.valueBinding(value, fn) : { kind: 'local' as const };
        // Parameters bind in the function they belong to, which is the enclosing one here.
        this.bind(fn, node.text, binding);
      } else if (node.type === 'attribute' && parent?.type === 'assignment' && fn?.classNode) {
        const obj = node.childForFieldName('object');
        const attr = node.childForFieldName('attribute')?.text;
        if (obj?.text === 'self' && attr) {
          const b = this.valueBinding(parent.childForFieldName('right'), fn);
          if (b.kind === 'instance') {
            let attrs = this.selfAttrs.get(fn.classNode);
            if (!attrs) this.selfAttrs.set(fn.classNode, (attrs = new Map()));
            attrs.set(attr, b.type);
          }
        }
      } else if (node.type === 'pattern_list' || node.type === 'tuple_pattern' || node.type === 'list_pattern') {
        for (const id of node.descendantsOfType('identifier')) if (id) this.bind(fn, id.text, { kind: 'local' });
      }
    }
    // `from x import *`, `global`: unknown names; leave them as they are.
  }

  private collectJs(): void {
    for (const { node, fn } of this.index.imports) {
      const source = node.childForFieldName('source');
      if (!source) continue;
      const mod = normaliseModule(source.text.slice(1, -1));
      const clause = node.namedChildren.find((c) => c?.type === 'import_clause');
      if (!clause) continue;
      for (const part of clause.namedChildren) {
        if (!part) continue;
        if (part.type === 'identifier') this.bind(fn, part.text, { kind: 'import', target: mod });
        else if (part.type === 'namespace_import') {
          const id = part.namedChild(0);
          if (id) this.bind(fn, id.text, { kind: 'import', target: mod });
        } else if (part.type === 'named_imports') {
          for (const spec of part.namedChildren) {
            if (spec?.type !== 'import_specifier') continue;
            const name = spec.childForFieldName('name')?.text;
            const alias = spec.childForFieldName('alias')?.text ?? name;
            if (name && alias) this.bind(fn, alias, { kind: 'import', target: name === 'default' ? mod : member(mod, name) });
          }
        }
      }
    }
    this.declareFunctions();
    for (const c of this.index.classes) {
      const name = c.node.childForFieldName('name')?.text;
      if (name && c.node.type === 'class_declaration') this.bind(c.fn, name, { kind: 'local', cls: c.node });
    }
    for (const { node, fn, local } of this.index.binds) {
      if (local) {
        this.bind(fn, node.text, { kind: 'local' });
        continue;
      }
      const parent = node.parent;
      if (parent?.type === 'variable_declarator' && node.type === 'identifier') {
        const value = parent.childForFieldName('value');
        if (value && (value.type === 'arrow_function' || value.type === 'function_expression')) continue;
        const type = parent.childForFieldName('type')?.namedChild(0);
        const b = this.valueBinding(value, fn);
        this.bind(fn, node.text, type && b.kind === 'local' && !b.cls ? { kind: 'local', declared: type.text } : b);
      } else if ((parent?.type === 'required_parameter' || parent?.type === 'optional_parameter') && node.type === 'identifier') {
        const type = parent.childForFieldName('type')?.namedChild(0);
        this.bind(fn, node.text, type ? { kind: 'local', declared: type.text } : { kind: 'local' });
      } else if (parent?.type === 'for_in_statement' && node.type === 'identifier') {
        // `for (const x of xs)` takes elements; `for (const k in o)` takes keys, which say nothing
        const of = parent.children.some((c) => c?.type === 'of');
        const iter = parent.childForFieldName('right');
        this.bind(fn, node.text, of && iter ? { kind: 'local', iter } : { kind: 'local' });
      } else if (parent?.type === 'variable_declarator' && node.type === 'object_pattern') {
        const base = this.valueBinding(parent.childForFieldName('value'), fn);
        for (const prop of node.namedChildren) {
          if (!prop) continue;
          if (prop.type === 'shorthand_property_identifier_pattern') {
            this.bind(fn, prop.text, base.kind === 'import' ? { kind: 'import', target: member(base.target, prop.text) } : { kind: 'local' });
          } else if (prop.type === 'pair_pattern') {
            const key = prop.childForFieldName('key')?.text;
            const value = prop.childForFieldName('value');
            if (value?.type === 'identifier') {
              this.bind(fn, value.text, base.kind === 'import' && key ? { kind: 'import', target: member(base.target, key) } : { kind: 'local' });
            }
          } else {
            for (const id of prop.descendantsOfType(['identifier', 'shorthand_property_identifier_pattern'])) if (id) this.bind(fn, id.text, { kind: 'local' });
          }
        }
      } else if (node.type === 'identifier' && parent?.type === 'assignment_expression') {
        this.bind(fn, node.text, { kind: 'local' });
      } else if (node.type === 'identifier') {
        // a parameter: the index files it under the function that declares it
        this.bind(fn, node.text, { kind: 'local' });
      } else {
        for (const id of node.descendantsOfType(['identifier', 'shorthand_property_identifier_pattern'])) if (id) this.bind(fn, id.text, { kind: 'local' });
      }
    }
  }
}

function sameBinding(a: Binding, b: Binding): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'import' && b.kind === 'import') return a.target === b.target;
  if (a.kind === 'instance' && b.kind === 'instance') return a.type === b.type;
  if (a.kind === 'function' && b.kind === 'function') return a.fn === b.fn;
  if (a.kind === 'object' && b.kind === 'object') return a.cls.id === b.cls.id;
  if (a.kind === 'local' && b.kind === 'local') {
    return a.cls?.id === b.cls?.id && a.declared === b.declared && a.value?.id === b.value?.id && a.iter?.id === b.iter?.id && !a.loops && !b.loops;
  }
  return true;
}
