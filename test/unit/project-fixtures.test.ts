/**
 * Fixture workspaces for cross-file analysis (issue 8), one per language family under
 * test/fixtures/project/<family>/: classes, interfaces/Protocols/ABCs, base classes, annotations
 * and every import form, spread over modules, with an import cycle and sync methods named like
 * async ones. `check` runs on the whole workspace, as `concurrency-lens check <dir>` does, and
 * each file's findings must match its annotations, as in rule-fixtures.test.ts:
 *     repo.put('a'); // expect: floating-promise
 *     cache.put('a', 'b')  # ok: unawaited-coroutine
 * `expect:` names the findings on its line; every other line must produce none, from any rule.
 * One test per file, so that a failure names the file and its lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { check, collectFiles, type CheckResult } from '../../server/src/check';
import { DEFAULT_ANALYSIS_SETTINGS } from '../../server/src/core/engine';

const ROOT = path.resolve(__dirname, '../../../test/fixtures/project');
const EXPECT = /(?:#|\/\/|\/\*)\s*expect:\s*([a-z0-9, -]+)/;

function ids(s: string): string[] {
  return s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
}

function expectations(text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    const m = EXPECT.exec(line);
    if (m) for (const id of ids(m[1])) out.push(`${i + 1}: ${id}`);
  });
  return out.sort();
}

for (const family of ['ts', 'py']) {
  const dir = path.join(ROOT, family);
  // One check of the whole workspace, shared by its files' tests: cross-file facts need them all.
  let result: Promise<CheckResult> | undefined;
  const checked = () => (result ??= check([dir], DEFAULT_ANALYSIS_SETTINGS));

  test(`project ${family}: the workspace is checked without problems`, async () => {
    const r = await checked();
    assert.deepEqual(r.problems, []);
    assert.ok(r.files >= 10, `only ${r.files} files checked`);
  });

  for (const file of collectFiles([dir]).files) {
    const rel = path.relative(dir, file).split(path.sep).join('/');
    test(`project ${family}: ${rel}`, async () => {
      const r = await checked();
      const actual = r.findings
        .filter((f) => path.resolve(f.file) === path.resolve(file))
        .map((f) => `${f.range.start.line + 1}: ${f.rule}`)
        .sort();
      assert.deepEqual(actual, expectations(fs.readFileSync(file, 'utf8')), `findings of ${family}/${rel} (line: rule)`);
    });
  }
}

test('project fixtures: both families have positive and negative cases of their rule', () => {
  for (const [family, rule] of [['ts', 'floating-promise'], ['py', 'unawaited-coroutine']]) {
    const texts = collectFiles([path.join(ROOT, family)]).files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    assert.ok(texts.includes(`expect: ${rule}`), `${family}: no 'expect: ${rule}'`);
    assert.ok(texts.includes(`ok: ${rule}`), `${family}: no 'ok: ${rule}'`);
  }
});
