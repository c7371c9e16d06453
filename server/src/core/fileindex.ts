/**
 * One query run over a tree collects every node the rules and the hover look at, each with
 * the function it sits in. Rules read these lists instead of walking the tree themselves,
 * so a file is traversed once however many rules run.
 */
import type { Node, Tree, Grammar, Family } from './parser';
import { query, familyOf, capturesWithin } from './parser';
import pythonIndex from './queries/python-index.scm';
import jsIndex from './queries/js-index.scm';
import tsIndex from './queries/ts-index.scm';
import javascriptIndex from './queries/javascript-index.scm';

export interface FnInfo {
  node: Node;
  /** declared or assigned name (`def f`, `function f`, `const f = () =>`, method name), if any */
  name: string | null;
  isAsync: boolean;
  isGenerator: boolean;
  /** the function this one is nested in, or null at module level */
  parent: FnInfo | null;
  /** the class whose body declares this function as a method, if any */
  classNode: Node | null;
  startIndex: number;
  endIndex: number;
}

/** A node of interest with the function that encloses it (null: module level). */
export interface Site {
  node: Node;
  fn: FnInfo | null;
  /** the node's start offset, read once when the index was built (each read is a call into wasm) */
  start?: number;
}

/** A bound name (or pattern of names); `local` when the query knows it binds a plain local (a parameter, `x += 1`). */
export interface BindSite extends Site {
  local: boolean;
}

export interface FileIndex {
  family: Family;
  grammar: Grammar;
  /** the parsed text, when the caller gave it, and the tree has no syntax error: facts can then be read from it */
  text?: string;
  fns: FnInfo[];
  classes: Site[];
  calls: Site[];
  /** expression statements (JS family: floating-promise reads them) */
  stmts: Site[];
  /** calls that are a whole expression statement, their value thrown away (Python) */
  discards: Site[];
  loops: Site[];
  awaits: Site[];
  imports: Site[];
  binds: BindSite[];
  /** the FnInfo of a function node, by its start index */
  fnAt: Map<number, FnInfo>;
}

const QUERY_SOURCE: Record<Grammar, string> = {
  python: pythonIndex,
  javascript: jsIndex + '\n' + javascriptIndex,
  typescript: jsIndex + '\n' + tsIndex,
  tsx: jsIndex + '\n' + tsIndex,
};

type ListName = Exclude<keyof FileIndex, 'family' | 'grammar' | 'text' | 'fns' | 'fnAt' | 'binds'>;
const LISTS: Record<string, ListName> = {
  class: 'classes', call: 'calls', stmt: 'stmts', discard: 'discards', loop: 'loops', await: 'awaits',
  import: 'imports',
};

