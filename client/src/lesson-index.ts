/**
 * The lessons in snippets/, read for the "Open Lesson…" quick pick: each file's topic (the first
 * paragraph of its header, in English) and its Chinese line. Pure (node:fs only), so a unit test
 * can check every lesson without VS Code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Lesson {
  /** path under snippets/, with forward slashes: `python/cpu_bound.py` */
  rel: string;
  family: 'Python' | 'TypeScript / JavaScript';
  /** the header's first paragraph */
  topic: string;
  /** the header's Chinese line, '' when there is none */
  zh: string;
}

const FOLDERS: Array<[string, Lesson['family']]> = [['python', 'Python'], ['typescript', 'TypeScript / JavaScript'], ['javascript', 'TypeScript / JavaScript']];
const LESSON = /\.(py|ts|mts|mjs|js)$/;
const CJK = /[\u4e00-\u9fff]/;

/** The header's lines: a Python module docstring, or the leading `//` comment block. */
function headerLines(text: string, python: boolean): string[] {
  if (python) {
    const m = /^\s*(?:[rRuU]?)("""|''')([\s\S]*?)\1/.exec(text);
    return m ? m[2].split('\n').map((l) => l.trim()) : [];
  }
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('//')) break;
    lines.push(line.replace(/^\/\/\s?/, '').trim());
  }
  return lines;
}

export function describeLesson(rel: string, text: string, family: Lesson['family']): Lesson {
  const lines = headerLines(text, rel.endsWith('.py'));
  const topic: string[] = [];
  for (const l of lines) {
    if (l === '' || CJK.test(l)) break;
    topic.push(l);
  }
  return { rel, family, topic: topic.join(' '), zh: lines.find((l) => CJK.test(l)) ?? '' };
}

/** Every lesson under `snippets`, Python first, each family in file-name order. */
export function lessonIndex(snippets: string): Lesson[] {
  return FOLDERS.flatMap(([folder, family]) => {
    const dir = path.join(snippets, folder);
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir).filter((f) => LESSON.test(f)).sort()
      .map((f) => describeLesson(`${folder}/${f}`, fs.readFileSync(path.join(dir, f), 'utf8'), family));
  });
}
