"""Tests for grader/scenarios/cost.py: the seeded Cost Explorer, the inventory and the shipped
usage report."""

from __future__ import annotations

import gzip

import pytest

from grader.scenarios import cost
from grader.sim import cost_report

from ..notebooks import ROOT

REQUEST = {"TimePeriod": {"Start": "2026-05-01", "End": "2026-11-01"}, "Granularity": "MONTHLY",
           "Metrics": ["UnblendedCost"], "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}]}


def all_pages(ce, **request):
    results, token = [], None
    while True:
        page = ce.get_cost_and_usage(**request, **({"NextPageToken": token} if token else {}))
        results += page["ResultsByTime"]
        token = page.get("NextPageToken")
        if not token:
            return results


def test_months_roll_over_the_year():
    assert cost.months("2025-11", 3) == ["2025-11", "2025-12", "2026-01"]


def test_seeded_cost_explorer_pages_add_up_to_the_reference(session):
    rows = cost.monthly_costs(seed=9)
    cost.seed_cost_explorer(rows, page_size=4)
    ce = session.client("ce")
    first = ce.get_cost_and_usage(**REQUEST)
    assert sum(len(p["Groups"]) for p in first["ResultsByTime"]) == 4 and first["NextPageToken"]
    paged = cost_report.cost_by_service(all_pages(ce, **REQUEST))
    whole = cost_report.cost_by_service(cost.seed_answer_pages(rows, "2026-05-01", "2026-11-01"))
    assert paged.equals(whole)
    assert len(whole.columns) == 8 and isinstance(first["ResultsByTime"][0]["Groups"][0]["Metrics"]
                                                  ["UnblendedCost"]["Amount"], str)


def test_seeded_cost_explorer_totals_without_group_by(session):
    rows = [("2026-05", "A", 1.5), ("2026-05", "B", 2.0), ("2026-06", "A", 4.0)]
    cost.seed_cost_explorer(rows)
    answer = session.client("ce").get_cost_and_usage(
        TimePeriod={"Start": "2026-05-01", "End": "2026-07-01"}, Granularity="MONTHLY",
        Metrics=["UnblendedCost", "AmortizedCost"])
    totals = [float(p["Total"]["AmortizedCost"]["Amount"]) for p in answer["ResultsByTime"]]
    assert totals == [3.5, 4.0] and "NextPageToken" not in answer


def test_fresh_state_removes_the_seeded_cost_explorer(session):
    from grader.sandbox import fresh_state

    cost.seed_cost_explorer([("2026-05", "A", 1.0)])
    fresh_state()
    answer = session.client("ce").get_cost_and_usage(**REQUEST)
    assert all(not p.get("Groups") for p in answer["ResultsByTime"])


def test_monthly_costs_has_a_newcomer_a_leaver_and_a_spike():
    rows = cost.monthly_costs(seed=9)
    table = cost_report.cost_by_service(cost.seed_answer_pages(rows, "2026-05-01", "2026-11-01"))
    assert (table["2026-05"] == 0).any() and (table["2026-10"] == 0).any()
    assert table["change_pct"].max() > 90


def test_inventory_holds_every_tagging_mistake():
    tags = [t for r in cost.inventory(seed=9, count=200) for t in r["Tags"]]
    keys = {t["Key"] for t in tags}
    assert {"team", "Team", "aws:cloudformation:stack-name"} <= keys
    assert any(not t["Value"].strip() for t in tags)


@pytest.mark.parametrize("seed", [9, 4])
def test_usage_report_covered_usage_is_negated(seed):
    frame = cost.usage_report_frame(seed)
    kinds = frame.groupby("line_item_line_item_type")["line_item_unblended_cost"].sum()
    assert kinds["SavingsPlanCoveredUsage"] == pytest.approx(-kinds["SavingsPlanNegation"])
    assert list(frame.columns) == list(cost.CUR_COLUMNS)


def test_shipped_usage_report_is_what_the_generator_writes(tmp_path):
    shipped = ROOT / "course" / "09-cloud-spend" / "usage-report.csv.gz"
    fresh = tmp_path / "usage-report.csv.gz"
    cost.write_usage_report(fresh)
    assert gzip.decompress(shipped.read_bytes()) == gzip.decompress(fresh.read_bytes())
