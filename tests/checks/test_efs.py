"""The EFS checks of topic 15 and the scenario chooser graded on what a function builds;
every learner message pinned."""

from __future__ import annotations

import pytest

from grader.checks import efs as checks
from grader.scenarios.storage import app_instances, app_tier, need

from .failures import failure


@pytest.fixture
def efs(session):
    return session.client("efs")


@pytest.fixture
def tier(session):
    return app_tier(session, "10.7.0.0/16", ["us-east-1a", "us-east-1b"])


def file_system(efs, token="fs", **kwargs):
    settings = {"Encrypted": True, "PerformanceMode": "generalPurpose", "ThroughputMode": "elastic", **kwargs}
    return efs.create_file_system(CreationToken=token, **settings)["FileSystemId"]


def test_shared_file_system_passes_with_the_course_defaults(session, efs):
    checks.shared_file_system(session, file_system(efs))


@pytest.mark.parametrize(("settings", "setting", "found"), [
    pytest.param({"Encrypted": False}, "encryption at rest", "False", id="unencrypted"),
    pytest.param({"AvailabilityZoneName": "us-east-1a"}, "file system type", "One Zone in us-east-1a",
                 id="one-zone"),
    pytest.param({"PerformanceMode": "maxIO"}, "performance mode", "maxIO", id="max-io"),
    pytest.param({"ThroughputMode": "bursting"}, "throughput mode", "bursting", id="bursting"),
])
def test_shared_file_system_names_the_first_wrong_setting(session, efs, settings, setting, found):
    fs_id = file_system(efs, **settings)
    message = failure(checks.shared_file_system, session, fs_id)
    assert (message["what"], message["found"]) == (f"File system {fs_id}: {setting}", found)


def test_shared_file_system_explains_a_bad_or_unknown_id(session):
    assert "EFS file system id" in failure(checks.shared_file_system, session, None)["expected"]
    assert "FileSystemNotFound" in failure(checks.shared_file_system, session, "fs-12345678")["found"]


def test_moves_to_infrequent_access_needs_both_policies(session, efs):
    fs_id = file_system(efs)
    assert failure(checks.moves_to_infrequent_access, session, fs_id)["found"] == "no lifecycle policy"
    efs.put_lifecycle_configuration(FileSystemId=fs_id,
                                    LifecyclePolicies=[{"TransitionToIA": "AFTER_30_DAYS"}])
    failure(checks.moves_to_infrequent_access, session, fs_id)
    efs.put_lifecycle_configuration(FileSystemId=fs_id, LifecyclePolicies=[
        {"TransitionToIA": "AFTER_30_DAYS"}, {"TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"}])
    checks.moves_to_infrequent_access(session, fs_id)


def test_mount_targets_missing_extra_and_wrong_group(session, efs, tier):
    ec2 = session.client("ec2")
    nfs = ec2.create_security_group(GroupName="nfs", Description="nfs", VpcId=tier["vpc_id"])["GroupId"]
    subnet_a, subnet_b = tier["subnets"].values()
    fs_id = file_system(efs)
    assert failure(checks.mount_targets, session, fs_id, [subnet_a], nfs)["found"] == "no mount target"
    efs.create_mount_target(FileSystemId=fs_id, SubnetId=subnet_a, SecurityGroups=[nfs])
    checks.mount_targets(session, fs_id, [subnet_a], nfs)
    assert "Create a mount target in " + subnet_b in failure(
        checks.mount_targets, session, fs_id, [subnet_a, subnet_b], nfs)["next"]
    target = efs.create_mount_target(FileSystemId=fs_id, SubnetId=subnet_b)["MountTargetId"]
    message = failure(checks.mount_targets, session, fs_id, [subnet_a], nfs)
    assert "Remove the mount targets" in message["next"]
    message = failure(checks.mount_targets, session, fs_id, [subnet_a, subnet_b], nfs)
    assert message["next"].startswith(f"Give {target} the NFS group only")


def test_access_point_checks_path_user_and_creation_info(session, efs):
    fs_id = file_system(efs)
    bare = efs.create_access_point(FileSystemId=fs_id, RootDirectory={"Path": "/app"})["AccessPointId"]
    assert failure(checks.access_point, session, bare, fs_id, path="/app", uid=1000)["what"] == \
        f"Access point {bare}: POSIX user"
    creation = {"OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "750"}
    good = efs.create_access_point(FileSystemId=fs_id, PosixUser={"Uid": 1000, "Gid": 1000},
                                   RootDirectory={"Path": "/app", "CreationInfo": creation})["AccessPointId"]
    checks.access_point(session, good, fs_id, path="/app", uid=1000)
    assert failure(checks.access_point, session, good, fs_id, path="/data", uid=1000)["found"] == "/app"
    missing = failure(checks.access_point, session, "fsap-0", fs_id, path="/", uid=0)
    assert "AccessPointNotFound" in missing["found"]


def gp3_for_one(session, n):
    ec2 = session.client("ec2")
    [(instance, zone)] = n["instances"].items()
    volume_id = ec2.create_volume(AvailabilityZone=zone, Size=n["size_gib"], VolumeType="gp3",
                                  Encrypted=True)["VolumeId"]
    ec2.attach_volume(VolumeId=volume_id, InstanceId=instance, Device="/dev/sdf")
    return {"service": "ebs", "resource_id": volume_id}


def test_storage_choice_agrees_accepts_the_reference_build(session, tier):
    [(instance, zone)] = app_instances(session, tier, ["us-east-1b"]).items()
    checks.storage_choice_agrees(gp3_for_one, session, need({instance: zone}, size_gib=30))


def test_storage_choice_agrees_names_the_wrong_service_without_the_answer(session, tier):
    fleet = app_instances(session, tier, ["us-east-1a", "us-east-1b"])
    message = failure(checks.storage_choice_agrees, lambda s, n: {"service": "ebs", "resource_id": None},
                      session, need(fleet, os="windows", shared=True))
    assert message["what"] == "Storage for 2 windows instances in us-east-1a, us-east-1b " \
                              "(shared by all, file access, 100 GiB)"
    assert (message["expected"], message["found"]) == ("service 'fsx'", "service 'ebs'")
    assert "fsx" not in message["next"].lower()


def test_storage_choice_agrees_refuses_extra_resources_and_wrong_ids(session, tier):
    [(instance, zone)] = app_instances(session, tier, ["us-east-1a"]).items()

    def two_volumes(s, n):
        gp3_for_one(s, n)
        return gp3_for_one(s, n)

    message = failure(checks.storage_choice_agrees, two_volumes, session, need({instance: zone}))
    assert message["expected"] == "exactly one new EBS volume"

    def wrong_id(s, n):
        return {**gp3_for_one(s, n), "resource_id": "vol-elsewhere"}

    assert failure(checks.storage_choice_agrees, wrong_id, session, need({instance: zone}))["found"] == \
        "resource_id 'vol-elsewhere'"


def test_storage_choice_agrees_checks_efs_zones(session, efs, tier):
    fleet = app_instances(session, tier, ["us-east-1a", "us-east-1b"])

    def one_zone(s, n):
        fs_id = file_system(efs, "one-zone")
        efs.create_mount_target(FileSystemId=fs_id, SubnetId=tier["subnets"]["us-east-1a"])
        return {"service": "efs", "resource_id": fs_id}

    message = failure(checks.storage_choice_agrees, one_zone, session, need(fleet, shared=True))
    assert message["found"] == "mount targets in ['us-east-1a']"
