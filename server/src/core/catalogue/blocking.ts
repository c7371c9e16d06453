/**
 * Calls that block the calling thread, by qualified name, with what to use in async code: the
 * `blocks` facts of the catalogue (catalogue/index.ts). Data, not code paths.
 */
export interface BlockingCall {
  /** what to use instead, in async code */
  instead: string;
}

type Table = Record<string, BlockingCall>;

const toThread = 'run it with `await asyncio.to_thread(...)`';
const offLoop = (call: string) => `run it with \`await asyncio.to_thread(${call}, ...)\``;
const entries = (names: string[], entry: (name: string) => BlockingCall): Table => Object.fromEntries(names.map((n) => [n, entry(n)]));

/** pathlib.Path methods that touch the file system (never the pure ones: `name`, `suffix`, `joinpath`, `with_name`, ...). */
const PATH_IO = [
  'stat', 'lstat', 'exists', 'is_file', 'is_dir', 'is_symlink', 'is_mount', 'is_socket', 'is_fifo', 'is_block_device', 'is_char_device',
  'is_junction', 'samefile', 'mkdir', 'rmdir', 'unlink', 'rename', 'replace', 'touch', 'chmod', 'lchmod', 'resolve', 'readlink',
  'symlink_to', 'hardlink_to', 'iterdir', 'glob', 'rglob', 'walk', 'open', 'read_text', 'read_bytes', 'write_text', 'write_bytes',
  'owner', 'group', 'copy', 'copy_into', 'move', 'move_into',
];
/** os calls with an awaitable twin in `aiofiles.os` (`aiofiles.os.path` for the os.path ones). */
const OS_AIOFILES = [
  'os.stat', 'os.rename', 'os.renames', 'os.replace', 'os.remove', 'os.unlink', 'os.mkdir', 'os.makedirs', 'os.rmdir', 'os.removedirs',
  'os.link', 'os.symlink', 'os.readlink', 'os.listdir', 'os.scandir', 'os.access', 'os.statvfs', 'os.sendfile',
  'os.path.exists', 'os.path.isfile', 'os.path.isdir', 'os.path.islink', 'os.path.ismount', 'os.path.getsize', 'os.path.getmtime',
  'os.path.getatime', 'os.path.getctime', 'os.path.samefile', 'os.path.sameopenfile',
];
/** os calls that touch the file system with no aiofiles twin. The pure path functions (join, basename, normpath, ...) are not here. */
const OS_IO = [
  'os.lstat', 'os.fstat', 'os.chmod', 'os.chown', 'os.lchown', 'os.truncate', 'os.utime', 'os.walk', 'os.fwalk', 'os.open', 'os.fsync', 'os.fdatasync', 'os.path.lexists', 'os.path.realpath',
];
const SHUTIL = [
  'copy', 'copy2', 'copyfile', 'copyfileobj', 'copymode', 'copystat', 'copytree', 'rmtree', 'move', 'make_archive', 'unpack_archive',
  'chown', 'disk_usage', 'which',
];
const SQLITE_CONNECTION = ['execute', 'executemany', 'executescript', 'commit', 'rollback', 'backup', 'iterdump'];
const SQLITE_CURSOR = ['execute', 'executemany', 'executescript', 'fetchone', 'fetchmany', 'fetchall'];
const sqlite: BlockingCall = { instead: 'use `aiosqlite` (`async with aiosqlite.connect(...)`), or ' + toThread };
const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request'];
const requestsAsync: BlockingCall = { instead: 'use an async HTTP client (httpx.AsyncClient, aiohttp)' };
const httpxAsync = (m: string): BlockingCall => ({ instead: `use \`httpx.AsyncClient\` and \`await client.${m}()\`` });
const subprocessTwin: BlockingCall = { instead: 'use `await asyncio.create_subprocess_exec()`' };
const shell: BlockingCall = { instead: 'use `await asyncio.create_subprocess_shell()`' };

