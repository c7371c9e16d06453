/** Plain data shared by the analysis core and its adapters (LSP server, CLI). No vscode, no LSP. */
import type { Family, Grammar } from './parser';

export const SEVERITIES = ['off', 'hint', 'information', 'warning', 'error'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Zero-based line and UTF-16 column, as LSP counts them. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Related {
  range: Range;
  message: string;
  /** the file it is in, when not the analysed one (absolute path) */
  file?: string;
}

/** A text edit within the analysed file, for quick fixes. */
export interface Edit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: Edit[];
  /** what the code meant, with no choice to make: applied by source.fixAll (on save) */
  safe?: boolean;
}

export interface Finding {
  rule: string;
  severity: Exclude<Severity, 'off'>;
  range: Range;
  message: string;
  related?: Related[];
  fixes?: Fix[];
}

/** The analysis settings; the editor reads them per resource, the CLI from concurrency-lens.json. */
export interface AnalysisSettings {
  /** rule id -> severity; absent ids keep their default */
  rules: Record<string, Severity>;
  /** extra qualified names to treat as blocking calls (`mylib.slow_query`, `db.querySync`) */
  blockingCalls: string[];
  /** qualified names never to report */
  ignore: string[];
}

export interface RuleDoc {
  /** the markdown page, docs/rules/<id>.md */
  markdown: string;
}

export interface AnalysisResult {
  findings: Finding[];
  /** rules that threw, with their error; the other rules still reported */
  failures: { rule: string; error: string }[];
  /** set when the file was not analysed (too large, too slow) */
  skipped?: string;
  ms: number;
}

export type { Family, Grammar };
