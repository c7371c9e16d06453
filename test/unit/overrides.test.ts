/**
 * Per-path `overrides` (ruff per-file-ignores / ESLint overrides): globs relative to the config
 * file's folder for the CLI and to the workspace folder for the server, applied alike.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, InitializeRequest, InitializedNotification,
  DidOpenTextDocumentNotification, PublishDiagnosticsNotification, ConfigurationRequest, ShutdownRequest, ExitNotification,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { normalizeSettings, settingsForFile } from '../../server/src/settings';

const DIST = path.resolve(__dirname, '../../../dist');
const LOOP_PY = 'async def f(urls):\n    for url in urls:\n        await fetch(url)\n';
const OVERRIDES = [
  { files: ['tests/**', '**/bench_*.py'], rules: { 'await-in-loop': 'off' } },
  { files: ['conftest.py'], rules: { 'await-in-loop': 'error' } },
];

test('settingsForFile: globs relative to the base, a slash-less glob matches the name anywhere, later entries win', () => {
  const { settings, problems } = normalizeSettings({ rules: { 'await-in-loop': 'warning' }, overrides: OVERRIDES });
  assert.deepEqual(problems, []);
  const base = path.join(os.tmpdir(), 'proj');
  const rule = (rel: string) => settingsForFile(settings, base, path.join(base, rel)).rules['await-in-loop'];
  assert.equal(rule('tests/unit/test_a.py'), 'off');
  assert.equal(rule('src/perf/bench_io.py'), 'off');
  assert.equal(rule('src/app.py'), 'warning');
  assert.equal(rule('src/tests/a.py'), 'warning', 'tests/** is anchored at the base');
  assert.equal(rule('pkg/conftest.py'), 'error');
  assert.equal(settingsForFile(settings, base, path.join(os.tmpdir(), 'elsewhere', 'tests', 'a.py')).rules['await-in-loop'], 'warning', 'outside the base');
  assert.equal(settings.rules['await-in-loop'], 'warning', 'the shared settings are not changed');
});

test('malformed overrides are reported and left out', () => {
  const { settings, problems } = normalizeSettings({ overrides: [{ files: 'tests/**', rules: {} }, { files: ['a'], rules: { x: 'loud' } }, 3] });
  assert.equal(problems.length, 3);
  assert.deepEqual(settings.overrides, [{ files: ['a'], rules: {} }]);
});

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-overrides-'));
  for (const rel of ['src/app.py', 'tests/test_app.py', 'src/bench_app.py']) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), LOOP_PY);
  }
  return dir;
}

test('the CLI applies overrides relative to concurrency-lens.json, also when run from a subfolder', () => {
  const dir = project();
  fs.writeFileSync(path.join(dir, 'concurrency-lens.json'), JSON.stringify({ overrides: OVERRIDES }));
  fs.mkdirSync(path.join(dir, '.git'));
  for (const cwd of [dir, path.join(dir, 'src')]) {
    const r = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'check', '--format', 'json', dir], { cwd, encoding: 'utf8' });
    const files = JSON.parse(r.stdout).findings.map((f: { file: string }) => path.relative(dir, f.file).split(path.sep).join('/'));
    assert.deepEqual(files, ['src/app.py'], `from ${cwd}`);
  }
});

test('the server applies concurrencyLens.overrides relative to the workspace folder', async () => {
  const dir = project();
  const proc = spawn(process.execPath, [path.join(DIST, 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const published = new Map<string, PublishDiagnosticsParams>();
  const waiters: (() => void)[] = [];
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => { published.set(p.uri, p); for (const w of waiters.splice(0)) w(); });
  conn.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => ({ overrides: OVERRIDES })));
  conn.listen();
  const folder = pathToFileURL(dir).href;
  await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid, rootUri: folder, capabilities: { workspace: { configuration: true } }, workspaceFolders: [{ uri: folder, name: 'proj' }],
  });
  await conn.sendNotification(InitializedNotification.type, {});
  const uris = ['src/app.py', 'tests/test_app.py', 'src/bench_app.py'].map((rel) => pathToFileURL(path.join(dir, rel)).href);
  for (const uri of uris) await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: LOOP_PY } });
  try {
    const deadline = Date.now() + 10_000;
    while (!uris.every((u) => published.has(u))) {
      const left = deadline - Date.now();
      assert.ok(left > 0, 'diagnostics for every document within 10 s');
      await new Promise<void>((r) => { const t = setTimeout(r, left); waiters.push(() => { clearTimeout(t); r(); }); });
    }
    assert.deepEqual(uris.map((u) => published.get(u)!.diagnostics.length), [1, 0, 0]);
    await conn.sendRequest(ShutdownRequest.type);
    await conn.sendNotification(ExitNotification.type);
  } finally {
    conn.dispose();
    proc.kill();
  }
});
