"""The EBS volume-type checks of topic 16: configurations judged against AWS's real limits
(moto enforces none), Elastic Volumes in place, encryption with the team's key, and learners'
cost and recommendation functions against grader.sim.ebs_volumes; learner messages pinned."""

# ruff: noqa: E501 -- table rows pin whole learner messages, one case a line
from __future__ import annotations

import pytest

from grader.checks import ebs_limits as checks
from grader.sim import ebs_volumes as sim
from grader.state.ebs import read_volumes

from .failures import failure


@pytest.fixture
def ec2(session):
    return session.client("ec2")


def volume(ec2, size=100, kind="gp2", zone="us-east-1a", **extra):
    return ec2.create_volume(AvailabilityZone=zone, Size=size, VolumeType=kind, **extra)["VolumeId"]


def test_volume_within_limits_catches_what_moto_accepts(session, ec2):
    vol = volume(ec2, 20, "gp3", Iops=16000)
    message = failure(checks.volume_within_limits, session, vol)
    assert message["found"].startswith("VolumeType gp3, Size 20, Iops 16,000, Throughput 125: gp3 allows at most")
    assert message["next"] == ("moto accepted it, AWS would reject the call: gp3 allows at most 500 IOPS per "
                               "GiB: 16,000 IOPS needs at least 32 GiB, not 20")
    checks.volume_within_limits(session, volume(ec2, 32, "gp3", Iops=16000))


def test_volume_configured_fills_gp3_defaults(session, ec2):
    vol = volume(ec2, 50, "gp3")
    checks.volume_configured(session, vol, {"VolumeType": "gp3", "Size": 50, "Iops": 3000, "Throughput": 125})
    message = failure(checks.volume_configured, session, vol, {"VolumeType": "gp3", "Iops": 6000})
    assert message["expected"] == "VolumeType gp3, Iops 6,000"
    assert message["found"] == "VolumeType gp3, Size 50, Iops 3,000, Throughput 125"


def test_describe_reports_a_bad_or_missing_id(session):
    assert "a volume id" in failure(checks.volume_configured, session, None, {})["expected"]
    assert failure(checks.volume_configured, session, "vol-0123456789abcdef0", {})["found"].startswith(
        "vol-0123456789abcdef0 does not exist")


def test_modified_in_place_wants_a_modification_of_the_same_volume(session, ec2):
    vol = volume(ec2, 100)
    before = read_volumes(session)
    assert failure(checks.modified_in_place, session, vol, before)["found"] == "no modification of this volume"
    ec2.modify_volume(VolumeId=vol, VolumeType="gp3")
    checks.modified_in_place(session, vol, before)
    volume(ec2, 10)
    assert failure(checks.modified_in_place, session, vol, before)["found"].startswith("added ['vol-")


def test_modified_in_place_refuses_a_shrink(session, ec2):
    vol = volume(ec2, 100)
    before = read_volumes(session)
    ec2.modify_volume(VolumeId=vol, Size=50)  # moto accepts it; AWS does not
    message = failure(checks.modified_in_place, session, vol, before)
    assert (message["expected"], message["found"]) == (
        "at least 100 GiB (a volume can grow, never shrink)", "50 GiB")


def test_rejects_request_wants_value_error_and_an_untouched_volume(session, ec2):
    vol = volume(ec2, 100)

    def careless(session, volume_id, iops, throughput):
        session.client("ec2").modify_volume(VolumeId=volume_id, VolumeType="gp3", Iops=iops)
        raise ValueError("too late")

    def refuses(session, volume_id, iops, throughput):
        raise ValueError("no")

    checks.rejects_request(refuses, session, vol, 100000, 125)
    assert failure(checks.rejects_request, lambda *a: None, session, vol, 100000, 125)["found"] == \
        "no error: the request went through"
    assert failure(checks.rejects_request, careless, session, vol, 100000, 125)["found"].startswith(
        "ValueError, but the volume was modified first")


def test_returned_pins_the_value(session):
    checks.returned(32, 32, what="size", hint="h")
    assert failure(checks.returned, None, 32, what="size", hint="h")["found"] == "None"


