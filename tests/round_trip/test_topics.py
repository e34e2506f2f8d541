"""Every topic graded end to end, as a teacher would: each exercise bites.

For each topic with fixtures: the answer key scores full marks, the untouched exercise zero,
and every wrong answer under tests/fixtures/<slug>/ loses exactly the tests its ``# loses:``
line names. Hidden tests never reach learners: not in exercises/, solutions/ or any message.

Each topic's submissions are graded in one ``grader grade`` run (warm kernels, every core): the
same grades as nbgrader's own kernels (tests/engine/test_grade.py, benchmarks/grading.py) in a
fraction of the time. The learner's ``grader check`` is run on real topics by test_06_secure_vpc.py.
"""

from __future__ import annotations

import json

import pytest

from grader.course import topics

from ..notebooks import ROOT, grader, scores
from .topic import TopicUnderTest

TOPICS = [TopicUnderTest(t.slug) for t in topics(ROOT) if (ROOT / "tests" / "fixtures" / t.slug).is_dir()]


@pytest.fixture(scope="module", params=TOPICS, ids=[t.slug for t in TOPICS])
def topic(request) -> TopicUnderTest:
    return request.param


@pytest.fixture(scope="module")
def graded(topic, tmp_path_factory) -> dict[str, dict]:
    """The topic's submissions graded in one run: variant -> result."""
    folder = tmp_path_factory.mktemp(topic.slug)
    for name, answers in topic.submissions().items():
        topic.write(folder, name, answers)
    out = folder / "graded"
    process = grader("grade", folder, "--out", out, "--no-feedback", "--quiet")
    assert process.returncode == 0, process.stdout + process.stderr
    results = {}
    for path in (out / ".grader" / "outcomes").glob("*.json"):
        outcome = json.loads(path.read_text())
        results[outcome["job"]["student"].removeprefix(f"{topic.slug}--")] = outcome["result"]
    return results


def test_solution_scores_full_marks(topic, graded):
    assert scores(graded["solution"]) == topic.points and graded["solution"]["problems"] == []


def test_untouched_exercise_scores_zero(topic, graded):
    assert scores(graded["stub"]) == dict.fromkeys(topic.points, 0)
    assert graded["stub"]["max_score"] == sum(topic.points.values())


def test_wrong_answers_lose_exactly_their_tests(topic, graded):
    wrong = {name: scores(graded[name]) for name in topic.wrong_answers}
    expected = {name: topic.expected_scores(lost) for name, lost in topic.wrong_answers.items()}
    assert wrong == expected


def test_every_exercise_has_a_wrong_answer_that_bites(topic):
    exercises = {gid.rsplit("-test-", 1)[0] for gid in topic.points}
    bitten = {gid.rsplit("-test-", 1)[0] for lost in topic.wrong_answers.values() for gid in lost}
    assert bitten == exercises


def test_lost_tests_explain_themselves_without_hidden_code(topic, graded):
    for name in topic.wrong_answers:
        for test in graded[name]["tests"]:
            if not test["passed"]:
                assert test["message"] and "Traceback" not in test["message"], (name, test)
                assert not [line for line in topic.hidden_lines if line in test["message"]], (name, test)


def test_hidden_tests_exist_and_never_reach_learners(topic):
    assert topic.hidden_lines, "every topic re-runs its contract on other inputs"
    for notebook in (topic.exercise, topic.solution):
        text = "\n".join("".join(c["source"]) for c in json.loads(notebook.read_text())["cells"])
        assert "HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text, notebook
        assert [line for line in topic.hidden_lines if line in text] == [], notebook
