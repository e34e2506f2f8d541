"""Read EFS configuration into plain dicts for topic 15's checks.

A file system becomes its ``describe_file_systems`` entry plus ``MountTargets`` (each with its
``SecurityGroups``), ``AccessPoints`` and ``LifecyclePolicies``. moto returns no
``SecurityGroups`` key for a mount target created without groups (AWS would use the VPC's
default group): that reads as an empty list here.
"""

from __future__ import annotations

from botocore.exceptions import ClientError


def file_system_ids(session) -> set[str]:
    """The ids of every file system of the account."""
    pages = session.client("efs").get_paginator("describe_file_systems").paginate()
    return {fs["FileSystemId"] for page in pages for fs in page["FileSystems"]}


def read_file_system(session, file_system_id: str) -> dict | None:
    """The file system with its mount targets, access points and lifecycle policies, or None
    when it does not exist."""
    efs = session.client("efs")
    try:
        [fs] = efs.describe_file_systems(FileSystemId=file_system_id)["FileSystems"]
    except ClientError as error:
        if error.response["Error"]["Code"] == "FileSystemNotFound":
            return None
        raise
    targets = efs.describe_mount_targets(FileSystemId=file_system_id)["MountTargets"]
    for target in targets:
        target["SecurityGroups"] = efs.describe_mount_target_security_groups(
            MountTargetId=target["MountTargetId"]).get("SecurityGroups", [])
    return {**fs, "MountTargets": targets,
            "AccessPoints": efs.describe_access_points(FileSystemId=file_system_id)["AccessPoints"],
            "LifecyclePolicies": efs.describe_lifecycle_configuration(
                FileSystemId=file_system_id)["LifecyclePolicies"]}
