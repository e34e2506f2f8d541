"""Did a learner delete or edit a locked cell? Said plainly, since nbgrader only logs it.

Grading is safe either way (nbgrader puts the original cells back); these notes tell the
learner and the teacher why a cell they see differs from what was graded.
"""

from __future__ import annotations

from grader.nbgrader_steps import without_hidden_tests


def _locked_cells(nb) -> dict[str, str]:
    cells = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("locked") and meta.get("grade_id"):
            cells[meta["grade_id"]] = cell.source
    return cells


def tampering(submission, source) -> list[str]:
    """One note per locked cell of ``source`` that ``submission`` deleted or changed."""
    submitted = _locked_cells(submission)
    notes = []
    for grade_id, original in _locked_cells(source).items():
        if grade_id not in submitted:
            notes.append(f"locked cell {grade_id} was deleted; the original was put back and graded")
        elif submitted[grade_id] not in (original, without_hidden_tests(original)):
            notes.append(f"locked cell {grade_id} was edited; it was graded as originally written")
    return notes
