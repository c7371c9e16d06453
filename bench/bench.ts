/**
 * npm run bench: prints figures, asserts nothing (the machines are shared and noisy).
 *  - check: a generated corpus of thousands of TS and Python files: files, lines, wall ms,
 *    lines per second; and the bare tree-sitter parse of the same files, the floor.
 *  - whole-file analysis vs bare parse, per file, as a ratio.
 *  - the server: didChange -> diagnostics on a 5,000-line file, p50 and p95 over 100 edits.
 *  - check on a generated 3,500-file TS workspace with cross-file classes (bench/corpus.ts).
 *  - recall of floating-promise / unawaited-coroutine on await-removal mutations of generated
 *    multi-file workspaces (bench/recall.ts). BENCH_ONLY=recall runs this section alone; BENCH_ONLY=index the project index's, =server the edit latency, =parse analysis against the bare parse.
 *  - await-in-loop on a corpus of awaiting loops of every shape it excludes: findings with each
 *    exclusion off (before) and on (after).
 *  - hostile inputs (issue 11): how long the analysis takes before its budget skips them.
 * Harness overheads are printed by bench/harness.ts when it exists.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, InitializeRequest, InitializedNotification,
  DidOpenTextDocumentNotification, DidChangeTextDocumentNotification, PublishDiagnosticsNotification, ShutdownRequest, ExitNotification,
  LogMessageNotification, WorkDoneProgressCreateRequest,
} from 'vscode-languageserver-protocol/node';
import { pathToFileURL } from 'node:url';
import { initParsers, parse, type Grammar } from '../server/src/core/parser';
import { analyzeTree, analyzeText, DEFAULT_ANALYSIS_SETTINGS } from '../server/src/core/engine';
import { pythonModule, tsModule, generateLargeTsWorkspace, awaitLoopModule, AWAIT_LOOP_KINDS } from './corpus';
import { benchRecall } from './recall';
import { EXCLUSIONS, awaitInLoopOptions } from '../server/src/core/rules/await-in-loop';

const ROOT = path.resolve(__dirname, '../..');
const FILES = Number(process.env.BENCH_FILES ?? 2000);

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function fmt(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

function corpus(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-bench-'));
  for (let i = 0; i < FILES; i++) {
    const py = i % 2 === 0;
    const sub = path.join(dir, `pkg${i % 20}`);
    fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `m${i}.${py ? 'py' : 'ts'}`), py ? pythonModule(i, 8 + (i % 25)) : tsModule(i, 8 + (i % 25)));
  }
  return dir;
}

function benchCheck(dir: string, label = 'mixed corpus', extra: string[] = []): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'check', '--format', 'json', ...extra, dir], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = performance.now() - started;
  const out = JSON.parse(r.stdout);
  console.log(`check${extra.length ? ' ' + extra.join(' ') : ''} (CLI, worker threads) of the ${label}: ${out.stats.files} files, ${fmt(out.stats.lines)} lines, ${fmt(wall)} ms wall, ${fmt(out.stats.lines / (wall / 1000))} lines/s, ${out.findings.length} findings`);
  return wall;
}

function benchParseVsAnalysis(dir: string): void {
  const files: { g: Grammar; text: string }[] = [];
  for (const sub of fs.readdirSync(dir)) {
    for (const f of fs.readdirSync(path.join(dir, sub))) {
      files.push({ g: f.endsWith('.py') ? 'python' : 'typescript', text: fs.readFileSync(path.join(dir, sub, f), 'utf8') });
    }
  }
  const lines = files.reduce((n, f) => n + f.text.split('\n').length, 0);
  // warm up both paths
  for (const f of files.slice(0, 50)) { const t = parse(f.g, f.text); analyzeTree(f.g, f.text, t, DEFAULT_ANALYSIS_SETTINGS); t.delete(); }
  let parseMs = 0;
  let analysisMs = 0;
  for (const f of files) {
    const a = performance.now();
    const tree = parse(f.g, f.text);
    const b = performance.now();
    analyzeTree(f.g, f.text, tree, DEFAULT_ANALYSIS_SETTINGS);
    const c = performance.now();
    tree.delete();
    parseMs += b - a;
    analysisMs += c - b;
  }
  console.log(`one thread, ${files.length} files, ${fmt(lines)} lines:`);
  console.log(`  bare tree-sitter parse: ${fmt(parseMs)} ms (${fmt(lines / (parseMs / 1000))} lines/s)`);
  console.log(`  parse + analysis:       ${fmt(parseMs + analysisMs)} ms (analysis alone ${fmt(analysisMs)} ms)`);
  console.log(`  whole-file analysis / bare parse: ${(((parseMs + analysisMs) / parseMs)).toFixed(2)}x (target <= 2x)`);
}

/**
 * The project index on a 3,500-file TS workspace with cross-file classes, side by side in one run:
 * `check` with each file alone (the analysis before the index) and with the index; the language
 * server's cold index of the same folder and its memory after; how soon an edit of a file that
 * others import re-publishes an open dependent.
 */
