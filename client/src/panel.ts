/**
 * The results panel's host side: one webview panel, reused, that shows a run side by side
 * (media/src/panel.ts draws it). The run feature tells it when a run begins, streams progress
 * to it and hands it the result; the panel computes the verdict and exports the trace.
 *
 * The page is not kept alive while hidden (no retainContextWhenHidden): it keeps the finished
 * run in its own state, and on every load says `ready`, on which the host replays the run that
 * is going, or sends the last one. The run data lives here, in statics, so a panel closed in
 * the middle of a run can be reopened with everything that happened.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { toTrace } from '../../server/src/harness/trace';
import { speedUps, verdict } from '../../server/src/harness/verdict';
import type { RunProgress, RunResult } from '../../server/src/harness/types';
import { OUTPUT_CAP, PANEL_VIEW_TYPE, capText, type HostMessage, type HostMessages, type PageMessage, type PanelRun, type PanelState } from './panel-protocol';

export const PanelCommands = {
  showResults: 'concurrencyLens.showResults',
  exportTrace: 'concurrencyLens.exportTrace',
} as const;

export class ResultsPanel {
  private static current: ResultsPanel | undefined;
  /** the last finished run */
  private static last: PanelRun | undefined;
  /** the run going now, as the messages that drew it so far (replayed to a page that reloads) */
  private static live: HostMessage[] | undefined;
  private static liveStart = new Map<string, number>();
  private static liveOutput = new Map<string, number>();

  private disposed = false;

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly context: vscode.ExtensionContext) {
    panel.webview.options = webviewOptions(context);
    panel.webview.html = html(panel.webview, context);
    panel.onDidDispose(() => this.dispose(), undefined, context.subscriptions);
    panel.webview.onDidReceiveMessage((m: PageMessage) => this.receive(m), undefined, context.subscriptions);
  }

  /** Shows the panel, creating it once; later calls reveal the same one. */
  static createOrShow(context: vscode.ExtensionContext, preserveFocus = true): ResultsPanel {
    const current = ResultsPanel.current;
    if (current && !current.disposed) {
      if (!preserveFocus || !current.panel.visible) current.panel.reveal(undefined, preserveFocus);
      return current;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Run Results', { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, {
      ...webviewOptions(context),
      enableFindWidget: true,
    });
    return (ResultsPanel.current = new ResultsPanel(panel, context));
  }

  /** The serializer, and the commands that show the panel and export its run. */
  static register(context: vscode.ExtensionContext): void {
    context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: PanelState | undefined) {
        // After a reload the host has no run of its own: the page's saved one is the last run.
        if (!ResultsPanel.last && state?.run?.result?.version === 1) ResultsPanel.last = state.run;
        ResultsPanel.current?.panel.dispose();
        ResultsPanel.current = new ResultsPanel(panel, context);
      },
    }));
    const commands: { id: string; run: () => unknown }[] = [
      { id: PanelCommands.showResults, run: () => ResultsPanel.createOrShow(context, false) },
      { id: PanelCommands.exportTrace, run: () => ResultsPanel.exportTrace() },
    ];
    for (const c of commands) context.subscriptions.push(vscode.commands.registerCommand(c.id, c.run));
  }

  /** A run begins: the panel clears and streams what follows. */
  begin(info: HostMessages['begin']): void {
    ResultsPanel.live = [];
    ResultsPanel.liveStart.clear();
    ResultsPanel.liveOutput.clear();
    this.record({ type: 'begin', payload: info });
  }

  progress(p: RunProgress): void {
    if (!ResultsPanel.live) this.begin({ title: 'Run', file: '', tasks: null });
    if (p.kind === 'harness-start') ResultsPanel.liveStart.set(p.harness, Date.now());
    const atMs = Date.now() - (ResultsPanel.liveStart.get(p.harness) ?? Date.now());
    if (p.kind === 'output') {
      // Output beyond the cap is left out while streaming; the result carries the whole (capped) text.
      const key = `${p.harness}/${p.stream}`;
      const seen = ResultsPanel.liveOutput.get(key) ?? 0;
      if (seen >= OUTPUT_CAP) return;
      ResultsPanel.liveOutput.set(key, seen + p.text.length);
      p = { ...p, text: p.text.slice(0, OUTPUT_CAP - seen) };
    }
    this.record({ type: 'progress', payload: { progress: p, atMs } });
  }

  /** The run finished: its result replaces what streamed. */
  show(result: RunResult): void {
    const run: PanelRun = {
      result: { ...result, runs: result.runs.map((r) => ({ ...r, stdout: capText(r.stdout), stderr: capText(r.stderr) })) },
      verdict: verdict(result),
      speedUps: speedUps(result),
    };
    ResultsPanel.last = run;
    ResultsPanel.live = undefined;
    this.post({ type: 'show', payload: run });
  }

  /** Saves the last run as a Chrome trace-event file (chrome://tracing, ui.perfetto.dev). */
  static async exportTrace(): Promise<vscode.Uri | undefined> {
    const run = ResultsPanel.last;
    if (!run) {
      void vscode.window.showInformationMessage('Concurrency Lens: no run to export yet. Run a function first.');
      return undefined;
    }
    const { result } = run;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(path.dirname(result.file));
    const name = `${result.snippet.name.replace(/[^\w.-]+/g, '_') || 'run'}.trace.json`;
    const target = await vscode.window.showSaveDialog({
      title: 'Export Run as Chrome Trace',
      defaultUri: vscode.Uri.joinPath(folder, name),
      filters: { 'Trace Event JSON': ['json'] },
      saveLabel: 'Export Trace',
    });
    if (!target) return undefined;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(JSON.stringify(toTrace(result))));
    void vscode.window.showInformationMessage(`Concurrency Lens: trace saved to ${target.fsPath}. Open it in ui.perfetto.dev or chrome://tracing.`, 'Open Perfetto').then((c) => {
      if (c) void vscode.env.openExternal(vscode.Uri.parse('https://ui.perfetto.dev'));
    });
    return target;
  }

  exportTrace(): Promise<vscode.Uri | undefined> {
    return ResultsPanel.exportTrace();
  }

  private record(m: HostMessage): void {
    ResultsPanel.live?.push(m);
    this.post(m);
  }

  private post(m: HostMessage): void {
    // A hidden or closed page drops the message; it asks for everything again when it loads.
    if (!this.disposed) void this.panel.webview.postMessage(m);
  }

  private receive(m: PageMessage): void {
    switch (m.type) {
      case 'ready':
        if (ResultsPanel.live) for (const msg of ResultsPanel.live) this.post(msg);
        else if (ResultsPanel.last) this.post({ type: 'show', payload: ResultsPanel.last });
        break;
      case 'exportTrace':
        void ResultsPanel.exportTrace().catch((err: unknown) =>
          vscode.window.showErrorMessage(`Concurrency Lens: could not save the trace: ${err instanceof Error ? err.message : String(err)}`));
        break;
    }
  }

  private dispose(): void {
    this.disposed = true;
    if (ResultsPanel.current === this) ResultsPanel.current = undefined;
  }
}

function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'media')] };
}

function html(webview: vscode.Webview, context: vscode.ExtensionContext): string {
  const media = vscode.Uri.joinPath(context.extensionUri, 'dist', 'media');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.css'));
  const nonce = randomBytes(16).toString('base64');
  // The page is static: every piece of run data arrives by postMessage and is written as text.
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src ${webview.cspSource}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Run Results</title>
</head>
<body>
<main id="app"></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
