"""Runs one harness over a user's Python function and reports on fd 3.

Started by server/src/harness/orchestrator.ts as `python runner.py ARGS`, ARGS being one JSON
argument (RunnerArgs in server/src/harness/types.ts). Standard library only, and kept to what
Python 3.8 has; the ray harness imports ray when it runs, never at import. stdout and stderr belong to the snippet; this runner writes only JSON lines on
fd 3 (RunnerEvent) and never needs to watch the time: the orchestrator kills our process group.
"""
import asyncio
import collections
import importlib.util
import inspect
import json
import os
import re
import sys
import threading
import time
import traceback

MODULE_NAME = "_cl_snippet"  # not __main__, so an `if __name__ == "__main__":` block stays quiet
VALUE_LIMIT = 1024
SLOW_CALLBACK_S = 0.05  # a loop callback longer than this is a block
SAMPLE_EVERY_S = 0.01

_RUNNER_FILE = os.path.abspath(__file__)
EVENTS_FD = 3
_emit_lock = threading.Lock()
_loaded = {}  # module path -> module, per process
_events_ok = True  # False in a pool worker whose fd 3 is not our pipe


def _fd_identity(fd):
    try:
        st = os.fstat(fd)
        return [st.st_dev, st.st_ino]
    except OSError:
        return None


def _emit(event):
    """One JSON line on fd 3. A line under PIPE_BUF is written atomically, so process-pool
    workers that inherited the pipe (fork) may emit their own task-start."""
    if not _events_ok:
        return False
    data = (json.dumps(event) + "\n").encode("utf-8")
    with _emit_lock:
        try:
            while data:
                data = data[os.write(EVENTS_FD, data):]
            return True
        except OSError:
            return False


def _ms_since(t0):
    return round((time.perf_counter() - t0) * 1000.0, 3)


def _cut(text):
    return text if len(text) <= VALUE_LIMIT else text[:VALUE_LIMIT] + "…"


def _repr(value):
    try:
        return _cut(repr(value))
    except Exception as e:  # a broken __repr__ is the snippet's bug, not ours: show it
        return "<repr failed: %s: %s>" % (type(e).__name__, e)


class LineMap:
    """Maps a frame in the loaded module back to the user's file."""

    def __init__(self, args):
        self.file = os.path.abspath(args["file"])
        self.module = os.path.abspath(args.get("module") or args["file"])
        self.segments = args.get("lineMap") or []

    def line(self, filename, lineno):
        """The 1-based line in the user's file, or None when the frame is not in it."""
        if os.path.abspath(filename) != self.module:
            return None
        if self.module == self.file:
            return lineno
        for mod_start, file_start, count in self.segments:
            if mod_start <= lineno < mod_start + count:
                return file_start + (lineno - mod_start)
        return None

    def is_module(self, filename):
        return os.path.abspath(filename) == self.module

    def format_stack(self, tb):
        """A Python-style traceback of the frames from the user's code on; frames of the
        (synthetic) module name the user's file and line."""
        frames = traceback.extract_tb(tb)
        first = next((k for k, f in enumerate(frames) if f.filename != _RUNNER_FILE), len(frames))
        out = []
        for f in frames[first:]:
            if f.filename.startswith("<frozen "):  # importlib's own steps: noise around the user's frames
                continue
            filename, lineno, text = f.filename, f.lineno, f.line
            if self.is_module(filename):
                # The text stays the module's: the buffer that ran, not the file on disk.
                mapped = self.line(filename, lineno)
                filename = self.file
                if mapped is not None:
                    lineno = mapped
            out.append('  File "%s", line %s, in %s\n' % (filename, lineno, f.name))
            if text:
                out.append("    %s\n" % text)
        return "".join(out)

    def error(self, exc):
        frames = self.format_stack(exc.__traceback__)
        stack = "Traceback (most recent call last):\n" + frames if frames else ""
        message = str(exc)
        if isinstance(exc, SyntaxError):
            # The user's file, line and caret, as Python shows them, from the error's own fields.
            filename, lineno = exc.filename, exc.lineno
            if filename and self.is_module(filename):
                mapped = self.line(filename, lineno or 0)
                filename, lineno = self.file, mapped
                message = "%s (%s, line %s)" % (exc.msg, self.file, mapped if mapped is not None else "?")
            shown = type(exc)(exc.msg, (filename, lineno, exc.offset, exc.text))
            return {"type": type(exc).__name__, "message": message, "stack": stack + "".join(traceback.format_exception_only(type(exc), shown)).rstrip("\n")}
        stack += "%s: %s" % (type(exc).__name__, message)
        return {"type": type(exc).__name__, "message": message, "stack": stack}


