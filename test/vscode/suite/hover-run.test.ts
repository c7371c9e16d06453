import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, openFixture, waitFor } from './util';
import type { ConcurrencyLensApi } from '../../../client/src/extension';
import type { RunTarget } from '../../../server/src/protocol';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

async function api(): Promise<ConcurrencyLensApi> {
  const ext = vscode.extensions.getExtension<ConcurrencyLensApi>(EXTENSION_ID)!;
  return ext.isActive ? ext.exports : ext.activate();
}

suite('hover and runs', () => {
  test('hover on asyncio.sleep (Python) and on readFileSync (TS) shows the primitive', async () => {
    const py = await openFixture('fetch.py');
    const col = py.document.lineAt(6).text.indexOf('sleep') + 1;
    const pyText = await waitFor('a hover on asyncio.sleep', async () => {
      const t = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', py.document.uri, new vscode.Position(6, col)));
      return /asyncio\.sleep/.test(t) ? t : undefined;
    });
    assert.match(pyText, /^\*\*`asyncio\.sleep`\*\*/m, 'the qualified name is the title');
    const ts = await openFixture('load.ts');
    const tcol = ts.document.lineAt(3).text.indexOf('readFileSync') + 2;
    const tsText = await waitFor('a hover on fs.readFileSync', async () => {
      const t = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', ts.document.uri, new vscode.Position(3, tcol)));
      return /readFileSync/.test(t) ? t : undefined;
    });
    assert.match(tsText, /^\*\*`fs\.\*Sync`\*\*/m, 'the entry for the fs Sync calls is the title');
    assert.match(tsText, /blocking-call-in-async/, 'the flagged range adds the rule explanation');
  });

  test('a run started from the compare lens completes and reports four harnesses', async () => {
    const editor = await openFixture('fetch.py');
    const lenses = await waitFor('run lenses on fetch.py', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 100);
      return l && l.some((x) => x.command?.title === 'compare') ? l : undefined;
    });
    const compare = lenses.find((l) => l.command?.title === 'compare' && (l.command.arguments?.[0] as RunTarget).name === 'crunch');
    assert.ok(compare?.command, `a compare lens on crunch among ${lenses.map((l) => l.command?.title).join(', ')}`);
    assert.ok(lenses.some((l) => /^▶ Run ×4$/.test(l.command?.title ?? '')), 'the ▶ Run ×4 lens');
    const result = await vscode.commands.executeCommand<import('../../../server/src/harness/types').RunResult>(compare.command.command, ...(compare.command.arguments ?? []));
    assert.ok(result, 'the run command returns its result');
    assert.deepEqual(result.runs.map((r) => r.harness), ['serial', 'thread', 'process', 'coroutine']);
    for (const r of result.runs) {
      assert.equal(r.ok, true, `${r.harness}: ${r.error}`);
      assert.equal(r.tasks.length, 4);
    }
    assert.equal((await api()).lastRun(), result);
  });
});
