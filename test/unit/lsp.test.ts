/**
 * The language server over its real transport: dist/server.js --stdio, JSON-RPC on pipes,
 * as Neovim or Helix would start it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { Arrivals } from './arrivals';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection,
  InitializeRequest, InitializedNotification, DidOpenTextDocumentNotification, DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification, DidChangeConfigurationNotification, PublishDiagnosticsNotification,
  ConfigurationRequest, HoverRequest, CodeActionRequest, CodeLensRequest, ShutdownRequest, ExitNotification,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { AnalysisStatusNotification, type AnalysisStatus } from '../../server/src/protocol';
import { projectPython } from './python-env';

const SERVER = path.resolve(__dirname, '../../../dist/server.js');

let proc: ChildProcess;
let conn: ProtocolConnection;
let settings: Record<string, unknown> = {};
const published: PublishDiagnosticsParams[] = [];
const statuses: AnalysisStatus[] = [];
let stderr = '';

// One handler per notification (a second registration would replace the first); waiters listen here.
const arrivals = new Arrivals(() => `stderr: ${stderr}`);
const waitUntil = <T>(probe: () => T | undefined, what: string, timeoutMs?: number) => arrivals.waitUntil(probe, what, timeoutMs);

/** Resolves with the first published diagnostics for `uri` that satisfy `ok`, already here or still to come. */
function diagnosticsFor(uri: string, ok: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 10_000): Promise<PublishDiagnosticsParams> {
  return waitUntil(() => published.find((p) => p.uri === uri && ok(p)), `diagnostics for ${uri}`, timeoutMs);
}


before(async () => {
  proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  proc.stderr!.on('data', (d) => { stderr += d; });
  conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => { published.push(p); arrivals.arrived(); });
  conn.onNotification(AnalysisStatusNotification, (s) => { statuses.push(s); arrivals.arrived(); });
  conn.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => settings));
  conn.listen();
  const init = await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } }, workspaceFolders: null,
  });
  assert.equal(init.serverInfo?.name, 'concurrency-lens');
  await conn.sendNotification(InitializedNotification.type, {});
});

after(async () => {
  await conn.sendRequest(ShutdownRequest.type);
  await conn.sendNotification(ExitNotification.type);
  await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
  conn.dispose();
});

const PY = 'import time\n\nasync def fetch():\n    time.sleep(1)\n';

test('open: a Python document gets its diagnostic, with code, source and a doc link', async () => {
  const uri = 'file:///tmp/lsp-open.py';
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: PY } });
  const p = await diagnosticsFor(uri);
  assert.equal(p.diagnostics.length, 1);
  const d = p.diagnostics[0];
  assert.equal(d.code, 'blocking-call-in-async');
  assert.equal(d.source, 'concurrency-lens');
  assert.deepEqual(d.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 17 } });
  assert.match(d.codeDescription!.href, /docs\/rules\/blocking-call-in-async\.md$/);
  const status = await waitUntil(() => statuses.find((s) => s.uri === uri), 'a status notification');
  assert.equal(status.findings, 1);
  assert.ok(status.ms >= 0 && status.ms < 10_000);
});

test('incremental change: fixing the call clears the diagnostic, breaking it again brings it back', async () => {
  const uri = 'file:///tmp/lsp-change.py';
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: PY } });
  await diagnosticsFor(uri, (p) => p.version === 1 && p.diagnostics.length === 1);
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 3, character: 4 }, end: { line: 3, character: 14 } }, text: 'await asyncio.sleep' }],
  });
  await diagnosticsFor(uri, (p) => p.version === 2 && p.diagnostics.length === 0);
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 3 },
    contentChanges: [{ range: { start: { line: 3, character: 4 }, end: { line: 3, character: 23 } }, text: 'time.sleep' }],
  });
  const back = await diagnosticsFor(uri, (p) => p.version === 3);
  assert.equal(back.diagnostics.length, 1);
  assert.equal(back.diagnostics[0].range.start.line, 3);
});

test('rapid edits publish only the latest version', async () => {
  const uri = 'file:///tmp/lsp-rapid.ts';
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'typescript', version: 1, text: '' } });
  await diagnosticsFor(uri, (p) => p.version === 1);
  const before = published.filter((p) => p.uri === uri).length;
  const text = "import fs from 'fs';\nasync function f() { fs.readFileSync('x'); }\n";
  for (let i = 0; i < text.length; i++) {
    await conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 + i },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '' }, { text: text.slice(0, i + 1) }],
    });
  }
  const last = await diagnosticsFor(uri, (p) => p.version === 1 + text.length);
  assert.equal(last.diagnostics.length, 1);
  const during = published.filter((p) => p.uri === uri).length - before;
  assert.ok(during < text.length / 2, `debounced: ${during} publications for ${text.length} edits`);
});

test('configuration change: turning the rule off re-analyses open documents', async () => {
  const uri = 'file:///tmp/lsp-config.py';
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: PY } });
  await diagnosticsFor(uri, (p) => p.diagnostics.length === 1);
  const count = published.length;
  settings = { rules: { 'blocking-call-in-async': 'off' } };
  await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  await diagnosticsFor(uri, (p) => published.indexOf(p) >= count && p.diagnostics.length === 0);
  settings = { rules: { 'blocking-call-in-async': 'error' } };
  await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  const again = await diagnosticsFor(uri, (p) => p.diagnostics.length === 1 && p.diagnostics[0].severity === 1);
  assert.equal(again.diagnostics[0].severity, 1);
  settings = {};
  await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
});