async function benchLargeTsWorkspace(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-large-ts-'));
  try {
    generateLargeTsWorkspace(dir, 3500);
    const alone = benchCheck(dir, '3,500-file TS workspace', ['--no-project']);
    const withIndex = benchCheck(dir, '3,500-file TS workspace');
    console.log(`  check with the project index / each file alone: ${(withIndex / alone).toFixed(2)}x (target <= 1.3x)`);
    await benchServerIndex(dir, alone);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function benchServerIndex(dir: string, checkAloneMs: number): Promise<void> {
  const proc = spawn(process.execPath, [path.join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  let indexed: (() => void) | undefined;
  const published: { uri: string; at: number; count: number }[] = [];
  conn.onNotification(LogMessageNotification.type, (m) => { if (/indexed \d+ files/.test(m.message)) indexed?.(); });
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => { published.push({ uri: p.uri, at: performance.now(), count: p.diagnostics.length }); });
  conn.onRequest('workspace/configuration', () => [{}]);
  conn.onRequest(WorkDoneProgressCreateRequest.type, () => null);
  conn.listen();
  const rootUri = pathToFileURL(dir).toString();
  await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid, rootUri, capabilities: { window: { workDoneProgress: true } }, workspaceFolders: [{ uri: rootUri, name: 'large' }],
  });
  const ready = new Promise<void>((r) => { indexed = r; });
  const started = performance.now();
  await conn.sendNotification(InitializedNotification.type, {});
  await ready;
  const coldMs = performance.now() - started;
  console.log(`server cold index of the same workspace: ${fmt(coldMs)} ms, ${(coldMs / checkAloneMs).toFixed(2)}x check with each file alone (target <= 1.5x); server memory after indexing ${fmt(rssMb(proc.pid!))} MB RSS (target <= 300 MB)`);

  // A module others import, and one of its importers, open in the editor.
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
  const importer = files.find((f) => /from '\.\.?\//.test(fs.readFileSync(f, 'utf8')));
  if (!importer) return;
  const spec = /from '(\.\.?\/[^']+)'/.exec(fs.readFileSync(importer, 'utf8'))![1];
  const target = [importer.replace(/[^/]+$/, '') + spec + '.ts', path.join(path.dirname(importer), spec, 'index.ts')].map((f) => path.resolve(f)).find((f) => fs.existsSync(f));
  if (!target) return;
  const open = async (f: string) => conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: pathToFileURL(f).toString(), languageId: 'typescript', version: 1, text: fs.readFileSync(f, 'utf8') },
  });
  await open(importer);
  await open(target);
  const importerUri = pathToFileURL(importer).toString();
  const targetText = fs.readFileSync(target, 'utf8');
  const lines = targetText.split('\n');
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    // a new exported function changes what the module declares, so its importers are analysed again
    const mark = published.length;
    const sent = performance.now();
    await conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: pathToFileURL(target).toString(), version: i + 2 },
      contentChanges: [{ range: { start: { line: lines.length, character: 0 }, end: { line: lines.length, character: 0 } }, text: `export async function added${i}() {}\n` }],
    });
    lines.push('');
    await new Promise<void>((resolve) => {
      const poll = () => (published.slice(mark).some((p) => p.uri === importerUri) ? resolve() : setTimeout(poll, 1));
      poll();
    });
    times.push(published.slice(mark).find((p) => p.uri === importerUri)!.at - sent);
  }
  console.log(`server: an edit that changes a module's declarations -> its open importer re-published: p50 ${fmt(pct(times, 50))} ms, p95 ${fmt(pct(times, 95))} ms (target <= 300 ms)`);
  await conn.sendRequest(ShutdownRequest.type);
  await conn.sendNotification(ExitNotification.type);
  conn.dispose();
}

