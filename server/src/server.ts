/**
 * The language server: an LSP adapter over the analysis core. Runs inside the extension (IPC)
 * and on its own (`node dist/server.js --stdio`, `concurrency-lens lsp`) for other editors.
 */
import {
  createConnection, ProposedFeatures, TextDocumentSyncKind, DiagnosticSeverity, CodeActionKind,
  CodeLensRefreshRequest, ShowMessageNotification, MessageType, type Diagnostic, type InitializeResult, type CodeAction, type Connection, type Hover, type CodeLens,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { pathToFileURL, fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { initParsers, grammarForLanguageId, grammarForPath, grammarProblem, ParseTimeout, BudgetExceeded, type Grammar } from './core/parser';
import { analyzeTree, sizeCap } from './core/engine';
import { ruleById } from './core/rules';
import type { Finding } from './core/types';
import { OpenDocument } from './documents';
import { SECTION, DEFAULT_SETTINGS, normalizeSettings, settingsForFile, type Settings } from './settings';
import { AnalysisStatusNotification, Commands, type RunTarget, type HarnessChoice } from './protocol';
import { hoverAt, resolveHoverLanguage } from './hover/hover';
import { findRunnables } from './harness/runnables';
import { WorkspaceIndex } from './workspace-index';
import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver/node';
import { rayAvailability, clearRayAvailability, type RayAvailability } from './harness/ray-probe';

/**
 * Edits are debounced by a short fixed delay, longer only while edits come faster than an analysis takes.
 * Waiting as long as the last analysis after every keystroke (as this once did) doubled the latency of every
 * edit on a large file without saving any work when the user types slower than the analysis runs. So: wait
 * MIN_DEBOUNCE_MS, enough to merge the several notifications one keystroke can make (auto-closing brackets,
 * multi-cursor edits); but when the previous edit came sooner than the last analysis lasted, typing outpaces
 * analysis and each analysis would only delay the next keystroke's, so wait for a pause as long as one analysis
 * (up to MAX_DEBOUNCE_MS).
 */
const MIN_DEBOUNCE_MS = 5;
const MAX_DEBOUNCE_MS = 150;
export function debounceFor(lastMs: number | undefined, sincePreviousEdit: number): number {
  if (lastMs === undefined || sincePreviousEdit >= lastMs) return MIN_DEBOUNCE_MS;
  return Math.min(MAX_DEBOUNCE_MS, Math.max(MIN_DEBOUNCE_MS, lastMs));
}

export function startServer(connection: Connection): void {
  const docs = new Map<string, OpenDocument>();
  const timers = new Map<string, NodeJS.Timeout>();
  const settingsCache = new Map<string, Promise<Settings>>();
  /** The findings of the last analysis of each document, with the version they describe. */
  const lastFindings = new Map<string, { version: number; findings: Finding[] }>();
  /** Findings that still describe the document as it is now; none while a newer version waits. */
  const currentFindings = (uri: string): Finding[] => {
    const last = lastFindings.get(uri);
    return last && last.version === docs.get(uri)?.version ? last.findings : [];
  };
  let lensRefresh = false;
  const lastMs = new Map<string, number>();
  const lastEditAt = new Map<string, number>();
  let pullConfiguration = false;
  let locale: string | undefined;
  let parsersReady: Promise<void> = Promise.resolve();
  const workspace = new WorkspaceIndex();
  let roots: string[] = [];
  let watchRegistration = false;
  let workDoneProgress = false;
  /** Workspace folders as file paths, deepest first: the `overrides` globs are relative to the one holding a file. */
  let folders: string[] = [];
  /** Grammars whose failure to load the user has been told about (once each). */
  const toldMissing = new Set<Grammar>();
  /** Why a document's language cannot be analysed (its grammar failed to load), said once. */
  const missingGrammar = (doc: OpenDocument): string | undefined => {
    const problem = grammarProblem(doc.grammar);
    if (problem && !toldMissing.has(doc.grammar)) {
      toldMissing.add(doc.grammar);
      connection.console.error(`${problem}; ${doc.grammar} files get no diagnostics, hovers or lenses`);
      // A notification, not a request: nothing waits on the user to dismiss it.
      void connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Warning,
        message: `Concurrency Lens: ${problem}. ${doc.grammar} files are not analysed; reinstalling the extension should restore it.`,
      });
    }
    return problem;
  };

  const log = (msg: string) => connection.console.log(`[concurrency-lens] ${msg}`);

  connection.onInitialize((params): InitializeResult => {
    pullConfiguration = params.capabilities.workspace?.configuration === true;
    locale = params.locale;
    const folderUris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    folders = folderUris.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u)).sort((a, b) => b.length - a.length);
    lensRefresh = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    watchRegistration = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    workDoneProgress = params.capabilities.window?.workDoneProgress === true;
    roots = [...folders];
    parsersReady = initParsers();
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll] },
      },
      serverInfo: { name: 'concurrency-lens' },
    };
  });

  connection.onInitialized(() => {
    if (watchRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{py,pyi,ts,tsx,mts,cts,js,jsx,mjs,cjs}' }, { globPattern: '**/{tsconfig,jsconfig,package}.json' }],
      }).catch((err: unknown) => connection.console.warn(`file watching unavailable: ${String(err)}`));
    }
    void buildIndex();
  });

  /** The workspace's project index, in the background; open documents are analysed again when it is ready. */
  async function buildIndex(): Promise<void> {
    // without grammars there is nothing to index; that failure is reported where it happens
    if (roots.length === 0 || !(await parsersReady.then(() => true, () => false))) return;
    const started = performance.now();
    const progress = workDoneProgress ? await connection.window.createWorkDoneProgress().catch(() => undefined) : undefined;
    progress?.begin('Concurrency Lens: indexing', 0, 'reading the workspace', false);
    try {
      const files = await workspace.build(roots, path.join(__dirname, 'cli.js'), (done, total) => {
        progress?.report(total ? Math.round((done / total) * 100) : 100, `${done}/${total} files`);
      });
      log(`indexed ${files} files in ${Math.round(performance.now() - started)} ms`);
    } catch (err) {
      connection.console.error(`indexing failed: ${err instanceof Error ? err.stack : String(err)}`);
    } finally {
      progress?.done();
    }
    for (const uri of docs.keys()) schedule(uri, 0);
  }

  /** Open documents whose analysis reads this file's declarations get fresh diagnostics. */
  function refreshDependents(file: string): void {
    const dependents = workspace.project.dependents(file);
    if (dependents.size === 0) return;
    for (const [uri, doc] of docs) {
      const p = doc.file;
      if (p && dependents.has(p)) schedule(uri, 0);
    }
  }

  connection.onDidChangeWatchedFiles(async ({ changes }) => {
    if (!(await parsersReady.then(() => true, () => false))) return;
    for (const change of changes) {
      const file = uriPath(change.uri);
      if (!file) continue;
      if (workspace.isLayoutFile(file)) {
        workspace.refreshLayout(file, change.type === FileChangeType.Deleted);
        for (const uri of docs.keys()) schedule(uri, 0);
        continue;
      }
      if (!grammarForPath(file)) continue;
      const changed = change.type === FileChangeType.Deleted ? workspace.deleteFile(file) : workspace.refreshFile(file);
      if (!changed) continue;
      if (change.type === FileChangeType.Changed) refreshDependents(file);
      else for (const uri of docs.keys()) schedule(uri, 0); // a file that appears or goes may be what any import looked for
    }
  });

  function settingsFor(uri: string): Promise<Settings> {
    if (!pullConfiguration) return Promise.resolve(DEFAULT_SETTINGS);
    let s = settingsCache.get(uri);
    if (!s) {
      s = connection.workspace.getConfiguration({ scopeUri: uri, section: SECTION }).then(
        (raw) => {
          const { settings, problems } = normalizeSettings(raw);
          for (const p of problems) connection.console.warn(`${SECTION}.${p}`);
          if (!uri.startsWith('file:')) return settings;
          const file = fileURLToPath(uri);
          return settingsForFile(settings, folders.find((f) => !path.relative(f, file).startsWith('..')), file);
        },
        () => DEFAULT_SETTINGS,
      );
      settingsCache.set(uri, s);
    }
    return s;
  }

  /** An edit's analysis, after the debounce that fits how fast edits to this document come. */
  function scheduleEdit(uri: string): void {
    const now = performance.now();
    const since = now - (lastEditAt.get(uri) ?? -Infinity);
    lastEditAt.set(uri, now);
    schedule(uri, debounceFor(lastMs.get(uri), since));
  }

  function schedule(uri: string, delay: number): void {
    clearTimeout(timers.get(uri));
    timers.set(uri, setTimeout(() => {
      timers.delete(uri);
      void analyze(uri);
    }, delay));
  }

  async function analyze(uri: string): Promise<void> {
    await parsersReady;
    const settings = await settingsFor(uri);
    const doc = docs.get(uri);
    if (!doc) return;
    const version = doc.version;
    const started = performance.now();
    let findings: Finding[] = [];
    let skipped: string | undefined;
    let failedRules: string[] = [];
    try {
      const missing = missingGrammar(doc);
      if (missing) throw new SkipFile(missing);
      const text = doc.text;
      // Too large for every keystroke: say so rather than freeze the server.
      const tooLarge = sizeCap(text);
      if (tooLarge) throw new SkipFile(tooLarge);
      const tree = doc.currentTree();
      const before = doc.file ? workspace.project.hashOf(doc.file) : undefined;
      const result = analyzeTree(doc.grammar, text, tree, settings, doc.analysis(), started);
      if (doc.file && workspace.project.hashOf(doc.file) !== before) refreshDependents(doc.file);
      findings = result.findings;
      skipped = result.skipped;
      failedRules = result.failures.map((f) => f.rule);
      for (const f of result.failures) connection.console.error(`rule ${f.rule} failed on ${uri}: ${f.error}`);
    } catch (err) {
      if (err instanceof ParseTimeout || err instanceof SkipFile || err instanceof BudgetExceeded) {
        skipped = err.message;
      } else {
        skipped = `analysis failed: ${err instanceof Error ? err.message : String(err)}`;
        connection.console.error(`analysis of ${uri} failed: ${err instanceof Error ? err.stack : String(err)}`);
      }
    }
    // A newer version arrived while we worked: its own analysis will publish.
    if (docs.get(uri) !== doc || doc.version !== version) return;
    lastFindings.set(uri, { version, findings });
    lastMs.set(uri, performance.now() - started);
    await connection.sendDiagnostics({ uri, version, diagnostics: findings.map((f) => toDiagnostic(f, uri)) });
    await connection.sendNotification(AnalysisStatusNotification, {
      uri, version, ms: performance.now() - started, findings: findings.length, skipped, failedRules,
    });
  }

  connection.onDidOpenTextDocument(({ textDocument: td }) => {
    const grammar = grammarForLanguageId(td.languageId, td.uri);
    if (!grammar) return;
    docs.get(td.uri)?.dispose();
    const file = uriPath(td.uri) ?? `/untitled/${encodeURIComponent(td.uri)}${path.extname(td.uri) || (grammar === 'python' ? '.py' : '.ts')}`;
    if (uriPath(td.uri)) workspace.opened(file);
    docs.set(td.uri, new OpenDocument(TextDocument.create(td.uri, td.languageId, td.version, td.text), grammar, { file, project: workspace.project }));
    schedule(td.uri, 0);
  });

  connection.onDidChangeTextDocument(({ textDocument: td, contentChanges }) => {
    const doc = docs.get(td.uri);
    if (!doc) return;
    doc.applyChanges(contentChanges, td.version);
    scheduleEdit(td.uri);
  });

  connection.onDidCloseTextDocument(({ textDocument: td }) => {
    clearTimeout(timers.get(td.uri));
    timers.delete(td.uri);
    const closing = docs.get(td.uri);
    closing?.dispose();
    docs.delete(td.uri);
    const file = uriPath(td.uri);
    if (closing && file) {
      // back to what the disk says; if that declares something else, dependents see it
      parsersReady.then(() => { if (workspace.closed(file)) refreshDependents(file); }).catch((err: unknown) => connection.console.error(`index update failed: ${String(err)}`));
    } else if (closing?.file) workspace.project.delete(closing.file);
    settingsCache.delete(td.uri);
    lastFindings.delete(td.uri);
    lastMs.delete(td.uri);
    lastEditAt.delete(td.uri);
    void connection.sendDiagnostics({ uri: td.uri, diagnostics: [] });
  });

  connection.onDidChangeConfiguration(() => {
    settingsCache.clear();
    clearRayAvailability();
    for (const uri of docs.keys()) schedule(uri, 0);
    // The lens settings (which lenses, how many tasks) show at once, not after the next edit.
    if (lensRefresh) {
      connection.sendRequest(CodeLensRefreshRequest.type).catch((err: unknown) => connection.console.warn(`lens refresh failed: ${String(err)}`));
    }
  });

  connection.onHover(async (params): Promise<Hover | null> => {
    const uri = params.textDocument.uri;
    const p = params.position;
    const parts: string[] = [];
    let range: Hover['range'];
    const doc = docs.get(uri);
    if (doc) await parsersReady;
    if (doc && !sizeCap(doc.text) && !grammarProblem(doc.grammar)) {
      const settings = await settingsFor(uri);
      if (settings.hover.enabled) {
        try {
          const found = hoverAt(doc.grammar, doc.currentTree(), doc.analysis(), p, resolveHoverLanguage(settings.hover.language, locale));
          if (found) {
            parts.push(found.markdown);
            range = found.range;
          }
        } catch (err) {
          // A version too costly to analyse has said so once, in its analysis status.
          if (!(err instanceof ParseTimeout || err instanceof BudgetExceeded)) {
            connection.console.error(`hover failed on ${uri}: ${err instanceof Error ? err.stack : String(err)}`);
          }
        }
      }
    }
    // Hovering a flagged range adds the rule's explanation (docs/rules/<id>.md).
    const here = currentFindings(uri).filter((f) => contains(f, p.line, p.character));
    for (const id of new Set(here.map((f) => f.rule))) {
      const ruleDoc = ruleById(id)?.doc;
      if (ruleDoc) parts.push(ruleDoc);
    }
    if (parts.length === 0) return null;
    return { contents: { kind: 'markdown', value: parts.join('\n\n---\n\n') }, range };
  });

  // Server finds, client runs: lenses carry a typed RunTarget for the client's run command.
  connection.onCodeLens(async (params): Promise<CodeLens[]> => {
    const doc = docs.get(params.textDocument.uri);
    if (!doc || sizeCap(doc.text)) return [];
    await parsersReady;
    if (grammarProblem(doc.grammar)) return [];
    const settings = await settingsFor(doc.uri);
    let runnables;
    try {
      runnables = findRunnables(doc.grammar, doc.text, doc.currentTree());
    } catch (err) {
      if (!(err instanceof ParseTimeout || err instanceof BudgetExceeded)) {
        connection.console.error(`code lenses failed on ${doc.uri}: ${err instanceof Error ? err.message : String(err)}`);
      }
      return [];
    }
    const shown = runnables.filter((r) => (r.kind === 'function' ? settings.lens.functions : settings.lens.cells));
    // The ray lens: where the interpreter can import ray; else, in a file that uses Ray, a lens that says how to enable it.
    let ray: RayLens;
    if (doc.grammar === 'python' && shown.length > 0) {
      const avail = await rayAvailability(settings.pythonPath);
      ray = avail.available ? 'available' : /^\s*(import ray\b|from ray\b)/m.test(doc.text) ? avail : undefined;
    }
    return shown.flatMap((r) => runLenses(doc.uri, r.kind, r.name, r.startLine, r.endLine, settings.run.tasks, ray));
  });

  /** Per findings list (one per analysed version): the most lines a finding spans, for range lookups. */
  const spans = new WeakMap<Finding[], number>();

  /**
   * The findings that touch lines [from, to], in time linear in how many do: findings are
   * sorted by start line, and none spans more lines than the widest one.
   */
  function findingsOnLines(findings: Finding[], from: number, to: number): Finding[] {
    let span = spans.get(findings);
    if (span === undefined) {
      span = 0;
      for (const f of findings) span = Math.max(span, f.range.end.line - f.range.start.line);
      spans.set(findings, span);
    }
    let lo = 0;
    let hi = findings.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (findings[mid].range.start.line < from - span) lo = mid + 1;
      else hi = mid;
    }
    const out: Finding[] = [];
    for (let i = lo; i < findings.length && findings[i].range.start.line <= to; i++) {
      if (findings[i].range.end.line >= from) out.push(findings[i]);
    }
    return out;
  }

  connection.onCodeAction((params): CodeAction[] => {
    const doc = docs.get(params.textDocument.uri);
    if (!doc) return [];
    // Fixes computed for an older version would land at stale positions: offer none until the
    // current version is analysed, and tie each edit to the version it was computed for.
    const all = currentFindings(doc.uri);
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
    const actions: CodeAction[] = [];
    if (wants(CodeActionKind.QuickFix)) {
      for (const f of findingsOnLines(all, params.range.start.line, params.range.end.line)) {
        const diagnostic = toDiagnostic(f, doc.uri);
        for (const fix of f.fixes ?? []) {
          actions.push({
            title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true,
            edit: { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits: fix.edits }] },
          });
        }
        actions.push(suppressAction(doc, f, diagnostic));
      }
    }
    // Asked for by name only (editor.codeActionsOnSave, the Source Action menu): never in the light bulb.
    if (only && wants(CodeActionKind.SourceFixAll)) {
      const fixAll = fixAllAction(doc, all);
      if (fixAll) actions.push(fixAll);
    }
    return actions;
  });

  connection.onShutdown(() => {
    for (const t of timers.values()) clearTimeout(t);
    for (const d of docs.values()) d.dispose();
    docs.clear();
  });

  connection.listen();
  log('server started');
}

