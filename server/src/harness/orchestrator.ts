/**
 * Runs a snippet under one harness or all four: one runner process per harness (runner.py or
 * runner.mjs, beside the bundle in harness/), each in its own process group so that a timeout,
 * a cancel or the end of the run can kill the whole tree it made. Pure Node: no vscode, no LSP;
 * the client, the server and the CLI are adapters over runSnippet().
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { grammarForPath, initParsers } from '../core/parser';
import type { RunTarget } from '../protocol';
import { findRunnables, splitLines } from './runnables';
import { buildSyntheticModule } from './synthetic';
import {
  ALL_HARNESSES, HARNESSES,
  type HarnessName, type HarnessRun, type RunProgress, type RunResult, type RunnerArgs, type RunnerEvent,
  type SnippetInfo, type SnippetLanguage, type TaskRecord,
} from './types';

/** What to run; lines are 0-based and inclusive (RunTarget in protocol.ts). */
export type SnippetTarget =
  | { kind: 'function'; name: string }
  | { kind: 'cell'; startLine: number; endLine: number; name?: string }
  | { kind: 'selection'; startLine: number; endLine: number; name?: string };

/** What a lens or command carries (protocol.ts RunTarget) as what runSnippet takes. */
export function snippetTarget(t: Pick<RunTarget, 'kind' | 'name' | 'startLine' | 'endLine'>): SnippetTarget {
  return t.kind === 'function' ? { kind: 'function', name: t.name } : { kind: t.kind, startLine: t.startLine, endLine: t.endLine, name: t.name };
}

export interface RunOptions {
  file: string;
  /** the document's text when it differs from the file on disk (an unsaved editor) */
  text?: string;
  /** default: from the file's extension */
  language?: SnippetLanguage;
  target: SnippetTarget;
  harness: HarnessName | 'compare' | 'all';
  /** the ray harness: a cluster address (`ray://head:10001`, `auto`); empty: RAY_ADDRESS, else a local cluster */
  rayAddress?: string;
  /** N tasks, default 4 */
  tasks?: number;
  /** per harness: each runner process gets this long; default 30 */
  timeoutSeconds?: number;
  /** concurrencyLens.pythonPath; default python3, else python, on PATH */
  pythonPath?: string;
  /** concurrencyLens.nodePath; default node on PATH, else this runtime (ELECTRON_RUN_AS_NODE) */
  nodePath?: string;
  /** environment for the snippet; default process.env */
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_TASKS = 4;
export const DEFAULT_TIMEOUT_SECONDS = 30;
/** Output kept per harness (stdout + stderr); the rest is dropped with OUTPUT_CAP_MARKER. */
export const OUTPUT_CAP_BYTES = 1024 * 1024;
export const OUTPUT_CAP_MARKER = '[concurrency-lens: output over 1 MB per harness dropped';
/**
 * The longest event line kept waiting for its newline. fd 3 is inherited by the snippet, which
 * may write anything there: past this the harness is stopped rather than the buffer grown.
 */
export const EVENT_LINE_CAP_BYTES = 1024 * 1024;
/** After its runner exits, how long the pipes may stay open (held by an escaped grandchild). */
const CLOSE_GRACE_MS = 1000;

export function languageForPath(file: string): SnippetLanguage | undefined {
  const g = grammarForPath(file);
  if (!g) return undefined;
  return g === 'python' ? 'python' : g === 'javascript' ? 'javascript' : 'typescript';
}

/** Where the runners are: esbuild copies server/harness/ beside every bundle. */
export function harnessDir(): string {
  return path.join(__dirname, 'harness');
}

export interface Interpreter {
  command: string;
  env: NodeJS.ProcessEnv;
}

export class InterpreterNotFoundError extends Error {
  constructor(readonly setting: 'concurrencyLens.pythonPath' | 'concurrencyLens.nodePath', message: string) {
    super(message);
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not in this directory: try the next
      }
    }
  }
  return undefined;
}

function givenInterpreter(p: string, env: NodeJS.ProcessEnv): string | undefined {
  if (!p.includes('/') && !p.includes('\\')) return onPath(p, env);
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return p;
  } catch {
    return undefined;
  }
}

