/**
 * Every example a user reads is real code that runs, so a wrong example cannot ship:
 * - each Bad/Good block of docs/rules/*.md runs as written (TypeScript with its types stripped)
 *   with python3 or node, and goes through the real analyser: a Bad block raises the rule of its
 *   page, a Good block raises nothing;
 * - each hover example of server/src/hover/kb runs inside the context in
 *   test/fixtures/examples/hover (the names it uses, defined by local stand-ins: a local HTTP
 *   server instead of the network, small functions instead of the user's own); the Ray and xoscar
 *   ones, listed below, with the project's Python environment (.venv), the Ray ones on a cluster;
 *   and none of its lines raises a finding of the analyser (a hover must not show what the
 *   diagnostics call a bug), except the known analyser gaps listed below.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParsers, type Grammar } from '../../server/src/core/parser';
import { analyzeText } from '../../server/src/core/engine';
import { RULES } from '../../server/src/core/rules';
import { KB_FILES, type KbEntry } from '../../server/src/hover/kb';
import { runProgram, python3, scratchDir, stripTypes, describeRun, type ProgramResult } from './example-runner';
import { projectPython } from './python-env';
import { RAY_TEST_ENV, startCluster, stopCluster, type Cluster } from './ray-cluster';

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
  'ray-remote-call Bad python 1': { exit: 'fail', stderr: /TypeError: Remote functions cannot be called directly/ },
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

/** Ray and xoscar examples run with the project's Python (.venv); the Ray ones on one cluster for this file. */
let rayCluster: Promise<Cluster> | undefined;
after(async () => {
  const c = await rayCluster?.catch(() => undefined);
  if (c) await stopCluster(c);
});

async function pythonFor(code: string): Promise<{ python: string; env?: NodeJS.ProcessEnv }> {
  if (!/^\s*(import|from) (ray|xoscar)\b/m.test(code)) return { python: python3() };
  if (!/^\s*(import|from) ray\b/m.test(code)) return { python: projectPython() };
  return { python: projectPython(), env: { ...RAY_TEST_ENV, RAY_ADDRESS: (await (rayCluster ??= startCluster())).address } };
}

