/**
 * The hover knowledge base is complete: every entry has every field in both languages,
 * counterparts point at real entries of the other language, the primitives the issue and the
 * seed article name are covered, every primitive that snippets/ uses has an entry, and
 * docs/hover.md matches the data (run with UPDATE_DOCS=1 to regenerate it).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParsers, parse, grammarForPath, familyOf } from '../../server/src/core/parser';
import { prepare } from '../../server/src/core/engine';
import { KB_FILES, knowledgeBase, HOVER_LANGUAGES, type KbEntry } from '../../server/src/hover/kb';
import { entryForName, importedModules } from '../../server/src/hover/resolve';
import { renderEntry, resolveHoverLanguage, hoverAt, titleOf } from '../../server/src/hover/hover';
import { coverageMarkdown } from '../../server/src/hover/coverage';

const REPO = path.resolve(__dirname, '../../..');
const ALL: { entry: KbEntry; family: 'python' | 'js' }[] = KB_FILES.flatMap((f) => f.entries.map((entry) => ({ entry, family: f.family })));

before(async () => { await initParsers(); });

test('at least 90 entries, unique ids and names', () => {
  assert.ok(ALL.length >= 90, `only ${ALL.length} entries`);
  const ids = new Set<string>();
  const names = new Map<string, string>();
  for (const { entry, family } of ALL) {
    assert.ok(!ids.has(entry.id), `duplicate id ${entry.id}`);
    ids.add(entry.id);
    for (const n of [entry.id, ...(entry.names ?? [])]) {
      const key = `${family} ${n}`;
      assert.ok(!names.has(key), `${n} names both ${names.get(key)} and ${entry.id}`);
      names.set(key, entry.id);
    }
  }
});

test('every entry has every field in both languages', () => {
  const problems: string[] = [];
  const nonEmpty = (v: unknown) => typeof v === 'string' && v.trim().length > 0;
  for (const { entry, family } of ALL) {
    const where = entry.id;
    if (!['function', 'type', 'value', 'keyword'].includes(entry.kind)) problems.push(`${where}: kind`);
    if (!Array.isArray(entry.example) || entry.example.length === 0 || !entry.example.every((l) => typeof l === 'string')) problems.push(`${where}: example`);
    if (!/^https:\/\/\S+$/.test(entry.docs ?? '')) problems.push(`${where}: docs link`);
    if (!('counterpart' in entry)) problems.push(`${where}: counterpart (null when there is none)`);
    if (entry.ifImports && !entry.method) problems.push(`${where}: ifImports without method`);
    for (const lang of HOVER_LANGUAGES) {
      const t = entry[lang];
      if (!t) { problems.push(`${where}: no ${lang} text`); continue; }
      for (const field of ['summary', 'runsOn', 'blocks'] as const) if (!nonEmpty(t[field])) problems.push(`${where}: ${lang}.${field}`);
      if (family === 'python' && !nonEmpty(t.gil)) problems.push(`${where}: ${lang}.gil`);
      if (family === 'js' && t.gil !== undefined) problems.push(`${where}: ${lang}.gil on a Node entry`);
      if (!Array.isArray(t.pitfalls) || t.pitfalls.length === 0 || !t.pitfalls.every(nonEmpty)) problems.push(`${where}: ${lang}.pitfalls`);
      if (t.versions !== undefined && (!Array.isArray(t.versions) || !t.versions.every(nonEmpty))) problems.push(`${where}: ${lang}.versions`);
      if ((t.versions?.length ?? 0) !== (entry.en.versions?.length ?? 0)) problems.push(`${where}: ${lang} has ${t.versions?.length ?? 0} version notes, en has ${entry.en.versions?.length ?? 0}`);
      if ((t.pitfalls?.length ?? 0) !== entry.en.pitfalls.length) problems.push(`${where}: ${lang} has ${t.pitfalls?.length} pitfalls, en has ${entry.en.pitfalls.length}`);
      const all = [t.summary, t.runsOn, t.blocks, ...(t.pitfalls ?? []), ...(t.versions ?? [])].join(' ');
      if (lang === 'zh-cn' && !/[\u4e00-\u9fff]/.test(all)) problems.push(`${where}: zh-cn text is not Chinese`);
      if (lang === 'en' && /[\u4e00-\u9fff]/.test(all)) problems.push(`${where}: en text has Chinese`);
    }
  }
  assert.deepEqual(problems, []);
});

test('counterparts are entries of the other language', () => {
  const kb = knowledgeBase();
  const bad: string[] = [];
  for (const { entry, family } of ALL) {
    if (entry.counterpart === null) continue;
    const other = kb.byId.get(entry.counterpart);
    if (!other) bad.push(`${entry.id} -> ${entry.counterpart}: no such entry`);
    else if (other.family === family) bad.push(`${entry.id} -> ${entry.counterpart}: same language`);
  }
  assert.deepEqual(bad, []);
  const withCounterpart = ALL.filter((e) => e.entry.counterpart).length;
  assert.ok(withCounterpart >= ALL.length * 0.6, `only ${withCounterpart} of ${ALL.length} entries have a counterpart`);
});

/** Named in the issue or used by the seed article (../shared/seed). */
const REQUIRED = {
  python: [
    'threading.Thread', 'threading.Thread.start', 'threading.Thread.join', 'threading.Thread.daemon', 'threading.Lock', 'threading.RLock',
    'threading.Event', 'threading.Condition', 'threading.Semaphore', 'threading.Barrier', 'threading.Timer', 'threading.local',
    'multiprocessing.Process', 'multiprocessing.Process.start', 'multiprocessing.Process.join', 'multiprocessing.Pool', 'multiprocessing.Queue',
    'multiprocessing.Pipe', 'multiprocessing.Manager', 'multiprocessing.Value', 'multiprocessing.Array', 'multiprocessing.shared_memory.SharedMemory',
    'multiprocessing.set_start_method', 'multiprocessing.get_context',
    'concurrent.futures.ThreadPoolExecutor', 'concurrent.futures.ProcessPoolExecutor', 'concurrent.futures.ThreadPoolExecutor.submit',
    'concurrent.futures.ProcessPoolExecutor.map', 'concurrent.futures.as_completed', 'concurrent.futures.wait',
    'concurrent.futures.Future.result', 'concurrent.futures.Future.cancel', 'concurrent.futures.Future.add_done_callback',
    'asyncio.run', 'asyncio.create_task', 'asyncio.gather', 'asyncio.wait', 'asyncio.wait_for', 'asyncio.timeout', 'asyncio.TaskGroup',
    'asyncio.Task.cancel', 'asyncio.Task.result', 'asyncio.Task.done', 'asyncio.Task.exception', 'asyncio.Task.add_done_callback', 'asyncio.Task.cancelled',
    'asyncio.Event', 'asyncio.Lock', 'asyncio.Semaphore', 'asyncio.Queue', 'asyncio.sleep', 'asyncio.to_thread',
    'asyncio.AbstractEventLoop.run_in_executor', 'asyncio.get_running_loop', 'asyncio.Future', 'asyncio.CancelledError', 'anext',
    'ray.init', 'ray.remote', 'ray.get', 'ray.put', 'ray.wait',
    'xoscar.Actor', 'xoscar.StatelessActor', 'xoscar.create_actor', 'xoscar.ActorRef.send',
  ],
  js: [
    'Promise', 'Promise.prototype.then', 'Promise.prototype.catch', 'Promise.prototype.finally', 'Promise.all', 'Promise.allSettled',
    'Promise.race', 'Promise.any', 'Promise.withResolvers', 'setTimeout', 'setInterval', 'setImmediate', 'process.nextTick', 'queueMicrotask',
    'timers/promises.setTimeout', 'worker_threads.Worker', 'worker_threads.isMainThread', 'worker_threads.parentPort', 'worker_threads.workerData',
    'worker_threads.MessageChannel', 'worker_threads.receiveMessageOnPort', 'child_process.fork', 'child_process.spawn', 'child_process.exec',
    'child_process.execFile', 'child_process.execSync', 'child_process.spawnSync', 'child_process.execFileSync', 'cluster.fork',
    'SharedArrayBuffer', 'Atomics.wait', 'Atomics.waitAsync', 'Atomics.notify', 'Atomics.add', 'Atomics.compareExchange',
    'AbortController', 'AbortSignal.timeout', 'events.once', 'fs.readFileSync', 'fs/promises.readFile',
  ],
  keywords: ['python:async def', 'python:await', 'python:yield', 'python:async generator', 'python:async for', 'python:async with', 'js:async', 'js:await', 'js:yield', 'js:for await'],
};

