/**
 * One query run over a tree collects every node the rules and the hover look at, each with
 * the function it sits in. Rules read these lists instead of walking the tree themselves,
 * so a file is traversed once however many rules run.
 */
import type { Node, Tree, Grammar, Family } from './parser';
import { query, familyOf } from './parser';
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
}

export interface FileIndex {
  family: Family;
  grammar: Grammar;
  fns: FnInfo[];
  classes: Site[];
  calls: Site[];
  stmts: Site[];
  /** calls that are a whole expression statement, their value thrown away (Python) */
  discards: Site[];
  loops: Site[];
  awaits: Site[];
  withs: Site[];
  imports: Site[];
  ifs: Site[];
  binds: Site[];
  globals: Site[];
  /** the FnInfo of a function node, by its start index */
  fnAt: Map<number, FnInfo>;
}

const QUERY_SOURCE: Record<Grammar, string> = {
  python: pythonIndex,
  javascript: jsIndex + '\n' + javascriptIndex,
  typescript: jsIndex + '\n' + tsIndex,
  tsx: jsIndex + '\n' + tsIndex,
};

type ListName = Exclude<keyof FileIndex, 'family' | 'grammar' | 'fns' | 'fnAt'>;
const LISTS: Record<string, ListName> = {
  class: 'classes', call: 'calls', stmt: 'stmts', discard: 'discards', loop: 'loops', await: 'awaits', with: 'withs',
  import: 'imports', if: 'ifs', bind: 'binds', global: 'globals',
};

export function buildIndex(grammar: Grammar, tree: Tree): FileIndex {
  const family = familyOf(grammar);
  const index: FileIndex = {
    family, grammar, fns: [], classes: [], calls: [], stmts: [], discards: [], loops: [], awaits: [], withs: [],
    imports: [], ifs: [], binds: [], globals: [], fnAt: new Map(),
  };
  const captures = query(grammar, QUERY_SOURCE[grammar]).captures(tree.rootNode);
  // Outer nodes first when two start together, functions after the statement that holds them.
  const items = captures.map((c) => ({ name: c.name, node: c.node, start: c.node.startIndex, end: c.node.endIndex }));
  items.sort((a, b) => a.start - b.start || b.end - a.end || (a.name === 'fn' ? 1 : 0) - (b.name === 'fn' ? 1 : 0));

  const stack: FnInfo[] = [];
  for (const item of items) {
    while (stack.length > 0 && item.start >= stack[stack.length - 1].endIndex) stack.pop();
    const enclosing = stack.length > 0 ? stack[stack.length - 1] : null;
    if (item.name === 'fn') {
      if (index.fnAt.has(item.start) && index.fnAt.get(item.start)!.endIndex === item.end) continue;
      const info = describeFunction(family, item.node, enclosing, item.start, item.end);
      index.fns.push(info);
      index.fnAt.set(item.start, info);
      stack.push(info);
      continue;
    }
    const list = LISTS[item.name];
    if (list) index[list].push({ node: item.node, fn: enclosing });
  }
  return index;
}

function hasKeyword(node: Node, keyword: string): boolean {
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i);
    if (!child) continue;
    if (child.type === keyword && !child.isNamed) return true;
    if (child.isNamed && child.type !== 'decorator') return false;
  }
  return false;
}

function describeFunction(family: Family, node: Node, parent: FnInfo | null, startIndex: number, endIndex: number): FnInfo {
  const isAsync = node.type !== 'lambda' && hasKeyword(node, 'async');
  let name: string | null = node.childForFieldName('name')?.text ?? null;
  let classNode: Node | null = null;
  let isGenerator = false;
  if (family === 'js') {
    isGenerator = node.type.startsWith('generator_') || (node.type === 'method_definition' && hasStar(node));
    if (!name && node.parent?.type === 'variable_declarator') name = node.parent.childForFieldName('name')?.text ?? null;
    if (!name && node.parent?.type === 'pair') name = node.parent.childForFieldName('key')?.text ?? null;
    if (node.type === 'method_definition') classNode = node.parent?.type === 'class_body' ? node.parent.parent : null;
  } else if (node.type === 'function_definition') {
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