def test_restored_from_and_encrypted(session, ec2):
    key = session.client("kms").create_key()["KeyMetadata"]
    src = volume(ec2, 100, zone="us-east-1b")
    snap = ec2.create_snapshot(VolumeId=src)["SnapshotId"]
    good = ec2.create_volume(AvailabilityZone="us-east-1b", SnapshotId=snap, VolumeType="gp3", Encrypted=True,
                             KmsKeyId=key["Arn"])["VolumeId"]
    checks.restored_from(session, good, src)
    checks.volume_encrypted(session, good, key["KeyId"])
    assert failure(checks.restored_from, session, src, src)["found"] == "the source volume itself"
    elsewhere = ec2.create_volume(AvailabilityZone="us-east-1a", SnapshotId=snap, VolumeType="gp3")["VolumeId"]
    assert failure(checks.restored_from, session, elsewhere, src)["found"] == (
        f"created from {snap} of {src} in us-east-1a")
    plain = failure(checks.volume_encrypted, session, elsewhere, key["KeyId"])
    assert plain["found"] == "Encrypted False, KmsKeyId none" and plain["next"] == checks.HINT_UNENCRYPTED
    default = ec2.create_volume(AvailabilityZone="us-east-1b", SnapshotId=snap, Encrypted=True)["VolumeId"]
    assert failure(checks.volume_encrypted, session, default, key["KeyId"])["next"] == checks.HINT_WRONG_KEY


def test_cost_agrees_to_the_cent():
    volumes = [{"VolumeType": "gp3", "Size": 100, "Iops": 4000, "Throughput": 125}]
    checks.cost_agrees(sim.monthly_cost, volumes)
    checks.cost_agrees(lambda v: sim.monthly_cost(v) + 0.004, volumes)
    message = failure(checks.cost_agrees, lambda v: 0.08 * v["Size"], volumes)
    assert message["what"] == ("monthly_cost agrees with the course's reference on 0 of 1 cases; first miss: "
                               "VolumeType gp3, Size 100, Iops 4,000, Throughput 125")
    assert (message["expected"], message["found"]) == ("13.0", "8.0")


W = {"size_gib": 20, "iops": 16000, "throughput": 125, "pattern": "random", "boot": False, "critical": False}
SHOWN = "recommend_volume's answer for 20 GiB, 16,000 IOPS, 125 MiB/s, random"


def test_recommendations_agree_with_the_reference():
    checks.recommendations_agree(sim.recommend_volume, [W, {**W, "iops": 300000}])


@pytest.mark.parametrize(("answer", "expected", "found"), [
    pytest.param({"VolumeType": "gp3", "Size": 20, "Iops": 16000}, "a configuration AWS accepts",
                 "VolumeType gp3, Size 20, Iops 16,000: gp3 allows at most 500 IOPS per GiB: 16,000 IOPS needs at "
                 "least 32 GiB, not 20", id="ratio-trap"),
    pytest.param({"VolumeType": "gp3", "Size": 40, "Iops": 8000}, "a volume that meets every need of the workload",
                 "VolumeType gp3, Size 40, Iops 8,000, Throughput 125: gp3 delivers 8,000 IOPS, the workload needs "
                 "16,000", id="short"),
    pytest.param({"VolumeType": "io2", "Size": 32, "Iops": 16000}, "the cheapest configuration that meets it: "
                 "$67.56 a month (gp3)", "VolumeType io2, Size 32, Iops 16,000: $1,044.00 a month", id="dearer"),
    pytest.param(None, "a gp3 volume", "None", id="none"),
    pytest.param("gp3", "a dict like {'VolumeType': 'gp3', 'Size': 100, 'Iops': 3000, 'Throughput': 125}, or None",
                 "'gp3'", id="shape"),
])
def test_recommendation_failures_say_why(answer, expected, found):
    message = failure(checks.recommendations_agree, lambda workload: answer, [W])
    assert (message["what"], message["expected"], message["found"]) == (SHOWN, expected, found)
