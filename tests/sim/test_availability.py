"""The AZ-loss model and availability arithmetic of topic 12 (grader.sim.availability)."""

from __future__ import annotations

import math

import pytest

from grader.sim import availability as sim

A, B, C = "us-east-1a", "us-east-1b", "us-east-1c"


def tier(name, service, *azs, **extra):
    return {"name": name, "service": service, "azs": list(azs), **extra}


@pytest.mark.parametrize(("t", "lost", "outcome"), [
    pytest.param(tier("lb", "alb", A, B), A, sim.Outcome.UP, id="alb-keeps-a-zone"),
    pytest.param(tier("egress", "nat", A), A, sim.Outcome.DOWN, id="single-nat-lost"),
    pytest.param(tier("egress", "nat", A), B, sim.Outcome.UP, id="single-nat-other-zone"),
    pytest.param(tier("files", "efs-one-zone", C), C, sim.Outcome.DOWN, id="one-zone-efs-lost"),
    pytest.param({"name": "static", "service": "s3"}, A, sim.Outcome.UP, id="regional-always-up"),
    pytest.param(tier("db", "rds", A, multi_az="none"), A, sim.Outcome.DOWN, id="single-az-db-lost"),
    pytest.param(tier("db", "rds", A, B, multi_az="instance"), A, sim.Outcome.FAILOVER,
                 id="multi-az-primary-lost-fails-over"),
    pytest.param(tier("db", "rds", A, B, multi_az="instance"), B, sim.Outcome.UP,
                 id="multi-az-standby-lost"),
    pytest.param(tier("db", "rds", C, A, B, multi_az="cluster"), C, sim.Outcome.FAILOVER,
                 id="cluster-writer-lost"),
])
def test_tier_outcomes(t, lost, outcome):
    assert sim.tier_outcome(t, lost)[0] is outcome


def test_the_worst_tier_decides_and_the_first_one_is_named():
    arch = [tier("lb", "alb", A, B), tier("db", "rds", A, B, multi_az="instance"),
            tier("nat-a", "nat", A), tier("batch", "ec2", A)]
    verdict = sim.az_loss(arch, A)
    assert (verdict.outcome, verdict.tier) == (sim.Outcome.DOWN, "nat-a")
    assert len(verdict.trail) == 4 and "every nat zone" in verdict.trail[2]
    assert sim.survives(arch, B) == ("up", None)
    assert sim.survives(arch[:2], A) == ("failover", "db")
    assert sim.survives(arch, "us-east-1f") == ("up", None)
    assert sim.zones_of(arch) == [A, B]


@pytest.mark.parametrize("bad", [
    pytest.param({"name": "x", "service": "mainframe", "azs": [A]}, id="unknown-service"),
    pytest.param({"name": "x", "service": "alb"}, id="zonal-without-zones"),
    pytest.param(tier("x", "rds", A, multi_az="instance"), id="multi-az-in-one-zone"),
    pytest.param(tier("x", "rds", A, B, multi_az="maybe"), id="unknown-rds-mode"),
])
def test_tiers_the_model_cannot_judge_are_refused(bad):
    with pytest.raises(ValueError):
        sim.tier_outcome(bad, A)


def test_redundancy_and_serial_chains():
    assert sim.redundant(0.995, 2) == pytest.approx(0.999975)
    assert sim.redundant(0.9, 1) == pytest.approx(0.9)
    result = sim.estimate([{"name": "lb", "availability": 0.9999, "copies": 1},
                           {"name": "web", "availability": 0.995, "copies": 2},
                           {"name": "db", "availability": 0.995, "copies": 1}])
    assert result["availability"] == pytest.approx(0.9999 * 0.999975 * 0.995)
    assert result["downtime_minutes_per_year"] == pytest.approx(
        (1 - result["availability"]) * 525600)
    assert result["weakest"] == "db"
    tie = sim.estimate([{"name": "first", "availability": 0.99, "copies": 1},
                        {"name": "second", "availability": 0.99, "copies": 1}])
    assert tie["weakest"] == "first"
    assert math.isclose(sim.downtime(0.999), 525.6)


@pytest.mark.parametrize("bad", [(1.5, 1), (0.9, 0), (-0.1, 2)])
def test_redundant_refuses_impossible_inputs(bad):
    with pytest.raises(ValueError):
        sim.redundant(*bad)


def test_sla_table_is_dated_and_sourced():
    assert sim.AS_OF == "2026-11"
    assert all(source in sim.SOURCES for *_, source in sim.SLA)
    assert all(90 < uptime <= 100 for _, _, uptime, _ in sim.SLA)
