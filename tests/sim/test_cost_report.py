"""Tests for grader/sim/cost_report.py: the reference Cost Explorer table, tag compliance and the
CUR 2.0 team chargeback."""

import json
import math

import pandas as pd
import pytest

from grader.sim import cost_report as sim


def period(month, groups):
    return {"TimePeriod": {"Start": f"{month}-01", "End": "x"},
            "Groups": [{"Keys": [s], "Metrics": {"UnblendedCost": {"Amount": a, "Unit": "USD"}}}
                       for s, a in groups], "Total": {}}


def test_cost_by_service_parses_strings_fills_zero_and_sorts_by_last_month():
    table = sim.cost_by_service([period("2026-01", [("EC2", "900.5"), ("S3", "10")]),
                                 period("2026-02", [("EC2", "1200"), ("Lambda", "1500")])])
    assert list(table.index) == ["Lambda", "EC2", "S3"]
    assert list(table.columns) == ["2026-01", "2026-02", "change", "change_pct"]
    assert table.loc["EC2", "change"] == pytest.approx(299.5)
    assert table.loc["EC2", "change_pct"] == pytest.approx(100 * 299.5 / 900.5)
    assert table.loc["S3", "2026-02"] == 0.0 and table.loc["S3", "change_pct"] == -100.0
    assert math.isnan(table.loc["Lambda", "change_pct"]), "no previous month: NaN, not infinity"


def test_cost_by_service_adds_a_month_split_across_pages():
    table = sim.cost_by_service([period("2026-01", [("EC2", "1")]), period("2026-02", [("EC2", "2")]),
                                 period("2026-02", [("S3", "3")]), period("2026-02", [("EC2", "4")])])
    assert table.loc["EC2", "2026-02"] == 6.0 and table.loc["S3", "2026-02"] == 3.0


def test_cost_by_service_breaks_ties_by_name():
    table = sim.cost_by_service([period("2026-01", [("b", "1"), ("a", "1")]),
                                 period("2026-02", [("b", "5"), ("a", "5")])])
    assert list(table.index) == ["a", "b"]


@pytest.mark.parametrize(("tags", "required", "missing", "invalid"), [
    pytest.param([{"Key": "team", "Value": "web"}], {"team": ["web"]}, [], [], id="compliant"),
    pytest.param([{"Key": "Team", "Value": "web"}], {"team": None}, ["team"], [], id="key-case-matters"),
    pytest.param([{"Key": "team", "Value": "  "}], {"team": ["web"]}, ["team"], [], id="blank-is-missing"),
    pytest.param([{"Key": "team", "Value": "WEB"}], {"team": ["web"]}, [], ["team"], id="value-case-matters"),
    pytest.param([{"Key": "team", "Value": "x"}], {"team": None}, [], [], id="none-allows-any"),
    pytest.param([{"Key": "aws:createdBy", "Value": "me"}], {"aws:createdBy": None}, ["aws:createdBy"], [],
                 id="aws-tags-never-count"),
    pytest.param([], {"z": None, "a": ["1"]}, ["a", "z"], [], id="sorted"),
])
def test_tag_findings(tags, required, missing, invalid):
    assert sim.tag_findings(tags, required) == (missing, invalid)


def test_tag_compliance_is_indexed_by_arn_and_names_the_service():
    report = sim.tag_compliance([
        {"ResourceARN": "arn:aws:s3:::b", "Tags": []},
        {"ResourceARN": "arn:aws:ec2:us-east-1:1:instance/i-1", "Tags": [{"Key": "team", "Value": "web"}]}],
        {"team": None})
    assert list(report.index) == ["arn:aws:ec2:us-east-1:1:instance/i-1", "arn:aws:s3:::b"]
    assert list(report["service"]) == ["ec2", "s3"] and list(report["compliant"]) == [True, False]


def line(kind, unblended, effective=0.0, tags=None, month="2026-08"):
    return {"line_item_line_item_type": kind, "line_item_unblended_cost": unblended,
            "savings_plan_savings_plan_effective_cost": effective, "reservation_effective_cost": 0.0,
            "line_item_usage_start_date": f"{month}-01T00:00:00Z", "resource_tags": json.dumps(tags or {})}


def test_team_costs_charges_effective_cost_and_keeps_untagged():
    cur = pd.DataFrame([line("Usage", 10.0, tags={"user_team": "web"}),
                        line("SavingsPlanCoveredUsage", 100.0, 72.0, {"user_team": "web"}),
                        line("SavingsPlanNegation", -100.0, tags={"user_team": "web"}),
                        line("SavingsPlanRecurringFee", 75.0), line("Tax", 9.0), line("Credit", -5.0),
                        line("Usage", 4.0, tags={"user_team": " "}),
                        line("Usage", 3.0, tags={"user_Team": "data"}, month="2026-09")])
    table = sim.team_costs(cur)
    assert table.index.name == "team" and list(table.columns) == ["2026-08", "2026-09"]
    assert table.loc["web", "2026-08"] == 82.0 and table.loc["web", "2026-09"] == 0.0
    assert table.loc[sim.UNTAGGED].tolist() == [4.0, 3.0], "blank value and other-case key are untagged"


@pytest.mark.parametrize(("cell", "expected"), [
    pytest.param('{"user_team": "web"}', "web", id="json-text"),
    pytest.param({"user_team": "web"}, "web", id="already-a-dict"),
    pytest.param("", sim.UNTAGGED, id="empty-text"),
    pytest.param(float("nan"), sim.UNTAGGED, id="missing-cell"),
    pytest.param('{"team": "web"}', sim.UNTAGGED, id="without-user-prefix"),
])
def test_tag_value(cell, expected):
    assert sim.tag_value(cell, "team") == expected


def test_facts_table_is_dated_and_sourced():
    table = sim.facts_table()
    assert list(table.columns) == [f"as of {sim.AS_OF}", "source"]
    assert all(url.startswith("https://") for url in table["source"])


def notification(kind="ACTUAL", op="GREATER_THAN", threshold=80, **more):
    return {"NotificationType": kind, "ComparisonOperator": op, "Threshold": threshold, **more}


@pytest.mark.parametrize(("limit", "n", "actual", "forecasted", "fires"), [
    pytest.param(100, notification(), 80.01, 0, True, id="actual-above-80-percent"),
    pytest.param(100, notification(), 80, 500, False, id="at-the-threshold-is-not-above"),
    pytest.param(100, notification("FORECASTED", threshold=100), 10, 100.01, True, id="forecast-above"),
    pytest.param(100, notification("FORECASTED", threshold=100), 101, 99, False,
                 id="forecast-ignores-actual"),
    pytest.param(1000, notification(threshold=500, ThresholdType="ABSOLUTE_VALUE"), 500.01, 0, True,
                 id="absolute-dollars"),
    pytest.param(1000, notification(threshold=50), 500.01, 0, True, id="no-threshold-type-is-percent"),
    pytest.param(100, notification("FORECASTED", "LESS_THAN", 50), 0, 49.99, True, id="less-than"),
    pytest.param(100, notification(op="EQUAL_TO", threshold=110), 110, 0, True, id="equal-to"),
    pytest.param(100, notification(op="EQUAL_TO", threshold=110), 110.004, 0, True, id="to-the-cent"),
    pytest.param(1234.5, notification(threshold=33.3), 411.09, 0, False, id="rounded-amount"),
])
def test_alert_fires(limit, n, actual, forecasted, fires):
    assert sim.alert_fires(limit, n, actual, forecasted) is fires
