/**
 * The rule table: every rule, registered once. Order is the order findings are computed in;
 * the output is sorted by position anyway.
 */
import type { Rule } from '../rule';
import { blockingCallInAsync } from './blocking-call-in-async';
import { blockingHelperInAsync } from './blocking-helper-in-async';
import { busyWait } from './busy-wait';
import { floatingPromise } from './floating-promise';
import { asyncPromiseExecutor } from './async-promise-executor';
import { misusedAsyncCallback } from './misused-async-callback';
import { awaitInLoop } from './await-in-loop';
import { unawaitedCoroutine } from './unawaited-coroutine';
import { danglingTask } from './dangling-task';
import { nestedEventLoop } from './nested-event-loop';
import { missingMainGuard } from './missing-main-guard';
import { startJoinSerialized } from './start-join-serialized';
import { gilBoundThreads } from './gil-bound-threads';
import { rayGetInLoop } from './ray-get-in-loop';
import { rayRemoteCall } from './ray-remote-call';

export const RULES: readonly Rule[] = [
  blockingCallInAsync,
  blockingHelperInAsync,
  busyWait,
  floatingPromise,
  asyncPromiseExecutor,
  misusedAsyncCallback,
  awaitInLoop,
  unawaitedCoroutine,
  danglingTask,
  nestedEventLoop,
  missingMainGuard,
  startJoinSerialized,
  gilBoundThreads,
  rayGetInLoop,
  rayRemoteCall,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
