/**
 * The run result (what `concurrency-lens run --json` prints, version 1, documented in the
 * README) and the event stream between the orchestrator and the runner processes.
 *
 * A runner (server/harness/runner.py, server/harness/runner.mjs) is started once per harness,
 * in its own process group, with stdout and stderr captured as the snippet's output and a
 * fourth pipe (fd 3) on which it writes one JSON RunnerEvent per line.
 *
 * Runner command line: `python3 runner.py ARGS` / `node runner.mjs ARGS`, ARGS being one JSON
 * argument of type RunnerArgs (below). The runner prints nothing of its own on stdout/stderr
 * (those belong to the snippet), writes events on fd 3, and exits 0 after `harness-end`, or
 * non-zero after `fatal` (cannot load the module, no such function). Timeouts and cancellation
 * are the orchestrator's: it kills the runner's process group, so a runner need not watch time.
 * Cells and selections: the orchestrator writes a synthetic module (the file's top-level imports
 * + `function`, a task function whose body is the cell) to a temp dir and passes it as `module`;
 * the runner loads it as if it were `file` (Python: `file`'s folder first on sys.path; Node:
 * relative specifiers resolved from `file`'s folder) and maps stack lines through `lineMap`.
 */
import type { HarnessName } from '../protocol';

export type { HarnessName };
/** What `compare` runs: the four local harnesses. */
export const HARNESSES: readonly HarnessName[] = ['serial', 'thread', 'process', 'coroutine'];
/** What `all` runs: those and Ray (Python only; it needs an interpreter that can import ray). */
export const ALL_HARNESSES: readonly HarnessName[] = [...HARNESSES, 'ray'];

/** A task's worker: the ray harness adds the Ray node id it ran on. */
export interface Worker {
  pid: number;
  thread: string;
  node?: string;
}

export type SnippetLanguage = 'python' | 'typescript' | 'javascript';

export interface SnippetInfo {
  kind: 'function' | 'cell' | 'selection';
  name: string;
  /** 1-based, inclusive */
  startLine: number;
  endLine: number;
}

export interface TaskError {
  type: string;
  message: string;
  /** stack mapped to the user's file and lines */
  stack: string;
}

export interface TaskRecord {
  index: number;
  /** ms from the start of this harness run */
  startMs: number;
  endMs: number;
  worker: Worker;
  ok: boolean;
  /** repr / util.inspect of the return value, cut at 1 KB */
  value: string | null;
  error: TaskError | null;
}

export interface LoopBlock {
  /** ms from the start of the harness run */
  atMs: number;
  ms: number;
  /** 1-based line in the user's file, when known */
  line: number | null;
}

/** What the ray harness adds to its run. */
export interface RayRunInfo {
  /** starting the local cluster (or connecting to the given one): not part of wallMs */
  startupMs: number;
  /** the cluster's address when one was given (setting or RAY_ADDRESS); null: a local cluster the harness started and stopped */
  address: string | null;
  /** alive nodes in the cluster */
  clusterNodes: number;
  /** ray.timeline()'s Chrome trace events of the run, `ts` in µs from the harness start (at most 2000) */
  timeline: Array<Record<string, unknown>>;
}

export interface HarnessRun {
  harness: HarnessName;
  ok: boolean;
  wallMs: number;
  cpuMs: number;
  timedOut: boolean;
  cancelled: boolean;
  /** why the harness as a whole failed (import error, missing interpreter, crash) */
  error: string | null;
  tasks: TaskRecord[];
  stdout: string;
  stderr: string;
  loop: { maxBlockMs: number; blocks: LoopBlock[] };
  /** the ray harness only */
  ray?: RayRunInfo;
}

export interface RunResult {
  version: 1;
  file: string;
  language: SnippetLanguage;
  snippet: SnippetInfo;
  tasks: number;
  runs: HarnessRun[];
}

/** The runner's single command-line argument, as JSON. */
export interface RunnerArgs {
  /** absolute path of the user's file (which may not exist: an untitled buffer): stacks name it */
  file: string;
  /** the folder imports resolve from (Python: first on sys.path); absent = `file`'s folder */
  folder?: string;
  /** absolute path of the module to load; absent = `file` itself */
  module?: string;
  /** the top-level function to call, once per task */
  function: string;
  harness: HarnessName;
  /** N: task i gets argument i when the function declares a parameter */
  tasks: number;
  /**
   * When `module` is synthetic: segments [moduleLine, fileLine, count] (1-based): module lines
   * moduleLine .. moduleLine+count-1 are lines fileLine .. of `file`. Lines outside every segment
   * are synthetic (the task function's header) and map to no line of `file`.
   */
  lineMap?: Array<[number, number, number]>;
  /** the ray harness: the cluster to connect to (else RAY_ADDRESS, else a local one in tempDir with `cpus` CPUs) */
  ray?: { address?: string; tempDir?: string; cpus?: number };
}

/** One line on fd 3, runner -> orchestrator. Times are ms since the harness started. */
export type RunnerEvent =
  | { event: 'task-start'; index: number; t: number; worker: Worker }
  | { event: 'task-end'; index: number; t: number; ok: boolean; value: string | null; error: TaskError | null }
  | { event: 'harness-end'; wallMs: number; cpuMs: number; loop: { maxBlockMs: number; blocks: LoopBlock[] }; ray?: RayRunInfo }
  | { event: 'fatal'; message: string };

/** What the orchestrator reports while a run goes, for streaming UIs. */
export type RunProgress =
  | { kind: 'harness-start'; harness: HarnessName }
  | { kind: 'task-start'; harness: HarnessName; index: number; worker: Worker }
  | { kind: 'task-end'; harness: HarnessName; task: TaskRecord }
  | { kind: 'output'; harness: HarnessName; stream: 'stdout' | 'stderr'; text: string }
  | { kind: 'harness-end'; harness: HarnessName; run: HarnessRun };
