/**
 * "Concurrency Lens: Open Lesson…": the lessons in snippets/ in a quick pick, by language, each
 * with its topic; the pick opens in an editor. Lessons shipped inside an installed extension sit
 * in a folder that may be read-only and is replaced on update, so they are first copied to the
 * extension's global storage (once: a learner's edits are kept) and the copy is opened; in a
 * development host the repository's own snippets/ are opened in place.
 */
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lessonIndex, type Lesson } from './lesson-index';

export const OPEN_LESSON = 'concurrencyLens.openLesson';

/** The lesson's folder (python/, typescript/, javascript/) in global storage, copied when missing. */
async function writableCopy(context: vscode.ExtensionContext, snippets: string, rel: string): Promise<string> {
  const family = rel.split('/')[0];
  const target = path.join(context.globalStorageUri.fsPath, 'lessons', family);
  // The whole folder, so lessons that mention each other sit side by side; existing files stay.
  await fs.promises.mkdir(target, { recursive: true });
  for (const f of await fs.promises.readdir(path.join(snippets, family))) {
    const to = path.join(target, f);
    if (!fs.existsSync(to)) await fs.promises.copyFile(path.join(snippets, family, f), to);
  }
  return path.join(target, path.basename(rel));
}

async function pick(lessons: Lesson[]): Promise<Lesson | undefined> {
  type Item = vscode.QuickPickItem & { lesson?: Lesson };
  const items: Item[] = [];
  lessons.forEach((l, k) => {
    if (lessons[k - 1]?.family !== l.family) items.push({ label: l.family, kind: vscode.QuickPickItemKind.Separator });
    items.push({ label: path.basename(l.rel), description: l.topic, detail: l.zh || undefined, lesson: l });
  });
  const chosen = await vscode.window.showQuickPick(items, { title: 'Open Lesson', placeHolder: 'Type a topic: threads, GIL, TaskGroup, Promise.all, Atomics…', matchOnDescription: true, matchOnDetail: true });
  return chosen?.lesson;
}

/** Registers the command; an argument (`python/cpu_bound.py`) opens that lesson without asking. */
export function registerLessons(context: vscode.ExtensionContext): void {
  const snippets = context.asAbsolutePath('snippets');
  context.subscriptions.push(vscode.commands.registerCommand(OPEN_LESSON, async (rel?: string) => {
    const lessons = lessonIndex(snippets);
    const lesson = typeof rel === 'string' ? lessons.find((l) => l.rel === rel) : await pick(lessons);
    if (!lesson) {
      if (typeof rel === 'string') void vscode.window.showErrorMessage(`Concurrency Lens: no lesson '${rel}'.`);
      return undefined;
    }
    const file = context.extensionMode === vscode.ExtensionMode.Development
      ? path.join(snippets, lesson.rel)
      : await writableCopy(context, snippets, lesson.rel);
    await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
    return file;
  }));
}