test('the primitives of the issue and the seed article have entries', () => {
  const none = () => new Set<string>(['ray', 'xoscar']);
  const missing = [
    ...REQUIRED.python.filter((q) => !entryForName('python', q, none)),
    ...REQUIRED.js.filter((q) => !entryForName('js', q, none)),
    ...REQUIRED.keywords.filter((id) => !knowledgeBase().byId.has(id)),
  ];
  assert.deepEqual(missing, []);
});

/** Modules whose every call in snippets/ needs an entry; JS globals by their qualified prefix. */
const WATCHED: Record<'python' | 'js', RegExp> = {
  python: /^(threading|multiprocessing|concurrent\.futures|asyncio|ray|xoscar)(\.|$)/,
  js: /^(worker_threads|child_process|timers\/promises|cluster|fs\/promises|Promise|Atomics|AbortSignal|AbortController|SharedArrayBuffer|setTimeout|setInterval|setImmediate|queueMicrotask|process\.nextTick|events\.(once|on)$|fs\.\w+Sync$)/,
};

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'node_modules' || d.name.startsWith('.') ? [] : walk(p);
    return /\.(py|ts|js|mjs|cjs)$/.test(d.name) ? [p] : [];
  });
}

test('every primitive used in snippets/ has an entry', () => {
  const missing = new Set<string>();
  let checked = 0;
  for (const file of walk(path.join(REPO, 'snippets'))) {
    const grammar = grammarForPath(file);
    if (!grammar) continue;
    const family = familyOf(grammar);
    const tree = parse(grammar, fs.readFileSync(file, 'utf8'));
    try {
      const analysis = prepare(grammar, tree);
      let imports: Set<string> | undefined;
      for (const { node, fn } of analysis.index.calls) {
        const q = analysis.names.qualifyCallee(node, fn);
        if (!q || !WATCHED[family].test(q)) continue;
        checked++;
        if (!entryForName(family, q, () => (imports ??= importedModules(analysis)))) {
          missing.add(`${q} (${path.relative(REPO, file)}:${node.startPosition.row + 1})`);
        }
      }
    } finally {
      tree.delete();
    }
  }
  assert.deepEqual([...missing], [], `checked ${checked} calls`);
});

