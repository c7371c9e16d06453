/**
 * docs/hover.md, the list of primitives the hover knows, generated from the knowledge base.
 * A unit test fails when the committed file differs; `UPDATE_DOCS=1` rewrites it.
 */
import { KB_FILES } from './kb';
import { titleOf } from './hover';

export function coverageMarkdown(): string {
  const total = KB_FILES.reduce((n, f) => n + f.entries.length, 0);
  const out: string[] = [
    '# Hover: covered primitives',
    '',
    '<!-- Generated from server/src/hover/kb/*.json by test/unit/hover-kb.test.ts (UPDATE_DOCS=1 to rewrite). Do not edit by hand. -->',
    '',
    'Hovering one of these names (through any import alias, or a variable whose kind is plain from its assignment) shows',
    'what it runs on, what it blocks, whether it holds the GIL (Python), classic pitfalls, version notes where a claim',
    'holds only for some Python or Node versions or builds, a minimal example, its counterpart in the other language',
    'and a link to the official documentation, in English or Simplified Chinese (`concurrencyLens.hover.language`).',
    'Every example runs in test/unit/examples.test.ts, and the behaviour the hovers describe is probed in',
    'test/unit/probes.test.ts.',
    '',
    `${total} entries.`,
  ];
  for (const family of ['python', 'js'] as const) {
    out.push('', family === 'python' ? '## Python' : '## Node.js / TypeScript');
    for (const file of KB_FILES.filter((f) => f.family === family)) {
      out.push('', `### ${file.topic}`, '');
      for (const entry of file.entries) {
        const also = (entry.names ?? []).length > 0 && (entry.names ?? []).length <= 4 ? ` (also ${(entry.names ?? []).map((n) => '`' + n + '`').join(', ')})` : '';
        out.push(`- [\`${titleOf(entry)}\`](${entry.docs})${also}: ${entry.en.summary}`);
      }
    }
  }
  return out.join('\n') + '\n';
}