def load_module(args):
    """Imports the module under MODULE_NAME with the user's folder first on sys.path."""
    lm = LineMap(args)
    mod = _loaded.get(lm.module)
    if mod is not None:
        return mod
    folder = os.path.abspath(args.get("folder") or os.path.dirname(lm.file))
    if not sys.path or sys.path[0] != folder:
        sys.path.insert(0, folder)
    imported = sys.modules.get(MODULE_NAME)  # by _SnippetFinder, in a spawned child
    if imported is not None and getattr(imported, "__file__", None) == lm.module:
        _loaded[lm.module] = imported
        return imported
    spec = importlib.util.spec_from_file_location(MODULE_NAME, lm.module)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[MODULE_NAME] = mod
    spec.loader.exec_module(mod)
    _loaded[lm.module] = mod
    _ray_pickles_by_value(mod)
    return mod


_USES_RAY = re.compile(r"^\s*(import ray\b|from ray\b)", re.M)


def _ray_pickles_by_value(mod):
    """A snippet that uses Ray sends its own functions to Ray's workers, which cannot import it
    under MODULE_NAME: have Ray's pickler send the module's code by value. Only for a file that
    imports ray (anywhere: Pool users import it inside functions), so other runs never load Ray."""
    try:
        with open(mod.__file__, encoding="utf-8") as f:
            uses_ray = bool(_USES_RAY.search(f.read()))
    except (OSError, UnicodeDecodeError):
        return
    if uses_ray and importlib.util.find_spec("ray") is not None:
        import ray.cloudpickle

        ray.cloudpickle.register_pickle_by_value(mod)


class _SnippetFinder:
    """Makes the snippet importable under MODULE_NAME in a process that the snippet itself starts
    with spawn or forkserver. Such a child runs this file again as __mp_main__ with our argv, then
    unpickles its target (`_cl_snippet.work`), which imports MODULE_NAME: a script run as
    __main__ gets the same re-import from multiprocessing itself."""

    def find_spec(self, name, path=None, target=None):
        if name != MODULE_NAME or len(sys.argv) < 2:
            return None
        args = json.loads(sys.argv[1])
        lm = LineMap(args)
        folder = os.path.abspath(args.get("folder") or os.path.dirname(lm.file))
        if folder not in sys.path:
            sys.path.insert(0, folder)
        return importlib.util.spec_from_file_location(MODULE_NAME, lm.module)


def takes_argument(fn):
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
    return any(p.kind in kinds for p in params)


def _worker_name(thread):
    return thread if thread is not None else threading.current_thread().name


def call_task(fn, index, lm, t0, thread=None):
    """Runs task `index` outside any event loop (an async function gets its own asyncio.run).
    Returns the task-end fields plus the start, for the caller to report."""
    worker = {"pid": os.getpid(), "thread": _worker_name(thread)}
    start = _ms_since(t0)
    emitted = _emit({"event": "task-start", "index": index, "t": start, "worker": worker})
    try:
        result = fn(index) if takes_argument(fn) else fn()
        if inspect.isawaitable(result):
            result = asyncio.run(_await(result))
        rec = {"ok": True, "value": _repr(result), "error": None}
    except BaseException as e:  # the snippet's SystemExit or KeyboardInterrupt is its result too
        rec = {"ok": False, "value": None, "error": lm.error(e)}
    rec.update({"index": index, "t": _ms_since(t0), "start": start, "worker": worker, "startEmitted": emitted})
    return rec


