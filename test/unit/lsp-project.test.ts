/**
 * The project index through the real language server (dist/server.js --stdio): a workspace folder
 * is indexed in the background, and a change in one file gives fresh diagnostics to the open files
 * that depend on it, whether the change is an edit in the editor or a file changed on disk.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import { Arrivals } from './arrivals';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection,
  InitializeRequest, InitializedNotification, DidOpenTextDocumentNotification, DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification, PublishDiagnosticsNotification, ShutdownRequest, ExitNotification,
  RegistrationRequest, WorkDoneProgressCreateRequest, LogMessageNotification, FileChangeType,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

const SERVER = path.resolve(__dirname, '../../../dist/server.js');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-project-'));
const file = (rel: string) => path.join(root, rel);
const uri = (rel: string) => pathToFileURL(file(rel)).toString();

let proc: ChildProcess;
let conn: ProtocolConnection;
const published: PublishDiagnosticsParams[] = [];
const logs: string[] = [];
const arrivals = new Arrivals(() => `stderr: ${stderr}`);
const waitUntil = <T>(probe: () => T | undefined, what: string, timeoutMs = 15_000) => arrivals.waitUntil(probe, what, timeoutMs);
let registered = false;
let stderr = '';


/** The diagnostics published for `rel` after the `after`-th publication, satisfying `ok`. */
function nextDiagnostics(rel: string, after: number, ok: (p: PublishDiagnosticsParams) => boolean) {
  return waitUntil(() => published.slice(after).find((p) => p.uri === uri(rel) && ok(p)), `diagnostics for ${rel}`);
}

const floating = (p: PublishDiagnosticsParams) => p.diagnostics.filter((d) => d.code === 'floating-promise' || d.code === 'unawaited-coroutine');

before(async () => {
  fs.mkdirSync(file('src'), { recursive: true });
  fs.mkdirSync(file('app'), { recursive: true });
  fs.writeFileSync(file('src/repo.ts'), 'export class Repo {\n  save(): void {}\n}\n');
  fs.writeFileSync(file('src/service.ts'), [
    "import { Repo } from './repo';",
    'export class Service {',
    '  constructor(private repo: Repo) {}',
    '  async run() {',
    '    this.repo.save();',
    '  }',
    '}',
    '',
  ].join('\n'));
  fs.writeFileSync(file('app/__init__.py'), '');
  fs.writeFileSync(file('app/store.py'), 'class Store:\n    def flush(self) -> None: ...\n');
  fs.writeFileSync(file('app/job.py'), 'from app.store import Store\n\n\nasync def job(store: Store):\n    store.flush()\n');

  proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  proc.stderr!.on('data', (d) => { stderr += d; });
  conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => { published.push(p); arrivals.arrived(); });
  conn.onNotification(LogMessageNotification.type, (m) => { logs.push(m.message); arrivals.arrived(); });
  conn.onRequest(RegistrationRequest.type, () => { registered = true; arrivals.arrived(); });
  conn.onRequest(WorkDoneProgressCreateRequest.type, () => null);
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid, rootUri: pathToFileURL(root).toString(),
    capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } }, window: { workDoneProgress: true } },
    workspaceFolders: [{ uri: pathToFileURL(root).toString(), name: 'project' }],
  });
  await conn.sendNotification(InitializedNotification.type, {});
  await waitUntil(() => (logs.some((l) => /indexed \d+ files/.test(l)) ? true : undefined), 'the index');
});

after(async () => {
  await conn.sendRequest(ShutdownRequest.type);
  await conn.sendNotification(ExitNotification.type);
  await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
  conn.dispose();
  fs.rmSync(root, { recursive: true, force: true });
});

test('the server indexes the workspace and asks to watch its files', () => {
  assert.ok(logs.some((l) => /indexed 5 files/.test(l)), logs.join('\n'));
  assert.ok(registered, 'didChangeWatchedFiles registered');
});

test('editing file A (an open editor) re-publishes the diagnostics of file B that imports it', async () => {
  const text = fs.readFileSync(file('src/service.ts'), 'utf8');
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri('src/service.ts'), languageId: 'typescript', version: 1, text } });
  const first = await nextDiagnostics('src/service.ts', 0, () => true);
  assert.deepEqual(floating(first), [], 'a sync save() is no promise');

  const repo = fs.readFileSync(file('src/repo.ts'), 'utf8');
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri('src/repo.ts'), languageId: 'typescript', version: 1, text: repo } });
  const mark = published.length;
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri: uri('src/repo.ts'), version: 2 },
    contentChanges: [{ range: { start: { line: 1, character: 2 }, end: { line: 1, character: 2 } }, text: 'async ' }],
  });
  const after = await nextDiagnostics('src/service.ts', mark, (p) => floating(p).length > 0);
  const d = floating(after)[0];
  assert.equal(d.range.start.line, 4);
  assert.match(d.message, /Repo\.save/);
  assert.equal(d.relatedInformation?.[0].location.uri, uri('src/repo.ts'), 'related information points at the declaration');
  assert.equal(d.relatedInformation?.[0].location.range.start.line, 1);
});

test('a file changed on disk (a watched-file event) re-publishes its dependents', async () => {
  const text = fs.readFileSync(file('app/job.py'), 'utf8');
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri('app/job.py'), languageId: 'python', version: 1, text } });
  const first = await nextDiagnostics('app/job.py', 0, () => true);
  assert.deepEqual(floating(first), []);
  fs.writeFileSync(file('app/store.py'), 'class Store:\n    async def flush(self) -> None: ...\n');
  const mark = published.length;
  await conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri('app/store.py'), type: FileChangeType.Changed }] });
  const after = await nextDiagnostics('app/job.py', mark, (p) => floating(p).length > 0);
  assert.equal(floating(after)[0].code, 'unawaited-coroutine');
  assert.equal(floating(after)[0].range.start.line, 4);
});
