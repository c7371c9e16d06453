/**
 * Runs from the editor: the run commands, the selection lenses, the status-bar item with its
 * stop action, and the output channel the results go to. The orchestration is the pure core
 * in server/src/harness; this file only adapts it to VS Code.
 */
import * as vscode from 'vscode';
import { Commands, type HarnessChoice, type RunTarget } from '../../server/src/protocol';
import { runSnippet, snippetTarget } from '../../server/src/harness/orchestrator';
import { formatTable } from '../../server/src/harness/run-command';
import { selectionTarget } from '../../server/src/harness/runnables';
import type { RunProgress, RunResult } from '../../server/src/harness/types';
import * as os from 'node:os';
import * as path from 'node:path';
import { SECTION } from '../../server/src/settings';
import { ResultsPanel } from './panel';

const HARNESS_PICKS: { label: string; harness: HarnessChoice; detail: string }[] = [
  { label: 'compare', harness: 'compare', detail: 'serial, threads, processes and coroutines, side by side' },
  { label: 'serial', harness: 'serial', detail: 'one call after another: the baseline' },
  { label: 'threads', harness: 'thread', detail: 'a thread pool (worker_threads in Node)' },
  { label: 'processes', harness: 'process', detail: 'a process pool (child_process.fork in Node)' },
  { label: 'coroutines', harness: 'coroutine', detail: 'one event loop' },
  { label: 'ray', harness: 'ray', detail: 'Ray tasks on a local cluster or concurrencyLens.ray.address (Python, needs ray installed)' },
  { label: 'all', harness: 'all', detail: 'compare, then ray' },
];

const UNTRUSTED = 'Concurrency Lens runs code only in a trusted workspace. Diagnostics and hovers keep working here.';

export interface RunApi {
  lastRun(): RunResult | undefined;
  onDidFinishRun: vscode.Event<RunResult>;
}

const EXTENSIONS: Record<string, string> = { python: '.py', typescript: '.ts', typescriptreact: '.tsx', javascript: '.js', javascriptreact: '.jsx' };

/** The path a run loads: the file itself, or for an untitled editor a name the runners can load by its extension. */
function runnableFile(doc: vscode.TextDocument): string {
  if (!doc.isUntitled) return doc.uri.fsPath;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.tmpdir();
  return path.join(folder, `${doc.uri.path.replace(/[^\w-]/g, '_')}${EXTENSIONS[doc.languageId] ?? ''}`);
}

/** Whole lines are selected: from a line start to a line end or the next line's start. */
function wholeLines(doc: vscode.TextDocument, sel: vscode.Selection): { start: number; end: number } | undefined {
  if (sel.isEmpty || sel.start.character !== 0) return undefined;
  if (sel.end.character === 0 && sel.end.line > sel.start.line) return { start: sel.start.line, end: sel.end.line - 1 };
  if (sel.end.character === doc.lineAt(sel.end.line).range.end.character) return { start: sel.start.line, end: sel.end.line };
  return undefined;
}

async function pythonFromExtension(uri: vscode.Uri): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension('ms-python.python');
  if (!ext) return undefined;
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    const env = api?.environments?.getActiveEnvironmentPath?.(uri);
    return typeof env?.path === 'string' ? env.path : undefined;
  } catch {
    return undefined; // the Python extension could not answer: fall back to PATH
  }
}

class SelectionLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  constructor(private readonly context: vscode.ExtensionContext) {
    context.subscriptions.push(this.changed, vscode.window.onDidChangeTextEditorSelection(() => this.changed.fire()));
  }
  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const editor = vscode.window.activeTextEditor;
    const cfg = vscode.workspace.getConfiguration(SECTION, doc.uri);
    if (!editor || editor.document !== doc || !cfg.get<boolean>('lens.selection', true)) return [];
    const lines = wholeLines(doc, editor.selection);
    if (!lines) return [];
    const sel = selectionTarget(doc.getText(), lines.start, lines.end);
    if (!sel) return [];
    const range = new vscode.Range(sel.startLine, 0, sel.startLine, 0);
    if (!vscode.workspace.isTrusted) return [new vscode.CodeLens(range, { title: '$(shield) Runs need a trusted workspace', command: 'workbench.trust.manage', tooltip: UNTRUSTED })];
    const tasks = cfg.get<number>('run.tasks', 4);
    const mk = (title: string, harness: HarnessChoice) => {
      const target: RunTarget = { uri: doc.uri.toString(), kind: 'selection', name: sel.name, startLine: sel.startLine, endLine: sel.endLine, harness };
      return new vscode.CodeLens(range, { title, command: Commands.run, arguments: [target] });
    };
    return [mk(`▶ Run selection ×${tasks}`, 'serial'), mk('threads', 'thread'), mk('processes', 'process'), mk('coroutines', 'coroutine'), mk('compare', 'compare')];
  }
}

