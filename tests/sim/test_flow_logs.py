"""Tests for grader/sim/flow_logs.py: reference counts of rejected flow-log records."""

from __future__ import annotations

import io

import pytest

from grader.scenarios.flow_logs import read_flow_logs
from grader.sim import flow_logs as sim
from grader.sim.flow_logs import DEFAULT_FIELDS

HEADER = " ".join(DEFAULT_FIELDS)
TEXT = HEADER + """
2 123456789012 eni-a 203.0.113.9 10.0.1.10 50000 22 6 3 180 100 150 REJECT OK
2 123456789012 eni-a 203.0.113.9 10.0.1.10 50001 22 6 9 540 160 200 REJECT OK
2 123456789012 eni-b 203.0.113.9 10.0.2.10 50002 3389 6 1 60 160 200 REJECT OK
2 123456789012 eni-a 198.51.100.7 10.0.1.10 40000 22 6 1 60 160 200 REJECT OK
2 123456789012 eni-a 198.51.100.7 10.0.1.10 40001 443 6 40 9000 160 200 ACCEPT OK
2 123456789012 eni-a 198.51.100.7 10.0.1.10 40002 443 6 40 9000 260 300 ACCEPT OK
2 123456789012 eni-b - - - - - - - 100 160 - NODATA
"""
FLOWS = read_flow_logs(io.StringIO(TEXT))


def test_rejected_keeps_reject_records_only():
    assert list(sim.rejected(FLOWS)["action"]) == ["REJECT"] * 4


@pytest.mark.parametrize(("column", "expected"), [
    pytest.param("srcaddr", {"203.0.113.9": 3, "198.51.100.7": 1}, id="sources-count-records"),
    pytest.param("dstport", {22: 3, 3389: 1}, id="ports-ignore-accepted-443"),
    pytest.param("interface-id", {"eni-a": 3, "eni-b": 1}, id="nodata-never-counts"),
])
def test_rejected_counts(column, expected):
    assert sim.rejected_counts(FLOWS, column).to_dict() == expected


def test_top_rejected_keeps_the_n_largest_most_first():
    assert sim.top_rejected(FLOWS, "srcaddr", 1).to_dict() == {"203.0.113.9": 3}
    assert list(sim.top_rejected(FLOWS, "dstport", 5).index) == [22, 3389]
