"""The reference storage chooser and the dated cost model of topic 15."""

from __future__ import annotations

import pytest

from grader.sim import storage

A, B = "us-east-1a", "us-east-1b"


def need(instances, **kwargs):
    return {"instances": instances, "os": "linux", "shared": False, "access": "file",
            "size_gib": 100, **kwargs}


@pytest.mark.parametrize(("given", "service", "volume_type", "multi_attach"), [
    pytest.param(need({"i-1": A}), "ebs", "gp3", False, id="one-linux-instance-gets-gp3"),
    pytest.param(need({"i-1": A}, os="windows"), "ebs", "gp3", False, id="one-windows-instance-gets-gp3"),
    pytest.param(need({"i-1": A}, shared=True), "ebs", "gp3", False, id="shared-with-nobody-is-not-shared"),
    pytest.param(need({"i-1": A, "i-2": B}, shared=True), "efs", None, False,
                 id="linux-sharing-files-gets-efs"),
    pytest.param(need({"i-1": A, "i-2": A}, shared=True, access="block"), "ebs", "io2", True,
                 id="shared-block-device-gets-multi-attach"),
    pytest.param(need({"i-1": A, "i-2": B}, shared=True, os="windows"), "fsx", None, False,
                 id="windows-share-gets-fsx"),
    pytest.param(need({"i-1": A, "i-2": A}, shared=True, os="windows", access="block"), "fsx", None, False,
                 id="windows-first-whatever-the-access"),
])
def test_choose_follows_the_practitioners_questions(given, service, volume_type, multi_attach):
    answer = storage.choose(given)
    assert (answer["service"].value, answer["volume_type"], answer["multi_attach"]) == \
        (service, volume_type, multi_attach)
    assert answer["azs"] == sorted(set(given["instances"].values())) and answer["reason"]


@pytest.mark.parametrize("instances", [
    pytest.param({"i-1": A, "i-2": B}, id="across-zones"),
    pytest.param({f"i-{n}": A for n in range(17)}, id="seventeen-instances"),
])
def test_choose_refuses_a_shared_block_device_multi_attach_cannot_serve(instances):
    with pytest.raises(ValueError, match="16 instances in one Availability Zone"):
        storage.choose(need(instances, shared=True, access="block"))


@pytest.mark.parametrize(("kwargs", "expected"), [
    pytest.param({"size_gb": 500}, 40.0, id="gp3-bills-provisioned-size"),
    pytest.param({"size_gb": 500, "copies": 3}, 120.0, id="three-copies"),
    pytest.param({"size_gb": 100, "iops": 6000, "throughput": 250}, 8 + 15 + 5,
                 id="performance-above-baseline"),
    pytest.param({"size_gb": 100, "iops": 2000, "throughput": 100}, 8.0, id="baseline-is-free"),
    pytest.param({"size_gb": 10, "snapshot_gb": 100}, 0.8 + 5, id="snapshots"),
])
def test_ebs_monthly_cost(kwargs, expected):
    assert storage.ebs_monthly_cost(**kwargs) == pytest.approx(expected)


@pytest.mark.parametrize(("kwargs", "expected"), [
    pytest.param({"stored_gb": 500}, 150.0, id="standard-bills-used"),
    pytest.param({"stored_gb": 500, "infrequent_share": 0.8}, 100 * 0.30 + 400 * 0.016, id="lifecycle-to-ia"),
    pytest.param({"stored_gb": 0, "read_gb": 100, "write_gb": 10, "infrequent_read_gb": 50},
                 3 + 0.6 + 0.5, id="elastic-transfer"),
])
def test_efs_monthly_cost(kwargs, expected):
    assert storage.efs_monthly_cost(**kwargs) == pytest.approx(expected)


def test_efs_monthly_cost_refuses_a_share_outside_zero_to_one():
    with pytest.raises(ValueError, match="fraction"):
        storage.efs_monthly_cost(10, infrequent_share=80)


def test_price_table_is_dated_and_sourced():
    assert storage.AS_OF == "2026-11" and storage.REGION == "us-east-1"
    assert all(url.startswith("https://") for url in storage.SOURCES.values())
    assert {service for service, *_ in storage.PRICES} == {"EBS", "EFS"}