/** The interpreter for a language, or an InterpreterNotFoundError naming the setting to set. */
export function findInterpreter(language: SnippetLanguage, opts: Pick<RunOptions, 'pythonPath' | 'nodePath' | 'env'> = {}): Interpreter {
  const env = opts.env ?? process.env;
  if (language === 'python') {
    const setting = 'concurrencyLens.pythonPath';
    if (opts.pythonPath) {
      const found = givenInterpreter(opts.pythonPath, env);
      if (!found) throw new InterpreterNotFoundError(setting, `Python interpreter '${opts.pythonPath}' not found: fix the setting ${setting}`);
      return { command: found, env };
    }
    const found = onPath('python3', env) ?? onPath('python', env);
    if (!found) throw new InterpreterNotFoundError(setting, `no python3 or python on PATH: set ${setting} to a Python interpreter`);
    return { command: found, env };
  }
  const setting = 'concurrencyLens.nodePath';
  if (opts.nodePath) {
    const found = givenInterpreter(opts.nodePath, env);
    if (!found) throw new InterpreterNotFoundError(setting, `Node.js '${opts.nodePath}' not found: fix the setting ${setting}`);
    return { command: found, env };
  }
  const found = onPath('node', env);
  if (found) return { command: found, env };
  // The editor's own runtime is a Node when told so; the CLI's runtime is Node already.
  return { command: process.execPath, env: { ...env, ELECTRON_RUN_AS_NODE: '1' } };
}

/**
 * A runner as started: on Linux behind harness/contain.py (a child subreaper that kills every
 * descendant, whatever session or group it moved to, when asked with SIGTERM, when the
 * lifeline on fd 4 closes, or when this process dies); elsewhere alone in its process group.
 */
interface Started {
  child: ChildProcess;
  contained: boolean;
  /** our end of fd 4: the runner (and contain.py) take its EOF as "the orchestrator is gone" */
  lifeline: NodeJS.WritableStream & { destroy(): void };
  hardKill?: NodeJS.Timeout;
}

/** Runner processes alive now, stopped if this process exits first (a CLI's Ctrl-C, a crash). */
const live = new Set<Started>();
let exitHookInstalled = false;
/** How long contain.py may take to clear a run before its group is killed outright. */
const CONTAIN_GRACE_MS = 3000;

