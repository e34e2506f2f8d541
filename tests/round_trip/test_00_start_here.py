"""Topic 00 graded end to end by `grader check`: the warm-up is proven to bite.

Each fixture under tests/fixtures/00-start-here/ replaces the answer cell of the answer key with
a plausible wrong answer; it must lose exactly the points of the tests listed here, nothing
else. All notebooks are graded in one run, as a teacher would.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from ..notebooks import ROOT, check_json, fixture_answers, scores, with_answers

TOPIC = "00-start-here"
FIXTURES = ROOT / "tests" / "fixtures" / TOPIC
SOURCE = ROOT / "course" / TOPIC / f"{TOPIC}.ipynb"
EXERCISE = ROOT / "exercises" / TOPIC / f"{TOPIC}.ipynb"
SOLUTION = ROOT / "solutions" / TOPIC / f"{TOPIC}.ipynb"


def _tests(*names: str) -> set[str]:
    return {f"{TOPIC}-{name}" for name in names}


#: fixture -> the test cells it must fail (every other test keeps full marks)
WRONG_ANSWERS = {
    "create-tagged-bucket-lowercase-key": _tests("create-tagged-bucket-test-2"),
    "create-tagged-bucket-no-tags": _tests("create-tagged-bucket-test-2"),
    "create-tagged-bucket-fixed-owner": _tests("create-tagged-bucket-test-2"),
    "create-tagged-bucket-no-return": _tests("create-tagged-bucket-test-1"),
    "create-tagged-bucket-hardcoded": _tests("create-tagged-bucket-test-1",
                                             "create-tagged-bucket-test-2"),
}
POINTS = {cell.metadata["nbgrader"]["grade_id"]: cell.metadata["nbgrader"]["points"]
          for cell in nbformat.read(SOURCE, as_version=4).cells
          if cell.metadata.get("nbgrader", {}).get("grade")}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp(TOPIC)
    paths = {"solution": SOLUTION, "stub": EXERCISE}
    for name in WRONG_ANSWERS:
        paths[name] = with_answers(SOLUTION, out / f"{name}.ipynb",
                                   fixture_answers(FIXTURES / f"{name}.py"))
    results, process = check_json(list(paths.values()))
    assert process.returncode == 0, process.stderr
    return dict(zip(paths, results, strict=True))


def test_the_warm_up_is_worth_two_points_in_two_tests():
    assert POINTS == {f"{TOPIC}-create-tagged-bucket-test-1": 1,
                      f"{TOPIC}-create-tagged-bucket-test-2": 1}


def test_solution_scores_full_marks(graded):
    result = graded["solution"]
    assert scores(result) == POINTS and result["problems"] == []


def test_untouched_exercise_scores_zero(graded):
    result = graded["stub"]
    assert scores(result) == dict.fromkeys(POINTS, 0)
    assert result["max_score"] == sum(POINTS.values())


@pytest.mark.parametrize("fixture", WRONG_ANSWERS)
def test_wrong_answer_loses_exactly_its_tests(graded, fixture):
    expected = {gid: 0 if gid in WRONG_ANSWERS[fixture] else points for gid, points in POINTS.items()}
    assert scores(graded[fixture]) == expected


@pytest.mark.parametrize("fixture", WRONG_ANSWERS)
def test_every_lost_test_explains_itself_without_hidden_code(graded, fixture):
    hidden = hidden_lines()
    for test in graded[fixture]["tests"]:
        if not test["passed"]:
            assert test["message"] and "Traceback" not in test["message"]
            assert not [line for line in hidden if line in test["message"]]


def test_lower_case_key_is_told_that_keys_are_case_sensitive(graded):
    [lost] = [t for t in graded["create-tagged-bucket-lowercase-key"]["tests"] if not t["passed"]]
    assert "Tag keys are case-sensitive: 'owner' is another key than 'Owner'." in lost["message"]


def test_every_exercise_has_a_wrong_answer_that_bites():
    exercises = {gid.rsplit("-test-", 1)[0] for gid in POINTS}
    bitten = {gid.rsplit("-test-", 1)[0] for lost in WRONG_ANSWERS.values() for gid in lost}
    assert bitten == exercises


def hidden_lines() -> set[str]:
    """Code lines that exist only inside hidden-test blocks of the source notebook."""
    hidden, visible = set(), set()
    for cell in nbformat.read(SOURCE, as_version=4).cells:
        inside = False
        for line in cell.source.splitlines():
            text = line.strip()
            if "BEGIN HIDDEN TESTS" in text or "END HIDDEN TESTS" in text:
                inside = "BEGIN" in text
                continue
            (hidden if inside else visible).add(text)
    return {line for line in hidden - visible if len(line) > 12 and not line.startswith("#")}


def test_hidden_tests_use_other_names_and_owners_than_the_visible_ones():
    assert len(hidden_lines()) >= 4


@pytest.mark.parametrize("folder", [EXERCISE, SOLUTION], ids=["exercises", "solutions"])
def test_no_hidden_test_reaches_learners(folder):
    text = "\n".join("".join(c["source"]) for c in json.loads(folder.read_text())["cells"])
    assert "HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
    assert [line for line in hidden_lines() if line in text] == []


def test_course_map_links_open_released_notebooks():
    text = "\n".join(c.source for c in nbformat.read(EXERCISE, as_version=4).cells
                     if c.cell_type == "markdown")
    links = set(re.findall(r"\]\((\.\./[^)]+\.ipynb)\)", text))
    assert links and all((EXERCISE.parent / link).resolve().is_file() for link in links)


def test_fixtures_are_all_used():
    assert {p.stem for p in Path(FIXTURES).glob("*.py")} == set(WRONG_ANSWERS)
