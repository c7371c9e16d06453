/**
 * The extension-host test entry: VS Code (code-server here, or @vscode/test-electron) calls
 * run() inside the extension host. Nothing carries the exit status back from a browser-hosted
 * workbench, so the results are also written as JSON to $CL_TEST_RESULTS for the driver.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

interface Outcome { title: string; state: 'passed' | 'failed'; error?: string; ms?: number }

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', timeout: 120_000, color: false });
  for (const f of fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, f));
  const outcomes: Outcome[] = [];
  const resultsFile = process.env.CL_TEST_RESULTS;
  const write = (done: boolean, fatal?: string) => {
    if (!resultsFile) return;
    const passed = outcomes.filter((o) => o.state === 'passed').length;
    const failed = outcomes.filter((o) => o.state === 'failed').length + (fatal ? 1 : 0);
    fs.writeFileSync(resultsFile + '.tmp', JSON.stringify({ done, passed, failed, outcomes, fatal }, null, 2));
    fs.renameSync(resultsFile + '.tmp', resultsFile);
  };
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        write(true);
        if (failures > 0) reject(new Error(`${failures} extension-host tests failed`));
        else resolve();
      });
      runner.on('pass', (t) => { outcomes.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }); console.log(`ok ${t.fullTitle()}`); });
      runner.on('fail', (t, err: Error) => {
        outcomes.push({ title: t.fullTitle(), state: 'failed', error: err?.stack ?? String(err) });
        console.error(`FAILED ${t.fullTitle()}: ${err?.stack ?? err}`);
      });
    } catch (err) {
      write(true, err instanceof Error ? err.stack : String(err));
      reject(err);
    }
  });
}