test('the snippets check catches a call without an entry', () => {
  const tree = parse('python', 'import asyncio\nasyncio.no_such_primitive()\nasyncio.sleep(1)\n');
  try {
    const analysis = prepare('python', tree);
    const found = analysis.index.calls
      .map(({ node, fn }) => analysis.names.qualifyCallee(node, fn)!)
      .filter((q) => WATCHED.python.test(q) && !entryForName('python', q, () => new Set()));
    assert.deepEqual(found, ['asyncio.no_such_primitive']);
  } finally {
    tree.delete();
  }
});

test('docs/hover.md lists the knowledge base', () => {
  const file = path.join(REPO, 'docs/hover.md');
  const expected = coverageMarkdown();
  if (process.env.UPDATE_DOCS) fs.writeFileSync(file, expected);
  assert.ok(fs.existsSync(file), 'docs/hover.md is missing: run the unit tests with UPDATE_DOCS=1');
  assert.equal(fs.readFileSync(file, 'utf8'), expected, 'docs/hover.md is stale: run the unit tests with UPDATE_DOCS=1');
});

/** The README's compact list of covered primitives, between its primitives markers. */
function readmePrimitives(): string {
  const rows = KB_FILES.map((f) => {
    const names = f.entries.map((e) => '`' + titleOf(e) + '`').join(', ');
    return `- **${f.family === 'python' ? 'Python' : 'Node'} · ${f.topic}**: ${names}`;
  });
  return ['<!-- primitives:start (generated from server/src/hover/kb by test/unit/hover-kb.test.ts; UPDATE_DOCS=1 rewrites it) -->', ...rows, '<!-- primitives:end -->'].join('\n');
}

test('the README lists the covered primitives', () => {
  const file = path.join(REPO, 'README.md');
  const text = fs.readFileSync(file, 'utf8');
  const block = /<!-- primitives:start[^>]*-->[\s\S]*?<!-- primitives:end -->/;
  assert.match(text, block, 'README.md lacks the primitives block');
  const expected = readmePrimitives();
  if (process.env.UPDATE_DOCS) fs.writeFileSync(file, text.replace(block, expected));
  assert.equal(fs.readFileSync(file, 'utf8').match(block)![0], expected, 'the README list is stale: run the unit tests with UPDATE_DOCS=1');
});

