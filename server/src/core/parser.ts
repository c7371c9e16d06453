/**
 * The one module that loads web-tree-sitter and the grammars.
 *
 * The `.wasm` files come from the npm packages pinned in package.json
 * (web-tree-sitter 0.25.10, tree-sitter-python 0.25.0, tree-sitter-typescript 0.23.2,
 * tree-sitter-javascript 0.25.0); esbuild.mjs copies them beside every bundle, so they
 * are loaded relative to the running bundle and never from node_modules.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Parser, Language, Tree, Node, Query, type QueryCapture, type QueryMatch } from 'web-tree-sitter';

export type { Tree, Node } from 'web-tree-sitter';

/** The grammar a file is parsed with. */
export type Grammar = 'python' | 'typescript' | 'tsx' | 'javascript';
/** Rules and hovers are written per family: the JS family shares node types across its grammars. */
export type Family = 'python' | 'js';

export function familyOf(g: Grammar): Family {
  return g === 'python' ? 'python' : 'js';
}

const EXTENSIONS: Record<string, Grammar> = {
  '.py': 'python', '.pyi': 'python',
  '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript',
  '.tsx': 'tsx',
  '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascript',
};

const LANGUAGE_IDS: Record<string, Grammar> = {
  python: 'python',
  typescript: 'typescript',
  typescriptreact: 'tsx',
  javascript: 'javascript',
  javascriptreact: 'javascript',
};

export function grammarForPath(file: string): Grammar | undefined {
  return EXTENSIONS[path.extname(file).toLowerCase()];
}

export function grammarForLanguageId(languageId: string, file?: string): Grammar | undefined {
  return LANGUAGE_IDS[languageId] ?? (file ? grammarForPath(file) : undefined);
}

const WASM_FILES: Record<Grammar, string> = {
  python: 'tree-sitter-python.wasm',
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript.wasm',
};


let ready: Promise<void> | undefined;
const languages = new Map<Grammar, Language>();
/** Why a grammar could not be loaded: its files are then not analysed, and nothing else fails. */
const unavailable = new Map<Grammar, string>();

/** Thrown when a grammar (or the tree-sitter runtime) failed to load. */
export class GrammarUnavailable extends Error {}

/**
 * Loads the runtime and every grammar once; safe to call many times. Never rejects: what
 * failed to load is recorded per grammar (grammarProblem), so one missing `.wasm` costs only
 * its own language.
 */
