"""`grader check` grades any course notebook through nbgrader and explains every test."""

from __future__ import annotations

import json

import pytest

from ..notebooks import grader, scores, with_answers
from .conftest import HIDDEN_CODE

DOUBLE, SQUARE = "01-tiny-double", "01-tiny-square"
LOOP = "def double(x):\n    while True:\n        pass"


@pytest.fixture(scope="module")
def graded(tiny_root, tmp_path_factory):
    """Every kind of submission, graded in one run; returns (results by name, process)."""
    out = tmp_path_factory.mktemp("submissions")
    exercise = tiny_root / "exercises" / "01-tiny" / "01-tiny.ipynb"
    solution = tiny_root / "solutions" / "01-tiny" / "01-tiny.ipynb"
    files = {
        "stub": with_answers(exercise, out / "stub.ipynb", {}),
        "solution": with_answers(solution, out / "solution.ipynb", {}),
        "renamed": with_answers(solution, out / "my work (1).ipynb", {}),
        "wrong": with_answers(solution, out / "wrong.ipynb", {DOUBLE: "def double(x):\n    return x + 2"}),
        "edited": with_answers(solution, out / "edited.ipynb", {f"{SQUARE}-test-1": "pass",
                                                                SQUARE: "def square(x):\n    return 0"}),
        "deleted": with_answers(solution, out / "deleted.ipynb", {f"{SQUARE}-test-1": None,
                                                                  "01-tiny-setup": None}),
        "loop": with_answers(solution, out / "loop.ipynb", {DOUBLE: LOOP}),
    }
    broken = out / "broken.ipynb"
    broken.write_text('{"cells": [')
    process = grader("check", "--json", *files.values(), broken, cwd=tiny_root)
    results = {name: r for name, r in zip([*files, "broken"], json.loads(process.stdout), strict=True)}
    return results, process


def test_solution_scores_full_marks(graded):
    result = graded[0]["solution"]
    assert (result["score"], result["max_score"]) == (5, 5) and result["problems"] == []
    assert all(t["passed"] and t["message"] == "" for t in result["tests"])


def test_untouched_exercise_scores_zero_with_a_not_answered_message(graded):
    result = graded[0]["stub"]
    assert (result["score"], result["max_score"]) == (0, 5)
    assert {t["message"] for t in result["tests"]} == {
        "Not answered yet: the function still raises NotImplementedError."}


def test_a_renamed_notebook_is_matched_to_its_topic_by_content(graded):
    assert graded[0]["renamed"]["score"] == 5


def test_wrong_answer_loses_exactly_its_points_through_the_hidden_test(graded):
    result = graded[0]["wrong"]
    assert scores(result) == {f"{DOUBLE}-test-1": 0, f"{SQUARE}-test-1": 3}
    assert result["tests"][0]["message"] == "double(21) should be 42"


def test_edited_test_cell_is_restored_and_reported(graded):
    result = graded[0]["edited"]
    assert scores(result) == {f"{DOUBLE}-test-1": 2, f"{SQUARE}-test-1": 0}
    assert result["problems"] == [
        f"locked cell {SQUARE}-test-1 was edited; it was graded as originally written"]


def test_deleted_locked_cells_are_restored_graded_and_reported(graded):
    """nbgrader's own add_missing_cells fails when a locked Markdown cell precedes the test."""
    result = graded[0]["deleted"]
    assert scores(result) == {f"{DOUBLE}-test-1": 2, f"{SQUARE}-test-1": 3}
    assert result["problems"] == [
        "locked cell 01-tiny-setup was deleted; the original was put back and graded",
        f"locked cell {SQUARE}-test-1 was deleted; the original was put back and graded"]


def test_infinite_loop_loses_only_its_own_points_within_the_timeout(graded):
    result = graded[0]["loop"]
    assert scores(result) == {f"{DOUBLE}-test-1": 0, f"{SQUARE}-test-1": 3}
    assert "does a loop in your answer never end?" in result["tests"][0]["message"]


def test_invalid_json_is_reported_by_name_and_the_rest_is_graded(graded):
    results, process = graded
    assert results["broken"]["problems"] == [
        f"{results['broken']['notebook']} is not a readable notebook (NotJSONError): "
        "restore it from a backup or from exercises/"]
    assert process.returncode == 1
    assert results["solution"]["score"] == 5


def test_no_hidden_test_code_reaches_the_output(graded):
    assert HIDDEN_CODE not in graded[1].stdout


def test_learners_file_is_not_modified(tiny_root, tmp_path):
    exercise = tiny_root / "exercises" / "01-tiny" / "01-tiny.ipynb"
    mine = with_answers(exercise, tmp_path / "mine.ipynb", {})
    before = mine.read_bytes()
    assert grader("check", mine, cwd=tiny_root).returncode == 0
    assert mine.read_bytes() == before


def test_table_output_shows_each_test_and_its_message(tiny_root, tmp_path):
    exercise = tiny_root / "exercises" / "01-tiny" / "01-tiny.ipynb"
    process = grader("check", with_answers(exercise, tmp_path / "t.ipynb", {}), cwd=tiny_root)
    assert "0 / 5 points" in process.stdout
    assert f"FAIL  0/2  {DOUBLE}-test-1" in process.stdout
    assert "Not answered yet" in process.stdout


def test_single_notebook_json_is_one_object(tiny_root, tmp_path):
    solution = tiny_root / "solutions" / "01-tiny" / "01-tiny.ipynb"
    data = json.loads(grader("check", "--json", solution, cwd=tiny_root).stdout)
    assert set(data) == {"notebook", "score", "max_score", "tests", "problems"}
    assert set(data["tests"][0]) == {"grade_id", "score", "max_score", "passed", "message"}


def test_missing_file_and_bad_arguments_exit_codes(tiny_root):
    missing = grader("check", "nowhere.ipynb", cwd=tiny_root)
    assert missing.returncode == 1 and "nowhere.ipynb: no such file" in missing.stdout
    assert grader("check", cwd=tiny_root).returncode == 2