export function registerRuns(context: vscode.ExtensionContext, selector: vscode.DocumentSelector): RunApi {
  const output = vscode.window.createOutputChannel('Concurrency Lens Runs');
  const status = vscode.window.createStatusBarItem('concurrencyLens.run', vscode.StatusBarAlignment.Left, 50);
  status.name = 'Concurrency Lens run';
  status.command = Commands.stop;
  const finished = new vscode.EventEmitter<RunResult>();
  context.subscriptions.push(output, status, finished);
  let current: AbortController | undefined;
  let last: RunResult | undefined;

  /** Every way into a run passes here first: in an untrusted workspace it says why not. */
  function refuseUntrusted(): boolean {
    if (vscode.workspace.isTrusted) return false;
    void vscode.window.showWarningMessage(UNTRUSTED, 'Manage Workspace Trust').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return true;
  }

  async function run(target: RunTarget): Promise<RunResult | undefined> {
    if (refuseUntrusted()) return undefined;
    if (current) {
      void vscode.window.showWarningMessage('Concurrency Lens: a run is already going. Stop it first (status bar).');
      return undefined;
    }
    const uri = vscode.Uri.parse(target.uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    const cfg = vscode.workspace.getConfiguration(SECTION, uri);
    const harness = target.harness;
    const abort = new AbortController();
    current = abort;
    const label = `${target.name} (${harness})`;
    status.text = `$(sync~spin) ${label} $(debug-stop)`;
    status.tooltip = 'Concurrency Lens: a run is going. Click to stop it and kill its processes.';
    status.show();
    output.clear();
    output.show(true);
    output.appendLine(`▶ ${doc.uri.fsPath}: ${label}, ${cfg.get<number>('run.tasks', 4)} tasks`);
    const panel = ResultsPanel.createOrShow(context);
    panel.begin({ title: target.kind === 'function' ? `${target.name}()` : target.name, file: doc.uri.fsPath, tasks: cfg.get<number>('run.tasks', 4) });
    const onProgress = (p: RunProgress) => {
      panel.progress(p);
      if (p.kind === 'harness-start') output.appendLine(`— ${p.harness}`);
      else if (p.kind === 'task-end') output.appendLine(`  task ${p.task.index} ${p.task.ok ? 'ok' : 'failed'} on ${p.task.worker.thread} (pid ${p.task.worker.pid}) in ${Math.round(p.task.endMs - p.task.startMs)} ms`);
      else if (p.kind === 'output') output.append(p.text.replace(/^/gm, '  | ').replace(/ \| $/, ''));
    };
    try {
      const result = await runSnippet({
        file: runnableFile(doc),
        text: doc.isDirty || doc.isUntitled ? doc.getText() : undefined,
        target: snippetTarget(target),
        harness,
        tasks: cfg.get<number>('run.tasks', 4),
        timeoutSeconds: cfg.get<number>('run.timeoutSeconds', 30),
        pythonPath: cfg.get<string>('pythonPath') || (doc.languageId === 'python' ? await pythonFromExtension(uri) : undefined),
        nodePath: cfg.get<string>('nodePath') || undefined,
        rayAddress: cfg.get<string>('ray.address') || undefined,
      }, onProgress, abort.signal);
      last = result;
      panel.show(result);
      output.appendLine('');
      output.append(formatTable(result));
      const bad = result.runs.find((r) => r.error);
      if (bad?.error) {
        const setting = /concurrencyLens\.(pythonPath|nodePath)/.exec(bad.error)?.[0];
        void vscode.window.showErrorMessage(`Concurrency Lens: ${bad.error}`, ...(setting ? ['Open Settings'] : [])).then((c) => {
          if (c && setting) void vscode.commands.executeCommand('workbench.action.openSettings', setting);
        });
      }
      finished.fire(result);
      return result;
    } catch (err) {
      void vscode.window.showErrorMessage(`Concurrency Lens: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    } finally {
      current = undefined;
      status.hide();
    }
  }

  async function pickHarness(): Promise<HarnessChoice | undefined> {
    return (await vscode.window.showQuickPick(HARNESS_PICKS, { title: 'Run in which harness?' }))?.harness;
  }

  async function runAtCursor(target?: RunTarget): Promise<RunResult | undefined> {
    if (refuseUntrusted()) return undefined;
    if (target) return run(target);
    const editor = vscode.window.activeTextEditor;
    if (!editor) return undefined;
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
    const line = editor.selection.active.line;
    const candidates = (lenses ?? [])
      .map((l) => l.command?.arguments?.[0] as RunTarget | undefined)
      .filter((t): t is RunTarget => !!t && t.kind !== 'selection' && t.startLine <= line && line <= t.endLine);
    const innermost = candidates.sort((a, b) => (a.endLine - a.startLine) - (b.endLine - b.startLine))[0];
    if (!innermost) {
      void vscode.window.showInformationMessage('Concurrency Lens: put the cursor in a top-level function or a cell to run it, or select whole lines.');
      return undefined;
    }
    const harness = await pickHarness();
    return harness ? run({ ...innermost, harness }) : undefined;
  }

  async function runSelection(): Promise<RunResult | undefined> {
    if (refuseUntrusted()) return undefined;
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.selection.isEmpty) {
      void vscode.window.showInformationMessage('Concurrency Lens: select one or more lines to run.');
      return undefined;
    }
    const sel = selectionTarget(editor.document.getText(), editor.selection.start.line,
      editor.selection.end.character === 0 && editor.selection.end.line > editor.selection.start.line ? editor.selection.end.line - 1 : editor.selection.end.line);
    if (!sel) return undefined;
    const harness = await pickHarness();
    if (!harness) return undefined;
    return run({ uri: editor.document.uri.toString(), kind: 'selection', name: sel.name, startLine: sel.startLine, endLine: sel.endLine, harness });
  }

  const commands: { id: string; run: (...args: never[]) => unknown }[] = [
    { id: Commands.run, run: (target?: RunTarget) => runAtCursor(target) },
    { id: Commands.runSelection, run: () => runSelection() },
    { id: Commands.stop, run: () => current?.abort() },
  ];
  for (const c of commands) context.subscriptions.push(vscode.commands.registerCommand(c.id, c.run));
  context.subscriptions.push(vscode.languages.registerCodeLensProvider(selector, new SelectionLenses(context)));
  return { lastRun: () => last, onDidFinishRun: finished.event };
}
