/**
 * Part of npm run bench: what each harness adds over calling an empty snippet directly in the
 * same runtime, start-up included. Prints figures, asserts nothing.
 * Targets (issue 5): coroutine <= 50 ms, thread <= 150 ms, process <= 400 ms.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runSnippet, findInterpreter } from '../server/src/harness/orchestrator';
import { HARNESSES, type HarnessName, type SnippetLanguage } from '../server/src/harness/types';

const REPEATS = Number(process.env.BENCH_HARNESS_REPEATS ?? 5);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Wall time of starting the runtime, importing the file and calling the empty function once. */
function direct(language: SnippetLanguage, file: string): number {
  const interp = findInterpreter(language);
  const args = language === 'python'
    ? ['-c', `import importlib.util as u; s = u.spec_from_file_location("m", ${JSON.stringify(file)}); m = u.module_from_spec(s); s.loader.exec_module(m); m.empty()`]
    : ['-e', `require(${JSON.stringify(file)}).empty()`];
  const t = performance.now();
  const r = spawnSync(interp.command, args, { env: interp.env });
  if (r.status !== 0) throw new Error(`direct call failed: ${r.stderr}`);
  return performance.now() - t;
}

async function harnessWall(language: SnippetLanguage, file: string, harness: HarnessName): Promise<number> {
  const t = performance.now();
  const result = await runSnippet({ file, language, target: { kind: 'function', name: 'empty' }, harness, tasks: 4 });
  const wall = performance.now() - t;
  const run = result.runs[0];
  if (!run.ok) throw new Error(`${harness}: ${run.error ?? 'a task failed'}`);
  return wall;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-bench-harness-'));
  const files: [SnippetLanguage, string, string][] = [
    ['python', path.join(dir, 'empty.py'), 'def empty():\n    pass\n'],
    ['javascript', path.join(dir, 'empty.js'), 'function empty() {}\nmodule.exports = { empty };\n'],
  ];
  console.log(`harness overhead over a direct call of an empty function (4 tasks, median of ${REPEATS}; targets: coroutine <= 50 ms, thread <= 150 ms, process <= 400 ms):`);
  try {
    for (const [language, file, source] of files) {
      fs.writeFileSync(file, source);
      direct(language, file);
      const base = median(Array.from({ length: REPEATS }, () => direct(language, file)));
      const cells: string[] = [];
      for (const harness of HARNESSES) {
        await harnessWall(language, file, harness);
        const walls: number[] = [];
        for (let i = 0; i < REPEATS; i++) walls.push(await harnessWall(language, file, harness));
        cells.push(`${harness} +${Math.round(median(walls) - base)} ms`);
      }
      console.log(`  ${language.padEnd(10)} direct ${Math.round(base)} ms; ${cells.join(', ')}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const done = main().catch((err) => { console.error(err); process.exitCode = 1; });
