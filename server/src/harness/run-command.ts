/**
 * `concurrency-lens run`: the CLI adapter over runSnippet(). Kept apart from cli.ts so that
 * tests can import it without starting the CLI; cli.ts passes its UsageError in.
 */
import * as fs from 'node:fs';
import { printable } from '../printable';
import * as os from 'node:os';
import * as path from 'node:path';
import { grammarForPath, initParsers } from '../core/parser';
import { runSnippet, DEFAULT_TASKS, DEFAULT_TIMEOUT_SECONDS, type SnippetTarget } from './orchestrator';
import { findRunnables, runnableAtLine, selectionTarget } from './runnables';
import type { HarnessName, RunResult } from './types';
import { verdict } from './verdict';
import { DEFAULT_SETTINGS, normalizeSettings, type Settings } from '../settings';

export const RUN_USAGE = `usage: concurrency-lens run FILE [--function NAME | --line N | --lines A-B]
                            [--harness serial|thread|process|coroutine|ray|compare|all]
                            [--tasks N] [--timeout S] [--ray-address ADDR] [--json]

Runs a top-level function, a cell (# %% / // %%) or a range of lines N times (default ${DEFAULT_TASKS})
under each harness and compares them. --line N picks the function or cell containing line N.
Without a target, the file's only runnable is run. --harness defaults to compare (the four local
harnesses); all adds ray (Python, with an interpreter that can import ray), which runs the tasks on a
local Ray cluster started for the run, or on --ray-address / $RAY_ADDRESS (left running).
--timeout applies to each harness (default ${DEFAULT_TIMEOUT_SECONDS} s); the process tree is killed after it.
--json prints the result (version 1, see the README). Lines are 1-based.
Interpreters: $CONCURRENCY_LENS_PYTHON, else python3 or python on PATH; $CONCURRENCY_LENS_NODE, else node.
concurrency-lens.json in the working directory supplies run.tasks, run.timeoutSeconds, pythonPath,
nodePath and ray.address, as the editor's settings do; options and environment variables win over it.
Exit code: 0 when every run was ok, 1 otherwise, 2 on a usage error, 128 + N when stopped by
signal N (SIGINT, SIGTERM, SIGHUP), after killing the runners.`;

/** Signals that stop a run: Ctrl-C, `kill`, the terminal closing. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const CHOICES = ['serial', 'thread', 'process', 'coroutine', 'ray', 'compare', 'all'] as const;

interface Parsed {
  file: string;
  fn?: string;
  line?: number;
  lines?: [number, number];
  harness: HarnessName | 'compare' | 'all';
  rayAddress?: string;
  /** undefined: not given on the command line; concurrency-lens.json or the default decides */
  tasks?: number;
  timeout?: number;
  json: boolean;
}

/** As the setting concurrencyLens.run.tasks allows: each task may be a process. */
export const MAX_TASKS = 64;
/** A day; Node's timers overflow past 24.8 days and would fire at once. */
export const MAX_TIMEOUT_SECONDS = 86_400;

function parseArgs(args: string[], usage: new (m: string) => Error): Parsed | 'help' {
  const files: string[] = [];
  const out: Partial<Parsed> = { harness: 'compare', json: false };
  const value = (i: number, flag: string) => {
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new usage(`${flag} needs a value`);
    return v;
  };
  const positive = (v: string, flag: string, integer: boolean, max = Infinity) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new usage(`${flag} takes a positive ${integer ? 'integer' : 'number'}, got '${v}'`);
    if (n > max) throw new usage(`${flag} takes at most ${max}, got '${v}'`);
    return n;
  };
  let targets = 0;
  for (let i = 0; i < args.length; i++) {
    let a = args[i];
    let v: string | undefined;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    if (eq > 0) { v = a.slice(eq + 1); a = a.slice(0, eq); }
    const take = () => v ?? value(i++, a);
    switch (a) {
      case '--help': case '-h': return 'help';
      case '--json': out.json = true; break;
      case '--function': out.fn = take(); targets++; break;
      case '--line': out.line = positive(take(), a, true); targets++; break;
      case '--lines': {
        const spec = take();
        const m = /^(\d+)-(\d+)$/.exec(spec);
        if (!m || +m[1] < 1 || +m[2] < +m[1]) throw new usage(`--lines takes A-B with 1 <= A <= B, got '${spec}'`);
        out.lines = [+m[1], +m[2]];
        targets++;
        break;
      }
      case '--harness': {
        const h = take();
        if (!(CHOICES as readonly string[]).includes(h)) throw new usage(`--harness must be one of ${CHOICES.join(', ')}, got '${h}'`);
        out.harness = h as Parsed['harness'];
        break;
      }
      case '--tasks': out.tasks = positive(take(), a, true, MAX_TASKS); break;
      case '--timeout': out.timeout = positive(take(), a, false, MAX_TIMEOUT_SECONDS); break;
      case '--ray-address': out.rayAddress = take(); break;
      default:
        if (a.startsWith('-')) throw new usage(`unknown option '${a}'`);
        files.push(a);
    }
  }
  if (files.length !== 1) throw new usage(files.length ? 'run takes one FILE' : 'run needs a FILE');
  if (targets > 1) throw new usage('give one of --function, --line, --lines');
  return { ...(out as Parsed), file: files[0] };
}

