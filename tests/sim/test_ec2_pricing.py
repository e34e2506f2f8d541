"""Tests for grader/sim/ec2_pricing.py: the dated price table and the cost model.

Figures are worked by hand from the table: m7i.large On-Demand $0.1008/h (AWS list price,
us-east-1 Linux, as of 2026-11), commitments at the course's No Upfront factors.
"""

import pytest

from grader.sim import ec2_pricing as sim

TABLE = sim.price_table()


def profile(**overrides):
    base = {"name": "w", "instance_type": "m7i.large", "baseline": 1, "burst": 0, "burst_hours": 0,
            "interruptible": False, "max_term_years": 3, "flexible": False}
    return {**base, **overrides}


def test_table_is_dated_and_has_every_model_for_every_type():
    assert sim.AS_OF == "2026-11" and sim.REGION == "us-east-1"
    assert all(tuple(row) == sim.MODELS[:2] + tuple(sim.COMMITMENTS) for row in TABLE.values())
    assert set(sim.MODELS) == set(next(iter(TABLE.values())))
    assert TABLE["m7i.large"]["on_demand"] == 0.1008


def test_commitment_rates_are_on_demand_times_the_factor_and_below_on_demand():
    for row in TABLE.values():
        for model, factor in sim.COMMITMENT_FACTORS.items():
            assert row[model] == round(row["on_demand"] * factor, 4) < row["on_demand"]
        assert row["spot"] < row["ec2_instance_sp_3y"]


def test_headline_discount_ceilings_are_not_exceeded():
    """The course's factors stay within AWS's published maxima (72 % EC2 Instance SP and
    Standard RI, 66 % Compute SP and Convertible RI)."""
    for model, factor in sim.COMMITMENT_FACTORS.items():
        ceiling = 0.72 if model.startswith(("ec2_instance_sp", "standard_ri")) else 0.66
        assert 1 - factor <= ceiling


@pytest.mark.parametrize(("model", "cost"), [
    pytest.param("on_demand", 883.01, id="on-demand-all-year"),
    pytest.param("spot", 377.56, id="spot-all-year"),
    pytest.param("ec2_instance_sp_3y", 379.31, id="three-year-plan"),
    pytest.param("compute_sp_1y", 635.98, id="one-year-compute-plan"),
])
def test_one_instance_all_year(model, cost):
    assert sim.yearly_cost(TABLE["m7i.large"], profile(), model) == cost


def test_commitment_covers_the_baseline_and_bursts_pay_on_demand():
    p = profile(baseline=2, burst=3, burst_hours=1000)
    row = TABLE["m7i.large"]
    assert sim.yearly_cost(row, p, "compute_sp_3y") == round(2 * 8760 * 0.0504 + 3000 * 0.1008, 2)
    assert sim.yearly_cost(row, p, "on_demand") == round((2 * 8760 + 3000) * 0.1008, 2)


def test_without_a_baseline_every_commitment_costs_what_on_demand_costs():
    costs = sim.yearly_costs(TABLE, [profile(baseline=0, burst=4, burst_hours=500)])["w"]
    assert {costs[m] for m in sim.COMMITMENTS} == {costs["on_demand"]}


@pytest.mark.parametrize(("overrides", "expected"), [
    pytest.param({}, "ec2_instance_sp_3y", id="steady-three-years-plan-beats-equal-ri"),
    pytest.param({"interruptible": True}, "spot", id="interruptible-goes-spot"),
    pytest.param({"flexible": True}, "compute_sp_3y", id="flexible-needs-compute-plan"),
    pytest.param({"max_term_years": 1}, "ec2_instance_sp_1y", id="one-year-limit"),
    pytest.param({"max_term_years": 0}, "on_demand", id="no-commitment"),
    pytest.param({"baseline": 0, "burst": 5, "burst_hours": 100}, "on_demand", id="tie-keeps-on-demand"),
])
def test_cheapest_allowed_model(overrides, expected):
    assert sim.cheapest(TABLE, profile(**overrides)) == expected


def test_choice_explains_each_exclusion():
    choice = sim.choose(TABLE, profile(max_term_years=1, flexible=True))
    assert choice.model == "compute_sp_1y" and choice.cost == 635.98
    assert "two minutes" in choice.excluded["spot"]
    assert "3-year commitment" in choice.excluded["compute_sp_3y"]
    assert "one instance family" in choice.excluded["ec2_instance_sp_1y"]
    assert "on_demand" not in choice.excluded


def test_other_price_tables_are_used_as_given():
    table = {"x1.big": sim.rates(1.0, 0.9, {m: 0.5 for m in sim.COMMITMENTS})}
    p = profile(instance_type="x1.big", interruptible=True)
    assert sim.cheapest(table, p) == "compute_sp_1y"   # 0.5 beats spot 0.9; first of the ties
