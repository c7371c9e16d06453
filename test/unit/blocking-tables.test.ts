/** The blocking-call tables: what they name, the awaitable twin each message offers, and callbacks that run at once. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initParsers } from '../../server/src/core/parser';
import { analyzeText } from '../../server/src/core/engine';
import { catalogue } from '../../server/src/core/catalogue';

before(async () => { await initParsers(); });

function messages(grammar: 'python' | 'typescript', text: string): string[] {
  return analyzeText(grammar, text).findings.filter((f) => f.rule === 'blocking-call-in-async').map((f) => f.message);
}

test('pure path functions are never blocking calls', () => {
  const pure = ['join', 'basename', 'dirname', 'normpath', 'normcase', 'splitext', 'split', 'splitdrive', 'isabs', 'commonpath', 'relpath', 'expanduser']
    .map((n) => `os.path.${n}`);
  for (const name of [...pure, 'pathlib.Path.joinpath', 'pathlib.Path.with_name', 'pathlib.Path.with_suffix', 'pathlib.Path.relative_to']) {
    assert.equal(catalogue('python').blocking(name), undefined, name);
  }
});

test('each message names the non-blocking twin', () => {
  const [stat, exists, rm, conn, dns] = messages('python', [
    'import os, shutil, socket, sqlite3', 'from pathlib import Path', 'async def f(p: Path):',
    '    p.stat()', '    os.path.exists(p)', '    shutil.rmtree(p)', '    sqlite3.connect(p)', '    socket.getaddrinfo("h", 1)', '',
  ].join('\n'));
  assert.match(stat, /anyio\.Path\(\.\.\.\)\.stat\(\)/);
  assert.match(stat, /asyncio\.to_thread\(path\.stat, \.\.\.\)/);
  assert.match(exists, /aiofiles\.os\.path\.exists\(\)/);
  assert.match(rm, /asyncio\.to_thread\(shutil\.rmtree, \.\.\.\)/);
  assert.match(conn, /aiosqlite/);
  assert.match(dns, /loop\.getaddrinfo\(\)/);
});

test('a blocking call in a callback run at once says which call runs it, and within which async function', () => {
  const [msg] = messages('typescript', "import * as fs from 'node:fs';\nexport async function load(ps: string[]) {\n  return ps.map((p) => fs.readFileSync(p));\n}\n");
  assert.match(msg, /inside a callback that `\.map\(\)` runs at once, within `async function load`/);
  assert.match(msg, /fs\.promises\.readFile/);
});
