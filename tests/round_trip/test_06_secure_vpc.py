"""Topic 06 beyond the common round trip (test_topics.py): its size, and broken or tampered
submissions, each graded fairly and said plainly."""

from __future__ import annotations

import pytest

from ..notebooks import scores
from .topic import TopicUnderTest

VPC = TopicUnderTest("06-secure-vpc")
TOPIC, POINTS = VPC.slug, VPC.points

LOOP_TESTS = {f"{TOPIC}-route-tiers-test-{n}" for n in (1, 2, 3)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("bad-input")
    broken = out / "broken.ipynb"
    broken.write_text(VPC.solution.read_text()[:5000])
    return VPC.grade(out, {
        "loop": VPC.fixture("route-tiers-endless-wait"),
        "deleted": {f"{TOPIC}-setup": None, f"{TOPIC}-route-tiers-test-2": None,
                    f"{TOPIC}-route-tiers-test-2-intro": None},
        "edited": {**VPC.fixture("security-groups-db-open"), f"{TOPIC}-security-groups-test-3": "pass",
                   f"{TOPIC}-security-groups-test-2": "assert True  # nothing to see here"},
        "broken": broken,
    })


def test_the_topic_is_worth_at_least_20_points():
    assert sum(POINTS.values()) >= 20


def test_endless_loop_loses_only_its_own_tests_within_the_cell_timeouts(graded):
    """Each looping cell is interrupted at the per-cell timeout and grading goes on (wall time is
    measured by benchmarks/, not asserted here: this machine may be loaded)."""
    results = graded[0]
    expected = {gid: 0 if gid in LOOP_TESTS else points for gid, points in POINTS.items()}
    assert scores(results["loop"]) == expected
    messages = {t["message"] for t in results["loop"]["tests"] if t["grade_id"] in LOOP_TESTS}
    assert messages == {"Stopped after 20 s: does a loop in your answer never end?"}


def test_deleted_setup_and_test_cells_are_put_back_and_graded(graded):
    result = graded[0]["deleted"]
    assert scores(result) == POINTS
    assert result["problems"] == [
        f"locked cell {TOPIC}-setup was deleted; the original was put back and graded",
        f"locked cell {TOPIC}-route-tiers-test-2-intro was deleted; the original was put back and graded",
        f"locked cell {TOPIC}-route-tiers-test-2 was deleted; the original was put back and graded",
    ]


def test_edited_test_cells_are_graded_as_written_so_the_trap_still_costs(graded):
    result = graded[0]["edited"]
    lost = {f"{TOPIC}-security-groups-test-2", f"{TOPIC}-security-groups-test-3"}
    assert scores(result) == {gid: 0 if gid in lost else p for gid, p in POINTS.items()}
    assert result["problems"] == [
        f"locked cell {TOPIC}-security-groups-test-2 was edited; it was graded as originally written",
        f"locked cell {TOPIC}-security-groups-test-3 was edited; it was graded as originally written",
    ]


def test_invalid_notebook_is_named_and_the_rest_is_graded(graded):
    results, process = graded
    assert results["broken"]["problems"] == [
        f"{results['broken']['notebook']} is not a readable notebook (NotJSONError): "
        "restore it from a backup or from exercises/"]
    assert results["broken"]["tests"] == []
    assert process.returncode == 1
    assert results["deleted"]["score"] == sum(POINTS.values())
