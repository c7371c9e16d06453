/**
 * Suppression comments:
 *   // concurrency-lens-ignore-next-line rule-a, rule-b
 *   # concurrency-lens: ignore[rule-a, rule-b]     (trailing, or alone on the line before)
 * No ids means every rule.
 */
export type Suppressions = Map<number, Set<string> | 'all'>;

const JS_NEXT = /\/\/\s*concurrency-lens-ignore-next-line\b([^\n]*)/;
const PY_IGNORE = /#\s*concurrency-lens:\s*ignore(?:\[([^\]]*)\])?/;
const JS_TRAILING = /\/\/\s*concurrency-lens-ignore\b(?!-)([^\n]*)/;

function ids(list: string | undefined): Set<string> | 'all' {
  const names = (list ?? '').split(/[\s,]+/).map((s) => s.trim()).filter((s) => /^[a-z][a-z0-9-]*$/.test(s));
  return names.length === 0 ? 'all' : new Set(names);
}

function add(map: Suppressions, line: number, what: Set<string> | 'all'): void {
  const prev = map.get(line);
  if (prev === 'all' || what === 'all') map.set(line, 'all');
  else map.set(line, new Set([...(prev ?? []), ...what]));
}

export function findSuppressions(text: string, family: 'python' | 'js'): Suppressions {
  const map: Suppressions = new Map();
  if (!text.includes('concurrency-lens')) return map;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.includes('concurrency-lens')) continue;
    if (family === 'js') {
      const next = JS_NEXT.exec(line);
      if (next) { add(map, i + 1, ids(next[1])); continue; }
      const trailing = JS_TRAILING.exec(line);
      if (trailing) add(map, i, ids(trailing[1]));
    } else {
      const m = PY_IGNORE.exec(line);
      if (!m) continue;
      const alone = line.trimStart().startsWith('#');
      add(map, alone ? i + 1 : i, ids(m[1]));
    }
  }
  return map;
}

export function isSuppressed(map: Suppressions, line: number, rule: string): boolean {
  const s = map.get(line);
  return s !== undefined && (s === 'all' || s.has(rule));
}
