/**
 * npm run test:electron: the same extension-host suite as test/vscode/driver.ts, under desktop
 * VS Code downloaded by @vscode/test-electron (for machines with general internet access; this
 * project's own CI uses code-server instead, which installs from the npm registry).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

const ROOT = path.resolve(__dirname, '../..');

async function main(): Promise<void> {
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-electron-'));
  await runTests({
    version: process.env.VSCODE_VERSION ?? '1.100.3',
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(ROOT, 'out', 'test', 'vscode', 'suite', 'index.js'),
    launchArgs: [path.join(ROOT, 'test', 'fixtures', 'workspace'), '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${userData}`],
  });
}

main().catch((err) => {
  console.error(`test:electron failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
