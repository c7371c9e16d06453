/**
 * Recall of `floating-promise` and `unawaited-coroutine` on generated multi-file code bases.
 *
 * generateRecallWorkspaces() writes one TS/JS workspace and one Python workspace (seeded, so every
 * run sees the same code): features in several folders with repositories, services and
 * controllers, base classes, interfaces/Protocols/ABCs, annotations, builders, barrels, a tsconfig
 * with `paths`/`baseUrl`, a workspace package, a Python `src/` layout, an import cycle, and sync
 * methods that share names with async ones. Every `await <call>` expression statement is a
 * mutation site, tagged with the resolution form it exercises; removing its `await` must give the
 * family's finding on that line. benchRecall() checks the unmutated copy (findings of the two
 * rules there are "extra") and a copy with every site mutated at once (an expression-statement
 * `await` declares nothing, so the mutations cannot interact), then prints recall per family and
 * the misses per form.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { check } from '../server/src/check';
import { DEFAULT_ANALYSIS_SETTINGS } from '../server/src/core/engine';

export type Family = 'ts' | 'py';

export interface Site {
  /** path relative to the workspace root, with `/` */
  file: string;
  /** 1-based */
  line: number;
  /** the resolution form the call needs (how its callee is reached) */
  form: string;
}

export interface RecallWorkspace {
  family: Family;
  rule: 'floating-promise' | 'unawaited-coroutine';
  files: Map<string, string>;
  sites: Site[];
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A file under construction: lines, and the mutation sites among them. */
class Src {
  readonly lines: string[] = [];
  constructor(readonly rel: string, private readonly sites: Site[], private readonly family: Family) {}

  add(...lines: string[]): this {
    for (const l of lines) this.lines.push(...l.split('\n'));
    return this;
  }