/** The ray lens: shown, shown as "not installed" with the reason, or not shown (undefined). */
export type RayLens = 'available' | Extract<RayAvailability, { available: false }> | undefined;

/** The lens row above a runnable: `▶ Run ×N`, then one lens per harness (ray when `ray` says so) and `compare`. */
export function runLenses(uri: string, kind: RunTarget['kind'], name: string, startLine: number, endLine: number, tasks: number, ray?: RayLens): CodeLens[] {
  const range = { start: { line: startLine, character: 0 }, end: { line: startLine, character: 0 } };
  const lens = (title: string, harness: HarnessChoice, tooltip: string): CodeLens => {
    const target: RunTarget = { uri, kind, name, startLine, endLine, harness };
    return { range, command: { title, command: Commands.run, arguments: [target], tooltip } as CodeLens['command'] };
  };
  return [
    lens(`▶ Run ×${tasks}`, 'serial', `Run ${name} ${tasks} times, one after another (the serial baseline)`),
    lens('threads', 'thread', `Run ${tasks} tasks in a thread pool`),
    lens('processes', 'process', `Run ${tasks} tasks in a process pool`),
    lens('coroutines', 'coroutine', `Run ${tasks} tasks on one event loop`),
    ...(ray === 'available' ? [lens('ray', 'ray', `Run ${tasks} tasks as Ray tasks (a local cluster, or concurrencyLens.ray.address)`)] : []),
    ...(ray && ray !== 'available' ? [lens('ray (not installed)', 'ray', `The ray harness is off: ${ray.reason}.`)] : []),
    lens('compare', 'compare', 'Run serial, threads, processes and coroutines, and compare'),
  ];
}

