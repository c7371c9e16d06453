/**
 * Loads a user's TS/TSX/JS/JSX file inside a Node runner (server/harness/runner.mjs), without
 * type-checking: sucrase turns types, JSX and `import`/`export` into CommonJS, line for line, and
 * a require hook does the same for the files it imports. Bundled on its own to
 * `<bundle dir>/harness/loader.js` because an installed extension ships no node_modules; sucrase
 * is pure JS, so the vsix stays platform-neutral.
 *
 * Not handled: top-level `await` and `import.meta` in a file that is transpiled to CommonJS
 * (`.mjs` files are imported natively by the runner instead).
 */
import Module from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
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

function transformsFor(filename: string, source: string): Transform[] | null {
  const ext = path.extname(filename).toLowerCase();
  if (ext === '.tsx') return ['typescript', 'jsx', 'imports'];
  if (TS_EXTENSIONS.includes(ext)) return ['typescript', 'imports'];
  if (ext === '.jsx') return ['jsx', 'imports'];
  // A CommonJS file stays as written: the imports transform would add "use strict".
  if ((ext === '.js' || ext === '.mjs') && ESM_SYNTAX.test(source)) return ['imports'];
  return null;
}

/**
 * The code Node should compile for `sourcePath` under the name `filename` (they differ for a
 * synthetic module); `trailer` is appended after the last line, so no line moves.
 */
function compileSource(source: string, sourcePath: string, filename = sourcePath, trailer = ''): string {
  const transforms = transformsFor(sourcePath, source);
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
      m._compile(compileSource(fs.readFileSync(filename, 'utf8'), filename), filename);
    };
  }
  // TS sources import './other.js' for './other.ts' (the TS ESM convention).
  const resolve = M._resolveFilename;
  M._resolveFilename = function (request, parent, ...rest) {
    try {
      return resolve.call(this, request, parent, ...rest);
    } catch (err) {
      const m = /^(\.{1,2}\/.*)\.([cm]?)js(x?)$/.exec(request);
      if (!m) throw err;
      for (const ext of m[3] ? ['.tsx'] : [`.${m[2]}ts`, '.tsx']) {
        try {
          return resolve.call(this, m[1] + ext, parent, ...rest);
        } catch {
          // try the next extension; the original error is the one to report
        }
      }
      throw err;
    }
  };
}

/**
 * Loads the module (compiled as if it were `file`, so relative imports resolve from `file`'s
 * folder and stacks name `file`) and finds the function: an export, `export default`, or a
 * top-level declaration captured by a trailer appended after the last line.
 */
export function loadFunction(req: LoadRequest): Loaded {
  install();
  const sourcePath = req.module ?? req.file;
  const source = fs.readFileSync(sourcePath, 'utf8');
  const name = req.function;
  const g = globalThis as Record<symbol, unknown>;
  delete g[FOUND];
  const trailer = IDENTIFIER.test(name)
    ? `\n;try { globalThis[Symbol.for('concurrency-lens.function')] = typeof ${name} === 'function' ? ${name} : undefined; } catch {}`
    : '';
  const m = new M(req.file, null);
  m.filename = req.file;
  m.paths = M._nodeModulePaths(path.dirname(req.file));
  // The source's extension decides the transforms (a synthetic module may be .ts for a .ts file).
  const code = compileSource(source, sourcePath, req.file, trailer);
  m._compile(code, req.file);
  m.loaded = true;
  const exp = m.exports;
  const ns = (exp !== null && (typeof exp === 'object' || typeof exp === 'function') ? exp : {}) as Record<string, unknown>;
  // The first two are found by name; `export default` and `module.exports = fn` must carry it.
  const candidates = [ns[name], g[FOUND], ns.default, exp];
  delete g[FOUND];
  const fn = candidates.find((c, i) => typeof c === 'function' && (i < 2 || (c as { name?: string }).name === name)) as Loaded['fn'];
  return { fn, exported: Object.keys(ns).filter((k) => typeof ns[k] === 'function') };
}
