/**
 * Runs the real-VS-Code suites against code-server 4.100.3 (VS Code 1.100.3):
 *  1. the extension-host suite (mocha, test/vscode/suite) with the extension under development;
 *  2. UI tests: Chromium opens fixture files and checks what a user sees;
 *  3. the packaged extension: `npm run package`, --install-extension, diagnostics on screen.
 * Prints one line per test and a closing "N passed, N failed"; exits non-zero on any failure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Browser, Frame, Page } from 'playwright-core';
import { CodeServer, launchBrowser, newPage, ROOT, RESULTS_DIR, CodeServer as Host } from './host';
import { waitForWorkbench, openFile, screenshot, lineContaining, runFromPalette } from './ui';

const WORKSPACE = path.join(ROOT, 'test', 'fixtures', 'workspace');
const SUITE = path.join(ROOT, 'out', 'test', 'vscode', 'suite', 'index.js');

interface Case { name: string; run(browser: Browser): Promise<void> }
const only = process.env.CL_UI_ONLY;

async function withHost<T>(name: string, opts: Partial<Parameters<typeof Host.start>[0]>, body: (host: CodeServer) => Promise<T>): Promise<T> {
  const host = await CodeServer.start({ name, ...opts });
  try {
    return await body(host);
  } finally {
    await host.stop();
  }
}

/**
 * Opens the fixture workspace in the workbench and a file in it, with the extension under
 * development loaded (or, `installed`, the extension installed in the host's extensions folder).
 */
async function openWorkspaceFile(page: Page, host: CodeServer, file: string, opts: { installed?: boolean } = {}): Promise<void> {
  const payload: [string, string][] = opts.installed ? [] : [['extensionDevelopmentPath', ROOT], ['skipWelcome', 'true']];
  await page.goto(host.workbenchUrl(WORKSPACE, payload));
  await waitForWorkbench(page);
  await openFile(page, file);
}

/** Runs a UI body on a fresh page; on failure the page is saved as test-results/<name>-failure.png. */
async function onPage(browser: Browser, name: string, body: (page: Page) => Promise<void>): Promise<void> {
  const page = await newPage(browser);
  try {
    await body(page);
  } catch (err) {
    await page.screenshot({ path: path.join(RESULTS_DIR, `${name}-failure.png`) }).catch(() => undefined);
    throw err;
  } finally {
    await page.context().close();
  }
}

