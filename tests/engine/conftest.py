"""A built copy of the tiny course, shared by the engine tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.build import build

from . import tiny_course

HIDDEN_CODE = "double(-3) == -6"  # appears only inside the hidden-test block


@pytest.fixture(scope="session")
def tiny_root(tmp_path_factory) -> Path:
    root = tiny_course.write_course(tmp_path_factory.mktemp("tiny"))
    build(root)
    return root


@pytest.fixture
def tiny_copy(tiny_root, tmp_path) -> Path:
    """A private copy, for tests that change the course."""
    return Path(shutil.copytree(tiny_root, tmp_path / "course-copy"))

