import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { flatDefaults, normalizeSettings, DEFAULT_SETTINGS } from '../../server/src/settings';

const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));

test('package.json contributes exactly the settings of the schema, with the same defaults', () => {
  const contributed = pkg.contributes.configuration.properties as Record<string, { default: unknown }>;
  const schema = flatDefaults();
  assert.deepEqual(Object.keys(contributed).sort(), Object.keys(schema).sort());
  for (const [key, value] of Object.entries(schema)) assert.deepEqual(contributed[key].default, value, key);
});

test('malformed settings keep the defaults and say what was wrong', () => {
  const { settings, problems } = normalizeSettings({ rules: { 'blocking-call-in-async': 'loud' }, run: { tasks: -3 }, ignore: 'x' });
  assert.deepEqual(settings.rules, {});
  assert.equal(settings.run.tasks, DEFAULT_SETTINGS.run.tasks);
  assert.deepEqual(settings.ignore, []);
  assert.equal(problems.length, 3);
});

test('the manifest activates on the served languages only, and points at the bundles', () => {
  assert.ok(!pkg.activationEvents.includes('*'));
  for (const lang of ['python', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact']) {
    assert.ok(pkg.activationEvents.includes(`onLanguage:${lang}`), lang);
  }
  assert.equal(pkg.main, './dist/extension.js');
  assert.equal(pkg.bin['concurrency-lens'], './dist/cli.js');
  for (const c of pkg.contributes.commands) assert.match(c.command, /^concurrencyLens\./);
});
