"""Our own nbgrader preprocessors; ``grader.nbconfig`` puts each in its pipeline.

Each fixes one known gap of nbgrader 0.9.6 (see shared/research/nbgrader-and-peers.md).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor

from grader.course import grade_id
from grader.feedback import TRACEBACK_METADATA

SOLUTION_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)


def without_hidden_tests(source: str) -> str:
    """``source`` as a learner receives it: the hidden-test region removed, as nbgrader does."""
    cell = NotebookNode(source=source)
    ClearHiddenTests()._remove_hidden_test_region(cell)
    return cell.source


class StripSolutionMarkers(NbGraderPreprocessor):
    """Remove ``### BEGIN/END SOLUTION`` lines so the answer key reads like ordinary code."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.source = SOLUTION_MARKER.sub("", cell.source).rstrip()
        return cell, resources


class RestoreDeletedCells(NbGraderPreprocessor):
    """Put back every locked cell a learner deleted, as written, where it stood.

    nbgrader's own ``add_missing_cells`` re-adds only test cells, prefixes their code with a
    notice (a SyntaxError in a code cell) and fails when the cell before the deleted one is a
    locked Markdown cell. This step reads the source notebook instead, so the setup cell and
    the Markdown come back too, in order.
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        coursedir = CourseDirectory(config=self.config)
        source_path = (Path(coursedir.root) / coursedir.source_directory / info["assignment"]
                       / f"{info['notebook']}.ipynb")
        if not source_path.exists():
            return nb, resources
        position = 0
        for original in nbformat.read(source_path, as_version=4).cells:
            if not utils.is_locked(original):
                continue
            index = _index_of(nb, grade_id(original))
            if index is None:
                nb.cells.insert(position, copy.deepcopy(original))
                index = position
            position = index + 1
        return nb, resources


def _index_of(nb, wanted: str) -> int | None:
    return next((index for index, cell in enumerate(nb.cells) if grade_id(cell) == wanted), None)


class RestoreHiddenTests(NbGraderPreprocessor):
    """Give untouched test cells their hidden tests back before nbgrader compares checksums.

    The gradebook's checksum covers the hidden tests, a learner's copy never has them, so
    nbgrader warns "checksum has changed" for every honest submission (nbgrader #1961). Cells
    that differ from the released text are left alone: nbgrader still flags and restores them.
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            try:
                notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
            except MissingEntry:
                return nb, resources
            sources = {cell.name: cell.source for cell in notebook.source_cells if cell.locked}
        for cell in nb.cells:
            original = sources.get(grade_id(cell))
            if original is not None and cell.source == without_hidden_tests(original):
                cell.source = original
        return nb, resources


class ScrubHiddenTests(NbGraderPreprocessor):
    """Keep hidden tests out of feedback: drop their code and the tracebacks that quote it.

    A failing test keeps its one-line error (the learner message of ``grader.checks``); the
    folded traceback ``grader.feedback`` adds is dropped.
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not utils.is_grade(cell):
            return cell, resources
        hidden = without_hidden_tests(cell.source) != cell.source
        cell.source = without_hidden_tests(cell.source)
        if hidden:
            cell.outputs = [o for o in cell.get("outputs", [])
                            if o.get("metadata", {}).get("grader") != TRACEBACK_METADATA["grader"]]
            for output in cell.outputs:
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output['ename']}: {output['evalue']}"]
        return cell, resources
