"""Finding a cohort's notebooks: nbgrader's layout, LMS downloads, zips; matched by content."""

from __future__ import annotations

import os
import zipfile

import pytest

from grader.batch.submissions import discover

from ..notebooks import ROOT

TOPIC = "00-start-here"
EXERCISE = ROOT / "exercises" / TOPIC / f"{TOPIC}.ipynb"


def place(path, text=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text is not None else EXERCISE.read_text())
    return path


def found(folder, tmp_path):
    return {(s.student, s.topic.slug if s.topic else None, bool(s.problem))
            for s in discover(folder, ROOT, tmp_path)}


def test_nbgraders_layout_gives_learner_and_topic_even_when_renamed(tmp_path):
    place(tmp_path / "in" / "ana" / TOPIC / f"{TOPIC}.ipynb")
    place(tmp_path / "in" / "ben" / TOPIC / "my copy.ipynb")
    assert found(tmp_path / "in", tmp_path) == {("ana", TOPIC, False), ("ben", TOPIC, False)}


def test_a_notebook_handed_in_under_another_assignment_is_graded_as_what_it_is(tmp_path):
    place(tmp_path / "in" / "ana" / "06-secure-vpc" / "06-secure-vpc.ipynb")
    [submission] = discover(tmp_path / "in", ROOT, tmp_path)
    assert submission.topic.slug == TOPIC and "graded as 00-start-here" in submission.note


@pytest.mark.parametrize(("name", "learner"), [
    (f"doejane_12345_67890_{TOPIC}.ipynb", "doejane"),
    ("doejane_LATE_12345_67890_whatever.ipynb", "doejane"),
    ("alex.ipynb", "alex"),
    ("Ann Lee (draft).ipynb", "Ann-Lee-draft"),
])
def test_lms_file_names_give_the_learner(tmp_path, name, learner):
    place(tmp_path / "in" / name)
    assert found(tmp_path / "in", tmp_path) == {(learner, TOPIC, False)}


def test_zips_are_unpacked_and_their_wrapping_folders_skipped(tmp_path):
    notebook = place(tmp_path / "nb.ipynb")
    with zipfile.ZipFile(tmp_path / "all.zip", "w") as bundle:
        bundle.write(notebook, f"course-export/submitted/ana/{TOPIC}/{TOPIC}.ipynb")
    assert found(tmp_path / "all.zip", tmp_path) == {("ana", TOPIC, False)}


def test_unreadable_and_foreign_notebooks_are_kept_with_a_reason(tmp_path):
    place(tmp_path / "in" / "bad.ipynb", '{"cells": [')
    empty = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    place(tmp_path / "in" / "foreign.ipynb", empty)
    submissions = {s.student: s for s in discover(tmp_path / "in", ROOT, tmp_path)}
    assert "not a readable notebook" in submissions["bad"].problem
    assert "not a notebook of this course" in submissions["foreign"].problem


def test_of_two_notebooks_for_one_topic_the_newest_is_graded(tmp_path):
    old = place(tmp_path / "in" / "ana_1_1_first.ipynb")
    new = place(tmp_path / "in" / "ana_1_2_second.ipynb")
    os.utime(old, (1_000, 1_000))
    submissions = {s.path.name: s for s in discover(tmp_path / "in", ROOT, tmp_path)}
    assert submissions[new.name].problem == ""
    assert "only that one was graded" in submissions[old.name].problem


def test_same_content_and_course_give_the_same_digest(tmp_path):
    place(tmp_path / "a" / "x.ipynb")
    place(tmp_path / "b" / "y.ipynb")
    [first], [second] = discover(tmp_path / "a", ROOT, tmp_path), discover(tmp_path / "b", ROOT, tmp_path)
    assert first.digest == second.digest and len(first.digest) == 64
