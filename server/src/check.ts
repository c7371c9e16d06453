/**
 * `concurrency-lens check` as a library: find the files, analyse them (on worker threads when
 * there are many), and collect the findings. The CLI only parses arguments and prints.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import ignore, { type Ignore } from 'ignore';
import { initParsers, grammarForPath, parse, familyOf, ParseTimeout, type Grammar, type Tree } from './core/parser';
import { analyzeTree, prepare, summaryKey, MAX_FILE_BYTES } from './core/engine';
import { summarize, type ModuleSummary } from './core/project/summary';
import { ProjectIndex, emptyLayout, type ProjectLayout } from './core/project/project';
import { scanLayout, isLayoutFile } from './project-layout';
import type { AnalysisSettings, Finding } from './core/types';
import { settingsForFile, type Override } from './settings';

/** The settings of a check: the analysis settings, and per-path overrides with the folder their globs start from. */
export type CheckSettings = AnalysisSettings & { overrides?: Override[]; overridesBase?: string };

export const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'out', '.venv', 'venv', '__pycache__']);

export interface FileFinding extends Finding {
  file: string;
}

export interface FileProblem {
  file: string;
  problem: string;
}

export interface CheckResult {
  findings: FileFinding[];
  problems: FileProblem[];
  files: number;
  /** files whose analysis ran (not skipped, not unreadable) */
  analysed: number;
  /** paths given that do not exist */
  missing: string[];
  lines: number;
  ms: number;
}

type Ignores = { base: string; ig: Ignore }[];

/** The .gitignore rules of `dir` itself, added to those in force above it. */
function withGitignore(ignores: Ignores, dir: string): Ignores {
  const gi = path.join(dir, '.gitignore');
  if (!fs.existsSync(gi)) return ignores;
  try {
    return [...ignores, { base: dir, ig: ignore().add(fs.readFileSync(gi, 'utf8')) }];
  } catch {
    return ignores; // an unreadable .gitignore ignores nothing
  }
}

/** The .gitignore rules that apply inside `dir` from its ancestors, up to the repository root. */
function inheritedIgnores(dir: string): Ignores {
  const chain: string[] = [];
  for (let d = path.dirname(path.resolve(dir)); ; d = path.dirname(d)) {
    chain.unshift(d);
    if (fs.existsSync(path.join(d, '.git')) || path.dirname(d) === d) break;
  }
  // Only a folder inside a repository inherits its ignores.
  if (!fs.existsSync(path.join(chain[0], '.git'))) return [];
  return chain.reduce(withGitignore, [] as Ignores);
}

/** The nearest concurrency-lens.json at or above `dir`, looking no higher than the repository root. */
export function findConfig(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const f = path.join(d, 'concurrency-lens.json');
    if (fs.existsSync(f)) return f;
    if (fs.existsSync(path.join(d, '.git')) || path.dirname(d) === d) return undefined;
  }
}

/**
 * Walks paths as given; folders are searched, honouring the .gitignore files that apply.
 * A symbolic link to a file is checked as the file; one that leads nowhere (or in a loop) is a
 * problem; links to folders are not followed (as git does not).
 */
