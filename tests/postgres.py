"""A throw-away PostgreSQL server for tests that need a real gradebook server.

Found on PATH or in Debian's /usr/lib/postgresql/<version>/bin (`.ci/run` installs it);
started on a Unix socket in a temporary folder, so it never meets another server. PostgreSQL
refuses to run as root: as root, the server runs as the ``postgres`` user (or ``nobody``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


@contextmanager
def server():
    """Yield the SQLAlchemy URL of the (empty) database of a new private server.

    Its folder is a new one under the system's temporary folder: pytest's own are private
    to root, and the server may run as another user.
    """
    bin_dir = binaries()
    user = _server_user()
    folder = Path(tempfile.mkdtemp(prefix="grader-postgres-"))
    data, socket = folder / "data", folder / "socket"
    socket.mkdir(parents=True)
    if user:
        for path in (folder, socket):
            os.chown(path, user.pw_uid, user.pw_gid)
    _run(user, bin_dir / "initdb", "-D", data, "-U", "grader", "--auth=trust", "-E", "UTF8")
    options = f"-k {socket} -c listen_addresses='' -c fsync=off"
    _run(user, bin_dir / "pg_ctl", "-D", data, "-o", options, "-w", "-l", folder / "log", "start")
    try:
        yield f"postgresql+psycopg://grader@/postgres?host={socket}"  # initdb's own database
    finally:
        _run(user, bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def _server_user():
    if os.getuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    return None


def _run(user, *command) -> None:
    command = [str(part) for part in command]
    if user:
        command = ["runuser", "-u", user.pw_name, "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
