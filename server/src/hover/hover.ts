/**
 * Hover text for concurrency primitives: the entry under the cursor rendered as short
 * markdown in English or Simplified Chinese. Pure: the LSP server passes in the tree and
 * the analysis it already has for the document's version.
 */
import type { Grammar, Tree } from '../core/parser';
import type { Analysis } from '../core/engine';
import type { Range } from '../core/types';
import { nodeRange } from '../core/rule';
import { knowledgeBase, type HoverLanguage, type KbEntry } from './kb';
import { resolveAt } from './resolve';

export type { HoverLanguage } from './kb';

/** `auto` follows VS Code's display language: any `zh` locale reads Chinese. */
export function resolveHoverLanguage(setting: 'auto' | 'en' | 'zh-cn', locale: string | undefined): 'en' | 'zh-cn' {
  if (setting !== 'auto') return setting;
  return locale?.toLowerCase().startsWith('zh') ? 'zh-cn' : 'en';
}

const LABELS: Record<HoverLanguage, { runsOn: string; blocks: string; gil: string; pitfalls: string; versions: string; compare: string; docs: string; python: string; js: string }> = {
  en: { runsOn: 'Runs on', blocks: 'Blocks', gil: 'GIL', pitfalls: 'Pitfalls', versions: 'Versions', compare: 'Compare with', docs: 'Documentation', python: 'Python', js: 'Node' },
  'zh-cn': { runsOn: '运行于', blocks: '阻塞', gil: 'GIL', pitfalls: '常见陷阱', versions: '版本说明', compare: '对照', docs: '官方文档', python: 'Python', js: 'Node' },
};

/** A table cell cannot hold a pipe or a line break. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function titleOf(entry: KbEntry): string {
  return entry.title ?? entry.id;
}

/** The hover markdown of one entry. */
export function renderEntry(entry: KbEntry, language: HoverLanguage): string {
  const kb = knowledgeBase();
  const family = kb.byId.get(entry.id)?.family ?? 'python';
  const text = entry[language];
  const l = LABELS[language];
  const out: string[] = [];
  out.push(`**\`${titleOf(entry)}\`** · ${family === 'python' ? l.python : l.js}`, '', text.summary, '');
  if (family === 'python' && text.gil) {
    out.push(`| ${l.runsOn} | ${l.blocks} | ${l.gil} |`, '|---|---|---|', `| ${cell(text.runsOn)} | ${cell(text.blocks)} | ${cell(text.gil)} |`);
  } else {
    out.push(`| ${l.runsOn} | ${l.blocks} |`, '|---|---|', `| ${cell(text.runsOn)} | ${cell(text.blocks)} |`);
  }
  out.push('', `**${l.pitfalls}**`, ...text.pitfalls.map((p) => `- ${p}`), '');
  if (text.versions?.length) out.push(`**${l.versions}**`, ...text.versions.map((v) => `- ${v}`), '');
  out.push('```' + (family === 'python' ? 'python' : 'javascript'), ...entry.example, '```', '');
  const other = entry.counterpart ? kb.byId.get(entry.counterpart) : undefined;
  if (other) {
    const colon = language === 'zh-cn' ? '：' : ': ';
    out.push(`${l.compare}${colon}\`${titleOf(other.entry)}\` (${other.family === 'python' ? l.python : l.js})${colon}${other.entry[language].summary}`, '');
  }
  out.push(`[${l.docs}](${entry.docs})`);
  return out.join('\n');
}

/** Hover for the position, or null when nothing there is a known primitive. */
export function hoverAt(
  grammar: Grammar,
  tree: Tree,
  analysis: Analysis,
  position: { line: number; character: number },
  language: 'en' | 'zh-cn',
): { markdown: string; range: Range } | null {
  const hit = resolveAt(grammar, tree, analysis, position);
  if (!hit) return null;
  return { markdown: renderEntry(hit.entry, language), range: nodeRange(hit.node) };
}
