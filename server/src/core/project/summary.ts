/**
 * What one module declares, read from its tree alone: the facts other files need to resolve names
 * and declared types into it (imports, exports, functions, classes with their members, interfaces,
 * Protocols, type aliases, typed module variables). Plain data, so a summary is cached by the
 * file's content hash and crosses worker threads; cross-file answers are joins over summaries
 * (project.ts). Only declarations are read, never function bodies (but a constructor's or
 * `__init__`'s `this.x = ...` / `self.x = ...`, which declare fields).
 *
 * Types are kept as the annotation's text (`Promise<Repo>`, `Optional[Repo]`) and parsed when a
 * question needs them (typeexpr.ts), in the context of the module that wrote them.
 */
import type { Node, Tree, Family } from '../parser';

/** A function or method: what a call of it gives. */
export interface FnFact {
  line: number;
  async: boolean;
  generator: boolean;
  /** the declared return annotation's text */
  returns?: string;
  /** a getter: reading it calls it, but it is no call site */
  getter?: boolean;
  /**
   * A sync function's own calls (not those of functions nested in it), by callee as written
   * (`time.sleep`, `helper`, `self.flush`): what blocking-helper-in-async follows across files.
   */
  calls?: { callee: string; line: number }[];
}

const CALLEE_TEXT = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;
const NESTED: Record<Family, string[]> = {
  python: ['function_definition', 'lambda'],
  js: ['function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'generator_function', 'generator_function_declaration', 'class_declaration', 'class'],
};

/** The calls a sync function's body makes itself, with their callee's dotted text. */
function ownCalls(family: Family, fnNode: Node, body: Node | null): FnFact['calls'] {
  if (known) {
    const calls = known.get(fnNode.startIndex);
    return calls?.length ? calls : undefined;
  }
  if (!body) return undefined;
  const nested = body.descendantsOfType(NESTED[family]).map((n) => n && [n.startIndex, n.endIndex] as const).filter((r): r is readonly [number, number] => !!r);
  const calls: NonNullable<FnFact['calls']> = [];
  for (const c of body.descendantsOfType(family === 'python' ? 'call' : 'call_expression')) {
    if (!c || nested.some(([a, b]) => c.startIndex >= a && c.endIndex <= b)) continue;
    const callee = c.childForFieldName('function');
    const text = callee?.text.replace(/\s+/g, '');
    if (text && CALLEE_TEXT.test(text)) calls.push({ callee: text.replace(/^this\./, 'self.'), line: c.startPosition.row });
    if (calls.length >= 64) break;
  }
  return calls.length ? calls : undefined;
}

export interface ClassFact {
  line: number;
  kind: 'class' | 'interface';
  /** base classes, interfaces extended or implemented, as written (`Base<T>`, `abc.ABC`) */
  bases: string[];
  methods: Record<string, FnFact>;
  /** field name -> declared type text, or `new C()` / `C()` value text as `new:C` */
  fields: Record<string, string>;
}

export interface ImportFact {
  /** the local name it binds */
  local: string;
  /** the module as written (`./repo`, `pkg.mod`, `.models`) */
  module: string;
  /** the imported name; null: the module itself (`import * as ns`, `import pkg.mod as m`, `from pkg import mod` may be either) */
  name: string | null;
  line: number;
}

export interface ReexportFact {
  module: string;
  /** the name in that module; '*' for `export * from` */
  name: string;
  /** the name it is exported as */
  as: string;
}

export interface ModuleSummary {
  family: Family;
  imports: ImportFact[];
  /** TS/JS: exported name -> local name (`export { a as b }`, `export class C`, `export default f`) */
  exports: Record<string, string>;
  reexports: ReexportFact[];
  functions: Record<string, FnFact>;
  classes: Record<string, ClassFact>;
  /** module-level variables: declared type text, or `new:C` for `new C()` / `C()`, or `call:f` for `f()` */
  vars: Record<string, string>;
  /** type aliases: name -> the aliased type's text */
  aliases: Record<string, string>;
}

/** A record keyed by names from user code: no prototype, so `__proto__` or `toString` is just a name. */
export function record<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A record's own entry (records that crossed a worker thread have a prototype again). */
export function own<T>(r: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(r, key) ? r[key] : undefined;
}

export function emptySummary(family: Family): ModuleSummary {
  return { family, imports: [], exports: record(), reexports: [], functions: record(), classes: record(), vars: record(), aliases: record() };
}

/** What a file's index already knows, so a summary made beside an analysis need not walk bodies again. */
export interface KnownCalls {
  /** the parsed text */
  text: string;
  /** calls with their start offset and the start offset of the function they are directly in */
  calls: { start: number; fnStart: number | null }[];
}

let known: Map<number, { callee: string; line: number }[]> | undefined;
/** The parsed text and the offset it starts at: leading keywords are read from it, not from child nodes (each a call into wasm). */
let src = '';
let srcBase = 0;

function slice(start: number, end: number): string {
  return src.slice(start - srcBase, end - srcBase);
}

export function summarize(family: Family, tree: Tree, from?: KnownCalls): ModuleSummary {
  const s = emptySummary(family);
  known = from ? groupCalls(from) : undefined;
  if (from) {
    src = from.text;
    srcBase = 0;
  } else {
    src = tree.rootNode.text;
    srcBase = tree.rootNode.startIndex;
  }
  try {
    if (family === 'python') summarizePython(tree.rootNode, s);
    else summarizeJs(tree.rootNode, s);
  } finally {
    known = undefined;
    src = '';
  }
  return s;
}

const DOTTED_AT = /[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*(?=\s*\()/y;

/** Calls by the function they are in, their callee read from the text at their start (no tree access). */
function groupCalls(from: KnownCalls): Map<number, { callee: string; line: number }[]> {
  const byFn = new Map<number, { callee: string; line: number }[]>();
  let lineStarts: number[] | undefined;
  for (const c of from.calls) {
    if (c.fnStart === null) continue;
    DOTTED_AT.lastIndex = c.start;
    const m = DOTTED_AT.exec(from.text);
    if (!m) continue;
    const list = byFn.get(c.fnStart) ?? [];
    if (list.length >= 64) continue;
    lineStarts ??= lineOffsets(from.text);
    list.push({ callee: m[0].replace(/\s+/g, '').replace(/^this\./, 'self.'), line: lineOf(lineStarts, c.start) });
    byFn.set(c.fnStart, list);
  }
  return byFn;
}

function lineOffsets(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// ---------------------------------------------------------------- TypeScript / JavaScript

function annotation(node: Node | null): string | undefined {
  // a type_annotation node is `: T`; its one named child is the type
  const t = node?.type === 'type_annotation' ? node.namedChild(0) : node;
  return t ? t.text : undefined;
}

/** The text before a function's name (or its parameters): where `async`, `*`, `get`, `static` stand. */
function leadOf(node: Node): string {
  const stop = node.childForFieldName('name') ?? node.childForFieldName('parameters') ?? node.childForFieldName('parameter');
  return slice(node.startIndex, stop ? stop.startIndex : node.startIndex);
}

function jsFunction(node: Node, lead = leadOf(node)): FnFact {
  const fact: FnFact = {
    line: node.startPosition.row,
    async: /\basync\b/.test(lead),
    generator: node.type.startsWith('generator_') || lead.includes('*'),
  };
  const returns = annotation(node.childForFieldName('return_type'));
  if (returns) fact.returns = returns;
  if (!fact.async && !fact.generator) {
    const calls = ownCalls('js', node, node.childForFieldName('body'));
    if (calls) fact.calls = calls;
  }
  return fact;
}

/** `new C(...)` as `new:C`: the value's type when the annotation is missing. */
function valueType(value: Node | null): string | undefined {
  if (!value) return undefined;
  if (value.type === 'new_expression') {
    const ctor = value.childForFieldName('constructor');
    if (ctor && (ctor.type === 'identifier' || ctor.type === 'member_expression')) return `new:${ctor.text}`;
  }
  if (value.type === 'call_expression' || value.type === 'call') {
    const callee = value.childForFieldName('function');
    if (callee && (callee.type === 'identifier' || callee.type === 'member_expression' || callee.type === 'attribute')) return `call:${callee.text}`;
  }
  if (value.type === 'await_expression' || value.type === 'await') {
    const inner = valueType(value.namedChild(0));
    return inner ? `await:${inner}` : undefined;
  }
  return undefined;
}

function jsClass(node: Node, s: ModuleSummary): string | undefined {
  const name = node.childForFieldName('name')?.text;
  if (!name) return undefined;
  const fact: ClassFact = { line: node.startPosition.row, kind: node.type === 'interface_declaration' ? 'interface' : 'class', bases: [], methods: record(), fields: record() };
  for (const c of node.namedChildren) {
    if (c?.type === 'class_heritage') {
      for (const clause of c.namedChildren) {
        if (!clause) continue;
        if (clause.type === 'extends_clause') {
          const v = clause.childForFieldName('value');
          if (v) fact.bases.push(v.text);
        } else if (clause.type === 'implements_clause') {
          for (const t of clause.namedChildren) if (t) fact.bases.push(t.text);
        } else if (clause.type !== 'comment') {
          fact.bases.push(clause.text); // plain JS: `class A extends B` has the expression directly
        }
      }
    } else if (c?.type === 'extends_type_clause') {
      for (const t of c.childrenForFieldName('type')) if (t) fact.bases.push(t.text);
    }
  }
  const body = node.childForFieldName('body');
  for (const m of body?.namedChildren ?? []) {
    if (!m) continue;
    const memberName = m.childForFieldName('name')?.text;
    if (!memberName) continue;
    switch (m.type) {
      case 'method_definition':
      case 'method_signature':
      case 'abstract_method_signature': {
        if (memberName === 'constructor') {
          jsConstructorFields(m, fact);
          break;
        }
        const lead = leadOf(m);
        const f = jsFunction(m, lead);
        if (/\bget\s*$/.test(lead)) f.getter = true;
        else if (/\bset\s*$/.test(lead)) break;
        fact.methods[memberName] = f;
        break;
      }
      case 'public_field_definition':
      case 'field_definition':
      case 'property_signature': {
        const value = m.childForFieldName('value');
        if (value && (value.type === 'arrow_function' || value.type === 'function_expression')) {
          fact.methods[memberName] = jsFunction(value);
          break;
        }
        const t = annotation(m.childForFieldName('type')) ?? valueType(value);
        if (t) fact.fields[memberName] = t;
        break;
      }
    }
  }
  s.classes[name] = fact;
  return name;
}

/** `constructor(private repo: Repo)` and `this.x = new C()` in the constructor declare fields. */
function jsConstructorFields(ctor: Node, fact: ClassFact): void {
  for (const p of ctor.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p || (p.type !== 'required_parameter' && p.type !== 'optional_parameter')) continue;
    const property = p.namedChildren.some((c) => c?.type === 'accessibility_modifier' || c?.type === 'override_modifier')
      || p.children.some((c) => c?.type === 'readonly');
    const id = p.childForFieldName('pattern');
    const t = annotation(p.childForFieldName('type'));
    if (property && id?.type === 'identifier' && t) fact.fields[id.text] = t;
  }
  const params = new Map<string, string>();
  for (const p of ctor.childForFieldName('parameters')?.namedChildren ?? []) {
    const id = p?.childForFieldName('pattern');
    const t = annotation(p?.childForFieldName('type') ?? null);
    if (id?.type === 'identifier' && t) params.set(id.text, t);
  }
  for (const st of ctor.childForFieldName('body')?.namedChildren ?? []) {
    const e = st?.type === 'expression_statement' ? st.namedChild(0) : null;
    if (e?.type !== 'assignment_expression') continue;
    const left = e.childForFieldName('left');
    if (left?.type !== 'member_expression' || left.childForFieldName('object')?.type !== 'this') continue;
    const prop = left.childForFieldName('property')?.text;
    const right = e.childForFieldName('right');
    if (!prop || own(fact.fields, prop)) continue;
    const t = right?.type === 'identifier' ? params.get(right.text) : valueType(right);
    if (t) fact.fields[prop] = t;
  }
}

function jsDeclaration(d: Node, s: ModuleSummary): string[] {
  switch (d.type) {
    case 'function_declaration':
    case 'generator_function_declaration':
    case 'function_signature': {
      const name = d.childForFieldName('name')?.text;
      if (!name) return [];
      s.functions[name] = jsFunction(d);
      return [name];
    }
    case 'class_declaration':
    case 'abstract_class_declaration':
    case 'interface_declaration':
    case 'class': {
      const name = jsClass(d, s);
      return name ? [name] : [];
    }
    case 'type_alias_declaration': {
      const name = d.childForFieldName('name')?.text;
      const value = d.childForFieldName('value');
      if (!name || !value) return [];
      s.aliases[name] = value.text;
      return [name];
    }
    case 'lexical_declaration':
    case 'variable_declaration': {
      const names: string[] = [];
      for (const v of d.namedChildren) {
        if (v?.type !== 'variable_declarator') continue;
        const id = v.childForFieldName('name');
        if (id?.type !== 'identifier') continue;
        names.push(id.text);
        const value = v.childForFieldName('value');
        if (value && (value.type === 'arrow_function' || value.type === 'function_expression' || value.type === 'generator_function')) {
          s.functions[id.text] = jsFunction(value);
          continue;
        }
        const t = annotation(v.childForFieldName('type')) ?? valueType(value);
        if (t) s.vars[id.text] = t;
      }
      return names;
    }
    default:
      return [];
  }
}

function moduleText(source: Node | null): string | undefined {
  if (!source) return undefined;
  const frag = source.namedChild(0);
  return frag ? frag.text : source.text.slice(1, -1);
}

function summarizeJs(root: Node, s: ModuleSummary): void {
  for (const st of root.namedChildren) {
    if (!st) continue;
    if (st.type === 'import_statement') {
      const module = moduleText(st.childForFieldName('source'));
      const clause = st.namedChildren.find((c) => c?.type === 'import_clause');
      if (!module || !clause) continue;
      const line = st.startPosition.row;
      for (const part of clause.namedChildren) {
        if (!part) continue;
        if (part.type === 'identifier') s.imports.push({ local: part.text, module, name: 'default', line });
        else if (part.type === 'namespace_import') {
          const id = part.namedChild(0);
          if (id) s.imports.push({ local: id.text, module, name: null, line });
        } else if (part.type === 'named_imports') {
          for (const spec of part.namedChildren) {
            if (spec?.type !== 'import_specifier') continue;
            const name = spec.childForFieldName('name')?.text;
            const alias = spec.childForFieldName('alias')?.text ?? name;
            if (name && alias) s.imports.push({ local: alias, module, name, line });
          }
        }
      }
      continue;
    }
    if (st.type === 'export_statement') {
      const source = moduleText(st.childForFieldName('source'));
      const decl = st.childForFieldName('declaration');
      const isDefault = st.children.some((c) => c?.type === 'default');
      if (decl) {
        const names = jsDeclaration(decl, s);
        if (isDefault && names[0]) s.exports.default = names[0];
        else for (const n of names) s.exports[n] = n;
        continue;
      }
      const clause = st.namedChildren.find((c) => c?.type === 'export_clause');
      if (clause) {
        for (const spec of clause.namedChildren) {
          if (spec?.type !== 'export_specifier') continue;
          const name = spec.childForFieldName('name')?.text;
          const as = spec.childForFieldName('alias')?.text ?? name;
          if (!name || !as) continue;
          if (source) s.reexports.push({ module: source, name, as });
          else s.exports[as] = name;
        }
        continue;
      }
      if (source) {
        // `export * from './x'` (and `export * as ns from './x'`)
        const ns = st.namedChildren.find((c) => c?.type === 'namespace_export')?.namedChild(0)?.text;
        s.reexports.push(ns ? { module: source, name: '', as: ns } : { module: source, name: '*', as: '*' });
        continue;
      }
      const value = st.childForFieldName('value');
      if (isDefault && value?.type === 'identifier') s.exports.default = value.text;
      continue;
    }
    jsDeclaration(st, s);
  }
}

// ---------------------------------------------------------------- Python

function pyFunction(def: Node): FnFact {
  const body = def.childForFieldName('body');
  const start = def.startIndex;
  const fact: FnFact = {
    line: def.startPosition.row,
    async: slice(start, start + 5) === 'async',
    // a yield anywhere in the body's text: nested defs rarely yield, and a false "generator" only silences
    generator: body ? /\byield\b/.test(slice(body.startIndex, body.endIndex)) : false,
  };
  const returns = def.childForFieldName('return_type')?.text;
  if (returns) fact.returns = returns;
  if (!fact.async && !fact.generator) {
    const calls = ownCalls('python', def, body);
    if (calls) fact.calls = calls;
  }
  return fact;
}

function unwrapDecorated(node: Node): { def: Node; decorators: string[] } {
  if (node.type !== 'decorated_definition') return { def: node, decorators: [] };
  const decorators = node.namedChildren.filter((c) => c?.type === 'decorator').map((d) => d!.text.slice(1).trim());
  return { def: node.childForFieldName('definition') ?? node, decorators };
}

function pyClass(node: Node, s: ModuleSummary): void {
  const name = node.childForFieldName('name')?.text;
  if (!name) return;
  const bases: string[] = [];
  let protocol = false;
  for (const b of node.childForFieldName('superclasses')?.namedChildren ?? []) {
    if (!b || b.type === 'keyword_argument') continue;
    bases.push(b.text);
    if (/(^|\.)Protocol(\[|$)/.test(b.text)) protocol = true;
  }
  const fact: ClassFact = { line: node.startPosition.row, kind: protocol ? 'interface' : 'class', bases, methods: record(), fields: record() };
  for (const item of node.childForFieldName('body')?.namedChildren ?? []) {
    if (!item) continue;
    const { def, decorators } = unwrapDecorated(item);
    if (def.type === 'function_definition') {
      const mname = def.childForFieldName('name')?.text;
      if (!mname) continue;
      if (mname === '__init__') pyInitFields(def, fact);
      const f = pyFunction(def);
      if (decorators.some((d) => d === 'property' || d.endsWith('.getter') || d === 'functools.cached_property' || d === 'cached_property')) f.getter = true;
      fact.methods[mname] = f;
    } else if (def.type === 'expression_statement') {
      // class-level `x: T` / `x: T = v` / `x = C()`
      const a = def.namedChild(0);
      if (a?.type !== 'assignment') continue;
      const left = a.childForFieldName('left');
      if (left?.type !== 'identifier') continue;
      const t = a.childForFieldName('type')?.text ?? valueType(a.childForFieldName('right'));
      if (t) fact.fields[left.text] = t;
    }
  }
  s.classes[name] = fact;
}

/** `self.x: T = ...`, `self.x = C()`, `self.x = param` (an annotated parameter) in `__init__` declare fields. */
function pyInitFields(init: Node, fact: ClassFact): void {
  const params = new Map<string, string>();
  for (const p of init.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p || (p.type !== 'typed_parameter' && p.type !== 'typed_default_parameter')) continue;
    const id = p.type === 'typed_parameter' ? p.namedChild(0) : p.childForFieldName('name');
    const t = p.childForFieldName('type')?.text;
    if (id?.type === 'identifier' && t) params.set(id.text, t);
  }
  const visit = (block: Node | null, depth: number) => {
    for (const st of block?.namedChildren ?? []) {
      if (!st) continue;
      if (st.type === 'expression_statement') {
        const a = st.namedChild(0);
        if (a?.type !== 'assignment') continue;
        const left = a.childForFieldName('left');
        if (left?.type !== 'attribute' || left.childForFieldName('object')?.text !== 'self') continue;
        const attr = left.childForFieldName('attribute')?.text;
        if (!attr || own(fact.fields, attr)) continue;
        const right = a.childForFieldName('right');
        const t = a.childForFieldName('type')?.text ?? (right?.type === 'identifier' ? params.get(right.text) : valueType(right));
        if (t) fact.fields[attr] = t;
      } else if (depth < 2 && (st.type === 'if_statement' || st.type === 'try_statement' || st.type === 'with_statement')) {
        visit(st.childForFieldName('consequence') ?? st.childForFieldName('body'), depth + 1);
      }
    }
  };
  visit(init.childForFieldName('body'), 0);
}

function summarizePython(root: Node, s: ModuleSummary): void {
  const visit = (block: Node, depth: number) => {
    for (const st of block.namedChildren) {
      if (!st) continue;
      const line = st.startPosition.row;
      if (st.type === 'import_statement') {
        for (const n of st.childrenForFieldName('name')) {
          if (!n) continue;
          if (n.type === 'aliased_import') {
            const alias = n.childForFieldName('alias')?.text;
            const mod = n.childForFieldName('name')?.text;
            if (alias && mod) s.imports.push({ local: alias, module: mod, name: null, line });
          } else {
            // `import a.b.c` binds `a`, and makes a.b.c reachable through it
            const mod = n.text.replace(/\s+/g, '');
            s.imports.push({ local: mod.split('.')[0], module: mod, name: null, line });
          }
        }
        continue;
      }
      if (st.type === 'import_from_statement') {
        const moduleNode = st.childForFieldName('module_name');
        if (!moduleNode) continue;
        const mod = moduleNode.text.replace(/\s+/g, '');
        for (const n of st.childrenForFieldName('name')) {
          if (!n) continue;
          const name = n.type === 'aliased_import' ? n.childForFieldName('name')?.text : n.text;
          const local = n.type === 'aliased_import' ? n.childForFieldName('alias')?.text : n.text;
          if (name && local) s.imports.push({ local, module: mod, name, line });
        }
        if (st.namedChildren.some((c) => c?.type === 'wildcard_import')) s.reexports.push({ module: mod, name: '*', as: '*' });
        continue;
      }
      const { def, decorators } = unwrapDecorated(st);
      if (def.type === 'function_definition') {
        const name = def.childForFieldName('name')?.text;
        if (name) {
          const f = pyFunction(def);
          if (decorators.some((d) => d === 'ray.remote' || d.startsWith('ray.remote('))) continue;
          s.functions[name] = f;
        }
        continue;
      }
      if (def.type === 'class_definition') {
        pyClass(def, s);
        continue;
      }
      if (st.type === 'expression_statement') {
        const a = st.namedChild(0);
        if (a?.type === 'assignment') {
          const left = a.childForFieldName('left');
          if (left?.type !== 'identifier') continue;
          const type = a.childForFieldName('type')?.text;
          const right = a.childForFieldName('right');
          if (type === 'TypeAlias' && right) s.aliases[left.text] = right.text.replace(/^['"]|['"]$/g, '');
          else {
            const t = type ?? valueType(right);
            if (t) s.vars[left.text] = t;
          }
        } else if (a?.type === 'type_alias_statement') {
          const l = a.namedChild(0)?.text;
          const r = a.namedChild(1)?.text;
          if (l && r) s.aliases[l] = r;
        }
        continue;
      }
      // declarations guarded by `if TYPE_CHECKING:` / `try: import x except ImportError:` still declare
      if (depth < 2 && (st.type === 'if_statement' || st.type === 'try_statement')) {
        const body = st.childForFieldName('consequence') ?? st.childForFieldName('body');
        if (body) visit(body, depth + 1);
      }
    }
  };
  visit(root, 0);
}
