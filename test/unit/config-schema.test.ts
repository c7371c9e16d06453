/**
 * The JSON Schema of concurrency-lens.json is made from the contributed settings (which
 * settings.test.ts keeps equal to settings.ts): the shipped file must be exactly what the
 * generator makes now, and the editor must validate concurrency-lens.json with it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { configFileSchema } from '../../server/src/config-schema';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../server/src/settings';

const ROOT = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const shipped = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/concurrency-lens.schema.json'), 'utf8'));

test('schemas/concurrency-lens.schema.json is what the settings make (run `npm run schema` after changing them)', () => {
  assert.deepEqual(shipped, configFileSchema(pkg.contributes.configuration.properties));
});

test('package.json wires the schema to concurrency-lens.json, and ships it', () => {
  const entry = pkg.contributes.jsonValidation.find((v: { fileMatch: string }) => v.fileMatch === 'concurrency-lens.json');
  assert.equal(path.resolve(ROOT, entry.url), path.join(ROOT, 'schemas/concurrency-lens.schema.json'));
  assert.match(fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'), /^!schemas\/\*\*$/m);
});

test('the schema accepts every setting the CLI reads, and rejects what normalizeSettings reports', () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(shipped);
  const { overrides, rules, ...rest } = DEFAULT_SETTINGS;
  const good = {
    $schema: './node_modules/concurrency-lens/schemas/concurrency-lens.schema.json',
    ...structuredClone(rest),
    rules: { ...rules, 'await-in-loop': 'off' },
    overrides: [...overrides, { files: ['tests/**'], rules: { 'blocking-call-in-async': 'hint' } }],
  };
  assert.ok(validate(good), JSON.stringify(validate.errors));
  assert.deepEqual(normalizeSettings(good).problems, []);
  for (const bad of [
    { rules: { 'await-in-loop': 'loud' } },
    { run: { tasks: 0 } },
    { overrides: [{ files: 'tests/**', rules: {} }] },
    { hover: { language: 'fr' } },
    { blockingCall: ['typo'] },
  ]) assert.equal(validate(bad), false, JSON.stringify(bad));
});
