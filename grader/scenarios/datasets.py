"""Shipped synthetic datasets (flow logs, access logs): written so the same seed gives the same bytes."""

from __future__ import annotations

import gzip
import io
import sys
from collections.abc import Callable
from pathlib import Path


def write_reproducibly(path, text: str) -> None:
    """Write ``text`` to ``path``, gzip-compressed when it ends in ``.gz``, with no timestamp or
    name in the gzip header, so a test can compare the shipped file with a fresh one."""
    data = text.encode()
    if str(path).endswith(".gz"):
        buffer = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as packed:
            packed.write(data)
        data = buffer.getvalue()
    Path(path).write_bytes(data)


def regenerate(argv: list[str], module: str, write: Callable[[str], None]) -> int:
    """``python -m <module> OUTPUT[.gz]``: regenerate a shipped dataset."""
    if len(argv) != 1:
        print(f"usage: python -m {module} OUTPUT[.gz]", file=sys.stderr)
        return 2
    write(argv[0])
    return 0
