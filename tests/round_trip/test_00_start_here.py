"""Topic 00 beyond the common round trip (test_topics.py): a small warm-up, a working map."""

from __future__ import annotations

import re

import nbformat

from .topic import TopicUnderTest

START = TopicUnderTest("00-start-here")


def test_the_warm_up_is_worth_two_points_in_two_tests():
    assert START.points == {f"{START.slug}-create-tagged-bucket-test-1": 1,
                            f"{START.slug}-create-tagged-bucket-test-2": 1}


def test_course_map_links_open_released_notebooks():
    text = "\n".join(c.source for c in nbformat.read(START.exercise, as_version=4).cells
                     if c.cell_type == "markdown")
    links = set(re.findall(r"\]\((\.\./[^)]+\.ipynb)\)", text))
    assert links and all((START.exercise.parent / link).resolve().is_file() for link in links)