async function waitForFile<T>(file: string, accept: (v: T) => boolean, timeoutMs: number, what: string, alive: () => string | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const dead = alive();
    if (dead) throw new Error(dead);
    if (fs.existsSync(file)) {
      const v = JSON.parse(fs.readFileSync(file, 'utf8')) as T;
      if (accept(v)) return v;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

const cases: Case[] = [
  {
    name: 'extension-host suite (mocha in the real extension host)',
    async run(browser) {
      const resultsFile = path.join(RESULTS_DIR, 'extension-host-results.json');
      fs.rmSync(resultsFile, { force: true });
      await withHost('exthost', { env: { CL_TEST_RESULTS: resultsFile } }, async (host) => {
        const page = await newPage(browser);
        const logs: string[] = [];
        page.on('console', (m) => logs.push(m.text()));
        await page.goto(host.workbenchUrl(WORKSPACE, [['extensionDevelopmentPath', ROOT], ['extensionTestsPath', SUITE], ['skipWelcome', 'true']]));
        type R = { done: boolean; passed: number; failed: number; outcomes: { title: string; state: string; error?: string }[]; fatal?: string };
        const r = await waitForFile<R>(resultsFile, (v) => v.done, 600_000, 'the extension-host results', () =>
          host.proc.exitCode !== null ? `code-server exited (${host.proc.exitCode})` : undefined);
        fs.writeFileSync(path.join(RESULTS_DIR, 'extension-host-console.log'), logs.join('\n'));
        for (const o of r.outcomes) console.log(`    ${o.state === 'passed' ? 'ok' : 'FAILED'}  ${o.title}${o.error ? '\n' + o.error.replace(/^/gm, '        ') : ''}`);
        if (r.fatal) throw new Error(`the suite could not run: ${r.fatal}`);
        if (r.failed > 0 || r.passed === 0) throw new Error(`${r.failed} of ${r.passed + r.failed} extension-host tests failed`);
        await page.context().close();
      });
    },
  },
  {
    name: 'UI: squiggles under time.sleep (Python) and readFileSync (TypeScript), Problems panel lists them',
    async run(browser) {
      await withHost('ui', {}, (host) => onPage(browser, 'ui', async (page) => {
        await openWorkspaceFile(page, host, 'fetch.py');
        await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 60_000 });
        await screenshot(page, 'squiggle-python');
        await openFile(page, 'load.ts');
        await lineContaining(page, 'readFileSync').waitFor();
        await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 60_000 });
        await page.keyboard.press('Control+Shift+M');
        const problems = page.locator('.markers-panel');
        await problems.getByText(/time\.sleep/).first().waitFor({ timeout: 30_000 });
        await problems.getByText(/readFileSync/).first().waitFor({ timeout: 30_000 });
        await screenshot(page, 'problems-panel');
      }));
    },
  },
  {
    name: 'UI: hovering a primitive shows its doc; clicking compare above a function runs it and shows the table',
    async run(browser) {
      await withHost('ui-hover', {}, (host) => onPage(browser, 'ui-hover', async (page) => {
        await openWorkspaceFile(page, host, 'fetch.py');
        await page.locator('.contentWidgets .codelens-decoration, .codelens-decoration').getByText('compare').first().waitFor({ timeout: 60_000 });
        // Hover the middle of `sleep` in `await asyncio.sleep(0.1)`: monospace, so columns map to x.
        const line = lineContaining(page, 'await asyncio.sleep');
        const box = await line.boundingBox();
        const text = (await line.textContent()) ?? '';
        const width = await line.evaluate((el) => {
          const probe = document.createElement('span');
          probe.textContent = 'x'.repeat(100);
          el.appendChild(probe);
          const w = probe.getBoundingClientRect().width / 100;
          probe.remove();
          return w;
        });
        if (!box) throw new Error('the line is not on screen');
        const col = text.indexOf('sleep') + 2;
        await page.mouse.move(box.x + width * col + width / 2, box.y + box.height / 2);
        await page.locator('.monaco-hover:visible', { hasText: 'asyncio.sleep' }).filter({ hasText: 'Runs on' }).first().waitFor({ timeout: 30_000 });
        await screenshot(page, 'hover-asyncio-sleep');
        await page.keyboard.press('Escape');
        // Click `compare` above crunch(): the results table appears in the output channel.
        await page.locator('.codelens-decoration').nth(1).getByText('compare').click();
        const output = page.locator('.output-view, .panel .monaco-editor').first();
        await output.getByText(/speed-up/).first().waitFor({ timeout: 120_000 });
        await output.getByText(/^coroutine/).first().waitFor({ timeout: 30_000 });
        await screenshot(page, 'run-compare-output');
      }));
    },
  },
  {
    name: 'UI: compare opens the results panel: four harnesses, a timeline with a lane per worker, the verdict',
    async run(browser) {
      await withHost('ui-panel', {}, (host) => onPage(browser, 'ui-panel', async (page) => {
        await openWorkspaceFile(page, host, 'fetch.py');
        await page.locator('.codelens-decoration').getByText('compare').first().waitFor({ timeout: 60_000 });
        // compare above crunch() (the second lens row): the panel opens beside the editor and fills as the run goes.
        await page.locator('.codelens-decoration').nth(1).getByText('compare').click();
        // The page is the inner frame of a webview iframe whose URL names the extension: look at each new frame until it is there.
        const pageText = (f: Frame) => f.evaluate(() => document.getElementById('app')?.innerText ?? '').catch(() => '');
        const inPanel = (f: Frame) => /extensionId=concurrency-lens/.test(`${f.url()} ${f.parentFrame()?.url() ?? ''}`);
        const deadline = Date.now() + 60_000;
        let panel: Frame | undefined;
        while (!panel) {
          if (Date.now() > deadline) throw new Error(`no results panel frame; frames: ${page.frames().map((f) => f.url()).join(', ')}`);
          for (const f of page.frames().filter(inPanel)) if ((await pageText(f)).includes('Export trace')) panel = f;
          if (!panel) await page.waitForEvent('framenavigated', { timeout: 1000 }).catch(() => undefined);
        }
        // Done or Failed: the result replaced the stream.
        await panel.waitForSelector('.pill-done, .pill-failed', { timeout: 120_000 });
        const text = await pageText(panel);
        for (const h of ['serial', 'threads', 'processes', 'coroutines']) {
          if (!text.includes(h)) throw new Error(`the panel does not name ${h}:\n${text}`);
        }
        const verdict = await panel.locator('.verdict-line').allInnerTexts();
        if (!verdict.some((l) => /faster|serial|GIL|CPU-bound|blocked/.test(l))) throw new Error(`no verdict line in the panel:\n${text}`);
        // crunch(n) in a process pool: four workers, so at least four lanes, and every task drawn as a bar.
        if ((await panel.locator('.tl-row:not(.tl-axis-row) .tl-label[title^="pid"]').count()) < 4) throw new Error('fewer than four worker lanes');
        const bars = await panel.locator('.tl-task').count();
        if (bars !== 16) throw new Error(`expected 16 task bars (4 tasks × 4 harnesses), got ${bars}`);
        // The run showed its output channel; hide the bottom panel so the screenshot shows the results panel whole.
        await runFromPalette(page, 'View: Hide Panel');
        await page.locator('.part.panel').waitFor({ state: 'hidden', timeout: 10_000 });
        await screenshot(page, 'results-panel');
      }));
    },
  },
  {
    name: 'UI: an untrusted workspace keeps diagnostics; its run lenses and the run command explain why runs are off',
    async run(browser) {
      await withHost('untrusted', { trusted: false }, (host) => onPage(browser, 'untrusted', async (page) => {
        await openWorkspaceFile(page, host, 'fetch.py');
        await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 60_000 });
        await page.locator('.codelens-decoration').getByText('Runs need a trusted workspace').first().waitFor({ timeout: 60_000 });
        if (await page.locator('.codelens-decoration').getByText('compare').count() > 0) throw new Error('run lenses shown in an untrusted workspace');
        await screenshot(page, 'untrusted-lenses');
        // The command refuses too, and says why.
        await runFromPalette(page, 'Concurrency Lens: Run Function or Cell');
        await page.getByText('runs code only in a trusted workspace').first().waitFor({ timeout: 30_000 });
        await screenshot(page, 'untrusted-run-refused');
      }));
    },
  },
  {
    name: 'UI: the tour: Open Lesson… finds a lesson by topic and opens it; a TypeScript lesson gets TypeScript hovers and no error toast; the walkthrough has its 5 steps',
    async run(browser) {
      await withHost('ui-tour', {}, (host) => onPage(browser, 'ui-tour', async (page) => {
        await openWorkspaceFile(page, host, 'fetch.py');
        const pickLesson = async (query: string, file: string) => {
          await runFromPalette(page, 'Concurrency Lens: Open Lesson');
          const input = page.locator('.quick-input-widget input');
          await page.locator('.quick-input-list .monaco-list-row', { hasText: 'async_race.py' }).first().waitFor({ timeout: 30_000 });
          await input.fill(query);
          const row = page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first();
          await row.waitFor({ timeout: 30_000 });
          await row.click();
          await page.locator(`.tab[aria-label^="${file}"]`).first().waitFor({ timeout: 30_000 });
        };
        // By a word of its topic, not its file name.
        await pickLesson('TaskGroup failures', 'cancellation.py');
        await lineContaining(page, 'Cancellation in asyncio').waitFor({ timeout: 30_000 });
        await pickLesson('Promise.all: the most common', 'sequential_vs_all.ts');
        // The host's TypeScript service works: hovering a function shows its signature from tsserver.
        // Lenses push the lines down when they appear: measure after they have.
        await page.locator('.codelens-decoration').getByText('compare').first().waitFor({ timeout: 60_000 });
        const line = lineContaining(page, 'async function fetchUser');
        await line.waitFor({ timeout: 30_000 });
        const box = await line.boundingBox();
        if (!box) throw new Error('the line is not on screen');
        const text = (await line.textContent()) ?? '';
        const charWidth = await line.evaluate((el) => {
          const probe = document.createElement('span');
          probe.textContent = 'x'.repeat(100);
          el.appendChild(probe);
          const w = probe.getBoundingClientRect().width / 100;
          probe.remove();
          return w;
        });
        await page.mouse.move(box.x + charWidth * (text.indexOf('fetchUser') + 3), box.y + box.height / 2);
        await page.locator('.monaco-hover:visible', { hasText: 'fetchUser(id: number): Promise<string>' }).first().waitFor({ timeout: 90_000 });
        const toasts = await page.locator('.notifications-toasts .notification-toast').allInnerTexts();
        const tsErrors = toasts.filter((t) => /typescript|tsserver|ts server/i.test(t));
        if (tsErrors.length) throw new Error(`TypeScript error toast: ${tsErrors.join(' | ')}`);
        await screenshot(page, 'lesson-typescript');
        await page.keyboard.press('Escape');
        await runFromPalette(page, 'Welcome: Open Walkthrough');
        const tour = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Concurrency Lens: a tour' }).first();
        await tour.waitFor({ timeout: 30_000 });
        await tour.click();
        for (const step of ['Open the lessons', 'Run compare on CPU against I/O', 'Read the results panel', 'Fix a pitfall', 'Hover a primitive']) {
          await page.locator('.gettingStartedContainer').getByText(step, { exact: true }).first().waitFor({ timeout: 30_000 });
        }
        await screenshot(page, 'walkthrough');
      }));
    },
  },
  {
    name: 'packaged .vsix installs into code-server, shows diagnostics and opens a shipped lesson from a writable copy',
    async run(browser) {
      const vsix = path.join(ROOT, 'concurrency-lens.vsix');
      const pack = spawnSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, encoding: 'utf8' });
      if (pack.status !== 0) throw new Error(`npm run package failed:\n${pack.stdout}\n${pack.stderr}`);
      const listing = spawnSync('unzip', ['-l', vsix], { encoding: 'utf8' }).stdout ?? '';
      if (/node_modules\//.test(listing)) throw new Error('the vsix carries node_modules');
      if (/\.node\b/.test(listing)) throw new Error('the vsix carries a native binary');
      for (const need of ['extension/dist/extension.js', 'extension/dist/server.js', 'extension/dist/tree-sitter-python.wasm']) {
        if (!listing.includes(need)) throw new Error(`the vsix lacks ${need}`);
      }
      const extensionsDir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'cl-vsix-ext-'));
      const install = spawnSync(process.execPath, [CodeServer.entry(), '--extensions-dir', extensionsDir, '--install-extension', vsix], { encoding: 'utf8' });
      if (install.status !== 0) throw new Error(`--install-extension failed:\n${install.stdout}\n${install.stderr}`);
      await withHost('vsix', { extensionsDir }, (host) => onPage(browser, 'vsix', async (page) => {
        await openWorkspaceFile(page, host, 'fetch.py', { installed: true });
        await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 60_000 });
        await openFile(page, 'load.ts');
        await page.keyboard.press('Control+Shift+M');
        const problems = page.locator('.markers-panel');
        await problems.getByText(/time\.sleep/).first().waitFor({ timeout: 30_000 });
        await problems.getByText(/readFileSync/).first().waitFor({ timeout: 30_000 });
        await screenshot(page, 'vsix-problems');
        // A lesson shipped in the installed extension opens from a copy in the extension's storage.
        await runFromPalette(page, 'Concurrency Lens: Open Lesson');
        await page.locator('.quick-input-widget input').fill('real parallelism');
        const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'process_pool.py' }).first();
        await row.waitFor({ timeout: 30_000 });
        await row.click();
        await page.locator('.tab[aria-label^="process_pool.py"]').first().waitFor({ timeout: 30_000 });
        const copy = path.join(host.userDataDir, 'User', 'globalStorage', 'concurrency-lens.concurrency-lens', 'lessons', 'python', 'process_pool.py');
        if (!fs.existsSync(copy)) throw new Error(`the lesson was not copied to ${copy}`);
        if (fs.readFileSync(copy, 'utf8') !== fs.readFileSync(path.join(ROOT, 'snippets', 'python', 'process_pool.py'), 'utf8')) throw new Error('the copy differs from the lesson');
      }));
    },
  },
];

async function main(): Promise<number> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  if (!fs.existsSync(SUITE)) throw new Error(`${SUITE} is missing: build the tests first (node esbuild.mjs --tests)`);
  const browser = await launchBrowser();
  let passed = 0;
  let failed = 0;
  try {
    for (const c of cases) {
      if (only && !c.name.includes(only)) continue;
      const started = Date.now();
      try {
        await c.run(browser);
        passed++;
        console.log(`ok   ${c.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (err) {
        failed++;
        console.log(`FAIL ${c.name} (${((Date.now() - started) / 1000).toFixed(1)} s)\n${String(err instanceof Error ? err.stack : err).replace(/^/gm, '     ')}`);
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`vscode: ${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (err) => { console.error(err); process.exitCode = 1; });