export function initParsers(): Promise<void> {
  ready ??= (async () => {
    // The wasm files sit beside the bundle (esbuild.mjs copies them beside every one it makes).
    const dir = __dirname;
    const runtime = path.join(dir, 'tree-sitter.wasm');
    const grammars = Object.keys(WASM_FILES) as Grammar[];
    try {
      if (!fs.existsSync(runtime)) {
        throw new Error(`tree-sitter runtime not found at ${runtime}: the build copies it beside the bundle (npm run build)`);
      }
      await Parser.init({ locateFile: () => runtime });
    } catch (err) {
      for (const g of grammars) unavailable.set(g, `the ${g} grammar is not available: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    for (const g of grammars) {
      const file = path.join(dir, WASM_FILES[g]);
      try {
        languages.set(g, await Language.load(file));
      } catch (err) {
        unavailable.set(g, `the ${g} grammar is not available: cannot load ${file}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  })();
  return ready;
}

/** Why `g` cannot be parsed, once initParsers() has finished; undefined when it can. */
export function grammarProblem(g: Grammar): string | undefined {
  return unavailable.get(g);
}

export function languageFor(g: Grammar): Language {
  const lang = languages.get(g);
  if (lang) return lang;
  const problem = unavailable.get(g);
  if (problem) throw new GrammarUnavailable(problem);
  throw new Error('initParsers() must finish before parsing');
}

const parsers = new Map<Grammar, Parser>();

/** Thrown when a parse runs past its deadline. */
export class ParseTimeout extends Error {}

/** A parse that takes longer than this is abandoned: the file is reported as skipped. */
export const PARSE_DEADLINE_MS = 3000;

/**
 * The text as the analysis sees it: each lone `\r` (a line break to LSP, plain text to
 * tree-sitter, which counts rows by `\n`) becomes `\n`. Same length and offsets, and the rows
 * of its tree are the lines LSP means: `\n`, `\r\n` and `\r` each end one.
 */
export function lspText(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** Parses text (as lspText), incrementally when an edited old tree of the same grammar is given. */
export function parse(g: Grammar, text: string, oldTree?: Tree | null, deadlineMs = PARSE_DEADLINE_MS): Tree {
  text = lspText(text);
  let parser = parsers.get(g);
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(languageFor(g));
    parsers.set(g, parser);
  }
  const until = performance.now() + deadlineMs;
  const tree = parser.parse(text, oldTree ?? null, { progressCallback: () => performance.now() > until });
  if (!tree) {
    parser.reset();
    throw new ParseTimeout(`parsing took over ${deadlineMs / 1000} s`);
  }
  return tree;
}

/** Thrown when an analysis step would run past its budget: too deep a tree, too long a query. */
export class BudgetExceeded extends Error {}

/**
 * Trees deeper than this are not analysed. Query matching costs time in proportion to the
 * depth at every node (a 100 KB file of `(` kept the server busy for 17 s), while real code
 * stays far below: a chain of 400 calls is about 800 levels deep.
 */
export const MAX_NESTING = 1000;
/**
 * The budgets below, adjustable in one place (tests raise them to reach the rules on huge inputs).
 * The query base is wall time with room for a loaded machine: a 50 ms query on cores shared with
 * other work took over 0.25 s, and a file skipped because the machine was busy is findings lost.
 */
export const limits = { nesting: MAX_NESTING, queryBaseMs: 1000, queryPerMbMs: 2000 };
/**
 * One query over a text may take this long (a fixed part plus a part per MB); past it the file
 * is skipped. Real code takes well under a third of it (about 0.5 s for a query over 2 MB);
 * some broken inputs with no depth at all are quadratic (100 KB of `(`: 28 s).
 */
export function queryBudgetMs(chars: number): number {
  return limits.queryBaseMs + limits.queryPerMbMs * (chars / (1024 * 1024));
}

/**
 * Throws BudgetExceeded when the tree is nested deeper than `limit`. Follows the widest child
 * down from the root: nesting deep enough to matter is brackets or chains inside brackets or
 * chains, each the widest part of what holds it. Reads O(depth x siblings) nodes, not the tree.
 */
export function checkNesting(tree: Tree, limit = limits.nesting): void {
  const cursor = tree.walk();
  try {
    for (let depth = 0; depth <= limit; depth++) {
      if (!cursor.gotoFirstChild()) return;
      let widest = cursor.currentNode;
      let width = cursor.endIndex - cursor.startIndex;
      while (cursor.gotoNextSibling()) {
        const w = cursor.endIndex - cursor.startIndex;
        if (w > width) { width = w; widest = cursor.currentNode; }
      }
      cursor.reset(widest);
    }
  } finally {
    cursor.delete();
  }
  throw new BudgetExceeded(`nested more than ${limit} levels deep`);
}

/**
 * Runs a query with tree-sitter's own time limit. A query past the limit halts and returns
 * nothing, which looks like "no matches": the clock tells them apart. (This build of
 * web-tree-sitter never calls a query's progressCallback, so the limit is timeoutMicros.)
 */
function withinBudget<T>(ms: number, run: (options: { timeoutMicros: number }) => T): T {
  const started = performance.now();
  const found = run({ timeoutMicros: Math.round(ms * 1000) });
  if (performance.now() - started >= ms) throw new BudgetExceeded(`a query took over ${Math.round(ms) / 1000} s`);
  return found;
}

/** `q.captures(node)` within its budget, or a BudgetExceeded (never a silently short list). */
export function capturesWithin(q: Query, node: Node, ms = queryBudgetMs(node.endIndex - node.startIndex)): QueryCapture[] {
  return withinBudget(ms, (options) => q.captures(node, options));
}

/** `q.matches(node)` within its budget, or a BudgetExceeded. */
export function matchesWithin(q: Query, node: Node, ms = queryBudgetMs(node.endIndex - node.startIndex)): QueryMatch[] {
  return withinBudget(ms, (options) => q.matches(node, options));
}

const queries = new Map<string, Query>();

/** Compiles a query once per grammar and source. */
export function query(g: Grammar, source: string): Query {
  const key = `${g}\0${source}`;
  let q = queries.get(key);
  if (!q) {
    q = new Query(languageFor(g), source);
    queries.set(key, q);
  }
  return q;
}

export function isNode(n: Node | null | undefined): n is Node {
  return n !== null && n !== undefined;
}
