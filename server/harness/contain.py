"""Keeps everything a run starts inside the run (Linux): `python3 contain.py PARENT_PID TEMP_DIR CMD...`.

Started by server/src/harness/orchestrator.ts in front of a runner (runner.py or runner.mjs).
A process group is not a container: a snippet leaves it with os.setsid, start_new_session,
a double fork or Node's `detached`, and then outlives the run. This wrapper is a child
subreaper (prctl PR_SET_CHILD_SUBREAPER): every orphan among its descendants is reparented to
it whatever session or group it moved to, so when the run ends (the runner exits, the
orchestrator asks with SIGTERM or by closing fd 4, or the orchestrator dies) it kills every
descendant it has, until none is left. It dies with the orchestrator (PR_SET_PDEATHSIG, and
the lifeline on fd 4 reads EOF when the orchestrator's end closes) and then also removes the
run's temp folder, which the orchestrator can no longer do.

Standard library only; exits with the runner's status (or dies of the runner's signal).
"""
import os
import select
import shutil
import signal
import subprocess
import sys
import threading

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
LIFELINE_FD = 4


class Stop(Exception):
    pass


def _prctl(option, value):
    import ctypes  # some minimal Pythons lack it: main() then runs the command as it is

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(%d) failed" % option)


def _stat(pid):
    """(state, ppid) of a process, or None once it is gone."""
    try:
        with open("/proc/%s/stat" % pid, "rb") as f:
            data = f.read()
    except OSError:
        return None
    fields = data[data.rindex(b")") + 2:].split()
    return fields[0], int(fields[1])


def descendants(root):
    """Live descendants of `root`, by the ppid links in /proc. A zombie is walked through, not
    listed: a multi-threaded process whose main thread has exited shows as a zombie while its
    other threads still exit, and its children stay its own until the last one has."""
    kids, zombies = {}, set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(entry)
            if st is not None:
                kids.setdefault(st[1], []).append(int(entry))
                if st[0] == b"Z":
                    zombies.add(int(entry))
    found, todo = [], [root]
    while todo:
        for pid in kids.get(todo.pop(), []):
            if pid not in zombies:
                found.append(pid)
            todo.append(pid)
    return found


def reap():
    """Collects every exited child (orphans reparented here included) without waiting."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_all():
    """SIGKILL to every descendant until none is left: one that forks meanwhile hands its
    child to us (we are the subreaper), and the next pass gets it."""
    me = os.getpid()
    while True:
        reap()
        left = descendants(me)
        if not left:
            return
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        # Gives the kernel a moment to carry the kills out before the next pass.
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            pass


def lifeline_closed():
    """EOF on the lifeline now: the orchestrator is gone (or going: its files close first, so the
    run may end through its broken pipes before the watch thread has seen the EOF)."""
    try:
        readable, _, _ = select.select([LIFELINE_FD], [], [], 0)
        return bool(readable) and os.read(LIFELINE_FD, 512) == b""
    except OSError:
        return False


def main(argv):
    parent, temp_dir, cmd = int(argv[1]), argv[2], argv[3:]

    armed = [True]  # once the runner's status is in, a late stop request must not break the cleanup
    # The orchestrator stops a run with SIGTERM and keeps its end of the lifeline open until the
    # wrapper has exited; the parent-death signal or EOF on the lifeline means it is gone.
    parent_gone = [False]

    def on_stop(signum, frame):
        if armed[0]:
            armed[0] = False  # a second request (SIGTERM and the lifeline's EOF) must not cut the cleanup short
            raise Stop()

    def on_parent_death(signum, frame):
        parent_gone[0] = True
        on_stop(signum, frame)

    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    signal.signal(signal.SIGUSR1, on_parent_death)
    try:
        _prctl(PR_SET_CHILD_SUBREAPER, 1)
        # Its own signal: the parent's death is told apart from the orchestrator's SIGTERM (it
        # comes when the parent's thread exits, before that process is reaped or its files closed).
        _prctl(PR_SET_PDEATHSIG, signal.SIGUSR1)
    except (ImportError, OSError, AttributeError) as e:
        # Not Linux, or no ctypes: the orchestrator's process-group kill is all there is.
        sys.stderr.write("concurrency-lens: no subreaper (%s); escaped processes may outlive the run\n" % e)
        os.execvp(cmd[0], cmd)

    def watch_lifeline():
        try:
            while os.read(LIFELINE_FD, 512):
                pass
        except OSError:
            pass
        parent_gone[0] = True
        os.kill(os.getpid(), signal.SIGTERM)

    status = None
    try:
        if os.getppid() != parent:  # the orchestrator died before the prctl took effect
            parent_gone[0] = True
            raise Stop()
        runner = subprocess.Popen(cmd, pass_fds=(3, LIFELINE_FD), stdin=subprocess.DEVNULL)
        if os.path.exists("/proc/self/fd/%d" % LIFELINE_FD):
            threading.Thread(target=watch_lifeline, daemon=True).start()
        while status is None:
            pid, st = os.waitpid(-1, 0)
            if pid == runner.pid:
                status = st
        armed[0] = False
    except Stop:
        armed[0] = False
    kill_all()
    if (parent_gone[0] or os.getppid() != parent or lifeline_closed()) and temp_dir:
        shutil.rmtree(temp_dir, ignore_errors=True)
    if status is None:
        return 1
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
