"""Warm kernels: one process per topic that has paid every start-up cost, forked per notebook.

A fresh Jupyter kernel per notebook spends seconds starting, importing boto3 and moto, loading
moto's backends and shutting down; the learner's cells themselves often take less. Here a
*zygote* process runs the topic's setup cell once, then forks a child for every notebook. The
child starts from that warm state, runs the notebook's cells and exits, so nothing a learner
does reaches the next learner.

A child that dies (``os._exit``, a crash, the memory limit) or ignores its time limit is
killed, and the notebook runs again in a new child with that cell marked as failed, so the
rest of the notebook is still graded. The zygote talks to its parent in JSON lines over its
original stdin and stdout; learner code only ever sees /dev/null there.

Run as ``python -m grader.batch.warm``; :class:`WarmKernel` is the parent's side.
"""

from __future__ import annotations

import ctypes
import json
import os
import pkgutil
import resource
import select
import signal
import subprocess
import sys
import threading
import time
from importlib import import_module

from grader.errors import GradingError

#: Share of the cell time limit a child gets beyond it to stop by itself before it is killed, plus
#: seconds for a busy machine to schedule it (a loaded grader must not kill a child that stops).
GRACE = 0.25
GRACE_SECONDS = 2.0
#: Address space a child may add to the zygote's before MemoryError.
MEMORY_HEADROOM = 2 * 1024**3
#: The setup cell runs once per topic, as the course's own code: a loaded machine must not fail a
#: cohort because moto's first imports (CloudFormation's: most of moto) took longer than a cell may.
SETUP_TIME_LIMIT = 300
#: Fresh children a notebook may use; each one marks one more cell as failed.
MAX_ATTEMPTS = 4
#: Imported before forking, so that no notebook pays for them.
_PR_SET_PDEATHSIG = 1
#: How a zygote's unexpected end is reported (and recognised in nbgrader's log).
KERNEL_STOPPED = "the warm kernel stopped unexpectedly"
_WARM_MODULES = ("pandas", "matplotlib.pyplot", "IPython.display")
#: Run once before forking: the first traceback a process formats compiles pygments' Python lexer
#: and terminal styles (~0.3 s), which every child with a failing cell would otherwise pay again.
_TRACEBACK_WARM_UP = "def warm_up():\n    raise NotImplementedError()\nwarm_up()"
#: The parts of ``grader`` that notebooks import (not the nbgrader-driving ones).
_WARM_PACKAGES = ("grader.checks", "grader.scenarios", "grader.sim", "grader.state", "grader.draw")


class WarmKernel:
    """The parent's handle on one zygote process, warmed with a topic's setup cell.

    Safe to share between threads (a Dask worker may run several tasks at once): one
    notebook at a time goes through the pipe.
    """

    def __init__(self, setup_source: str, cwd: str, timeout: float):
        self._lock = threading.Lock()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "grader.batch.warm"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=cwd)
        self._ask({"setup": setup_source, "timeout": timeout})

    def run(self, sources: list[str], cwd: str) -> list[dict]:
        """Run ``sources`` in a fresh child; one ``{"outputs", "execution_count"}`` per cell."""
        return self._ask({"cells": sources, "cwd": cwd})["cells"]

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.stdin.close()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()

    def _ask(self, message: dict) -> dict:
        try:
            with self._lock:
                self._process.stdin.write(json.dumps(message) + "\n")
                self._process.stdin.flush()
                line = self._process.stdout.readline()
        except (BrokenPipeError, OSError):
            line = ""
        if not line:
            raise GradingError(KERNEL_STOPPED)
        reply = json.loads(line)
        if "error" in reply:
            raise GradingError(reply["error"])
        return reply


def serve() -> None:
    """The zygote's loop: warm up with the first message, then run one notebook per message."""
    die_with_parent()
    requests = os.fdopen(os.dup(0), "r")
    replies = os.fdopen(os.dup(1), "w")
    _point_standard_streams_at_devnull()
    from grader.batch.shell import new_shell
    from grader.scenarios import snapshots

    shell = new_shell()
    setup = json.loads(requests.readline())
    timeout = setup["timeout"]
    _import_warm_modules()
    outputs = shell.run(setup["setup"], max(timeout, SETUP_TIME_LIMIT))
    failed = [o for o in outputs if o["output_type"] == "error"]
    if failed:
        _reply(replies, {"error": f"the setup cell failed: {failed[0]['ename']}: {failed[0]['evalue']}"})
        return
    shell.run(_TRACEBACK_WARM_UP, timeout)
    shell.reset(new_session=False)
    _reply(replies, {"ready": True})
    protocol = (requests.fileno(), replies.fileno())
    for line in requests:
        job = json.loads(line)
        cells = _run_notebook(shell, job["cells"], timeout, job["cwd"], protocol)
        wanted = [tuple(key) for cell in cells for key in cell.pop("scenarios", ())]
        _reply(replies, {"cells": cells})
        snapshots.prepare(wanted)