test('hover on a diagnostic shows the rule doc; code actions offer a suppression', async () => {
  const uri = 'file:///tmp/lsp-hover.py';
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: PY } });
  const p = await diagnosticsFor(uri, (x) => x.diagnostics.length === 1);
  const hover = await conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 3, character: 9 } });
  const value = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
  assert.match(value, /# blocking-call-in-async/);
  const actions = await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: p.diagnostics[0].range, context: { diagnostics: p.diagnostics } });
  const titles = (actions ?? []).map((a) => a.title);
  assert.ok(titles.some((t) => /Suppress blocking-call-in-async/.test(t)), titles.join(', '));
});

function hoverValue(h: Awaited<ReturnType<typeof hoverAt>>): string {
  return h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
}
function hoverAt(uri: string, line: number, character: number) {
  return conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
}

test('hover on a primitive through an alias shows its entry, in English or Chinese as set', async () => {
  const uri = 'file:///tmp/lsp-kb.py';
  const text = 'import asyncio as aio\n\nasync def main():\n    await aio.sleep(1)\n';
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text } });
  await diagnosticsFor(uri);
  const en = hoverValue(await hoverAt(uri, 3, 15));
  assert.match(en, /\*\*`asyncio\.sleep`\*\*/);
  assert.match(en, /Runs on/);
  settings = { hover: { language: 'zh-cn' } };
  await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  const deadline = Date.now() + 10_000;
  let value = '';
  // The server re-reads settings after the change notification: poll the hover until the deadline.
  while (Date.now() < deadline) {
    value = hoverValue(await hoverAt(uri, 3, 15));
    if (/[\u4e00-\u9fff]/.test(value)) break;
    await new Promise((r) => setImmediate(r));
  }
  assert.match(value, /[\u4e00-\u9fff]/, 'Chinese text after hover.language = zh-cn');
  settings = {};
  await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  assert.equal(await hoverAt(uri, 1, 0), null, 'nothing on an empty line');
});

test('code lenses: a run row above each top-level function and cell, carrying typed targets', async () => {
  const uri = 'file:///tmp/lsp-lens.py';
  const text = 'import time\n\ndef work(i):\n    time.sleep(0.1)\n\n# %% a cell\nprint(1)\n';
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text } });
  await diagnosticsFor(uri);
  const lenses = (await conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
  const titles = lenses.filter((l) => l.range.start.line === 2).map((l) => l.command?.title);
  assert.deepEqual(titles, ['▶ Run ×4', 'threads', 'processes', 'coroutines', 'compare']);
  const cell = lenses.find((l) => l.range.start.line === 5 && l.command?.title === 'compare');
  assert.deepEqual(cell?.command?.arguments?.[0], { uri, kind: 'cell', name: 'a cell', startLine: 5, endLine: 6, harness: 'compare' });
  assert.equal(cell?.command?.command, 'concurrencyLens.run');
});

test('code lenses: ray where the interpreter can import it; in a Ray file without it, a lens that says how to enable it', async () => {
  const rowOf = async (uri: string, text: string) => {
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text } });
    await diagnosticsFor(uri);
    const lenses = (await conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
    return lenses.filter((l) => l.range.start.line === 2);
  };
  settings = { pythonPath: projectPython() };
  await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  const withRay = await rowOf('file:///tmp/lsp-ray-1.py', 'import time\n\ndef work(i):\n    time.sleep(0.1)\n');
  assert.deepEqual(withRay.map((l) => l.command?.title), ['▶ Run ×4', 'threads', 'processes', 'coroutines', 'ray', 'compare']);
  assert.equal(withRay[4].command?.arguments?.[0].harness, 'ray');
  settings = { pythonPath: '/nonexistent/bin/python3' };
  await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  const plain = await rowOf('file:///tmp/lsp-ray-2.py', 'import time\n\ndef work(i):\n    time.sleep(0.1)\n');
  assert.ok(!plain.some((l) => l.command?.title.startsWith('ray')), 'no ray lens in a file that does not use Ray');
  const rayFile = await rowOf('file:///tmp/lsp-ray-3.py', 'import ray\n\ndef work(i):\n    return i\n');
  const off = rayFile.find((l) => l.command?.title === 'ray (not installed)');
  assert.match((off?.command as { tooltip?: string } | undefined)?.tooltip ?? '', /nonexistent.*concurrencyLens\.pythonPath/);
  settings = {};
  await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
});

test('close clears the diagnostics', async () => {
  const uri = 'file:///tmp/lsp-close.py';
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: PY } });
  await diagnosticsFor(uri, (p) => p.diagnostics.length === 1);
  const count = published.length;
  await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  await diagnosticsFor(uri, (p) => published.indexOf(p) >= count && p.diagnostics.length === 0);
});

test('a file over the size cap is skipped with a reason, and the server stays responsive', async () => {
  const uri = 'file:///tmp/lsp-huge.py';
  const text = PY + '# padding\n'.repeat(260_000);
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text } });
  const status = await waitUntil(() => statuses.find((s) => s.uri === uri), 'a status for the large file');
  assert.match(status.skipped ?? '', /larger than 2 MB/);
  assert.equal((await diagnosticsFor(uri)).diagnostics.length, 0);
  assert.equal(await conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 3, character: 6 } }), null);
});

test('garbage input does not take the server down', async () => {
  const uri = 'file:///tmp/lsp-garbage.ts';
  const junk = '\u0000'.repeat(100) + '{'.repeat(5000) + 'async function (' + '\uFFFF\uD800';
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'typescript', version: 1, text: junk } });
  await diagnosticsFor(uri, (p) => p.version === 1);
  const ok = 'file:///tmp/lsp-after-garbage.py';
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: ok, languageId: 'python', version: 1, text: PY } });
  const p = await diagnosticsFor(ok, (x) => x.diagnostics.length > 0);
  assert.equal(p.diagnostics.length, 1);
});