export function collectFiles(paths: string[]): { files: string[]; problems: FileProblem[]; configs: string[]; missing: string[] } {
  const files: string[] = [];
  const problems: FileProblem[] = [];
  /** tsconfig/jsconfig/package.json files met on the way, for the project layout */
  const configs: string[] = [];
  const missing: string[] = [];
  const visit = (p: string, ignores: Ignores) => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (err) {
      problems.push({ file: p, problem: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
      return;
    }
    if (stat.isFile()) {
      if (grammarForPath(p)) files.push(p);
      else if (isLayoutFile(p)) configs.push(p);
      return;
    }
    if (!stat.isDirectory()) return;
    const scoped = withGitignore(ignores, p);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(p, { withFileTypes: true });
    } catch (err) {
      problems.push({ file: p, problem: `cannot list: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.isDirectory() && SKIPPED_DIRS.has(e.name)) continue;
      const child = path.join(p, e.name);
      const excluded = scoped.some(({ base, ig }) => {
        const rel = path.relative(base, child).split(path.sep).join('/');
        return rel !== '' && !rel.startsWith('..') && ig.ignores(e.isDirectory() ? rel + '/' : rel);
      });
      if (excluded) continue;
      if (e.isDirectory() || e.isFile()) visit(child, scoped);
      else if (e.isSymbolicLink() && grammarForPath(child)) visit(child, scoped);
    }
  };
  for (const p of paths) {
    if (!fs.existsSync(p) && !isLink(p)) {
      missing.push(p);
      problems.push({ file: p, problem: 'cannot read: ENOENT (no such file or folder)' });
      continue;
    }
    const given = fs.existsSync(p) && fs.statSync(p).isFile();
    if (given && !grammarForPath(p)) {
      problems.push({ file: p, problem: 'not a Python, TypeScript or JavaScript file' });
      continue;
    }
    visit(p, inheritedIgnores(p));
  }
  return { files, problems, configs, missing };
}

function isLink(p: string): boolean {
  return fs.lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink() === true;
}

/** PEP 263: a coding declaration on line 1 or 2 (line 2 only after a comment or blank line 1). */
const CODING = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/**
 * The text of a file as its language reads it: a BOM (UTF-8, UTF-16 LE/BE) decides, then for
 * Python a PEP 263 coding line; otherwise UTF-8. A string is a problem to report.
 */
export function decodeSource(bytes: Buffer, python: boolean): { text: string } | { problem: string } {
  const decode = (encoding: string, from: number): { text: string } | { problem: string } => {
    let decoder: TextDecoder;
    try {
      decoder = new TextDecoder(encoding, { fatal: true });
    } catch {
      return { problem: `unknown encoding '${encoding}'; skipped` };
    }
    try {
      return { text: decoder.decode(bytes.subarray(from)) };
    } catch {
      return { problem: `not valid ${encoding.toUpperCase()}; skipped` };
    }
  };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decode('utf-8', 3);
  // FF FE / FE FF are a UTF-16 BOM only when what follows is UTF-16; else the file is judged as UTF-8.
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : undefined;
  if (utf16) {
    const wide = decode(utf16, 2);
    if ('text' in wide) return wide;
  }
  if (python && !utf16) {
    const head = bytes.subarray(0, 400).toString('latin1').split(/\r\n|\r|\n/, 2);
    const declared = CODING.exec(head[0]) ?? (/^[ \t\f]*(#.*)?$/.test(head[0]) && head[1] !== undefined ? CODING.exec(head[1]) : null);
    if (declared) return decode(whatwgLabel(declared[1]), 0);
  }
  return decode('utf-8', 0);
}

/** Python's spelling of an encoding (latin-1, iso8859_15, utf_8_sig) as the WHATWG label TextDecoder knows. */
function whatwgLabel(python: string): string {
  const name = python.toLowerCase().replace(/_/g, '-');
  const alias: Record<string, string> = {
    'latin-1': 'latin1', latin: 'latin1', l1: 'latin1', cp819: 'latin1', '8859': 'latin1',
    'utf-8-sig': 'utf-8', u8: 'utf-8', utf: 'utf-8',
  };
  return alias[name] ?? name.replace(/^iso8859-?/, 'iso-8859-');
}

/** Reads a file whole unless it is over the size cap, which is checked first (never a 1 GB read). */
function readCapped(file: string): { bytes: Buffer } | { problem: string } {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    return { problem: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size > MAX_FILE_BYTES) return { problem: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MB; skipped` };
    return { bytes: fs.readFileSync(fd) };
  } catch (err) {
    return { problem: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  } finally {
    fs.closeSync(fd);
  }
}

export interface FileResult {
  file: string;
  findings: Finding[];
  lines: number;
  problem?: string;
  /** false when the file was not analysed at all (unreadable, undecodable, too large, skipped) */
  analysed: boolean;
}

/** A file read, parsed and summarised (pass 1), waiting for its analysis against the whole project (pass 2). */
interface Parsed {
  file: string;
  grammar: Grammar;
  text: string;
  tree: Tree;
  lines: number;
  summary: ModuleSummary;
}

/** Reads, decodes, parses and summarises one file; decoding, size and parse problems come back as a result, never a throw. */
function parseFile(file: string): Parsed | FileResult {
  const grammar = grammarForPath(file);
  if (!grammar) return { file, findings: [], lines: 0, problem: 'unknown file type', analysed: false };
  const read = readCapped(file);
  if ('problem' in read) return { file, findings: [], lines: 0, problem: read.problem, analysed: false };
  const decoded = decodeSource(read.bytes, grammar === 'python');
  if ('problem' in decoded) return { file, findings: [], lines: 0, problem: decoded.problem, analysed: false };
  const text = decoded.text;
  const lines = text.length === 0 ? 0 : text.split(/\r\n|\r|\n/).length;
  try {
    const tree = parse(grammar, text);
    return { file, grammar, text, tree, lines, summary: summarize(familyOf(grammar), tree) };
  } catch (err) {
    return { file, findings: [], lines, problem: err instanceof ParseTimeout ? `skipped: ${err.message}` : `analysis failed: ${err instanceof Error ? err.message : String(err)}`, analysed: false };
  }
}

function analyzeParsed(p: Parsed, given: CheckSettings, project: ProjectIndex): FileResult {
  const { file, lines } = p;
  const settings = settingsForFile(given, given.overridesBase, file);
  try {
    const result = analyzeTree(p.grammar, p.text, p.tree, settings, prepare(p.grammar, p.tree, p.text, { file, project, summary: p.summary }));
    const failed = result.failures.map((f) => f.rule);
    const problem = result.skipped ? `skipped: ${result.skipped}` : failed.length ? `rules failed: ${failed.join(', ')}` : undefined;
    return { file, findings: result.findings, lines, problem, analysed: !result.skipped };
  } catch (err) {
    return { file, findings: [], lines, problem: `analysis failed: ${err instanceof Error ? err.message : String(err)}`, analysed: false };
  } finally {
    p.tree.delete();
  }
}

/** Pass 1 over some files: the parsed ones stay (with their trees) for pass 2. */
function parseAll(files: string[]): { parsed: Parsed[]; failed: FileResult[] } {
  const parsed: Parsed[] = [];
  const failed: FileResult[] = [];
  for (const f of files) {
    const r = parseFile(f);
    if ('tree' in r) parsed.push(r);
    else failed.push(r);
  }
  return { parsed, failed };
}

/** Analyses one file alone (its imports resolve to nothing): for callers that check a single text. */
export function checkFile(file: string, settings: CheckSettings): FileResult {
  const r = parseFile(file);
  if (!('tree' in r)) return r;
  const project = new ProjectIndex(emptyLayout([path.dirname(path.resolve(file))]));
  project.set(r.file, summaryKey(r.summary), r.summary);
  return analyzeParsed(r, settings, project);
}

const WORKER_THRESHOLD = 64;

export interface CheckOptions {
  /** false: each file alone, its imports unresolved (the analysis before the project index; for comparison) */
  project?: boolean;
}

/** A project of one file: what `project: false` analyses against. */
function isolated(p: Parsed): ProjectIndex {
  const project = new ProjectIndex(emptyLayout([path.dirname(p.file)]));
  project.set(p.file, summaryKey(p.summary), p.summary);
  return project;
}

export async function check(paths: string[], settings: CheckSettings, workerScript?: string, options: CheckOptions = {}): Promise<CheckResult> {
  const alone = options.project === false;
  const started = performance.now();
  const { files, problems, configs, missing } = collectFiles(paths);
  const roots = paths.map((p) => (fs.existsSync(p) && fs.statSync(p).isFile() ? path.dirname(path.resolve(p)) : path.resolve(p)));
  const layout = scanLayout(roots, configs);
  let results: FileResult[];
  const workers = Math.min(os.availableParallelism?.() ?? os.cpus().length, 8);
  if (workerScript && files.length >= WORKER_THRESHOLD && workers > 1) {
    results = await checkInWorkers(files, settings, layout, workerScript, workers, alone);
  } else {
    await initParsers();
    const project = new ProjectIndex(layout);
    const { parsed, failed } = parseAll(files.map((f) => path.resolve(f)));
    for (const p of parsed) project.set(p.file, summaryKey(p.summary), p.summary);
    const byFile = new Map<string, FileResult>([...failed, ...parsed.map((p) => analyzeParsed(p, settings, alone ? isolated(p) : project))].map((r) => [r.file, r]));
    results = files.map((f) => ({ ...byFile.get(path.resolve(f))!, file: f }));
  }
  const findings: FileFinding[] = [];
  let lines = 0;
  let analysed = 0;
  for (const r of results) {
    lines += r.lines;
    if (r.analysed) analysed++;
    if (r.problem) problems.push({ file: r.file, problem: r.problem });
    for (const f of r.findings) findings.push({ ...f, file: r.file });
  }
  return { findings, problems, files: files.length, analysed, missing, ms: performance.now() - started, lines };
}

/**
 * Messages between check() and its worker threads. A worker parses and summarises its share of the
 * files (keeping the trees), sends the summaries, receives every worker's, then analyses its share
 * against the whole project: each file is parsed once.
 */
export interface WorkerJob {
  files: string[];
  settings: CheckSettings;
  layout: ProjectLayout;
  /** the language server's index: send the summaries and stop */
  summariesOnly?: boolean;
  /** analyse each file alone, with no exchange of summaries */
  alone?: boolean;
}
export type WorkerReply =
  | { summaries: [file: string, key: string, summary: ModuleSummary][] }
  | { results: FileResult[] }
  | { error: string };
export interface WorkerProject { summaries: [file: string, key: string, summary: ModuleSummary][] }

function checkInWorkers(files: string[], settings: CheckSettings, layout: ProjectLayout, script: string, count: number, alone: boolean): Promise<FileResult[]> {
  const chunks: string[][] = Array.from({ length: count }, () => []);
  files.forEach((f, i) => chunks[i % count].push(path.resolve(f)));
  const live = chunks.filter((c) => c.length > 0);
  const summaries: WorkerProject['summaries'] = [];
  let pending = live.length;
  const started: Worker[] = [];
  const done = Promise.all(
    live.map(
      (chunk) => new Promise<FileResult[]>((resolve, reject) => {
        const job: WorkerJob = { files: chunk, settings, layout, alone };
        const w = new Worker(script, { workerData: job, argv: ['--check-worker'] });
        started.push(w);
        w.on('message', (reply: WorkerReply) => {
          if ('error' in reply) reject(new Error(reply.error));
          else if ('summaries' in reply) {
            summaries.push(...reply.summaries);
            // every worker has summarised: each gets the whole project
            if (--pending === 0) for (const other of started) other.postMessage({ summaries } satisfies WorkerProject);
          } else resolve(reply.results);
        });
        w.once('error', reject);
        w.once('exit', (code) => { if (code !== 0) reject(new Error(`check worker exited with ${code}`)); });
      }),
    ),
  );
  return done.then((parts) => {
    const byFile = new Map(parts.flat().map((r) => [r.file, r]));
    return files.map((f) => ({ ...byFile.get(path.resolve(f))!, file: f }));
  });
}

/** Body of a check worker thread. */
export async function runCheckWorker(
  job: WorkerJob, reply: (r: WorkerReply) => void, receive: (handler: (m: WorkerProject) => void) => void,
): Promise<void> {
  try {
    await initParsers();
    const { parsed, failed } = parseAll(job.files);
    if (job.alone) {
      reply({ results: [...failed, ...parsed.map((p) => analyzeParsed(p, job.settings, isolated(p)))] });
      return;
    }
    if (job.summariesOnly) {
      for (const p of parsed) p.tree.delete();
      reply({ summaries: parsed.map((p) => [p.file, summaryKey(p.summary), p.summary]) });
      return;
    }
    receive((m) => {
      try {
        const project = new ProjectIndex(job.layout);
        for (const [file, key, summary] of m.summaries) project.set(file, key, summary);
        reply({ results: [...failed, ...parsed.map((p) => analyzeParsed(p, job.settings, project))] });
      } catch (err) {
        reply({ error: err instanceof Error ? err.stack ?? err.message : String(err) });
      }
    });
    reply({ summaries: parsed.map((p) => [p.file, summaryKey(p.summary), p.summary]) });
  } catch (err) {
    reply({ error: err instanceof Error ? err.stack ?? err.message : String(err) });
  }
}

/** Reads concurrency-lens.json: the same keys as the editor settings, without the prefix. */
export function loadConfig(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  return JSON.parse(text);
}
