/** `concurrency-lens check` as a user runs it: the built dist/cli.js in a child process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

function project(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-check-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function cli(args: string[], cwd: string) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
}

const BAD_PY = 'import time\n\nasync def f():\n    time.sleep(1)\n';
const BAD_TS = "import { readFileSync } from 'fs';\nexport async function g() {\n  return readFileSync('x');\n}\n";

test('text output as compilers print it, exit 1 on a warning, skipped folders and .gitignore honoured', () => {
  const dir = project({
    'app/a.py': BAD_PY,
    'web/b.ts': BAD_TS,
    'node_modules/lib/c.py': BAD_PY,
    'dist/d.js': BAD_TS.replace(': Promise<string>', ''),
    'generated/e.py': BAD_PY,
    '.gitignore': 'generated/\n',
    'clean.py': 'def ok():\n    return 1\n',
  });
  const r = cli(['check'], dir);
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stdout.trim().split('\n').sort();
  assert.deepEqual(lines.map((l) => l.split(': ')[0]), [path.join('app', 'a.py') + ':4:5', path.join('web', 'b.ts') + ':3:10']);
  assert.match(lines[0], /: warning blocking-call-in-async `time\.sleep\(\)` blocks/);
  assert.match(r.stderr, /2 findings in 3 files/);
});

test('--format json is the documented shape; --rule changes severity; exit 0 without warnings', () => {
  const dir = project({ 'a.py': BAD_PY });
  const r = cli(['check', '--format', 'json', 'a.py'], dir);
  assert.equal(r.status, 1);
  const out = JSON.parse(r.stdout);
  assert.equal(out.version, 1);
  assert.deepEqual(out.findings[0], {
    file: 'a.py', line: 4, column: 5, endLine: 4, endColumn: 18, rule: 'blocking-call-in-async', severity: 'warning',
    message: out.findings[0].message,
  });
  assert.deepEqual(Object.keys(out.stats).sort(), ['files', 'lines', 'ms']);
  assert.equal(out.stats.files, 1);
  assert.equal(out.stats.lines, 5);
  const info = cli(['check', '--rule', 'blocking-call-in-async=information', '--format=json', '.'], dir);
  assert.equal(info.status, 0, 'information findings do not fail the build');
  assert.equal(JSON.parse(info.stdout).findings[0].severity, 'information');
});

test('concurrency-lens.json at the project root is read, the same settings as the editor', () => {
  const dir = project({ 'a.py': BAD_PY, 'concurrency-lens.json': JSON.stringify({ ignore: ['time.sleep'] }) });
  const r = cli(['check'], dir);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, '');
  const off = project({ 'a.py': BAD_PY, 'cfg.json': JSON.stringify({ rules: { 'blocking-call-in-async': 'off' } }) });
  assert.equal(cli(['check', '--config', 'cfg.json'], off).status, 0);
});

test('usage errors exit 2 with a clear message', () => {
  const dir = project({});
  for (const args of [['check', '--format', 'xml'], ['check', '--rule', 'nope=warning'], ['check', '--bogus'], ['frobnicate'], []]) {
    const r = cli(args, dir);
    assert.equal(r.status, 2, args.join(' '));
  }
  assert.match(cli(['check', '--rule', 'nope=warning'], dir).stderr, /unknown rule 'nope'/);
});

test('an undecodable or unreadable file is reported in one line and the rest are still checked', () => {
  const dir = project({ 'bad.py': Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x0a]), 'a.py': BAD_PY });
  const r = cli(['check'], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad\.py: not valid UTF-8; skipped/);
  assert.match(r.stdout, /a\.py:4:5/);
  const missing = cli(['check', 'nope.py', 'a.py'], dir);
  assert.match(missing.stderr, /nope\.py: cannot read: ENOENT/);
  assert.match(missing.stdout, /a\.py:4:5/);
});

test('many files are spread over worker threads with the same findings', () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 150; i++) files[`m${String(i).padStart(3, '0')}.py`] = BAD_PY;
  const dir = project(files);
  const r = cli(['check', '--format', 'json'], dir);
  const out = JSON.parse(r.stdout);
  assert.equal(out.stats.files, 150);
  assert.equal(out.findings.length, 150);
  assert.deepEqual(out.findings.map((f: { file: string }) => f.file), Object.keys(files));
});

test('run takes run.tasks from concurrency-lens.json, and --tasks wins over it', () => {
  const dir = project({ 'a.py': 'def f(i):\n    return i * 2\n', 'concurrency-lens.json': JSON.stringify({ run: { tasks: 2 } }) });
  const fromConfig = JSON.parse(cli(['run', 'a.py', '--harness', 'serial', '--json'], dir).stdout);
  assert.equal(fromConfig.tasks, 2);
  assert.deepEqual(fromConfig.runs[0].tasks.map((t: { value: string }) => t.value), ['0', '2']);
  const fromFlag = JSON.parse(cli(['run', 'a.py', '--harness', 'serial', '--tasks', '3', '--json'], dir).stdout);
  assert.equal(fromFlag.tasks, 3);
});

test('check of a subfolder applies the .gitignore above it; concurrency-lens.json is found from a subfolder', () => {
  const dir = project({
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.gitignore': 'src/gen/\n',
    'src/a.py': BAD_PY,
    'src/gen/b.py': BAD_PY,
    'concurrency-lens.json': JSON.stringify({ rules: { 'blocking-call-in-async': 'error' } }),
  });
  const fromRoot = cli(['check', 'src', '--format', 'json'], dir);
  assert.deepEqual(JSON.parse(fromRoot.stdout).findings.map((f: { file: string }) => f.file), [path.join('src', 'a.py')]);
  const fromSub = cli(['check', '--format', 'json'], path.join(dir, 'src'));
  const out = JSON.parse(fromSub.stdout);
  assert.deepEqual(out.findings.map((f: { severity: string }) => f.severity), ['error'], 'the root config applies from src/');
  assert.deepEqual(out.findings.map((f: { file: string }) => f.file), ['a.py'], 'and so does the root .gitignore');
});
