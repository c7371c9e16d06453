/**
 * npm run bench: prints figures, asserts nothing (the machines are shared and noisy).
 *  - check: a generated corpus of thousands of TS and Python files: files, lines, wall ms,
 *    lines per second; and the bare tree-sitter parse of the same files, the floor.
 *  - whole-file analysis vs bare parse, per file, as a ratio.
 *  - the server: didChange -> diagnostics on a 5,000-line file, p50 and p95 over 100 edits.
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
} from 'vscode-languageserver-protocol/node';
import { initParsers, parse, type Grammar } from '../server/src/core/parser';
import { analyzeTree, analyzeText, DEFAULT_ANALYSIS_SETTINGS } from '../server/src/core/engine';
import { pythonModule, tsModule } from './corpus';

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

function benchCheck(dir: string): void {
  const started = performance.now();
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'check', '--format', 'json', dir], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = performance.now() - started;
  const out = JSON.parse(r.stdout);
  console.log(`check (CLI, worker threads): ${out.stats.files} files, ${fmt(out.stats.lines)} lines, ${fmt(wall)} ms wall, ${fmt(out.stats.lines / (wall / 1000))} lines/s, ${out.findings.length} findings`);
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
  const dir = corpus();
  try {
    benchCheck(dir);
    benchParseVsAnalysis(dir);
    await benchServer();
    benchHostile();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const harnessBench = path.join(__dirname, 'harness.js');
  if (fs.existsSync(harnessBench)) await (require(harnessBench) as { done: Promise<void> }).done;
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
