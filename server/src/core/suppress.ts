/**
 * Suppression comments, read from the comment nodes of the tree (so a marker inside a string is
 * never one). Ours:
 *   // concurrency-lens-ignore-next-line rule-a, rule-b
 *   // concurrency-lens-ignore rule-a                 (the comment's own line)
 *   # concurrency-lens: ignore[rule-a, rule-b]     (trailing, or alone on the line before)
 * No ids means every rule. And the peers' comments for the same problems, which code that
 * already passes ESLint, ruff or pyright carries: each peer rule maps to ours in PEER_RULES.
 *   // eslint-disable-next-line no-await-in-loop     the next line
 *   // eslint-disable-line n/no-sync                 its own line
 *   /* eslint-disable no-await-in-loop *\/ … /* eslint-enable no-await-in-loop *\/   a block (to the end without enable)
 *   # noqa: ASYNC230, RUF006      # noqa (every rule)      # pyright: ignore[reportUnusedCoroutine]   (their own line only)
 * An ESLint comment with no rules, like a bare `# noqa`, silences every rule.
 */
import type { Node } from './parser';

type Rules = Set<string> | 'all';

export interface Suppressions {
  /** zero-based line -> the rules silenced on it */
  lines: Map<number, Rules>;
  /** `eslint-disable` … `eslint-enable` blocks, zero-based lines, `to` inclusive */
  blocks: { from: number; to: number; rules: Rules }[];
}

/** Peers' rule names and codes -> our rule ids. The README's suppression table lists the same. */
export const PEER_RULES: Record<string, string[]> = {
  '@typescript-eslint/no-floating-promises': ['floating-promise'],
  '@typescript-eslint/no-misused-promises': ['misused-async-callback'],
  'no-async-promise-executor': ['async-promise-executor'],
  'no-await-in-loop': ['await-in-loop'],
  'n/no-sync': ['blocking-call-in-async'],
  'node/no-sync': ['blocking-call-in-async'],
  RUF006: ['dangling-task'],
  reportUnusedCoroutine: ['unawaited-coroutine'],
};
/** flake8-async / ruff ASYNC2xx: blocking calls (http, subprocess, open, os.path, input, time.sleep) in async functions. */
const ASYNC_BLOCKING = /^ASYNC2\d*$/;

const MARKERS = /concurrency-lens|eslint-(?:disable|enable)|noqa|pyright:\s*ignore/;

const OURS_JS_NEXT = /concurrency-lens-ignore-next-line\b([^\n]*)/;
const OURS_JS_LINE = /concurrency-lens-ignore\b(?!-)([^\n]*)/;
const OURS_PY = /#\s*concurrency-lens:\s*ignore(?:\[([^\]]*)\])?/;
const ESLINT = /^\s*eslint-(disable-next-line|disable-line|disable|enable)\b([\s\S]*)$/;
const NOQA = /#\s*noqa\b(?::\s*([A-Za-z]+\d+(?:[\s,]+[A-Za-z]+\d+)*))?/gi;
const PYRIGHT = /#\s*pyright:\s*ignore\[([^\]]*)\]/g;

function ours(list: string | undefined): Rules {
  const names = (list ?? '').split(/[\s,]+/).map((s) => s.trim()).filter((s) => /^[a-z][a-z0-9-]*$/.test(s));
  return names.length === 0 ? 'all' : new Set(names);
}

/** Peer names -> our rules; undefined when none of them is one we know (the comment is about something else). */
function peers(names: string[]): Rules | undefined {
  const out = new Set<string>();
  for (const n of names) {
    for (const id of PEER_RULES[n] ?? (ASYNC_BLOCKING.test(n.toUpperCase()) ? ['blocking-call-in-async'] : [])) out.add(id);
  }
  return out.size > 0 ? out : undefined;
}

/** `no-a, n/no-b -- because` -> its rule names; [] for none (every rule). */
function eslintRules(rest: string): string[] {
  const list = rest.split(/\s--\s|\s--$/)[0];
  return list.split(',').map((s) => s.trim()).filter(Boolean);
}

function add(map: Map<number, Rules>, line: number, what: Rules): void {
  const prev = map.get(line);
  if (prev === 'all' || what === 'all') map.set(line, 'all');
  else map.set(line, new Set([...(prev ?? []), ...what]));
}

/** The comment's text without its delimiters. */
function body(comment: string): string {
  if (comment.startsWith('//')) return comment.slice(2);
  if (comment.startsWith('/*')) return comment.slice(2, comment.endsWith('*/') ? -2 : undefined);
  return comment;
}

export function findSuppressions(root: Node, text: string, family: 'python' | 'js'): Suppressions {
  const found: Suppressions = { lines: new Map(), blocks: [] };
  // Listing the comments walks the whole tree: only when the text has a marker at all.
  if (!MARKERS.test(text)) return found;
  const open = new Map<string, number>(); // eslint-disable block opened: rule (or '*') -> from line
  const closeBlock = (key: string, to: number) => {
    const from = open.get(key);
    if (from === undefined) return;
    open.delete(key);
    const rules = key === '*' ? 'all' : peers([key]);
    if (rules) found.blocks.push({ from, to, rules });
  };
  for (const c of root.descendantsOfType('comment')) {
    if (!c) continue;
    const raw = c.text;
    if (!MARKERS.test(raw)) continue;
    const line = c.startPosition.row;
    // A comment alone on its line speaks of the next one (after its own end, for a block comment).
    const alone = text.slice(text.lastIndexOf('\n', c.startIndex - 1) + 1, c.startIndex).trim() === '';
    const next = c.endPosition.row + 1;
    if (family === 'js') {
      const inner = body(raw);
      const mine = OURS_JS_NEXT.exec(inner);
      if (mine) { add(found.lines, next, ours(mine[1])); continue; }
      const mineHere = OURS_JS_LINE.exec(inner);
      if (mineHere) { add(found.lines, line, ours(mineHere[1])); continue; }
      const m = ESLINT.exec(inner);
      if (!m) continue;
      const names = eslintRules(m[2]);
      const rules = names.length === 0 ? 'all' : peers(names);
      if (m[1] === 'disable-next-line') { if (rules) add(found.lines, next, rules); }
      else if (m[1] === 'disable-line') { if (rules) add(found.lines, line, rules); }
      else if (m[1] === 'disable') { for (const n of names.length ? names : ['*']) if (!open.has(n)) open.set(n, line); }
      else for (const n of names.length ? names : [...open.keys()]) closeBlock(n, line);
      continue;
    }
    const mine = OURS_PY.exec(raw);
    if (mine) add(found.lines, alone ? next : line, ours(mine[1]));
    // ruff's and pyright's comments cover their own line only.
    for (const m of raw.matchAll(NOQA)) {
      const rules = m[1] === undefined ? 'all' : peers(m[1].split(/[\s,]+/).filter(Boolean));
      if (rules) add(found.lines, line, rules);
    }
    for (const m of raw.matchAll(PYRIGHT)) {
      const rules = peers(m[1].split(',').map((s) => s.trim()));
      if (rules) add(found.lines, line, rules);
    }
  }
  const last = root.endPosition.row;
  for (const key of [...open.keys()]) closeBlock(key, last);
  return found;
}

export function isSuppressed(s: Suppressions, line: number, rule: string): boolean {
  const here = s.lines.get(line);
  if (here !== undefined && (here === 'all' || here.has(rule))) return true;
  return s.blocks.some((b) => b.from <= line && line <= b.to && (b.rules === 'all' || b.rules.has(rule)));
}
