/**
 * The one settings schema. package.json's contributes.configuration must match these keys and
 * defaults (a unit test checks it); the server pulls them per document scope, the CLI reads
 * the same keys (without the prefix) from concurrency-lens.json.
 */
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { AnalysisSettings, Severity } from './core/types';
import { SEVERITIES } from './core/types';

export const SECTION = 'concurrencyLens';

export type HoverLanguage = 'auto' | 'en' | 'zh-cn';

/**
 * Rule severities for some paths only, as ruff's per-file-ignores and ESLint's overrides:
 * globs relative to the config file's folder (the CLI) or the workspace folder (the editor);
 * a glob without a slash matches the file name in any folder. Later entries win.
 */
export interface Override {
  files: string[];
  rules: Record<string, Severity>;
}

export interface Settings extends AnalysisSettings {
  overrides: Override[];
  hover: { language: HoverLanguage; enabled: boolean };
  run: { tasks: number; timeoutSeconds: number };
  lens: { functions: boolean; cells: boolean; selection: boolean };
  pythonPath: string;
  nodePath: string;
  /** the ray harness's cluster: empty = RAY_ADDRESS, else a local cluster per run */
  ray: { address: string };
}

export const DEFAULT_SETTINGS: Settings = {
  rules: {},
  blockingCalls: [],
  ignore: [],
  overrides: [],
  hover: { language: 'auto', enabled: true },
  run: { tasks: 4, timeoutSeconds: 30 },
  lens: { functions: true, cells: true, selection: true },
  pythonPath: '',
  nodePath: '',
  ray: { address: '' },
};

/** Flattened keys as they appear in package.json (`concurrencyLens.run.tasks`), with defaults. */
export function flatDefaults(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (prefix: string, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(`${prefix}.${k}`, v);
    } else {
      out[prefix] = value;
    }
  };
  for (const [k, v] of Object.entries(DEFAULT_SETTINGS)) walk(`${SECTION}.${k}`, v);
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function severities(raw: Record<string, unknown>, where: string, problems: string[]): Record<string, Severity> {
  const out: Record<string, Severity> = {};
  for (const [id, sev] of Object.entries(raw)) {
    if (typeof sev === 'string' && (SEVERITIES as readonly string[]).includes(sev)) out[id] = sev as Severity;
    else problems.push(`${where}.${id}: expected one of ${SEVERITIES.join(', ')}`);
  }
  return out;
}

/** Compiled override globs, by pattern list: settings are re-read per document, the globs seldom change. */
const matchers = new Map<string, (rel: string) => boolean>();
function matcherFor(files: string[]): (rel: string) => boolean {
  const key = JSON.stringify(files);
  let m = matchers.get(key);
  if (!m) {
    // picomatch's own `basename` option fails globs that have a slash (`tests/**`): split them here.
    const anywhere = files.filter((f) => !f.includes('/'));
    const anchored = files.filter((f) => f.includes('/'));
    const byName = anywhere.length ? picomatch(anywhere, { dot: true }) : () => false;
    const byPath = anchored.length ? picomatch(anchored, { dot: true }) : () => false;
    matchers.set(key, (m = (rel) => byPath(rel) || byName(rel.slice(rel.lastIndexOf('/') + 1))));
  }
  return m;
}

/**
 * The settings for one file: its overrides' rule severities laid over the rules. `base` is the folder
 * the globs are relative to (the config file's, the workspace folder); a file outside it matches none.
 */
export function settingsForFile<T extends AnalysisSettings & { overrides?: Override[] }>(settings: T, base: string | undefined, file: string): T {
  if (!settings.overrides?.length || base === undefined) return settings;
  const rel = path.relative(base, file).split(path.sep).join('/');
  if (rel === '' || rel.startsWith('../') || path.isAbsolute(rel)) return settings;
  const rules = { ...settings.rules };
  let matched = false;
  for (const o of settings.overrides) {
    if (!matcherFor(o.files)(rel)) continue;
    Object.assign(rules, o.rules);
    matched = true;
  }
  return matched ? { ...settings, rules } : settings;
}

/**
 * Turns whatever the user wrote into valid settings, keeping the defaults for anything missing
 * or malformed, and listing what was wrong so adapters can say so.
 */
export function normalizeSettings(raw: unknown): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const s: Settings = structuredClone(DEFAULT_SETTINGS);
  if (!isObject(raw)) return { settings: s, problems };
  if (isObject(raw.rules)) s.rules = severities(raw.rules, 'rules', problems);
  if (Array.isArray(raw.overrides)) {
    raw.overrides.forEach((o, i) => {
      const files = isObject(o) && o.files;
      if (!isObject(o) || !Array.isArray(files) || files.length === 0 || !files.every((f) => typeof f === 'string' && f !== '') || !isObject(o.rules)) {
        problems.push(`overrides[${i}]: expected { "files": ["glob", ...], "rules": { "rule-id": "severity" } }`);
        return;
      }
      s.overrides.push({ files: files as string[], rules: severities(o.rules, `overrides[${i}].rules`, problems) });
    });
  } else if (raw.overrides !== undefined) problems.push('overrides: expected a list of { "files": [...], "rules": {...} }');
  for (const key of ['blockingCalls', 'ignore'] as const) {
    const v = raw[key];
    if (Array.isArray(v)) s[key] = v.filter((x): x is string => typeof x === 'string');
    else if (v !== undefined) problems.push(`${key}: expected a list of names`);
  }
  if (isObject(raw.hover)) {
    const lang = raw.hover.language;
    if (lang === 'auto' || lang === 'en' || lang === 'zh-cn') s.hover.language = lang;
    if (typeof raw.hover.enabled === 'boolean') s.hover.enabled = raw.hover.enabled;
  }
  if (isObject(raw.run)) {
    const { tasks, timeoutSeconds } = raw.run;
    if (typeof tasks === 'number' && Number.isInteger(tasks) && tasks >= 1 && tasks <= 64) s.run.tasks = tasks;
    else if (tasks !== undefined) problems.push('run.tasks: expected a whole number from 1 to 64');
    if (typeof timeoutSeconds === 'number' && timeoutSeconds > 0) s.run.timeoutSeconds = timeoutSeconds;
    else if (timeoutSeconds !== undefined) problems.push('run.timeoutSeconds: expected a positive number');
  }
  if (isObject(raw.lens)) {
    for (const k of ['functions', 'cells', 'selection'] as const) if (typeof raw.lens[k] === 'boolean') s.lens[k] = raw.lens[k] as boolean;
  }
  if (typeof raw.pythonPath === 'string') s.pythonPath = raw.pythonPath;
  if (typeof raw.nodePath === 'string') s.nodePath = raw.nodePath;
  if (isObject(raw.ray)) {
    if (typeof raw.ray.address === 'string') s.ray.address = raw.ray.address.trim();
    else if (raw.ray.address !== undefined) problems.push('ray.address: expected a string such as "ray://head:10001" or "auto"');
  }
  return { settings: s, problems };
}
