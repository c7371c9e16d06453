/**
 * The analysis core: text in, findings out. Pure: no vscode, no LSP, no file system.
 * The LSP server, the CLI and the tests are adapters over `analyzeText` / `analyzeTree`.
 */
import { parse, familyOf, checkNesting, lspText, ParseTimeout, BudgetExceeded, type Grammar, type Tree, type Node } from './parser';
import { buildIndex, type FileIndex, type FnInfo } from './fileindex';
import { Names } from './names';
import { RULES } from './rules';
import type { Rule, RuleContext, Report } from './rule';
import { nodeRange } from './rule';
import { findSuppressions, isSuppressed } from './suppress';
import type { AnalysisResult, AnalysisSettings, Finding, Severity } from './types';
import { summarize, type ModuleSummary } from './project/summary';
import { ProjectIndex } from './project/project';
import { TypeResolver } from './project/resolver';

export const DEFAULT_ANALYSIS_SETTINGS: AnalysisSettings = { rules: {}, blockingCalls: [], ignore: [] };

/** Files above this size are reported as skipped rather than analysed on every keystroke. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** Why a text is too large to analyse on every keystroke, or undefined when it is not. */
export function sizeCap(text: string): string | undefined {
  // UTF-16 length is a cheap lower bound of the UTF-8 size; count bytes only near the cap.
  if (text.length * 3 <= MAX_FILE_BYTES) return undefined;
  return Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES ? `larger than ${MAX_FILE_BYTES / 1024 / 1024} MB` : undefined;
}

/** Past this, the remaining rules are skipped and the result says so. */
export const ANALYSIS_BUDGET_MS = 5000;

export interface Analysis {
  index: FileIndex;
  names: Names;
  /** what this module declares, as other files see it */
  summary: ModuleSummary;
  /** declared-type resolution in this file, through the project */
  types: TypeResolver;
}

/** Where a text sits: its path, and the project index its imports resolve in. */
export interface Place {
  file: string;
  project: ProjectIndex;
  /** the file's summary, when the caller already made it from this tree */
  summary?: ModuleSummary;
}

const UNTITLED: Record<Grammar, string> = {
  python: '/untitled/module.py', typescript: '/untitled/module.ts', tsx: '/untitled/module.tsx', javascript: '/untitled/module.js',
};

/**
 * Builds the per-file index and name tables that rules and hovers share. Given the parsed
 * text, the index reads some facts from it rather than from the tree (see describeFunction).
 * The file's summary goes into the project (a project of its own without a place), so its own
 * classes and functions resolve like any other module's.
 */
export function prepare(grammar: Grammar, tree: Tree, text?: string, place?: Place): Analysis {
  const index = buildIndex(grammar, tree, text === undefined ? undefined : lspText(text));
  const names = new Names(index);
  const summary = place?.summary ?? summarize(familyOf(grammar), tree, text === undefined || index.text === undefined ? undefined : {
    text: index.text, calls: index.calls.map((c) => ({ start: c.start ?? c.node.startIndex, fnStart: c.fn?.startIndex ?? null })),
  });
  const file = place?.file ?? UNTITLED[grammar];
  const project = place?.project ?? new ProjectIndex();
  if (project.summary(file) !== summary) project.set(file, summaryKey(summary), summary);
  const types = new TypeResolver(file, project, names, index);
  names.libTypeOf = (node, fn) => types.libTypeOf(node, fn);
  return { index, names, summary, types };
}

/** Two summaries with one key declare the same: what dependents read is unchanged. */
export function summaryKey(summary: ModuleSummary): string {
  return JSON.stringify(summary);
}

export function severityOf(rule: Rule, settings: AnalysisSettings): Severity {
  return settings.rules[rule.id] ?? rule.defaultSeverity;
}

export function analyzeText(grammar: Grammar, text: string, settings: AnalysisSettings = DEFAULT_ANALYSIS_SETTINGS, place?: Place): AnalysisResult {
  const started = performance.now();
  const tooLarge = sizeCap(text);
  if (tooLarge) return { findings: [], failures: [], skipped: tooLarge, ms: performance.now() - started };
  let tree: Tree;
  try {
    tree = parse(grammar, text);
  } catch (err) {
    if (err instanceof ParseTimeout) return { findings: [], failures: [], skipped: err.message, ms: performance.now() - started };
    throw err;
  }
  try {
    checkNesting(tree);
    return analyzeTree(grammar, text, tree, settings, place ? prepare(grammar, tree, text, place) : undefined, started);
  } catch (err) {
    if (err instanceof BudgetExceeded) return { findings: [], failures: [], skipped: err.message, ms: performance.now() - started };
    throw err;
  } finally {
    tree.delete();
  }
}

export function analyzeTree(
  grammar: Grammar,
  text: string,
  tree: Tree,
  settings: AnalysisSettings,
  prepared?: Analysis,
  started = performance.now(),
): AnalysisResult {
  const family = familyOf(grammar);
  text = lspText(text); // what the tree was parsed from: rules that read lines read them as its rows
  const { index, names, types } = prepared ?? prepare(grammar, tree, text);
  const suppressions = findSuppressions(tree.rootNode, text, family);
  const ignore = new Set(settings.ignore);
  const findings: Finding[] = [];
  const failures: AnalysisResult['failures'] = [];

  let skipped: string | undefined;
  for (const rule of RULES) {
    if (!rule.families.includes(family)) continue;
    if (performance.now() - started > ANALYSIS_BUDGET_MS) {
      skipped = `analysis took over ${ANALYSIS_BUDGET_MS / 1000} s; rules from ${rule.id} on were skipped`;
      break;
    }
    const severity = severityOf(rule, settings);
    if (severity === 'off') continue;
    const ctx: RuleContext = {
      family, text, index, names, types, settings,
      range: nodeRange,
      callee: (call: Node, fn: FnInfo | null) => names.qualifyCallee(call, fn),
      describe,
      report(r: Report) {
        if (r.name && ignore.has(r.name)) return;
        const range = r.range ?? (r.node ? nodeRange(r.node) : undefined);
        if (!range) throw new Error(`rule ${rule.id} reported without a node or range`);
        if (isSuppressed(suppressions, range.start.line, rule.id)) return;
        findings.push({ rule: rule.id, severity, range, message: r.message, related: r.related, fixes: r.fixes });
      },
    };
    try {
      rule.check(ctx);
    } catch (err) {
      failures.push({ rule: rule.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  }
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.rule.localeCompare(b.rule));
  return { findings, failures, skipped, ms: performance.now() - started };
}

function describe(fn: FnInfo): string {
  const name = fn.name ?? '<anonymous>';
  switch (fn.node.type) {
    case 'function_definition':
      return `${fn.isAsync ? 'async def' : 'def'} ${name}`;
    case 'method_definition':
      return `${fn.isAsync ? 'async method' : 'method'} ${name}`;
    case 'arrow_function':
      return fn.name ? `${fn.isAsync ? 'async arrow function' : 'arrow function'} ${name}` : (fn.isAsync ? 'an async arrow function' : 'an arrow function');
    default:
      return `${fn.isAsync ? 'async function' : 'function'} ${name}`;
  }
}
