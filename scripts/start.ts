/**
 * `npm start`: opens the snippets/ folder in a real VS Code with the extension loaded.
 * Desktop VS Code when `code` is on PATH; otherwise the code-server host that the tests use,
 * printing the address to open. Runs until Ctrl+C.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeServer, HOST_DIR, ROOT } from '../test/vscode/host';

const SNIPPETS = path.join(ROOT, 'snippets');
const VENV_PYTHON = path.join(ROOT, '.venv', 'bin', 'python');

function hasDesktopCode(): boolean {
  if (process.env.CL_START_HOST === 'code-server') return false;
  const r = spawnSync('code', ['--version'], { encoding: 'utf8' });
  return r.status === 0 && !/code-server/.test(r.stdout);
}

async function main(): Promise<void> {
  if (hasDesktopCode()) {
    console.log(`Opening ${SNIPPETS} in VS Code with the extension from ${ROOT}`);
    spawn('code', [`--extensionDevelopmentPath=${ROOT}`, SNIPPETS], { stdio: 'inherit', detached: true }).unref();
    return;
  }
  if (!fs.existsSync(HOST_DIR)) throw new Error('the code-server host is missing: run bash scripts/setup-host.sh');
  const host = await CodeServer.start({
    name: 'start',
    port: Number(process.env.PORT) || undefined,
    settings: {
      'security.workspace.trust.enabled': true,
      // The project's environment (scripts/setup-python.sh) has ray and xoscar: the ray lens and the actor snippets run.
      ...(fs.existsSync(VENV_PYTHON) ? { 'concurrencyLens.pythonPath': VENV_PYTHON } : {}),
    },
  });
  const url = host.workbenchUrl(SNIPPETS, [['extensionDevelopmentPath', ROOT]]);
  console.log('\nConcurrency Lens is running in VS Code (code-server) with the extension loaded.');
  console.log(`Open this address in a browser:\n\n  ${url}\n`);
  console.log(`Log: ${host.logFile}. Press Ctrl+C to stop.`);
  const stop = () => { void host.stop().then(() => process.exit(0)); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  host.proc.once('exit', (code) => { console.log(`code-server exited (${code})`); process.exit(code ?? 1); });
}

main().catch((err) => { console.error(`npm start: ${err instanceof Error ? err.message : String(err)}`); process.exit(1); });