export const PYTHON_BLOCKING: Table = {
  'time.sleep': { instead: 'use `await asyncio.sleep()`' },
  'urllib.request.urlopen': { instead: 'use an async HTTP client, or ' + toThread },
  'open': { instead: 'use `aiofiles`, or ' + toThread },
  'io.open': { instead: 'use `aiofiles`, or ' + toThread },
  'input': { instead: 'read stdin with `loop.connect_read_pipe`, or ' + offLoop('input') },
  'subprocess.run': { instead: 'use `await asyncio.create_subprocess_exec()`' },
  'subprocess.call': { instead: 'use `await asyncio.create_subprocess_exec()`' },
  'subprocess.check_call': { instead: 'use `await asyncio.create_subprocess_exec()`' },
  'subprocess.check_output': { instead: 'use `await asyncio.create_subprocess_exec()`' },
  'subprocess.Popen': { instead: 'use `await asyncio.create_subprocess_exec()`' },
  'subprocess.getoutput': { instead: 'use `await asyncio.create_subprocess_shell()`' },
  'subprocess.getstatusoutput': { instead: 'use `await asyncio.create_subprocess_shell()`' },
  'subprocess.Popen.wait': { instead: 'start it with `asyncio.create_subprocess_exec()` and `await proc.wait()`' },
  'subprocess.Popen.communicate': { instead: 'start it with `asyncio.create_subprocess_exec()` and `await proc.communicate()`' },
  ...entries(['os.spawnl', 'os.spawnle', 'os.spawnlp', 'os.spawnlpe', 'os.spawnv', 'os.spawnve', 'os.spawnvp', 'os.spawnvpe'], () => subprocessTwin),
  'os.posix_spawn': subprocessTwin,
  'os.posix_spawnp': subprocessTwin,
  'os.system': shell,
  'os.popen': shell,
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
  ...entries(HTTP_METHODS.map((m) => `requests.${m}`), () => requestsAsync),
  ...entries([...HTTP_METHODS, 'send'].map((m) => `requests.Session.${m}`), () => requestsAsync),
  ...entries(HTTP_METHODS.map((m) => `httpx.${m}`), (n) => httpxAsync(n.slice(6))),
  'httpx.stream': { instead: 'use `httpx.AsyncClient` and `client.stream()`' },
  ...entries([...HTTP_METHODS, 'send'].map((m) => `httpx.Client.${m}`), (n) => httpxAsync(n.slice(13))),
  'httpx.Client.stream': { instead: 'use `httpx.AsyncClient` and `client.stream()`' },
  'urllib.request.urlretrieve': { instead: 'use an async HTTP client, or ' + toThread },
  ...entries(PATH_IO.map((m) => `pathlib.Path.${m}`), (n) => ({
    instead: `use \`await anyio.Path(...).${n.slice(13)}()\` (anyio), or ${offLoop(`path.${n.slice(13)}`)}`,
  })),
  ...entries(OS_AIOFILES, (n) => ({ instead: `use \`await aiofiles.${n}()\` (aiofiles), or ${offLoop(n)}` })),
  ...entries(OS_IO, (n) => ({ instead: offLoop(n) })),
  ...entries(SHUTIL.map((m) => `shutil.${m}`), (n) => ({ instead: offLoop(n) })),
  ...entries(['glob.glob', 'glob.iglob'], (n) => ({ instead: offLoop(n) })),
  'tempfile.mkstemp': { instead: offLoop('tempfile.mkstemp') },
  'tempfile.mkdtemp': { instead: offLoop('tempfile.mkdtemp') },
  'tempfile.NamedTemporaryFile': { instead: 'use `aiofiles.tempfile.NamedTemporaryFile()` with `async with`' },
  'tempfile.TemporaryFile': { instead: 'use `aiofiles.tempfile.TemporaryFile()` with `async with`' },
  'tempfile.TemporaryDirectory': { instead: 'use `aiofiles.tempfile.TemporaryDirectory()` with `async with`' },
  'sqlite3.connect': sqlite,
  // Both the classes' names and the spelling a factory's result resolves to today (`conn = sqlite3.connect()`).
  ...entries(SQLITE_CONNECTION.flatMap((m) => [`sqlite3.Connection.${m}`, `sqlite3.connect.${m}`]), () => sqlite),
  ...entries(SQLITE_CURSOR.flatMap((m) => [`sqlite3.Cursor.${m}`, `sqlite3.connect.cursor.${m}`]), () => sqlite),
  ...entries(['recv', 'recv_into', 'recvfrom', 'recvfrom_into', 'send', 'sendall', 'sendto', 'sendfile'].map((m) => `socket.socket.${m}`), () => ({
    instead: 'use `asyncio.open_connection()` streams, or `await loop.sock_recv()` / `loop.sock_sendall()` on a non-blocking socket',
  })),
  'socket.socket.accept': { instead: 'use `asyncio.start_server()`, or `await loop.sock_accept()`' },
  'socket.socket.connect': { instead: 'use `await asyncio.open_connection()`, or `await loop.sock_connect()`' },
  'socket.create_connection': { instead: 'use `await asyncio.open_connection()`' },
  'ray.get': { instead: 'use `await ref` (an ObjectRef is awaitable), or `await asyncio.gather(*refs)` for several' },
  'ray.wait': { instead: 'use `await asyncio.wait(refs)` (ObjectRefs are awaitable)' },
  'socket.getaddrinfo': { instead: 'use `await loop.getaddrinfo()`' },
  'socket.gethostbyname': { instead: 'use `await loop.getaddrinfo()`' },
  'socket.gethostbyname_ex': { instead: 'use `await loop.getaddrinfo()`' },
  'socket.gethostbyaddr': { instead: 'use `await loop.getnameinfo()`' },
  'socket.getnameinfo': { instead: 'use `await loop.getnameinfo()`' },
  'socket.getfqdn': { instead: offLoop('socket.getfqdn') },
};

