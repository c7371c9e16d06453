/**
 * The rule table: every rule, registered once. Order is the order findings are computed in;
 * the output is sorted by position anyway.
 */
import type { Rule } from '../rule';
import { blockingCallInAsync } from './blocking-call-in-async';

export const RULES: readonly Rule[] = [
  blockingCallInAsync,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