/** The file path of a `file:` URI; undefined for other schemes. */
function uriPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** A file the server will not analyse, with the reason shown to the user. */
class SkipFile extends Error {}

function contains(f: Finding, line: number, character: number): boolean {
  const { start, end } = f.range;
  if (line < start.line || line > end.line) return false;
  if (line === start.line && character < start.character) return false;
  if (line === end.line && character > end.character) return false;
  return true;
}

const SEVERITY: Record<Finding['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function ruleDocUrl(id: string): string {
  return pathToFileURL(path.join(__dirname, 'docs', 'rules', `${id}.md`)).toString();
}

function toDiagnostic(f: Finding, uri: string): Diagnostic {
  return {
    range: f.range,
    severity: SEVERITY[f.severity],
    source: 'concurrency-lens',
    code: f.rule,
    codeDescription: { href: ruleDocUrl(f.rule) },
    message: f.message,
    relatedInformation: f.related?.map((r) => ({ location: { uri: r.file ? pathToFileURL(r.file).toString() : uri, range: r.range }, message: r.message })),
  };
}

function suppressAction(doc: OpenDocument, f: Finding, diagnostic: Diagnostic): CodeAction {
  const line = f.range.start.line;
  // The line with its own ending, whichever it is (`\n`, `\r\n` or `\r`), read without splitting the document.
  const lineText = doc.doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  const eol = /\r\n$|\r$|\n$/.exec(lineText)?.[0] ?? '\n';
  const indent = /^[ \t]*/.exec(lineText)?.[0] ?? '';
  const comment = doc.grammar === 'python'
    ? `${indent}# concurrency-lens: ignore[${f.rule}]${eol}`
    : `${indent}// concurrency-lens-ignore-next-line ${f.rule}${eol}`;
  return {
    title: `Suppress ${f.rule} on this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: comment }] }] },
  };
}

/**
 * Every safe fix of the document in one edit (source.fixAll): a fix is safe when the rule marks
 * it so, and it is the only one offered. Edits that would overlap an earlier one are left out:
 * the next save (or analysis) offers them again.
 */
function fixAllAction(doc: OpenDocument, findings: Finding[]): CodeAction | undefined {
  const edits = findings
    .flatMap((f) => (f.fixes?.length === 1 && f.fixes[0].safe ? f.fixes[0].edits : []))
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  const kept: typeof edits = [];
  for (const e of edits) {
    const prev = kept[kept.length - 1];
    const after = !prev || e.range.start.line > prev.range.end.line
      || (e.range.start.line === prev.range.end.line && e.range.start.character > prev.range.end.character);
    if (after) kept.push(e);
  }
  if (kept.length === 0) return undefined;
  return {
    title: `Fix all safe concurrency-lens problems (${kept.length})`,
    kind: CodeActionKind.SourceFixAll,
    edit: { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits: kept }] },
  };
}

if (require.main === module) {
  startServer(createConnection(ProposedFeatures.all));
}