  /** `await <call>` as a whole statement, tagged with the form its callee needs. */
  site(form: string, indent: string, call: string): this {
    this.sites.push({ file: this.rel, line: this.lines.length + 1, form });
    this.lines.push(`${indent}await ${call}${this.family === 'ts' ? ';' : ''}`);
    return this;
  }
}

class Builder {
  readonly files = new Map<string, Src | string>();
  readonly sites: Site[] = [];
  constructor(readonly family: Family) {}
  src(rel: string): Src {
    const s = new Src(rel, this.sites, this.family);
    this.files.set(rel, s);
    return s;
  }
  raw(rel: string, text: string): void {
    this.files.set(rel, text);
  }
  done(rule: RecallWorkspace['rule']): RecallWorkspace {
    const files = new Map<string, string>();
    for (const [rel, f] of this.files) files.set(rel, typeof f === 'string' ? f : f.lines.join('\n') + '\n');
    const ws: RecallWorkspace = { family: this.family, rule, files, sites: this.sites };
    assertAllSitesTagged(ws);
    return ws;
  }
}

/** Every `await <call>` statement the generator wrote must be a tagged site: the recall counts them all. */
function assertAllSitesTagged(ws: RecallWorkspace): void {
  const tagged = new Set(ws.sites.map((s) => `${s.file}:${s.line}`));
  for (const [rel, text] of ws.files) {
    text.split('\n').forEach((line, i) => {
      if (/^\s*await\s/.test(line) && !tagged.has(`${rel}:${i + 1}`)) throw new Error(`untagged await statement ${rel}:${i + 1}: ${line}`);
    });
  }
}

const DOMAINS = ['user', 'order', 'invoice', 'cart', 'payment', 'shipment', 'review', 'product', 'session', 'ticket', 'coupon', 'report'];

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

// ---------------------------------------------------------------------------------------------
// TypeScript / JavaScript

function tsCore(b: Builder): void {
  b.raw('package.json', JSON.stringify({ name: 'bench-shop', private: true, type: 'module', workspaces: ['packages/*'] }, null, 2) + '\n');
  b.raw('tsconfig.json', JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, allowJs: true,
      baseUrl: 'src', paths: { '@core/*': ['core/*'], '@shared/*': ['shared/*'] },
    },
    include: ['src', 'scripts', 'packages'],
  }, null, 2) + '\n');
  b.raw('packages/util/package.json', JSON.stringify({ name: '@bench/util', version: '1.0.0', type: 'module', main: 'src/index.ts', types: 'src/index.ts' }, null, 2) + '\n');
  b.src('packages/util/src/index.ts').add(
    "export * from './retry';",
    "export { Backoff } from './backoff';",
  );
  b.src('packages/util/src/retry.ts').add(
    "import { setTimeout as sleep } from 'node:timers/promises';",
    '',
    'export async function retry<T>(fn: () => Promise<T>, times = 3): Promise<T> {',
    '  let last: unknown;',
    '  for (let i = 0; i < times; i++) {',
    '    try {',
    '      return await fn();',
    '    } catch (err) {',
    '      last = err;',
    '    }',
    '  }',
    '  throw last;',
    '}',
    '',
    'export async function pauseFor(ms: number): Promise<void> {',
  ).site('library', '  ', 'sleep(ms)').add('}');
  b.src('packages/util/src/backoff.ts').add(
    "import { pauseFor } from './retry';",
    '',
    'export class Backoff {',
    '  private attempt = 0;',
    '  async wait(): Promise<void> {',
    '    this.attempt++;',
  ).site('import-relative', '    ', 'pauseFor(2 ** this.attempt)').add(
    '  }',
    '  reset(): void {',
    '    this.attempt = 0;',
    '  }',
    '}',
  );

  b.src('src/core/db.ts').add(
    "import { writeFile } from 'node:fs/promises';",
    '',
    'export interface Row {',
    '  id: string;',
    '  [column: string]: unknown;',
    '}',
    '',
    'export class Db {',
    '  private rows = new Map<string, Row>();',
    '  constructor(readonly url: string) {}',
    '',
    '  async exec(sql: string, ...args: unknown[]): Promise<number> {',
    '    if (sql.startsWith(\'DELETE\')) this.rows.clear();',
    '    return this.rows.size + args.length;',
    '  }',
    '',
    '  async query(sql: string): Promise<Row[]> {',
    '    return [...this.rows.values()].filter((r) => sql.includes(r.id));',
    '  }',
    '',
    '  flush(): Promise<void> {',
    '    return writeFile(this.url, JSON.stringify([...this.rows.values()]));',
    '  }',
    '',
    '  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {',
  ).site('this-method', '    ', "this.exec('BEGIN')").add(
    '    const out = await fn(this);',
  ).site('this-method', '    ', "this.exec('COMMIT')").add(
    '    return out;',
    '  }',
    '',
    '  async backup(file: string): Promise<void> {',
  ).site('library', '    ', 'writeFile(file, JSON.stringify([...this.rows.values()]))').add(
  ).site('this-method-promise-returning', '    ', 'this.flush()').add(
    '  }',
    '',
    '  close(): void {',
    '    this.rows.clear();',
    '  }',
    '}',
  );
  b.src('src/core/clock.ts').add(
    "import { setTimeout as sleep } from 'node:timers/promises';",
    '',
    'export async function tick(ms = 1): Promise<void> {',
  ).site('library', '  ', 'sleep(ms)').add(
    '}',
    '',
    'export function now(): number {',
    '  return Date.now();',
    '}',
    '',
    'export const pause = async (ms: number): Promise<void> => {',
  ).site('module-fn-local', '  ', 'tick(ms)').add('};');
  b.src('src/core/store.ts').add(
    'export interface Store<T> {',
    '  put(item: T): Promise<void>;',
    '  get(id: string): Promise<T | undefined>;',
    '  size(): number;',
    '}',
    '',
    'export interface Closeable {',
    '  close(): Promise<void>;',
    '}',
  );
  b.src('src/core/base-repo.ts').add(
    "import { Db } from './db';",
    "import type { Store } from './store';",
    '',
    'export abstract class BaseRepo<T extends { id: string }> implements Store<T> {',
    '  protected items = new Map<string, T>();',
    '  constructor(protected readonly db: Db) {}',
    '',
    '  async put(item: T): Promise<void> {',
    '    this.items.set(item.id, item);',
  ).site('param-property', '    ', "this.db.exec('UPSERT', item.id)").add(
    '  }',
    '',
    '  async get(id: string): Promise<T | undefined> {',
    '    return this.items.get(id);',
    '  }',
    '',
    '  async save(item: T): Promise<void> {',
  ).site('this-method', '    ', 'this.put(item)').add(
    '  }',
    '',
    '  async flushAll(): Promise<void> {',
  ).site('param-property', '    ', 'this.db.flush()').add(
    '  }',
    '',
    '  size(): number {',
    '    return this.items.size;',
    '  }',
    '}',
  );
  // The cycle: events imports registry, registry imports events.
  b.src('src/core/events.ts').add(
    "import { notifyAll } from './registry';",
    '',
    'export class EventBus {',
    '  private topics: string[] = [];',
    '  async publish(topic: string, payload?: unknown): Promise<void> {',
    '    this.topics.push(topic + JSON.stringify(payload ?? null));',
  ).site('cycle', '    ', 'notifyAll(topic)').add(
    '  }',
    '  emit(topic: string): void {',
    '    this.topics.push(topic);',
    '  }',
    '}',
    '',
    'export async function broadcast(bus: EventBus, topic: string): Promise<void> {',
  ).site('param-annotation', '  ', 'bus.publish(topic)').add('}');
  b.src('src/core/registry.ts').add(
    "import { EventBus, broadcast } from './events';",
    '',
    'const buses: EventBus[] = [];',
    '',
    'export function register(bus: EventBus): void {',
    '  buses.push(bus);',
    '}',
    '',
    'export async function notifyAll(topic: string): Promise<void> {',
    '  for (const bus of buses) bus.emit(topic);',
    '}',
    '',
    'export async function announce(topic: string): Promise<void> {',
    '  for (const bus of buses) {',
  ).site('cycle', '    ', 'broadcast(bus, topic)').add(
    '  }',
    '}',
  );
  b.src('src/core/query.ts').add(
    "import { Db, type Row } from './db';",
    '',
    'export class Query {',
    '  private clauses: string[] = [];',
    '  private max = 100;',
    '  constructor(private readonly db: Db, private readonly table: string) {}',
    '',
    '  where(clause: string): Query {',
    '    this.clauses.push(clause);',
    '    return this;',
    '  }',
    '',
    '  limit(n: number): Query {',
    '    this.max = n;',
    '    return this;',
    '  }',
    '',
    '  orderBy(column: string): this {',
    '    this.clauses.push(`ORDER BY ${column}`);',
    '    return this;',
    '  }',
    '',
    '  async run(): Promise<Row[]> {',
    '    const rows = await this.db.query(`SELECT * FROM ${this.table} ${this.clauses.join(\' \')}`);',
    '    return rows.slice(0, this.max);',
    '  }',
    '',
    '  async explain(): Promise<void> {',
  ).site('param-property', '    ', "this.db.exec('EXPLAIN', this.table)").add(
    '  }',
    '}',
  );
  // Sync methods named like the async ones elsewhere: calls of these must stay silent.
  b.src('src/core/cache.ts').add(
    'export class LocalCache<T extends { id: string }> {',
    '  private entries = new Map<string, T>();',
    '  load(id: string): T | undefined {',
    '    return this.entries.get(id);',
    '  }',
    '  save(item: T): void {',
    '    this.entries.set(item.id, item);',
    '  }',
    '  flush(): void {',
    '    this.entries.clear();',
    '  }',
    '  refresh(): number {',
    '    return this.entries.size;',
    '  }',
    '}',
    '',
    'export function warm(): void {',
    '  // nothing to load ahead in memory',
    '}',
  );
  b.src('src/core/audit.ts').add(
    "import { appendFile } from 'node:fs/promises';",
    '',
    'export class AuditLog {',
    '  private lines: string[] = [];',
    '  constructor(private readonly file: string) {}',
    '  async record(event: string): Promise<void> {',
    '    this.lines.push(event);',
  ).site('library', '    ', "appendFile(this.file, event + '\\n')").add(
    '  }',
    '  entries(): readonly string[] {',
    '    return this.lines;',
    '  }',
    '}',
  );
  b.src('src/core/notifier.ts').add(
    "import { tick } from './clock';",
    '',
    'export abstract class Notifier {',
    '  abstract notify(message: string): Promise<void>;',
    '  async notifyAll(messages: string[]): Promise<void> {',
  ).site('library', '    ', 'Promise.all(messages.map((m) => this.notify(m)))').add(
    '  }',
    '}',
    '',
    'export class ConsoleNotifier extends Notifier {',
    '  async notify(message: string): Promise<void> {',
  ).site('import-relative', '    ', 'tick()').add(
    '    console.log(message);',
    '  }',
    '}',
  );
  b.src('src/core/index.ts').add(
    "export * from './db';",
    "export * from './events';",
    "export * from './audit';",
    "export { Query as QueryBuilder } from './query';",
  );
  b.src('src/shared/warmup.ts').add(
    "import { readFile } from 'node:fs/promises';",
    '',
    'export async function warm(): Promise<void> {',
  ).site('library', '  ', "readFile('warm.json', 'utf8')").add('}');
}