function killTree(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform === 'win32') {
    spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore' });
    return;
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (err) {
    // ESRCH: the group is gone already, which is the point.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/**
 * Ends a run. A contained run is asked to stop with SIGTERM so that contain.py, not killed, can
 * clear what escaped the group; the group is killed outright if it lingers. The lifeline stays
 * open until the wrapper has exited: its EOF tells the wrapper that this process is gone.
 */
function stopRun(run: Started): void {
  if (!run.contained || run.child.pid === undefined) return killTree(run.child);
  try {
    process.kill(run.child.pid, 'SIGTERM');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
  run.hardKill ??= setTimeout(() => killTree(run.child), CONTAIN_GRACE_MS);
}

/**
 * The live (not zombie) processes of a session, from /proc: Linux only. A runner is a session
 * leader (detached); Ray puts each worker in a process group of its own, inside that session.
 */
export function sessionMembers(sid: number): number[] {
  const members: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , , session] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(session) === sid && state !== 'Z') members.push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  return members;
}

/** The ray harness's runner started a cluster whose workers escape its process group: kill its session. */
function killSession(child: ChildProcess): void {
  if (child.pid === undefined || process.platform !== 'linux') return;
  for (const pid of sessionMembers(child.pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
}

/**
 * The live (not zombie) processes of a process group, from /proc: Linux only. Zombies count as
 * gone: a container whose init does not reap orphans keeps them forever. Tests use it too.
 */
export function processGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  return members;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  return process.platform !== 'linux' || processGroupMembers(pgid).length > 0;
}

/** SIGKILL is delivered at once but takes effect a moment later: wait until the group is gone. */
async function groupGone(child: ChildProcess, deadlineMs: number): Promise<void> {
  if (child.pid === undefined || process.platform === 'win32') return;
  const until = performance.now() + deadlineMs;
  while (groupAlive(child.pid) && performance.now() < until) {
    killTree(child);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function track(run: Started): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Only signals can be sent from here: contain.py does the clearing (it gets SIGTERM and its
    // parent-death signal), so its group is not killed under it.
    process.once('exit', () => {
      for (const r of live) {
        if (r.contained && r.child.pid !== undefined) {
          try { process.kill(r.child.pid, 'SIGTERM'); } catch { /* gone already */ }
        } else {
          killTree(r.child);
        }
      }
    });
  }
  live.add(run);
}

interface Prepared {
  file: string;
  language: SnippetLanguage;
  snippet: SnippetInfo;
  args: Omit<RunnerArgs, 'harness'>;
  /** where the runner starts, and where the snippet's imports resolve from */
  folder: string;
  tempDir?: string;
}

/** The file's folder when it exists (an untitled buffer may name one that does not), else `fallback`. */
function folderOf(file: string, fallback: string): string {
  const dir = path.dirname(file);
  return fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() ? dir : fallback;
}

async function prepare(opts: RunOptions, tasks: number): Promise<Prepared> {
  const file = path.resolve(opts.file);
  const language = opts.language ?? languageForPath(file);
  const grammar = grammarForPath(file) ?? (language === 'python' ? 'python' : language === 'javascript' ? 'javascript' : 'typescript');
  if (!language) throw new Error(`cannot run ${file}: not a Python, TypeScript or JavaScript file`);
  // A buffer's text is what runs, unsaved or untitled: its file may differ or not exist at all.
  const text = opts.text ?? fs.readFileSync(file, 'utf8');
  await initParsers();
  const t = opts.target;
  const lineCount = splitLines(text).length;
  const inTemp = (source: string, extension: string) => {
    const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concurrency-lens-'));
    const module = path.join(tempDir, 'snippet' + extension);
    fs.writeFileSync(module, source);
    return { tempDir, module, folder: folderOf(file, tempDir) };
  };

  if (t.kind === 'function') {
    const fn = findRunnables(grammar, text).find((r) => r.kind === 'function' && r.name === t.name);
    const snippet: SnippetInfo = { kind: 'function', name: t.name, startLine: fn ? fn.startLine + 1 : 0, endLine: fn ? fn.endLine + 1 : 0 };
    if (opts.text === undefined) return { file, language, snippet, folder: path.dirname(file), args: { file, function: t.name, tasks } };
    // The buffer runs from a copy mapped line for line.
    const { tempDir, module, folder } = inTemp(text, path.extname(file));
    return { file, language, snippet, tempDir, folder, args: { file, module, folder, function: t.name, tasks, lineMap: [[1, 1, lineCount]] } };
  }

  const start = Math.max(0, Math.min(t.startLine, t.endLine));
  const end = Math.min(lineCount - 1, Math.max(t.startLine, t.endLine));
  // A cell's first line is its `# %%` marker: the body starts below it.
  const bodyStart = t.kind === 'cell' ? start + 1 : start;
  const syn = buildSyntheticModule(grammar, file, text, bodyStart, end);
  const name = t.name ?? (t.kind === 'cell' ? `cell at line ${start + 1}` : `lines ${start + 1}-${end + 1}`);
  const { tempDir, module, folder } = inTemp(syn.source, syn.extension);
  return {
    file, language, tempDir, folder,
    snippet: { kind: t.kind, name, startLine: start + 1, endLine: end + 1 },
    args: { file, module, folder, function: syn.function, tasks, lineMap: syn.lineMap },
  };
}

function emptyRun(harness: HarnessName, error: string, extra: Partial<HarnessRun> = {}): HarnessRun {
  return {
    harness, ok: false, wallMs: 0, cpuMs: 0, timedOut: false, cancelled: false, error,
    tasks: [], stdout: '', stderr: '', loop: { maxBlockMs: 0, blocks: [] }, ...extra,
  };
}

/** Keeps the first OUTPUT_CAP_BYTES of a harness's stdout + stderr, decoded as UTF-8. */
class OutputCap {
  private kept = 0;
  private dropped = 0;
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  readonly text = { stdout: '', stderr: '' };

  constructor(private readonly onText: (stream: 'stdout' | 'stderr', text: string) => void) {}

  push(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const room = OUTPUT_CAP_BYTES - this.kept;
    const take = chunk.subarray(0, Math.max(0, room));
    this.dropped += chunk.length - take.length;
    this.kept += take.length;
    if (take.length === 0) return;
    const s = this.decoders[stream].write(take);
    if (s) {
      this.text[stream] += s;
      this.onText(stream, s);
    }
  }

  finish(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.decoders[stream].end();
      if (rest) { this.text[stream] += rest; this.onText(stream, rest); }
    }
    if (this.dropped > 0) {
      const marker = `\n${OUTPUT_CAP_MARKER}: ${this.dropped} more bytes]\n`;
      this.text.stdout += marker;
      this.onText('stdout', marker);
    }
  }
}

function runnerCommand(language: SnippetLanguage): string {
  return path.join(harnessDir(), language === 'python' ? 'runner.py' : 'runner.mjs');
}

/** The Python that runs contain.py (Linux only; the run's own Python for a Python run), if any. */
function containerPython(language: SnippetLanguage, interp: Interpreter): string | undefined {
  if (process.platform !== 'linux' || !fs.existsSync(path.join(harnessDir(), 'contain.py'))) return undefined;
  return language === 'python' ? interp.command : onPath('python3', interp.env);
}

async function runHarness(
  prep: Prepared, harness: HarnessName, interp: Interpreter, timeoutMs: number,
  onProgress: (p: RunProgress) => void, signal?: AbortSignal, opts: Pick<RunOptions, 'rayAddress' | 'env'> = {},
): Promise<HarnessRun> {
  const runner = runnerCommand(prep.language);
  if (!fs.existsSync(runner)) return emptyRun(harness, `the runner ${runner} is missing from this build`);
  if (signal?.aborted) return emptyRun(harness, 'cancelled', { cancelled: true });
  if (harness === 'ray' && prep.language !== 'python') return emptyRun(harness, 'the ray harness runs Python functions only');
  const rayTemp = harness === 'ray' && !rayAddress(opts) ? fs.mkdtempSync(path.join(os.tmpdir(), 'cl-ray-')) : undefined;
  const args: RunnerArgs = {
    ...prep.args, harness,
    ...(harness === 'ray' ? { ray: { address: rayAddress(opts), tempDir: rayTemp, cpus: os.availableParallelism() } } : {}),
  };
  const env: NodeJS.ProcessEnv = {
    ...interp.env,
    PYTHONUNBUFFERED: '1', // output streams while the run goes
    PYTHONIOENCODING: 'utf-8:backslashreplace',
    PYTHONDONTWRITEBYTECODE: '1', // no __pycache__ left in the user's folder
  };
  const python = containerPython(prep.language, interp);
  // Uncontained, the runner itself watches fd 4 (it removes this from its env); contain.py
  // watches it otherwise, and the runner's own watch (a worker thread in Node) would be waste.
  if (!python) env.CONCURRENCY_LENS_LIFELINE = '4';
  const started = performance.now();
  const command = [interp.command, runner, JSON.stringify(args)];
  const [file, ...argv] = python ? [python, path.join(harnessDir(), 'contain.py'), String(process.pid), prep.tempDir ?? '', ...command] : command;
  const child = spawn(file, argv, {
    cwd: prep.folder,
    env,
    detached: true, // own process group (a new session): killTree reaches every process it made
    stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
  const run: Started = { child, contained: python !== undefined, lifeline: child.stdio[4] as Started['lifeline'] };
  // EPIPE once the runner is gone is expected: the lifeline carries no data, only its end.
  run.lifeline.on('error', () => {});
  track(run);
  const kill = () => {
    stopRun(run);
    // Ray puts its workers in process groups of their own, inside the runner's session
    if (harness === 'ray') killSession(child);
  };

  const tasks = new Map<number, TaskRecord>();
  const ended = new Set<number>();
  let end: Extract<RunnerEvent, { event: 'harness-end' }> | undefined;
  let fatal: string | undefined;
  const badLines: string[] = [];
  let timedOut = false;
  let cancelled = false;
  let spawnError: Error | undefined;
  const output = new OutputCap((stream, text) => onProgress({ kind: 'output', harness, stream, text }));

  let overflow = false;
  const onEvent = (e: RunnerEvent) => {
    if (end) return; // harness-end is the last word: whatever follows is not the runner's
    switch (e.event) {
      case 'task-start': {
        tasks.set(e.index, { index: e.index, startMs: e.t, endMs: e.t, worker: e.worker, ok: false, value: null, error: null });
        onProgress({ kind: 'task-start', harness, index: e.index, worker: e.worker });
        break;
      }
      case 'task-end': {
        const prev = tasks.get(e.index);
        const task: TaskRecord = {
          index: e.index, startMs: prev?.startMs ?? e.t, endMs: e.t, worker: prev?.worker ?? { pid: 0, thread: '?' },
          ok: e.ok, value: e.value, error: e.error,
        };
        tasks.set(e.index, task);
        ended.add(e.index);
        onProgress({ kind: 'task-end', harness, task });
        break;
      }
      case 'harness-end': end = e; break;
      case 'fatal': fatal = e.message; break;
    }
  };

  const events = child.stdio[3] as NodeJS.ReadableStream;
  const decoder = new StringDecoder('utf8');
  let pending = '';
  events.on('data', (chunk: Buffer) => {
    if (overflow) return;
    pending += decoder.write(chunk);
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (!line.trim()) continue;
      try {
        onEvent(JSON.parse(line) as RunnerEvent);
      } catch {
        badLines.push(line.slice(0, 200));
      }
    }
    if (pending.length > EVENT_LINE_CAP_BYTES) {
      overflow = true;
      pending = '';
      kill();
    }
  });
  child.stdout!.on('data', (c: Buffer) => output.push('stdout', c));
  child.stderr!.on('data', (c: Buffer) => output.push('stderr', c));

  const timer = setTimeout(() => { timedOut = true; kill(); }, timeoutMs);
  const onAbort = () => { cancelled = true; kill(); };
  signal?.addEventListener('abort', onAbort, { once: true });

  const exit = await new Promise<{ code: number | null; sig: NodeJS.Signals | null }>((resolve) => {
    let status: { code: number | null; sig: NodeJS.Signals | null } | undefined;
    let grace: NodeJS.Timeout | undefined;
    child.once('error', (err) => { spawnError = err; resolve({ code: null, sig: null }); });
    child.once('exit', (code, sig) => {
      status = { code, sig };
      // The runner is gone (contain.py has cleared its descendants already); whatever it left
      // in its group (a pool worker, a daemon) goes too.
      clearTimeout(run.hardKill);
      run.lifeline.destroy();
      killTree(child);
      if (harness === 'ray') killSession(child);
      grace = setTimeout(() => {
        for (const s of [child.stdout, child.stderr, events]) (s as NodeJS.ReadableStream & { destroy(): void } | null)?.destroy();
        resolve(status!);
      }, CLOSE_GRACE_MS);
    });
    child.once('close', (code, sig) => {
      if (grace) clearTimeout(grace);
      resolve(status ?? { code, sig });
    });
  });
  clearTimeout(timer);
  signal?.removeEventListener('abort', onAbort);
  await groupGone(child, CLOSE_GRACE_MS);
  if (harness === 'ray') {
    await sessionGone(child, CLOSE_GRACE_MS);
    if (rayTemp) fs.rmSync(rayTemp, { recursive: true, force: true });
  }
  live.delete(run);
  output.finish();
  const elapsed = performance.now() - started;

  const list = [...tasks.values()].sort((a, b) => a.index - b.index);
  let error: string | null = null;
  if (spawnError) error = `cannot start ${interp.command}: ${spawnError.message}`;
  else if (cancelled) error = 'cancelled';
  else if (timedOut) error = `timed out after ${Math.round(timeoutMs / 100) / 10} s: the process tree was killed`;
  else if (overflow) error = `the event pipe (fd 3) got a line over ${EVENT_LINE_CAP_BYTES / 1024 / 1024} MB, which the runner never writes (does the snippet write to fd 3?): the process tree was killed`;
  else if (fatal) error = fatal;
  else if (!end) {
    const how = exit.sig ? `was killed by ${exit.sig}` : `exited with code ${exit.code}`;
    error = `the runner ${how} before the harness finished` + (badLines.length ? ` (unreadable events: ${badLines[0]})` : '');
  }
  // Tasks cut short by a timeout or cancel: they ran until the kill.
  for (const t of list) {
    if (!ended.has(t.index)) {
      t.endMs = Math.max(t.startMs, end?.wallMs ?? elapsed);
      t.error = { type: timedOut ? 'TimedOut' : cancelled ? 'Cancelled' : 'Killed', message: error ?? 'did not finish', stack: '' };
    }
  }
  return {
    harness,
    ok: error === null && list.length === prep.args.tasks && list.every((t) => t.ok),
    wallMs: end?.wallMs ?? Math.round(elapsed * 1000) / 1000,
    cpuMs: end?.cpuMs ?? 0,
    timedOut, cancelled, error,
    tasks: list,
    stdout: output.text.stdout,
    stderr: output.text.stderr,
    loop: end?.loop ?? { maxBlockMs: 0, blocks: [] },
    ...(end?.ray ? { ray: end.ray } : {}),
  };
}

function rayAddress(opts: Pick<RunOptions, 'rayAddress' | 'env'>): string | undefined {
  return opts.rayAddress || (opts.env ?? process.env).RAY_ADDRESS || undefined;
}

/** Waits (bounded) until nothing of a ray runner's session is alive, killing what is left. */
async function sessionGone(child: ChildProcess, deadlineMs: number): Promise<void> {
  if (child.pid === undefined || process.platform !== 'linux') return;
  const until = performance.now() + deadlineMs;
  while (sessionMembers(child.pid).length > 0 && performance.now() < until) {
    killSession(child);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Runs the target under one harness, under the four local ones in order for 'compare', or under
 * those and ray for 'all'. Never throws
 * for the snippet's faults (they are in the result); throws for a file that cannot be read or
 * a language it cannot run. Cancelling stops the running harness and skips the rest.
 */
export async function runSnippet(opts: RunOptions, onProgress: (p: RunProgress) => void = () => {}, signal?: AbortSignal): Promise<RunResult> {
  const tasks = Math.max(1, Math.floor(opts.tasks ?? DEFAULT_TASKS));
  // Node's timers take at most 2^31 - 1 ms: past that one fires at once.
  const timeoutMs = Math.min(2 ** 31 - 1, Math.max(0.1, opts.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000);
  const prep = await prepare(opts, tasks);
  const harnesses = opts.harness === 'compare' ? HARNESSES : opts.harness === 'all' ? ALL_HARNESSES : [opts.harness];
  const result: RunResult = { version: 1, file: prep.file, language: prep.language, snippet: prep.snippet, tasks, runs: [] };
  try {
    let interp: Interpreter | undefined;
    let interpError: string | undefined;
    try {
      interp = findInterpreter(prep.language, opts);
    } catch (err) {
      if (!(err instanceof InterpreterNotFoundError)) throw err;
      interpError = err.message;
    }
    for (const h of harnesses) {
      if (signal?.aborted) break;
      onProgress({ kind: 'harness-start', harness: h });
      const run = interp ? await runHarness(prep, h, interp, timeoutMs, onProgress, signal, opts) : emptyRun(h, interpError!);
      result.runs.push(run);
      onProgress({ kind: 'harness-end', harness: h, run });
    }
  } finally {
    if (prep.tempDir) fs.rmSync(prep.tempDir, { recursive: true, force: true });
  }
  return result;
}
