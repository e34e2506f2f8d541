"""`grader grade` grades a cohort: every kind of broken submission is graded as far as it can be
or reported by name, the cohort is never stopped, and nothing hidden reaches feedback."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from ..notebooks import with_answers
from .conftest import HIDDEN_CODE

SLUG = "01-tiny"
DOUBLE, SQUARE = f"{SLUG}-double", f"{SLUG}-square"
SOLUTION = "def double(x):\n    return 2 * x\n"
#: Short time limits, so that endless loops cost seconds, not minutes.
ENV = {**os.environ, "GRADER_CELL_TIMEOUT": "2"}

#: Kills the process grading the notebook (the parent of the kernel's parent).
KILL_THE_WORKER = ("import os, signal\n"
                   "worker = int(open(f'/proc/{os.getppid()}/stat').read().rsplit(')', 1)[1].split()[1])\n"
                   "os.kill(worker, signal.SIGKILL)")

#: learner -> (answers replaced in the answer key, or a special kind) and the expected score.
COHORT = {
    "ana": ({}, 5),
    "ben": ("stub", 0),
    "cal": ({DOUBLE: "def double(x):\n    return x + 2"}, 3),
    "dia": ({DOUBLE: "import os\nos._exit(3)"}, 3),  # the kernel dies: the rest is graded
    "eve": ({SQUARE: "import time\nwhile True:\n    try:\n        time.sleep(0.05)\n"
                     "    except BaseException:\n        pass"}, 2),  # ignores the interrupt
    "fay": ({DOUBLE: SOLUTION + "hog = bytearray(64 * 1024**3)"}, 5),  # MemoryError after double
    "gus": ({SQUARE: "for n in range(50_000):\n    print('spam', n)\n"
                     "def square(x):\n    return x * x"}, 5),  # huge output
    "hal": ("invalid-json", None),
    "ivy": ("other-course", None),
    "jon": ("renamed", 5),
    "kim": ("metadata-deleted", 5),
    "lea": ({DOUBLE: "while True:\n    pass"}, 3),
    "max": ({DOUBLE: KILL_THE_WORKER}, None),  # takes its grading worker down, every time
}


def grade(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", "grade", *map(str, args), "--quiet"],
                          cwd=cwd, env=ENV, capture_output=True, text=True, timeout=600, check=False)


def write_submission(root: Path, folder: Path, learner: str, kind) -> Path:
    exercise = root / "exercises" / SLUG / f"{SLUG}.ipynb"
    solution = root / "solutions" / SLUG / f"{SLUG}.ipynb"
    name = "homework.ipynb" if kind == "renamed" else f"{SLUG}.ipynb"
    path = folder / learner / SLUG / name
    path.parent.mkdir(parents=True)
    if kind == "stub":
        return with_answers(exercise, path, {})
    if kind == "invalid-json":
        path.write_text('{"cells": [')
    elif kind == "other-course":
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")]), path)
    elif kind == "metadata-deleted":
        nb = nbformat.read(solution, as_version=4)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("solution"):
                del cell.metadata["nbgrader"]
        nbformat.write(nb, path)
    else:
        with_answers(solution, path, kind if isinstance(kind, dict) else {})
    return path


@pytest.fixture(scope="module")
def cohort(tiny_root, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cohort") / "submitted"
    for learner, (kind, _) in COHORT.items():
        write_submission(tiny_root, folder, learner, kind)
    return folder


@pytest.fixture(scope="module")
def graded(tiny_root, cohort, tmp_path_factory):
    out = tmp_path_factory.mktemp("graded")
    return out, grade(cohort, "--out", out, "--workers", "2", cwd=tiny_root)


def test_every_gradable_notebook_gets_its_exact_score(graded):
    out, process = graded
    grades = pd.read_csv(out / "grades.csv")
    rows = grades[grades.topic == SLUG].set_index("student")
    expected = {learner: score for learner, (_, score) in COHORT.items() if score is not None}
    assert rows.loc[list(expected), "score"].to_dict() == expected, process.stderr
    assert set(rows.loc[list(expected), "status"]) == {"graded"}
    assert (rows.max_score == 5).all()


def test_broken_submissions_are_listed_by_name_with_a_plain_reason(graded):
    out, process = graded
    problems = pd.read_csv(out / "problems.csv")
    reasons = problems.groupby("student").problem.apply(" | ".join)
    assert "not a readable notebook" in reasons["hal"]
    assert "not a notebook of this course" in reasons["ivy"]
    assert "kernel exited" in reasons["dia"]
    assert "killed" in reasons["eve"]
    assert "MemoryError" in reasons["fay"]
    assert "worker died 2 times" in reasons["max"]
    assert process.returncode == 1  # some notebooks could not be graded, and the teacher is told


def test_unreadable_notebooks_are_not_silent_zeros(graded):
    out, _ = graded
    grades = pd.read_csv(out / "grades.csv").set_index(["student", "topic"])
    assert grades.loc[("hal", SLUG), "status"] == "not submitted"
    assert grades.loc[("hal", "TOTAL"), "score"] == 0


def test_outputs_are_bounded(graded):
    out, _ = graded
    nb = nbformat.read(out / "autograded" / "gus" / SLUG / f"{SLUG}.ipynb", as_version=4)
    assert sum(len(str(o)) for cell in nb.cells for o in cell.get("outputs", [])) < 300_000


def test_feedback_for_every_graded_learner_without_hidden_tests(graded):
    out, _ = graded
    pages = sorted((out / "feedback").glob(f"*/{SLUG}/{SLUG}.html"))
    assert {p.parts[-3] for p in pages} == {k for k, (_, s) in COHORT.items() if s is not None}
    for page in pages:
        assert HIDDEN_CODE not in page.read_text()


def test_report_and_summary_tell_the_same_story(graded):
    out, _ = graded
    summary = json.loads((out / "summary.json").read_text())
    topic = summary["topics"][SLUG]
    assert topic["graded"] == 10 and topic["full_marks"] == 5
    assert summary["not_graded"] == 3
    assert topic["exercise_pass_rate"]["square"] == 0.8
    assert {f["message"] for f in summary["common_failures"]} >= {"double(21) should be 42"}
    page = (out / "report.html").read_text()
    assert page.count("<img") == 2 and "Most common failure messages" in page


def test_the_gradebook_is_nbgraders(graded):
    out, _ = graded
    export = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "export", "--to", "export.csv",
                             f"--CourseDirectory.root={out}", f"--CourseDirectory.db_url=sqlite:///{out}/gradebook.db"],
                            cwd=out, capture_output=True, text=True, check=False)
    assert export.returncode == 0, export.stderr
    exported = pd.read_csv(out / "export.csv").set_index("student_id")
    assert exported.loc["ana", "score"] == 5 and exported.loc["cal", "score"] == 3


def test_a_rerun_grades_only_what_changed(tiny_root, cohort, graded, tmp_path):
    out, _ = graded
    copy = Path(shutil.copytree(out, tmp_path / "again"))
    write_submission(tiny_root, tmp_path / "changed", "ben", {})
    shutil.copy(tmp_path / "changed" / "ben" / SLUG / f"{SLUG}.ipynb", cohort / "ben" / SLUG)
    process = grade(cohort, "--out", copy, cwd=tiny_root)
    assert "1 notebook(s) graded" not in process.stdout  # every gradable notebook is reported
    assert "(9 unchanged since the last run)" in process.stdout, process.stdout  # max: tried again
    grades = pd.read_csv(copy / "grades.csv").set_index(["student", "topic"])
    assert grades.loc[("ben", SLUG), "score"] == 5


def test_one_worker_gives_the_same_grades(tiny_root, cohort, graded, tmp_path):
    out, _ = graded
    grade(cohort, "--out", tmp_path / "serial", "--workers", "1", cwd=tiny_root)
    ours, serial = (pd.read_csv(p / "grades.csv")[["student", "topic", "score", "status"]]
                    for p in (out, tmp_path / "serial"))
    changed = ours.student == "ben"  # another test may have changed ben's notebook meanwhile
    assert ours[~changed].equals(serial[~changed])


def test_grades_now_feedback_later(tiny_root, tmp_path):
    """--no-feedback writes grades only; the next run without it adds the pages it lacks."""
    for learner in ("ana", "cal"):
        write_submission(tiny_root, tmp_path / "submitted", learner, COHORT[learner][0])
    out = tmp_path / "out"
    first = grade(tmp_path / "submitted", "--out", out, "--no-feedback", cwd=tiny_root)
    grades = pd.read_csv(out / "grades.csv").set_index(["student", "topic"])
    assert first.returncode == 0 and grades.loc[("cal", SLUG), "score"] == 3, first.stderr
    assert not list(out.glob("feedback/*/*/*.html"))
    second = grade(tmp_path / "submitted", "--out", out, cwd=tiny_root)
    assert "(0 unchanged since the last run)" in second.stdout, second.stdout
    assert {p.parts[-3] for p in out.glob(f"feedback/*/{SLUG}/{SLUG}.html")} == {"ana", "cal"}


def test_lms_downloads_in_a_zip_are_matched_by_name_and_content(tiny_root, tmp_path):
    solution = tiny_root / "solutions" / SLUG / f"{SLUG}.ipynb"
    archive = tmp_path / "downloads.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(solution, f"doejane_12345_67890_{SLUG}.ipynb")
        bundle.write(solution, "smithjo_LATE_222_333_my copy.ipynb")
        bundle.write(solution, "alex.ipynb")
    process = grade(archive, "--out", tmp_path / "out", cwd=tiny_root)
    grades = pd.read_csv(tmp_path / "out" / "grades.csv")
    assert process.returncode == 0, process.stderr
    assert set(grades[grades.topic == SLUG].student) == {"doejane", "smithjo", "alex"}
    assert (grades[grades.topic == SLUG].score == 5).all()


def test_an_interrupted_run_keeps_what_it_graded_and_the_next_run_finishes(tiny_root, tmp_path):
    slow = {DOUBLE: "import time\ntime.sleep(1)\n" + SOLUTION}
    for learner in ("p1", "p2", "p3", "p4"):
        write_submission(tiny_root, tmp_path / "submitted", learner, slow)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "grader", "grade", tmp_path / "submitted", "--out", out,
               "--workers", "1", "--quiet"]
    process = subprocess.Popen(command, cwd=tiny_root, env=ENV, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    outcomes = out / ".grader" / "outcomes"
    deadline = time.monotonic() + 300
    while not list(outcomes.glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130 and "run the same command again" in stderr, stderr[-3000:]
    kept = len(list(outcomes.glob("*.json")))
    assert 1 <= kept < 4
    again = grade(tmp_path / "submitted", "--out", out, cwd=tiny_root)
    assert f"({kept} unchanged since the last run)" in again.stdout, again.stderr
    assert (pd.read_csv(out / "grades.csv").query("topic == @SLUG").score == 5).all()


def test_killing_the_run_takes_its_workers_and_kernels_with_it(tiny_root, tmp_path):
    write_submission(tiny_root, tmp_path / "submitted", "p1", {DOUBLE: "import time\ntime.sleep(60)"})
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "grader", "grade", tmp_path / "submitted", "--out", out,
                                "--quiet"], cwd=tiny_root, env=ENV)
    running = out / ".grader" / "running"
    deadline = time.monotonic() + 300
    while not (running.is_dir() and list(running.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.2)
    worker = int(next(running.iterdir()).name)
    process.kill()
    process.wait()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not Path(f"/proc/{worker}").exists()
