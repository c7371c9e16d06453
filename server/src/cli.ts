/**
 * `concurrency-lens`: the command-line adapter over the same cores as the editor.
 *   concurrency-lens check [PATH...] [--format text|json|sarif|github] [--rule id=severity] [--config FILE]
 *   concurrency-lens run FILE [--function NAME | --line N | --lines A-B] [--harness H] [--tasks N] [--timeout S] [--json]
 *   concurrency-lens lsp            (the language server over stdio)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { check, runCheckWorker, loadConfig, findConfig, type WorkerJob } from './check';
import { normalizeSettings } from './settings';
import { SEVERITIES, type Severity } from './core/types';
import { RULES } from './core/rules';
import { runCommand } from './harness/run-command';
import { toSarif, toGithub } from './formats';
import { printable } from './printable';

export class UsageError extends Error {}

interface Command {
  name: string;
  summary: string;
  run(args: string[]): Promise<number>;
}

const USAGE = `usage: concurrency-lens <command> [options]

commands:
${'{commands}'}

Run 'concurrency-lens <command> --help' for a command's options.`;

const CHECK_USAGE = `usage: concurrency-lens check [PATH...] [--format text|json|sarif|github] [--rule id=severity]... [--config FILE] [--no-project]

Checks Python, TypeScript and JavaScript files for concurrency bugs. PATH defaults to '.'.
Imports, classes and declared types are followed across the files checked; --no-project analyses
each file alone. --format sarif writes SARIF 2.1.0 (code scanning); --format github prints workflow annotations.
Exit code: 0 when nothing at warning or above was found, 1 when something was, 2 on a usage error,
a path that does not exist, or nothing that could be analysed.`;

function takeValue(args: string[], i: number, flag: string): string {
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
  return v;
}

async function runCheck(args: string[]): Promise<number> {
  const paths: string[] = [];
  let format = 'text';
  let configFile: string | undefined;
  let project = true;
  const ruleOverrides: Record<string, Severity> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--help' || a === '-h') { process.stdout.write(CHECK_USAGE + '\n'); return 0; }
    if (a === '--format') { format = takeValue(args, i++, a); continue; }
    if (a.startsWith('--format=')) { format = a.slice(9); continue; }
    if (a === '--config') { configFile = takeValue(args, i++, a); continue; }
    if (a === '--no-project') { project = false; continue; }
    if (a.startsWith('--config=')) { configFile = a.slice(9); continue; }
    if (a === '--rule' || a.startsWith('--rule=')) {
      const spec = a === '--rule' ? takeValue(args, i++, a) : a.slice(7);
      const m = /^([a-z0-9-]+)=([a-z]+)$/.exec(spec);
      if (!m) throw new UsageError(`--rule takes id=severity, got '${spec}'`);
      if (!RULES.some((r) => r.id === m[1])) throw new UsageError(`unknown rule '${m[1]}'; rules: ${RULES.map((r) => r.id).join(', ')}`);
      if (!(SEVERITIES as readonly string[]).includes(m[2])) throw new UsageError(`severity must be one of ${SEVERITIES.join(', ')}`);
      ruleOverrides[m[1]] = m[2] as Severity;
      continue;
    }
    if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    paths.push(a);
  }
  if (!['text', 'json', 'sarif', 'github'].includes(format)) throw new UsageError(`--format must be text, json, sarif or github, got '${format}'`);
  if (paths.length === 0) paths.push('.');

  let raw: unknown = {};
  const cfg = configFile ?? findConfig(process.cwd());
  if (cfg) {
    try {
      raw = loadConfig(cfg);
    } catch (err) {
      throw new UsageError(`cannot read config ${cfg}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const { settings, problems: configProblems } = normalizeSettings(raw);
  for (const p of configProblems) process.stderr.write(`concurrency-lens: ${cfg}: ${p}\n`);
  Object.assign(settings.rules, ruleOverrides);

  // Override globs are relative to the config file's folder, as ruff's and ESLint's are.
  const result = await check(paths, { ...settings, overridesBase: cfg ? path.dirname(path.resolve(cfg)) : undefined }, __filename, { project });
  const serious = result.findings.some((f) => f.severity === 'warning' || f.severity === 'error');
  if (format === 'sarif') {
    process.stdout.write(JSON.stringify(toSarif(result, RULES, readVersion()), null, 2) + '\n');
  } else if (format === 'github') {
    process.stdout.write(toGithub(result));
  } else if (format === 'json') {
    const out = {
      version: 1,
      findings: result.findings.map((f) => ({
        file: f.file,
        line: f.range.start.line + 1,
        column: f.range.start.character + 1,
        endLine: f.range.end.line + 1,
        endColumn: f.range.end.character + 1,
        rule: f.rule,
        severity: f.severity,
        message: f.message,
      })),
      problems: result.problems,
      stats: { files: result.files, lines: result.lines, ms: Math.round(result.ms) },
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    for (const f of result.findings) {
      process.stdout.write(printable(`${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.rule} ${f.message}`) + '\n');
    }
    for (const p of result.problems) process.stderr.write(printable(`${p.file}: ${p.problem}`) + '\n');
    const n = result.findings.length;
    process.stderr.write(`${n} finding${n === 1 ? '' : 's'} in ${result.files} file${result.files === 1 ? '' : 's'} (${result.lines} lines, ${Math.round(result.ms)} ms)\n`);
  }
  // A CI step that checked nothing must not pass: a mistyped path, an empty or unreadable tree.
  if (result.missing.length > 0 || result.analysed === 0) {
    if (format === 'text') process.stderr.write(`concurrency-lens: ${result.missing.length > 0 ? `no such path: ${printable(result.missing.join(', '))}` : 'nothing could be analysed'}\n`);
    return 2;
  }
  return serious ? 1 : 0;
}

async function runLsp(): Promise<number> {
  const { startServer } = await import('./server');
  const { createConnection, ProposedFeatures } = await import('vscode-languageserver/node');
  if (!process.argv.includes('--stdio')) process.argv.push('--stdio');
  startServer(createConnection(ProposedFeatures.all));
  return new Promise<number>(() => { /* runs until the client exits it */ });
}

export const COMMANDS: Command[] = [
  { name: 'check', summary: 'report concurrency bugs in files and folders', run: runCheck },
  { name: 'run', summary: 'run a function, cell or lines under serial, thread, process and coroutine harnesses', run: (args) => runCommand(args, UsageError) },
  { name: 'lsp', summary: 'run the language server over stdio (Neovim, Helix, Zed...)', run: () => runLsp() },
];

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const usage = USAGE.replace('{commands}', COMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`).join('\n'));
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version') {
    process.stdout.write(readVersion() + '\n');
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  try {
    if (!cmd) throw new UsageError(`unknown command '${name}'`);
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`concurrency-lens: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

function readVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

if (!isMainThread && (workerData as WorkerJob | undefined)?.files) {
  void runCheckWorker(workerData as WorkerJob, (r) => parentPort!.postMessage(r), (handler) => parentPort!.once('message', handler));
} else if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err) => {
      process.stderr.write(`concurrency-lens: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 3;
    },
  );
}
