"""`grader grade` beyond one SQLite file: a PostgreSQL gradebook, and a Dask cluster sharing it."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from .. import postgres
from .test_grade import SLUG, grade, write_submission

#: A small cohort: full marks, a wrong answer caught by a hidden test, a stub.
EXPECTED = {"ana": 5, "cal": 3, "ben": 0}
KINDS = {"ana": {}, "cal": {f"{SLUG}-double": "def double(x):\n    return x + 2"}, "ben": "stub"}

pytestmark = pytest.mark.skipif(postgres.binaries() is None, reason="PostgreSQL is not installed "
                                "(.ci/run installs it)")


@pytest.fixture
def submitted(tiny_root, tmp_path):
    folder = tmp_path / "submitted"
    for learner, kind in KINDS.items():
        write_submission(tiny_root, folder, learner, kind)
    return folder


@pytest.fixture
def database():
    with postgres.server() as url:
        yield url


def scores(out) -> dict:
    grades = pd.read_csv(out / "grades.csv")
    return grades[grades.topic == SLUG].set_index("student").score.to_dict()


def test_a_postgresql_gradebook_gets_the_same_grades(tiny_root, submitted, database, tmp_path):
    process = grade(submitted, "--out", tmp_path / "out", "--db", database, cwd=tiny_root)
    assert process.returncode == 0, process.stderr
    assert scores(tmp_path / "out") == EXPECTED
    assert not (tmp_path / "out" / "gradebook.db").exists()
    export = subprocess.run([sys.executable, "-m", "nbgrader", "export", "--to", tmp_path / "export.csv",
                             f"--CourseDirectory.db_url={database}"], cwd=tmp_path,
                            capture_output=True, text=True, check=False)
    assert export.returncode == 0, export.stderr
    assert pd.read_csv(tmp_path / "export.csv").set_index("student_id").score.to_dict() == EXPECTED


def test_a_dask_cluster_grades_into_a_shared_gradebook(tiny_root, submitted, database, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        process = grade(submitted, "--out", tmp_path / "out", "--db", database,
                        "--scheduler", cluster.scheduler_address, cwd=tiny_root)
        assert process.returncode == 0, process.stderr
        ran_on_cluster = "grade" in cluster.scheduler.task_prefixes
    assert scores(tmp_path / "out") == EXPECTED
    assert ran_on_cluster
