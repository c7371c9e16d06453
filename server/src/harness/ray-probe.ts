/**
 * Can this interpreter run the ray harness? Asked by the server before it shows the `ray` lens:
 * `importlib.util.find_spec("ray")`, which finds the package without importing it (an import of
 * ray takes a third of a second). Answers are kept a minute per interpreter, so installing ray
 * shows up without a restart.
 */
import { execFile } from 'node:child_process';
import { findInterpreter, InterpreterNotFoundError } from './orchestrator';

export type RayAvailability = { available: true; python: string } | { available: false; python: string | null; reason: string };

const TTL_MS = 60_000;
const PROBE_TIMEOUT_MS = 10_000;
const cache = new Map<string, { at: number; answer: Promise<RayAvailability> }>();

export function rayAvailability(pythonPath: string, env: NodeJS.ProcessEnv = process.env): Promise<RayAvailability> {
  let python: string;
  try {
    python = findInterpreter('python', { pythonPath, env }).command;
  } catch (err) {
    if (!(err instanceof InterpreterNotFoundError)) throw err;
    return Promise.resolve({ available: false, python: null, reason: err.message });
  }
  const hit = cache.get(python);
  if (hit && performance.now() - hit.at < TTL_MS) return hit.answer;
  const answer = new Promise<RayAvailability>((resolve) => {
    execFile(python, ['-c', 'import importlib.util, sys; sys.exit(0 if importlib.util.find_spec("ray") else 3)'], { timeout: PROBE_TIMEOUT_MS, env }, (err) => {
      if (!err) resolve({ available: true, python });
      else resolve({ available: false, python, reason: `${python} cannot import ray: pip install ray into that environment, or set concurrencyLens.pythonPath to one that has it` });
    });
  });
  cache.set(python, { at: performance.now(), answer });
  return answer;
}

/** Forget every answer (the settings changed). */
export function clearRayAvailability(): void {
  cache.clear();
}
