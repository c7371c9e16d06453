/**
 * Annotated fixtures, one folder per rule under test/fixtures/rules/<rule-id>/.
 * A comment on a line names the findings expected there:
 *     time.sleep(1)   # expect: blocking-call-in-async
 *     fs.readFileSync(p); // expect: blocking-call-in-async, floating-promise
 * and `ok: <rule-id>` marks a line that must stay silent for that rule (a negative case).
 * Every line without `expect:` must produce no finding from any rule.
 * Each rule needs, for each language family it serves, a positive and a negative case.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParsers, grammarForPath, familyOf } from '../../server/src/core/parser';
import { analyzeText } from '../../server/src/core/engine';
import { RULES } from '../../server/src/core/rules';

const ROOT = path.resolve(__dirname, '../../../test/fixtures/rules');
const EXPECT = /(?:#|\/\/|\/\*)\s*expect:\s*([a-z0-9, -]+)/;
const OK = /(?:#|\/\/|\/\*)\s*ok:\s*([a-z0-9, -]+)/;

function ids(s: string): string[] {
  return s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
}

interface Fixture { rule: string; file: string; rel: string }

function fixtures(): Fixture[] {
  if (!fs.existsSync(ROOT)) return [];
  return fs.readdirSync(ROOT).flatMap((rule) =>
    fs.readdirSync(path.join(ROOT, rule))
      .filter((f) => grammarForPath(f))
      .map((f) => ({ rule, file: path.join(ROOT, rule, f), rel: `${rule}/${f}` })),
  );
}

before(async () => { await initParsers(); });

for (const fx of fixtures()) {
  test(`fixture ${fx.rel}`, () => {
    const text = fs.readFileSync(fx.file, 'utf8');
    const grammar = grammarForPath(fx.file)!;
    const result = analyzeText(grammar, text);
    assert.deepEqual(result.failures, [], 'no rule may throw');
    const expected: string[] = [];
    text.split('\n').forEach((line, i) => {
      const m = EXPECT.exec(line);
      if (m) for (const id of ids(m[1])) expected.push(`${i + 1}: ${id}`);
    });
    const actual = result.findings.map((f) => `${f.range.start.line + 1}: ${f.rule}`);
    assert.deepEqual([...actual].sort(), [...expected].sort(), `findings of ${fx.rel} (line: rule)`);
  });
}

test('every rule has positive and negative fixtures in each of its languages', () => {
  const seen = new Map<string, { pos: boolean; neg: boolean }>();
  for (const fx of fixtures()) {
    const fam = familyOf(grammarForPath(fx.file)!);
    for (const line of fs.readFileSync(fx.file, 'utf8').split('\n')) {
      for (const [re, kind] of [[EXPECT, 'pos'], [OK, 'neg']] as const) {
        const m = re.exec(line);
        if (!m) continue;
        for (const id of ids(m[1])) {
          const key = `${id} ${fam}`;
          const entry = seen.get(key) ?? { pos: false, neg: false };
          entry[kind] = true;
          seen.set(key, entry);
        }
      }
    }
  }
  const missing: string[] = [];
  for (const rule of RULES) {
    for (const fam of rule.families) {
      const e = seen.get(`${rule.id} ${fam}`);
      if (!e?.pos) missing.push(`${rule.id} (${fam}): no 'expect:' case`);
      if (!e?.neg) missing.push(`${rule.id} (${fam}): no 'ok:' case`);
    }
  }
  assert.deepEqual(missing, []);
});

test('every rule has a doc page with the four sections', () => {
  for (const rule of RULES) {
    for (const section of ['## What it reports', '## Why it is a bug', '## Bad', '## Good']) {
      assert.ok(rule.doc.includes(section), `docs/rules/${rule.id}.md lacks "${section}"`);
    }
    assert.ok(rule.doc.startsWith(`# ${rule.id}\n`), `docs/rules/${rule.id}.md starts with its id`);
  }
});
