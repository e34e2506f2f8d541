"""Print batch-grading figures (issue 10): `grader grade` against plain sequential nbgrader.

    .venv/bin/python benchmarks/grading.py [--learners 40] [--workers N] [--skip-plain]

A synthetic cohort (tests/cohort.py: correct, partial, stub and broken notebooks) is graded
in the same run by `grader grade` and by plain nbgrader, one topic after another, with the
course's own nbgrader configuration (same time limits and cell restoring, so the only difference
is how cells run). Two like-for-like pairs: grades only (`grader grade --no-feedback` against
`nbgrader autograde`) and grades with feedback pages (`grader grade` against `nbgrader autograde`
then `nbgrader generate_feedback`). Prints wall time, seconds per notebook, peak memory of the
whole process tree, and whether the gradebooks agree notebook by notebook.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
from nbgrader.api import Gradebook, MissingEntry

from grader.nbconfig import put_tools_on_path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.cohort import make_cohort  # noqa: E402

BIN = Path(sys.executable).parent
TOPICS = ["00-start-here", "06-secure-vpc", "14-sg-vs-nacl"]


class PeakMemory(threading.Thread):
    """Samples the summed resident memory of a process and all its descendants."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.25):
            self.peak = max(self.peak, sum(_rss(p) for p in _tree(self.pid)))


def _tree(pid: int) -> list[int]:
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * 4096
    except OSError:
        return 0


def timed_run(command: list[str], cwd: Path) -> tuple[float, int]:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    memory = PeakMemory(process.pid)
    memory.start()
    process.wait()
    memory.done.set()
    return time.perf_counter() - started, memory.peak


def plain_nbgrader(work: Path, topics: list[str]) -> tuple[float, float, int]:
    """The course's nbgrader config, nbgrader's own kernels, one topic after another: seconds
    for autograde, seconds for generate_feedback, peak memory."""
    course = work / "plain"
    course.mkdir()
    shutil.copytree(work / "submitted", course / "submitted")
    for topic in topics:
        shutil.copytree(ROOT / "course" / topic, course / "course" / topic)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    for topic in topics:
        subprocess.run([str(BIN / "nbgrader"), "generate_assignment", topic], cwd=course,
                       check=True, capture_output=True)
    grading, feedback, peak = 0.0, 0.0, 0
    for topic in topics:
        wall, memory = timed_run([str(BIN / "nbgrader"), "autograde", topic], course)
        grading, peak = grading + wall, max(peak, memory)
    for topic in topics:
        wall, memory = timed_run([str(BIN / "nbgrader"), "generate_feedback", topic], course)
        feedback, peak = feedback + wall, max(peak, memory)
    return grading, feedback, peak


def plain_scores(course: Path, kinds: dict) -> dict:
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for learner, topic in kinds:
            try:
                submission = gradebook.find_submission(topic, learner)
            except MissingEntry:
                continue
            if all(g.auto_score is not None for n in submission.notebooks for g in n.grades):
                scores[learner, topic] = submission.score
    return scores


def ours(work: Path, out: str, workers: int | None, *extra: str) -> tuple[float, int, dict]:
    command = [str(BIN / "grader"), "grade", "submitted", "--out", out, "--quiet", *extra]
    wall, memory = timed_run(command + (["--workers", str(workers)] if workers else []), work)
    grades = pd.read_csv(work / out / "grades.csv")
    graded = grades[(grades.status == "graded") & (grades.topic != "TOTAL")]
    return wall, memory, {(r.student, r.topic): r.score for r in graded.itertuples()}


def line(label: str, seconds: float, notebooks: int, memory: int) -> str:
    return (f"{label:<44} {seconds:7.1f} s  {seconds / notebooks:5.2f} s/notebook  "
            f"peak memory {memory / 2**20:,.0f} MiB")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--learners", type=int, default=40)
    options.add_argument("--workers", type=int)
    options.add_argument("--skip-plain", action="store_true")
    args = options.parse_args()
    put_tools_on_path()  # nbgrader runs `alembic` from PATH
    work = Path(tempfile.mkdtemp(prefix="grading-benchmark-"))
    kinds = make_cohort(work / "submitted", args.learners, TOPICS)
    notebooks = len(kinds)
    print(f"cohort: {args.learners} learners x {len(TOPICS)} topics = {notebooks} notebooks "
          f"({pd.Series(k.split(':')[0] for k in kinds.values()).value_counts().to_dict()})")
    bare, bare_memory, bare_scores = ours(work, "grades-only", args.workers, "--no-feedback")
    full, full_memory, our_scores = ours(work, "with-feedback", args.workers)
    print(line("grader grade --no-feedback", bare, notebooks, bare_memory))
    print(line("grader grade (with feedback pages)", full, notebooks, full_memory))
    if args.skip_plain:
        return
    grading, feedback, plain_memory = plain_nbgrader(work, TOPICS)
    theirs = plain_scores(work / "plain", kinds)
    print(line("nbgrader autograde", grading, notebooks, plain_memory))
    print(line("nbgrader autograde + generate_feedback", grading + feedback, notebooks, plain_memory))
    print(f"speed-up, grades only:        {grading / bare:.1f}x")
    print(f"speed-up, with feedback pages: {(grading + feedback) / full:.1f}x")
    for label, mine in (("grades only", bare_scores), ("with feedback", our_scores)):
        differ = {key: (mine.get(key), theirs.get(key)) for key in set(mine) | set(theirs)
                  if mine.get(key) != theirs.get(key)}
        print(f"grades ({label}): " + ("identical to nbgrader's, "
              f"{len(mine)} notebooks" if not differ else f"differ for {len(differ)}: {differ}"))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
