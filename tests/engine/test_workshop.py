"""A workshop end to end through nbgrader's exchange, in temporary folders only: the teacher
releases, two learners fetch and submit, the teacher collects and runs `grader grade`, releases
the feedback, and each learner fetches a page with their own score and no hidden test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..notebooks import with_answers
from .conftest import HIDDEN_CODE

SLUG = "01-tiny"
COURSE = "aws-hands-on"
ANSWERS = {"alice": {}, "bob": {f"{SLUG}-double": "def double(x):\n    return x + 2"}}


class Workshop:
    """The teacher's course folder, the exchange and one home and working folder per person."""

    def __init__(self, base: Path, tiny_root: Path):
        self.base, self.exchange = base, base / "exchange"
        self.exchange.mkdir()
        self.exchange.chmod(0o777)
        self.teacher = Path(shutil.copytree(tiny_root, base / "teacher"))
        (self.teacher / "nbgrader_config.py").write_text(
            "from grader.nbconfig import course_config\n"
            "c = get_config()  # noqa: F821\n"
            f"c.merge(course_config({str(self.teacher)!r}))\n"
            f"c.Exchange.root = {str(self.exchange)!r}\n")

    def run(self, person: str, *command, cwd: Path | None = None) -> subprocess.CompletedProcess:
        home = self.base / "home" / person
        home.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
               "JUPYTER_DATA_DIR": str(home / ".local"), "JUPYTER_RUNTIME_DIR": str(home / ".runtime"),
               "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        process = subprocess.run([sys.executable, "-m", *map(str, command)], cwd=cwd or self.teacher,
                                 env=env, capture_output=True, text=True, timeout=600, check=False)
        assert process.returncode == 0, f"{' '.join(map(str, command))}:\n{process.stderr}"
        return process

    def learner(self, name: str, *command) -> subprocess.CompletedProcess:
        folder = self.base / "work" / name
        folder.mkdir(parents=True, exist_ok=True)
        return self.run(name, "nbgrader", *command, "--course", COURSE,
                        f"--Exchange.root={self.exchange}", cwd=folder)


#: Where nbgrader and Jupyter would write if the workshop leaked out of its folders.
REAL_PLACES = [Path.home() / ".jupyter", Path.home() / ".local" / "share" / "jupyter",
               Path("/srv/nbgrader/exchange"), Path("/usr/local/share/nbgrader")]


def snapshot() -> set[tuple[str, float]]:
    return {(str(p), p.stat().st_mtime) for place in REAL_PLACES if place.exists()
            for p in [place, *place.rglob("*")]}


@pytest.fixture(scope="module")
def workshop(tiny_root, tmp_path_factory) -> Workshop:
    shop = Workshop(tmp_path_factory.mktemp("workshop"), tiny_root)
    shop.real_places_before = snapshot()
    shop.run("teacher", "nbgrader", "generate_assignment", SLUG)
    shop.run("teacher", "nbgrader", "release_assignment", SLUG)
    for name, answers in ANSWERS.items():
        shop.learner(name, "fetch_assignment", SLUG)
        fetched = shop.base / "work" / name / SLUG / f"{SLUG}.ipynb"
        solution = with_answers(tiny_root / "solutions" / SLUG / f"{SLUG}.ipynb", fetched, answers)
        assert solution == fetched
        shop.learner(name, "submit", SLUG, f"--student={name}")
    shop.run("teacher", "nbgrader", "collect", SLUG)
    shop.run("teacher", "grader", "grade", "submitted", "--out", ".", "--quiet")
    shop.run("teacher", "nbgrader", "release_feedback", SLUG)
    for name in ANSWERS:
        shop.learner(name, "fetch_feedback", SLUG, f"--student={name}")
    return shop


def feedback_page(shop: Workshop, name: str) -> str:
    pages = list((shop.base / "work" / name / SLUG / "feedback").glob(f"*/{SLUG}.html"))
    assert len(pages) == 1, pages
    return pages[0].read_text()


@pytest.mark.parametrize(("name", "score"), [("alice", "5.0 / 5.0"), ("bob", "3.0 / 5.0")])
def test_each_learner_fetches_their_own_feedback(workshop, name, score):
    page = feedback_page(workshop, name)
    assert score in page
    assert HIDDEN_CODE not in page


def test_the_teacher_gets_the_gradebook_and_reports(workshop):
    grades = (workshop.teacher / "grades.csv").read_text()
    assert f"alice,{SLUG},5.0,5.0" in grades and f"bob,{SLUG},3.0,5.0" in grades
    assert (workshop.teacher / "report.html").exists()


def test_nothing_lands_in_real_home_or_system_folders(workshop):
    assert snapshot() == workshop.real_places_before
