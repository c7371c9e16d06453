/**
 * The pitfalls lessons (snippets/python/pitfalls.py, snippets/typescript/pitfalls.ts) are the
 * Problems panel as a checklist: each raises exactly the findings its `expect:` comments name
 * (the annotation syntax of rule-fixtures.test.ts), and together with its `ok:` comments covers
 * every rule of its language family, mistake and fixed form.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParsers, grammarForPath, familyOf } from '../../server/src/core/parser';
import { analyzeText } from '../../server/src/core/engine';
import { RULES } from '../../server/src/core/rules';

const SNIPPETS = path.resolve(__dirname, '../../../snippets');
const EXPECT = /(?:#|\/\/)\s*expect:\s*([a-z0-9, -]+)/;
const OK = /(?:#|\/\/)\s*ok:\s*([a-z0-9, -]+)/;

function ids(s: string): string[] {
  return s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
}

/** `line: rule` for each annotation of `re` in the text (1-based lines). */
function annotated(text: string, re: RegExp): string[] {
  return text.split('\n').flatMap((line, i) => {
    const m = re.exec(line);
    return m ? ids(m[1]).map((id) => `${i + 1}: ${id}`) : [];
  });
}

before(async () => { await initParsers(); });

for (const rel of ['python/pitfalls.py', 'typescript/pitfalls.ts']) {
  test(`${rel} raises exactly the findings its comments name`, () => {
    const file = path.join(SNIPPETS, rel);
    const text = fs.readFileSync(file, 'utf8');
    const result = analyzeText(grammarForPath(file)!, text);
    assert.deepEqual(result.failures, [], 'no rule may throw');
    const actual = result.findings.map((f) => `${f.range.start.line + 1}: ${f.rule}`).sort();
    assert.deepEqual(actual, annotated(text, EXPECT).sort(), `findings of ${rel} (line: rule)`);
  });

  test(`${rel} shows every rule of its family, each beside a fixed form`, () => {
    const file = path.join(SNIPPETS, rel);
    const text = fs.readFileSync(file, 'utf8');
    const family = familyOf(grammarForPath(file)!);
    const rulesOf = (re: RegExp) => new Set(annotated(text, re).map((a) => a.split(': ')[1]));
    const mistakes = rulesOf(EXPECT);
    const fixes = rulesOf(OK);
    const missing = RULES.filter((r) => r.families.includes(family)).flatMap((r) => [
      ...(mistakes.has(r.id) ? [] : [`${r.id}: no mistake (expect:)`]),
      ...(fixes.has(r.id) ? [] : [`${r.id}: no fixed form (ok:)`]),
    ]);
    assert.deepEqual(missing, [], `${rel} must cover every ${family} rule`);
  });
}
