/**
 * The project index built incrementally (files added, changed, deleted in any order, with questions
 * asked in between, which fill its caches) answers exactly as one built from scratch from the final
 * files: module resolution, symbol lookup, class members through bases, and dependents.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { initParsers, parse } from '../../server/src/core/parser';
import { summarize } from '../../server/src/core/project/summary';
import { ProjectIndex, emptyLayout, type Sym } from '../../server/src/core/project/project';
import { summaryKey, prepare } from '../../server/src/core/engine';
import * as fs from 'node:fs';
import * as path from 'node:path';

before(async () => { await initParsers(); });

const FILES = ['/w/a.ts', '/w/b.ts', '/w/lib/index.ts', '/w/lib/c.ts', '/w/d.ts'];
const SPEC: Record<string, string[]> = {
  '/w/a.ts': ['./b', './lib', './lib/c.js', './d'],
  '/w/b.ts': ['./a', './lib/index', './d.js'],
  '/w/lib/index.ts': ['./c', '../a', '../b'],
  '/w/lib/c.ts': ['../d', './index', '../a'],
  '/w/d.ts': ['./lib', './b', './lib/c'],
};
const NAMES = ['Repo', 'Store', 'Cache'];

/** One module's text: some classes (maybe extending an import), an import, a re-export. */
const moduleText = (file: string) => fc.record({
  classes: fc.subarray(NAMES),
  asyncSave: fc.boolean(),
  base: fc.constantFrom(...NAMES),
  imp: fc.constantFrom(...SPEC[file]),
  reexp: fc.constantFrom(...SPEC[file]),
  star: fc.boolean(),
}).map((m) => {
  const lines = [`import { ${m.base} as Base } from '${m.imp}';`];
  lines.push(m.star ? `export * from '${m.reexp}';` : `export { ${m.base} as Other } from '${m.reexp}';`);
  for (const c of m.classes) {
    lines.push(`export class ${c} extends Base {`, `  ${m.asyncSave ? 'async ' : ''}save(): Promise<void> { return Promise.resolve(); }`, '}');
  }
  return lines.join('\n') + '\n';
});

type Op = { kind: 'set'; file: string; text: string } | { kind: 'delete'; file: string } | { kind: 'ask' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constantFrom(...FILES).chain((file) => moduleText(file).map((text): Op => ({ kind: 'set', file, text }))),
  fc.constantFrom(...FILES).map((file): Op => ({ kind: 'delete', file })),
  fc.constant<Op>({ kind: 'ask' }),
);

function put(index: ProjectIndex, file: string, text: string): void {
  const tree = parse('typescript', text);
  const summary = summarize('js', tree);
  tree.delete();
  index.set(file, summaryKey(summary), summary);
}

function show(sym: Sym | undefined): string {
  if (!sym) return '-';
  if (sym.kind === 'lib') return `lib:${sym.name}`;
  if (sym.kind === 'module') return `module:${sym.file}`;
  return `${sym.kind}:${sym.file}#${sym.name}`;
}

/** Every answer the rules can get from the index, as text. */
function answers(index: ProjectIndex): string[] {
  const out: string[] = [];
  for (const file of FILES) {
    for (const spec of SPEC[file]) out.push(`${file} resolves ${spec} -> ${index.resolveModule(file, spec) ?? '-'}`);
    for (const name of [...NAMES, 'Base', 'Other']) {
      out.push(`${file} local ${name} = ${show(index.lookupLocal(file, name))}`);
      out.push(`${file} export ${name} = ${show(index.lookupExport(file, name))}`);
      const cls = index.classOf(index.lookupLocal(file, name));
      const m = cls ? index.member(cls, 'save') : undefined;
      out.push(`${file} ${name}.save = ${m ? `${m.owner.file}#${m.owner.name} async=${m.method?.async}` : '-'}`);
    }
    out.push(`${file} dependents = ${[...index.dependents(file)].sort().join(',')}`);
  }
  for (const name of [...NAMES, 'save', 'Base', 'Other']) out.push(`may await ${name}: ${index.mayAwait(name)}, may call ${name}: ${index.mayCall(name)}`);
  return out;
}

test('an index updated incrementally answers as one built from scratch', () => {
  fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => {
    const incremental = new ProjectIndex(emptyLayout(['/w']));
    const final = new Map<string, string>();
    for (const o of ops) {
      if (o.kind === 'set') {
        put(incremental, o.file, o.text);
        final.set(o.file, o.text);
      } else if (o.kind === 'delete') {
        incremental.delete(o.file);
        final.delete(o.file);
      } else answers(incremental);
    }
    const scratch = new ProjectIndex(emptyLayout(['/w']));
    for (const [file, text] of final) put(scratch, file, text);
    assert.deepEqual(answers(incremental), answers(scratch));
  }), { numRuns: 150 });
});

test('import cycles and self-extending classes end with an answer, not a hang', () => {
  const index = new ProjectIndex(emptyLayout(['/w']));
  put(index, '/w/a.ts', "import { B } from './b';\nexport * from './b';\nexport class A extends B {}\n");
  put(index, '/w/b.ts', "import { A } from './a';\nexport * from './a';\nexport class B extends A {}\n");
  const a = index.classOf(index.lookupLocal('/w/a.ts', 'A'));
  assert.ok(a);
  assert.equal(index.member(a, 'missing'), undefined);
  assert.equal(index.lookupExport('/w/a.ts', 'Nothing'), undefined);
  assert.deepEqual([...index.dependents('/w/a.ts')], ['/w/b.ts']);
});

test('a summary made beside an analysis (from the index) equals one made from the tree alone', () => {
  const dir = path.resolve(__dirname, '../../../test/fixtures/project');
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(py|ts|js)$/.test(f));
  assert.ok(files.length > 20);
  for (const rel of files) {
    const text = fs.readFileSync(path.join(dir, rel), 'utf8');
    const grammar = rel.endsWith('.py') ? 'python' : rel.endsWith('.js') ? 'javascript' : 'typescript';
    const tree = parse(grammar, text);
    try {
      assert.deepEqual(prepare(grammar, tree, text).summary, summarize(grammar === 'python' ? 'python' : 'js', tree), rel);
    } finally {
      tree.delete();
    }
  }
});
