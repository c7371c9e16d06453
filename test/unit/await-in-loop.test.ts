/**
 * await-in-loop's exclusions, each on its own: with one turned off, the loops in the fixtures
 * that only it silenced are reported again, so no exclusion is dead code hiding behind another.
 */
import { test, before, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParsers, grammarForPath } from '../../server/src/core/parser';
import { analyzeText } from '../../server/src/core/engine';
import { EXCLUSIONS, awaitInLoopOptions } from '../../server/src/core/rules/await-in-loop';

const DIR = path.resolve(__dirname, '../../../test/fixtures/rules/await-in-loop');

function lines(file: string): number[] {
  const text = fs.readFileSync(path.join(DIR, file), 'utf8');
  return analyzeText(grammarForPath(file)!, text).findings.filter((f) => f.rule === 'await-in-loop').map((f) => f.range.start.line + 1);
}

before(async () => { await initParsers(); });
afterEach(() => { awaitInLoopOptions.disabled = new Set(); });

for (const file of ['exclusions.py', 'exclusions.ts']) {
  test(`${file}: each exclusion alone silences loops the others report`, () => {
    const base = lines(file);
    const text = fs.readFileSync(path.join(DIR, file), 'utf8').split('\n');
    for (const e of EXCLUSIONS) {
      awaitInLoopOptions.disabled = new Set([e]);
      const added = lines(file).filter((l) => !base.includes(l));
      assert.ok(added.length > 0, `turning off ${e} reports nothing more in ${file}`);
      // Only loops marked `ok:` come back: an exclusion never hides a line meant to be reported.
      for (const l of added) assert.match(text[l - 1], /ok: await-in-loop/, `${file}:${l} reported with ${e} off`);
    }
  });
}

test('the message names the per-item value and why the iterations look independent', () => {
  const text = 'async def f(urls):\n    for url in urls:\n        await fetch(url)\n';
  const [finding] = analyzeText('python', text).findings;
  assert.equal(finding.rule, 'await-in-loop');
  assert.match(finding.message, /its own `url`/);
  assert.match(finding.message, /nothing in the loop reads what an earlier iteration produced/);
  assert.match(finding.message, /asyncio\.gather/);
});
