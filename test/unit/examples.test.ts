/**
 * Every example a user reads is real code that runs, so a wrong example cannot ship:
 * - each Bad/Good block of docs/rules/*.md runs as written (TypeScript with its types stripped)
 *   with python3 or node, and goes through the real analyser: a Bad block raises the rule of its
 *   page, a Good block raises nothing;
 * - each hover example of server/src/hover/kb runs inside the context in
 *   test/fixtures/examples/hover (the names it uses, defined by local stand-ins: a local HTTP
 *   server instead of the network, small functions instead of the user's own), except the Ray and
 *   xoscar ones, listed below, which need the project's Python environment (issue 13).
 */
import { test, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParsers, type Grammar } from '../../server/src/core/parser';
import { analyzeText } from '../../server/src/core/engine';
import { RULES } from '../../server/src/core/rules';
import { KB_FILES, type KbEntry } from '../../server/src/hover/kb';
import { runProgram, scratchDir, stripTypes, describeRun, type ProgramResult } from './example-runner';

const REPO = path.resolve(__dirname, '../../..');
const RULE_DOCS = path.join(REPO, 'docs/rules');
const HOVER_CONTEXTS = path.join(REPO, 'test/fixtures/examples/hover');

/** Files some examples read, as a project would have them. */
const STAND_INS: Record<string, string> = {
  'app.json': '{ "port": 8080 }\n',
  'package.json': '{ "name": "example", "version": "1.0.0" }\n',
  'config.json': '{ "level": 3 }\n',
};

before(async () => { await initParsers(); });

// ---------------------------------------------------------------------------------------------
// Rule pages

interface DocBlock { rule: string; section: 'Bad' | 'Good'; lang: 'python' | 'ts'; code: string; n: number }

function docBlocks(): DocBlock[] {
  const out: DocBlock[] = [];
  for (const file of fs.readdirSync(RULE_DOCS).filter((f) => f.endsWith('.md')).sort()) {
    const rule = file.replace(/\.md$/, '');
    const text = fs.readFileSync(path.join(RULE_DOCS, file), 'utf8');
    let section: string | undefined;
    let fence: { lang: string; lines: string[] } | undefined;
    const count: Record<string, number> = {};
    for (const line of text.split('\n')) {
      if (fence) {
        if (line.startsWith('```')) {
          if (section === 'Bad' || section === 'Good') {
            assert.ok(fence.lang === 'python' || fence.lang === 'ts', `${file}: a ${section} block in '${fence.lang}': only python and ts run`);
            const key = `${section} ${fence.lang}`;
            count[key] = (count[key] ?? 0) + 1;
            out.push({ rule, section, lang: fence.lang as 'python' | 'ts', code: fence.lines.join('\n') + '\n', n: count[key] });
          }
          fence = undefined;
        } else fence.lines.push(line);
      } else if (line.startsWith('## ')) section = line.slice(3).trim();
      else if (line.startsWith('```')) fence = { lang: line.slice(3).trim(), lines: [] };
    }
  }
  return out;
}

/**
 * What a Bad block does when it runs, when that is not a clean exit: the failure the page
 * describes. `spawn` runs it under the spawn start method (the default on macOS and Windows).
 */
interface RunExpectation { exit?: 'fail'; stdout?: RegExp; notStdout?: RegExp; stderr?: RegExp; until?: RegExp; spawn?: true }
const BAD_RUNS: Record<string, RunExpectation> = {
  'async-promise-executor Bad ts 1': { exit: 'fail', stderr: /ENOENT/, notStdout: /defaults/ },
  'nested-event-loop Bad python 1': { exit: 'fail', stderr: /RuntimeError: asyncio\.run\(\) cannot be called from a running event loop/ },
  'unawaited-coroutine Bad python 1': { stdout: /^0 \[\]$/m, stderr: /coroutine 'Producer\.flush' was never awaited/ },
  'misused-async-callback Bad ts 1': { stdout: /name: 'bob'/ },
  // the children re-run the module and fail; the pool would replace them forever
  'missing-main-guard Bad python 1': { spawn: true, until: /An attempt has been made to start a new process before the\s+current process has finished its bootstrapping phase/ },
};
const GOOD_RUNS: Record<string, RunExpectation> = {
  'async-promise-executor Good ts 1': { stdout: /^defaults$/m },
  'unawaited-coroutine Good python 1': { stdout: /^1 \['flushed'\]$/m },
  'misused-async-callback Good ts 1': { notStdout: /name: 'bob'/, stdout: /name: 'ann'/ },
  'missing-main-guard Good python 1': { spawn: true, stdout: /\[0, 1, 4, 9, 16, 25, 36, 49, 64, 81\]/ },
};

