"""The one place where nbgrader is configured, for the CLI and for ``nbgrader_config.py``.

Folders follow the design card (course/ -> exercises/ and solutions/); the preprocessor lists
are spelled out so a reader sees every step nbgrader takes, including ours:

- generate_solution clears hidden tests and the solution markers: learners read the key.
- autograde first puts back locked cells a learner deleted (all of them, in place), then the
  hidden tests of untouched test cells, so nbgrader's checksum warning fires only for cells a
  learner really edited (nbgrader #1961).
- generate_feedback drops hidden tests and their tracebacks from the HTML (nbgrader #917).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    ClearMarkScheme,
    ClearOutput,
    DeduplicateIds,
    Execute,
    GetGrades,
    IgnorePattern,
    IncludeHeaderFooter,
    LimitOutput,
    LockCells,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from nbgrader.utils import capture_log
from traitlets.config import Config

from grader.nbgrader_steps import (
    RestoreDeletedCells,
    RestoreHiddenTests,
    ScrubHiddenTests,
    StripSolutionMarkers,
)

COURSE_ID = "aws-hands-on"
#: Seconds a single cell may run before it is interrupted; the slowest solution cell needs ~3 s.
#: GRADER_CELL_TIMEOUT overrides it (the test suite uses it to try endless loops quickly).
CELL_TIMEOUT = int(os.environ.get("GRADER_CELL_TIMEOUT", "20"))


def course_config(root: str, db_url: str | None = None) -> Config:
    """nbgrader configuration for the course whose folders live under ``root``."""
    c = Config()
    c.CourseDirectory.root = root
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.source_directory = "course"
    c.CourseDirectory.release_directory = "exercises"
    c.CourseDirectory.solution_directory = "solutions"
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]
    if db_url:
        c.CourseDirectory.db_url = db_url

    # exercises/ is committed, so nbgrader would skip an existing assignment and never record it
    # in a new gradebook; regenerating is idempotent (grader build --check proves it).
    c.GenerateAssignment.force = True
    c.Execute.timeout = CELL_TIMEOUT
    c.Execute.interrupt_on_timeout = True
    c.Execute.shutdown_kernel = "immediate"
    c.OverwriteCells.add_missing_cells = True
    c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

    c.GenerateSolution.preprocessors = [
        IncludeHeaderFooter, LockCells, ClearOutput, ClearMarkScheme,
        ClearHiddenTests, StripSolutionMarkers,
    ]
    c.Autograde.sanitize_preprocessors = [
        ClearOutput, DeduplicateIds, OverwriteKernelspec,
        RestoreDeletedCells, RestoreHiddenTests, OverwriteCells, CheckCellMetadata,
    ]
    c.Autograde.autograde_preprocessors = [
        Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
        SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
    ]
    c.GenerateFeedback.preprocessors = [GetGrades, ScrubHiddenTests, CSSHTMLHeaderPreprocessor]
    return c


def put_tools_on_path() -> None:
    """nbgrader runs the ``alembic`` command when it creates a gradebook: find ours even when
    the virtualenv is not activated (``.venv/bin/grader ...``)."""
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def run_converter(converter, config: Config, **coursedir_traits) -> tuple[bool, str]:
    """Run one nbgrader converter (GenerateAssignment, Autograde, ...) in this process.

    Returns (success, log): nbgrader logs per-submission failures and carries on.
    """
    coursedir = CourseDirectory(config=config, **coursedir_traits)
    result = capture_log(converter(coursedir=coursedir, config=config))
    return result["success"], result.get("log", "") + result.get("error", "")
