"""The EBS checks of topic 15: data volume, attachment, snapshot, and the public-snapshot trap;
every learner message pinned."""

from __future__ import annotations

import pytest

from grader.checks import ebs as checks
from grader.scenarios.storage import app_instances, app_tier, backup_snapshot

from .failures import failure

ACCOUNT = "111122223333"


@pytest.fixture
def ec2(session):
    return session.client("ec2")


@pytest.fixture
def instance(session):
    tier = app_tier(session, "10.9.0.0/16", ["us-east-1a", "us-east-1b"])
    [instance_id] = app_instances(session, tier, ["us-east-1b"])
    return instance_id


def volume(ec2, az="us-east-1b", **kwargs):
    settings = {"Size": 50, "VolumeType": "gp3", "Encrypted": True, **kwargs}
    return ec2.create_volume(AvailabilityZone=az, **settings)["VolumeId"]


def test_data_volume_passes_for_encrypted_gp3_in_the_instances_zone(session, ec2, instance):
    checks.data_volume(session, volume(ec2), instance, size_gib=50)


@pytest.mark.parametrize(("settings", "setting", "expected", "found"), [
    pytest.param({"VolumeType": "gp2"}, "type", "'gp3'", "'gp2'", id="type"),
    pytest.param({"Encrypted": False}, "encryption", "True", "False", id="unencrypted"),
    pytest.param({"Size": 8}, "size in GiB", "50", "8", id="size"),
    pytest.param({"az": "us-east-1a"}, "Availability Zone", "'us-east-1b'", "'us-east-1a'", id="zone"),
])
def test_data_volume_names_the_first_wrong_setting(session, ec2, instance, settings, setting, expected,
                                                   found):
    volume_id = volume(ec2, **settings)
    message = failure(checks.data_volume, session, volume_id, instance, size_gib=50)
    assert message["what"] == f"Volume {volume_id}: {setting}"
    assert (message["expected"], message["found"]) == (expected, found)


def test_data_volume_turns_a_missing_or_malformed_id_into_a_message(session, instance):
    assert failure(checks.data_volume, session, None, instance, size_gib=1)["found"] == "None (a NoneType)"
    missing = failure(checks.data_volume, session, "vol-0123456789abcdef0", instance, size_gib=1)
    assert "does not exist" in missing["found"]


def test_attached_checks_instance_and_device(session, ec2, instance):
    volume_id = volume(ec2)
    message = failure(checks.attached, session, volume_id, instance, "/dev/sdf")
    assert message["found"] == "no attachment"
    ec2.attach_volume(VolumeId=volume_id, InstanceId=instance, Device="/dev/sdg")
    message = failure(checks.attached, session, volume_id, instance, "/dev/sdf")
    assert message["found"] == f"{instance} at /dev/sdg (attached)"
    checks.attached(session, volume_id, instance, "/dev/sdg")


def test_attached_instances_sees_every_multi_attach_instance(session, ec2):
    tier = app_tier(session, "10.8.0.0/16", ["us-east-1a"])
    first, second = app_instances(session, tier, ["us-east-1a", "us-east-1a"])
    volume_id = volume(ec2, "us-east-1a", VolumeType="io2", Iops=3000, MultiAttachEnabled=True)
    for instance_id in (first, second):
        ec2.attach_volume(VolumeId=volume_id, InstanceId=instance_id, Device="/dev/sdf")
    described = ec2.describe_volumes(VolumeIds=[volume_id])["Volumes"][0]
    assert checks.attached_instances(session, described, [first, second]) == {first, second}


def test_snapshot_of_checks_volume_and_tags(session, ec2):
    volume_id, other = volume(ec2), volume(ec2)
    tagged = ec2.create_snapshot(VolumeId=volume_id, TagSpecifications=[
        {"ResourceType": "snapshot", "Tags": [{"Key": "backup", "Value": "daily"}]}])["SnapshotId"]
    checks.snapshot_of(session, tagged, volume_id, {"backup": "daily"})
    assert failure(checks.snapshot_of, session, tagged, other, {})["found"] == f"VolumeId {volume_id}"
    bare = ec2.create_snapshot(VolumeId=volume_id)["SnapshotId"]
    message = failure(checks.snapshot_of, session, bare, volume_id, {"backup": "daily"})
    assert message["found"] == "no tags" and "not copied" in message["next"]


def test_snapshot_shared_with_needs_the_account(session, ec2):
    snapshot_id = backup_snapshot(session)
    assert failure(checks.snapshot_shared_with, session, snapshot_id, ACCOUNT)["found"] == "nobody"
    ec2.modify_snapshot_attribute(SnapshotId=snapshot_id, Attribute="createVolumePermission",
                                  OperationType="add", UserIds=[ACCOUNT])
    checks.snapshot_shared_with(session, snapshot_id, ACCOUNT)


def test_snapshot_private_fails_on_a_public_snapshot_with_the_fix(session, ec2):
    snapshot_id = backup_snapshot(session, public=True)
    message = failure(checks.snapshot_private, session, snapshot_id, [ACCOUNT])
    assert message["found"] == "the group 'all' (public)"
    assert "anyone in any AWS account" in message["next"]


def test_snapshot_private_fails_on_an_account_not_allowed(session, ec2):
    snapshot_id = backup_snapshot(session)
    ec2.modify_snapshot_attribute(SnapshotId=snapshot_id, Attribute="createVolumePermission",
                                  OperationType="add", UserIds=["999999999999", ACCOUNT])
    message = failure(checks.snapshot_private, session, snapshot_id, [ACCOUNT])
    assert "account 999999999999" in message["found"] and "Remove the accounts" in message["next"]
    checks.snapshot_private(session, snapshot_id, [ACCOUNT, "999999999999"])


def test_returned_reads_keys_or_explains(session):
    assert checks.returned({"a": 1, "b": 2}, "b", "a") == (2, 1)
    assert failure(checks.returned, None, "a")["found"] == "None (a NoneType)"
    assert failure(checks.returned, {"b": 1}, "a")["found"] == "the keys ['b']"
