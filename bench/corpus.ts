/**
 * A generated corpus of realistic shape for the benchmarks: modules with imports, classes,
 * sync and async functions, loops, awaits and a few concurrency mistakes, in Python and TS.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function pythonModule(seed: number, functions: number): string {
  const r = rng(seed);
  const out = ['import asyncio', 'import json', 'import time', 'from concurrent.futures import ThreadPoolExecutor', ''];
  for (let i = 0; i < functions; i++) {
    const kind = r();
    if (kind < 0.15) {
      out.push(`class Service${i}:`, `    def __init__(self, base):`, `        self.base = base`, `        self.cache = {}`, '');
      out.push(`    async def fetch(self, key):`, `        if key in self.cache:`, `            return self.cache[key]`,
        `        await asyncio.sleep(0)`, `        value = await self.load(key)`, `        self.cache[key] = value`, `        return value`, '');
      out.push(`    async def load(self, key):`, `        return {"key": key, "base": self.base}`, '');
    } else if (kind < 0.55) {
      out.push(`async def handler_${i}(request, items):`, `    results = []`, `    for item in items:`,
        `        data = await fetch_${i}(item)`, `        results.append(json.dumps(data))`,
        r() < 0.2 ? `    time.sleep(0.01)` : `    await asyncio.sleep(0.01)`,
        `    if len(results) > 10:`, `        return results[:10]`, `    return results`, '');
      out.push(`async def fetch_${i}(item):`, `    await asyncio.sleep(0)`, `    return {"item": item, "n": ${i}}`, '');
    } else {
      out.push(`def compute_${i}(values):`, `    total = 0`, `    for v in values:`, `        if v % 3 == 0:`, `            total += v * ${i}`,
        `        elif v % 5 == 0:`, `            total -= v`, `        else:`, `            total ^= v`, `    return total`, '');
    }
  }
  return out.join('\n') + '\n';
}

export function tsModule(seed: number, functions: number): string {
  const r = rng(seed);
  const out = ["import * as fs from 'node:fs';", "import { readFile } from 'node:fs/promises';", "import { setTimeout as sleep } from 'node:timers/promises';", ''];
  for (let i = 0; i < functions; i++) {
    const kind = r();
    if (kind < 0.15) {
      out.push(`export class Store${i} {`, `  private cache = new Map<string, string>();`, `  constructor(private readonly root: string) {}`,
        `  async get(key: string): Promise<string> {`, `    const hit = this.cache.get(key);`, `    if (hit !== undefined) return hit;`,
        `    const value = await readFile(this.root + '/' + key, 'utf8');`, `    this.cache.set(key, value);`, `    return value;`, `  }`, `}`, '');
    } else if (kind < 0.55) {
      out.push(`export async function handler${i}(items: string[]): Promise<number[]> {`, `  const out: number[] = [];`,
        `  for (const item of items) {`, `    const text = await readFile(item, 'utf8');`, `    out.push(text.length);`, `  }`,
        r() < 0.2 ? `  fs.readFileSync('config.json');` : `  await sleep(1);`, `  return out.filter((n) => n > ${i});`, `}`, '');
    } else {
      out.push(`export function compute${i}(values: number[]): number {`, `  let total = 0;`, `  for (const v of values) {`,
        `    if (v % 3 === 0) total += v * ${i};`, `    else if (v % 5 === 0) total -= v;`, `    else total ^= v;`, `  }`, `  return total;`, `}`, '');
    }
  }
  return out.join('\n') + '\n';
}

/**
 * A TS workspace of `files` files for timing a cold project index: folders of 50 modules with an
 * index barrel each, classes that take earlier modules' classes as constructor parameter
 * properties, inheritance from a shared base class, imports both direct and through barrels and
 * tsconfig `paths`, module-level async helpers, and about one call in thirty left unawaited.
 */
