/**
 * The language server's project index over the workspace folders: built in the background (in
 * worker threads when there are many files), its summaries cached by each file's content hash,
 * kept current from watched-file events; open documents put their own (unsaved) summary in it on
 * every analysis. The LSP wiring (progress, registration, re-publishing dependents) is server.ts's.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { grammarForPath, parse, familyOf } from './core/parser';
import { sizeCap, summaryKey } from './core/engine';
import { summarize, type ModuleSummary } from './core/project/summary';
import { ProjectIndex, emptyLayout } from './core/project/project';
import { collectFiles, type WorkerJob, type WorkerReply } from './check';
import { scanLayout, isLayoutFile } from './project-layout';

/** A workspace this large is summarised by worker threads. */
const WORKER_THRESHOLD = 200;

export class WorkspaceIndex {
  readonly project = new ProjectIndex();
  private roots: string[] = [];
  private configs: string[] = [];
  /** content hash -> summary, so a file whose text comes back (undo, branch switch) is not parsed again */
  private byHash = new Map<string, ModuleSummary>();
  private diskHash = new Map<string, string>();
  /** files whose summary comes from an open editor, not the disk */
  private open = new Set<string>();

  /** Walks the roots and summarises every file; `progress` gets a fraction done. Yields to the event loop between files. */
  async build(roots: string[], workerScript: string | undefined, progress: (done: number, total: number) => void): Promise<number> {
    this.roots = roots.map((r) => path.resolve(r));
    const { files, configs } = collectFiles(this.roots);
    this.configs = configs.map((c) => path.resolve(c));
    this.project.setLayout(this.roots.length ? scanLayout(this.roots, this.configs) : emptyLayout());
    const abs = files.map((f) => path.resolve(f));
    const workers = Math.min(os.availableParallelism?.() ?? os.cpus().length, 4);
    if (workerScript && fs.existsSync(workerScript) && abs.length >= WORKER_THRESHOLD && workers > 1) {
      await this.buildInWorkers(abs, workerScript, workers, progress);
    } else {
      for (let i = 0; i < abs.length; i++) {
        this.refreshFile(abs[i]);
        if (i % 20 === 19) {
          progress(i + 1, abs.length);
          await new Promise((r) => setImmediate(r));
        }
      }
    }
    progress(abs.length, abs.length);
    return abs.length;
  }

  private async buildInWorkers(files: string[], script: string, count: number, progress: (done: number, total: number) => void): Promise<void> {
    const chunks: string[][] = Array.from({ length: count }, () => []);
    files.forEach((f, i) => chunks[i % count].push(f));
    let done = 0;
    await Promise.all(chunks.filter((c) => c.length).map((chunk) => new Promise<void>((resolve, reject) => {
      const job: WorkerJob = { files: chunk, settings: { rules: {}, blockingCalls: [], ignore: [] }, layout: this.project.layout, summariesOnly: true };
      const w = new Worker(script, { workerData: job, argv: ['--check-worker'] });
      w.on('message', (reply: WorkerReply) => {
        if ('error' in reply) return reject(new Error(reply.error));
        if (!('summaries' in reply)) return;
        for (const [file, key, summary] of reply.summaries) {
          if (!this.open.has(file)) this.project.set(file, key, summary);
        }
        done += chunk.length;
        progress(done, files.length);
        resolve();
      });
      w.once('error', reject);
      w.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`index worker exited with ${code}`))));
    })));
  }

  /** Re-reads one file from disk (created or changed); true when what it declares changed. */
  refreshFile(file: string): boolean {
    if (this.open.has(file)) return false;
    const grammar = grammarForPath(file);
    if (!grammar) return false;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return this.project.delete(file);
    }
    const hash = createHash('sha1').update(text).digest('hex');
    if (this.diskHash.get(file) === hash && this.project.summary(file)) return false;
    this.diskHash.set(file, hash);
    let summary = this.byHash.get(hash);
    if (!summary) {
      if (sizeCap(text)) return false;
      const tree = parse(grammar, text);
      try {
        summary = summarize(familyOf(grammar), tree);
      } finally {
        tree.delete();
      }
      this.byHash.set(hash, summary);
    }
    return this.project.set(file, summaryKey(summary), summary);
  }

  /** A tsconfig/jsconfig/package.json changed: the layout is read again. */
  refreshLayout(file: string, deleted: boolean): void {
    const abs = path.resolve(file);
    if (deleted) this.configs = this.configs.filter((c) => c !== abs);
    else if (!this.configs.includes(abs)) this.configs.push(abs);
    this.project.setLayout(scanLayout(this.roots, this.configs));
  }

  isLayoutFile(file: string): boolean {
    return isLayoutFile(file);
  }

  deleteFile(file: string): boolean {
    this.diskHash.delete(file);
    return this.project.delete(file);
  }

  /** An editor holds this file: its analysis writes the summary from now on. */
  opened(file: string): void {
    this.open.add(file);
  }

  /** The editor closed it: back to the disk's version (if there is one). */
  closed(file: string): boolean {
    this.open.delete(file);
    this.diskHash.delete(file);
    return fs.existsSync(file) ? this.refreshFile(file) : this.project.delete(file);
  }
}
