/**
 * Loads a user's TS/TSX/JS/JSX file inside a Node runner (server/harness/runner.mjs), without
 * type-checking, as ESM or CommonJS as the file is written. Bundled on its own to
 * `<bundle dir>/harness/loader.js` because an installed extension ships no node_modules; sucrase
 * is pure JS, so the vsix stays platform-neutral. sucrase keeps every line where it was.
 *
 * - ESM (`.mjs`, `.mts`, a file in a package with `"type": "module"`, or one whose top-level
 *   `await` or `import.meta` CommonJS cannot compile): imported through module customization
 *   hooks (`module.register`, this same bundle): `load` strips types and JSX and keeps
 *   `import`/`export`; `resolve` finds `./x.ts` for `./x.js` and for an extensionless `./x`.
 * - CommonJS (everything else): sucrase also turns `import`/`export` into `require`, and a
 *   require hook does the same for the files it requires.
 */
import Module from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transform, type Transform } from 'sucrase';

/** Node's CommonJS internals that a require hook needs; not in @types/node. */
interface ModuleInternals {
  _extensions: Record<string, (m: CjsModule, filename: string) => void>;
  _resolveFilename: (request: string, parent: unknown, ...rest: unknown[]) => string;
  _nodeModulePaths: (dir: string) => string[];
}
interface CjsModule {
  exports: unknown;
  filename: string;
  paths: string[];
  loaded: boolean;
  _compile(code: string, filename: string): void;
}
const M = Module as unknown as ModuleInternals & (new (id: string, parent: unknown) => CjsModule);

export interface LoadRequest {
  /** the user's file: relative imports resolve from its folder and stacks name it */
  file: string;
  /** the file to compile instead of `file` (a synthetic cell module); absent = `file` */
  module?: string;
  /** the top-level function to find */
  function: string;
}

export interface Loaded {
  fn: ((...args: unknown[]) => unknown) | undefined;
  /** the module's function-valued exports, for a "no such function" message */
  exported: string[];
}

