"""Every topic notebook follows the house rules of the course design, so 25 of them stay alike."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from grader.course import topics

from .notebooks import ROOT

TOPICS = topics(ROOT)


def _cells(topic):
    return nbformat.read(topic.notebook, as_version=4).cells


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


@pytest.mark.parametrize("topic", TOPICS, ids=[t.slug for t in TOPICS])
def test_source_has_no_outputs_and_ids_carry_the_slug(topic):
    for cell in _cells(topic):
        assert not cell.get("outputs") and not cell.get("execution_count")
        grade_id = _meta(cell).get("grade_id")
        assert grade_id is None or grade_id.startswith(f"{topic.slug}-"), grade_id


@pytest.mark.parametrize("topic", TOPICS, ids=[t.slug for t in TOPICS])
def test_setup_cell_is_locked_and_starts_the_sandbox(topic):
    setup = next(c for c in _cells(topic) if _meta(c).get("grade_id") == f"{topic.slug}-setup")
    assert _meta(setup)["locked"]
    assert setup.source.startswith("# Run this cell; do not change it.\n")
    assert "from grader.sandbox import start" in setup.source


@pytest.mark.parametrize("topic", TOPICS, ids=[t.slug for t in TOPICS])
def test_every_exercise_has_progressive_folded_hints_a_stub_and_tests(topic):
    cells = _cells(topic)
    answers = [i for i, c in enumerate(cells) if _meta(c).get("solution")]
    assert answers, "a topic needs exercises"
    for index in answers:
        grade_id = _meta(cells[index])["grade_id"]
        before = "\n".join(c.source for c in cells[max(0, index - 4):index] if c.cell_type == "markdown")
        assert len(re.findall(r"<details>", before)) >= 3, f"{grade_id}: nudge, API, shape"
        assert "### BEGIN SOLUTION" in cells[index].source
        test_id = re.compile(rf"{re.escape(grade_id)}-test-\d+")
        tests = [c for c in cells if test_id.fullmatch(_meta(c).get("grade_id", ""))]
        assert tests and all(_meta(t)["locked"] and _meta(t)["points"] > 0 for t in tests), grade_id
        assert all(t.source.splitlines()[0].startswith("# ") for t in tests), grade_id


@pytest.mark.parametrize("topic", [t for t in TOPICS if t.slug != "00-start-here"],
                         ids=[t.slug for t in TOPICS if t.slug != "00-start-here"])
def test_topic_has_four_to_six_exercises_a_diagram_and_an_interview_answer(topic):
    cells = _cells(topic)
    assert 4 <= sum(1 for c in cells if _meta(c).get("solution")) <= 6
    markdown = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    assert "```mermaid" in markdown
    assert re.search(r"interview", markdown, re.IGNORECASE)


def _map_rows(text: str) -> dict[str, str]:
    """Course-map rows by topic number: '| 06 | ... | status |'."""
    return {m.group(1): m.group(0) for m in re.finditer(r"^\| (\d\d) \|.*\|$", text, re.MULTILINE)}


@pytest.mark.parametrize(("where", "link"), [("README.md", "exercises/{slug}/{slug}.ipynb"),
                                             ("course/00-start-here/00-start-here.ipynb",
                                              "../{slug}/{slug}.ipynb")])
def test_course_maps_mark_exactly_the_topics_that_exist_as_available(where, link):
    text = (ROOT / where).read_text()
    if where.endswith(".ipynb"):
        text = "\n".join("".join(cell["source"]) for cell in json.loads(text)["cells"])
    rows = _map_rows(text)
    rows.pop("00")
    built = {t.slug[:2]: t.slug for t in topics(ROOT) if t.slug != "00-start-here"}
    assert set(rows) >= set(built) and len(rows) == 25
    for number, row in rows.items():
        if number in built:
            assert link.format(slug=built[number]) in row and "**available**" in row, row
        else:
            assert row.endswith("| planned |"), row