interface TsDomain { d: string; C: string; other?: string; O?: string; asyncWarm: boolean; extra: number }

function tsDomain(b: Builder, r: () => number, dom: TsDomain): void {
  const { d, C, other, O } = dom;
  b.src(`src/${d}/model.ts`).add(
    `export interface ${C} {`,
    '  id: string;',
    '  name: string;',
    '  createdAt: number;',
    '}',
    '',
    `export type ${C}Id = string;`,
  );
  b.src(`src/${d}/repo.ts`).add(
    "import { BaseRepo } from '../core/base-repo';",
    "import { Db } from '../core/db';",
    "import { Query } from '@core/query';",
    `import type { ${C} } from './model';`,
    '',
    `export class ${C}Repo extends BaseRepo<${C}> {`,
    `  static async create(url: string): Promise<${C}Repo> {`,
    '    const db = new Db(url);',
  ).site('new-local', '    ', `db.exec('CREATE TABLE ${d}s')`).add(
    `    return new ${C}Repo(db);`,
    '  }',
    '',
    `  async save(item: ${C}): Promise<void> {`,
  ).site('super-call', '    ', 'super.save(item)').site('inherited-param-property', '    ', `this.db.exec('UPDATE ${d}s', item.id)`).add(
    '  }',
    '',
    `  async load(id: string): Promise<${C} | undefined> {`,
  ).site('base-class-inherited', '    ', 'this.flushAll()').add(
    '    return this.get(id);',
    '  }',
    '',
    '  refresh(): Promise<void> {',
    '    return this.db.flush();',
    '  }',
    '',
    '  query(): Query {',
    `    return new Query(this.db, '${d}s');`,
    '  }',
    '',
    '  get empty(): boolean {',
    '    return this.size() === 0;',
    '  }',
    '',
    '  async touch(id: string): Promise<void> {',
  ).site('this-method-promise-returning', '    ', 'this.refresh()').add(
    '    this.items.delete(id);',
    '  }',
    '}',
  );
  const svc = b.src(`src/${d}/service.ts`).add(
    `import { ${C}Repo } from './repo';`,
    "import { EventBus } from '@core/events';",
    "import { LocalCache } from '../core/cache';",
    "import { tick } from 'core/clock';",
    "import { retry, Backoff } from '@bench/util';",
    "import { AuditLog, Db } from '../core';",
    `import type { ${C} } from './model';`,
    "import type { Store } from '@core/store';",
    '',
    `export class ${C}Service {`,
    '  private readonly backoff = new Backoff();',
    `  constructor(private readonly repo: ${C}Repo, private events: EventBus, private cache: LocalCache<${C}>) {}`,
    '',
    `  async create(item: ${C}): Promise<void> {`,
  ).site('param-property', '    ', 'this.repo.save(item)').add(
    '    this.cache.save(item);',
  ).site('param-property', '    ', `this.events.publish('${d}.created', item)`).site('import-baseurl', '    ', 'tick()')
    .site('workspace-package', '    ', 'retry(() => this.repo.refresh())').site('field-initializer', '    ', 'this.backoff.wait()').add(
      '  }',
      '',
      `  async sync(store: Store<${C}>, item: ${C}): Promise<void> {`,
    ).site('interface-import-type', '    ', 'store.put(item)').add(
      '    this.cache.flush();',
      '  }',
      '',
      '  async cleanup(): Promise<void> {',
    ).site('builder', '    ', `this.repo.query().where('stale').limit(${1 + Math.floor(r() * 50)}).run()`).add(
      '  }',
      '',
      '  async audit(log: AuditLog | undefined): Promise<void> {',
    ).site('optional-chain', '    ', `log?.record('${d}.audited')`).add(
      '  }',
      '',
      `  getRepo(): ${C}Repo {`,
      '    return this.repo;',
      '  }',
      '}',
      '',
      `export function make${C}Service(db: Db): ${C}Service {`,
      `  return new ${C}Service(new ${C}Repo(db), new EventBus(), new LocalCache<${C}>());`,
      '}',
      '',
      `export async function open${C}Service(url: string): Promise<${C}Service> {`,
      `  const repo = await ${C}Repo.create(url);`,
      `  return new ${C}Service(repo, new EventBus(), new LocalCache<${C}>());`,
      '}',
    );
  void svc;
  const ctl = b.src(`src/${d}/controller.ts`).add(
    `import { ${C}Service, make${C}Service, open${C}Service } from './service';`,
    `import { ${C}Repo } from './repo';`,
    "import { Notifier } from '../core/notifier';",
    "import { AuditLog, Db, QueryBuilder } from '../core/index';",
    "import * as clock from '../core/clock';",
    dom.asyncWarm ? "import { warm } from '@shared/warmup';" : "import { warm } from '../core/cache';",
    `import type { ${C} } from './model';`,
    ...(other ? [`import { ${O}Repo } from '../${other}';`] : []),
    '',
    `export class ${C}Controller {`,
    `  private service: ${C}Service;`,
    '  private audit?: AuditLog;',
    `  private backup: ${C}Repo | null = null;`,
    '',
    `  constructor(service: ${C}Service, private readonly notifier: Notifier) {`,
    '    this.service = service;',
    '  }',
    '',
    `  async handle(item: ${C}): Promise<void> {`,
  ).site('field-annotation', '    ', 'this.service.create(item)')
    .site('optional-field', '    ', `this.audit?.record('${d}.handled')`)
    .site('union-null-field', '    ', 'this.backup?.save(item)')
    .site('return-annotation', '    ', 'this.getService().cleanup()')
    .site('abstract-method', '    ', `this.notifier.notify('${d} ' + item.id)`)
    .site('namespace-import', '    ', `clock.tick(${1 + Math.floor(r() * 9)})`);
  if (dom.asyncWarm) ctl.site('tsconfig-paths', '    ', 'warm()');
  else ctl.add('    warm();');
  ctl.add(
    '  }',
    '',
    `  async refreshAll(repos: ${C}Repo[], more: Array<${C}Repo>, kept: readonly ${C}Repo[]): Promise<void> {`,
    '    for (const repo of repos) {',
  ).site('array-loop', '      ', 'repo.refresh()').add(
    '    }',
    '    for (const repo of more) {',
  ).site('array-loop-generic', '      ', 'repo.flushAll()').add(
    '    }',
    '    for (const repo of kept) {',
  ).site('array-loop-readonly', '      ', "repo.touch('stale')").add(
    '    }',
    '  }',
    '',
    '  async local(db: Db): Promise<void> {',
    `    const svc = make${C}Service(db);`,
  ).site('local-inference', '    ', 'svc.cleanup()').add(
    `    const opened = await open${C}Service('${d}.db');`,
  ).site('await-unwrap', '    ', 'opened.audit(undefined)').add(
    `    const q = new QueryBuilder(db, '${d}s');`,
  ).site('reexport-alias-builder', '    ', "q.where('a').orderBy('b').explain()").add(
    `    const repo = await ${C}Repo.create('${d}.db');`,
  ).site('static-await-unwrap', '    ', `repo.load('${Math.floor(r() * 1000)}')`).add(
    '  }',
    '',
  );
  if (other) {
    ctl.add(`  async mirror(repo: ${O}Repo, item: { id: string; name: string; createdAt: number }): Promise<void> {`)
      .site('reexport-star', '    ', 'repo.save(item)').add('  }', '');
  }
  for (let i = 0; i < dom.extra; i++) {
    ctl.add(`  async batch${i}(items: ${C}[]): Promise<void> {`, '    const repo = this.service.getRepo();')
      .site('local-inference-return', '    ', 'repo.save(items[0])')
      .add('    this.backup = repo;', '  }', '');
  }
  ctl.add(
    `  getService(): ${C}Service {`,
    '    return this.service;',
    '  }',
    '}',
  );
  const jobs = b.src(`src/${d}/jobs.ts`).add(
    "import { writeFile } from 'node:fs/promises';",
    "import { setTimeout as sleep } from 'node:timers/promises';",
    ...(other ? [
      `import { reindex${O} } from '../${other}/jobs';`,
      `import { purge${O} } from '../${other}/jobs.js';`,
      `import { rebuild${O} } from '../${other}';`,
      `import * as ${other}Jobs from '../${other}/jobs';`,
    ] : []),
    '',
    `export async function reindex${C}(): Promise<void> {`,
  ).site('library', '  ', `sleep(${Math.floor(r() * 20)})`).site('library', '  ', `writeFile('${d}.idx', '')`).add(
    '}',
    '',
    `export async function purge${C}(days: number): Promise<void> {`,
    '  if (days <= 0) return;',
  ).site('module-fn-local', '  ', `reindex${C}()`).add(
    '}',
    '',
    `export function count${C}(): number {`,
    `  return ${Math.floor(r() * 100)};`,
    '}',
    '',
    `export const archive${C} = async (): Promise<void> => {`,
  ).site('module-fn-local', '  ', `purge${C}(${1 + Math.floor(r() * 90)})`).add(
    '};',
    '',
    `export async function nightly${C}(): Promise<void> {`,
  ).site('module-fn-local', '  ', `archive${C}()`);
  if (other) {
    jobs.site('import-relative', '  ', `reindex${O}()`).site('import-js-extension', '  ', `purge${O}(7)`)
      .site('reexport-alias', '  ', `rebuild${O}()`).site('namespace-import', '  ', `${other}Jobs.archive${O}()`);
  }
  jobs.add(`  count${C}();`, '}');
  b.src(`src/${d}/index.ts`).add(
    "export * from './repo';",
    "export * from './service';",
    `export { reindex${C} as rebuild${C} } from './jobs';`,
    `export type { ${C} } from './model';`,
  );
}

