/**
 * `concurrency-lens check --format sarif|github` as CI runs them: the built CLI in a child process.
 * The SARIF log is validated against the SARIF 2.1.0 schema vendored in test/fixtures/sarif.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { RULES } from '../../server/src/core/rules';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const SCHEMA = path.resolve(__dirname, '../../../test/fixtures/sarif/sarif-schema-2.1.0.json');

const PY = 'import asyncio\nimport time\n\nasync def f(urls):\n    time.sleep(1)\n    for url in urls:\n        await fetch(url)\n    asyncio.run(f(urls))\n';

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-formats-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function check(dir: string, format: string) {
  return spawnSync(process.execPath, [CLI, 'check', '--format', format, '.'], { cwd: dir, encoding: 'utf8' });
}

interface SarifResult {
  ruleId: string; ruleIndex: number; level: string; message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn: number; endLine: number } } }[];
  partialFingerprints: Record<string, string>;
}

test('--format sarif is valid SARIF 2.1.0 with rule metadata, levels, regions and fingerprints', () => {
  const dir = project({ 'app/a b.py': PY, 'web/x.ts': "import * as fs from 'node:fs';\nexport async function g() {\n  fs.readFileSync('x');\n}\n" });
  const r = check(dir, 'sarif');
  assert.equal(r.status, 1, r.stderr);
  const log = JSON.parse(r.stdout);
  // unicodeRegExp off: the schema's `language` pattern has a stray `]` that only non-unicode regexps accept.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')));
  assert.ok(validate(JSON.parse(r.stdout)), JSON.stringify(validate.errors, null, 2));

  const run = log.runs[0];
  // The schema does reject what is not SARIF: a result with a level SARIF has no word for.
  const wrong = structuredClone(log);
  wrong.runs[0].results[0].level = 'information';
  assert.equal(validate(wrong), false);
  assert.equal(log.version, '2.1.0');
  const rules = run.tool.driver.rules as { id: string; shortDescription: { text: string }; fullDescription: { text: string }; help: { markdown: string }; helpUri: string; defaultConfiguration: { level: string } }[];
  assert.deepEqual(rules.map((x) => x.id), RULES.map((x) => x.id));
  for (const rule of rules) {
    assert.ok(rule.shortDescription.text.length > 10 && rule.fullDescription.text.length >= rule.shortDescription.text.length, rule.id);
    assert.match(rule.help.markdown, /## Bad/);
    assert.match(rule.helpUri, new RegExp(`docs/rules/${rule.id}\\.md$`));
    assert.ok(fs.existsSync(new URL(rule.helpUri)), `${rule.helpUri} is shipped`);
  }
  assert.equal(rules.find((x) => x.id === 'nested-event-loop')!.defaultConfiguration.level, 'error');
  assert.equal(rules.find((x) => x.id === 'await-in-loop')!.defaultConfiguration.level, 'note');

  const results = run.results as SarifResult[];
  const byRule = Object.fromEntries(results.map((x) => [x.ruleId, x]));
  assert.deepEqual(Object.keys(byRule).sort(), ['await-in-loop', 'blocking-call-in-async', 'nested-event-loop']);
  assert.deepEqual([byRule['blocking-call-in-async'].level, byRule['await-in-loop'].level, byRule['nested-event-loop'].level], ['warning', 'note', 'error']);
  const blocking = results.filter((x) => x.ruleId === 'blocking-call-in-async');
  assert.deepEqual(blocking.map((x) => x.locations[0].physicalLocation.artifactLocation.uri).sort(), ['app/a%20b.py', 'web/x.ts']);
  const py = blocking.find((x) => x.locations[0].physicalLocation.artifactLocation.uri === 'app/a%20b.py')!;
  assert.deepEqual(py.locations[0].physicalLocation.region, { startLine: 5, startColumn: 5, endLine: 5, endColumn: 18 });
  assert.equal(rules[py.ruleIndex].id, 'blocking-call-in-async');
  assert.equal(py.locations[0].physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
  assert.ok(!py.message.text.includes('`'), 'the plain message has no markdown');

  // Lines inserted above keep each finding's fingerprint; the fingerprints differ from each other.
  const prints = (log2: { runs: { results: SarifResult[] }[] }) => log2.runs[0].results.map((x) => `${x.ruleId} ${x.partialFingerprints['concurrencyLens/v1']}`).sort();
  const before = prints(log);
  assert.equal(new Set(before).size, before.length);
  fs.writeFileSync(path.join(dir, 'app/a b.py'), '"""A module."""\n\n' + PY);
  const moved = JSON.parse(check(dir, 'sarif').stdout);
  assert.equal(moved.runs[0].results[0].locations[0].physicalLocation.region.startLine, 7);
  assert.deepEqual(prints(moved), before);
});

test('--format github prints one workflow annotation per finding, escaped', () => {
  const dir = project({ 'app/a,b.py': PY });
  const r = check(dir, 'github');
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^::warning file=app\/a%2Cb\.py,line=5,col=5,endLine=5,endColumn=18,title=concurrency-lens blocking-call-in-async::[^`\n]+$/);
  assert.match(lines[1], /^::notice file=app\/a%2Cb\.py,line=7,col=9,.*title=concurrency-lens await-in-loop::/);
  assert.match(lines[2], /^::error file=app\/a%2Cb\.py,line=8,/);
});
