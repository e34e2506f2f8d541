"""The instructor's nbgrader pipeline with our configuration: quiet on honest work, no leaks."""

from __future__ import annotations

import html as html_lib
import re

from nbgrader.converters import Autograde, GenerateAssignment, GenerateFeedback

from grader.nbconfig import course_config, put_tools_on_path, run_converter

from ..notebooks import with_answers
from .conftest import HIDDEN_CODE


def test_autograde_warns_only_about_the_edited_cell_and_feedback_hides_hidden_tests(tiny_copy):
    put_tools_on_path()
    solution = tiny_copy / "solutions" / "01-tiny" / "01-tiny.ipynb"
    for student, answers in {
        "honest": {},
        "wrong": {"01-tiny-double": "def double(x):\n    return x + 2"},
        "tamperer": {"01-tiny-double-test-1": "pass"},
    }.items():
        folder = tiny_copy / "submitted" / student / "01-tiny"
        folder.mkdir(parents=True)
        with_answers(solution, folder / "01-tiny.ipynb", answers)
    config = course_config(str(tiny_copy), f"sqlite:///{tiny_copy / 'gradebook.db'}")
    assert run_converter(GenerateAssignment, config, assignment_id="01-tiny")[0]

    ok, log = run_converter(Autograde, config, assignment_id="01-tiny", student_id="*")
    assert ok, log
    checksum_warnings = [line for line in log.splitlines() if "checksum" in line]
    assert len(checksum_warnings) == 1 and "01-tiny-double-test-1" in checksum_warnings[0]

    ok, log = run_converter(GenerateFeedback, config, assignment_id="01-tiny", student_id="*")
    assert ok, log
    wrong = (tiny_copy / "feedback" / "wrong" / "01-tiny" / "01-tiny.html").read_text()
    assert "double(21) should be 42" in wrong  # the learner still learns what failed
    for html in (tiny_copy / "feedback").rglob("*.html"):
        text = visible_text(html.read_text())
        assert "HIDDEN TESTS" not in text and HIDDEN_CODE not in text, html


def visible_text(page: str) -> str:
    """What a reader sees: syntax highlighting splits code into many tags."""
    return html_lib.unescape(re.sub(r"<[^>]+>", "", page))