export function generateLargeTsWorkspace(dir: string, files: number): void {
  const r = rng(3500);
  const write = (rel: string, text: string) => {
    const abs = path.join(dir, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
  };
  write('package.json', JSON.stringify({ name: 'large-workspace', private: true, type: 'module' }, null, 2) + '\n');
  write('tsconfig.json', JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, baseUrl: '.', paths: { '@core/*': ['src/core/*'] } },
    include: ['src'],
  }, null, 2) + '\n');
  write('src/core/store.ts', [
    'export interface Store {',
    '  get(key: string): Promise<string | undefined>;',
    '  put(key: string, value: string): Promise<void>;',
    '}',
    '',
  ].join('\n'));
  write('src/core/base.ts', [
    "import { readFile, writeFile } from 'node:fs/promises';",
    "import type { Store } from './store';",
    '',
    'export abstract class BaseUnit {',
    '  protected cache = new Map<string, string>();',
    '  constructor(protected readonly store: Store) {}',
    '  async persist(key: string): Promise<void> {',
    "    await this.store.put(key, this.cache.get(key) ?? '');",
    "    await writeFile(`/tmp/${key}`, '');",
    '  }',
    '  async restore(key: string): Promise<string> {',
    "    return (await this.store.get(key)) ?? (await readFile(`/tmp/${key}`, 'utf8'));",
    '  }',
    '  size(): number {',
    '    return this.cache.size;',
    '  }',
    '}',
    '',
  ].join('\n'));
  const PER_FOLDER = 50;
  // Two core files, and one barrel per folder of PER_FOLDER units.
  const units = Math.max(1, Math.round(((files - 2) * PER_FOLDER) / (PER_FOLDER + 1)));
  const folder = (i: number) => `mod${Math.floor(i / PER_FOLDER)}`;
  const barrels = new Map<string, string[]>();
  const floating = () => (r() < 1 / 30 ? '' : 'await ');
  for (let i = 0; i < units; i++) {
    const deps = i === 0 ? [] : [...new Set(Array.from({ length: 1 + Math.floor(r() * 3) }, () => Math.floor(r() * i)))];
    const imports = ["import { setTimeout as sleep } from 'node:timers/promises';", "import type { Store } from '@core/store';", "import { BaseUnit } from '@core/base';"];
    for (const j of deps) {
      const target = folder(j) === folder(i) ? `./unit${j}` : r() < 0.5 ? `../${folder(j)}` : `../${folder(j)}/unit${j}`;
      imports.push(`import { Unit${j}, helper${j} } from '${target}';`);
    }
    const params = deps.map((j, k) => `private readonly dep${k}: Unit${j}`);
    const body: string[] = [
      ...imports,
      '',
      `export interface Unit${i}Options {`,
      '  retries: number;',
      '  label?: string;',
      '}',
      '',
      `export class Unit${i} extends BaseUnit {`,
      `  private readonly options: Unit${i}Options = { retries: ${1 + Math.floor(r() * 5)} };`,
      `  constructor(store: Store${params.length ? ', ' + params.join(', ') : ''}) {`,
      '    super(store);',
      '  }',
      '',
      '  async load(key: string): Promise<string> {',
      '    const hit = this.cache.get(key);',
      '    if (hit !== undefined) return hit;',
      '    const value = await this.restore(key);',
      '    this.cache.set(key, value);',
      '    return value;',
      '  }',
      '',
      '  async save(key: string, value: string): Promise<void> {',
      '    this.cache.set(key, value);',
      `    ${floating()}this.persist(key);`,
      '  }',
      '',
      '  compute(values: number[]): number {',
      '    let total = 0;',
      `    for (const v of values) total += v % ${2 + Math.floor(r() * 9)} === 0 ? v : -v;`,
      '    return total + this.size();',
      '  }',
      '',
      '  async run(keys: string[]): Promise<number> {',
      '    let n = 0;',
    ];
    deps.forEach((j, k) => {
      body.push(
        `    ${floating()}this.dep${k}.save('unit${i}', String(n));`,
        `    n += this.dep${k}.compute([${i}, ${j}]);`,
        `    ${floating()}helper${j}(this.dep${k});`,
      );
    });
    body.push(
      '    for (const key of keys) {',
      '      const value = await this.load(key);',
      '      n += value.length;',
      '    }',
      `    ${floating()}sleep(${Math.floor(r() * 10)});`,
      `    return n * this.options.retries;`,
      '  }',
      '}',
      '',
      `export async function helper${i}(unit: Unit${i}): Promise<void> {`,
      `  ${floating()}unit.run(['a', 'b']);`,
      '}',
      '',
    );
    write(`src/${folder(i)}/unit${i}.ts`, body.join('\n'));
    if (!barrels.has(folder(i))) barrels.set(folder(i), []);
    barrels.get(folder(i))!.push(`export * from './unit${i}';`);
  }
  for (const [f, lines] of barrels) write(`src/${f}/index.ts`, lines.join('\n') + '\n');
}

