/**
 * The one settings schema. package.json's contributes.configuration must match these keys and
 * defaults (a unit test checks it); the server pulls them per document scope, the CLI reads
 * the same keys (without the prefix) from concurrency-lens.json.
 */
import type { AnalysisSettings, Severity } from './core/types';
import { SEVERITIES } from './core/types';

export const SECTION = 'concurrencyLens';

export type HoverLanguage = 'auto' | 'en' | 'zh-cn';

export interface Settings extends AnalysisSettings {
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

/**
 * Turns whatever the user wrote into valid settings, keeping the defaults for anything missing
 * or malformed, and listing what was wrong so adapters can say so.
 */
export function normalizeSettings(raw: unknown): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const s: Settings = structuredClone(DEFAULT_SETTINGS);
  if (!isObject(raw)) return { settings: s, problems };
  if (isObject(raw.rules)) {
    for (const [id, sev] of Object.entries(raw.rules)) {
      if (typeof sev === 'string' && (SEVERITIES as readonly string[]).includes(sev)) s.rules[id] = sev as Severity;
      else problems.push(`rules.${id}: expected one of ${SEVERITIES.join(', ')}`);
    }
  }
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
