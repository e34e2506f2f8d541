"""grader.sim.ebs_volumes: AWS's limits and ratios, delivered performance, the price table and
the cheapest configuration for a workload, from tables of cases."""

# ruff: noqa: E501 -- table rows pin whole learner messages, one case a line
from __future__ import annotations

import pytest

from grader.sim import ebs_volumes as sim


def W(size, iops, mibps, pattern="random", boot=False, critical=False):  # noqa: N802 -- a table row
    return {"size_gib": size, "iops": iops, "throughput": mibps, "pattern": pattern, "boot": boot,
            "critical": critical}


@pytest.mark.parametrize("config", [
    pytest.param({"VolumeType": "gp3", "Size": 1, "Iops": 3000, "Throughput": 750}, id="gp3-baseline-on-1-gib"),
    pytest.param({"VolumeType": "gp3", "Size": 160, "Iops": 80000, "Throughput": 2000}, id="gp3-2025-maximums"),
    pytest.param({"VolumeType": "gp3", "Size": 65536}, id="gp3-64-tib-defaults"),
    pytest.param({"VolumeType": "io2", "Size": 256, "Iops": 256000}, id="io2-block-express-maximum"),
    pytest.param({"VolumeType": "io1", "Size": 1280, "Iops": 64000}, id="io1-50-per-gib"),
    pytest.param({"VolumeType": "st1", "Size": 125}, id="st1-minimum"),
    pytest.param({"VolumeType": "gp2", "Size": 16384}, id="gp2-maximum"),
])
def test_valid_configurations_have_no_problems(config):
    assert sim.problems(config) == []


@pytest.mark.parametrize(("config", "problem"), [
    pytest.param({"VolumeType": "gp3", "Size": 20, "Iops": 16000}, "gp3 allows at most 500 IOPS per GiB: "
                 "16,000 IOPS needs at least 32 GiB, not 20", id="gp3-iops-per-gib"),
    pytest.param({"VolumeType": "gp3", "Size": 500, "Iops": 3000, "Throughput": 1000}, "gp3 allows at most "
                 "0.25 MiB/s per provisioned IOPS: 1000 MiB/s needs at least 4,000 IOPS, not 3,000",
                 id="gp3-mib-per-iops"),
    pytest.param({"VolumeType": "gp3", "Size": 500, "Iops": 100000}, "gp3 IOPS must be 3,000-80,000, not "
                 "100,000", id="gp3-over-max-iops"),
    pytest.param({"VolumeType": "gp3", "Size": 500, "Iops": 16000, "Throughput": 2500}, "gp3 throughput must "
                 "be 125-2,000 MiB/s, not 2,500", id="gp3-over-max-throughput"),
    pytest.param({"VolumeType": "io2", "Size": 10, "Iops": 100000}, "io2 allows at most 1000 IOPS per GiB: "
                 "100,000 IOPS needs at least 100 GiB, not 10", id="io2-ratio"),
    pytest.param({"VolumeType": "io2", "Size": 100}, "io2 needs Iops", id="io2-without-iops"),
    pytest.param({"VolumeType": "st1", "Size": 10}, "st1 size must be 125-16384 GiB, not 10", id="st1-too-small"),
    pytest.param({"VolumeType": "sc1", "Size": 20000}, "sc1 size must be 125-16384 GiB, not 20000",
                 id="sc1-too-large"),
    pytest.param({"VolumeType": "gp2", "Size": 100, "Iops": 300}, "gp2 takes no Iops: its performance follows "
                 "from its size", id="gp2-with-iops"),
    pytest.param({"VolumeType": "ultra", "Size": 10}, "'ultra' is not an EBS volume type: use one of gp3, gp2, "
                 "io2, io1, st1, sc1", id="unknown-type"),
])
def test_problems_name_the_limit_broken(config, problem):
    assert problem in sim.problems(config)