test('rendered hover: title, table, pitfalls, example, compare, link; in both languages', () => {
  const entry = knowledgeBase().byId.get('asyncio.gather')!.entry;
  const en = renderEntry(entry, 'en');
  assert.match(en, /^\*\*`asyncio\.gather`\*\* · Python/);
  assert.match(en, /\| Runs on \| Blocks \| GIL \|/);
  assert.match(en, /\*\*Pitfalls\*\*\n- /);
  assert.match(en, /```python\n.*asyncio\.gather/);
  assert.match(en, /Compare with: `Promise\.all` \(Node\)/);
  assert.match(en, /\[Documentation\]\(https:\/\/docs\.python\.org\/3\/library\/asyncio-task\.html#asyncio\.gather\)/);
  const zh = renderEntry(entry, 'zh-cn');
  assert.match(zh, /\| 运行于 \| 阻塞 \| GIL \|/);
  assert.match(zh, /对照：`Promise\.all`/);
  const versioned = knowledgeBase().byId.get('asyncio.create_task')!.entry;
  assert.match(renderEntry(versioned, 'en'), /\*\*Versions\*\*\n- 3\.12\+: /);
  assert.match(renderEntry(versioned, 'zh-cn'), /\*\*版本说明\*\*\n- 3\.12 起/);
  const js = renderEntry(knowledgeBase().byId.get('Promise.all')!.entry, 'en');
  assert.match(js, /\| Runs on \| Blocks \|\n\|---\|---\|\n/);
  assert.match(js, /```javascript\n/);
  for (const { entry: e } of ALL) {
    for (const lang of HOVER_LANGUAGES) {
      const lines = renderEntry(e, lang).split('\n').length;
      assert.ok(lines <= 30, `${e.id} (${lang}) renders ${lines} lines: too long for a hover`);
    }
  }
});

test('hoverAt returns the range of the token under the cursor', () => {
  const tree = parse('python', 'import asyncio as aio\nasync def f():\n    await aio.sleep(1)\n');
  try {
    const h = hoverAt('python', tree, prepare('python', tree), { line: 2, character: 15 }, 'zh-cn');
    assert.ok(h);
    assert.deepEqual(h.range, { start: { line: 2, character: 14 }, end: { line: 2, character: 19 } });
    assert.match(h.markdown, /^\*\*`asyncio\.sleep`\*\*/);
    assert.match(h.markdown, /[\u4e00-\u9fff]/);
    assert.equal(hoverAt('python', tree, prepare('python', tree), { line: 0, character: 0 }, 'en'), null);
  } finally {
    tree.delete();
  }
});

test('resolveHoverLanguage', () => {
  assert.equal(resolveHoverLanguage('auto', 'zh-cn'), 'zh-cn');
  assert.equal(resolveHoverLanguage('auto', 'zh-tw'), 'zh-cn');
  assert.equal(resolveHoverLanguage('auto', 'ZH'), 'zh-cn');
  assert.equal(resolveHoverLanguage('auto', 'en-us'), 'en');
  assert.equal(resolveHoverLanguage('auto', 'de'), 'en');
  assert.equal(resolveHoverLanguage('auto', undefined), 'en');
  assert.equal(resolveHoverLanguage('en', 'zh-cn'), 'en');
  assert.equal(resolveHoverLanguage('zh-cn', 'en'), 'zh-cn');
});

test('the counterparts added in the review resolve from code: loop.call_soon, asyncio.create_subprocess_*, subprocess.run', () => {
  const src = [
    'import asyncio, subprocess',
    'async def main():',
    '    loop = asyncio.get_running_loop()',
    '    loop.call_soon(print)',
    '    await asyncio.create_subprocess_shell("ls")',
    '    subprocess.check_output(["ls"])',
    '',
  ].join('\n');
  const tree = parse('python', src);
  try {
    const analysis = prepare('python', tree);
    const at = (line: number, character: number) => hoverAt('python', tree, analysis, { line, character }, 'en')?.markdown.split('\n')[0];
    assert.equal(at(3, 10), '**`asyncio.AbstractEventLoop.call_soon`** · Python');
    assert.equal(at(4, 20), '**`asyncio.create_subprocess_exec`** · Python');
    assert.equal(at(5, 17), '**`subprocess.run`** · Python');
  } finally {
    tree.delete();
  }
  const micro = renderEntry(knowledgeBase().byId.get('queueMicrotask')!.entry, 'en');
  assert.match(micro, /Compare with: `asyncio\.AbstractEventLoop\.call_soon` \(Python\)/);
});
