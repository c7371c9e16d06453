/**
 * Open documents with their syntax trees, kept in step with edits so that tree-sitter
 * re-parses incrementally. Pure: no LSP connection here, only the LSP text types.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { parse, checkNesting, ParseTimeout, BudgetExceeded, type Grammar, type Tree } from './core/parser';
import { prepare, type Analysis, type Place } from './core/engine';

export class OpenDocument {
  private tree: Tree | null = null;
  private treeStale = true;
  private prepared: Analysis | null = null;
  /**
   * Why the current version cannot be analysed (a parse past its deadline, too deep a tree, a
   * query past its budget), so that hovers, lenses and actions on it do not pay that again.
   */
  private failure: { version: number; error: Error } | null = null;

  /** `place`: the file's path and the project index it resolves imports in (none: a project of its own) */
  constructor(public doc: TextDocument, readonly grammar: Grammar, private readonly place?: Omit<Place, 'summary'>) {}

  get uri(): string { return this.doc.uri; }
  /** the path the project index knows this document by */
  get file(): string | undefined { return this.place?.file; }
  get version(): number { return this.doc.version; }
  get text(): string { return this.doc.getText(); }

  /**
   * Applies LSP content changes, telling the old tree about each edit. A range may come
   * end-first (it is ordered here as TextDocument orders it); positions are those of the text
   * tree-sitter parses (lspText), whose rows are LSP lines and whose columns count to the offset.
   */
  applyChanges(changes: TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if (!('range' in change)) {
        this.doc = TextDocument.update(this.doc, [change], version);
        this.dropTree();
        continue;
      }
      // TextDocument.update changes the document in place: read the old text's offsets first.
      const old = this.doc.getText();
      let start = this.doc.offsetAt(change.range.start);
      let oldEnd = this.doc.offsetAt(change.range.end);
      if (oldEnd < start) [start, oldEnd] = [oldEnd, start];
      const newEnd = start + change.text.length;
      // A `\r` just before the edit is a lone one (a `\n` to the tree) or half of a `\r\n`
      // depending on what follows it, which the edit may change: it belongs to the edit.
      const afterCr = old.charCodeAt(start - 1) === 13;
      const treeStart = afterCr ? start - 1 : start;
      const startPosition = treePoint(this.doc, treeStart);
      const oldEndPosition = treePoint(this.doc, oldEnd);
      this.doc = TextDocument.update(this.doc, [change], version);
      // An edit that makes or breaks a `\r\n` across its border (a `\n` typed after a lone `\r`)
      // changes a line break TextDocument's incremental line table does not see: rebuild it.
      if (afterCr || (old.charCodeAt(oldEnd) === 10 && change.text.endsWith('\r'))) {
        this.doc = TextDocument.create(this.doc.uri, this.doc.languageId, version, this.doc.getText());
      }
      this.tree?.edit({
        startIndex: treeStart, oldEndIndex: oldEnd, newEndIndex: newEnd,
        startPosition, oldEndPosition, newEndPosition: treePoint(this.doc, newEnd),
      });
    }
    this.treeStale = true;
    this.prepared = null;
  }

  /** The tree for the current text, re-parsed incrementally when edits came in. */
  currentTree(): Tree {
    if (this.failure?.version === this.version) throw this.failure.error;
    if (this.tree && !this.treeStale) return this.tree;
    return this.remembering(() => {
      const next = parse(this.grammar, this.text, this.tree);
      this.tree?.delete();
      this.tree = next;
      this.treeStale = false;
      checkNesting(next);
      return next;
    });
  }

  /** Index and names for the current tree, built once per version and shared by rules and hovers. */
  analysis(): Analysis {
    const tree = this.currentTree();
    this.prepared ??= this.remembering(() => prepare(this.grammar, tree, this.text, this.place));
    return this.prepared;
  }

  /** Why this version is not analysed, once known: a reason for the user, or undefined. */
  get skipped(): string | undefined {
    return this.failure?.version === this.version ? this.failure.error.message : undefined;
  }

  private remembering<T>(step: () => T): T {
    try {
      return step();
    } catch (err) {
      if (err instanceof ParseTimeout || err instanceof BudgetExceeded) this.failure = { version: this.version, error: err };
      throw err;
    }
  }

  private dropTree(): void {
    this.tree?.delete();
    this.tree = null;
    this.prepared = null;
  }

  dispose(): void {
    this.dropTree();
  }
}

/** The tree-sitter point of an offset: its LSP line, and the offset's distance from that line's start. */
function treePoint(doc: TextDocument, offset: number): { row: number; column: number } {
  // positionAt puts an offset between `\r` and `\n` before the `\r`; tree-sitter sees one more column.
  const line = doc.positionAt(offset).line;
  return { row: line, column: offset - doc.offsetAt({ line, character: 0 }) };
}
