"""`grader build`: nbgrader generates the learner and answer-key versions, idempotently."""

from __future__ import annotations

import json

from grader.build import build

from .conftest import HIDDEN_CODE


def _text(root, folder):
    return (root / folder / "01-tiny" / "01-tiny.ipynb").read_text()


def test_exercises_have_stubs_and_no_hidden_tests_or_solutions(tiny_root):
    text = _text(tiny_root, "exercises")
    assert "raise NotImplementedError()" in text
    assert "return 2 * x" not in text
    assert HIDDEN_CODE not in text and "HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text


def test_answer_key_is_executed_and_reads_clean(tiny_root):
    nb = json.loads(_text(tiny_root, "solutions"))
    code = [cell for cell in nb["cells"] if cell["cell_type"] == "code"]
    assert all(cell["execution_count"] for cell in code)
    sources = "".join("".join(cell["source"]) for cell in code)
    assert "return 2 * x" in sources
    assert "### " not in sources and HIDDEN_CODE not in sources


def test_second_build_changes_nothing(tiny_copy):
    before = {p: p.read_bytes() for p in tiny_copy.rglob("*.ipynb")}
    report = build(tiny_copy)
    assert report.changed == [] and report.executed == []
    assert {p: p.read_bytes() for p in tiny_copy.rglob("*.ipynb")} == before


def test_check_names_stale_files_after_a_course_edit_and_changes_nothing(tiny_copy):
    source = tiny_copy / "course" / "01-tiny" / "01-tiny.ipynb"
    source.write_text(source.read_text().replace("# Tiny topic", "# Tiny topic, revised"))
    exercises_before = _text(tiny_copy, "exercises")
    report = build(tiny_copy, check=True)
    assert report.changed == ["exercises/01-tiny/01-tiny.ipynb", "solutions/01-tiny/01-tiny.ipynb"]
    assert _text(tiny_copy, "exercises") == exercises_before
    assert build(tiny_copy).executed == ["solutions/01-tiny/01-tiny.ipynb"]
    assert build(tiny_copy, check=True).changed == []


def test_check_names_generated_files_with_no_source(tiny_copy):
    orphan = tiny_copy / "exercises" / "99-gone" / "99-gone.ipynb"
    orphan.parent.mkdir()
    orphan.write_text("{}")
    assert build(tiny_copy, check=True).changed == ["exercises/99-gone/99-gone.ipynb"]


def test_a_new_asset_is_in_place_before_the_answer_key_that_reads_it_runs(tiny_copy):
    folder = tiny_copy / "course" / "01-tiny"
    (folder / "zz-data.txt").write_text("42\n")  # sorts after the notebook: must still come first
    source = folder / "01-tiny.ipynb"
    reads_it = "import math\\nanswer = open('zz-data.txt').read()"
    source.write_text(source.read_text().replace("import math", reads_it))
    report = build(tiny_copy)
    assert "solutions/01-tiny/zz-data.txt" in report.changed
    assert "FileNotFoundError" not in _text(tiny_copy, "solutions")
