// child_process: execFile (run a program, collect its output) and fork (a Node child
// with a message channel), both awaited as promises.
// 子进程：execFile 运行程序并取回输出；fork 启动带 IPC 通道的 Node 子进程。
//
// A child process has its own memory, event loop and pid; data crosses as text
// (execFile) or as messages serialised over IPC (fork). Run `compare` on `runFork`:
// each call pays the start-up of a whole Node process (tens of ms). In the values: the
// child's pid differs from `parentPid`, `square` is i * i, `exitCode` 0; `runExecFile`
// shows the child's output and "rejected, exit code 3" for a child that failed.
import { execFile, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

// promisify(execFile) resolves with { stdout, stderr } and rejects on a non-zero exit.
const execFileAsync = promisify(execFile);

export async function runExecFile(i: number): Promise<Record<string, unknown>> {
  const { stdout } = await execFileAsync(process.execPath, ['-p', `${i} ** 2 + ' from pid ' + process.pid`]);
  let failure = '';
  try {
    await execFileAsync(process.execPath, ['-e', 'process.exit(3)']);
  } catch (e) {
    failure = `rejected, exit code ${(e as { code?: number }).code}`;
  }
  return { parentPid: process.pid, output: stdout.trim(), failure };
}

// fork() runs a module file; this child's code is small enough to write to a temp file.
const CHILD_SOURCE = `process.once('message', (n) => {
  process.send({ pid: process.pid, square: n * n }, () => process.disconnect());
});`;

export async function runFork(i: number): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'concurrency-lens-fork-'));
  try {
    const file = path.join(dir, 'child.cjs');
    await writeFile(file, CHILD_SOURCE);
    const child = fork(file);
    const exited = once(child, 'exit'); // listen before anything can happen
    child.send(i);
    // once() rejects on 'error' but not on 'exit': race the reply with the exit, so a child
    // that dies before answering fails this call instead of hanging it.
    const reply = await Promise.race([
      once(child, 'message').then(([m]) => m as { pid: number; square: number }),
      exited.then(([code]) => Promise.reject(new Error(`child exited with ${String(code)} before replying`))),
    ]);
    const [code] = (await exited) as [number | null];
    return { parentPid: process.pid, ...reply, exitCode: code };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  Promise.all([runExecFile(3), runFork(3)]).then(console.log, (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