async function resolveTarget(p: Parsed, usage: new (m: string) => Error): Promise<SnippetTarget> {
  const grammar = grammarForPath(p.file);
  if (!grammar) throw new usage(`${p.file}: not a Python, TypeScript or JavaScript file`);
  let text: string;
  try {
    text = fs.readFileSync(p.file, 'utf8');
  } catch (err) {
    throw new usage(`cannot read ${p.file}: ${(err as Error).message}`);
  }
  await initParsers();
  const runnables = findRunnables(grammar, text);
  const describe = () => runnables.length
    ? 'runnables: ' + runnables.map((r) => `${r.kind} ${r.name} (line ${r.startLine + 1})`).join(', ')
    : 'it has no top-level function or # %% cell';
  if (p.fn !== undefined) {
    if (!runnables.some((r) => r.kind === 'function' && r.name === p.fn)) throw new usage(`${p.file} has no top-level function '${p.fn}'; ${describe()}`);
    return { kind: 'function', name: p.fn };
  }
  if (p.lines) {
    const sel = selectionTarget(text, p.lines[0] - 1, p.lines[1] - 1);
    if (!sel) throw new usage(`lines ${p.lines[0]}-${p.lines[1]} of ${p.file} are blank or past its end`);
    return sel;
  }
  let chosen = p.line !== undefined ? runnableAtLine(runnables, p.line - 1) : runnables.length === 1 ? runnables[0] : undefined;
  if (!chosen) {
    throw new usage(p.line !== undefined
      ? `no function or cell contains line ${p.line}; use --lines A-B to run a range. ${describe()}`
      : `say what to run with --function, --line or --lines; ${describe()}`);
  }
  return chosen.kind === 'function' ? { kind: 'function', name: chosen.name } : { kind: 'cell', startLine: chosen.startLine, endLine: chosen.endLine, name: chosen.name };
}

