/** The shape of a rule and the context it runs in. Each rule lives in rules/<id>.ts. */
import type { Node, Family } from './parser';
import type { FileIndex, FnInfo } from './fileindex';
import type { Names } from './names';
import type { TypeResolver } from './project/resolver';
import type { AnalysisSettings, Fix, Related, Range, Severity } from './types';

export interface Rule {
  /** stable id, the diagnostic code */
  id: string;
  families: readonly Family[];
  defaultSeverity: Exclude<Severity, 'off'>;
  /** the markdown page docs/rules/<id>.md: what it reports, why, bad example, good example */
  doc: string;
  check(ctx: RuleContext): void;
}

export interface Report {
  node?: Node;
  range?: Range;
  message: string;
  related?: Related[];
  fixes?: Fix[];
  /** the qualified name the finding is about, so `concurrencyLens.ignore` can silence it */
  name?: string;
}

export interface RuleContext {
  family: Family;
  text: string;
  index: FileIndex;
  names: Names;
  /** declared types across the project: what a call runs and gives (project/resolver.ts) */
  types: TypeResolver;
  settings: AnalysisSettings;
  report(r: Report): void;
  range(node: Node): Range;
  /** the qualified name of a call's callee, through imports, aliases and plain local kinds */
  callee(call: Node, fn: FnInfo | null): string | undefined;
  /** a short label for a function, for messages: "async def fetch", "async function load" */
  describe(fn: FnInfo): string;
}

export function nodeRange(node: Node): Range {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}

/** "`name`" in messages, escaped for markdown backticks */
export function code(text: string): string {
  return '`' + text.replace(/`/g, "'") + '`';
}
