/**
 * One Ray cluster for a test file (not a test file itself): `ray start --head --block` from the
 * project's environment, in a session of its own so that stopping it (killing the session)
 * stops exactly it, and with free ports so that it never meets a cluster a harness starts.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../support/free-port';
import { sessionMembers } from '../../server/src/harness/orchestrator';
import { waitFor } from './harness-support';
import { projectPython } from './python-env';

/** The test clusters and their drivers, on this machine only: no token auth, no usage report. */
export const RAY_TEST_ENV: NodeJS.ProcessEnv = { ...process.env, RAY_AUTH_MODE: 'disabled', RAY_USAGE_STATS_ENABLED: '0', RAY_ADDRESS: '' };

export interface Cluster {
  address: string;
  /** the session of `ray start`: every process of the cluster */
  session: number;
  temp: string;
}

export async function startCluster(): Promise<Cluster> {
  const [port, agent] = [await freePort(), await freePort()];
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-raytest-'));
  const ray = path.join(path.dirname(projectPython()), 'ray');
  const proc = spawn(ray, ['start', '--head', '--block', `--port=${port}`, '--num-cpus=2', '--include-dashboard=false',
    `--dashboard-agent-listen-port=${agent}`, `--temp-dir=${temp}`, '--disable-usage-stats'],
  { env: RAY_TEST_ENV, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (c: Buffer) => {
        log += c.toString();
        if (log.includes('Ray runtime started')) resolve();
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('exit', (code) => reject(new Error(`ray start exited with ${code}: ${log.slice(-2000)}`)));
      timer = setTimeout(() => reject(new Error(`ray start not ready after 120 s: ${log.slice(-2000)}`)), 120_000);
    });
  } finally {
    clearTimeout(timer);
  }
  // Read on: a full pipe would block `ray start`.
  proc.stdout!.resume();
  proc.stderr!.resume();
  return { address: `127.0.0.1:${port}`, session: proc.pid!, temp };
}

export async function stopCluster(c: Cluster): Promise<void> {
  for (const pid of sessionMembers(c.session)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  await waitFor('the test cluster to stop', () => (sessionMembers(c.session).length === 0 ? true : undefined), 10_000);
  fs.rmSync(c.temp, { recursive: true, force: true });
}
