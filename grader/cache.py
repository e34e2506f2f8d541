"""Where the grader keeps what it can reuse between runs, and how it knows it is still valid.

Cheap to import (no nbgrader): ``grader progress`` answers from here without loading it.
"""

from __future__ import annotations

import hashlib
import os
from importlib.metadata import version
from pathlib import Path

from grader.course import Topic


def cache_dir(kind: str) -> Path:
    """``~/.cache/aws-hands-on/<kind>`` (or under ``$XDG_CACHE_HOME``)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "aws-hands-on" / kind


def fingerprint(topic: Topic) -> str:
    """Changes whenever the topic's folder, nbgrader or the grader changes."""
    digest = hashlib.sha256(f"{version('nbgrader')} {version('aws-hands-on-grader')}".encode())
    for path in sorted(p for p in topic.folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(topic.folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
