/**
 * missing-main-guard: module-level code outside `if __name__ == "__main__":` that starts
 * processes: `Process(...).start()` (also through a variable, a subclass of the file, or
 * `multiprocessing.get_context()`), `Pool(...)`, `Manager()`, `ProcessPoolExecutor(...)`.
 * Under spawn and forkserver every child re-imports the module and runs that code again.
 */
import type { Node } from '../parser';
import type { Rule } from '../rule';
import { code } from '../rule';
import { Workers, pyCall, calleeLabel, lastNames } from './python-helpers';
import doc from '../../../../docs/rules/missing-main-guard.md';

/** Constructors that start worker processes (a pool, a manager's server) as they are made. */
const PROCESS_STARTERS = new Set([
  'multiprocessing.Pool', 'multiprocessing.pool.Pool', 'multiprocessing.context.Pool',
  'multiprocessing.Manager', 'multiprocessing.context.Manager',
  'concurrent.futures.ProcessPoolExecutor',
]);
const STARTER_NAMES = lastNames(PROCESS_STARTERS);

export const missingMainGuard: Rule = {
  id: 'missing-main-guard',
  families: ['python'],
  defaultSeverity: 'warning',
  doc,
  check(ctx) {
    let workers: Workers | undefined;
    if (!ctx.text.includes('multiprocessing') && !ctx.text.includes('ProcessPool')) return;
    for (const site of ctx.index.calls) {
      if (site.fn !== null) continue;
      const call = pyCall(ctx, site);
      let name = call.qualifiedIf(STARTER_NAMES);
      if (!name || !PROCESS_STARTERS.has(name)) {
        if (call.last !== 'start' || !call.receiver) continue;
        workers ??= new Workers(ctx);
        if (workers.kindOf(call.receiver, null) !== 'process') continue;
        name = 'multiprocessing.Process.start';
      }
      if (underMainGuard(site.node)) continue;
      const shown = code(calleeLabel(site.node) + '()');
      ctx.report({
        node: site.node,
        name,
        message: `${shown} starts processes at module level, outside \`if __name__ == "__main__":\`: `
          + 'under the spawn and forkserver start methods (the default on macOS and Windows, and forkserver on Linux from Python 3.14) '
          + 'every child re-imports this module and runs this line again, which fails; move it under the main guard.',
      });
    }
  },
};

const MAIN_TEST = /^(__name__==(['"])__main__\2|(['"])__main__\3==__name__)$/;

/** Is the node in the body of an `if __name__ == "__main__":`? */
function underMainGuard(node: Node): boolean {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (parent.type !== 'if_statement') continue;
    const condition = parent.childForFieldName('condition')?.text.replace(/\s+/g, '');
    if (condition && MAIN_TEST.test(condition) && parent.childForFieldName('consequence')?.id === child.id) return true;
  }
  return false;
}
