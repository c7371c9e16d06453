/**
 * What can be run in a file: the one answer shared by the CodeLens (server) and
 * `concurrency-lens run` (CLI). Top-level functions come from a tree-sitter query per language
 * family (queries/*.scm); cells are the spans between `# %%` (Python) or `// %%` (JS/TS)
 * comment markers. Pure: no vscode, no LSP, no file system.
 *
 * Lines here are 0-based and inclusive, like RunTarget in protocol.ts.
 */
import { familyOf, parse, query, matchesWithin, checkNesting, type Grammar, type Node, type Tree } from '../core/parser';
import PYTHON_RUNNABLES from './queries/python-runnables.scm';
import JS_RUNNABLES from './queries/js-runnables.scm';

export interface Runnable {
  kind: 'function' | 'cell';
  /** the function's name; for a cell, the marker's title or `cell N` */
  name: string;
  /** 0-based, inclusive; a function's range includes its decorators, a cell's its marker line */
  startLine: number;
  endLine: number;
  /** `async def` / `async function`: worth knowing for the coroutine harness */
  async: boolean;
}

export interface Selection {
  kind: 'selection';
  name: string;
  /** 0-based, inclusive, blank lines at either end trimmed */
  startLine: number;
  endLine: number;
}

/** A top-level statement a synthetic cell/selection module copies (imports, definitions, variables). */
export interface KeptRange {
  startLine: number;
  endLine: number;
  /** Python: the module-level names an assignment binds (a cell assigning them needs `global`) */
  binds: string[];
}

function querySource(g: Grammar): string {
  return familyOf(g) === 'python' ? PYTHON_RUNNABLES : JS_RUNNABLES;
}

function hasAsyncKeyword(fn: Node): boolean {
  return fn.children.some((c) => c?.type === 'async');
}

interface Scan {
  functions: Runnable[];
  keep: KeptRange[];
}

function scan(g: Grammar, tree: Tree): Scan {
  const functions: Runnable[] = [];
  const keep: KeptRange[] = [];
  for (const m of matchesWithin(query(g, querySource(g)), tree.rootNode)) {
    const by = new Map(m.captures.map((c) => [c.name, c.node]));
    const whole = by.get('function') ?? by.get('keep');
    if (!whole) continue;
    const range = { startLine: whole.startPosition.row, endLine: lastLine(whole) };
    const name = by.get('name');
    const fn = by.get('fn');
    if (by.has('function') && name && fn) {
      functions.push({ kind: 'function', name: name.text, ...range, async: hasAsyncKeyword(fn) });
    }
    if (by.has('keep') && awaitsOutsideFunctions(whole)) continue;
    const assign = by.get('assign');
    keep.push({ ...range, binds: assign ? boundNames(assign.childForFieldName('left')) : [] });
  }
  return {
    functions: uniqueByLine(functions, (f) => `${f.name}:${f.startLine}`),
    keep: uniqueByLine(keep, (r) => `${r.startLine}:${r.endLine}`),
  };
}

const AWAIT_TYPES = ['await', 'await_expression'];
/** Scopes of their own, Python and JS/TS: what is inside runs when called, not where written. */
export const FUNCTION_TYPES = new Set(['function_definition', 'lambda', 'class_definition', 'function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'generator_function_declaration', 'class_declaration', 'class']);

/** A statement that awaits as it runs (not in a function it defines): it cannot run at load. */
function awaitsOutsideFunctions(stmt: Node): boolean {
  return stmt.descendantsOfType(AWAIT_TYPES).some((a) => {
    for (let n = a?.parent ?? null; n && n.id !== stmt.id; n = n.parent) if (FUNCTION_TYPES.has(n.type)) return false;
    return a !== null;
  });
}

/**
 * The plain names a Python assignment target or `for` target binds: `a`, `a, b`, `[a, *b]`;
 * not `o.attr` or `d[k]`, which bind nothing new.
 */
export function boundNames(target: Node | null): string[] {
  if (!target) return [];
  if (target.type === 'identifier') return [target.text];
  if (['pattern_list', 'tuple_pattern', 'list_pattern', 'list_splat_pattern', 'parenthesized_expression'].includes(target.type)) {
    return target.namedChildren.flatMap((c) => boundNames(c));
  }
  return [];
}

/** A node ending at column 0 of a line (a trailing newline) ends on the line before. */
function lastLine(n: Node): number {
  const end = n.endPosition;
  return end.column === 0 && end.row > n.startPosition.row ? end.row - 1 : end.row;
}

/** Query matches can repeat a node (one per declarator, per alternative): keep one, in line order. */
function uniqueByLine<T extends { startLine: number }>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => !seen.has(key(t)) && seen.add(key(t))).sort((a, b) => a.startLine - b.startLine);
}

