"""A two-exercise course with no AWS in it: fast enough to exercise the build and grading engine."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

SLUG = "01-tiny"


def _meta(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    nbgrader = {"grade": grade, "solution": solution, "locked": locked, "task": False,
                "grade_id": f"{SLUG}-{grade_id}", "schema_version": 3}
    if points is not None:
        nbgrader["points"] = points
    return {"nbgrader": nbgrader}


CELLS = [
    new_markdown_cell("# Tiny topic", metadata=_meta("intro", locked=True)),
    new_code_cell("# Run this cell; do not change it.\nimport math", metadata=_meta("setup", locked=True)),
    new_code_cell(
        "def double(x):\n    \"\"\"Twice x.\"\"\"\n"
        "    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
        metadata=_meta("double", solution=True),
    ),
    new_code_cell(
        "# Test: double (2 points)\nassert double(2) == 4, 'double(2) should be 4'\n"
        "### BEGIN HIDDEN TESTS\n"
        "assert double(21) == 42 and double(-3) == -6, 'double(21) should be 42'\n"
        "### END HIDDEN TESTS",
        metadata=_meta("double-test-1", grade=True, locked=True, points=2),
    ),
    new_code_cell(
        "def square(x):\n    \"\"\"x squared.\"\"\"\n"
        "    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION",
        metadata=_meta("square", solution=True),
    ),
    new_markdown_cell("The test of `square`:", metadata=_meta("square-test-intro", locked=True)),
    new_code_cell(
        "# Test: square (3 points)\nassert square(3) == 9, 'square(3) should be 9'",
        metadata=_meta("square-test-1", grade=True, locked=True, points=3),
    ),
]


def write_course(root: Path) -> Path:
    """Create ``root/course/01-tiny/01-tiny.ipynb`` and return ``root``."""
    nb = new_notebook(cells=CELLS, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    })
    folder = root / "course" / SLUG
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{SLUG}.ipynb")
    (root / "pyproject.toml").write_text("")
    return root
