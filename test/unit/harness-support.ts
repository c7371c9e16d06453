/**
 * Shared by the harness tests (not a test file itself): running one harness through the
 * orchestrator, and the process table, read from /proc (Linux only), to check that a run
 * leaves nothing behind.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { runSnippet, type RunOptions, type SnippetTarget } from '../../server/src/harness/orchestrator';
import type { HarnessRun, RunProgress, TaskRecord } from '../../server/src/harness/types';

/** The cell of `file` whose marker line reads `${marker} ${title}…`, to the line before the next marker. */
export function cellTitled(file: string, marker: string, title: string): SnippetTarget {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith(`${marker} ${title}`));
  assert.ok(start >= 0, `no cell '${title}' in ${file}`);
  const next = lines.findIndex((l, k) => k > start && l.startsWith(marker));
  return { kind: 'cell', startLine: start, endLine: (next < 0 ? lines.length : next) - 1 };
}

export function fn(name: string): SnippetTarget {
  return { kind: 'function', name };
}

/** One harness, 4 tasks, 20 s timeout unless `extra` says otherwise. */
export async function runOne(file: string, target: SnippetTarget, harness: RunOptions['harness'], extra: Partial<RunOptions> = {}, onProgress?: (p: RunProgress) => void, signal?: AbortSignal): Promise<HarnessRun> {
  const result = await runSnippet({ file, target, harness, tasks: 4, timeoutSeconds: 20, ...extra }, onProgress, signal);
  assert.equal(result.runs.length, 1);
  return result.runs[0];
}

export function duration(t: TaskRecord): number {
  return t.endMs - t.startMs;
}

/** A run for an assertion message, its output cut short. */
export function describe(run: HarnessRun): string {
  return JSON.stringify({ ...run, stdout: run.stdout.slice(0, 500), stderr: run.stderr.slice(0, 2000) }, null, 1);
}

/** The fields after the command name in /proc/<pid>/stat: state, ppid, pgrp, ... */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // the process ended while we looked
  }
}

/** The process group of a live pid. */
export function pgidOf(pid: number): number | undefined {
  const f = statFields(pid);
  return f ? Number(f[2]) : undefined;
}

/** Live (not zombie) processes whose stat fields pass `keep`. */
function liveProcesses(keep: (fields: string[]) => boolean): number[] {
  return fs.readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      const f = statFields(entry);
      return f !== undefined && f[0] !== 'Z' && keep(f);
    })
    .map(Number);
}

/** Processes still in a group, zombies excluded (a container's init may reap them late). */
export function groupMembers(pgid: number): number[] {
  return liveProcesses((f) => Number(f[2]) === pgid);
}

/** The live children of a process. */
export function childrenOf(pid: number): number[] {
  return liveProcesses((f) => Number(f[1]) === pid);
}

/** Polls `probe` until it returns a value other than undefined, or fails at the deadline. */
export async function waitFor<T>(what: string, probe: () => T | undefined, deadlineMs = 10_000): Promise<T> {
  const until = performance.now() + deadlineMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (performance.now() > until) throw new Error(`waited ${deadlineMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `promise`, or a failure naming `what` once `ms` have passed. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`waited ${ms} ms for ${what}`)), ms); });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
