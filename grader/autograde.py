"""Grade learners' notebooks through nbgrader without touching their files.

Each call builds a throw-away nbgrader course: the topic's source, the notebooks under
``submitted/``, a gradebook. nbgrader does the grading (so its cell restoring and scoring are
what a teacher gets too); this module only prepares the folder and reads the results back as
:class:`NotebookResult`, the stable interface of ``grader check --json``.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde

from grader import gradebooks, integrity, messages
from grader.course import Topic, grade_id, topic_of
from grader.nbconfig import course_config, put_tools_on_path, run_converter
from grader.results import NotebookResult, TestResult


@dataclass
class _Submission:
    path: Path
    result: NotebookResult
    nb: nbformat.NotebookNode | None = None
    topic: Topic | None = None
    student: str = ""


def check(paths: list[Path], root: Path) -> list[NotebookResult]:
    """Autograde every notebook in ``paths`` against the course under ``root``."""
    put_tools_on_path()
    submissions = [_read(path, root) for path in paths]
    by_topic: dict[str, list[_Submission]] = {}
    for number, sub in enumerate(submissions, start=1):
        if sub.topic is not None:
            sub.student = f"learner-{number}"
            by_topic.setdefault(sub.topic.slug, []).append(sub)
    for group in by_topic.values():
        _grade_topic(group[0].topic, group)
    return [sub.result for sub in submissions]


def _read(path: Path, root: Path) -> _Submission:
    sub = _Submission(path, NotebookResult(notebook=str(path)))
    try:
        sub.nb = nbformat.read(path, as_version=4)
    except FileNotFoundError:
        sub.result.problems.append(f"{path}: no such file")
        return sub
    except Exception as error:  # nbformat raises several unrelated types for bad files
        sub.result.problems.append(f"{path} is not a readable notebook ({type(error).__name__}): "
                                   "restore it from a backup or from exercises/")
        return sub
    sub.topic = topic_of(grade_ids(sub.nb), root)
    if sub.topic is None:
        sub.result.problems.append(f"{path} is not a notebook of this course: it has no graded "
                                   "cells of any topic")
    return sub


def grade_ids(nb) -> list[str]:
    return [grade_id(cell) for cell in nb.cells]


def _grade_topic(topic: Topic, group: list[_Submission]) -> None:
    with tempfile.TemporaryDirectory(prefix="grader-check-") as scratch:
        course = Path(scratch)
        shutil.copytree(topic.folder, course / "course" / topic.slug)
        db = gradebooks.prepared(topic, course)
        source = nbformat.read(topic.notebook, as_version=4)
        for sub in group:
            folder = course / "submitted" / sub.student / topic.slug
            folder.mkdir(parents=True)
            nbformat.write(sub.nb, folder / topic.notebook.name)
            sub.result.problems.extend(integrity.tampering(sub.nb, source))
        config = course_config(str(course), f"sqlite:///{db}")
        _, log = run_converter(Autograde, config, assignment_id=topic.slug, student_id="*")
        with Gradebook(f"sqlite:///{db}") as gradebook:
            for sub in group:
                graded = course / "autograded" / sub.student / topic.slug / topic.notebook.name
                collect(sub.result, gradebook, topic, sub.student, source, graded, log)


def collect(result: NotebookResult, gradebook: Gradebook, topic: Topic, student: str, source,
            graded: Path, log: str) -> None:
    """Fill ``result`` with what nbgrader recorded for ``student``'s notebook of ``topic``."""
    try:
        record = gradebook.find_submission_notebook(topic.slug, topic.slug, student)
    except MissingEntry:
        record = None
    if record is None or not graded.exists():
        result.problems.append(f"{result.notebook} could not be graded: {messages.grading_failure(log)}")
        return
    outputs = messages.errors_by_cell(nbformat.read(graded, as_version=4))
    order = {name: index for index, name in enumerate(grade_ids(source))}
    for grade in sorted(record.grades, key=lambda g: order.get(g.name, len(order))):
        if grade.max_score == 0:
            continue
        score = grade.score or 0.0
        passed = grade.auto_score is not None and score >= grade.max_score
        message = "" if passed else messages.learner_message(outputs.get(grade.name))
        result.tests.append(TestResult(grade.name, score, grade.max_score, passed, message))
    result.problems.extend(messages.answer_cell_errors(outputs, source))
    result.score = sum(test.score for test in result.tests)
    result.max_score = sum(test.max_score for test in result.tests)
    result.graded = True
