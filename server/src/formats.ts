/**
 * CI output formats of `concurrency-lens check`: SARIF 2.1.0 for code scanning, and GitHub
 * workflow commands that annotate a pull request's lines.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { CheckResult } from './check';
import type { Rule } from './core/rule';
import type { Severity } from './core/types';

type Level = 'error' | 'warning' | 'note';
const SARIF_LEVEL: Record<Exclude<Severity, 'off'>, Level> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** The text of a markdown section (`## What it reports`) up to the next heading. */
function section(doc: string, heading: string): string {
  const start = doc.indexOf(`## ${heading}\n`);
  if (start < 0) return '';
  const rest = doc.slice(start + heading.length + 4);
  const end = rest.search(/^## /m);
  return (end < 0 ? rest : rest.slice(0, end)).trim();
}

/** Markdown to one plain line: code spans and emphasis unwrapped, whitespace collapsed. */
function plain(md: string): string {
  return md.replace(/`([^`]*)`/g, '$1').replace(/\*\*?([^*]+)\*\*?/g, '$1').replace(/\s+/g, ' ').trim();
}

function firstSentence(text: string): string {
  const m = /^(.+?[.:])(\s|$)/.exec(text);
  return m ? m[1].replace(/:$/, '.') : text;
}

/** rule id -> Name, as SARIF's `name` is an identifier-like label. */
function ruleName(id: string): string {
  return id.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

export function docUri(id: string): string {
  return pathToFileURL(path.join(__dirname, 'docs', 'rules', `${id}.md`)).toString();
}

/**
 * A fingerprint that survives lines moving: the rule, the file and the trimmed text of the line,
 * plus the count of earlier findings with the same three (two identical lines stay apart).
 */
function fingerprints(result: CheckResult, cwd: string): string[] {
  const lines = new Map<string, string[]>();
  const seen = new Map<string, number>();
  return result.findings.map((f) => {
    let text = lines.get(f.file);
    if (!text) {
      try {
        text = fs.readFileSync(f.file, 'utf8').split('\n');
      } catch {
        text = []; // gone since the check: the line number stands in
      }
      lines.set(f.file, text);
    }
    const line = text[f.range.start.line]?.trim() ?? `#${f.range.start.line}`;
    const key = `${f.rule}\0${relUri(f.file, cwd)}\0${line.replace(/\s+/g, ' ')}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return createHash('sha256').update(`${key}\0${n}`).digest('hex').slice(0, 32);
  });
}

/** A path as a URI relative to the working directory (the repository root in CI), `/`-separated and escaped. */
function relUri(file: string, cwd: string): string {
  const rel = path.relative(cwd, path.resolve(cwd, file));
  if (rel.startsWith('..') || path.isAbsolute(rel)) return pathToFileURL(path.resolve(cwd, file)).toString();
  return rel.split(path.sep).map(encodeURIComponent).join('/');
}

export function toSarif(result: CheckResult, rules: readonly Rule[], version: string, cwd = process.cwd()): object {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const prints = fingerprints(result, cwd);
  const location = (file: string) => {
    const uri = relUri(file, cwd);
    return uri.startsWith('file:') ? { uri } : { uri, uriBaseId: '%SRCROOT%' };
  };
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'concurrency-lens',
          semanticVersion: version,
          version,
          informationUri: pathToFileURL(path.join(__dirname, '..', 'README.md')).toString(),
          rules: rules.map((r) => {
            const what = plain(section(r.doc, 'What it reports'));
            return {
              id: r.id,
              name: ruleName(r.id),
              shortDescription: { text: firstSentence(what) },
              fullDescription: { text: what },
              help: { text: plain(r.doc), markdown: r.doc },
              helpUri: docUri(r.id),
              defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity] },
              properties: { languages: r.families.map((f) => (f === 'js' ? 'typescript/javascript' : 'python')) },
            };
          }),
        },
      },
      originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd).toString().replace(/\/?$/, '/') } },
      columnKind: 'utf16CodeUnits',
      results: result.findings.map((f, i) => ({
        ruleId: f.rule,
        ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
        level: SARIF_LEVEL[f.severity],
        message: { text: plain(f.message), markdown: f.message },
        locations: [{
          physicalLocation: {
            artifactLocation: location(f.file),
            region: {
              startLine: f.range.start.line + 1,
              startColumn: f.range.start.character + 1,
              endLine: f.range.end.line + 1,
              endColumn: f.range.end.character + 1,
            },
          },
        }],
        partialFingerprints: { 'concurrencyLens/v1': prints[i] },
      })),
      invocations: [{
        executionSuccessful: true,
        toolExecutionNotifications: result.problems.map((p) => ({
          level: 'warning',
          message: { text: p.problem },
          locations: [{ physicalLocation: { artifactLocation: location(p.file) } }],
        })),
      }],
    }],
  };
}

const GITHUB_LEVEL: Record<Exclude<Severity, 'off'>, string> = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' };

/** Workflow command escaping: the message, then property values (which also escape `:` and `,`). */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One `::warning file=…,line=…,col=…,title=…::message` line per finding, then one per problem. */
export function toGithub(result: CheckResult, cwd = process.cwd()): string {
  const out: string[] = [];
  for (const f of result.findings) {
    const file = path.relative(cwd, path.resolve(cwd, f.file)).split(path.sep).join('/');
    const props = [
      `file=${escapeProperty(file)}`,
      `line=${f.range.start.line + 1}`,
      `col=${f.range.start.character + 1}`,
      `endLine=${f.range.end.line + 1}`,
      `endColumn=${f.range.end.character + 1}`,
      `title=${escapeProperty(`concurrency-lens ${f.rule}`)}`,
    ];
    out.push(`::${GITHUB_LEVEL[f.severity]} ${props.join(',')}::${escapeData(plain(f.message))}`);
  }
  for (const p of result.problems) {
    const file = path.relative(cwd, path.resolve(cwd, p.file)).split(path.sep).join('/');
    out.push(`::warning file=${escapeProperty(file)},title=concurrency-lens::${escapeData(p.problem)}`);
  }
  return out.map((l) => l + '\n').join('');
}