async function benchServer(): Promise<void> {
  const proc = spawn(process.execPath, [path.join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const waiters = new Map<number, () => void>();
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => { if (p.version !== undefined) waiters.get(p.version)?.(); });
  conn.onRequest('workspace/configuration', () => [{}]);
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
  await conn.sendNotification(InitializedNotification.type, {});
  for (const [g, lang, ext] of [['python', 'python', 'py'], ['typescript', 'typescript', 'ts']] as const) {
    let text = g === 'python' ? pythonModule(7, 400) : tsModule(7, 450);
    const lines = text.split('\n');
    text = lines.slice(0, 5000).join('\n');
    const uri = `file:///bench/big.${ext}`;
    const published = (v: number) => new Promise<void>((r) => waiters.set(v, r));
    let wait = published(1);
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: lang, version: 1, text } });
    await wait;
    // Two kinds of edit: a keystroke inside a line (a digit typed into a number, else a space at
    // the end), and a new comment line. tree-sitter-python re-parses far more after a new line.
    const current = text.split('\n');
    let version = 1;
    for (const kind of ['keystroke', 'new line'] as const) {
      const times: number[] = [];
      for (let i = 0; i < 100; i++) {
        const line = 100 + ((i * 37) % 4800);
        let character = 0;
        let insert = g === 'python' ? `${/^\s*/.exec(current[line])![0]}# edit\n` : '// edit\n';
        if (kind === 'keystroke') {
          const digit = /\d/.exec(current[line]);
          character = digit ? digit.index : current[line].length;
          insert = digit ? '1' : ' ';
          current[line] = current[line].slice(0, character) + insert + current[line].slice(character);
        } else {
          current.splice(line, 0, insert.slice(0, -1));
        }
        version++;
        wait = published(version);
        const t0 = performance.now();
        await conn.sendNotification(DidChangeTextDocumentNotification.type, {
          textDocument: { uri, version },
          contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: insert }],
        });
        await wait;
        times.push(performance.now() - t0);
      }
      console.log(`server, ${g} file of ${current.length} lines, ${kind}: didChange -> diagnostics p50 ${fmt(pct(times, 50))} ms, p95 ${fmt(pct(times, 95))} ms (target p95 < 50 ms)`);
    }
  }
  await conn.sendRequest(ShutdownRequest.type);
  await conn.sendNotification(ExitNotification.type);
  conn.dispose();
}

function benchAwaitInLoop(): void {
  const files: { g: Grammar; text: string }[] = [];
  for (let i = 0; i < 200; i++) files.push({ g: i % 2 ? 'typescript' : 'python', text: awaitLoopModule(i, 20, i % 2 === 0) });
  const count = () => files.reduce((n, f) => n + analyzeText(f.g, f.text).findings.filter((x) => x.rule === 'await-in-loop').length, 0);
  const loops = files.reduce((n, f) => n + f.text.split('\n').filter((l) => /^\s*for\b/.test(l)).length, 0);
  // The generator draws one loop shape per function; count how many are per-item work that should be reported.
  const independent = files.reduce((n, f) => n + (f.text.match(/(independent_\d+|independent\d+)\(/g) ?? []).length, 0);
  awaitInLoopOptions.disabled = new Set(EXCLUSIONS);
  const none = count();
  awaitInLoopOptions.disabled = new Set();
  const all = count();
  console.log(`await-in-loop on ${files.length} generated files, ${loops} loops (${AWAIT_LOOP_KINDS.length} shapes, ${independent} per-item loops that should be reported):`);
  console.log(`  no exclusion: ${none} findings; all exclusions: ${all} findings`);
  for (const e of EXCLUSIONS) {
    awaitInLoopOptions.disabled = new Set([e]);
    console.log(`  ${e.padEnd(16)} before (off) ${count()}  after (on) ${all}`);
  }
  awaitInLoopOptions.disabled = new Set();
}

/** Inputs that once stalled the server (17.7 s, 22 s): the time to a result or a skip, and why. */
function benchHostile(): void {
  const cases: [string, Grammar, string][] = [
    ['100 KB of `(`, Python', 'python', '('.repeat(100_000)],
    ['100 KB of `(`, TypeScript', 'typescript', '('.repeat(100_000)],
    ['2,500 chained .then(x => x)', 'typescript', 'async function f() { await p' + '.then(x => x)'.repeat(2500) + '; }\n'],
    ['400 chained .then(x => x)', 'typescript', 'async function f() { await p' + '.then(x => x)'.repeat(400) + '; }\n'],
  ];
  for (const [name, g, text] of cases) {
    const started = performance.now();
    const r = analyzeText(g, text);
    console.log(`hostile: ${name}: ${fmt(performance.now() - started)} ms (${r.skipped ? `skipped: ${r.skipped}` : `${r.findings.length} findings`})`);
  }
}

async function main(): Promise<void> {
  await initParsers();
  console.log(`Concurrency Lens benchmarks on ${os.cpus().length} cores, node ${process.version}`);
  if (process.env.BENCH_ONLY === 'recall') return benchRecall();
  if (process.env.BENCH_ONLY === 'index') return benchLargeTsWorkspace();
  if (process.env.BENCH_ONLY === 'server') return benchServer();
  if (process.env.BENCH_ONLY === 'parse') {
    const dir = corpus();
    try {
      return benchParseVsAnalysis(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  if (process.env.BENCH_ONLY === 'ray') return (require(path.join(__dirname, 'ray.js')) as { done: Promise<void> }).done;
  const dir = corpus();
  try {
    benchAwaitInLoop();
    benchCheck(dir);
    benchParseVsAnalysis(dir);
    await benchServer();
    await benchLargeTsWorkspace();
    await benchRecall();
    benchHostile();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const harnessBench = path.join(__dirname, 'harness.js');
  if (fs.existsSync(harnessBench)) await (require(harnessBench) as { done: Promise<void> }).done;
  const rayBench = path.join(__dirname, 'ray.js');
  if (fs.existsSync(rayBench)) await (require(rayBench) as { done: Promise<void> }).done;
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
