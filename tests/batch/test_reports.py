"""The teacher's reports from a cohort's outcomes: every learner and topic accounted for."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from grader import results
from grader.batch import reports
from grader.batch.grading import Job, Outcome
from grader.batch.run import Cohort
from grader.batch.submissions import Submission

A, B = "06-secure-vpc", "14-sg-vs-nacl"


def outcome(student, topic, passed: list[bool], seconds=1.0, graded=True) -> Outcome:
    tests = [results.TestResult(f"{topic}-ex{n // 2}-test-{n}", 2.0 if ok else 0.0, 2.0, ok,
                                "" if ok else "wrong") for n, ok in enumerate(passed)]
    result = results.NotebookResult(notebook=f"{student}.ipynb", tests=tests, graded=graded,
                            score=sum(t.score for t in tests), max_score=2.0 * len(tests),
                            problems=[] if graded else ["it broke"])
    return Outcome(Job(student, topic, f"{student}.ipynb", "d"), result, seconds=seconds)


@pytest.fixture
def cohort() -> Cohort:
    return Cohort(
        outcomes=[outcome("ana", A, [True, True, True, True], 3.0),
                  outcome("ben", A, [True, False, False, False]),
                  outcome("ana", B, [True, True], 9.0), outcome("cal", B, [], graded=False)],
        rejected=[Submission("dan", Path("dan.ipynb"), problem="not a readable notebook")])


def test_grades_have_a_row_per_learner_and_topic_and_a_total(cohort):
    grades = reports.grade_table(cohort).set_index(["student", "topic"])
    assert grades.loc[("ana", "TOTAL"), ["score", "max_score"]].tolist() == [12.0, 12.0]
    assert grades.loc[("ben", B), "status"] == "not submitted"
    assert grades.loc[("ben", "TOTAL"), ["score", "max_score", "percent"]].tolist() == [2.0, 12.0, 16.7]
    assert grades.loc[("cal", B), ["status", "max_score"]].tolist() == ["not graded", 4.0]
    assert grades.loc[("dan", A), "status"] == "not submitted"  # and dan's reason is in problems


def test_problems_name_every_notebook_that_needs_a_look(cohort):
    problems = reports.problem_table(cohort)
    assert set(zip(problems.student, problems.problem, strict=True)) == {
        ("dan", "not a readable notebook"), ("cal", "it broke")}


def test_summary_counts_and_rates(cohort):
    summary = reports.summarise(cohort, reports.grade_table(cohort))
    assert summary["learners"] == 4 and summary["graded"] == 3 and summary["not_graded"] == 2
    assert summary["topics"][A]["exercise_pass_rate"] == {"ex0": 0.75, "ex1": 0.5}
    assert summary["topics"][A]["scores"] == [2.0, 8.0] and summary["topics"][A]["full_marks"] == 1
    assert summary["common_failures"] == [{"topic": A, "message": "wrong", "count": 3}]
    assert summary["slowest"][0] == {"student": "ana", "topic": B, "seconds": 9.0}


def test_everything_is_written(cohort, tmp_path):
    reports.write(tmp_path, cohort)
    assert json.loads((tmp_path / "summary.json").read_text())["graded"] == 3
    assert len(pd.read_csv(tmp_path / "grades.csv")) == 4 * 2 + 4
    page = (tmp_path / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 2 and "Slowest notebooks" in page


def test_a_cohort_where_nothing_could_be_graded_still_gets_its_reports(tmp_path):
    """Every notebook failed (a setup cell that timed out, say): the teacher is told, no crash."""
    failed = Cohort(outcomes=[outcome("ana", A, [], graded=False), outcome("ben", A, [], graded=False)])
    reports.write(tmp_path, failed)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["graded"] == 0 and summary["not_graded"] == 2 and summary["topics"] == {}
    assert len(pd.read_csv(tmp_path / "problems.csv")) == 2
