"""``grader grade``: a cohort's submissions in; gradebook, reports and feedback out.

The output folder is an ordinary nbgrader course folder (``course/``, ``submitted/``,
``autograded/``, ``feedback/``, the gradebook), so nbgrader's own tools keep working on it,
plus ``grades.csv``, ``problems.csv``, ``summary.json`` and ``report.html``.

Notebooks are graded in parallel: by local worker processes (one per core by default) or, with
a scheduler address, by the workers of a Dask cluster sharing the folder and a gradebook
server. Whatever happens to one notebook is reported for that notebook; the cohort goes on.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import GenerateAssignment
from tqdm import tqdm

from grader import gradebooks
from grader.batch.grading import Job, Outcome, grade
from grader.batch.store import OutcomeStore
from grader.batch.submissions import Submission, discover
from grader.batch.warm import die_with_parent
from grader.course import Topic, find_root
from grader.errors import GradingError
from grader.nbconfig import course_config, put_tools_on_path, run_converter
from grader.results import NotebookResult
from grader.startup import quiet_and_quick

#: How often the worker grading a notebook may die before the notebook is reported, not retried.
MAX_WORKER_DEATHS = 2


@dataclass
class Cohort:
    outcomes: list[Outcome] = field(default_factory=list)
    rejected: list[Submission] = field(default_factory=list)  # not gradable: the reason is in each
    notes: list[Submission] = field(default_factory=list)  # graded, with something to know
    reused: int = 0  # graded in an earlier run and unchanged since


def grade_cohort(inputs: Path, out: Path, *, workers: int | None = None, db_url: str | None = None,
                 scheduler: str | None = None, progress: bool = True, feedback: bool = True) -> Cohort:
    """Grade every notebook found in ``inputs`` into the course folder ``out``."""
    from grader.batch import reports

    put_tools_on_path()
    root, out = find_root(), out.resolve()
    scratch = out / ".grader" / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    found = discover(inputs.resolve(), root, scratch)
    gradable = [s for s in found if not s.problem]
    db_url = db_url or f"sqlite:///{out / 'gradebook.db'}"
    topics = sorted({s.topic for s in gradable}, key=lambda t: t.slug)
    _copy_sources(topics, out)
    _register_assignments(topics, out, db_url)
    jobs = [_place(submission, out, feedback) for submission in gradable]
    store = OutcomeStore(out)
    outcomes = {job: store.load(job) for job in jobs}
    todo = sorted((job for job, done in outcomes.items() if done is None), key=lambda j: j.topic)
    cohort = Cohort(rejected=[s for s in found if s.problem], notes=[s for s in gradable if s.note],
                    reused=len(jobs) - len(todo))
    runner = _on_cluster(todo, str(out), db_url, scheduler) if scheduler else \
        _locally(todo, str(out), db_url, workers or os.cpu_count() or 1)
    for outcome in tqdm(runner, total=len(todo), unit="notebook", disable=not progress,
                        desc="grading", dynamic_ncols=True):
        store.save(outcome)
        outcomes[outcome.job] = outcome
    cohort.outcomes = [outcomes[job] for job in jobs]
    reports.write(out, cohort)
    shutil.rmtree(scratch, ignore_errors=True)
    return cohort


def _copy_sources(topics: list[Topic], out: Path) -> None:
    """The topics' sources, unless ``out`` is the course itself (a teacher's course folder)."""
    for topic in topics:
        target = out / "course" / topic.slug
        if target.resolve() != topic.folder.resolve():
            shutil.copytree(topic.folder, target, dirs_exist_ok=True)


def _register_assignments(topics: list[Topic], out: Path, db_url: str) -> None:
    """Record each topic's assignment in the gradebook once (nbgrader's generate_assignment).

    A new SQLite gradebook starts as a copy of the first topic's cached one, which saves
    creating the database and generating that topic.
    """
    sqlite_file = Path(db_url.removeprefix("sqlite:///")) if db_url.startswith("sqlite:///") else None
    if topics and sqlite_file and not sqlite_file.exists():
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(gradebooks.template(topics[0]), sqlite_file)
    with Gradebook(db_url) as gradebook:
        missing = [t for t in topics if not _has_assignment(gradebook, t.slug)]
    for topic in missing:
        ok, log = run_converter(GenerateAssignment, course_config(str(out), db_url),
                                assignment_id=topic.slug)
        if not ok:
            raise GradingError(f"could not record {topic.slug} in the gradebook:\n{log}")


def _has_assignment(gradebook: Gradebook, slug: str) -> bool:
    try:
        gradebook.find_assignment(slug)
    except MissingEntry:
        return False
    return True


def _place(submission: Submission, out: Path, feedback: bool) -> Job:
    """Put the notebook where nbgrader expects it (unless it is already there)."""
    slug = submission.topic.slug
    target = out / "submitted" / submission.student / slug / f"{slug}.ipynb"
    if submission.path.resolve() != target.resolve():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(submission.path, target)
    return Job(submission.student, slug, str(submission.path), submission.digest, feedback)


def _locally(jobs: list[Job], root: str, db_url: str, workers: int) -> Iterator[Outcome]:
    """Worker processes. A worker that dies takes the pool down: the notebook it was grading
    (its marker under ``.grader/running``) is charged and tried again; the others simply go on
    in a new pool."""
    deaths: Counter[Job] = Counter()
    running = Path(root) / ".grader" / "running"
    pending = jobs
    while pending:
        retry = []
        shutil.rmtree(running, ignore_errors=True)
        running.mkdir(parents=True)
        with ProcessPoolExecutor(min(workers, len(pending)), mp_context=get_context("spawn"),
                                 initializer=_start_worker) as pool:
            futures = {pool.submit(grade_marked, job, root, db_url): job for job in pending}
            try:
                for future in as_completed(futures):
                    job = futures[future]
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        retry.append(job)
                    except Exception as error:  # one notebook's failure must not stop the cohort
                        yield failed(job, f"grading stopped with {type(error).__name__}: {error}")
            except (KeyboardInterrupt, GeneratorExit):
                _stop_now(pool)
                raise
        for culprit in _killed_while_grading(running):
            deaths[culprit] += 1
            if deaths[culprit] >= MAX_WORKER_DEATHS and culprit in retry:
                retry.remove(culprit)
                yield failed(culprit, f"the grading worker died {deaths[culprit]} times while grading "
                                      "this notebook (out of memory, or code that kills processes)")
        pending = retry


def _stop_now(pool: ProcessPoolExecutor) -> None:
    """Interrupted: drop the queue and stop the workers instead of letting them finish it.
    (The executor has no public way to stop running workers; ``_processes`` is stable.)"""
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers:
        process.terminate()


def _start_worker() -> None:
    """A worker the pool stops (SIGTERM, when another worker died) removes its marker first:
    only the worker that died by itself leaves one behind. A worker whose coordinator is killed
    goes with it, instead of grading on for nobody."""
    quiet_and_quick()
    die_with_parent()
    signal.signal(signal.SIGTERM, _stopped)


def _stopped(signum, frame) -> None:
    for marker in _markers:
        marker.unlink(missing_ok=True)
    os._exit(1)


_markers: list[Path] = []


def grade_marked(job: Job, root: str, db_url: str) -> Outcome:
    """:func:`grade`, leaving a marker that names the job while it runs in this worker."""
    marker = Path(root) / ".grader" / "running" / str(os.getpid())
    marker.write_text(json.dumps(asdict(job)))
    _markers.append(marker)
    try:
        return grade(job, root, db_url)
    finally:
        _markers.remove(marker)
        marker.unlink(missing_ok=True)


def _killed_while_grading(running: Path) -> list[Job]:
    """The jobs whose worker is gone without removing its marker."""
    culprits = []
    for marker in running.iterdir():
        try:
            os.kill(int(marker.name), 0)
        except ProcessLookupError:
            culprits.append(Job(**json.loads(marker.read_text())))
    return culprits


def _on_cluster(jobs: list[Job], root: str, db_url: str, address: str) -> Iterator[Outcome]:
    """Tasks on a Dask cluster whose workers see ``root`` and reach the gradebook server."""
    from distributed import Client
    from distributed import as_completed as completed

    with Client(address) as client:
        futures = {client.submit(grade, job, root, db_url, pure=False, retries=1): job for job in jobs}
        for future in completed(list(futures)):
            try:
                yield future.result()
            except Exception as error:  # reported per notebook, like a local failure
                yield failed(futures[future], f"grading stopped with {type(error).__name__}: {error}")


def failed(job: Job, reason: str) -> Outcome:
    """The outcome of a notebook that could not be graded at all."""
    return Outcome(job, NotebookResult(notebook=job.notebook, problems=[reason]))
