/**
 * One API catalogue per language family: what each known library name is, keyed by the qualified
 * name names.ts gives (`asyncio.Queue.get`, `fs/promises.readFile`). The rules, the name tables and
 * the type resolver read it through `catalogue(family)`; the facts live in python.ts and js.ts.
 */
import type { Family } from '../parser';
import type { BlockingCall } from './blocking';
import { PYTHON_API, PYTHON_PREFIXES } from './python';
import { JS_API, JS_PREFIXES } from './js';

export type { BlockingCall };

export interface ApiFacts {
  /** the qualified type a call returns, so methods on its result resolve (`asyncio.get_running_loop` -> `asyncio.AbstractEventLoop`) */
  returns?: string;
  /** what awaiting a call gives (`await xo.create_actor(...)` -> `xoscar.ActorRef`) */
  awaits?: string;
  /**
   * a call's value is to be awaited: a coroutine (Python; left alone, its body never runs), a
   * promise (JS), or a future whose work is scheduled anyway but whose outcome is dropped
   */
  awaitable?: 'coroutine' | 'promise' | 'future';
  /** blocks the calling thread; what to use in async code */
  blocks?: BlockingCall;
  /** makes an asyncio task that the event loop holds only weakly */
  task?: boolean;
}

export class Catalogue {
  constructor(
    private readonly entries: ReadonlyMap<string, ApiFacts>,
    /** facts of every name under a prefix (`fs/promises.`, `xoscar.ActorRef.`) */
    private readonly prefixes: readonly (readonly [string, ApiFacts])[],
  ) {}

  private lastNames: Set<string> | undefined;

  /** Some entry's name ends in `.${last}` (or is it): a cheap test before resolving a receiver's type for it. */
  hasLastName(last: string): boolean {
    if (!this.lastNames) {
      this.lastNames = new Set();
      for (const name of this.entries.keys()) this.lastNames.add(name.slice(name.lastIndexOf('.') + 1));
    }
    return this.lastNames.has(last);
  }

  get(name: string): ApiFacts | undefined {
    const hit = this.entries.get(name);
    if (hit) return hit;
    for (const [prefix, facts] of this.prefixes) if (name.startsWith(prefix) && name.length > prefix.length) return facts;
    return undefined;
  }

  /** A blocking call's entry, the user's extra blocking calls (`concurrencyLens.blockingCalls`) included. */
  blocking(name: string, extra: readonly string[] = []): BlockingCall | undefined {
    return this.get(name)?.blocks ?? (extra.includes(name) ? { instead: 'run it off the event loop' } : undefined);
  }

  /** The exact names whose facts satisfy `test` (rules filter calls by their last segment with these). */
  names(test: (facts: ApiFacts) => boolean): Set<string> {
    const out = new Set<string>();
    for (const [name, facts] of this.entries) if (test(facts)) out.add(name);
    return out;
  }

  /** The prefixes whose facts satisfy `test`. */
  prefixesWhere(test: (facts: ApiFacts) => boolean): string[] {
    return this.prefixes.filter(([, f]) => test(f)).map(([p]) => p);
  }
}

const CATALOGUES: Record<Family, Catalogue> = {
  python: new Catalogue(PYTHON_API, PYTHON_PREFIXES),
  js: new Catalogue(JS_API, JS_PREFIXES),
};

export function catalogue(family: Family): Catalogue {
  return CATALOGUES[family];
}

/** Merges facts into a map of entries (one name may be in several of the source tables below). */
export function addFacts(map: Map<string, ApiFacts>, names: Iterable<string>, facts: ApiFacts | ((name: string) => ApiFacts)): void {
  for (const name of names) map.set(name, { ...map.get(name), ...(typeof facts === 'function' ? facts(name) : facts) });
}
