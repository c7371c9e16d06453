/**
 * Which knowledge-base entry is the name under the cursor? Works from the tree and the
 * prepared analysis the rules already built: one descendantForPosition, a walk up the
 * ancestors, one `Names.qualify`. No re-parse and no walk over the whole tree.
 */
import type { Grammar, Node, Tree, Family } from '../core/parser';
import { familyOf } from '../core/parser';
import type { Analysis } from '../core/engine';
import type { FnInfo } from '../core/fileindex';
import type { Position } from '../core/types';
import { knowledgeBase, type KbEntry } from './kb';

export interface Resolved {
  entry: KbEntry;
  /** the token the hover is about: its range is the hover's range */
  node: Node;
  /** the qualified name the cursor resolved to, before any fallback (keywords: none) */
  qualified?: string;
}

/**
 * Spellings that reach the same primitive through another path: the objects a context or a
 * pool returns, both executors' shared methods, `timers.setTimeout` for the global.
 */
const REWRITES: Record<Family, readonly (readonly [string, string])[]> = {
  python: [
    ['multiprocessing.context.', 'multiprocessing.'],
    ['multiprocessing.pool.Pool', 'multiprocessing.Pool'],
    ['multiprocessing.managers.SyncManager', 'multiprocessing.Manager'],
    ['concurrent.futures.ThreadPoolExecutor.', 'concurrent.futures.Executor.'],
    ['concurrent.futures.ProcessPoolExecutor.', 'concurrent.futures.Executor.'],
  ],
  js: [
    ['globalThis.', ''],
    ['timers.', ''],
    ['node:', ''],
  ],
};

function rewrite(family: Family, q: string): string {
  for (const [from, to] of REWRITES[family]) {
    if (q === from || q.startsWith(from)) return to + q.slice(from.length);
  }
  return q;
}

/** The entry a qualified name means, with the fallbacks described in kb.ts. */
export function entryForName(family: Family, qualified: string, imports: () => Set<string>): KbEntry | undefined {
  const { byName, byMethod } = knowledgeBase();
  const names = byName[family];
  const q = rewrite(family, qualified);
  const direct = names.get(qualified) ?? names.get(q);
  if (direct) return direct;
  const parts = q.split('.');
  if (parts.length >= 2) {
    const owner = names.get(rewrite(family, parts.slice(0, -1).join('.')));
    // `actor_ref.method_a.send`: a method of a member of a type, filed under the type.
    if (parts.length >= 3) {
      const viaMember = names.get([...parts.slice(0, -2), parts[parts.length - 1]].join('.'));
      if (viaMember && names.get(parts.slice(0, -2).join('.'))?.kind === 'type') return viaMember;
    }
    // A method without its own entry: the type it belongs to says what matters.
    if (owner?.kind === 'type') return owner;
  }
  return byMethodName(family, parts[parts.length - 1], imports);
}

function byMethodName(family: Family, method: string, imports: () => Set<string>): KbEntry | undefined {
  const candidates = knowledgeBase().byMethod[family].get(method);
  return candidates?.find((e) => !e.ifImports || imports().has(e.ifImports));
}

/** The innermost function of the index that contains node, by walking up its ancestors. */
function enclosingFn(analysis: Analysis, node: Node): FnInfo | null {
  for (let n: Node | null = node.parent; n; n = n.parent) {
    const fn = analysis.index.fnAt.get(n.startIndex);
    if (fn && fn.endIndex === n.endIndex) return fn;
  }
  return null;
}

/** Top-level modules the file imports (`concurrent.futures` counts as both spellings). */
export function importedModules(analysis: Analysis): Set<string> {
  const mods = new Set<string>();
  for (const { node } of analysis.index.imports) {
    if (analysis.index.family === 'python') {
      const from = node.childForFieldName('module_name');
      if (from) mods.add(from.text.split('.')[0]);
      else for (const n of node.childrenForFieldName('name')) {
        const name = n?.type === 'aliased_import' ? n.childForFieldName('name') : n;
        if (name) mods.add(name.text.split('.')[0]);
      }
    } else {
      const source = node.childForFieldName('source');
      if (source) mods.add(source.text.slice(1, -1).replace(/^node:/, '').split('/')[0]);
    }
  }
  if (analysis.index.family === 'js') {
    for (const { node } of analysis.index.calls) {
      const callee = node.childForFieldName('function');
      const arg = node.childForFieldName('arguments')?.namedChild(0);
      if (callee?.text === 'require' && arg?.type === 'string') mods.add(arg.text.slice(1, -1).replace(/^node:/, '').split('/')[0]);
    }
  }
  return mods;
}

const KEYWORD_TOKENS = new Set(['async', 'await', 'yield', 'for', 'with', 'def', 'function']);

function hasToken(node: Node, token: string): boolean {
  for (let i = 0; i < node.childCount; i++) {
    const c = node.child(i);
    if (c && !c.isNamed && c.type === token) return true;
  }
  return false;
}