/** Under spawn: the start method is chosen before the example's module runs as __main__. */
const SPAWN_WRAPPER = 'import multiprocessing, runpy, sys\nmultiprocessing.set_start_method("spawn")\nrunpy.run_path(sys.argv[1], run_name="__main__")\n';

async function runBlock(lang: 'python' | 'ts' | 'js' | 'cjs', code: string, opts: { spawn?: true; until?: RegExp; files?: Record<string, string> } = {}): Promise<ProgramResult> {
  const dir = scratchDir('example', { ...STAND_INS, ...opts.files });
  try {
    if (lang === 'python') {
      fs.writeFileSync(path.join(dir, 'example.py'), code);
      if (opts.spawn) {
        fs.writeFileSync(path.join(dir, 'wrapper.py'), SPAWN_WRAPPER);
        return await runProgram('python3', ['wrapper.py', 'example.py'], { cwd: dir, until: opts.until, timeoutMs: 30_000 });
      }
      return await runProgram('python3', ['example.py'], { cwd: dir, until: opts.until, timeoutMs: 30_000 });
    }
    const file = lang === 'cjs' ? 'example.cjs' : 'example.mjs';
    fs.writeFileSync(path.join(dir, file), lang === 'ts' ? stripTypes(code) : code);
    return await runProgram(process.execPath, [file], { cwd: dir, until: opts.until, timeoutMs: 30_000 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const GRAMMAR: Record<'python' | 'ts', Grammar> = { python: 'python', ts: 'typescript' };

describe('rule pages: every Bad/Good block runs and the analyser agrees with it', { concurrency: 4 }, () => {
  const blocks = docBlocks();

  test('every rule has a page with a Bad and a Good block', () => {
    for (const rule of RULES) {
      assert.ok(blocks.some((b) => b.rule === rule.id && b.section === 'Bad'), `${rule.id}: no Bad block`);
      assert.ok(blocks.some((b) => b.rule === rule.id && b.section === 'Good'), `${rule.id}: no Good block`);
    }
    const keys = new Set(blocks.map((b) => `${b.rule} ${b.section} ${b.lang} ${b.n}`));
    for (const k of [...Object.keys(BAD_RUNS), ...Object.keys(GOOD_RUNS)]) assert.ok(keys.has(k), `expectation for a block that does not exist: ${k}`);
  });

  for (const b of blocks) {
    const key = `${b.rule} ${b.section} ${b.lang} ${b.n}`;
    test(key, async () => {
      const result = analyzeText(GRAMMAR[b.lang], b.code);
      assert.deepEqual(result.failures, [], 'no rule may throw');
      const found = result.findings.map((f) => `${f.range.start.line + 1}: ${f.rule}`);
      if (b.section === 'Bad') {
        assert.ok(result.findings.some((f) => f.rule === b.rule), `the Bad block does not raise ${b.rule}; findings: ${found.join(', ') || 'none'}`);
        const others = result.findings.filter((f) => f.rule !== b.rule);
        assert.deepEqual(others.map((f) => `${f.range.start.line + 1}: ${f.rule}`), [], 'a Bad block shows one mistake');
      } else {
        assert.deepEqual(found, [], 'a Good block raises nothing');
      }

      const expect: RunExpectation = (b.section === 'Bad' ? BAD_RUNS[key] : GOOD_RUNS[key]) ?? {};
      const run = await runBlock(b.lang, b.code, { spawn: expect.spawn, until: expect.until });
      const why = describeRun(run);
      assert.ok(!run.timedOut, `did not finish in time\n${why}`);
      if (expect.until) assert.ok(run.matched, `never printed ${expect.until}\n${why}`);
      else if (expect.exit === 'fail') assert.notEqual(run.code, 0, `should fail\n${why}`);
      else assert.equal(run.code, 0, why);
      if (b.section === 'Good') assert.doesNotMatch(run.stderr, /Warning|Traceback|Error/, `a Good block runs cleanly\n${why}`);
      if (expect.stdout) assert.match(run.stdout, expect.stdout, why);
      if (expect.notStdout) assert.doesNotMatch(run.stdout, expect.notStdout, why);
      if (expect.stderr) assert.match(run.stderr, expect.stderr, why);
    });
  }
});