/**
 * Loops that await, in the shapes real code has them: per-item work that could run together
 * (`independent`) and one family of loops for each of await-in-loop's exclusions. The bench counts
 * the rule's findings on these with each exclusion turned off and on.
 */
const AWAIT_LOOPS: Record<string, { py: string[]; ts: string[] }> = {
  independent: {
    py: ['    for url in urls:', '        pages.append(await client.get(url))'],
    ts: ['  for (const url of urls) {', '    pages.push(await client.get(url));', '  }'],
  },
  'not-per-item': {
    py: ['    for _ in urls:', '        await refresh_token()'],
    ts: ['  for (const _url of urls) {', '    await refreshToken();', '  }'],
  },
  'already-running': {
    py: ['    tasks = [asyncio.create_task(client.get(u)) for u in urls]', '    for t in tasks:', '        pages.append(await t)'],
    ts: ['  const pending = urls.map((u) => client.get(u));', '  for (const p of pending) {', '    pages.push(await p);', '  }'],
  },
  'same-receiver': {
    py: ['    for url in urls:', '        writer.write(url.encode())', '        await writer.drain()', '    for url in urls:', '        await queue.put(url)'],
    ts: ['  for (const url of urls) {', '    await socket.send(url);', '  }', '  for (const url of urls) {', '    await queryRunner.query("INSERT", [url]);', '  }'],
  },
  'stops-on-result': {
    py: ['    for url in urls:', '        page = await client.get(url)', '        if page.ok:', '            return page'],
    ts: ['  for (const url of urls) {', '    const page = await client.get(url);', '    if (page.ok) return page;', '  }'],
  },
  retry: {
    py: ['    for attempt in range(3):', '        try:', '            pages.append(await client.get(urls[attempt]))', '        except OSError:', '            pass'],
    ts: ['  for (let attempt = 0; attempt < 3; attempt++) {', '    try {', '      pages.push(await client.get(urls[attempt]));', '    } catch {', '      console.log("again");', '    }', '  }'],
  },
  'step-callables': {
    py: ['    for step in steps:', '        await step(urls)'],
    ts: ['  for (const step of steps) {', '    await step(urls);', '  }'],
  },
  'carried-state': {
    py: ['    cursor = None', '    for url in urls:', '        cursor = await client.get(url, after=cursor)'],
    ts: ['  let cursor = "";', '  for (const url of urls) {', '    cursor = await client.get(url + cursor);', '  }'],
  },
};

export const AWAIT_LOOP_KINDS = Object.keys(AWAIT_LOOPS);

export function awaitLoopModule(seed: number, functions: number, python: boolean): string {
  const r = rng(seed);
  const out = python ? ['import asyncio', ''] : ['declare const client: { get(u: string): Promise<{ ok: boolean }> };', 'declare const socket: { send(m: string): Promise<void> };',
    'declare const queryRunner: { query(sql: string, args: unknown[]): Promise<void> };', 'declare function refreshToken(): Promise<void>;', ''];
  for (let i = 0; i < functions; i++) {
    const kind = AWAIT_LOOP_KINDS[Math.floor(r() * AWAIT_LOOP_KINDS.length)];
    const body = AWAIT_LOOPS[kind][python ? 'py' : 'ts'];
    if (python) out.push(`async def ${kind.replace(/-/g, '_')}_${i}(client, urls, writer, queue, steps):`, '    pages = []', ...body, '    return pages', '');
    else out.push(`export async function ${kind.replace(/-/g, '_')}${i}(urls: string[], steps: ((u: string[]) => Promise<void>)[]) {`, '  const pages: unknown[] = [];', ...body, '  return pages;', '}', '');
  }
  return out.join('\n') + '\n';
}
