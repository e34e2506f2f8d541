"""Where the course lives on disk and which topic a notebook belongs to.

A topic is ``course/NN-slug/NN-slug.ipynb`` (one nbgrader assignment); its nbgrader cell ids
all start with ``NN-slug-``, which is how a renamed notebook is still matched to its topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

TOPIC_DIR = re.compile(r"^\d\d-[a-z0-9]+(-[a-z0-9]+)*$")


def grade_id(cell) -> str:
    """The cell's nbgrader id, or "" for a cell nbgrader does not track."""
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def find_root(start: Path | None = None) -> Path:
    """The repository root: the nearest folder, from ``start`` (default: the working folder)
    up, that holds ``course/``; else the repository this package was installed from, so
    ``grader grade`` also works from a teacher's grading folder."""
    here = (start or Path.cwd()).resolve()
    candidates = [here, *here.parents]
    if start is None:
        candidates.append(Path(__file__).resolve().parent.parent)
    for folder in candidates:
        if (folder / "course").is_dir() and (folder / "pyproject.toml").is_file():
            return folder
    raise FileNotFoundError(f"no course/ folder above {here}: run this inside the course repository")


@dataclass(frozen=True)
class Topic:
    slug: str  # e.g. "06-secure-vpc": folder, notebook stem and nbgrader assignment id
    folder: Path

    @property
    def notebook(self) -> Path:
        return self.folder / f"{self.slug}.ipynb"


def topics(root: Path) -> list[Topic]:
    """Every topic under ``root/course``, in course order."""
    found = []
    for folder in sorted((root / "course").iterdir()):
        if folder.is_dir() and TOPIC_DIR.match(folder.name):
            topic = Topic(folder.name, folder)
            if topic.notebook.is_file():
                found.append(topic)
    return found


def topic_of(grade_ids: list[str], root: Path) -> Topic | None:
    """The topic whose cell-id prefix most of ``grade_ids`` carry, or None."""
    best, votes = None, 0
    for topic in topics(root):
        count = sum(1 for grade_id in grade_ids if grade_id.startswith(topic.slug + "-"))
        if count > votes:
            best, votes = topic, count
    return best
