/**
 * Calls that block the calling thread, by qualified name, with what to use in async code.
 * Shared by blocking-call-in-async and blocking-helper-in-async. Data, not code paths.
 */
export interface BlockingCall {
  /** what to use instead, in async code */
  instead: string;
}

type Table = Record<string, BlockingCall>;

const toThread = 'run it with `await asyncio.to_thread(...)`';

export const PYTHON_BLOCKING: Table = {
  'time.sleep': { instead: 'use `await asyncio.sleep()`' },
  'urllib.request.urlopen': { instead: 'use an async HTTP client, or ' + toThread },
  'open': { instead: 'use `aiofiles`, or ' + toThread },
  'io.open': { instead: 'use `aiofiles`, or ' + toThread },
  'input': { instead: 'read stdin with `loop.connect_read_pipe`, or ' + toThread },
  'subprocess.run': { instead: 'use `await asyncio.create_subprocess_exec()`' },
  'subprocess.call': { instead: 'use `await asyncio.create_subprocess_exec()`' },
  'subprocess.check_call': { instead: 'use `await asyncio.create_subprocess_exec()`' },
  'subprocess.check_output': { instead: 'use `await asyncio.create_subprocess_exec()`' },
  'subprocess.Popen': { instead: 'use `await asyncio.create_subprocess_exec()`' },
  'subprocess.getoutput': { instead: 'use `await asyncio.create_subprocess_shell()`' },
  'subprocess.getstatusoutput': { instead: 'use `await asyncio.create_subprocess_shell()`' },
  'os.system': { instead: 'use `await asyncio.create_subprocess_shell()`' },
  'os.popen': { instead: 'use `await asyncio.create_subprocess_shell()`' },
  'os.wait': { instead: 'await the process with `asyncio.create_subprocess_exec()` and `proc.wait()`' },
  'os.waitpid': { instead: 'await the process with `asyncio.create_subprocess_exec()` and `proc.wait()`' },
  'os.wait3': { instead: 'await the process with `asyncio.create_subprocess_exec()` and `proc.wait()`' },
  'os.wait4': { instead: 'await the process with `asyncio.create_subprocess_exec()` and `proc.wait()`' },
  'threading.Lock.acquire': { instead: 'use `asyncio.Lock` and `async with`' },
  'threading.RLock.acquire': { instead: 'use `asyncio.Lock` and `async with`' },
  'threading.Event.wait': { instead: 'use `asyncio.Event` and `await event.wait()`' },
  'threading.Condition.wait': { instead: 'use `asyncio.Condition`' },
  'threading.Condition.wait_for': { instead: 'use `asyncio.Condition`' },
  'threading.Semaphore.acquire': { instead: 'use `asyncio.Semaphore`' },
  'threading.BoundedSemaphore.acquire': { instead: 'use `asyncio.Semaphore`' },
  'threading.Barrier.wait': { instead: 'use `asyncio.Barrier`' },
  'threading.Thread.join': { instead: toThread.replace('...', 't.join') },
  'multiprocessing.Process.join': { instead: toThread.replace('...', 'p.join') },
  'queue.Queue.get': { instead: 'use `asyncio.Queue` and `await q.get()`' },
  'queue.Queue.put': { instead: 'use `asyncio.Queue` and `await q.put()`' },
  'multiprocessing.Queue.get': { instead: toThread.replace('...', 'q.get') },
  'concurrent.futures.Future.result': { instead: 'await it with `asyncio.wrap_future(fut)`' },
  'concurrent.futures.wait': { instead: 'use `asyncio.wait()` on wrapped futures' },
  'requests.get': { instead: 'use an async HTTP client (httpx.AsyncClient, aiohttp)' },
  'requests.post': { instead: 'use an async HTTP client (httpx.AsyncClient, aiohttp)' },
  'requests.put': { instead: 'use an async HTTP client (httpx.AsyncClient, aiohttp)' },
  'requests.patch': { instead: 'use an async HTTP client (httpx.AsyncClient, aiohttp)' },
  'requests.delete': { instead: 'use an async HTTP client (httpx.AsyncClient, aiohttp)' },
  'requests.head': { instead: 'use an async HTTP client (httpx.AsyncClient, aiohttp)' },
  'requests.options': { instead: 'use an async HTTP client (httpx.AsyncClient, aiohttp)' },
  'requests.request': { instead: 'use an async HTTP client (httpx.AsyncClient, aiohttp)' },
  'requests.Session.get': { instead: 'use an async HTTP client (httpx.AsyncClient, aiohttp)' },
  'requests.Session.post': { instead: 'use an async HTTP client (httpx.AsyncClient, aiohttp)' },
  'requests.Session.request': { instead: 'use an async HTTP client (httpx.AsyncClient, aiohttp)' },
  'httpx.get': { instead: 'use `httpx.AsyncClient` and `await client.get()`' },
  'httpx.post': { instead: 'use `httpx.AsyncClient` and `await client.post()`' },
  'httpx.put': { instead: 'use `httpx.AsyncClient` and `await client.put()`' },
  'httpx.patch': { instead: 'use `httpx.AsyncClient` and `await client.patch()`' },
  'httpx.delete': { instead: 'use `httpx.AsyncClient` and `await client.delete()`' },
  'httpx.head': { instead: 'use `httpx.AsyncClient` and `await client.head()`' },
  'httpx.request': { instead: 'use `httpx.AsyncClient` and `await client.request()`' },
  'httpx.stream': { instead: 'use `httpx.AsyncClient` and `client.stream()`' },
  'httpx.Client.get': { instead: 'use `httpx.AsyncClient` and `await client.get()`' },
  'httpx.Client.post': { instead: 'use `httpx.AsyncClient` and `await client.post()`' },
  'httpx.Client.request': { instead: 'use `httpx.AsyncClient` and `await client.request()`' },
  'pathlib.Path.read_text': { instead: toThread },
  'pathlib.Path.read_bytes': { instead: toThread },
  'pathlib.Path.write_text': { instead: toThread },
  'pathlib.Path.write_bytes': { instead: toThread },
  'pathlib.Path.open': { instead: toThread },
  'socket.socket.recv': { instead: 'use `asyncio.open_connection()` streams' },
  'socket.socket.accept': { instead: 'use `asyncio.start_server()`' },
  'socket.create_connection': { instead: 'use `await asyncio.open_connection()`' },
  'ray.get': { instead: 'use `await ref` (an ObjectRef is awaitable), or `await asyncio.gather(*refs)` for several' },
  'ray.wait': { instead: 'use `await asyncio.wait(refs)` (ObjectRefs are awaitable)' },
};

