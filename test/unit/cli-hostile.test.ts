/**
 * `concurrency-lens check` and `run` against hostile trees and arguments, through the real CLI
 * (dist/cli.js): missing paths, nothing analysable, files it cannot read or decode, symbolic
 * links, huge files, control characters in names, out-of-range options.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const BLOCKING = 'import time\n\nasync def f():\n    time.sleep(1)\n';

function cli(args: string[], cwd: string) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
}

function tree(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-check-'));
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), body);
  return dir;
}

test('a path that does not exist exits 2 and says so, even beside a good one', () => {
  const dir = tree({ 'ok.py': 'x = 1\n' });
  const r = cli(['check', 'ok.py', 'nope.py'], dir);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /nope\.py: cannot read: ENOENT/);
  assert.match(r.stderr, /no such path: nope\.py/);
});

test('nothing analysable exits 2: an empty folder, or only files it could not read', () => {
  const empty = tree({});
  assert.equal(cli(['check', '.'], empty).status, 2);
  const loop = tree({});
  fs.symlinkSync('b.py', path.join(loop, 'a.py'));
  fs.symlinkSync('a.py', path.join(loop, 'b.py'));
  const r = cli(['check', '.'], loop);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /a\.py: cannot read: ELOOP/);
  assert.match(r.stderr, /b\.py: cannot read: ELOOP/);
});

test('a symlinked file is checked; a file it may not read is a problem line', () => {
  const dir = tree({ 'real.py': BLOCKING, 'secret.py': BLOCKING });
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.symlinkSync('../real.py', path.join(dir, 'sub', 'link.py'));
  const rootUser = process.getuid?.() === 0;
  if (!rootUser) fs.chmodSync(path.join(dir, 'secret.py'), 0);
  const r = cli(['check', 'sub', 'secret.py'], dir);
  assert.match(r.stdout, /^sub\/link\.py:4:5: warning blocking-call-in-async/m, r.stdout + r.stderr);
  // root reads every file: the permission case needs an ordinary user.
  if (!rootUser) assert.match(r.stderr, /secret\.py: cannot read: EACCES/);
  assert.equal(r.status, 1);
});

test('decoding: a PEP 263 coding line, UTF-16 and UTF-8 BOMs; an unknown coding is a problem line', () => {
  const latin1 = Buffer.from('# -*- coding: latin-1 -*-\nimport time\n\nasync def f():\n    s = "café"\n    time.sleep(1)\n', 'latin1');
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(BLOCKING, 'utf16le')]);
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("import fs from 'fs';\nasync function f() { fs.readFileSync('x'); }\n")]);
  const dir = tree({ 'latin.py': latin1, 'wide.py': utf16, 'bom.ts': bom, 'odd.py': '# coding: klingon\nx = 1\n' });
  const r = cli(['check', '.'], dir);
  assert.match(r.stdout, /^latin\.py:6:5: warning blocking-call-in-async/m, r.stdout + r.stderr);
  assert.match(r.stdout, /^wide\.py:4:5: warning blocking-call-in-async/m);
  assert.match(r.stdout, /^bom\.ts:2:22: warning blocking-call-in-async/m);
  assert.match(r.stderr, /odd\.py: unknown encoding 'klingon'/);
  assert.equal(r.status, 1);
});

test('the size cap is checked before reading: a 3 GB file is a problem line, not a read', () => {
  const dir = tree({ 'ok.py': 'x = 1\n' });
  // Sparse: no disk used. Read whole it would fail (over Node's 2 GB buffer) or take minutes.
  const huge = path.join(dir, 'huge.py');
  fs.writeFileSync(huge, '');
  fs.truncateSync(huge, 3 * 1024 ** 3);
  const r = cli(['check', '.'], dir);
  assert.match(r.stderr, /huge\.py: larger than 2 MB; skipped/, r.stderr);
  assert.equal(r.status, 0);
});

test('control characters in file names and messages are escaped in text output', { skip: process.platform === 'win32' && 'file names' }, () => {
  const name = 'evil\u001b[2J\u0007.py';
  const dir = tree({ [name]: BLOCKING });
  const r = cli(['check', '.'], dir);
  assert.equal(r.status, 1);
  assert.ok(!/[\u0000-\u0008\u000b-\u001f]/.test(r.stdout + r.stderr), JSON.stringify(r.stdout + r.stderr));
  assert.match(r.stdout, /^evil\\x1b\[2J\\x07\.py:4:5: warning/m);
});

test('run: --timeout and --tasks are bounded with a usage error', () => {
  const dir = tree({ 'w.py': 'def f():\n    return 1\n' });
  for (const [flag, value] of [['--timeout', '3000000'], ['--tasks', '100000']]) {
    const r = cli(['run', 'w.py', '--function', 'f', flag, value], dir);
    assert.equal(r.status, 2, `${flag} ${value}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^concurrency-lens: ${flag} takes at most`));
  }
});
