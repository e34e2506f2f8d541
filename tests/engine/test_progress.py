"""`grader progress`: every topic graded from the learner's notebooks, instant when unchanged."""

from __future__ import annotations

import shutil

import pytest

from grader import autograde
from grader.progress import collect, table


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_progress_grades_once_then_answers_from_the_cache(tiny_copy, own_cache, monkeypatch):
    first = collect(tiny_copy)
    assert [(r.slug, r.score, r.max_score) for r in first] == [("01-tiny", 0, 5)]
    assert "Tiny topic" in table(first) and "0/5" in table(first)

    def no_grading(*args, **kwargs):
        raise AssertionError("an unchanged notebook was graded again")

    monkeypatch.setattr(autograde, "check", no_grading)
    assert [(r.score, r.max_score) for r in collect(tiny_copy)] == [(0, 5)]


def test_a_changed_notebook_is_graded_again(tiny_copy, own_cache):
    collect(tiny_copy)
    mine = tiny_copy / "exercises" / "01-tiny" / "01-tiny.ipynb"
    shutil.copy(tiny_copy / "solutions" / "01-tiny" / "01-tiny.ipynb", mine)
    assert [(r.score, r.max_score) for r in collect(tiny_copy)] == [(5, 5)]


def test_topics_without_a_notebook_are_not_started(tiny_copy, own_cache):
    shutil.rmtree(tiny_copy / "exercises" / "01-tiny")
    rows = collect(tiny_copy)
    assert rows[0].score is None
    assert "not started" in table(rows) and "0 of 1 topics started" in table(rows)