def _run_notebook(shell, sources, timeout, cwd, protocol) -> list[dict]:
    results: list[dict | None] = [None] * len(sources)
    failed: dict[int, str] = {}
    for _ in range(MAX_ATTEMPTS):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            for fd in protocol:
                os.close(fd)
            _child(shell, sources, timeout, cwd, failed, write_end)
        os.close(write_end)
        stuck = _follow(pid, read_end, results, timeout)
        if stuck is None:
            break
        failed[stuck[0]] = stuck[1]
        results = [None] * len(sources)
    for index, result in enumerate(results):
        if result is None:
            results[index] = _failed_cell(failed.get(index) or "not run: the notebook kept "
                                          f"crashing, {MAX_ATTEMPTS} times")
    return results


def _child(shell, sources, timeout, cwd, failed, write_end) -> None:
    """Run every cell and report each as one JSON line; never returns."""
    try:
        from grader.scenarios import snapshots

        die_with_parent()
        os.chdir(cwd)
        _limit_memory()
        shell.execution_count = 1
        with os.fdopen(write_end, "w") as out:
            for index, source in enumerate(sources):
                if index in failed:
                    result = _failed_cell(failed[index])
                else:
                    outputs = shell.run(source, timeout)
                    result = {"outputs": outputs, "execution_count": shell.execution_count - 1,
                              "scenarios": snapshots.requested[:]}
                    snapshots.requested.clear()
                out.write(json.dumps(result, default=str) + "\n")
                out.flush()
    finally:
        os._exit(0)


def _follow(pid: int, read_end: int, results: list, timeout: float) -> tuple[int, str] | None:
    """Collect a child's cell results; on a death or a hang, return (cell index, reason)."""
    buffer = b""
    index = 0
    deadline = time.monotonic() + timeout * (1 + GRACE) + GRACE_SECONDS
    try:
        while index < len(results):
            ready, _, _ = select.select([read_end], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return index, (f"this cell did not stop within {timeout:g} s even when interrupted "
                               "(an endless loop that catches exceptions?), so it was killed")
            chunk = os.read(read_end, 1 << 16)
            if not chunk:
                return index, _death_reason(pid)
            buffer += chunk
            while b"\n" in buffer and index < len(results):
                line, buffer = buffer.split(b"\n", 1)
                results[index] = json.loads(line)
                index += 1
                deadline = time.monotonic() + timeout * (1 + GRACE) + GRACE_SECONDS
        os.waitpid(pid, 0)
        return None
    finally:
        os.close(read_end)


def _death_reason(pid: int) -> str:
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        return f"the kernel died while running this cell (signal {name}: a crash, or out of memory)"
    return (f"the kernel exited while running this cell (exit code {os.WEXITSTATUS(status)}: "
            "os._exit or a crash)")


def _failed_cell(reason: str) -> dict:
    return {"outputs": [{"output_type": "error", "ename": "KernelDied", "evalue": reason,
                         "traceback": [f"KernelDied: {reason}"]}], "execution_count": None}


def _limit_memory() -> None:
    try:
        with open("/proc/self/statm") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # not Linux: no limit rather than a wrong one
        return
    limit = used + MEMORY_HEADROOM
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _import_warm_modules() -> None:
    for name in _WARM_MODULES:
        try:
            import_module(name)
        except ImportError:
            pass
    import grader

    for module in pkgutil.walk_packages(grader.__path__, "grader."):
        if module.name.startswith(_WARM_PACKAGES):
            import_module(module.name)


def die_with_parent() -> None:
    """Linux: be killed when the parent goes, so no endless loop outlives a stopped run."""
    try:
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _point_standard_streams_at_devnull() -> None:
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)


def _reply(replies, message: dict) -> None:
    replies.write(json.dumps(message) + "\n")
    replies.flush()


if __name__ == "__main__":
    serve()