const CELL_MARKER: Record<'python' | 'js', RegExp> = {
  python: /^\s*#\s*%%(.*)$/,
  js: /^\s*\/\/\s*%%(.*)$/,
};

/** Cells: each marker starts one, running to the line before the next marker or the end. */
function cells(g: Grammar, lines: string[], tree: Tree): Runnable[] {
  const marker = CELL_MARKER[familyOf(g)];
  const starts: Array<{ line: number; title: string }> = [];
  lines.forEach((text, row) => {
    const m = marker.exec(text);
    if (!m) return;
    // A marker inside a multi-line string is not a marker.
    const at = tree.rootNode.descendantForPosition({ row, column: text.indexOf('%') });
    if (at?.type !== 'comment') return;
    starts.push({ line: row, title: m[1].replace(/^\s*\[.*?\]\s*/, '').trim() });
  });
  return starts.map((s, k) => {
    let end = (k + 1 < starts.length ? starts[k + 1].line : lines.length) - 1;
    while (end > s.line && lines[end].trim() === '') end--;
    return { kind: 'cell' as const, name: s.title || `cell ${k + 1}`, startLine: s.line, endLine: end, async: /\bawait\b/.test(lines.slice(s.line + 1, end + 1).join('\n')) };
  });
}

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Everything runnable in a document, in line order. Pass a tree when you already have one. */
export function findRunnables(g: Grammar, text: string, tree?: Tree): Runnable[] {
  const t = tree ?? parse(g, text);
  checkNesting(t);
  const all = [...scan(g, t).functions, ...cells(g, splitLines(text), t)];
  return all.sort((a, b) => a.startLine - b.startLine || (a.kind === 'cell' ? -1 : 1));
}

/** The top-level imports and definitions a synthetic module keeps (see synthetic.ts). */
export function keptRanges(g: Grammar, text: string, tree?: Tree): KeptRange[] {
  return scan(g, tree ?? parse(g, text)).keep;
}

/**
 * The runnable that `--line N` (0-based here) means: the innermost function or cell containing
 * it, a function inside a cell winning over the cell.
 */
export function runnableAtLine(runnables: Runnable[], line: number): Runnable | undefined {
  const containing = runnables.filter((r) => r.startLine <= line && line <= r.endLine);
  return containing.sort((a, b) => (a.endLine - a.startLine) - (b.endLine - b.startLine))[0];
}

/**
 * A selection target from 0-based inclusive lines, blank lines at the ends trimmed; undefined
 * when nothing but blank lines (or lines past the end) is selected.
 */
export function selectionTarget(text: string, startLine: number, endLine: number): Selection | undefined {
  const lines = splitLines(text);
  let a = Math.max(0, Math.min(startLine, endLine));
  let b = Math.min(lines.length - 1, Math.max(startLine, endLine));
  while (a <= b && lines[a].trim() === '') a++;
  while (b >= a && lines[b].trim() === '') b--;
  if (a > b) return undefined;
  return { kind: 'selection', name: a === b ? `line ${a + 1}` : `lines ${a + 1}-${b + 1}`, startLine: a, endLine: b };
}
