/**
 * The Ray and xoscar snippets run through the CLI with the project's environment, as their
 * headers tell a learner to run them, and do what the headers say (relations, never absolute
 * times). The Ray snippets connect to one cluster for the file (RAY_ADDRESS), the xoscar ones
 * start their own in-process pool.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { RunResult } from '../../server/src/harness/types';
import { projectPython } from './python-env';
import { RAY_TEST_ENV, startCluster, stopCluster, type Cluster } from './ray-cluster';

const SNIPPETS = path.resolve(__dirname, '../../../snippets/python');
const CLI = path.resolve(__dirname, '../../../dist/cli.js');

let cluster: Promise<Cluster> | undefined;
after(async () => {
  const c = await cluster?.catch(() => undefined);
  if (c) await stopCluster(c);
});

async function run(file: string, func: string, harness = 'serial', tasks = 1): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...RAY_TEST_ENV, CONCURRENCY_LENS_PYTHON: projectPython() };
  if (file.startsWith('ray')) env.RAY_ADDRESS = (await (cluster ??= startCluster())).address;
  const r = spawnSync(process.execPath, [CLI, 'run', file, '--function', func, '--harness', harness, '--tasks', String(tasks), '--timeout', '120', '--json'],
    { cwd: SNIPPETS, env, encoding: 'utf8', timeout: 300_000 });
  assert.ok(r.stdout, `${file} ${func}: no output (${r.status}): ${r.stderr.slice(-2000)}`);
  const result = JSON.parse(r.stdout) as RunResult;
  for (const h of result.runs) {
    assert.ok(h.ok, `${file} ${func} (${h.harness}): ${h.error ?? JSON.stringify(h.tasks.find((t) => !t.ok)?.error)}\n${h.stderr.slice(-1500)}`);
  }
  assert.equal(r.status, 0);
  return result;
}

/** The first task's return value (a Python repr). */
const value = (r: RunResult) => r.runs[0].tasks[0].value ?? '';
const seconds = (r: RunResult) => Number(/'seconds': ([\d.]+)/.exec(value(r))?.[1]);
const results = (r: RunResult) => /'results': (\[[^\]]*\])/.exec(value(r))?.[1];

test('ray_actors.py: ray.get in a loop runs the tasks one at a time, once overlaps them; an actor keeps its state', async () => {
  const loop = seconds(await run('ray_actors.py', 'get_in_loop'));
  const once = seconds(await run('ray_actors.py', 'get_once'));
  assert.ok(loop > 1.5 * once, `get_in_loop ${loop} s, get_once ${once} s (each with one task per CPU, at least 2)`);
  assert.equal(value(await run('ray_actors.py', 'counter_actor')), "{'after_each_call': [1, 2, 3, 4, 5], 'final': 5}");
});

test('ray_tasks.py: the same fan-out by hand on Ray and on a process pool gives the same results; `all` adds Ray to the four harnesses', async () => {
  const ray = await run('ray_tasks.py', 'with_ray');
  const pool = await run('ray_tasks.py', 'with_pool');
  assert.ok(results(ray) && results(ray) === results(pool), `${value(ray)} vs ${value(pool)}`);
  const all = await run('ray_tasks.py', 'tiny', 'all', 2);
  assert.deepEqual(all.runs.map((h) => h.harness), ['serial', 'thread', 'process', 'coroutine', 'ray']);
  assert.deepEqual(all.runs[4].tasks.map((t) => t.value), all.runs[0].tasks.map((t) => t.value), 'Ray computes what serial calls compute');
  assert.equal(all.runs[4].ray?.address, (await cluster!).address, 'RAY_ADDRESS is the cluster when no setting names one');
  assert.match(all.runs[4].tasks[0].worker.node ?? '', /^[0-9a-f]{56}$/);
});

test('ray_pool.py: ray.util.multiprocessing.Pool returns what multiprocessing.Pool returns', async () => {
  const local = await run('ray_pool.py', 'local_pool');
  const ray = await run('ray_pool.py', 'ray_pool');
  assert.ok(results(local) && results(local) === results(ray), `${value(local)} vs ${value(ray)}`);
});

test('xoscar_actors.py: one actor serialises calls sent together; several actors or a stateless one run them together; send, tell and the hooks', async () => {
  const one = await run('xoscar_actors.py', 'one_actor');
  const several = await run('xoscar_actors.py', 'several_actors');
  const stateless = await run('xoscar_actors.py', 'stateless_actor', 'coroutine');
  assert.match(value(one), /'results': \[1, 2, 3\]/, 'the calls saw each other’s updates, one after another');
  assert.ok(seconds(one) > 2 * seconds(several), `one actor ${seconds(one)} s, three actors ${seconds(several)} s`);
  assert.ok(seconds(one) > 2 * seconds(stateless), `one actor ${seconds(one)} s, stateless ${seconds(stateless)} s`);
  assert.equal(value(await run('xoscar_actors.py', 'send_and_tell')), "{'call': 1, 'send': 2, 'after_tell': 3, 'hooks': ['created']}");
});
