import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, openFixture, ourDiagnostics, waitFor } from './util';

suite('extension', () => {
  test('activates on a Python file and its server reports time.sleep in async def', async () => {
    const editor = await openFixture('fetch.py');
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'the extension is installed');
    await waitFor('activation', () => ext.isActive);
    const diags = await waitFor('a diagnostic on fetch.py', () => {
      const d = ourDiagnostics(editor.document.uri);
      return d.length > 0 ? d : undefined;
    });
    const sleep = diags.find((d) => d.code === 'blocking-call-in-async' || (typeof d.code === 'object' && d.code.value === 'blocking-call-in-async'));
    assert.ok(sleep, `blocking-call-in-async among ${diags.map((d) => d.message).join('; ')}`);
    assert.equal(sleep.range.start.line, 5);
    assert.match(sleep.message, /time\.sleep/);
    assert.equal(sleep.severity, vscode.DiagnosticSeverity.Warning);
  });

  test('reports fs.readFileSync in an async TS function and in TSX', async () => {
    for (const [file, line] of [['load.ts', 3], ['view.tsx', 3]] as const) {
      const editor = await openFixture(file);
      const diags = await waitFor(`a diagnostic on ${file}`, () => {
        const d = ourDiagnostics(editor.document.uri).filter((x) => x.range.start.line === line);
        return d.length > 0 ? d : undefined;
      });
      assert.match(diags[0].message, /readFileSync/);
    }
  });

  test('an edit that removes the blocking call clears the diagnostic', async () => {
    const editor = await openFixture('load.ts');
    await waitFor('the initial diagnostic', () => ourDiagnostics(editor.document.uri).length > 0 || undefined);
    const line = editor.document.lineAt(3);
    await editor.edit((e) => e.replace(line.range, "  return fs.promises.readFile(path, 'utf8');"));
    await waitFor('no diagnostics after the edit', () => ourDiagnostics(editor.document.uri).length === 0 || undefined);
    await vscode.commands.executeCommand('undo');
    await waitFor('the diagnostic back after undo', () => ourDiagnostics(editor.document.uri).length > 0 || undefined);
  });

  test('contributed commands are registered and run', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['concurrencyLens.showOutput', 'concurrencyLens.restartServer']) assert.ok(all.includes(id), `${id} registered`);
    await vscode.commands.executeCommand('concurrencyLens.restartServer');
    const editor = await openFixture('fetch.py');
    await waitFor('diagnostics after a server restart', () => ourDiagnostics(editor.document.uri).length > 0 || undefined);
  });
});