const TS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts'];
const HOOKED = [...TS_EXTENSIONS, '.jsx', '.js', '.cjs'];
const ESM_SYNTAX = /^[ \t]*(?:import[\s{*'"]|export[\s{*])/m;
const FOUND = Symbol.for('concurrency-lens.function');
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** The export that the ESM trailer adds for the requested function, exported or not. */
const TRAILER_EXPORT = '__concurrencyLensFunction';

/** sucrase transforms for a file compiled as ESM (`asModule`) or CommonJS; null = as written. */
function transformsFor(filename: string, source: string, asModule: boolean): Transform[] | null {
  const ext = path.extname(filename).toLowerCase();
  const imports: Transform[] = asModule ? [] : ['imports'];
  if (ext === '.tsx') return ['typescript', 'jsx', ...imports];
  if (TS_EXTENSIONS.includes(ext)) return ['typescript', ...imports];
  if (ext === '.jsx') return ['jsx', ...imports];
  // A CommonJS file stays as written: the imports transform would add "use strict".
  if (!asModule && (ext === '.js' || ext === '.mjs') && ESM_SYNTAX.test(source)) return imports;
  return null;
}

/**
 * The code Node should compile for `sourcePath` under the name `filename` (they differ for a
 * synthetic module); `trailer` is appended after the last line, so no line moves.
 */
function compileSource(source: string, sourcePath: string, asModule: boolean, filename = sourcePath, trailer = ''): string {
  const transforms = transformsFor(sourcePath, source, asModule);
  if (!transforms) return source + trailer;
  const out = transform(source, {
    transforms,
    filePath: filename,
    disableESTransforms: true,
    sourceMapOptions: { compiledFilename: path.basename(filename) },
  });
  // Relative to the compiled file, so Node's stack mapping names `filename` itself.
  const map = out.sourceMap ? { ...out.sourceMap, sources: [path.basename(filename)] } : null;
  const comment = map
    ? `\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`
    : '';
  return out.code + trailer + comment;
}

const packageTypes = new Map<string, string | undefined>();

/** The `type` field of the package.json nearest to `dir` (Node's rule for `.js` files). */
function packageType(dir: string): string | undefined {
  if (packageTypes.has(dir)) return packageTypes.get(dir);
  let type: string | undefined;
  const manifest = path.join(dir, 'package.json');
  if (fs.existsSync(manifest)) {
    try {
      const parsed = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { type?: unknown };
      type = typeof parsed.type === 'string' ? parsed.type : undefined;
    } catch {
      // Node ignores a package.json it cannot parse when it looks for `type`; so do we.
      type = undefined;
    }
  } else {
    const parent = path.dirname(dir);
    type = parent === dir ? undefined : packageType(parent);
  }
  packageTypes.set(dir, type);
  return type;
}

/** Whether `file` is written as ESM by its extension or its package; undefined = up to its syntax. */
function writtenAsModule(file: string): boolean | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.mjs' || ext === '.mts') return true;
  if (ext === '.cjs' || ext === '.cts') return false;
  return packageType(path.dirname(file)) === 'module' ? true : undefined;
}

/**
 * Whether CommonJS code cannot compile because it needs a module: top-level `await` or
 * `import.meta`. V8 decides by compiling without running, as Node's own module detection does.
 */
function needsModule(code: string, filename: string): boolean {
  if (!/\bawait\b|\bimport\s*\.\s*meta\b/.test(code)) return false;
  try {
    vm.compileFunction(code, ['exports', 'require', 'module', '__filename', '__dirname'], { filename });
    return false;
  } catch (err) {
    return err instanceof SyntaxError && /await is only valid|import\.meta/.test(err.message);
  }
}

let installed = false;

/** Registers the require hooks and stack mapping; once per thread (each worker has its own loader). */
export function install(): void {
  if (installed) return;
  installed = true;
  process.setSourceMapsEnabled(true);
  const original = { ...M._extensions };
  for (const ext of HOOKED) {
    M._extensions[ext] = (m, filename) => {
      if (filename.includes(`${path.sep}node_modules${path.sep}`)) {
        return (original[ext] ?? original['.js'])(m, filename);
      }
      m._compile(compileSource(fs.readFileSync(filename, 'utf8'), filename, false), filename);
    };
  }
  const resolve = M._resolveFilename;
  M._resolveFilename = function (request, parent, ...rest) {
    try {
      return resolve.call(this, request, parent, ...rest);
    } catch (err) {
      for (const candidate of tsCandidates(request, false)) {
        try {
          return resolve.call(this, candidate, parent, ...rest);
        } catch {
          // try the next candidate; the original error is the one to report
        }
      }
      throw err;
    }
  };
}

/**
 * What a relative specifier that did not resolve may mean: './other.js' for './other.ts' (the
 * TS ESM convention), and for ESM, where Node adds no extension, './other' for './other.ts'.
 */
function tsCandidates(request: string, extensionless: boolean): string[] {
  if (!/^\.{1,2}\//.test(request)) return [];
  const js = /^(.*)\.([cm]?)js(x?)$/.exec(request);
  if (js) return js[3] ? [js[1] + '.tsx'] : [`${js[1]}.${js[2]}ts`, js[1] + '.tsx'];
  if (!extensionless || path.posix.extname(request) !== '') return [];
  return ['.ts', '.tsx', '.mts', '.js', '.jsx', '.mjs', '/index.ts', '/index.tsx', '/index.js'].map((ext) => request + ext);
}

/**
 * Loads the module (compiled as if it were `file`, so relative imports resolve from `file`'s
 * folder and stacks name `file`) and finds the function: an export, `export default`, or a
 * top-level declaration captured by a trailer appended after the last line.
 */
export async function loadFunction(req: LoadRequest): Promise<Loaded> {
  install();
  const sourcePath = req.module ?? req.file;
  const source = fs.readFileSync(sourcePath, 'utf8');
  const asModule = writtenAsModule(req.file);
  if (asModule) return importModule(req);
  const name = req.function;
  const g = globalThis as Record<symbol, unknown>;
  delete g[FOUND];
  const trailer = IDENTIFIER.test(name)
    ? `\n;try { globalThis[Symbol.for('concurrency-lens.function')] = typeof ${name} === 'function' ? ${name} : undefined; } catch {}`
    : '';
  // The source's extension decides the transforms (a synthetic module may be .ts for a .ts file).
  const code = compileSource(source, sourcePath, false, req.file, trailer);
  if (asModule === undefined && needsModule(code, req.file)) return importModule(req);
  const m = new M(req.file, null);
  m.filename = req.file;
  m.paths = M._nodeModulePaths(path.dirname(req.file));
  m._compile(code, req.file);
  m.loaded = true;
  const exp = m.exports;
  const ns = (exp !== null && (typeof exp === 'object' || typeof exp === 'function') ? exp : {}) as Record<string, unknown>;
  const found = g[FOUND];
  delete g[FOUND];
  return pick(name, ns, found, exp);
}

/**
 * The function among a module's exports: by name, else the trailer's capture, else an
 * `export default` (or `module.exports = fn`) that carries the name.
 */
function pick(name: string, ns: Record<string, unknown>, captured: unknown, ...defaults: unknown[]): Loaded {
  const named = [ns[name], captured].find((c) => typeof c === 'function');
  const fallback = [ns.default, ...defaults].find((c) => typeof c === 'function' && (c as { name?: string }).name === name);
  return {
    fn: (named ?? fallback) as Loaded['fn'],
    exported: Object.keys(ns).filter((k) => k !== TRAILER_EXPORT && typeof ns[k] === 'function'),
  };
}

/**
 * The ESM path. The hooks run on another thread, so the entry's function and synthetic module
 * reach them as `register` data; the entry keeps its own URL, so `import.meta.url` is the file's.
 */
async function importModule(req: LoadRequest): Promise<Loaded> {
  const url = pathToFileURL(req.file).href;
  const entry: Entry = { url, function: req.function, module: req.module };
  if (typeof Module.register !== 'function') {
    throw new Error(`${req.file} is written as ESM, which needs Node 20.6 or later to load (this is Node ${process.version}); set concurrencyLens.nodePath`);
  }
  // This bundle is also the hooks module: `initialize`, `resolve` and `load` below.
  Module.register(pathToFileURL(__filename).href, { data: entry });
  const ns = (await import(url)) as Record<string, unknown>;
  return pick(req.function, ns, ns[TRAILER_EXPORT]);
}

// ---------------------------------------------------------------- module customization hooks
// These run on Node's hooks thread, not in the runner's; they share only this bundle's code.

interface Entry {
  url: string;
  function: string;
  module?: string;
}
const entries = new Map<string, Entry>();

export function initialize(entry: Entry): void {
  entries.set(entry.url, entry);
}

interface ResolveContext {
  parentURL?: string;
  conditions: string[];
}
type ResolveResult = { url: string; format?: string | null; shortCircuit?: boolean };
interface LoadContext {
  format?: string | null;
  conditions: string[];
}
type LoadResult = { format: string; source?: string | ArrayBuffer | null; shortCircuit?: boolean };

export async function resolve(
  specifier: string,
  context: ResolveContext,
  next: (specifier: string, context: ResolveContext) => Promise<ResolveResult>,
): Promise<ResolveResult> {
  try {
    return await next(specifier, context);
  } catch (err) {
    if (!context.parentURL?.startsWith('file:')) throw err;
    for (const candidate of tsCandidates(specifier, true)) {
      try {
        return await next(candidate, context);
      } catch {
        // try the next candidate; the original error is the one to report
      }
    }
    throw err;
  }
}

export async function load(
  url: string,
  context: LoadContext,
  next: (url: string, context: LoadContext) => Promise<LoadResult>,
): Promise<LoadResult> {
  if (!url.startsWith('file:')) return next(url, context);
  const filename = fileURLToPath(url);
  const ext = path.extname(filename).toLowerCase();
  const entry = entries.get(url);
  if (!entry) {
    // An import of the entry: ESM unless written as CommonJS; TS and JSX need transpiling.
    if (!HOOKED.includes(ext) && ext !== '.mjs') return next(url, context);
    if (filename.includes(`${path.sep}node_modules${path.sep}`)) return next(url, context);
    const written = writtenAsModule(filename);
    if (written === false) return { format: 'commonjs', shortCircuit: true };
    const source = fs.readFileSync(filename, 'utf8');
    // Node's rule for .js, relaxed: a file with import/export is ESM (it could not be CommonJS).
    if (written === undefined && !ESM_SYNTAX.test(source)) return { format: 'commonjs', shortCircuit: true };
    return { format: 'module', source: compileSource(source, filename, true), shortCircuit: true };
  }
  const name = entry.function;
  const sourcePath = entry.module ?? filename;
  // Every top-level function can be run, exported or not: an export added after the last line.
  const trailer = IDENTIFIER.test(name)
    ? `\n;export const ${TRAILER_EXPORT} = (() => { try { return typeof ${name} === 'function' ? ${name} : undefined; } catch { return undefined; } })();`
    : '';
  const code = compileSource(fs.readFileSync(sourcePath, 'utf8'), sourcePath, true, filename, trailer);
  return { format: 'module', source: code, shortCircuit: true };
}