async def _await(awaitable):
    return await awaitable


def _end_event(rec):
    return {"event": "task-end", "index": rec["index"], "t": rec["t"], "ok": rec["ok"], "value": rec["value"], "error": rec["error"]}


def process_task(args, index, t0, events_id):
    """The process-pool entry point: lives here, in an importable module, so it pickles; the
    worker imports the user's module itself (inherited under fork, imported again otherwise)
    and sends back only strings, so an unpicklable return value cannot break the run.
    Under spawn/forkserver fd 3 is not inherited and may be another file: write only to the
    very pipe the runner was given."""
    global _events_ok
    _events_ok = events_id is not None and _fd_identity(EVENTS_FD) == events_id
    lm = LineMap(args)
    try:
        fn = getattr(load_module(args), args["function"])
    except BaseException as e:
        start = _ms_since(t0)
        return {"index": index, "t": start, "start": start, "ok": False, "value": None, "error": lm.error(e),
                "worker": {"pid": os.getpid(), "thread": threading.current_thread().name}, "startEmitted": False}
    return call_task(fn, index, lm, t0)


def run_serial(fn, args, lm, t0):
    for i in range(args["tasks"]):
        _emit(_end_event(call_task(fn, i, lm, t0)))


def run_thread(fn, args, lm, t0):
    from concurrent.futures import ThreadPoolExecutor, as_completed

    n = args["tasks"]
    with ThreadPoolExecutor(max_workers=n) as pool:
        for fut in as_completed([pool.submit(call_task, fn, i, lm, t0) for i in range(n)]):
            _emit(_end_event(fut.result()))


def run_process(fn, args, lm, t0):
    from concurrent.futures import ProcessPoolExecutor, as_completed

    n = args["tasks"]
    with ProcessPoolExecutor(max_workers=n) as pool:
        for fut in as_completed([pool.submit(process_task, args, i, t0, _fd_identity(EVENTS_FD)) for i in range(n)]):
            rec = fut.result()
            if not rec["startEmitted"]:
                _emit({"event": "task-start", "index": rec["index"], "t": rec["start"], "worker": rec["worker"]})
            _emit(_end_event(rec))


class BlockTimer:
    """Times every callback the event loop runs, by wrapping asyncio.events.Handle._run (a task's
    step is such a callback), and keeps those over SLOW_CALLBACK_S as blocks. asyncio's debug
    mode reports the same but makes await-heavy code about ten times slower; this costs two
    perf_counter calls per callback."""

    def __init__(self, loop_thread_id, t0):
        self.tid, self.t0 = loop_thread_id, t0
        self.blocks = []
        self._original = None

    def install(self):
        original = self._original = asyncio.events.Handle._run
        blocks, t0, tid = self.blocks, self.t0, self.tid
        clock = time.perf_counter

        def _run(handle):
            start = clock()
            original(handle)
            took = clock() - start
            # Only the harness's loop: a snippet may run a loop of its own in another thread.
            if took >= SLOW_CALLBACK_S and threading.get_ident() == tid:
                blocks.append({"atMs": round((start - t0) * 1000.0, 3), "ms": round(took * 1000.0, 3), "line": None})

        asyncio.events.Handle._run = _run

    def uninstall(self):
        if self._original is not None:
            asyncio.events.Handle._run = self._original


class LineSampler(threading.Thread):
    """Samples which line of the user's file the loop thread is on, so a reported block can
    name the line that held the loop (the timer knows only how long, not where)."""

    def __init__(self, loop_thread_id, lm, t0):
        threading.Thread.__init__(self, name="cl-line-sampler", daemon=True)
        self.tid, self.lm, self.t0 = loop_thread_id, lm, t0
        self.samples = []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.wait(SAMPLE_EVERY_S):
            frame = sys._current_frames().get(self.tid)
            while frame is not None:
                line = self.lm.line(frame.f_code.co_filename, frame.f_lineno)
                if line is not None:  # the innermost frame in the user's file
                    self.samples.append((_ms_since(self.t0), line))
                    break
                frame = frame.f_back

    def line_for(self, start, end):
        lines = collections.Counter(line for t, line in self.samples if start <= t <= end)
        return lines.most_common(1)[0][0] if lines else None


