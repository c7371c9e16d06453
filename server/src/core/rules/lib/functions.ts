/**
 * Which of the file's own functions a call or a reference names, for the rules that follow
 * calls into the file (floating-promise, misused-async-callback, blocking-helper-in-async).
 * Bare names resolve through the scopes in names.ts; `this.m` / `self.m` resolve to a method of
 * the class whose method encloses the reference.
 */
import type { Node } from '../../parser';
import type { FnInfo } from '../../fileindex';
import type { Names } from '../../names';

const FUNCTION_TYPES = new Set([
  'function_definition', 'lambda', 'function_declaration', 'generator_function_declaration', 'function_expression',
  'generator_function', 'arrow_function', 'method_definition',
]);

/** The class `this` (JS: through arrow functions only) or `self` (Python: through closures) refers to. */
function receiverClass(fn: FnInfo | null, python: boolean): Node | null {
  for (let f = fn; f; f = f.parent) {
    if (f.classNode) return f.classNode;
    if (!python && f.node.type !== 'arrow_function') return null;
  }
  return null;
}

/**
 * The file function a callee or a function reference names, if any: `f`; `this.m` / `self.m`
 * (a method of the enclosing class or of one of its bases in the file); in JS also `r.m` with
 * `r = new C()` and `this.x.m` with `this.x = new C()` (or a field `x = new C()`), C a class of the file.
 */
export function functionOf(ref: Node | null, fn: FnInfo | null, names: Names): FnInfo | undefined {
  if (!ref) return undefined;
  if (ref.type === 'identifier') return names.resolveFunction(ref.text, fn);
  if (ref.type !== 'member_expression' && ref.type !== 'attribute') return undefined;
  const python = ref.type === 'attribute';
  const prop = ref.childForFieldName(python ? 'attribute' : 'property');
  if (!prop || !isMethodName(prop.text, names)) return undefined;
  const obj = ref.childForFieldName('object');
  if (!obj) return undefined;
  if (python ? obj.type === 'identifier' && obj.text === 'self' : obj.type === 'this') {
    const cls = receiverClass(fn, python);
    return cls ? methodOf(cls, prop.text, names) : undefined;
  }
  if (python) return undefined;
  if (obj.type === 'identifier') return objectMethod(obj.text, prop.text, fn, names);
  if (obj.type !== 'member_expression' || obj.childForFieldName('object')?.type !== 'this') return undefined;
  const holder = receiverClass(fn, false);
  const attr = obj.childForFieldName('property')?.text;
  const cls = holder && attr ? attrClasses(names).get(`${holder.id}:${attr}`) : undefined;
  return cls ? methodOf(cls, prop.text, names) : undefined;
}

/** The file function a call runs, if any (not `new`: a constructor call runs no named function of ours). */
export function calledFunction(call: Node, fn: FnInfo | null, names: Names): FnInfo | undefined {
  if (call.type === 'new_expression') return undefined;
  // Read from the text when it can be: a bare name, or a dotted one (`a.b()`, whose head is not this/self).
  const path = names.calleePath(call);
  if (path) {
    if (path.length === 1) return names.resolveFunction(path[0], fn);
    return path.length === 2 && isMethodName(path[1], names) ? objectMethod(path[0], path[1], fn, names) : undefined;
  }
  return functionOf(call.childForFieldName('function'), fn, names);
}

/** Some class of the file declares a method of this name: the cheap test before any other. */
function isMethodName(name: string, names: Names): boolean {
  return names.functionsNamed(name).some((m) => m.classNode !== null);
}

/** `r.m` with `r` bound to `new C()`, C a class of the file: C's method m. */
function objectMethod(head: string, method: string, fn: FnInfo | null, names: Names): FnInfo | undefined {
  const b = names.lookup(head, fn);
  return b?.kind === 'object' ? methodOf(b.cls, method, names) : undefined;
}

