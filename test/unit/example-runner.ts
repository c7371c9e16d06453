/**
 * Shared by examples.test.ts and probes.test.ts (not a test file itself): runs a small program
 * with the machine's python3 or node in its own process group, bounded by a deadline, and
 * returns what it printed. A program may also be stopped as soon as its output matches a
 * pattern, for the probes and examples whose point is a hang.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { transform } from 'sucrase';

export interface ProgramResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** the deadline passed and the program was killed */
  timedOut: boolean;
  /** `until` matched and the program was stopped */
  matched: boolean;
}

export interface ProgramOptions {
  cwd: string;
  /** killed (with its whole process group) after this long */
  timeoutMs?: number;
  /** stop as soon as stdout + stderr matches */
  until?: RegExp;
  env?: NodeJS.ProcessEnv;
}

const CAP = 256 * 1024;

/** Few programs at once: the machine has two cores and other work on them. */
let running = 0;
const waiting: (() => void)[] = [];
const LIMIT = Math.min(2, os.cpus().length);

async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= LIMIT) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export function runProgram(command: string, args: string[], opts: ProgramOptions): Promise<ProgramResult> {
  return slot(() => new Promise<ProgramResult>((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...opts.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let matched = false;
    const killGroup = () => {
      // the group: examples start pools and workers of their own
      try { process.kill(-child.pid!, 'SIGKILL'); } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err; }
    };
    const timer = setTimeout(() => { timedOut = true; killGroup(); }, opts.timeoutMs ?? 20_000);
    const check = () => {
      if (opts.until && !matched && opts.until.test(stdout + stderr)) { matched = true; killGroup(); }
    };
    child.stdout.on('data', (d: Buffer) => { if (stdout.length < CAP) stdout += d.toString(); check(); });
    child.stderr.on('data', (d: Buffer) => { if (stderr.length < CAP) stderr += d.toString(); check(); });
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (!matched && !timedOut) killGroup(); // children the program left behind
      resolve({ code, signal, stdout, stderr, timedOut, matched });
    });
  }));
}

let interpreter: string | undefined;

/**
 * The interpreter `python3` names, resolved once: a version-manager shim (pyenv) costs a shell
 * script per start, which over a few hundred short programs is most of the test's time.
 */
export function python3(): string {
  if (interpreter) return interpreter;
  const r = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout.trim()) throw new Error(`python3 is needed for the examples: ${r.error?.message ?? r.stderr}`);
  interpreter = r.stdout.trim();
  return interpreter;
}

/** A fresh directory for one program, with the stand-in files some examples read. */
export function scratchDir(prefix: string, files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cl-${prefix}-`));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** TypeScript to plain JavaScript, imports and top-level await kept (the examples run as ES modules). */
export function stripTypes(code: string): string {
  return transform(code, { transforms: ['typescript'], disableESTransforms: true }).code;
}

export function describeRun(r: ProgramResult): string {
  return `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}${r.timedOut ? ', timed out' : ''}\n--- stdout\n${r.stdout.slice(0, 1500)}\n--- stderr\n${r.stderr.slice(0, 3000)}`;
}
