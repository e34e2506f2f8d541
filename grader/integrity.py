"""Did a learner delete or edit a locked cell? Said plainly, since nbgrader only logs it.

Grading is safe either way (nbgrader puts the original cells back); these notes tell the
learner and the teacher why a cell they see differs from what was graded.
"""

from __future__ import annotations

from nbgrader.utils import is_locked

from grader.course import grade_id
from grader.nbgrader_steps import without_hidden_tests


def _locked_cells(nb) -> dict[str, str]:
    return {grade_id(cell): cell.source for cell in nb.cells if is_locked(cell) and grade_id(cell)}


def tampering(submission, source) -> list[str]:
    """One note per locked cell of ``source`` that ``submission`` deleted or changed."""
    submitted = _locked_cells(submission)
    notes = []
    for cell_id, original in _locked_cells(source).items():
        if cell_id not in submitted:
            notes.append(f"locked cell {cell_id} was deleted; the original was put back and graded")
        elif submitted[cell_id] not in (original, without_hidden_tests(original)):
            notes.append(f"locked cell {cell_id} was edited; it was graded as originally written")
    return notes