@pytest.mark.parametrize(("config", "iops", "mibps"), [
    pytest.param({"VolumeType": "gp2", "Size": 10}, 100, 128, id="gp2-minimum-100-iops"),
    pytest.param({"VolumeType": "gp2", "Size": 400}, 1200, 250, id="gp2-3-per-gib"),
    pytest.param({"VolumeType": "gp2", "Size": 6000}, 16000, 250, id="gp2-capped"),
    pytest.param({"VolumeType": "gp3", "Size": 10}, 3000, 125, id="gp3-defaults"),
    pytest.param({"VolumeType": "io2", "Size": 100, "Iops": 20000}, 20000, 4000, id="io2-capped-throughput"),
    pytest.param({"VolumeType": "st1", "Size": 2048}, 500, 80, id="st1-40-per-tib"),
    pytest.param({"VolumeType": "sc1", "Size": 30000}, 250, 250, id="sc1-capped"),
])
def test_sustained_performance(config, iops, mibps):
    assert (sim.iops_of(config), sim.throughput_of(config)) == (iops, mibps)


@pytest.mark.parametrize(("config", "cost"), [
    pytest.param({"VolumeType": "gp3", "Size": 100, "Iops": 3000, "Throughput": 125}, 8.0, id="gp3-included"),
    pytest.param({"VolumeType": "gp3", "Size": 200, "Iops": 6000, "Throughput": 500}, 46.0, id="gp3-extras"),
    pytest.param({"VolumeType": "gp2", "Size": 100, "Iops": 300}, 10.0, id="gp2-size-only"),
    pytest.param({"VolumeType": "io1", "Size": 100, "Iops": 5000}, 337.5, id="io1"),
    pytest.param({"VolumeType": "io2", "Size": 1000, "Iops": 100000}, 4813.0, id="io2-three-tiers"),
    pytest.param({"VolumeType": "sc1", "Size": 1000}, 15.0, id="sc1"),
])
def test_monthly_cost(config, cost):
    assert sim.monthly_cost(config) == pytest.approx(cost)


@pytest.mark.parametrize(("workload", "kind", "size"), [
    pytest.param(W(500, 6000, 250), "gp3", 500, id="database-gp3"),
    pytest.param(W(20, 16000, 125), "gp3", 32, id="gp3-grown-for-ratio"),
    pytest.param(W(500, 100000, 500), "io2", 500, id="past-gp3-io2"),
    pytest.param(W(100, 5000, 200, critical=True), "io2", 100, id="critical-io2"),
    pytest.param(W(12288, 200, 400, "sequential"), "st1", 12288, id="big-logs-st1"),
    pytest.param(W(2048, 50, 20, "sequential"), "sc1", 2048, id="cold-sc1"),
    pytest.param(W(500, 300, 200, "sequential"), "gp3", 500, id="small-sequential-gp3-cheaper"),
    pytest.param(W(8000, 100, 300, "sequential", boot=True), "gp3", 8000, id="boot-never-hdd"),
])
def test_recommend_volume_picks_the_cheapest_that_meets(workload, kind, size):
    best = sim.recommend_volume(workload)
    assert (best["VolumeType"], best["Size"]) == (kind, size)
    assert sim.problems(best) == [] and sim.shortfalls(workload, best) == []


@pytest.mark.parametrize("workload", [
    pytest.param(W(100, 300000, 1000), id="over-io2-iops"),
    pytest.param(W(100, 3000, 5000), id="over-io2-throughput"),
    pytest.param(W(70000, 3000, 125), id="over-64-tib"),
])
def test_recommend_volume_none_when_no_single_volume_can(workload):
    assert sim.recommend_volume(workload) is None


def test_shortfalls_name_each_unmet_need():
    found = sim.shortfalls(W(1000, 600, 100, critical=True, boot=True), {"VolumeType": "st1", "Size": 500})
    assert found == ["500 GiB is smaller than the 1000 GiB of data",
                     "st1 delivers 500 IOPS, the workload needs 600",
                     "st1 delivers 19.5312 MiB/s sustained, the workload needs 100",
                     "st1 is a hard disk: only for large sequential I/O, not 'random'",
                     "st1 cannot be a boot volume",
                     "a critical workload needs io2 (99.999 % durability, sub-millisecond latency)"]


def test_gp3_equivalent_matches_gp2_performance():
    assert sim.gp3_equivalent({"VolumeType": "gp2", "Size": 2000}) == {
        "VolumeType": "gp3", "Size": 2000, "Iops": 6000, "Throughput": 250}