/** The method `name` of class `cls`, or when it declares none, of its bases among the file's classes (first base first). */
function methodOf(cls: Node, name: string, names: Names, depth = 0): FnInfo | undefined {
  const methods = names.functionsNamed(name).filter((m) => m.classNode?.equals(cls));
  if (methods.length > 0) return methods.length === 1 ? methods[0] : undefined;
  if (depth >= 8) return undefined; // a cycle (`class A(B)` / `class B(A)`) or an absurd depth
  for (const base of basesOf(cls, names)) {
    const m = methodOf(base, name, names, depth + 1);
    if (m) return m;
  }
  return undefined;
}

const BASES = new WeakMap<Names, Map<number, Node[]>>();

/** The file's classes `cls` names as its bases (`class B(A)`, `class B extends A`), as seen where it is declared. */
function basesOf(cls: Node, names: Names): Node[] {
  let byClass = BASES.get(names);
  if (!byClass) BASES.set(names, (byClass = new Map()));
  let bases = byClass.get(cls.id);
  if (bases) return bases;
  bases = [];
  const site = names.index.classes.find((c) => c.node.id === cls.id);
  let refs: (Node | null)[] = [];
  if (cls.type === 'class_definition') refs = cls.childForFieldName('superclasses')?.namedChildren ?? [];
  else {
    const heritage = cls.namedChildren.find((c) => c?.type === 'class_heritage');
    const first = heritage?.namedChild(0);
    refs = first?.type === 'extends_clause' ? first.childrenForFieldName('value') : [first ?? null];
  }
  for (const ref of refs) {
    if (ref?.type !== 'identifier' || !site) continue;
    const b = names.lookup(ref.text, site.fn);
    if (b?.kind === 'local' && b.cls) bases.push(b.cls);
  }
  byClass.set(cls.id, bases);
  return bases;
}

const ATTRS = new WeakMap<Names, Map<string, Node | null>>();

/**
 * `class id:attr` -> the file's class whose instance `this.attr` holds, from `this.attr = new C()`
 * in a method or a field `attr = new C()`; null when two of them disagree. Built on first use.
 */
function attrClasses(names: Names): Map<string, Node | null> {
  let attrs = ATTRS.get(names);
  if (attrs) return attrs;
  ATTRS.set(names, (attrs = new Map()));
  for (const site of names.index.calls) {
    if (site.node.type !== 'new_expression') continue;
    const ctor = site.node.childForFieldName('constructor');
    const b = ctor?.type === 'identifier' ? names.lookup(ctor.text, site.fn) : undefined;
    if (b?.kind !== 'local' || !b.cls) continue;
    const parent = site.node.parent;
    let holder: Node | null = null;
    let attr: string | undefined;
    if (parent?.type === 'assignment_expression') {
      const left = parent.childForFieldName('left');
      if (left?.type === 'member_expression' && left.childForFieldName('object')?.type === 'this') {
        holder = receiverClass(site.fn, false);
        attr = left.childForFieldName('property')?.text;
      }
    } else if (parent?.type === 'public_field_definition' || parent?.type === 'field_definition') {
      holder = parent.parent?.parent ?? null;
      attr = (parent.childForFieldName('name') ?? parent.childForFieldName('property'))?.text;
    }
    if (!holder || !attr) continue;
    const key = `${holder.id}:${attr}`;
    const prev = attrs.get(key);
    attrs.set(key, prev === undefined || prev?.id === b.cls.id ? b.cls : null);
  }
  return attrs;
}

/** Is `node` inside `fn`'s own body, not inside a function nested in it. */
export function ownedBy(node: Node, fnNode: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.equals(fnNode)) return true;
    if (FUNCTION_TYPES.has(p.type)) return false;
  }
  return false;
}

/** Calling it runs its body (a generator function only builds an iterator). Python generators are found by their yield. */
export function runsWhenCalled(fn: FnInfo): boolean {
  if (fn.isGenerator) return false;
  if (fn.node.type !== 'function_definition') return true;
  // Reading the text is much cheaper than walking the body, and most functions have no yield at all.
  if (!fn.node.text.includes('yield')) return true;
  const body = fn.node.childForFieldName('body');
  return !body || !body.descendantsOfType('yield').some((y) => y && ownedBy(y, fn.node));
}

/** Does this async function return a promise when called (an async generator returns an async iterator). */
export function returnsPromise(fn: FnInfo): boolean {
  return fn.isAsync && runsWhenCalled(fn);
}