function jsFiles(b: Builder, doms: TsDomain[]): void {
  b.src('scripts/lib/queue.js').add(
    'export class Queue {',
    '  constructor() {',
    '    this.items = [];',
    '  }',
    '  async push(item) {',
    '    this.items.push(item);',
    '  }',
    '  size() {',
    '    return this.items.length;',
    '  }',
    '}',
    '',
    'export async function drain(queue) {',
    '  queue.items.length = 0;',
    '}',
  );
  for (const { d, C } of doms) {
    b.src(`scripts/${d}-task.js`).add(
      "import { Queue, drain } from './lib/queue.js';",
      '',
      `export class ${C}Task {`,
      '  constructor() {',
      '    this.queue = new Queue();',
      '  }',
      '  async run() {',
    ).site('js-constructor-field', '    ', `this.queue.push('${d}')`).site('js-import', '    ', 'drain(this.queue)').site('this-method', '    ', 'this.step()').add(
      '  }',
      '  async step() {',
      '    this.queue.size();',
      '  }',
      '}',
      '',
      'export async function main() {',
      `  const task = new ${C}Task();`,
    ).site('new-local', '  ', 'task.run()').add('}');
  }
  b.src('scripts/legacy.cjs').add(
    "const { Queue } = require('./lib/queue.js');",
    "const fsp = require('node:fs/promises');",
    '',
    'async function main() {',
    '  const queue = new Queue();',
  ).site('require-new-local', '  ', "queue.push('legacy')").site('library', '  ', "fsp.writeFile('legacy.txt', '')").add(
    '}',
    '',
    'module.exports = { main };',
  );
}

export function generateTsRecallWorkspace(seed = 8, domains = 10): RecallWorkspace {
  const r = rng(seed);
  const b = new Builder('ts');
  tsCore(b);
  const names = DOMAINS.slice(0, domains);
  const doms: TsDomain[] = names.map((d, i) => ({
    d, C: cap(d),
    // Imports point forward only: a chain of features, with the one deliberate cycle in core.
    other: i + 1 < names.length ? names[i + 1 + Math.floor(r() * (names.length - i - 1))] : undefined,
    asyncWarm: r() < 0.6,
    extra: Math.floor(r() * 3),
  }));
  for (const dom of doms) tsDomain(b, r, { ...dom, O: dom.other ? cap(dom.other) : undefined });
  jsFiles(b, doms.filter((_, i) => i % 2 === 0));
  return b.done('floating-promise');
}

// ---------------------------------------------------------------------------------------------
// Python

