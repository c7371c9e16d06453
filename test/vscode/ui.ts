/** Small helpers for driving the code-server workbench with Playwright. */
import type { Page } from 'playwright-core';
import * as path from 'node:path';
import { RESULTS_DIR } from './host';

export async function waitForWorkbench(page: Page): Promise<void> {
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  // The explorer shows the folder once the remote file system is connected.
  await page.waitForSelector('.explorer-folders-view, .explorer-viewlet', { timeout: 90_000 });
}

/** Opens a workspace file through Quick Open, as a user would. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => undefined);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(name);
  // Recently opened files show first; wait for the search result that names the file.
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
  await page.locator(`.tab[aria-label^="${name}"]`).first().waitFor({ timeout: 30_000 });
  await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 30_000 });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** The active editor's line element whose text contains `needle`. */
export function lineContaining(page: Page, needle: string) {
  return page.locator('.editor-instance .view-line', { hasText: needle }).first();
}

/** Runs a command by its title from the command palette, as a user would. */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill('>' + title);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title.split(': ').pop()! }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
}
