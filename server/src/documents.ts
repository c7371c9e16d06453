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

  /** Applies LSP content changes, telling the old tree about each edit. */
  applyChanges(changes: TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if ('range' in change && this.tree) {
        const startIndex = this.doc.offsetAt(change.range.start);
        const oldEndIndex = this.doc.offsetAt(change.range.end);
        const start = this.doc.positionAt(startIndex);
        const oldEnd = this.doc.positionAt(oldEndIndex);
        const lines = change.text.split('\n');
        const newEnd = lines.length === 1
          ? { row: start.line, column: start.character + change.text.length }
          : { row: start.line + lines.length - 1, column: lines[lines.length - 1].length };
        this.tree.edit({
          startIndex, oldEndIndex, newEndIndex: startIndex + change.text.length,
          startPosition: { row: start.line, column: start.character },
          oldEndPosition: { row: oldEnd.line, column: oldEnd.character },
          newEndPosition: newEnd,
        });
      } else {
        this.dropTree();
      }
      this.doc = TextDocument.update(this.doc, [change], version);
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
