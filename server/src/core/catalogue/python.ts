/** The Python catalogue: asyncio, threading, multiprocessing, concurrent.futures, ray, xoscar and the blocking standard library. */
import type { ApiFacts } from './index';
import { addFacts } from './index';
import { PYTHON_BLOCKING } from './blocking';

const api = new Map<string, ApiFacts>();

addFacts(api, Object.keys(PYTHON_BLOCKING), (name) => ({ blocks: PYTHON_BLOCKING[name] }));

addFacts(api, [
  'asyncio.sleep', 'asyncio.wait_for', 'asyncio.wait', 'asyncio.to_thread',
  'asyncio.open_connection', 'asyncio.open_unix_connection', 'asyncio.start_server', 'asyncio.start_unix_server',
  'asyncio.create_subprocess_exec', 'asyncio.create_subprocess_shell',
  'asyncio.AbstractEventLoop.sock_recv', 'asyncio.AbstractEventLoop.sock_sendall',
  'asyncio.AbstractEventLoop.sock_connect', 'asyncio.AbstractEventLoop.sock_accept',
  'asyncio.AbstractEventLoop.create_connection', 'asyncio.AbstractEventLoop.create_server',
  'asyncio.AbstractEventLoop.getaddrinfo',
], { awaitable: 'coroutine' });

/** Coroutine methods of asyncio's synchronisation primitives and queues. */
const PRIMITIVE_METHODS: Record<string, readonly string[]> = {
  Queue: ['put', 'get', 'join'],
  PriorityQueue: ['put', 'get', 'join'],
  LifoQueue: ['put', 'get', 'join'],
  Lock: ['acquire'],
  Event: ['wait'],
  Condition: ['acquire', 'wait', 'wait_for'],
  Semaphore: ['acquire'],
  BoundedSemaphore: ['acquire'],
  Barrier: ['wait', 'reset', 'abort'],
};
for (const [cls, methods] of Object.entries(PRIMITIVE_METHODS)) addFacts(api, methods.map((m) => `asyncio.${cls}.${m}`), { awaitable: 'coroutine' });

/** Awaitables that are futures rather than coroutines: their work is scheduled, but its outcome is dropped. */
addFacts(api, ['asyncio.gather', 'asyncio.shield'], { awaitable: 'future' });

/**
 * xoscar's API is coroutines throughout (checked against the installed package by
 * test/unit/ray-xoscar-rules.test.ts): left unawaited, nothing is created or sent.
 */
addFacts(api, ['create_actor', 'create_actor_pool', 'actor_ref', 'destroy_actor', 'has_actor', 'kill_actor', 'wait_for'].map((f) => `xoscar.${f}`), { awaitable: 'coroutine' });
addFacts(api, ['xoscar.create_actor', 'xoscar.actor_ref'], { awaits: 'xoscar.ActorRef' });

/** Tasks the event loop keeps only a weak reference to (`TaskGroup.create_task` keeps its own). */
addFacts(api, ['asyncio.create_task', 'asyncio.ensure_future', 'asyncio.AbstractEventLoop.create_task'], { task: true });

/** What some factory functions return, so methods on their results resolve. */
const RETURNS: Record<string, string> = {
  'asyncio.get_running_loop': 'asyncio.AbstractEventLoop',
  'asyncio.get_event_loop': 'asyncio.AbstractEventLoop',
  'asyncio.new_event_loop': 'asyncio.AbstractEventLoop',
  'asyncio.create_task': 'asyncio.Task',
  'asyncio.ensure_future': 'asyncio.Task',
  'asyncio.AbstractEventLoop.create_task': 'asyncio.Task',
  'asyncio.TaskGroup.create_task': 'asyncio.Task',
  'concurrent.futures.ThreadPoolExecutor.submit': 'concurrent.futures.Future',
  'concurrent.futures.ProcessPoolExecutor.submit': 'concurrent.futures.Future',
  'multiprocessing.Pool': 'multiprocessing.pool.Pool',
  'multiprocessing.Manager': 'multiprocessing.managers.SyncManager',
  'multiprocessing.get_context': 'multiprocessing.context',
  'multiprocessing.context.Process': 'multiprocessing.Process',
  'multiprocessing.context.Pool': 'multiprocessing.pool.Pool',
  'multiprocessing.context.Queue': 'multiprocessing.Queue',
  'threading.current_thread': 'threading.Thread',
  'ray.remote': 'ray.remote',
  'xoscar.create_actor': 'xoscar.ActorRef',
  'xoscar.actor_ref': 'xoscar.ActorRef',
};
for (const [name, returns] of Object.entries(RETURNS)) addFacts(api, [name], { returns });

export const PYTHON_API: ReadonlyMap<string, ApiFacts> = api;

/**
 * Any method called on an xoscar actor reference, and its `.send(...)`/`.tell(...)`, returns a
 * coroutine (`tell` skips waiting for the result, not the send): a prefix, as the methods are the actor's own.
 */
export const PYTHON_PREFIXES: readonly (readonly [string, ApiFacts])[] = [['xoscar.ActorRef.', { awaitable: 'coroutine' }]];
