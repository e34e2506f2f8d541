"""Grade one learner's notebook of one topic: the unit of work of a worker or a Dask task.

The course folder (``root``) is an ordinary nbgrader course: ``course/<topic>`` holds the
sources, ``submitted/<student>/<topic>`` the notebook. nbgrader's Autograde fills the gradebook
and ``autograded/``, GenerateFeedback writes ``feedback/`` (hidden tests scrubbed), so
``nbgrader export``, formgrader and ``nbgrader release_feedback`` work on the result.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.converters import Autograde, GenerateFeedback
from nbgrader.preprocessors import Execute

from grader import integrity
from grader.autograde import collect
from grader.batch.execute import WarmExecute, ensure_kernel
from grader.batch.warm import KERNEL_STOPPED
from grader.course import Topic
from grader.nbconfig import course_config, put_tools_on_path, run_converter
from grader.results import NotebookResult
from grader.startup import quicker_nbgrader_checks, templates_compiled_once

quicker_nbgrader_checks()
templates_compiled_once()


@dataclass(frozen=True)
class Job:
    student: str
    topic: str
    notebook: str  # the file the learner handed in, named in messages
    digest: str  # content hash: an unchanged submission is not graded again
    feedback: bool = True  # write the learner's feedback page (off: grade now, feedback later)


@dataclass
class Outcome:
    job: Job
    result: NotebookResult
    seconds: float = 0.0
    feedback: str = ""  # path of the feedback page, relative to the course folder


def grade(job: Job, root: str, db_url: str) -> Outcome:
    """Autograde ``job`` in the course folder ``root`` and write its feedback page."""
    put_tools_on_path()
    topic = Topic(job.topic, Path(root) / "course" / job.topic)
    source = nbformat.read(topic.notebook, as_version=4)
    setup = next(cell.source for cell in source.cells if cell.cell_type == "code")
    ensure_kernel(topic.slug, setup)  # once per worker and topic: not this notebook's time
    started = time.monotonic()
    outcome = Outcome(job, NotebookResult(notebook=job.notebook))
    config = batch_config(root, db_url)
    log = _autograde(config, topic, job.student, setup)
    submitted = Path(root) / "submitted" / job.student / job.topic / topic.notebook.name
    graded = Path(root) / "autograded" / job.student / job.topic / topic.notebook.name
    with Gradebook(db_url) as gradebook:
        collect(outcome.result, gradebook, topic, job.student, source, graded, log)
    outcome.result.problems.extend(integrity.tampering(nbformat.read(submitted, as_version=4), source))
    if outcome.result.graded and job.feedback:
        ok, feedback_log = run_converter(GenerateFeedback, config, assignment_id=job.topic,
                                         student_id=job.student)
        page = Path("feedback") / job.student / job.topic / f"{job.topic}.html"
        outcome.feedback = str(page) if ok and (Path(root) / page).exists() else ""
    outcome.seconds = time.monotonic() - started
    return outcome


def batch_config(root: str, db_url: str):
    """The course's nbgrader configuration, with cells run in warm kernels."""
    config = course_config(root, db_url)
    steps = config.Autograde.autograde_preprocessors
    config.Autograde.autograde_preprocessors = [WarmExecute if s is Execute else s for s in steps]
    config.Autograde.force = True
    config.GenerateFeedback.force = True
    return config


def _autograde(config, topic: Topic, student: str, setup: str) -> str:
    """Run Autograde; a warm kernel that broke is started again, once."""
    log = run_converter(Autograde, config, assignment_id=topic.slug, student_id=student)[1]
    if KERNEL_STOPPED in log:
        ensure_kernel(topic.slug, setup, restart=True)
        log = run_converter(Autograde, config, assignment_id=topic.slug, student_id=student)[1]
    return log
