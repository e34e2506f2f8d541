"""Gradebooks for one-off grading, prepared once per topic version and then copied.

Creating a gradebook makes nbgrader run ``alembic`` in a subprocess and generate the
assignment, about 4 s that every ``grader check`` would otherwise pay again. The template is
keyed by the topic's content, so an edited topic gets a new one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from nbgrader.converters import GenerateAssignment

from grader.cache import cache_dir, fingerprint
from grader.course import Topic
from grader.errors import GradingError
from grader.nbconfig import course_config, run_converter


def prepared(topic: Topic, course_root: Path) -> Path:
    """A gradebook at ``course_root/gradebook.db`` that knows ``topic``'s assignment."""
    db = course_root / "gradebook.db"
    shutil.copyfile(template(topic), db)
    return db


def template(topic: Topic) -> Path:
    """The cached SQLite gradebook that knows only ``topic``'s assignment: copy, never write."""
    path = cache_dir("gradebooks") / f"{topic.slug}-{fingerprint(topic)}.db"
    if not path.exists():
        _create(topic, path)
    return path


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