def run_coroutine(fn, args, lm, t0):
    """N tasks on one event loop. A sync function is called on the loop itself, so the tasks
    run one after another and hold the loop: that is what this harness is there to show."""
    slow = BlockTimer(threading.get_ident(), t0)
    sampler = LineSampler(threading.get_ident(), lm, t0)
    sampler.start()
    with_arg = takes_argument(fn)

    async def one(i):
        worker = {"pid": os.getpid(), "thread": "loop"}
        _emit({"event": "task-start", "index": i, "t": _ms_since(t0), "worker": worker})
        try:
            result = fn(i) if with_arg else fn()
            if inspect.isawaitable(result):
                result = await result
            rec = {"ok": True, "value": _repr(result), "error": None}
        except BaseException as e:
            rec = {"ok": False, "value": None, "error": lm.error(e)}
        rec.update({"index": i, "t": _ms_since(t0)})
        _emit(_end_event(rec))

    async def main():
        await asyncio.gather(*[asyncio.ensure_future(one(i)) for i in range(args["tasks"])])

    slow.install()
    try:
        asyncio.run(main())
    finally:
        slow.uninstall()
        sampler.stop.set()
        sampler.join()
    for b in slow.blocks:
        b["line"] = sampler.line_for(b["atMs"], b["atMs"] + b["ms"])
    return {"maxBlockMs": max([b["ms"] for b in slow.blocks] or [0]), "blocks": slow.blocks}


class HarnessUnavailable(Exception):
    """The harness cannot run with this interpreter (ray not installed): a fatal with its reason."""


RAY_TIMELINE_CAP = 2000  # trace events kept from ray.timeline(): the event line stays well under its cap
RAY_OUTPUT_CAP = 64 * 1024  # a task's captured stdout/stderr, each


def _ray_task(fn, index, lm, epoch0, with_arg, folder):
    """One task in a Ray worker: the user's function, its output captured and returned with the
    record (a worker has no pipe to the orchestrator, and Ray's own log forwarding arrives late and
    prefixed). Pickled by value with this runner, so it reads nothing of the runner's globals that
    touch fd 3. Times are wall-clock ms from the harness start, comparable across nodes."""
    import contextlib
    import io
    import ray

    if folder and os.path.isdir(folder) and folder not in sys.path:
        sys.path.insert(0, folder)  # the snippet's own imports, as in the other harnesses
    out, err = io.StringIO(), io.StringIO()
    start = (time.time() - epoch0) * 1000.0
    cpu0 = time.process_time()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result = fn(index) if with_arg else fn()
            if inspect.isawaitable(result):
                result = asyncio.run(_await(result))
            rec = {"ok": True, "value": _repr(result), "error": None}
        except BaseException as e:  # the snippet's failure is its result
            rec = {"ok": False, "value": None, "error": lm.error(e)}
    node = ray.get_runtime_context().get_node_id()
    rec.update({
        "index": index, "start": round(start, 3), "t": round((time.time() - epoch0) * 1000.0, 3),
        "worker": {"pid": os.getpid(), "thread": "ray @" + node[:8], "node": node},
        "cpuMs": (time.process_time() - cpu0) * 1000.0,
        "stdout": out.getvalue()[:RAY_OUTPUT_CAP], "stderr": err.getvalue()[:RAY_OUTPUT_CAP],
    })
    return rec


