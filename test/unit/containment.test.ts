/**
 * Nothing a run starts outlives it (Linux): a process that leaves the run's process group
 * (start_new_session, os.setsid, a double fork, a child holding the pipes, Node `detached`)
 * is killed when the run ends or times out, and a CLI killed with SIGKILL leaves no runner and
 * no temp folder behind. Real python3 and node processes; every wait has a deadline.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { fn, runOne, describe, childrenOf, waitFor } from './harness-support';

const linux = process.platform === 'linux';
const ROOT = path.resolve(__dirname, '../../..');
const PY = path.join(ROOT, 'test/fixtures/harness/python/escape.py');
const TS = path.join(ROOT, 'test/fixtures/harness-node/escape.ts');
const CLI = path.join(ROOT, 'dist/cli.js');

/** Alive and not a zombie (a container's init may reap late). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function pidFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cl-contain-test-')), 'pids');
}

function recorded(file: string): number[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : [];
}

function killAll(pids: number[]): void {
  for (const pid of pids) try { process.kill(pid, 'SIGKILL'); } catch { /* gone, as it should be */ }
}

const CASES: [file: string, fn: string][] = [
  [PY, 'new_session'], [PY, 'setsid_fork'], [PY, 'double_fork'], [PY, 'pipe_holder'], [TS, 'detached'],
];

for (const [file, name] of CASES) {
  test(`${path.basename(file)} ${name}: the escaped process ends with the run`, { skip: !linux && 'reads /proc' }, async () => {
    const pids = pidFile();
    try {
      const run = await runOne(file, fn(name), 'serial', { tasks: 1, env: { ...process.env, CL_PIDFILE: pids } });
      assert.ok(run.ok, describe(run));
      const [escaped] = recorded(pids);
      assert.ok(escaped > 0 && String(escaped) === run.tasks[0].value, describe(run));
      assert.equal(alive(escaped), false, `pid ${escaped} outlived the run`);
    } finally {
      killAll(recorded(pids));
    }
  });
}

for (const [file, name] of [[PY, 'escape_then_spin'], [TS, 'detachedThenSpin']] as const) {
  test(`${path.basename(file)} ${name}: a timeout kills the escaped process too`, { skip: !linux && 'reads /proc' }, async () => {
    const pids = pidFile();
    try {
      const run = await runOne(file, fn(name), 'serial', { tasks: 1, timeoutSeconds: 2, env: { ...process.env, CL_PIDFILE: pids } });
      assert.ok(run.timedOut, describe(run));
      const [escaped] = recorded(pids);
      assert.ok(escaped > 0, 'the snippet started its escapee');
      assert.equal(alive(escaped), false, `pid ${escaped} outlived the timeout`);
    } finally {
      killAll(recorded(pids));
    }
  });
}

/** The descendants of `pid`, from /proc. */
function descendants(pid: number): number[] {
  const out: number[] = [];
  for (let todo = [pid]; todo.length;) {
    const kids = childrenOf(todo.pop()!);
    out.push(...kids);
    todo.push(...kids);
  }
  return out;
}

function cmdline(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

test('a CLI killed with SIGKILL leaves no runner, no escapee and no temp folder', { skip: !linux && 'reads /proc' }, async () => {
  const pids = pidFile();
  // The body of escape_then_spin, run as a selection: from a module in a temp folder.
  const lines = fs.readFileSync(PY, 'utf8').split('\n');
  const first = lines.indexOf('def escape_then_spin(i=0):') + 2;
  const cli = spawn(process.execPath, [CLI, 'run', PY, '--lines', `${first}-${first + 2}`, '--harness', 'serial', '--tasks', '1', '--timeout', '600'], {
    stdio: 'ignore', env: { ...process.env, CL_PIDFILE: pids },
  });
  let tree: number[] = [];
  try {
    const escaped = await waitFor('the escapee', () => recorded(pids)[0]);
    tree = descendants(cli.pid!);
    const runnerArgs = tree.map(cmdline).find((argv) => argv.some((a) => a.endsWith('runner.py')));
    assert.ok(runnerArgs, `a runner among ${tree.map((p) => cmdline(p).join(' ')).join('; ')}`);
    const module: string = JSON.parse(runnerArgs[runnerArgs.length - 2]).module;
    const tempDir = path.dirname(module);
    assert.ok(fs.existsSync(module), module);
    cli.kill('SIGKILL');
    await waitFor('every process of the run to end', () => ([...tree, escaped].some(alive) ? undefined : true), 10_000);
    await waitFor(`the temp folder ${tempDir} to go`, () => (fs.existsSync(tempDir) ? undefined : true), 10_000);
  } finally {
    cli.kill('SIGKILL');
    killAll([...tree, ...recorded(pids)]);
  }
});
