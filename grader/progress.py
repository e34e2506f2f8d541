"""How far a learner is: every topic, graded from their own notebooks, cached by content.

Grading a notebook takes seconds, so a result is kept under the user's cache folder, keyed by
the notebook's bytes and the topic's version: a second call answers at once, and only the
notebooks that changed since are graded again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

from grader.cache import cache_dir, fingerprint
from grader.course import Topic, topics
from grader.results import NotebookResult, TestResult


@dataclass
class TopicProgress:
    slug: str
    title: str
    score: float | None  # None: no notebook yet
    max_score: float | None
    problems: list[str]


def _title(topic: Topic) -> str:
    for cell in nbformat.read(topic.notebook, as_version=4).cells:
        if cell.cell_type == "markdown" and cell.source.startswith("# "):
            return cell.source.splitlines()[0][2:].strip()
    return topic.slug


def _cache_file(notebook: Path, topic: Topic) -> Path:
    key = hashlib.sha256(notebook.read_bytes() + fingerprint(topic).encode())
    return cache_dir("progress") / f"{key.hexdigest()[:24]}.json"


def _cached(path: Path) -> NotebookResult | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return NotebookResult(**{**data, "tests": [TestResult(**t) for t in data["tests"]], "graded": True})


def collect(root: Path, notebooks: Path | None = None) -> list[TopicProgress]:
    """Progress on every topic, from ``notebooks`` (default ``root/exercises``)."""
    folder = notebooks or root / "exercises"
    rows, to_grade = {}, {}
    for topic in topics(root):
        mine = folder / topic.slug / topic.notebook.name
        if not mine.exists():
            rows[topic.slug] = (topic, None)
            continue
        cache = _cache_file(mine, topic)
        rows[topic.slug] = (topic, _cached(cache))
        if rows[topic.slug][1] is None:
            to_grade[topic.slug] = (mine, cache)
    if to_grade:
        from grader.autograde import check  # loads nbgrader: only when something changed

        results = check([mine for mine, _ in to_grade.values()], root)
        for (slug, (_, cache)), result in zip(to_grade.items(), results, strict=True):
            rows[slug] = (rows[slug][0], result)
            if result.graded:
                cache.parent.mkdir(parents=True, exist_ok=True)
                cache.write_text(json.dumps(result.to_json()))
    return [TopicProgress(topic.slug, _title(topic),
                          result.score if result else None, result.max_score if result else None,
                          result.problems if result else [])
            for topic, result in rows.values()]


def table(rows: list[TopicProgress]) -> str:
    """A plain-text table with a bar per topic and the total."""
    lines = []
    for row in rows:
        if row.score is None:
            lines.append(f"  {row.title:<52} not started")
            continue
        share = row.score / row.max_score if row.max_score else 0.0
        bar = "#" * round(share * 20) + "." * (20 - round(share * 20))
        lines.append(f"  {row.title:<52} {bar} {row.score:g}/{row.max_score:g}")
        lines.extend(f"      problem: {p}" for p in row.problems)
    started = [r for r in rows if r.score is not None]
    earned, possible = sum(r.score for r in started), sum(r.max_score for r in started)
    lines.append(f"  {len(started)} of {len(rows)} topics started, {earned:g}/{possible:g} points")
    return "\n".join(lines)


def show(notebooks: str | Path | None = None) -> None:
    """Print progress from inside a notebook: ``import grader.progress; grader.progress.show()``.

    Grades the saved notebooks: save yours first (Ctrl+S).
    """
    from grader.course import find_root

    root = find_root()
    print(table(collect(root, Path(notebooks) if notebooks else None)))