async function runBlock(lang: 'python' | 'ts' | 'js' | 'cjs', code: string, opts: { spawn?: true; until?: RegExp; files?: Record<string, string> } = {}): Promise<ProgramResult> {
  const dir = scratchDir('example', { ...STAND_INS, ...opts.files });
  try {
    if (lang === 'python') {
      fs.writeFileSync(path.join(dir, 'example.py'), code);
      const { python, env } = await pythonFor(code);
      if (opts.spawn) {
        fs.writeFileSync(path.join(dir, 'wrapper.py'), SPAWN_WRAPPER);
        return await runProgram(python, ['wrapper.py', 'example.py'], { cwd: dir, until: opts.until, timeoutMs: 30_000, env });
      }
      return await runProgram(python, ['example.py'], { cwd: dir, until: opts.until, timeoutMs: 30_000, env });
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

// ---------------------------------------------------------------------------------------------
// Hover examples

/** Run with the project's Python environment (.venv, scripts/setup-python.sh), which has ray and xoscar. */
const NEEDS_PROJECT_PYTHON = [
  'ray.init', 'ray.shutdown', 'ray.remote', 'ray.remote_function.RemoteFunction.remote', 'ray.get', 'ray.put', 'ray.wait', 'ray.kill',
  'ray.get_actor', 'ray.ObjectRef', 'ray.util.multiprocessing.Pool',
  'xoscar.Actor', 'xoscar.StatelessActor', 'xoscar.create_actor', 'xoscar.ActorRef', 'xoscar.ActorRef.send', 'xoscar.Actor.__post_create__',
  'xoscar.Actor.__pre_destroy__', 'xoscar.destroy_actor', 'xoscar.create_actor_pool',
];

/** Examples of APIs newer than the oldest Node the extension supports (package.json engines: >=20). */
const NEEDS_NODE: Record<string, number> = { 'Promise.withResolvers': 22 };
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

/** The context file of each knowledge-base topic, under test/fixtures/examples/hover. */
const TOPIC_CONTEXT: Record<string, string> = {
  'threading': 'threading.py',
  'multiprocessing': 'multiprocessing.py',
  'concurrent.futures': 'concurrent.futures.py',
  'subprocess': 'subprocess.py',
  'asyncio': 'asyncio.py',
  'Python syntax and builtins': 'python-syntax.py',
  'Promise': 'promise.mjs',
  'JavaScript syntax': 'js-syntax.mjs',
  'timers and timers/promises': 'timers.mjs',
  'worker_threads': 'worker_threads.mjs',
  'child_process': 'child_process.mjs',
  'cluster, shared memory, Atomics, AbortController, events, fs': 'node-misc.mjs',
  'ray': 'ray.py',
  'xoscar': 'xoscar.py',
};

/**
 * Lines run right after an example, at its indentation: calls of what it only defines, waits for
 * what it starts, and checks of what it claims.
 */
const AFTER: Record<string, string[]> = {
  'asyncio.Event': ['await asyncio.wait_for(consumer(), 5)'],
  'asyncio.Semaphore': ['print(await fetch(url))'],
  'asyncio.AbstractEventLoop': ["assert await asyncio.wait_for(queue.get(), 5) == 'job'"],
  'asyncio.Task.add_done_callback': ['await task', 'assert not background'],
  'asyncio.Task': ['await task', 'assert not tasks'],
  'python:async def': ['print(await fetch("https://example.invalid/"))'],
  'python:yield': ['assert list(chunks([1, 2, 3], 2)) == [[1, 2], [3]]'],
  'python:async generator': ['pass', 'async for i in ticks(0):', '    pass'],
  // the example only submits: wait for both, or the driver may exit before the actor is placed (Ray then logs an error)
  'ray.remote_function.RemoteFunction.remote': ['assert ray.get([ref, ref2]) == [16, 1]'],
  'threading.Event': ['worker()'],
  'threading.RLock': ['outer()'],
  'threading.Barrier': ['threads = [threading.Thread(target=step) for _ in range(3)]', 'for th in threads:', '    th.start()', 'for th in threads:', '    th.join(5)', 'assert not any(th.is_alive() for th in threads)'],
  'threading.local': ['handle(req)', 'assert ctx.user == "ann"'],
  'threading.Thread.daemon': ['t.join()'],
  'multiprocessing.Process.start': ["if __name__ == '__main__':", '    p.join()', '    assert p.exitcode == 0'],
  'multiprocessing.Queue': ['p.join()', "assert item == 'item'"],
  'multiprocessing.Pipe': ['p.join()'],
  'multiprocessing.get_context': ["if __name__ == '__main__':", '    p.start()', "    assert q.get(timeout=20) == 'done'", '    p.join()'],
  'multiprocessing.Lock': ["if __name__ == '__main__':", '    for p in procs:', '        p.start()', '    for p in procs:', '        p.join()'],
  'Promise': ['await ready;'],
  'Promise.allSettled': ['assert.equal(failed.length, 0, JSON.stringify(results));'],
  'js:async': ['console.log(await load(1));'],
  'js:yield': ['const it = ids();', 'assert.equal(it.next().value, 0);', 'assert.equal(it.next().value, 1);'],
  'js:for await': ["console.log(hash.digest('hex'));"],
  'setInterval': ['clearInterval(id);'],
  'worker_threads.Worker': ["await once(w, 'exit');"],
  'worker_threads.Worker.postMessage': ["await once(w, 'message');"],
  'worker_threads.MessageChannel': ['port1.close();'],
  'child_process.fork': ["await once(child, 'exit');"],
  'child_process.spawn': ["await once(p, 'close');"],
  'child_process.ChildProcess': ["await once(child, 'exit');"],
};

/**
 * Findings of today's analyser on hover examples that are right as written: analyser gaps,
 * reported to the lead. The test fails when one no longer happens, so the list cannot go stale.
 */
// asyncio.as_completed was one (await-in-loop on `print(await next_done)`) until the rule learned
// that awaiting what already runs is no per-item work.
const KNOWN_ANALYSER_GAPS: Record<string, { finding: string; why: string }> = {};

const ALL_ENTRIES = KB_FILES.flatMap((f) => f.entries.map((entry) => ({ entry, file: f })));

/** test/fixtures/examples/hover/entries/<id> when the entry has its own context, else its topic's. */
function contextFile(entry: KbEntry, topic: string): string {
  const own = fs.readdirSync(path.join(HOVER_CONTEXTS, 'entries')).find((f) => f.replace(/\.(py|mjs|cjs)$/, '') === entry.id.replace(/\//g, '_'));
  if (own) return path.join('entries', own);
  const byTopic = TOPIC_CONTEXT[topic];
  assert.ok(byTopic, `no context for the topic '${topic}': add one to TOPIC_CONTEXT`);
  return byTopic;
}

/** The example, and what runs after it, at the indentation of the context's `@example` line; JS imports go to the top. */
function splice(context: string, entry: KbEntry): { program: string; exampleLines: Set<number> } {
  const lines = context.split('\n');
  const at = lines.findIndex((l) => /^\s*(#|\/\/) @example\s*$/.test(l));
  assert.ok(at >= 0, 'the context has no @example line');
  const indent = /^\s*/.exec(lines[at])![0];
  const imports = entry.example.filter((l) => /^import\s/.test(l));
  const rest = entry.example.filter((l) => !/^import\s/.test(l));
  const body = [...rest, ...(AFTER[entry.id] ?? [])].map((l) => (l ? indent + l : l));
  const start = imports.length + at;
  const exampleLines = new Set([...imports.map((_, i) => i), ...rest.map((_, i) => start + i)]);
  return { program: [...imports, ...lines.slice(0, at), ...body, ...lines.slice(at + 1)].join('\n'), exampleLines };
}

describe('hover examples: every one runs', { concurrency: 4 }, () => {
  test('every example is run or listed with the reason it cannot run here', () => {
    const ids = new Set(ALL_ENTRIES.map((e) => e.entry.id));
    for (const id of [...NEEDS_PROJECT_PYTHON, ...Object.keys(NEEDS_NODE), ...Object.keys(AFTER), ...Object.keys(KNOWN_ANALYSER_GAPS)]) assert.ok(ids.has(id), `${id} is listed here but has no entry`);
    const unlisted = ALL_ENTRIES.filter(({ entry, file }) => /^(ray|xoscar)$/.test(file.topic) && !NEEDS_PROJECT_PYTHON.includes(entry.id)).map((e) => e.entry.id);
    assert.deepEqual(unlisted, [], 'a Ray or xoscar example not listed to run with the project Python');
    assert.ok(ALL_ENTRIES.length >= 130, `only ${ALL_ENTRIES.length} examples run`);
  });

  for (const { entry, file } of ALL_ENTRIES) {
    const needs = NEEDS_NODE[entry.id];
    test(entry.id, { skip: needs && NODE_MAJOR < needs ? `needs Node ${needs}+ (this is Node ${process.versions.node})` : false }, async () => {
      const rel = contextFile(entry, file.topic);
      const { program, exampleLines } = splice(fs.readFileSync(path.join(HOVER_CONTEXTS, rel), 'utf8'), entry);
      const ext = path.extname(rel);
      // a hover must not show code that the extension's own diagnostics call a bug
      const analysis = analyzeText(ext === '.py' ? 'python' : 'javascript', program);
      assert.deepEqual(analysis.failures, [], 'no rule may throw');
      const flagged = analysis.findings.filter((f) => exampleLines.has(f.range.start.line)).map((f) => `${f.rule}: ${program.split('\n')[f.range.start.line].trim()}`);
      const gap = KNOWN_ANALYSER_GAPS[entry.id];
      assert.deepEqual(flagged, gap ? [gap.finding] : [], gap ? `known analyser gap (${gap.why}) changed` : 'the example raises a finding of the analyser');
      const dir = scratchDir('hover', { ...STAND_INS, 'big.json': '{"rows": []}\n' });
      try {
        for (const f of ['stand-ins.mjs', 'hash.js', 'worker.js', 'check.py']) fs.copyFileSync(path.join(HOVER_CONTEXTS, f), path.join(dir, f));
        const main = `example${ext}`;
        fs.writeFileSync(path.join(dir, main), program);
        const env = { PATH: `${path.join(HOVER_CONTEXTS, 'bin')}${path.delimiter}${process.env.PATH}` };
        const project = NEEDS_PROJECT_PYTHON.includes(entry.id) ? await pythonFor(program) : undefined;
        const run = ext === '.py'
          ? await runProgram(project?.python ?? python3(), [main], { cwd: dir, env: { ...project?.env, ...env }, timeoutMs: 30_000 })
          : await runProgram(process.execPath, [main], { cwd: dir, env, timeoutMs: 30_000 });
        const why = `${describeRun(run)}\n--- program (${rel})\n${program}`;
        assert.ok(!run.timedOut, `did not finish in time\n${why}`);
        assert.equal(run.code, 0, why);
        assert.doesNotMatch(run.stderr, /Traceback|Error|Warning/, `the example runs cleanly\n${why}`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