function ms(n: number): string {
  return n >= 10000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`;
}

export function formatTable(result: RunResult): string {
  const serial = result.runs.find((r) => r.harness === 'serial' && r.ok);
  const rows = [['harness', 'wall', 'CPU', 'speed-up', 'tasks ok', 'max loop block']];
  for (const r of result.runs) {
    const okTasks = r.tasks.filter((t) => t.ok).length;
    rows.push([
      r.harness + (r.timedOut ? ' (timed out)' : r.cancelled ? ' (cancelled)' : ''),
      ms(r.wallMs),
      r.cpuMs ? ms(r.cpuMs) : '-',
      serial && r.wallMs > 0 && r.ok ? `${(serial.wallMs / r.wallMs).toFixed(2)}x` : '-',
      `${okTasks}/${result.tasks}`,
      r.harness === 'coroutine' ? ms(r.loop.maxBlockMs) : '-',
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const lines = rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd());
  const s = result.snippet;
  const head = `${path.relative(process.cwd(), result.file) || result.file}: ${s.kind} ${s.name} (lines ${s.startLine}-${s.endLine}), ${result.tasks} tasks`;
  // Each error once: harnesses that failed alike (a file that cannot be imported) share a note.
  const notes = new Map<string, HarnessName[]>();
  const note = (text: string, h: HarnessName) => notes.set(text, [...(notes.get(text) ?? []), h]);
  for (const r of result.runs) {
    // A timeout or a cancel is in the verdict already.
    if (r.error && !r.timedOut && !r.cancelled) note(r.error, r.harness);
    if (r.ray) {
      const nodes = new Set(r.tasks.map((t) => t.worker.node).filter(Boolean)).size;
      note(`${r.ray.address ? `connected to ${r.ray.address}` : 'local cluster started'} in ${ms(r.ray.startupMs)} (not in the wall time); tasks ran on ${nodes} of ${r.ray.clusterNodes} node${r.ray.clusterNodes === 1 ? '' : 's'}`, r.harness);
    }
    const failed = r.tasks.find((t) => !t.ok && t.error?.stack);
    if (failed?.error) note(`task ${failed.index} failed:\n${failed.error.stack.replace(/^/gm, '    ')}`, r.harness);
  }
  const who = (hs: HarnessName[]) => (hs.length > 1 && hs.length === result.runs.length ? 'all harnesses' : hs.join(', '));
  const words = verdict(result);
  const noteLines = [...notes].map(([text, hs]) => `${who(hs)}: ${text}`);
  const shown = shownOutput(result, who);
  return [head, '', ...lines, ...(shown.length ? ['', ...shown] : []), ...(words.length ? ['', ...words] : []), ...(noteLines.length ? ['', ...noteLines] : [])].join('\n') + '\n';
}

/** How much of each harness's output the table shows; --json and the panel have all of it. */
const OUTPUT_LINES = 6;
const VALUE_CHARS = 300;

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/**
 * Under the table: the first task's returned value and the first lines of the output of each
 * harness, grouped where harnesses agree (lessons are read from these, not only from timings).
 */
function shownOutput(result: RunResult, who: (hs: HarnessName[]) => string): string[] {
  const values = new Map<string, HarnessName[]>();
  const outputs = new Map<string, HarnessName[]>();
  const add = (map: Map<string, HarnessName[]>, key: string, h: HarnessName) => map.set(key, [...(map.get(key) ?? []), h]);
  for (const r of result.runs) {
    const first = [...r.tasks].sort((a, b) => a.index - b.index).find((t) => t.ok);
    // A function that returns nothing (None, undefined) says it through its output, if at all.
    if (first?.value != null && first.value !== 'None' && first.value !== 'undefined') add(values, printable(cut(first.value, VALUE_CHARS)), r.harness);
    const out: string[] = [];
    for (const [stream, text] of [['', r.stdout], ['stderr: ', r.stderr]] as const) {
      const all = text.split('\n');
      if (all.at(-1) === '') all.pop();
      const lines = all.slice(0, OUTPUT_LINES).map((l) => `    ${stream}${printable(cut(l, VALUE_CHARS))}`);
      if (all.length > OUTPUT_LINES) lines.push(`    ${stream}… ${all.length - OUTPUT_LINES} more lines`);
      out.push(...lines);
    }
    if (out.length) add(outputs, out.join('\n'), r.harness);
  }
  const lines: string[] = [];
  if (values.size) {
    lines.push(`returned (task 0, or the first task that succeeded):`);
    for (const [v, hs] of values) lines.push(`  ${who(hs)}: ${v}`);
  }
  if (outputs.size) {
    if (lines.length) lines.push('');
    lines.push(`output (first ${OUTPUT_LINES} lines of each stream):`);
    for (const [text, hs] of outputs) lines.push(`  ${who(hs)}:`, text);
  }
  return lines;
}

/**
 * The run settings of concurrency-lens.json in the working directory (the editor's
 * `concurrencyLens.run.*`, `pythonPath`, `nodePath`), so the editor and CI run alike.
 */
function runConfig(usage: new (m: string) => Error): Settings {
  const file = 'concurrency-lens.json';
  if (!fs.existsSync(file)) return DEFAULT_SETTINGS;
  try {
    const { settings, problems } = normalizeSettings(JSON.parse(fs.readFileSync(file, 'utf8')));
    for (const p of problems) process.stderr.write(printable(`concurrency-lens: ${file}: ${p}`) + '\n');
    return settings;
  } catch (err) {
    throw new usage(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The `run` command; returns the exit code. */
export async function runCommand(args: string[], usage: new (m: string) => Error): Promise<number> {
  const parsed = parseArgs(args, usage);
  if (parsed === 'help') {
    process.stdout.write(RUN_USAGE + '\n');
    return 0;
  }
  const target = await resolveTarget(parsed, usage);
  const config = runConfig(usage);
  // The runners live in their own process groups, out of reach of the terminal's Ctrl-C, and
  // Node dies of an unhandled SIGTERM or SIGHUP without running 'exit' hooks: turn each of them
  // into a cancel, which kills the groups, then exit as the signal would have (128 + its number).
  const abort = new AbortController();
  let caught: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    caught ??= sig;
    abort.abort();
  };
  for (const sig of STOP_SIGNALS) process.on(sig, onSignal);
  let result: RunResult;
  try {
    result = await runSnippet({
      file: parsed.file, target, harness: parsed.harness,
      tasks: parsed.tasks ?? config.run.tasks, timeoutSeconds: parsed.timeout ?? config.run.timeoutSeconds,
      pythonPath: process.env.CONCURRENCY_LENS_PYTHON || config.pythonPath || undefined,
      nodePath: process.env.CONCURRENCY_LENS_NODE || config.nodePath || undefined,
      rayAddress: parsed.rayAddress || config.ray.address || undefined,
    }, undefined, abort.signal);
  } finally {
    for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
  }
  // The table carries the snippet's messages and stacks: no raw control characters on the terminal.
  process.stdout.write(parsed.json ? JSON.stringify(result, null, 2) + '\n' : printable(formatTable(result)));
  if (caught) return 128 + os.constants.signals[caught];
  return result.runs.length > 0 && result.runs.every((r) => r.ok) ? 0 : 1;
}
