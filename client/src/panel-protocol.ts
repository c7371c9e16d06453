/**
 * Every message between the extension and the results panel's page, declared once: a map of
 * message type -> payload for each direction. The host (client/src/panel.ts) and the page
 * (media/src/panel.ts) both import this module; it holds types and pure helpers only, since
 * the page is bundled for the browser.
 */
import type { HarnessName, RunProgress, RunResult } from '../../server/src/harness/types';

export const PANEL_VIEW_TYPE = 'concurrencyLens.results';

/** A finished run, with what the host computed from it (verdict.ts stays on the host side). */
export interface PanelRun {
  result: RunResult;
  verdict: string[];
  speedUps: Partial<Record<HarnessName, number>>;
}

/** extension -> page */
export interface HostMessages {
  /** a run begins: clear the panel and show what runs */
  begin: { title: string; file: string; tasks: number | null };
  /** atMs: the host's ms since that harness started, for tasks still running */
  progress: { progress: RunProgress; atMs: number };
  /** the run finished (or the panel is restored): replaces whatever streamed */
  show: PanelRun;
}

/** page -> extension */
export interface PageMessages {
  /** the page's script is listening: the host sends the last run, if it has one */
  ready: Record<string, never>;
  exportTrace: Record<string, never>;
}

export type Message<M> = { [K in keyof M]: { type: K; payload: M[K] } }[keyof M];
export type HostMessage = Message<HostMessages>;
export type PageMessage = Message<PageMessages>;

/** What the page keeps through getState/setState, and what the serializer hands back. */
export interface PanelState {
  run?: PanelRun;
}

/** Output shown per stream: the head, then a marker with what was left out. */
export const OUTPUT_CAP = 64 * 1024;
export function capText(text: string, cap = OUTPUT_CAP): string {
  if (text.length <= cap) return text;
  return `${text.slice(0, cap)}\n… ${text.length - cap} more characters not shown (\`concurrency-lens run --json\` prints all of it)`;
}
