/**
 * A generated corpus of realistic shape for the benchmarks: modules with imports, classes,
 * sync and async functions, loops, awaits and a few concurrency mistakes, in Python and TS.
 */
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
