/**
 * Hover resolution fixtures: test/fixtures/hover/*.{py,ts,js}.
 *
 * A marker comment line points at a position on the nearest code line above it (marker
 * lines are skipped) and names the knowledge-base entry the hover must resolve there:
 *     t.start()
 *   #   ^ threading.Thread.start      the caret's column is the cursor's column
 *   # <- python:async def             `<-` puts the cursor at column 0
 *   #   ^ none                        nothing may be resolved there
 * In JS/TS files the marker starts with `//` instead of `#`.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParsers, parse, grammarForPath } from '../../server/src/core/parser';
import { prepare } from '../../server/src/core/engine';
import { resolveAt } from '../../server/src/hover/resolve';
import { hoverAt } from '../../server/src/hover/hover';
import { knowledgeBase } from '../../server/src/hover/kb';

const ROOT = path.resolve(__dirname, '../../../test/fixtures/hover');
const MARKER = /^(\s*)(#|\/\/)(\s*)(\^|<-)\s+(\S+(?: \S+)?)\s*$/;

interface Case { file: string; line: number; character: number; expected: string }

function cases(file: string): Case[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out: Case[] = [];
  let target = -1;
  lines.forEach((line, i) => {
    const m = MARKER.exec(line);
    if (!m) { target = i; return; }
    assert.ok(target >= 0, `${path.basename(file)}:${i + 1}: marker before any code line`);
    const character = m[4] === '<-' ? 0 : line.indexOf('^');
    out.push({ file, line: target, character, expected: m[5] });
  });
  return out;
}

function fixtureFiles(): string[] {
  return fs.readdirSync(ROOT).filter((f) => grammarForPath(f)).map((f) => path.join(ROOT, f));
}

before(async () => { await initParsers(); });

for (const file of fixtureFiles()) {
  test(`hover fixture ${path.basename(file)}`, () => {
    const grammar = grammarForPath(file)!;
    const tree = parse(grammar, fs.readFileSync(file, 'utf8'));
    try {
      const analysis = prepare(grammar, tree);
      const list = cases(file);
      assert.ok(list.length > 0, 'a fixture must have markers');
      const wrong: string[] = [];
      for (const c of list) {
        const hit = resolveAt(grammar, tree, analysis, { line: c.line, character: c.character });
        const actual = hit?.entry.id ?? 'none';
        if (actual !== c.expected) wrong.push(`${c.line + 1}:${c.character}: expected ${c.expected}, got ${actual} (${hit?.qualified ?? '-'})`);
        if (c.expected !== 'none') assert.ok(knowledgeBase().byId.has(c.expected), `fixture names unknown entry ${c.expected}`);
      }
      assert.deepEqual(wrong, []);
    } finally {
      tree.delete();
    }
  });
}

test('hoverAt answers in a few milliseconds on a large file', () => {
  const unit = fs.readFileSync(path.join(ROOT, 'aliases.py'), 'utf8');
  const text = Array.from({ length: 80 }, () => unit).join('\n');
  const tree = parse('python', text);
  try {
    const analysis = prepare('python', tree);
    const lines = text.split('\n');
    const at = lines.findIndex((l, i) => i > lines.length / 2 && l.includes('task.cancel()'));
    const position = { line: at, character: lines[at].indexOf('cancel') + 1 };
    hoverAt('python', tree, analysis, position, 'en');
    const runs = 200;
    const started = performance.now();
    for (let i = 0; i < runs; i++) assert.ok(hoverAt('python', tree, analysis, position, i % 2 ? 'en' : 'zh-cn'));
    const each = (performance.now() - started) / runs;
    assert.ok(each < 3, `a hover took ${each.toFixed(2)} ms on ${lines.length} lines`);
  } finally {
    tree.delete();
  }
});