class RayHarness:
    """The function as N Ray tasks (`ray.remote(num_cpus=1)`), on a local cluster this runner starts
    (`include_dashboard=False`, num_cpus = the cores, its files in the temp dir the orchestrator gave)
    or on the cluster at `ray.address` / RAY_ADDRESS. The start-up (or connection) is timed apart
    from the run; ray.timeline() comes back with the result for the trace export."""

    def __init__(self, mod, args):
        try:
            import ray
            import ray.cloudpickle
        except ImportError as e:
            raise HarnessUnavailable(
                "the ray harness needs Ray, which %s cannot import (%s): pip install ray into that environment, "
                "or choose one that has it (concurrencyLens.pythonPath; CLI: $CONCURRENCY_LENS_PYTHON)" % (sys.executable, e))
        import logging

        self.ray = ray
        opts = args.get("ray") or {}
        self.address = opts.get("address") or os.environ.get("RAY_ADDRESS") or None
        started = time.perf_counter()
        quiet = {"log_to_driver": False, "logging_level": logging.ERROR}
        # A cluster that cannot be reached or started is the harness's one-line error, not a traceback:
        # Ray raises ConnectionError, RuntimeError or its own errors here, each with a readable message.
        try:
            if self.address:
                ray.init(address=self.address, **quiet)
            else:
                # Task events reach ray.timeline() after this interval (default 1 s): short, so the trace has them at the end.
                os.environ.setdefault("RAY_task_events_report_interval_ms", "100")
                ray.init(address="local", include_dashboard=False, num_cpus=opts.get("cpus") or os.cpu_count(),
                         _temp_dir=opts.get("tempDir") or None, **quiet)
        except Exception as e:
            where = "connect to the Ray cluster at %s" % self.address if self.address else "start a local Ray cluster"
            raise HarnessUnavailable("could not %s: %s: %s" % (where, type(e).__name__, _cut(str(e))))
        self.startup_ms = _ms_since(started)
        # The snippet module is not importable in the workers (nor on other nodes): send its code by value.
        ray.cloudpickle.register_pickle_by_value(mod)
        self.folder = os.path.abspath(args.get("folder") or os.path.dirname(LineMap(args).file))
        self.cpu_ms = 0.0
        self.epoch0 = None

    def run(self, fn, args, lm, t0):
        ray = self.ray
        self.epoch0 = time.time() - (time.perf_counter() - t0)
        task = ray.remote(num_cpus=1, max_retries=0)(_ray_task)
        fn_ref = ray.put(fn)
        with_arg = takes_argument(fn)
        pending = [task.remote(fn_ref, i, lm, self.epoch0, with_arg, self.folder) for i in range(args["tasks"])]
        index_of = {ref: i for i, ref in enumerate(pending)}
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                try:
                    rec = ray.get(ref)
                except Exception as e:  # Ray's own failure (a worker died): the task's result, not the harness's
                    t = _ms_since(t0)
                    rec = {"index": index_of[ref], "start": t, "t": t, "ok": False, "value": None,
                           "error": {"type": type(e).__name__, "message": _cut(str(e)), "stack": ""},
                           "worker": {"pid": 0, "thread": "ray"}, "cpuMs": 0.0, "stdout": "", "stderr": ""}
                self.cpu_ms += rec.pop("cpuMs")
                for stream, text in ((sys.stdout, rec.pop("stdout")), (sys.stderr, rec.pop("stderr"))):
                    if text:
                        stream.write(text)
                _emit({"event": "task-start", "index": rec["index"], "t": rec["start"], "worker": rec["worker"]})
                _emit(_end_event(rec))
        return {"maxBlockMs": 0, "blocks": []}

    def timeline(self, tasks):
        """Ray's trace events of this run, times made relative to the harness start (µs)."""
        deadline = time.perf_counter() + 2.0
        while True:  # task events are reported on an interval: wait (bounded) until each task's is in
            events = [e for e in self.ray.timeline() if e.get("ts", 0) >= self.epoch0 * 1e6 - 1e6]
            if sum(1 for e in events if e.get("cat") == "task:execute") >= tasks or time.perf_counter() > deadline:
                break
            time.sleep(0.05)
        out = []
        for e in events[:RAY_TIMELINE_CAP]:
            e = dict(e)
            if isinstance(e.get("ts"), (int, float)):
                e["ts"] = round(e["ts"] - self.epoch0 * 1e6, 3)
            out.append(e)
        return out

    def info(self, tasks):
        nodes = sorted({n["NodeID"] for n in self.ray.nodes() if n.get("Alive")})
        return {"startupMs": self.startup_ms, "address": self.address, "clusterNodes": len(nodes),
                "timeline": self.timeline(tasks) if self.epoch0 is not None else []}

    def shutdown(self):
        # Stops the cluster when this runner started it; with an address, only disconnects our job.
        self.ray.shutdown()