function pyCore(b: Builder): void {
  b.raw('pyproject.toml', [
    '[project]', 'name = "bench-shop"', 'version = "1.0.0"', 'requires-python = ">=3.11"', '',
    '[tool.setuptools.packages.find]', 'where = ["src", "."]', '',
  ].join('\n'));
  b.src('src/benchlib/__init__.py').add(
    'from .retry import retry',
    'from .backoff import Backoff',
    '',
    '__all__ = ["retry", "Backoff"]',
  );
  b.src('src/benchlib/retry.py').add(
    'import asyncio',
    'from typing import Awaitable, Callable, TypeVar',
    '',
    'T = TypeVar("T")',
    '',
    '',
    'async def retry(fn: Callable[[], Awaitable[T]], times: int = 3) -> T:',
    '    last: Exception | None = None',
    '    for _ in range(times):',
    '        try:',
    '            return await fn()',
    '        except Exception as err:  # retried, then re-raised below',
    '            last = err',
    '    assert last is not None',
    '    raise last',
    '',
    '',
    'async def pause_for(seconds: float) -> None:',
  ).site('library', '    ', 'asyncio.sleep(seconds)');
  b.src('src/benchlib/backoff.py').add(
    'from .retry import pause_for',
    '',
    '',
    'class Backoff:',
    '    def __init__(self) -> None:',
    '        self.attempt = 0',
    '',
    '    async def wait(self) -> None:',
    '        self.attempt += 1',
  ).site('import-relative', '        ', 'pause_for(0.001 * 2**self.attempt)').add(
    '',
    '    def reset(self) -> None:',
    '        self.attempt = 0',
  );
  b.src('app/__init__.py').add('"""The shop."""');
  b.src('app/core/__init__.py').add(
    'from .db import Db',
    'from .audit import AuditLog',
    'from .query import Query as QueryBuilder',
    '',
    '__all__ = ["Db", "AuditLog", "QueryBuilder"]',
  );
  b.src('app/core/db.py').add(
    'import asyncio',
    'from typing import Any, Awaitable, Callable, Coroutine, TypeVar',
    '',
    'T = TypeVar("T")',
    '',
    '',
    'class Db:',
    '    def __init__(self, url: str) -> None:',
    '        self.url = url',
    '        self.rows: dict[str, dict[str, Any]] = {}',
    '',
    '    async def execute(self, sql: str, *args: object) -> int:',
  ).site('library', '        ', 'asyncio.sleep(0)').add(
    '        if sql.startswith("DELETE"):',
    '            self.rows.clear()',
    '        return len(self.rows) + len(args)',
    '',
    '    async def fetch(self, sql: str) -> list[dict[str, Any]]:',
    '        return [r for r in self.rows.values() if sql in str(r)]',
    '',
    '    def flush(self) -> Awaitable[None]:',
    '        return self._write()',
    '',
    '    def vacuum(self) -> Coroutine[Any, Any, None]:',
    '        return self._write()',
    '',
    '    async def _write(self) -> None:',
  ).site('library', '        ', 'asyncio.to_thread(print, len(self.rows))').add(
    '',
    '    async def transaction(self, fn: Callable[["Db"], Awaitable[T]]) -> T:',
  ).site('self-method', '        ', 'self.execute("BEGIN")').add(
    '        out = await fn(self)',
  ).site('self-method', '        ', 'self.execute("COMMIT")').add(
    '        return out',
    '',
    '    async def maintain(self) -> None:',
  ).site('self-method-awaitable', '        ', 'self.flush()').site('self-method-coroutine', '        ', 'self.vacuum()').add(
    '',
    '    def close(self) -> None:',
    '        self.rows.clear()',
  );
  b.src('app/core/clock.py').add(
    'import asyncio',
    'import time',
    '',
    '',
    'async def tick(ms: float = 1) -> None:',
  ).site('library', '    ', 'asyncio.sleep(ms / 1000)').add(
    '',
    '',
    'def now() -> float:',
    '    return time.time()',
    '',
    '',
    'async def pause(ms: float) -> None:',
  ).site('module-fn-local', '    ', 'tick(ms)');
  b.src('app/core/store.py').add(
    'from typing import Protocol, TypeVar',
    '',
    'T = TypeVar("T")',
    '',
    '',
    'class Store(Protocol[T]):',
    '    async def put(self, item: T) -> None: ...',
    '',
    '    async def get(self, key: str) -> T | None: ...',
    '',
    '    def size(self) -> int: ...',
  );
  b.src('app/core/base_repo.py').add(
    'from typing import Generic, TypeVar',
    '',
    'from app.core.db import Db',
    '',
    'T = TypeVar("T")',
    '',
    '',
    'class BaseRepo(Generic[T]):',
    '    def __init__(self, db: Db) -> None:',
    '        self.db = db',
    '        self.items: dict[str, T] = {}',
    '',
    '    async def put(self, key: str, item: T) -> None:',
    '        self.items[key] = item',
  ).site('init-param-field', '        ', 'self.db.execute("UPSERT", key)').add(
    '',
    '    async def get(self, key: str) -> T | None:',
    '        return self.items.get(key)',
    '',
    '    async def save(self, key: str, item: T) -> None:',
  ).site('self-method', '        ', 'self.put(key, item)').add(
    '',
    '    async def flush_all(self) -> None:',
  ).site('init-param-field-awaitable', '        ', 'self.db.flush()').add(
    '',
    '    def size(self) -> int:',
    '        return len(self.items)',
  );
  // The cycle: events and registry import each other as modules, read at call time, as Python needs.
  b.src('app/core/events.py').add(
    'from app.core import registry',
    '',
    '',
    'class EventBus:',
    '    def __init__(self) -> None:',
    '        self.topics: list[str] = []',
    '',
    '    async def publish(self, topic: str, payload: object = None) -> None:',
    '        self.topics.append(f"{topic}:{payload!r}")',
  ).site('cycle', '        ', 'registry.notify_all(topic)').add(
    '',
    '    def emit(self, topic: str) -> None:',
    '        self.topics.append(topic)',
    '',
    '',
    'async def broadcast(bus: EventBus, topic: str) -> None:',
  ).site('param-annotation', '    ', 'bus.publish(topic)');
  b.src('app/core/registry.py').add(
    'from __future__ import annotations',
    '',
    'from app.core import events',
    '',
    'BUSES: list[events.EventBus] = []',
    '',
    '',
    'def register(bus: events.EventBus) -> None:',
    '    BUSES.append(bus)',
    '',
    '',
    'async def notify_all(topic: str) -> None:',
    '    for bus in BUSES:',
    '        bus.emit(topic)',
    '',
    '',
    'async def announce(topic: str) -> None:',
    '    for bus in BUSES:',
  ).site('cycle', '        ', 'events.broadcast(bus, topic)');
  b.src('app/core/query.py').add(
    'from typing import Any, Self',
    '',
    'from .db import Db',
    '',
    '',
    'class Query:',
    '    def __init__(self, db: Db, table: str) -> None:',
    '        self.db = db',
    '        self.table = table',
    '        self.clauses: list[str] = []',
    '        self.max = 100',
    '',
    '    def where(self, clause: str) -> "Query":',
    '        self.clauses.append(clause)',
    '        return self',
    '',
    '    def limit(self, n: int) -> "Query":',
    '        self.max = n',
    '        return self',
    '',
    '    def order_by(self, column: str) -> Self:',
    '        self.clauses.append(f"ORDER BY {column}")',
    '        return self',
    '',
    '    async def run(self) -> list[dict[str, Any]]:',
    '        rows = await self.db.fetch(f"SELECT * FROM {self.table} {\' \'.join(self.clauses)}")',
    '        return rows[: self.max]',
    '',
    '    async def explain(self) -> None:',
  ).site('init-param-field', '        ', 'self.db.execute("EXPLAIN", self.table)');
  b.src('app/core/cache.py').add(
    'from typing import Generic, TypeVar',
    '',
    'T = TypeVar("T")',
    '',
    '',
    'class LocalCache(Generic[T]):',
    '    """In-memory: every method is synchronous, though named like the repositories\' coroutines."""',
    '',
    '    def __init__(self) -> None:',
    '        self.entries: dict[str, T] = {}',
    '',
    '    def load(self, key: str) -> T | None:',
    '        return self.entries.get(key)',
    '',
    '    def save(self, key: str, item: T) -> None:',
    '        self.entries[key] = item',
    '',
    '    def flush(self) -> None:',
    '        self.entries.clear()',
    '',
    '    def refresh(self) -> int:',
    '        return len(self.entries)',
    '',
    '',
    'def warm() -> None:',
    '    """Nothing to load ahead in memory."""',
  );
  b.src('app/core/audit.py').add(
    'import asyncio',
    '',
    '',
    'class AuditLog:',
    '    def __init__(self, path: str) -> None:',
    '        self.path = path',
    '        self.lines: list[str] = []',
    '',
    '    async def record(self, event: str) -> None:',
    '        self.lines.append(event)',
  ).site('library', '        ', 'asyncio.wait_for(asyncio.sleep(0), timeout=1)').add(
    '',
    '    def entries(self) -> list[str]:',
    '        return list(self.lines)',
  );
  b.src('app/core/notifier.py').add(
    'from abc import ABC, abstractmethod',
    '',
    'from .clock import tick',
    '',
    '',
    'class Notifier(ABC):',
    '    @abstractmethod',
    '    async def notify(self, message: str) -> None: ...',
    '',
    '    async def notify_all(self, messages: list[str]) -> None:',
    '        for m in messages:',
  ).site('self-method-abstract', '            ', 'self.notify(m)').add(
    '',
    '',
    'class ConsoleNotifier(Notifier):',
    '    async def notify(self, message: str) -> None:',
  ).site('import-relative', '        ', 'tick()').add('        print(message)');
  b.src('app/shared/__init__.py').add('');
  b.src('app/shared/warmup.py').add(
    'import asyncio',
    '',
    '',
    'async def warm() -> None:',
  ).site('library', '    ', 'asyncio.sleep(0)');
}

