/**
 * Part of npm run bench: the ray harness against the process pool on the same functions, side by
 * side in one run (issue 13): the per-task overhead on tiny tasks, the speed-up on long ones, and
 * the local cluster's start-up, which the ray harness reports apart from its wall time.
 * Prints figures, asserts nothing. Needs the project's environment (scripts/setup-python.sh).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runSnippet } from '../server/src/harness/orchestrator';
import type { HarnessName, HarnessRun } from '../server/src/harness/types';

const ROOT = path.resolve(__dirname, '../..');
const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');
const TINY_TASKS = Number(process.env.BENCH_RAY_TINY_TASKS ?? 32);
const LONG_TASKS = Number(process.env.BENCH_RAY_LONG_TASKS ?? 4);

const SOURCE = `
import time


def tiny(i):
    return i


def long(i):
    # CPU-bound, about 0.3 s
    deadline = time.process_time() + 0.3
    n = 0
    while time.process_time() < deadline:
        n += 1
    return i
`;

async function wall(file: string, fn: string, harness: HarnessName, tasks: number): Promise<HarnessRun> {
  const result = await runSnippet({
    file, target: { kind: 'function', name: fn }, harness, tasks, timeoutSeconds: 300, pythonPath: PYTHON,
    env: { ...process.env, RAY_ADDRESS: '', RAY_USAGE_STATS_ENABLED: '0' },
  });
  const run = result.runs[0];
  if (!run.ok) throw new Error(`${fn} under ${harness}: ${run.error ?? JSON.stringify(run.tasks.find((t) => !t.ok)?.error)}`);
  return run;
}

async function main(): Promise<void> {
  if (!fs.existsSync(PYTHON)) {
    console.log('ray harness: no .venv (run bash scripts/setup-python.sh): not measured');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-bench-ray-'));
  const file = path.join(dir, 'work.py');
  fs.writeFileSync(file, SOURCE);
  const ms = (n: number) => `${Math.round(n)} ms`;
  try {
    console.log(`ray harness against the process pool, same functions, one run each (${os.availableParallelism()} cores):`);
    const tiny = { serial: await wall(file, 'tiny', 'serial', TINY_TASKS), process: await wall(file, 'tiny', 'process', TINY_TASKS), ray: await wall(file, 'tiny', 'ray', TINY_TASKS) };
    const per = (r: HarnessRun) => (r.wallMs - tiny.serial.wallMs) / TINY_TASKS;
    console.log(`  tiny tasks (${TINY_TASKS}, return at once): serial ${ms(tiny.serial.wallMs)}, process pool ${ms(tiny.process.wallMs)} (${per(tiny.process).toFixed(1)} ms per task over serial, pool start-up included), ray ${ms(tiny.ray.wallMs)} (${per(tiny.ray).toFixed(1)} ms per task over serial, cluster start-up excluded)`);
    const long = { serial: await wall(file, 'long', 'serial', LONG_TASKS), process: await wall(file, 'long', 'process', LONG_TASKS), ray: await wall(file, 'long', 'ray', LONG_TASKS) };
    const up = (r: HarnessRun) => `${(long.serial.wallMs / r.wallMs).toFixed(2)}x`;
    console.log(`  long tasks (${LONG_TASKS} x 0.3 s CPU): serial ${ms(long.serial.wallMs)}, process pool ${ms(long.process.wallMs)} (speed-up ${up(long.process)}), ray ${ms(long.ray.wallMs)} (speed-up ${up(long.ray)})`);
    console.log(`  local cluster start-up (ray.init, not in the wall times above): ${ms(tiny.ray.ray!.startupMs)} and ${ms(long.ray.ray!.startupMs)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const done = main().catch((err) => { console.error(err); process.exitCode = 1; });
