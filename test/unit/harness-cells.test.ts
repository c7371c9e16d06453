/**
 * Cells that use the file's module-level variables, run for real in both languages (the Node
 * runner and the Python one). Fixtures: test/fixtures/harness/{js,python}/variables.*.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { runOne, describe, cellTitled } from './harness-support';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/harness');

for (const [language, file, marker] of [['JS', 'js/variables.mjs', '// %%'], ['Python', 'python/variables.py', '# %%']]) {
  test(`${language}: a cell reads module-level variables, updates one, and sees another cell's`, async () => {
    const abs = path.join(FIXTURES, file);
    const cell = (title: string) => cellTitled(abs, marker, title);
    const reads = await runOne(abs, cell('reads a variable'), 'serial', { tasks: 1 });
    assert.ok(reads.ok, describe(reads));
    assert.equal(reads.stdout, 'helper 20 base 10\n', 'no top-level call ran');
    // One module per process: the serial tasks share it, as the lines would at module level.
    const updates = await runOne(abs, cell('updates'), 'serial', { tasks: 3 });
    assert.ok(updates.ok, describe(updates));
    assert.equal(updates.stdout, 'counter 1\ncounter 2\ncounter 3\n');
    const other = await runOne(abs, cell("reads the other cell's"), 'serial', { tasks: 1 });
    assert.ok(other.ok, describe(other));
    assert.equal(other.stdout, 'set by a cell\n');
  });
}