interface PyDomain { d: string; C: string; other?: string; O?: string; asyncWarm: boolean; extra: number }

function pyDomain(b: Builder, r: () => number, dom: PyDomain): void {
  const { d, C, other, O } = dom;
  const pkg = `app/${d}s`;
  b.src(`${pkg}/__init__.py`).add(
    `from .repo import ${C}Repo`,
    `from .service import ${C}Service`,
    `from .jobs import reindex_${d} as rebuild_${d}`,
    '',
    `__all__ = ["${C}Repo", "${C}Service", "rebuild_${d}"]`,
  );
  b.src(`${pkg}/model.py`).add(
    'from dataclasses import dataclass, field',
    'import time',
    '',
    '',
    '@dataclass',
    `class ${C}:`,
    '    id: str',
    '    name: str',
    '    created_at: float = field(default_factory=time.time)',
  );
  b.src(`${pkg}/repo.py`).add(
    'from app.core.base_repo import BaseRepo',
    'from app.core.db import Db',
    'from app.core.query import Query',
    '',
    `from .model import ${C}`,
    '',
    '',
    `class ${C}Repo(BaseRepo[${C}]):`,
    '    @classmethod',
    `    async def create(cls, url: str) -> "${C}Repo":`,
    '        db = Db(url)',
  ).site('constructor-local', '        ', `db.execute("CREATE TABLE ${d}s")`).add(
    '        return cls(db)',
    '',
    `    async def save(self, key: str, item: ${C}) -> None:`,
  ).site('super-call', '        ', 'super().save(key, item)').site('inherited-init-field', '        ', `self.db.execute("UPDATE ${d}s", key)`).add(
    '',
    `    async def load(self, key: str) -> ${C} | None:`,
  ).site('base-class-inherited', '        ', 'self.flush_all()').add(
    '        return await self.get(key)',
    '',
    '    async def refresh(self) -> None:',
  ).site('inherited-init-field-coroutine', '        ', 'self.db.vacuum()').add(
    '',
    '    def query(self) -> Query:',
    `        return Query(self.db, "${d}s")`,
    '',
    '    async def touch(self, key: str) -> None:',
  ).site('self-method', '        ', 'self.refresh()').add('        self.items.pop(key, None)');
  b.src(`${pkg}/service.py`).add(
    'from __future__ import annotations',
    '',
    'from typing import TYPE_CHECKING, Optional',
    '',
    'from app.core import AuditLog, Db, clock',
    'from app.core.cache import LocalCache',
    'from app.core.events import EventBus',
    'from benchlib import Backoff, retry',
    '',
    `from .model import ${C}`,
    `from .repo import ${C}Repo`,
    '',
    'if TYPE_CHECKING:',
    '    from app.core.store import Store',
    '',
    '',
    `class ${C}Service:`,
    `    def __init__(self, repo: ${C}Repo, events: EventBus, cache: LocalCache[${C}]) -> None:`,
    '        self.repo = repo',
    '        self.events = events',
    '        self.cache = cache',
    '        self.backoff = Backoff()',
    '',
    `    async def create(self, item: ${C}) -> None:`,
  ).site('init-param-field', '        ', 'self.repo.save(item.id, item)').add(
    '        self.cache.save(item.id, item)',
  ).site('init-param-field', '        ', `self.events.publish("${d}.created", item)`)
    .site('import-from-package-module', '        ', 'clock.tick()')
    .site('src-layout-package', '        ', 'retry(self.repo.refresh)')
    .site('constructor-field', '        ', 'self.backoff.wait()').add(
      '',
      `    async def sync(self, store: Store[${C}], item: ${C}) -> None:`,
    ).site('protocol-type-checking', '        ', 'store.put(item)').add(
      '        self.cache.flush()',
      '',
      '    async def cleanup(self) -> None:',
    ).site('builder', '        ', `self.repo.query().where("stale").limit(${1 + Math.floor(r() * 50)}).run()`).add(
      '',
      '    async def audit(self, log: Optional[AuditLog]) -> None:',
      '        if log is not None:',
    ).site('optional', '            ', `log.record("${d}.audited")`).add(
      '',
      `    def get_repo(self) -> ${C}Repo:`,
      '        return self.repo',
      '',
      '',
      `def make_${d}_service(db: Db) -> ${C}Service:`,
      `    return ${C}Service(${C}Repo(db), EventBus(), LocalCache())`,
      '',
      '',
      `async def open_${d}_service(url: str) -> ${C}Service:`,
      `    repo = await ${C}Repo.create(url)`,
      `    return ${C}Service(repo, EventBus(), LocalCache())`,
    );
  const ctl = b.src(`${pkg}/controller.py`).add(
    'from typing import Iterable, List, Optional, Sequence',
    '',
    'import app.core.clock as clk',
    'from app.core import AuditLog, Db, QueryBuilder',
    dom.asyncWarm ? 'from app.shared.warmup import warm' : 'from app.core.cache import warm',
    'from app.core.notifier import Notifier',
    '',
    `from .model import ${C}`,
    `from .repo import ${C}Repo`,
    `from .service import ${C}Service, make_${d}_service, open_${d}_service`,
    ...(other ? [`from ..${other}s import ${O}Repo`, `from ..${other}s.model import ${O}`] : []),
    '',
    '',
    `class ${C}Controller:`,
    `    service: ${C}Service`,
    '    audit: AuditLog | None',
    '',
    `    def __init__(self, service: ${C}Service, notifier: Notifier) -> None:`,
    '        self.service = service',
    '        self.audit = None',
    '        self.notifier = notifier',
    `        self.backup: Optional[${C}Repo] = None`,
    '',
    `    async def handle(self, item: ${C}) -> None:`,
  ).site('field-annotation', '        ', 'self.service.create(item)').add(
    '        if self.audit is not None:',
  ).site('optional-field', '            ', `self.audit.record("${d}.handled")`).add(
    '        if self.backup:',
  ).site('optional-self-annotation', '            ', 'self.backup.save(item.id, item)')
    .site('return-annotation', '        ', 'self.get_service().cleanup()')
    .site('abc', '        ', `self.notifier.notify(f"${d} {item.id}")`)
    .site('import-module-alias', '        ', `clk.tick(${1 + Math.floor(r() * 9)})`);
  if (dom.asyncWarm) ctl.site('import-absolute', '        ', 'warm()');
  else ctl.add('        warm()');
  ctl.add(
    '',
    `    async def refresh_all(self, repos: list[${C}Repo], more: Iterable[${C}Repo], kept: Sequence[${C}Repo], old: List[${C}Repo]) -> None:`,
    '        for repo in repos:',
  ).site('list-loop', '            ', 'repo.refresh()').add(
    '        for repo in more:',
  ).site('iterable-loop', '            ', 'repo.flush_all()').add(
    '        for repo in kept:',
  ).site('sequence-loop', '            ', 'repo.touch("stale")').add(
    '        for repo in old:',
  ).site('typing-list-loop', '            ', 'repo.refresh()').add(
    '',
    '    async def local(self, db: Db) -> None:',
    `        svc = make_${d}_service(db)`,
  ).site('local-inference', '        ', 'svc.cleanup()').add(
    `        opened = await open_${d}_service("${d}.db")`,
  ).site('await-unwrap', '        ', 'opened.audit(None)').add(
    `        q = QueryBuilder(db, "${d}s")`,
  ).site('init-reexport-builder-self', '        ', 'q.where("a").order_by("b").explain()').add(
    `        repo = await ${C}Repo.create("${d}.db")`,
  ).site('classmethod-await-unwrap', '        ', `repo.load("${Math.floor(r() * 1000)}")`).add(
    '',
    `    async def forward(self, repo: "${C}Repo") -> None:`,
  ).site('string-annotation', '        ', 'repo.touch("forwarded")');
  if (other) {
    ctl.add('', `    async def mirror(self, repo: ${O}Repo, key: str, item: ${O}) -> None:`)
      .site('relative-init-reexport', '        ', 'repo.save(key, item)');
  }
  for (let i = 0; i < dom.extra; i++) {
    ctl.add('', `    async def batch_${i}(self, items: list[${C}]) -> None:`, '        repo = self.service.get_repo()')
      .site('local-inference-return', '        ', 'repo.save(items[0].id, items[0])')
      .add('        self.backup = repo');
  }
  ctl.add(
    '',
    `    def get_service(self) -> ${C}Service:`,
    '        return self.service',
  );
  const jobs = b.src(`${pkg}/jobs.py`).add(
    'import asyncio',
    '',
    ...(other ? [
      `import app.${other}s.jobs as ${other}_jobs`,
      `from app.${other}s.jobs import reindex_${other}`,
      `from ..${other}s.jobs import purge_${other}`,
      `from ..${other}s import rebuild_${other}`,
    ] : []),
    '',
    '',
    `async def reindex_${d}() -> None:`,
  ).site('library', '    ', `asyncio.sleep(${(r() * 0.01).toFixed(3)})`).add(
    '',
    '',
    `async def purge_${d}(days: int) -> None:`,
    '    if days <= 0:',
    '        return',
  ).site('module-fn-local', '    ', `reindex_${d}()`).add(
    '',
    '',
    `def count_${d}() -> int:`,
    `    return ${Math.floor(r() * 100)}`,
    '',
    '',
    `async def archive_${d}() -> None:`,
  ).site('module-fn-local', '    ', `purge_${d}(${1 + Math.floor(r() * 90)})`).add(
    '',
    '',
    `async def nightly_${d}() -> None:`,
  ).site('module-fn-local', '    ', `archive_${d}()`);
  if (other) {
    jobs.site('import-absolute', '    ', `reindex_${other}()`).site('import-relative', '    ', `purge_${other}(7)`)
      .site('init-reexport-alias', '    ', `rebuild_${other}()`).site('import-module-alias', '    ', `${other}_jobs.archive_${other}()`);
  }
  jobs.add(`    count_${d}()`);
}