const fsAsync = (name: string): BlockingCall => ({ instead: `use \`await fs.promises.${name}()\` (from 'fs/promises')` });

const FS_SYNC = [
  'access', 'appendFile', 'chmod', 'chown', 'copyFile', 'cp', 'exists', 'fchmod', 'fchown', 'fdatasync', 'fstat', 'fsync',
  'ftruncate', 'futimes', 'lchmod', 'lchown', 'link', 'lstat', 'lutimes', 'mkdir', 'mkdtemp', 'open', 'opendir', 'read', 'readdir',
  'readFile', 'readlink', 'readv', 'realpath', 'rename', 'rm', 'rmdir', 'stat', 'statfs', 'symlink', 'truncate', 'unlink', 'utimes',
  'write', 'writeFile', 'writev', 'close', 'glob',
];
const execaAsync: BlockingCall = { instead: 'use `await execa(...)` (or `await $`...``), which does not block' };
const sqliteJs: BlockingCall = { instead: 'better-sqlite3 is synchronous by design: keep its queries short, or run them in a `worker_threads` Worker' };
const BETTER_SQLITE_DB = ['exec', 'pragma', 'serialize', 'loadExtension'];
const BETTER_SQLITE_STATEMENT = ['run', 'get', 'all', 'iterate'];

export const JS_BLOCKING: Table = {
  ...Object.fromEntries(FS_SYNC.map((n) => [`fs.${n}Sync`, n === 'exists' ? { instead: "use `await fs.promises.access()` (from 'fs/promises')" } : fsAsync(n)])),
  'fs.realpathSync.native': fsAsync('realpath'),
  'child_process.execSync': { instead: "use `promisify(exec)` or `execFile` from 'child_process' with a callback" },
  'child_process.execFileSync': { instead: "use `promisify(execFile)` from 'child_process'" },
  'child_process.spawnSync': { instead: "use `spawn` from 'child_process' and wait for its 'close' event" },
  ...Object.fromEntries(
    ['gzip', 'gunzip', 'deflate', 'inflate', 'deflateRaw', 'inflateRaw', 'unzip', 'brotliCompress', 'brotliDecompress', 'zstdCompress', 'zstdDecompress'].map((n) => [
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
  'crypto.argon2Sync': { instead: 'use `promisify(crypto.argon2)`' },
  'Atomics.wait': { instead: 'use `await Atomics.waitAsync(...).value`' },
  'execa.execaSync': execaAsync,
  'execa.execaCommandSync': execaAsync,
  'execa.sync': execaAsync,
  'execa.commandSync': execaAsync,
  'execa.$.sync': execaAsync,
  'execa.$.s': execaAsync,
  'execa.execaNodeSync': execaAsync,
  // A database qualifies as the module itself (its default export is the class, `new Database(file)`); statements come from `db.prepare()`.
  ...Object.fromEntries(BETTER_SQLITE_DB.map((m) => [`better-sqlite3.${m}`, sqliteJs])),
  ...Object.fromEntries(BETTER_SQLITE_STATEMENT.map((m) => [`better-sqlite3.prepare.${m}`, sqliteJs])),
};
