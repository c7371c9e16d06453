/**
 * The project's Python environment (.venv/, made by scripts/setup-python.sh from requirements.txt),
 * for the tests that need ray and xoscar. Not a test file itself. When the environment is missing,
 * `projectPython()` throws with the setup script's own one-line reason: those tests fail, never skip.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');
const VENV = path.join(ROOT, '.venv');

export function projectPython(): string {
  const python = path.join(VENV, 'bin', 'python');
  const marker = path.join(VENV, '.ready');
  if (fs.existsSync(python) && fs.existsSync(marker)) return python;
  const errFile = path.join(VENV, '.setup-error');
  const why = fs.existsSync(errFile) ? fs.readFileSync(errFile, 'utf8').trim() : 'run `bash scripts/setup-python.sh` (npm test does)';
  throw new Error(`the project's Python environment (.venv with ray and xoscar) is not ready: ${why}`);
}

/** Runs a Python script with the project's interpreter and returns its stdout parsed as JSON. */
export function pythonJson<T>(script: string, timeoutMs = 60_000): T {
  const r = spawnSync(projectPython(), ['-c', script], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, RAY_ADDRESS: '' } });
  if (r.status !== 0) throw new Error(`python failed (${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as T;
}
