/**
 * The JSON Schema of concurrency-lens.json, made from the editor settings package.json
 * contributes (which a test keeps equal to settings.ts): the same keys without the
 * `concurrencyLens.` prefix, nested at their dots. scripts/config-schema.ts writes it to
 * schemas/concurrency-lens.schema.json; a test fails when the file and this disagree.
 */
import { SECTION } from './settings';

type Property = Record<string, unknown>;

/** Keys that only mean something to VS Code's settings editor. */
const EDITOR_ONLY = new Set(['scope', 'order', 'tags']);

export function configFileSchema(properties: Record<string, Property>): Property {
  const root: Property = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'concurrency-lens.json',
    description: 'Settings of `concurrency-lens check` and `run`: the editor\'s concurrencyLens.* settings without the prefix.',
    type: 'object',
    additionalProperties: false,
    properties: { $schema: { type: 'string', description: 'The schema this file follows.' } } as Record<string, Property>,
  };
  for (const [key, spec] of Object.entries(properties)) {
    if (!key.startsWith(`${SECTION}.`)) continue;
    const parts = key.slice(SECTION.length + 1).split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const props = node.properties as Record<string, Property>;
      props[part] ??= { type: 'object', additionalProperties: false, properties: {} };
      node = props[part];
    }
    const out: Property = {};
    for (const [k, v] of Object.entries(spec)) if (!EDITOR_ONLY.has(k)) out[k] = v;
    if (out.markdownDescription && !out.description) out.description = out.markdownDescription;
    (node.properties as Record<string, Property>)[parts[parts.length - 1]] = out;
  }
  return root;
}