HARNESSES = {"serial": run_serial, "thread": run_thread, "process": run_process, "coroutine": run_coroutine, "ray": None}


def cpu_seconds():
    """User + system time of this process and its reaped children (the process pool's)."""
    try:
        import resource
    except ImportError:  # Windows: no children's times; this process only
        return time.process_time()
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def die_with_parent():
    """The runner does not outlive whoever started it (contain.py on Linux, else the
    orchestrator): on Linux by the parent-death signal; elsewhere a thread watches fd 4, whose
    other end only the orchestrator holds, and kills the runner's group when it reads EOF.
    Process-group kills and contain.py remain the orchestrator's means; this covers its death."""
    given = os.environ.pop("CONCURRENCY_LENS_LIFELINE", None) == "4"  # not the snippet's children's
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG, SIGKILL
            return
        except (ImportError, OSError, AttributeError):
            pass
    if not given or _fd_identity(4) is None:
        return

    def watch():
        try:
            while os.read(4, 512):
                pass
        except OSError:
            pass
        try:
            if os.getpgid(0) == os.getpid():
                os.killpg(0, 9)
        except (AttributeError, OSError):
            pass
        os._exit(1)

    threading.Thread(target=watch, name="cl-lifeline", daemon=True).start()


def main(argv):
    die_with_parent()
    args = json.loads(argv[1])
    lm = LineMap(args)
    harness = HARNESSES.get(args["harness"])
    if args["harness"] not in HARNESSES:
        _emit({"event": "fatal", "message": "unknown harness %r" % args["harness"]})
        return 2
    try:
        mod = load_module(args)
    except BaseException as e:
        err = lm.error(e)
        _emit({"event": "fatal", "message": "cannot import %s: %s: %s\n%s" % (lm.file, err["type"], err["message"], err["stack"])})
        return 1
    fn = getattr(mod, args["function"], None)
    if not callable(fn):
        _emit({"event": "fatal", "message": "%s has no top-level function %r" % (lm.file, args["function"])})
        return 1
    if args["harness"] == "ray":
        try:
            ray_harness = RayHarness(mod, args)  # the cluster start-up, timed apart from the run
        except HarnessUnavailable as e:
            _emit({"event": "fatal", "message": str(e)})
            return 1
        try:
            return _run_timed(ray_harness.run, fn, args, lm, ray_harness)
        finally:
            ray_harness.shutdown()
    return _run_timed(harness, fn, args, lm, None)


def _run_timed(harness, fn, args, lm, ray_harness):
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    loop = harness(fn, args, lm, t0) or {"maxBlockMs": 0, "blocks": []}
    wall = _ms_since(t0)
    cpu = round((cpu_seconds() - cpu0) * 1000.0, 3)
    sys.stdout.flush()
    sys.stderr.flush()
    end = {"event": "harness-end", "wallMs": wall, "cpuMs": cpu, "loop": loop}
    if ray_harness is not None:
        end["cpuMs"] = round(cpu + ray_harness.cpu_ms, 3)  # the workers' CPU is not this process's
        end["ray"] = ray_harness.info(args["tasks"])
    _emit(end)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
elif __name__ == "__mp_main__":
    sys.meta_path.append(_SnippetFinder())
