/**
 * Every message that crosses the client <-> server boundary, declared once: method name,
 * parameter type and which side sends it. The client and the server both import this module.
 */
import { NotificationType } from 'vscode-languageserver-protocol';

/** server -> client: the analysis of a document finished (for the status bar and tests). */
export interface AnalysisStatus {
  uri: string;
  version: number;
  ms: number;
  findings: number;
  /** set when the file was skipped (too large, parse took too long) */
  skipped?: string;
  /** rules that threw on this document */
  failedRules: string[];
}
export const AnalysisStatusNotification = new NotificationType<AnalysisStatus>('concurrencyLens/status');

/** The commands the lenses carry: the server finds what is runnable, the client runs it. */
export const Commands = {
  run: 'concurrencyLens.run',
  runSelection: 'concurrencyLens.runSelection',
  stop: 'concurrencyLens.stop',
  showOutput: 'concurrencyLens.showOutput',
  restartServer: 'concurrencyLens.restartServer',
} as const;

export type HarnessName = 'serial' | 'thread' | 'process' | 'coroutine' | 'ray';
/** `compare`: the four local harnesses; `all`: those and ray. */
export type HarnessChoice = HarnessName | 'compare' | 'all';

/** What a run lens or command asks the client to run. */
export interface RunTarget {
  uri: string;
  kind: 'function' | 'cell' | 'selection';
  /** function name; for cells and selections a label */
  name: string;
  /** 0-based, inclusive */
  startLine: number;
  endLine: number;
  harness: HarnessChoice;
}
