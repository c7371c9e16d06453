/**
 * blocking-helper-in-async: a call, in async context, of a sync function of the same file that
 * (through any depth of sync calls) makes a blocking call. The direct blocking call itself is
 * blocking-call-in-async's; this rule reports the call of the helper, naming the chain.
 */
import type { Node } from '../parser';
import type { FnInfo, Site } from '../fileindex';
import { inAsync } from '../fileindex';
import type { Rule, RuleContext } from '../rule';
import { code } from '../rule';
import { catalogue, type Catalogue } from '../catalogue';
import { calledFunction, runsWhenCalled } from './lib/functions';
import doc from '../../../../docs/rules/blocking-helper-in-async.md';

/** One link of a chain: a call node and what it calls (a helper's name, or the blocking call's qualified name). */
interface Link {
  call: Node;
  label: string;
}

interface Blocking {
  chain: Link[];
  /** qualified name of the blocking call at the end of the chain */
  name: string;
  instead: string;
}

/** For each sync function of the file, the first chain of sync calls it makes that ends in a blocking call. */
class Chains {
  private memo = new Map<FnInfo, Blocking | null>();
  private callsIn = new Map<FnInfo, Site[]>();
  private api: Catalogue;

  constructor(private ctx: RuleContext) {
    this.api = catalogue(ctx.family);
    for (const site of ctx.index.calls) {
      if (!site.fn || site.fn.isAsync || site.node.type === 'new_expression') continue;
      const list = this.callsIn.get(site.fn) ?? [];
      list.push(site);
      this.callsIn.set(site.fn, list);
    }
  }

  /** Functions visited by the current query, and whether a visit met one of them again (a cycle). */
  private seen = new Set<FnInfo>();
  private cycle = false;

  of(fn: FnInfo): Blocking | null {
    this.seen.clear();
    this.cycle = false;
    return this.visit(fn);
  }

  private visit(fn: FnInfo): Blocking | null {
    const known = this.memo.get(fn);
    if (known !== undefined) return known;
    if (this.seen.has(fn)) {
      this.cycle = true;
      return null;
    }
    this.seen.add(fn);
    const outer = this.cycle;
    this.cycle = false;
    const result = fn.isAsync || !runsWhenCalled(fn) ? null : this.compute(fn);
    // A "no" reached through a cycle holds only for this query: a later one may enter the cycle elsewhere.
    if (result || !this.cycle) this.memo.set(fn, result);
    this.cycle ||= outer;
    return result;
  }

  private compute(fn: FnInfo): Blocking | null {
    const calls = this.callsIn.get(fn) ?? [];
    const { settings } = this.ctx;
    for (const site of calls) {
      const name = this.ctx.callee(site.node, fn);
      if (!name || settings.ignore.includes(name)) continue;
      const entry = this.api.blocking(name, settings.blockingCalls);
      if (entry) return { chain: [{ call: site.node, label: `${name}()` }], name, instead: entry.instead };
    }
    for (const site of calls) {
      const helper = calledFunction(site.node, fn, this.ctx.names);
      const inner = helper ? this.visit(helper) : null;
      if (helper && inner) return { ...inner, chain: [{ call: site.node, label: `${helper.name}()` }, ...inner.chain] };
    }
    return null;
  }
}

/**
 * A helper declared elsewhere (an import, a method reached through declared types) whose sync body
 * calls, through any depth of sync calls across modules, a blocking call.
 */
function reportAcrossFiles(ctx: RuleContext, site: Site): void {
  if (site.node.type === 'new_expression' || !ctx.types.mayBe(site.node, 'caller')) return;
  const target = ctx.types.target(site.node, site.fn);
  if (!target || target.fact.async || target.fact.generator || !target.fact.calls || target.file === ctx.types.file && !target.owner) return;
  const api = catalogue(ctx.family);
  const { settings } = ctx;
  const chain = ctx.types.blockingChain(target, (name) => (settings.ignore.includes(name) ? undefined : api.blocking(name, settings.blockingCalls)));
  if (!chain) return;
  const path = [`${target.label}()`, ...chain.links.map((l) => l.label)].join(' → ');
  const last = chain.links[chain.links.length - 1];
  const what = ctx.family === 'python' ? 'the event loop' : "Node's event loop";
  const here = last.file === ctx.types.file;
  const base = last.file.slice(Math.max(last.file.lastIndexOf('/'), last.file.lastIndexOf('\\')) + 1);
  ctx.report({
    node: site.node,
    name: chain.name,
    message: `${code(target.label + '()')} is a sync ${target.owner ? 'method' : 'function'} that blocks ${what} inside ${code(ctx.describe(site.fn!))}: `
      + `${code(path)} (${here ? `line ${last.line + 1}` : `${base}:${last.line + 1}`}). Every other task waits while it runs; `
      + (ctx.family === 'python' ? `call it with ${code(`await asyncio.to_thread(${target.label.split('.').pop()}, …)`)}, or ` : '')
      + `make it async (for ${code(chain.name + '()')}: ${chain.instead}).`,
    related: [{
      range: { start: { line: last.line, character: 0 }, end: { line: last.line, character: 0 } },
      message: `${code(chain.name + '()')} blocks here`,
      ...(here ? {} : { file: last.file }),
    }],
  });
}

export const blockingHelperInAsync: Rule = {
  id: 'blocking-helper-in-async',
  families: ['python', 'js'],
  defaultSeverity: 'warning',
  doc,
  check(ctx) {
    let chains: Chains | undefined;
    for (const site of ctx.index.calls) {
      if (!inAsync(site)) continue;
      const helper = calledFunction(site.node, site.fn, ctx.names);
      if (!helper) {
        reportAcrossFiles(ctx, site);
        continue;
      }
      if (helper.isAsync) continue;
      chains ??= new Chains(ctx);
      const blocking = chains.of(helper);
      if (!blocking) continue;
      const path = [`${helper.name}()`, ...blocking.chain.map((l) => l.label)].join(' → ');
      const last = blocking.chain[blocking.chain.length - 1].call;
      const what = ctx.family === 'python' ? 'the event loop' : "Node's event loop";
      ctx.report({
        node: site.node,
        name: blocking.name,
        message: `${code(helper.name + '()')} is a sync function that blocks ${what} inside ${code(ctx.describe(site.fn!))}: `
          + `${code(path)}. Every other task waits while it runs; `
          + (ctx.family === 'python' ? `call it with ${code(`await asyncio.to_thread(${helper.name}, …)`)}, or ` : '')
          + `make it async (for ${code(blocking.name + '()')}: ${blocking.instead}).`,
        related: [{ range: ctx.range(last), message: `${code(blocking.name + '()')} blocks here` }],
      });
    }
  },
};