const fsAsync = (name: string): BlockingCall => ({ instead: `use \`await fs.promises.${name}()\` (from 'fs/promises')` });

const FS_SYNC = [
  'access', 'appendFile', 'chmod', 'chown', 'copyFile', 'cp', 'exists', 'fchmod', 'fchown', 'fdatasync', 'fstat', 'fsync',
  'ftruncate', 'futimes', 'lchmod', 'lchown', 'link', 'lstat', 'lutimes', 'mkdir', 'mkdtemp', 'open', 'opendir', 'read', 'readdir',
  'readFile', 'readlink', 'readv', 'realpath', 'rename', 'rm', 'rmdir', 'stat', 'statfs', 'symlink', 'truncate', 'unlink', 'utimes',
  'write', 'writeFile', 'writev', 'close',
];

export const JS_BLOCKING: Table = {
  ...Object.fromEntries(FS_SYNC.map((n) => [`fs.${n}Sync`, n === 'exists' ? { instead: "use `await fs.promises.access()` (from 'fs/promises')" } : fsAsync(n)])),
  'child_process.execSync': { instead: "use `promisify(exec)` or `execFile` from 'child_process' with a callback" },
  'child_process.execFileSync': { instead: "use `promisify(execFile)` from 'child_process'" },
  'child_process.spawnSync': { instead: "use `spawn` from 'child_process' and wait for its 'close' event" },
  ...Object.fromEntries(
    ['gzip', 'gunzip', 'deflate', 'inflate', 'deflateRaw', 'inflateRaw', 'unzip', 'brotliCompress', 'brotliDecompress'].map((n) => [
      `zlib.${n}Sync`, { instead: `use \`promisify(zlib.${n})\` or a stream` },
    ]),
  ),
  'crypto.pbkdf2Sync': { instead: "use `promisify(crypto.pbkdf2)`, which runs on libuv's thread pool" },
  'crypto.scryptSync': { instead: "use `promisify(crypto.scrypt)`, which runs on libuv's thread pool" },
  'crypto.randomFillSync': { instead: 'use `promisify(crypto.randomFill)`' },
  'crypto.generateKeyPairSync': { instead: 'use `promisify(crypto.generateKeyPair)`' },
  'crypto.generateKeySync': { instead: 'use `promisify(crypto.generateKey)`' },
  'crypto.generatePrimeSync': { instead: 'use `promisify(crypto.generatePrime)`' },
  'crypto.checkPrimeSync': { instead: 'use `promisify(crypto.checkPrime)`' },
  'crypto.hkdfSync': { instead: 'use `promisify(crypto.hkdf)`' },
  'Atomics.wait': { instead: 'use `await Atomics.waitAsync(...).value`' },
};

/** The entry for a qualified name, with the user's extra blocking calls from settings. */
export function blockingEntry(table: Table, name: string, extra: readonly string[]): BlockingCall | undefined {
  const hit = table[name];
  if (hit) return hit;
  if (extra.includes(name)) return { instead: 'run it off the event loop' };
  return undefined;
}
