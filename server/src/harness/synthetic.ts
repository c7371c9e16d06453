/**
 * A cell or a selection is run as the body of a synthetic task function, in a module that also
 * holds the file's top-level imports, definitions and variables (so the lines can use them) but
 * none of its other top-level statements (which would run the rest of the file). Pure: the
 * orchestrator writes the text to a temp dir; lineMap lets the runner name the user's lines in
 * stacks. In Python the body gets a `global` line for the module-level variables it assigns, as
 * the same lines would set them at module level (`counter += 1` in a cell).
 */
import * as path from 'node:path';
import { familyOf, parse, type Grammar, type Node } from '../core/parser';
import { boundNames, FUNCTION_TYPES, keptRanges, splitLines } from './runnables';

export const TASK_FUNCTION = '_cl_task';

export interface SyntheticModule {
  source: string;
  /** RunnerArgs.lineMap: [moduleLine, fileLine, count], 1-based */
  lineMap: Array<[number, number, number]>;
  function: string;
  async: boolean;
  /** the extension the module file needs (the runner picks a loader by it) */
  extension: string;
}

/**
 * The names Python lines bind in their own scope (assignments, updates, `for` targets), not in
 * functions or classes they define; and those they declare `global` / `nonlocal` themselves.
 */
function pythonAssignments(root: Node): { assigned: Set<string>; declared: Set<string> } {
  const assigned = new Set<string>();
  const declared = new Set<string>();
  const visit = (n: Node) => {
    if (FUNCTION_TYPES.has(n.type)) return;
    if (n.type === 'assignment' || n.type === 'augmented_assignment' || n.type === 'for_statement') {
      for (const name of boundNames(n.childForFieldName('left'))) assigned.add(name);
    }
    if (n.type === 'global_statement' || n.type === 'nonlocal_statement') {
      for (const c of n.namedChildren) if (c?.type === 'identifier') declared.add(c.text);
    }
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(root);
  return { assigned, declared };
}

function indentOf(line: string): number {
  return /^[ \t]*/.exec(line)![0].length;
}

function dedent(lines: string[]): string[] {
  const code = lines.filter((l) => l.trim() !== '');
  const cut = code.length ? Math.min(...code.map(indentOf)) : 0;
  return lines.map((l) => l.slice(Math.min(cut, indentOf(l))));
}

/**
 * Builds the module for 0-based inclusive body lines (for a cell: the lines after its marker).
 */
export function buildSyntheticModule(g: Grammar, file: string, text: string, bodyStart: number, bodyEnd: number): SyntheticModule {
  const lines = splitLines(text);
  const out: string[] = [];
  const lineMap: Array<[number, number, number]> = [];
  const copy = (from: number, to: number, transform: (ls: string[]) => string[] = (ls) => ls) => {
    if (to < from) return;
    lineMap.push([out.length + 1, from + 1, to - from + 1]);
    out.push(...transform(lines.slice(from, to + 1)));
  };
  const keep = keptRanges(g, text).filter((r) => r.endLine < bodyStart || r.startLine > bodyEnd);
  for (const r of keep) copy(r.startLine, r.endLine);
  const bodyText = lines.slice(bodyStart, bodyEnd + 1).join('\n');
  const python = familyOf(g) === 'python';
  const isAsync = python ? /\bawait\b|\basync\s+(for|with)\b/.test(bodyText) : /\bawait\b/.test(bodyText);

  if (python) {
    const body = dedent(lines.slice(bodyStart, bodyEnd + 1));
    const moduleNames = new Set(keep.flatMap((r) => r.binds));
    const { assigned, declared } = pythonAssignments(parse(g, body.join('\n')).rootNode);
    const globals = [...assigned].filter((n) => moduleNames.has(n) && !declared.has(n));
    out.push(`${isAsync ? 'async ' : ''}def ${TASK_FUNCTION}():`);
    if (globals.length) out.push(`    global ${globals.join(', ')}`);
    copy(bodyStart, bodyEnd, (ls) => dedent(ls).map((l) => (l.trim() === '' ? '' : '    ' + l)));
    out.push('    pass  # a body of comments only is still a body');
    return { source: out.join('\n') + '\n', lineMap, function: TASK_FUNCTION, async: isAsync, extension: '.py' };
  }

  const ext = path.extname(file).toLowerCase() || '.js';
  const commonJs = ext === '.cjs' || ext === '.cts' || keep.some((r) => /\brequire\s*\(/.test(lines.slice(r.startLine, r.endLine + 1).join('\n')));
  out.push(`${isAsync ? 'async ' : ''}function ${TASK_FUNCTION}() {`);
  copy(bodyStart, bodyEnd);
  out.push('}');
  out.push(commonJs ? `module.exports.${TASK_FUNCTION} = ${TASK_FUNCTION};` : `export { ${TASK_FUNCTION} };`);
  return { source: out.join('\n') + '\n', lineMap, function: TASK_FUNCTION, async: isAsync, extension: ext };
}
