"""Start JupyterLab the way a learner or teacher does (`make lab`, `make teach`) for a test."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .notebooks import ROOT

TOKEN = "course-test-token"


def course_copy(where: Path) -> Path:
    """A course root in ``where`` running the repo's Makefile, venv and config on a copy of exercises/.

    `make lab` pins ``--ServerApp.root_dir=exercises`` (a second root_dir flag is an error, not an
    override) and nbgrader's Validate reads nbgrader_config.py from the server's working directory, so
    a test that runs or saves notebooks starts `make lab` here instead of in the repo.
    """
    subprocess.run(["make", "--no-print-directory", "--quiet", "install"], cwd=ROOT, check=True)
    for name in ("Makefile", "pyproject.toml", ".venv", "jupyter", "grader", "nbgrader_config.py"):
        (where / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "exercises", where / "exercises")
    return where


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


@contextlib.contextmanager
def serve(target: str, *extra_args: str, cwd: Path = ROOT, timeout: float = 90) -> Iterator[str]:
    """Run ``make <target>`` in ``cwd`` (the repo root) on a free port; yield its base URL, then stop it."""
    port = free_port()
    args = " ".join([f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port}",
                     f"--IdentityProvider.token={TOKEN}", *extra_args])
    server = subprocess.Popen(["make", "--no-print-directory", target, f"LAB_ARGS={args}"], cwd=cwd,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                get(f"{base}/api/status?token={TOKEN}")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail(f"`make {target}` did not answer within {timeout:.0f} s")
                time.sleep(0.5)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
