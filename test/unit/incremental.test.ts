/** Incremental re-parsing after LSP edits gives the same tree as parsing the new text afresh. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { initParsers, parse, type Grammar } from '../../server/src/core/parser';
import { OpenDocument } from '../../server/src/documents';
import { pythonModule, tsModule } from '../../bench/corpus';

before(async () => { await initParsers(); });

const SOURCES: [Grammar, string, string][] = [
  ['python', 'python', pythonModule(3, 12)],
  ['typescript', 'typescript', tsModule(3, 12)],
  ['tsx', 'typescriptreact', "export function V() {\n  return <div>{'é'}</div>;\n}\n// 𝄞 astral\n"],
];

/**
 * Edits are line insertions of comments (valid anywhere, with astral and accented characters
 * that count differently in UTF-16 and UTF-8), deletions of lines, and random text (line
 * breaks of every kind LSP knows among it, ranges sometimes written end-first). Tree-sitter
 * does not promise the same error recovery incrementally as from scratch, so the trees are
 * compared whenever the new text parses without errors.
 */
test('edits: the incrementally re-parsed tree equals a fresh parse', () => {
  let compared = 0;
  for (const [grammar, languageId, source] of SOURCES) {
    const comment = grammar === 'python' ? '# é 𝄞 edit\n' : '// é 𝄞 edit\n';
    const edit = fc.oneof(
      fc.tuple(fc.constant('insert-line' as const), fc.nat(), fc.constant(0), fc.constant(comment)),
      fc.tuple(fc.constant('delete-line' as const), fc.nat(), fc.constant(0), fc.constant('')),
      fc.tuple(fc.constant('random' as const), fc.nat(), fc.nat(20), fc.constantFrom('', 'x', '\n', '\r', '\r\n', '(', '}', 'é', '𝄞', '  ')),
    );
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
      const doc = new OpenDocument(TextDocument.create('file:///t', languageId, 1, source), grammar);
      doc.currentTree();
      let version = 1;
      for (const [kind, at, len, text] of edits) {
        const lines = doc.doc.lineCount;
        let range;
        if (kind === 'random') {
          const current = doc.text;
          const start = at % (current.length + 1);
          range = { start: doc.doc.positionAt(start), end: doc.doc.positionAt(Math.min(current.length, start + len)) };
          // Clients may write a range end-first; an odd length says so here.
          if (len % 2 === 1) range = { start: range.end, end: range.start };
        } else {
          const line = at % lines;
          range = { start: { line, character: 0 }, end: { line: kind === 'delete-line' ? line + 1 : line, character: 0 } };
        }
        doc.applyChanges([{ range, text }], ++version);
        doc.currentTree();
      }
      const fresh = parse(grammar, doc.text);
      try {
        if (!fresh.rootNode.hasError) {
          compared++;
          assert.equal(doc.currentTree().rootNode.toString(), fresh.rootNode.toString());
        }
      } finally {
        fresh.delete();
        doc.dispose();
      }
    }), { numRuns: 200 });
  }
  assert.ok(compared > 100, `only ${compared} edited texts were error-free: the generator needs more valid edits`);
});