export function buildIndex(grammar: Grammar, tree: Tree, text?: string): FileIndex {
  const family = familyOf(grammar);
  const index: FileIndex = {
    family, grammar, text: text !== undefined && !tree.rootNode.hasError ? text : undefined, fns: [], classes: [], calls: [], stmts: [], discards: [], loops: [], awaits: [],
    imports: [], binds: [], fnAt: new Map(),
  };
  const captures = capturesWithin(query(grammar, QUERY_SOURCE[grammar]), tree.rootNode);
  // Outer nodes first when two start together, functions after the statement that holds them.
  // An end offset is a call into wasm: read only those the order and the scopes below need. The
  // captures come in document order of their start, so only neighbours can share a start; should
  // they ever not, every end is read.
  const items = captures.map((c) => ({ name: c.name, node: c.node, start: c.node.startIndex, end: -1 }));
  let inOrder = true;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (i > 0 && item.start < items[i - 1].start) inOrder = false;
    if (item.name === 'fn' || item.name === 'class' || items[i - 1]?.start === item.start || items[i + 1]?.start === item.start) {
      item.end = item.node.endIndex;
    }
  }
  if (!inOrder) for (const item of items) if (item.end < 0) item.end = item.node.endIndex;
  items.sort((a, b) => a.start - b.start || b.end - a.end || (a.name === 'fn' ? 1 : 0) - (b.name === 'fn' ? 1 : 0));

  const stack: FnInfo[] = [];
  // The end of the last class that began so far: a function past it is in no class, so is no method.
  let classEnd = -1;
  for (const item of items) {
    while (stack.length > 0 && item.start >= stack[stack.length - 1].endIndex) stack.pop();
    const enclosing = stack.length > 0 ? stack[stack.length - 1] : null;
    if (item.name === 'class') classEnd = Math.max(classEnd, item.end);
    if (item.name === 'fn') {
      if (index.fnAt.has(item.start) && index.fnAt.get(item.start)!.endIndex === item.end) continue;
      const info = describeFunction(family, item.node, enclosing, item.start, item.end, text, item.start < classEnd);
      index.fns.push(info);
      index.fnAt.set(item.start, info);
      stack.push(info);
      continue;
    }
    if (item.name === 'bind' || item.name === 'bind.local') {
      index.binds.push({ node: item.node, fn: enclosing, local: item.name === 'bind.local' });
      continue;
    }
    const list = LISTS[item.name];
    if (list) index[list].push({ node: item.node, fn: enclosing, start: item.start });
  }
  return index;
}

function hasKeyword(node: Node, keyword: string): boolean {
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i);
    if (!child) continue;
    if (child.type === keyword && !child.isNamed) return true;
    // `private async m()`, `override async m()`: modifiers come before the keyword
    if (child.isNamed && child.type !== 'decorator' && child.type !== 'accessibility_modifier' && child.type !== 'override_modifier') return false;
  }
  return false;
}

/**
 * Every node access is a call into wasm, and a file has hundreds of functions: where the source text
 * (`text`, the parsed text, when the caller has it) shows that a keyword or `*` cannot be among a
 * function's leading tokens, or no class holds it (`inClass`), the tree is not asked.
 */
function describeFunction(
  family: Family, node: Node, parent: FnInfo | null, startIndex: number, endIndex: number, text: string | undefined, inClass: boolean,
): FnInfo {
  const type = node.type;
  const nameNode = node.childForFieldName('name');
  // The leading tokens all come before the name (or, without one, before the end).
  const lead = text?.slice(startIndex, nameNode ? nameNode.startIndex : endIndex);
  const isAsync = type !== 'lambda' && (lead === undefined || lead.includes('async')) && hasKeyword(node, 'async');
  let name: string | null = nameNode?.text ?? null;
  let classNode: Node | null = null;
  let isGenerator = false;
  if (family === 'js') {
    isGenerator = type.startsWith('generator_') || (type === 'method_definition' && (lead === undefined || lead.includes('*')) && hasStar(node));
    const holder = !name || type === 'method_definition' ? node.parent : null;
    if (!name && holder?.type === 'variable_declarator') name = holder.childForFieldName('name')?.text ?? null;
    if (!name && holder?.type === 'pair') name = holder.childForFieldName('key')?.text ?? null;
    if (type === 'method_definition') classNode = holder?.type === 'class_body' ? holder.parent : null;
  } else if (type === 'function_definition' && inClass) {
    let holder = node.parent;
    if (holder?.type === 'decorated_definition') holder = holder.parent;
    if (holder?.type === 'block' && holder.parent?.type === 'class_definition') classNode = holder.parent;
    // A generator is flagged lazily by the rules that care (a yield in the body); see containsYield.
  }
  return { node, name, isAsync, isGenerator, parent, classNode, startIndex, endIndex };
}

function hasStar(node: Node): boolean {
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i);
    if (child?.type === '*') return true;
    if (child?.type === 'property_identifier') return false;
  }
  return false;
}

/** Is this site in async context: its nearest enclosing function is async. */
export function inAsync(site: { fn: FnInfo | null }): boolean {
  return site.fn !== null && site.fn.isAsync;
}
