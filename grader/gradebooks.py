"""Gradebooks for one-off grading, prepared once per topic version and then copied.

Creating a gradebook makes nbgrader run ``alembic`` in a subprocess and generate the
assignment, about 4 s that every ``grader check`` would otherwise pay again. The template is
keyed by the topic's content, so an edited topic gets a new one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import nbgrader
from nbgrader.converters import GenerateAssignment

from grader.course import Topic
from grader.errors import GradingError
from grader.nbconfig import course_config, run_converter


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "aws-hands-on" / "gradebooks"


def _fingerprint(topic: Topic) -> str:
    digest = hashlib.sha256(nbgrader.__version__.encode())
    for path in sorted(p for p in topic.folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(topic.folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def prepared(topic: Topic, course_root: Path) -> Path:
    """A gradebook at ``course_root/gradebook.db`` that knows ``topic``'s assignment."""
    template = cache_dir() / f"{topic.slug}-{_fingerprint(topic)}.db"
    if not template.exists():
        _create(topic, template)
    db = course_root / "gradebook.db"
    shutil.copyfile(template, db)
    return db


def _create(topic: Topic, template: Path) -> None:
    template.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="grader-gradebook-") as scratch:
        shutil.copytree(topic.folder, Path(scratch) / "course" / topic.slug)
        db = Path(scratch) / "gradebook.db"
        config = course_config(scratch, f"sqlite:///{db}")
        ok, log = run_converter(GenerateAssignment, config, assignment_id=topic.slug)
        if not ok:
            raise GradingError(f"could not prepare a gradebook for {topic.slug}:\n{log}")
        partial = template.with_suffix(f".{os.getpid()}.tmp")
        shutil.copyfile(db, partial)
        partial.replace(template)  # atomic: parallel graders never see half a file
