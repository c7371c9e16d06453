/**
 * Starts the real VS Code test host (code-server, set up by scripts/setup-host.sh) and a
 * headless Debian Chromium driven by playwright-core. Each start gets fresh user-data and
 * extension folders; stop() kills the whole process group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../support/free-port';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The project root: the nearest folder above this bundle whose package.json is ours. */
function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'concurrency-lens') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no concurrency-lens package.json above ${from}`);
  }
}

export const ROOT = findRoot(__dirname);
export const HOST_VERSION = '4.100.3';
export const HOST_DIR = path.join(ROOT, '.vscode-test', `code-server-${HOST_VERSION}`);
export const RESULTS_DIR = path.join(ROOT, 'test-results');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface HostOptions {
  name: string;
  /** false: workspace trust is on and the folder opens in restricted mode */
  trusted?: boolean;
  /** a fixed port; a free one when absent */
  port?: number;
  settings?: Record<string, unknown>;
  env?: Record<string, string>;
  /** a folder of extensions to use instead of a fresh empty one */
  extensionsDir?: string;
}

export class CodeServer {
  private constructor(
    readonly port: number,
    readonly proc: ChildProcess,
    readonly userDataDir: string,
    readonly extensionsDir: string,
    readonly logFile: string,
  ) {}

  static entry(): string {
    const entry = path.join(HOST_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
    if (!fs.existsSync(entry)) throw new Error(`code-server is not set up at ${HOST_DIR}: run 'bash scripts/setup-host.sh'`);
    return entry;
  }

  static async start(opts: HostOptions): Promise<CodeServer> {
    const entry = CodeServer.entry();
    const base = fs.mkdtempSync(path.join(os.tmpdir(), `cl-${opts.name}-`));
    const userDataDir = path.join(base, 'user-data');
    const extensionsDir = opts.extensionsDir ?? path.join(base, 'extensions');
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.mkdirSync(extensionsDir, { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'security.workspace.trust.enabled': opts.trusted === false,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.emptyWindow': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'workbench.enableExperiments': false,
      'chat.disableAIFeatures': true,
      'git.enabled': false,
      'git.openRepositoryInParentFolders': 'never',
      // The host's built-in TypeScript extension has no tsserver of its own ("Could not find
      // bundled tsserver.js" on opening a TS file): it runs the project's TypeScript instead.
      'typescript.tsdk': path.join(ROOT, 'node_modules', 'typescript', 'lib'),
      ...opts.settings,
    }, null, 2));
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const logFile = path.join(RESULTS_DIR, `code-server-${opts.name}.log`);
    const log = fs.openSync(logFile, 'w');
    const port = opts.port ?? await freePort();
    const proc = spawn(process.execPath, [
      entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir, '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override',
      '--ignore-last-opened', ...(opts.trusted === false ? [] : ['--disable-workspace-trust']),
    ], { detached: true, stdio: ['ignore', log, log], env: { ...process.env, ...opts.env } });
    fs.closeSync(log);
    const server = new CodeServer(port, proc, userDataDir, extensionsDir, logFile);
    await server.waitUntilUp();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The workbench address for a folder, with optional extension development/test paths. */
  workbenchUrl(folder: string, payload: [string, string][] = []): string {
    const remote = (p: string) => `vscode-remote://127.0.0.1:${this.port}${p}`;
    const items = payload.map(([k, v]) => [k, k.endsWith('Path') ? remote(v) : v]);
    const q = `folder=${encodeURIComponent(folder)}` + (items.length ? `&payload=${encodeURIComponent(JSON.stringify(items))}` : '');
    return `${this.url}/?${q}`;
  }

  private async waitUntilUp(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`code-server exited with ${this.proc.exitCode}; see ${this.logFile}`);
      try {
        const res = await fetch(`${this.url}/healthz`);
        if (res.ok) return;
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`code-server did not answer within ${timeoutMs} ms; see ${this.logFile}`);
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.pid === undefined) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    try { process.kill(-this.proc.pid, 'SIGTERM'); } catch { return; }
    const timer = setTimeout(() => { try { process.kill(-this.proc.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5000);
    await exited;
    clearTimeout(timer);
  }
}

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run 'bash scripts/setup-host.sh' (installs Debian's chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage'],
  });
}

export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  return context.newPage();
}
