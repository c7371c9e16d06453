/**
 * The "Open Lesson…" index and the walkthrough that points into it: every lesson has a topic in
 * English and a Chinese line; the walkthrough's 5 steps have their media, and every command link
 * names a contributed command, and every lesson it opens exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeLesson, lessonIndex } from '../../client/src/lesson-index';

const ROOT = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

test('every lesson has a topic and a Chinese line, Python first', () => {
  const lessons = lessonIndex(path.join(ROOT, 'snippets'));
  const files = ['python', 'typescript', 'javascript'].flatMap((d) => fs.readdirSync(path.join(ROOT, 'snippets', d)));
  assert.equal(lessons.length, files.length);
  for (const l of lessons) {
    assert.ok(l.topic.length > 20 && !/[\u4e00-\u9fff]/.test(l.topic), `${l.rel}: topic '${l.topic}'`);
    assert.match(l.zh, /[\u4e00-\u9fff]/, `${l.rel}: no Chinese line`);
  }
  assert.equal(lessons[0].family, 'Python');
  assert.deepEqual([...new Set(lessons.map((l) => l.family))], ['Python', 'TypeScript / JavaScript']);
});

test('a header is read up to its first blank or Chinese line', () => {
  const py = describeLesson('python/x.py', '"""Locks: one\nthread at a time.\n\n锁。\n\nMore."""\nimport threading\n', 'Python');
  assert.deepEqual([py.topic, py.zh], ['Locks: one thread at a time.', '锁。']);
  const ts = describeLesson('typescript/x.ts', '// Workers: threads\n// with messages.\n// 线程。\n//\n// More.\nimport x from "y";\n', 'TypeScript / JavaScript');
  assert.deepEqual([ts.topic, ts.zh], ['Workers: threads with messages.', '线程。']);
  assert.deepEqual(describeLesson('python/y.py', 'import os\n', 'Python'), { rel: 'python/y.py', family: 'Python', topic: '', zh: '' });
});

test('the walkthrough: 5 steps with their media; its links name contributed commands and existing lessons', () => {
  const [tour] = pkg.contributes.walkthroughs;
  assert.equal(tour.steps.length, 5);
  const commands = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
  assert.ok(commands.has('concurrencyLens.openLesson'));
  const lessons = new Set(lessonIndex(path.join(ROOT, 'snippets')).map((l) => l.rel));
  for (const step of tour.steps) {
    assert.ok(fs.existsSync(path.join(ROOT, step.media.markdown)), `${step.id}: ${step.media.markdown}`);
    const links = [...(step.description as string).matchAll(/\(command:([\w.]+)(?:\?([^)]*))?\)/g)];
    assert.ok(links.length > 0, `${step.id} has a button`);
    for (const [, id, query] of links) {
      if (id.startsWith('concurrencyLens.')) assert.ok(commands.has(id), `${step.id}: ${id} is not contributed`);
      if (id === 'concurrencyLens.openLesson' && query) {
        const [rel] = JSON.parse(decodeURIComponent(query)) as string[];
        assert.ok(lessons.has(rel), `${step.id}: no lesson ${rel}`);
      }
      if (id === 'workbench.action.openSettings') {
        const [setting] = JSON.parse(decodeURIComponent(query)) as string[];
        assert.ok(pkg.contributes.configuration.properties[setting], `${step.id}: no setting ${setting}`);
      }
    }
    for (const ev of step.completionEvents as string[]) {
      const onCommand = /^onCommand:(.+)$/.exec(ev);
      if (onCommand) assert.ok(commands.has(onCommand[1]), `${step.id}: ${ev}`);
    }
  }
});
