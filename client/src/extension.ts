/**
 * The extension: starts the language server, registers the commands from one table, and
 * hosts the run features. Everything that can be pure lives in server/src; this is the
 * adapter to the VS Code API.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { LanguageClient, TransportKind, CodeLensRequest, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { AnalysisStatusNotification, Commands, type AnalysisStatus } from '../../server/src/protocol';
import { registerRuns, type RunApi } from './run';
import { ResultsPanel } from './panel';
import { registerLessons } from './lessons';

export const SELECTOR: { scheme: string; language: string }[] = [
  { scheme: 'file', language: 'python' },
  { scheme: 'file', language: 'typescript' },
  { scheme: 'file', language: 'typescriptreact' },
  { scheme: 'file', language: 'javascript' },
  { scheme: 'file', language: 'javascriptreact' },
  { scheme: 'untitled', language: 'python' },
  { scheme: 'untitled', language: 'typescript' },
  { scheme: 'untitled', language: 'typescriptreact' },
  { scheme: 'untitled', language: 'javascript' },
  { scheme: 'untitled', language: 'javascriptreact' },
];

/** What the extension hands to tests and to other extensions. */
export interface ConcurrencyLensApi extends RunApi {
  /** the last analysis status per document URI, as the server reported it */
  lastStatus(uri: string): AnalysisStatus | undefined;
  onStatus: vscode.Event<AnalysisStatus>;
}

let client: LanguageClient | undefined;

function createClient(context: vscode.ExtensionContext, output: vscode.OutputChannel): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: SELECTOR,
    outputChannel: output,
    synchronize: { configurationSection: 'concurrencyLens' },
    middleware: {
      // The server finds what is runnable; in an untrusted workspace the client says why it will not run it.
      provideCodeLenses: async (document, token, next) => {
        const lenses = await next(document, token);
        if (!lenses || vscode.workspace.isTrusted) return lenses;
        const rows = new Map<number, vscode.CodeLens>();
        for (const l of lenses) {
          rows.set(l.range.start.line, new vscode.CodeLens(l.range, {
            title: '$(shield) Runs need a trusted workspace', command: 'workbench.trust.manage',
            tooltip: 'Concurrency Lens runs code only in a trusted workspace. Diagnostics and hovers keep working here.',
          }));
        }
        return [...rows.values()];
      },
    },
  };
  return new LanguageClient('concurrencyLens', 'Concurrency Lens', serverOptions, clientOptions);
}

export async function activate(context: vscode.ExtensionContext): Promise<ConcurrencyLensApi> {
  const output = vscode.window.createOutputChannel('Concurrency Lens');
  context.subscriptions.push(output);
  const statuses = new Map<string, AnalysisStatus>();
  const statusEmitter = new vscode.EventEmitter<AnalysisStatus>();
  context.subscriptions.push(statusEmitter);

  const statusItem = vscode.window.createStatusBarItem('concurrencyLens.analysis', vscode.StatusBarAlignment.Right, 100);
  statusItem.name = 'Concurrency Lens';
  statusItem.command = Commands.showOutput;
  context.subscriptions.push(statusItem);
  const showStatus = (editor: vscode.TextEditor | undefined) => {
    const s = editor ? statuses.get(editor.document.uri.toString()) : undefined;
    if (!s) { statusItem.hide(); return; }
    statusItem.text = s.skipped ? '$(warning) Concurrency Lens' : `$(pulse) ${s.findings}`;
    statusItem.tooltip = s.skipped
      ? `Concurrency Lens skipped this file: ${s.skipped}`
      : `Concurrency Lens: ${s.findings} finding${s.findings === 1 ? '' : 's'}, analysed in ${s.ms.toFixed(1)} ms`;
    statusItem.show();
  };
  context.subscriptions.push(vscode.window.onDidChangeActiveTextEditor(showStatus));

  const start = async () => {
    client = createClient(context, output);
    client.onNotification(AnalysisStatusNotification, (s) => {
      statuses.set(s.uri, s);
      statusEmitter.fire(s);
      if (vscode.window.activeTextEditor?.document.uri.toString() === s.uri) showStatus(vscode.window.activeTextEditor);
    });
    await client.start();
  };

  const commands: { id: string; run: (...args: never[]) => unknown }[] = [
    { id: Commands.showOutput, run: () => output.show(true) },
    {
      id: Commands.restartServer,
      run: async () => {
        const old = client;
        client = undefined;
        // A client whose start failed cannot be stopped; dispose of it either way and start afresh.
        if (old?.isRunning()) await old.stop();
        else await old?.dispose().catch((err: unknown) => output.appendLine(`dispose of the old client failed: ${String(err)}`));
        await start();
        void vscode.window.showInformationMessage('Concurrency Lens: language server restarted.');
      },
    },
  ];
  for (const c of commands) context.subscriptions.push(vscode.commands.registerCommand(c.id, c.run));

  ResultsPanel.register(context);
  registerLessons(context);
  const runs = registerRuns(context, SELECTOR);
  // Trust granted: ask for the lenses again, so the explanations turn into run lenses.
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => {
    const lenses = client?.getFeature(CodeLensRequest.method);
    for (const editor of vscode.window.visibleTextEditors) lenses?.getProvider(editor.document)?.onDidChangeCodeLensEmitter.fire();
  }));
  await start();
  context.subscriptions.push({ dispose: () => void client?.stop() });
  return { ...runs, lastStatus: (uri) => statuses.get(uri), onStatus: statusEmitter.event };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
