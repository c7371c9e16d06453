// The build: esbuild bundles, tsc only type-checks (npm run typecheck).
// One context per target: the extension client, the language server, the CLI, the webview
// page, and the test bundles. The tree-sitter wasm files and the harness runners are copied
// beside the bundles that load them.
//   node esbuild.mjs            build once
//   node esbuild.mjs --watch    rebuild on change
//   node esbuild.mjs --tests    also build the test bundles into out/
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const watch = process.argv.includes('--watch');
const withTests = process.argv.includes('--tests') || watch;
const production = process.argv.includes('--production');

const WASM = [
  'node_modules/web-tree-sitter/tree-sitter.wasm',
  'node_modules/tree-sitter-python/tree-sitter-python.wasm',
  'node_modules/tree-sitter-typescript/tree-sitter-typescript.wasm',
  'node_modules/tree-sitter-typescript/tree-sitter-tsx.wasm',
  'node_modules/tree-sitter-javascript/tree-sitter-javascript.wasm',
];

/** Files that bundles load at run time by a path relative to themselves. */
function copyAssets(outdir) {
  mkdirSync(outdir, { recursive: true });
  for (const f of WASM) cpSync(join(root, f), join(outdir, f.split('/').pop()));
  if (existsSync(join(root, 'server/harness'))) cpSync(join(root, 'server/harness'), join(outdir, 'harness'), { recursive: true });
  cpSync(join(root, 'docs/rules'), join(outdir, 'docs/rules'), { recursive: true });
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: true,
  minify: production,
  external: ['vscode'],
  loader: { '.scm': 'text', '.md': 'text' },
  // The CommonJS build of web-tree-sitter: its ESM build needs import.meta.url, which a CJS bundle lacks.
  // jsonc-parser's `main` is a UMD build whose lazy requires esbuild cannot follow: bundle its ESM build.
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/tree-sitter.cjs', 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
  logLevel: 'info',
};

const targets = [
  { ...common, entryPoints: { extension: 'client/src/extension.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { server: 'server/src/server.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { cli: 'server/src/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  // The Node runner's loader (sucrase inside), loaded by harness/runner.mjs beside it.
  { ...common, entryPoints: { 'harness/loader': 'server/src/harness/node-loader.ts' }, outdir: 'dist' },
];
if (existsSync(join(root, 'media/src/panel.ts'))) {
  targets.push({ ...common, platform: 'browser', format: 'iife', target: 'es2022', external: [], entryPoints: { panel: 'media/src/panel.ts' }, outdir: 'dist/media' });
}

function testEntries(dir) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs).filter((f) => f.endsWith('.test.ts')).map((f) => join(dir, f));
}

if (withTests) {
  const unit = testEntries('test/unit');
  if (unit.length) targets.push({ ...common, entryPoints: unit, outdir: 'out/test/unit', external: ['vscode', 'fast-check'] });
  const lsp = testEntries('test/lsp');
  if (lsp.length) targets.push({ ...common, entryPoints: lsp, outdir: 'out/test/lsp' });
  if (existsSync(join(root, 'test/vscode/suite/index.ts'))) {
    // mocha stays external: the extension host resolves it from the project's node_modules.
    const suite = ['test/vscode/suite/index.ts', ...testEntries('test/vscode/suite')];
    targets.push({ ...common, entryPoints: suite, outdir: 'out/test/vscode/suite', external: ['vscode', 'mocha'] });
  }
  if (existsSync(join(root, 'test/vscode/driver.ts'))) {
    targets.push({ ...common, entryPoints: { driver: 'test/vscode/driver.ts' }, outdir: 'out/test/vscode', external: ['vscode', 'playwright-core'] });
  }
  for (const d of ['out/test/unit', 'out/bench']) {
    targets.push({ ...common, entryPoints: { 'harness/loader': 'server/src/harness/node-loader.ts' }, outdir: d });
  }
  for (const extra of ['bench/bench.ts', 'bench/harness.ts', 'bench/ray.ts', 'scripts/start.ts', 'scripts/test-electron.ts', 'scripts/config-schema.ts']) {
    if (existsSync(join(root, extra))) targets.push({ ...common, entryPoints: [extra], outdir: 'out/' + dirname(extra), external: ['vscode', 'playwright-core', '@vscode/test-electron'] });
  }
}

rmSync(join(root, 'dist'), { recursive: true, force: true });
copyAssets(join(root, 'dist'));
if (withTests) {
  rmSync(join(root, 'out'), { recursive: true, force: true });
  for (const d of ['out/test/unit', 'out/bench']) copyAssets(join(root, d));
}

if (watch) {
  for (const t of targets) await (await esbuild.context(t)).watch();
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
}
