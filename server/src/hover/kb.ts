/**
 * The hover knowledge base: one entry per concurrency primitive, kept as JSON under kb/,
 * one file per module or topic. This module loads the files, checks nothing (the unit tests
 * do) and builds the lookup tables the resolver uses.
 *
 * An entry is found by the qualified name `Names.qualify` gives (`asyncio.sleep`,
 * `worker_threads.Worker.postMessage`); `names` lists other qualified spellings of the same
 * primitive, `method` lets a call on a receiver of unknown kind (`p.then`, `f.remote()`)
 * still find it, optionally only when the file imports `ifImports`.
 */
import type { Family } from '../core/parser';
import threading from './kb/threading.json';
import multiprocessing from './kb/multiprocessing.json';
import futures from './kb/concurrent.futures.json';
import subprocess from './kb/subprocess.json';
import asyncio from './kb/asyncio.json';
import pySyntax from './kb/python-syntax.json';
import ray from './kb/ray.json';
import xoscar from './kb/xoscar.json';
import promise from './kb/promise.json';
import jsSyntax from './kb/js-syntax.json';
import timers from './kb/timers.json';
import workerThreads from './kb/worker_threads.json';
import childProcess from './kb/child_process.json';
import nodeMisc from './kb/node-misc.json';

export type HoverLanguage = 'en' | 'zh-cn';
export const HOVER_LANGUAGES: readonly HoverLanguage[] = ['en', 'zh-cn'];

/** What the hover says, in one language. */
export interface EntryText {
  summary: string;
  /** which thread, process or event loop runs it */
  runsOn: string;
  /** what waits while it runs: the calling thread, the event loop, nothing */
  blocks: string;
  /** Python only: whether the GIL is held or released */
  gil?: string;
  pitfalls: string[];
  /**
   * statements that hold only from (or until) some Python or Node version, or only on some builds
   * (free-threaded Python): kept apart so the hover never states them as universal
   */
  versions?: string[];
}

export interface KbEntry {
  /** the canonical qualified name, or `python:<keyword>` / `js:<keyword>` for syntax */
  id: string;
  /**
   * function: a callable; type: a class or object whose methods without their own entry
   * fall back to it; value: a property or constant (`Thread.daemon`, `isMainThread`); keyword: syntax.
   */
  kind: 'function' | 'type' | 'value' | 'keyword';
  /** shown instead of the id, for keywords */
  title?: string;
  /** other qualified names that mean this primitive */
  names?: string[];
  /** a method name that finds this entry when the receiver's kind is unknown */
  method?: string;
  /** with `method`: only in files that import this module */
  ifImports?: string;
  /** minimal example, one string per line */
  example: string[];
  /** id of the nearest primitive in the other language family, or null when there is none */
  counterpart: string | null;
  /** official documentation */
  docs: string;
  en: EntryText;
  'zh-cn': EntryText;
}

export interface KbFile {
  family: Family;
  /** the module the file covers, for docs/hover.md */
  topic: string;
  entries: KbEntry[];
}

export const KB_FILES: readonly KbFile[] = [
  threading, multiprocessing, futures, subprocess, asyncio, pySyntax, ray, xoscar,
  promise, jsSyntax, timers, workerThreads, childProcess, nodeMisc,
] as KbFile[];

export interface Kb {
  byId: Map<string, { entry: KbEntry; family: Family }>;
  /** qualified name -> entry, per family */
  byName: Record<Family, Map<string, KbEntry>>;
  /** method name -> entries that a call of that method on an unknown receiver may mean */
  byMethod: Record<Family, Map<string, KbEntry[]>>;
}

let kb: Kb | undefined;

export function knowledgeBase(): Kb {
  if (kb) return kb;
  const built: Kb = {
    byId: new Map(),
    byName: { python: new Map(), js: new Map() },
    byMethod: { python: new Map(), js: new Map() },
  };
  for (const file of KB_FILES) {
    for (const entry of file.entries) {
      built.byId.set(entry.id, { entry, family: file.family });
      for (const name of [entry.id, ...(entry.names ?? [])]) built.byName[file.family].set(name, entry);
      if (entry.method) {
        const list = built.byMethod[file.family].get(entry.method) ?? [];
        list.push(entry);
        built.byMethod[file.family].set(entry.method, list);
      }
    }
  }
  kb = built;
  return built;
}

export function familyOfEntry(id: string): Family | undefined {
  return knowledgeBase().byId.get(id)?.family;
}
