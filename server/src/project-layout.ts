/**
 * Reads a workspace's layout from disk for the project index (core/project/project.ts, which
 * touches no file system): tsconfig/jsconfig `baseUrl` and `paths` (following relative `extends`),
 * workspace packages by their package.json name and entry, and the folders Python absolute
 * imports start from (each root and its `src/`). Used by the CLI and the language server alike.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { emptyLayout, type ProjectLayout, type TsConfigFacts } from './core/project/project';
import { record } from './core/project/summary';

const CONFIG_NAMES = new Set(['tsconfig.json', 'jsconfig.json', 'package.json']);

export function isLayoutFile(file: string): boolean {
  return CONFIG_NAMES.has(path.basename(file));
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const value = parseJsonc(fs.readFileSync(file, 'utf8'), [], { allowTrailingComma: true }) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // an unreadable config contributes nothing; the files still analyse
  }
}

function tsconfigFacts(file: string, depth = 0): TsConfigFacts | undefined {
  const json = readJson(file);
  if (!json) return undefined;
  const dir = path.dirname(file);
  let base: TsConfigFacts = { dir, paths: record() };
  const ext = json.extends;
  if (typeof ext === 'string' && ext.startsWith('.') && depth < 5) {
    const parent = tsconfigFacts(path.resolve(dir, ext.endsWith('.json') ? ext : ext + '.json'), depth + 1);
    if (parent) base = { dir, baseUrl: parent.baseUrl, paths: parent.paths };
  }
  const opts = json.compilerOptions as Record<string, unknown> | undefined;
  if (opts && typeof opts.baseUrl === 'string') base.baseUrl = path.resolve(dir, opts.baseUrl);
  if (opts && opts.paths && typeof opts.paths === 'object') {
    const paths = record<string[]>();
    const from = base.baseUrl ?? dir;
    for (const [k, v] of Object.entries(opts.paths as Record<string, unknown>)) {
      if (Array.isArray(v)) paths[k] = v.filter((x): x is string => typeof x === 'string').map((t) => path.resolve(from, t));
    }
    base.paths = paths;
  }
  return base;
}

function packageEntry(dir: string, json: Record<string, unknown>): string | undefined {
  const exp = json.exports;
  const dot = exp && typeof exp === 'object' && !Array.isArray(exp) ? (exp as Record<string, unknown>)['.'] ?? exp : exp;
  const pick = (v: unknown): string | undefined => {
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      return pick(o.types) ?? pick(o.import) ?? pick(o.default) ?? pick(o.require);
    }
    return undefined;
  };
  const entry = pick(json.types) ?? pick(json.typings) ?? pick(dot) ?? pick(json.module) ?? pick(json.main);
  return entry ? path.resolve(dir, entry.replace(/\.(d\.ts|js|mjs|cjs)$/, '')) : undefined;
}

/**
 * The layout of a workspace: `roots` are its folders, `configs` the tsconfig/jsconfig/package.json
 * files found while walking it. tsconfig files above a root (up to the repository root) count too.
 */
export function scanLayout(roots: string[], configs: string[]): ProjectLayout {
  const layout = emptyLayout(roots.map((r) => path.resolve(r)));
  const seen = new Set<string>();
  const all = [...configs];
  for (const root of layout.roots) {
    for (let d = path.dirname(root); ; d = path.dirname(d)) {
      for (const n of ['tsconfig.json', 'jsconfig.json']) if (fs.existsSync(path.join(d, n))) all.push(path.join(d, n));
      if (fs.existsSync(path.join(d, '.git')) || path.dirname(d) === d) break;
    }
  }
  for (const file of all) {
    const abs = path.resolve(file);
    if (seen.has(abs)) continue;
    seen.add(abs);
    if (path.basename(abs) === 'package.json') {
      const json = readJson(abs);
      if (json && typeof json.name === 'string' && !abs.split(path.sep).includes('node_modules')) {
        layout.packages[json.name] = { dir: path.dirname(abs), entry: packageEntry(path.dirname(abs), json) };
      }
    } else {
      const facts = tsconfigFacts(abs);
      if (facts) layout.tsconfigs.push(facts);
    }
  }
  layout.pythonRoots = layout.roots.flatMap((r) => {
    const src = path.join(r, 'src');
    return fs.existsSync(src) ? [r, src] : [r];
  });
  return layout;
}