export function generatePyRecallWorkspace(seed = 8, domains = 10): RecallWorkspace {
  const r = rng(seed + 1);
  const b = new Builder('py');
  pyCore(b);
  const names = DOMAINS.slice(0, domains);
  names.forEach((d, i) => {
    const other = i + 1 < names.length ? names[i + 1 + Math.floor(r() * (names.length - i - 1))] : undefined;
    pyDomain(b, r, { d, C: cap(d), other, O: other ? cap(other) : undefined, asyncWarm: r() < 0.6, extra: Math.floor(r() * 3) });
  });
  return b.done('unawaited-coroutine');
}

// ---------------------------------------------------------------------------------------------
// Running it

export function writeWorkspace(dir: string, files: Map<string, string>): void {
  for (const [rel, text] of files) {
    const abs = path.join(dir, ...rel.split('/'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
  }
}

/** The same files with `await ` removed from every site. */
export function mutate(ws: RecallWorkspace): Map<string, string> {
  const byFile = new Map<string, Set<number>>();
  for (const s of ws.sites) {
    if (!byFile.has(s.file)) byFile.set(s.file, new Set());
    byFile.get(s.file)!.add(s.line);
  }
  const out = new Map<string, string>();
  for (const [rel, text] of ws.files) {
    const lines = byFile.get(rel);
    out.set(rel, !lines ? text : text.split('\n').map((l, i) => (lines.has(i + 1) ? l.replace(/^(\s*)await /, '$1') : l)).join('\n'));
  }
  return out;
}

export interface RecallResult {
  family: Family;
  files: number;
  sites: number;
  found: number;
  /** findings of the rule in the unmutated workspace */
  extra: { file: string; line: number; message: string }[];
  /** findings of the rule in the mutated workspace on lines that are not sites */
  offSite: number;
  missesByForm: Map<string, { sites: number; missed: number }>;
  missed: { site: Site; text: string }[];
}

export async function measureRecall(ws: RecallWorkspace, root: string): Promise<RecallResult> {
  const clean = path.join(root, `${ws.family}-clean`);
  const mutated = path.join(root, `${ws.family}-mutated`);
  writeWorkspace(clean, ws.files);
  const mutatedFiles = mutate(ws);
  writeWorkspace(mutated, mutatedFiles);
  const rel = (base: string, f: string) => path.relative(base, f).split(path.sep).join('/');
  const before = await check([clean], DEFAULT_ANALYSIS_SETTINGS);
  const after = await check([mutated], DEFAULT_ANALYSIS_SETTINGS);
  const extra = before.findings.filter((f) => f.rule === ws.rule)
    .map((f) => ({ file: rel(clean, f.file), line: f.range.start.line + 1, message: f.message }));
  const hits = new Set(after.findings.filter((f) => f.rule === ws.rule).map((f) => `${rel(mutated, f.file)}:${f.range.start.line + 1}`));
  const siteKeys = new Set(ws.sites.map((s) => `${s.file}:${s.line}`));
  const missesByForm = new Map<string, { sites: number; missed: number }>();
  const missed: RecallResult['missed'] = [];
  let found = 0;
  for (const s of ws.sites) {
    const entry = missesByForm.get(s.form) ?? { sites: 0, missed: 0 };
    entry.sites++;
    if (hits.has(`${s.file}:${s.line}`)) found++;
    else {
      entry.missed++;
      missed.push({ site: s, text: mutatedFiles.get(s.file)!.split('\n')[s.line - 1].trim() });
    }
    missesByForm.set(s.form, entry);
  }
  const offSite = [...hits].filter((k) => !siteKeys.has(k)).length;
  return { family: ws.family, files: ws.files.size, sites: ws.sites.length, found, extra, offSite, missesByForm, missed };
}

function printRecall(res: RecallResult, rule: string): void {
  const label = res.family === 'ts' ? 'TS/JS' : 'Python';
  const recall = res.sites ? res.found / res.sites : 0;
  console.log(`recall, ${label} (${rule}): ${res.files} files, ${res.sites} sites, ${res.found} found, recall ${recall.toFixed(3)} (target >= 0.9), `
    + `extra findings on unmutated code ${res.extra.length} (target 0), off-site findings after mutation ${res.offSite}`);
  for (const e of res.extra.slice(0, 5)) console.log(`  extra: ${e.file}:${e.line} ${e.message.slice(0, 100)}`);
  const forms = [...res.missesByForm].sort((a, b) => b[1].missed - a[1].missed || a[0].localeCompare(b[0]));
  console.log('  misses by resolution form (missed/sites):');
  for (let i = 0; i < forms.length; i += 6) {
    console.log(`    ${forms.slice(i, i + 6).map(([f, e]) => `${f} ${e.missed}/${e.sites}`).join(', ')}`);
  }
  // Spread the samples over forms: five misses of one form say less than one each of five.
  const samples: RecallResult['missed'] = [];
  const seen = new Set<string>();
  for (const m of res.missed) if (samples.length < 5 && !seen.has(m.site.form)) { samples.push(m); seen.add(m.site.form); }
  for (const m of res.missed) if (samples.length < 5 && !samples.includes(m)) samples.push(m);
  for (const m of samples) console.log(`  missed [${m.site.form}] ${m.site.file}:${m.site.line}: ${m.text}`);
}

/** The recall section of `npm run bench`. */
export async function benchRecall(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-recall-'));
  try {
    for (const ws of [generateTsRecallWorkspace(), generatePyRecallWorkspace()]) {
      printRecall(await measureRecall(ws, root), ws.rule);
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
