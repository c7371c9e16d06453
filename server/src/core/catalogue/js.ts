/** The JavaScript/TypeScript catalogue: promises, timers, streams, child processes and Node's blocking calls. */
import type { ApiFacts } from './index';
import { addFacts } from './index';
import { JS_BLOCKING } from './blocking';

const api = new Map<string, ApiFacts>();

addFacts(api, Object.keys(JS_BLOCKING), (name) => ({ blocks: JS_BLOCKING[name] }));

/** Calls that always return a promise. */
addFacts(api, [
  'fetch', 'Promise.all', 'Promise.allSettled', 'Promise.race', 'Promise.any', 'Promise.reject',
  'timers/promises.setTimeout', 'timers/promises.setImmediate', 'timers/promises.scheduler.wait',
  'stream/promises.pipeline', 'stream/promises.finished',
], { awaitable: 'promise' });

const RETURNS: Record<string, string> = {
  'AbortSignal.timeout': 'AbortSignal',
  'child_process.fork': 'child_process.ChildProcess',
  'child_process.spawn': 'child_process.ChildProcess',
  'child_process.exec': 'child_process.ChildProcess',
  'child_process.execFile': 'child_process.ChildProcess',
};
for (const [name, returns] of Object.entries(RETURNS)) addFacts(api, [name], { returns });

export const JS_API: ReadonlyMap<string, ApiFacts> = api;

/** Modules whose every exported function returns a promise. `fs.promises.x` qualifies as `fs/promises.x` (names.ts), so one prefix covers both spellings. */
export const JS_PREFIXES: readonly (readonly [string, ApiFacts])[] = [['fs/promises.', { awaitable: 'promise' }]];