/** Keyword entries: `async def`, `await`, `yield`, `async for`, `async with` and the JS forms. */
function keywordId(family: Family, token: Node, analysis: Analysis): string | undefined {
  const parent = token.parent;
  if (!parent) return undefined;
  const t = token.type;
  if (family === 'python') {
    switch (parent.type) {
      case 'function_definition':
        return (t === 'async' || t === 'def') && hasToken(parent, 'async') ? 'python:async def' : undefined;
      case 'for_statement':
      case 'for_in_clause':
        return (t === 'async' || t === 'for') && hasToken(parent, 'async') ? 'python:async for' : undefined;
      case 'with_statement':
        return (t === 'async' || t === 'with') && hasToken(parent, 'async') ? 'python:async with' : undefined;
      case 'await':
        return t === 'await' ? 'python:await' : undefined;
      case 'yield':
        if (t !== 'yield') return undefined;
        return enclosingFn(analysis, token)?.isAsync ? 'python:async generator' : 'python:yield';
      default:
        return undefined;
    }
  }
  switch (parent.type) {
    case 'function_declaration':
    case 'function_expression':
    case 'function':
    case 'arrow_function':
    case 'method_definition':
    case 'generator_function_declaration':
    case 'generator_function':
      return (t === 'async' || t === 'function') && hasToken(parent, 'async') ? 'js:async' : undefined;
    case 'await_expression':
      return t === 'await' ? 'js:await' : undefined;
    case 'for_in_statement':
      return (t === 'await' || t === 'for') && hasToken(parent, 'await') ? 'js:for await' : undefined;
    case 'yield_expression':
      return t === 'yield' ? 'js:yield' : undefined;
    default:
      return undefined;
  }
}

const NAME_TYPES = new Set([
  'identifier', 'property_identifier', 'shorthand_property_identifier', 'shorthand_property_identifier_pattern',
  'type_identifier', 'private_property_identifier',
]);

/**
 * The qualified name of the identifier under the cursor: the whole attribute or member
 * chain up to it, an imported name in its import statement, a keyword argument of a call.
 */
function qualifyName(family: Family, node: Node, analysis: Analysis, fn: FnInfo | null): string | undefined {
  const { names } = analysis;
  const parent = node.parent;
  if (!parent) return names.qualify(node, fn);
  if (family === 'python') {
    if (parent.type === 'attribute' && parent.childForFieldName('attribute')?.equals(node)) return names.qualify(parent, fn);
    if (parent.type === 'keyword_argument' && parent.childForFieldName('name')?.equals(node)) {
      const call = parent.parent?.parent;
      const callee = call?.type === 'call' ? names.qualifyCallee(call, fn) : undefined;
      return callee ? `${callee}.${node.text}` : undefined;
    }
    if (parent.type === 'dotted_name') {
      const holder = parent.parent?.type === 'aliased_import' ? parent.parent.parent : parent.parent;
      if (holder?.type === 'import_from_statement') {
        const mod = holder.childForFieldName('module_name');
        if (mod && !mod.equals(parent) && mod.type === 'dotted_name') return `${mod.text}.${parent.text}`;
        if (mod?.equals(parent)) return parent.text;
      }
      if (holder?.type === 'import_statement') return parent.text;
      return undefined;
    }
    if (parent.type === 'function_definition' && parent.childForFieldName('name')?.equals(node)) return undefined;
    return names.qualify(node, fn);
  }
  if (parent.type === 'member_expression' && parent.childForFieldName('property')?.equals(node)) return names.qualify(parent, fn);
  if (parent.type === 'import_specifier') {
    const stmt = parent.parent?.parent?.parent;
    const source = stmt?.childForFieldName('source');
    const imported = parent.childForFieldName('name');
    if (source && imported) {
      const mod = source.text.slice(1, -1).replace(/^node:/, '');
      return imported.text === 'default' ? mod : `${mod}.${imported.text}`;
    }
  }
  if (node.type === 'identifier' || node.type === 'shorthand_property_identifier') return names.qualify(node, fn);
  const b = names.lookup(node.text, fn);
  return b?.kind === 'import' ? b.target : b?.kind === 'instance' ? b.type : undefined;
}

/** Is node the name after the dot of an attribute or member expression? */
function isMemberName(node: Node): boolean {
  const parent = node.parent;
  if (parent?.type === 'attribute') return parent.childForFieldName('attribute')?.equals(node) ?? false;
  if (parent?.type === 'member_expression') return parent.childForFieldName('property')?.equals(node) ?? false;
  return false;
}

/** The entry under a 0-based line and UTF-16 character, or null. */
export function resolveAt(grammar: Grammar, tree: Tree, analysis: Analysis, position: Position): Resolved | null {
  const family = familyOf(grammar);
  const point = { row: position.line, column: position.character };
  const node = tree.rootNode.descendantForPosition(point);
  if (!node) return null;
  const kb = knowledgeBase();

  if (!node.isNamed && KEYWORD_TOKENS.has(node.type)) {
    const id = keywordId(family, node, analysis);
    const hit = id ? kb.byId.get(id) : undefined;
    return hit ? { entry: hit.entry, node } : null;
  }
  if (!NAME_TYPES.has(node.type)) return null;

  const fn = enclosingFn(analysis, node);
  let imports: Set<string> | undefined;
  const lazyImports = () => (imports ??= importedModules(analysis));
  const parent = node.parent;

  // A method defined by name for a framework to call (`async def __post_create__`).
  if (family === 'python' && parent?.type === 'function_definition' && parent.childForFieldName('name')?.equals(node)) {
    const entry = byMethodName(family, node.text, lazyImports);
    return entry ? { entry, node } : null;
  }

  const qualified = qualifyName(family, node, analysis, fn);
  if (qualified) {
    const entry = entryForName(family, qualified, lazyImports);
    if (!entry) return null;
    // A variable holding a call's result (`all = await Promise.all(...)`) is not the function:
    // only a variable whose value is an instance of a known type (`t = Thread()`) hovers as it.
    const isVariable = !isMemberName(node) && analysis.names.lookup(node.text, fn)?.kind === 'instance';
    return isVariable && entry.kind !== 'type' ? null : { entry, node, qualified };
  }
  // The receiver's kind is unknown (`p.then`, `f.remote()`): the method name alone may tell.
  if (isMemberName(node)) {
    const entry = byMethodName(family, node.text, lazyImports);
    if (entry) return { entry, node };
  }
  return null;
}
