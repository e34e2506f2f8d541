"""Turn what nbgrader recorded into short messages for a learner.

Only an error's name and value are ever used, never its traceback: a traceback of a test cell
quotes the hidden tests it ran.
"""

from __future__ import annotations

import re

from nbgrader.utils import is_solution

from grader.course import grade_id
from grader.nbconfig import CELL_TIMEOUT

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_FRIENDLY = {
    "NotImplementedError": "Not answered yet: the function still raises NotImplementedError.",
    "CellTimeoutError": f"Stopped after {CELL_TIMEOUT} s: does a loop in your answer never end?",
    "KeyboardInterrupt": f"Stopped after {CELL_TIMEOUT} s: does a loop in your answer never end?",
}
NO_DETAIL = "This test failed without a message; run the cell in your notebook to see why."


def errors_by_cell(nb) -> dict[str, tuple[str, str]]:
    """grade_id -> (error name, error value) of the last error each graded cell raised."""
    errors = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if grade_id(cell) and output.get("output_type") == "error":
                errors[grade_id(cell)] = (output["ename"], _ANSI.sub("", output["evalue"]))
    return errors


def learner_message(error: tuple[str, str] | None) -> str:
    """What to tell a learner about a failed test cell."""
    if error is None:
        return NO_DETAIL
    name, value = error
    if name in _FRIENDLY:
        return _FRIENDLY[name]
    if name == "NameError":
        return f"{value}: run your answer cell first, and check it runs without errors."
    if name in ("CheckFailed", "AssertionError"):
        return value or NO_DETAIL
    return f"{name}: {value}" if value else name


def answer_cell_errors(errors: dict[str, tuple[str, str]], source) -> list[str]:
    """One note per answer cell that raised something other than the stub's error."""
    answers = [grade_id(cell) for cell in source.cells if is_solution(cell)]
    notes = []
    for answer in answers:
        name, value = errors.get(answer, ("", ""))
        if name and name != "NotImplementedError":
            notes.append(f"answer cell {answer}: {learner_message((name, value))}")
    return notes


def grading_failure(log: str) -> str:
    """The most useful line of an nbgrader log for a submission it could not grade."""
    for line in log.splitlines():
        if "Timeout" in line or "Kernel died" in line or "Error" in line:
            return _ANSI.sub("", line.strip())
    return "nbgrader could not run it (see the log with --verbose)"
