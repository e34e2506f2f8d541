"""Learner-facing checks on EFS (the file system, its mount targets and their security group,
an access point, lifecycle management) and on the choice between EBS, EFS and FSx graded by
the resources a learner's function makes.

moto stores EFS configuration but mounts nothing: whether a client could reach the file system
is judged from the configuration (a mount target in the client's Availability Zone, a group
admitting NFS from the client's group). Notebooks use them as ``from grader.checks import efs``.
"""

from __future__ import annotations

from grader.checks import ebs
from grader.checks.base import NOT_AN_ID, NOT_FOUND, Message, require_dict
from grader.sim import storage
from grader.state.efs import file_system_ids, read_file_system

NFS_PORT = 2049

FS_SETTING = Message("File system {fs_id}: {setting}", "{expected}", "{found}", "{hint}")
NO_LIFECYCLE = Message(
    "File system {fs_id} moves files to Infrequent Access after {after}",
    "the lifecycle policies {wanted}", "{found}",
    "Call put_lifecycle_configuration(FileSystemId=..., LifecyclePolicies=[{{'TransitionToIA': "
    "...}}, {{'TransitionToPrimaryStorageClass': 'AFTER_1_ACCESS'}}]).")
MOUNT_TARGETS = Message(
    "File system {fs_id} has a mount target in each subnet {subnets}",
    "one mount target per subnet, each guarded by {group_id} alone", "{found}", "{hint}")
ACCESS_POINT = Message(
    "Access point {ap_id}: {setting}", "{expected}", "{found}", "{hint}")
CHOICE = Message(
    "Storage for {summary}", "{expected}", "{found}", "{hint}")

_FS_PATH = '["FileSystemId"]'
_AP_PATH = '["AccessPointId"]'


def _file_system(session, fs_id) -> dict:
    if not isinstance(fs_id, str) or not fs_id.startswith("fs-"):
        raise NOT_AN_ID.fail(what="The file system id", kind="EFS file system", prefix="fs",
                             path=_FS_PATH, value=fs_id, type=type(fs_id).__name__, article="an")
    found = read_file_system(session, fs_id)
    if found is None:
        raise NOT_FOUND.fail(kind="EFS file system", resource_id=fs_id, code="FileSystemNotFound")
    return found


def file_system_problem(fs: dict) -> tuple[str, str, str, str] | None:
    """The first setting of ``fs`` (describe_file_systems shape) that differs from the course's
    defaults for shared data (encrypted, Regional, General Purpose, Elastic), or None."""
    checks = (
        ("encryption at rest", True, fs.get("Encrypted"),
         "Pass Encrypted=True to create_file_system: encryption at rest can only be chosen at "
         "creation."),
        ("file system type", "Regional (no AvailabilityZoneName)",
         "Regional (no AvailabilityZoneName)" if not fs.get("AvailabilityZoneName")
         else f"One Zone in {fs['AvailabilityZoneName']}",
         "Leave AvailabilityZoneName out: a One Zone file system is lost with its zone."),
        ("performance mode", "generalPurpose", fs.get("PerformanceMode"),
         "Use PerformanceMode='generalPurpose': AWS recommends it for every workload now; Max I/O "
         "only adds latency."),
        ("throughput mode", "elastic", fs.get("ThroughputMode"),
         "Pass ThroughputMode='elastic': it scales with the workload and bills per GB moved."),
    )
    return next(((setting, repr(expected) if not isinstance(expected, str) else expected,
                  repr(found) if not isinstance(found, str) else found, hint)
                 for setting, expected, found, hint in checks if expected != found), None)


def shared_file_system(session, fs_id) -> None:
    """``fs_id`` is encrypted, Regional, General Purpose and Elastic."""
    problem = file_system_problem(_file_system(session, fs_id))
    if problem:
        setting, expected, found, hint = problem
        raise FS_SETTING.fail(fs_id=fs_id, setting=setting, expected=expected, found=found,
                              hint=hint)


def moves_to_infrequent_access(session, fs_id, after: str = "AFTER_30_DAYS") -> None:
    """A lifecycle policy moves files to Infrequent Access ``after`` and back to Standard on
    their first access."""
    policies = _file_system(session, fs_id)["LifecyclePolicies"]
    wanted = [{"TransitionToIA": after}, {"TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"}]
    if any(policy not in policies for policy in wanted):
        raise NO_LIFECYCLE.fail(fs_id=fs_id, after=after, wanted=wanted,
                                found=policies or "no lifecycle policy")


def mount_targets(session, fs_id, subnet_ids, group_id) -> None:
    """``fs_id`` has exactly one mount target in each of ``subnet_ids`` (and none elsewhere),
    each guarded by ``group_id`` and no other group."""
    targets = _file_system(session, fs_id)["MountTargets"]
    by_subnet = {t["SubnetId"]: t for t in targets}
    found = "; ".join(f"{t['MountTargetId']} in {t['SubnetId']} ({t['AvailabilityZoneName']}) "
                      f"with groups {t['SecurityGroups'] or 'none given'}" for t in targets)
    missing = [s for s in subnet_ids if s not in by_subnet]
    extra = [t["SubnetId"] for t in targets if t["SubnetId"] not in subnet_ids]
    wrong = [t["MountTargetId"] for t in targets if t["SecurityGroups"] != [group_id]]
    if not (missing or extra or wrong):
        return
    hint = (f"Create a mount target in {missing[0]} too (create_mount_target(FileSystemId=..., "
            "SubnetId=..., SecurityGroups=[...])): clients reach EFS through the mount target in "
            "their own Availability Zone." if missing else
            f"Remove the mount targets in {extra}: only the subnets given serve clients."
            if extra else
            f"Give {wrong[0]} the NFS group only (SecurityGroups=[group_id]): without it AWS "
            "uses the VPC's default group.")
    raise MOUNT_TARGETS.fail(fs_id=fs_id, subnets=list(subnet_ids), group_id=group_id,
                             found=found or "no mount target", hint=hint)


def access_point(session, ap_id, fs_id, *, path: str, uid: int, permissions: str = "750") -> None:
    """``ap_id`` is an access point of ``fs_id`` that confines clients to ``path`` (created on
    first use, owned by ``uid``:``uid`` with ``permissions``) and acts as POSIX user ``uid``."""
    if not isinstance(ap_id, str) or not ap_id.startswith("fsap-"):
        raise NOT_AN_ID.fail(what="The access point id", kind="EFS access point", prefix="fsap",
                             path=_AP_PATH, value=ap_id, type=type(ap_id).__name__, article="an")
    points = {p["AccessPointId"]: p for p in _file_system(session, fs_id)["AccessPoints"]}
    if ap_id not in points:
        raise NOT_FOUND.fail(kind=f"access point of {fs_id}", resource_id=ap_id,
                             code="AccessPointNotFound")
    point = points[ap_id]
    root = point.get("RootDirectory", {})
    checks = (
        ("root directory", path, root.get("Path"),
         "Pass RootDirectory={'Path': ...}: clients of the access point see that directory as /."),
        ("POSIX user", {"Uid": uid, "Gid": uid}, point.get("PosixUser"),
         "Pass PosixUser={'Uid': uid, 'Gid': uid}: every request through the access point then "
         "acts as that user, whatever the client claims."),
        ("creation info", {"OwnerUid": uid, "OwnerGid": uid, "Permissions": permissions},
         root.get("CreationInfo"),
         "Add CreationInfo to RootDirectory: without it, mounting fails while the directory does "
         "not exist yet."),
    )
    for setting, expected, found, hint in checks:
        if found != expected:
            raise ACCESS_POINT.fail(ap_id=ap_id, setting=setting, expected=expected,
                                    found=found if found is not None else "not set", hint=hint)


# -- the scenario chooser, graded on what the learner's function made ------------------------------

def _summary(need: dict) -> str:
    count = len(need["instances"])
    where = ", ".join(sorted(set(need["instances"].values())))
    sharing = ("shared by all" if need["shared"] else "for one") + f", {need['access']} access"
    return (f"{count} {need['os']} instance{'s' if count > 1 else ''} in {where} "
            f"({sharing}, {need['size_gib']} GiB)")


_HINTS = {
    storage.Service.FSX: "Ask first who the clients are and which protocol they speak.",
    storage.Service.EBS: "Ask how many instances must use the data at the same time, and whether "
                         "they need files or a raw block device.",
    storage.Service.EFS: "Several instances, possibly in several zones, sharing files: which "
                         "service is built for that?",
}


def _inventory(session) -> tuple[set[str], set[str]]:
    pages = session.client("ec2").get_paginator("describe_volumes").paginate()
    return {v["VolumeId"] for page in pages for v in page["Volumes"]}, file_system_ids(session)


def storage_choice_agrees(provision_storage, session, need: dict) -> None:
    """Call ``provision_storage(session, need)`` and compare what it made and returned with the
    reference choice of ``grader.sim.storage.choose``: the service, and the one resource it
    calls for (nothing at all for FSx, which this course's mock does not offer)."""
    volumes_before, file_systems_before = _inventory(session)
    result = require_dict(provision_storage(session, dict(need)), "provision_storage's return value",
                          "{'service': 'ebs' | 'efs' | 'fsx', 'resource_id': ...}")
    expected = storage.choose(need)
    service, summary = expected["service"], _summary(need)
    if result.get("service") != service.value:
        raise CHOICE.fail(summary=summary, expected=f"service {service.value!r}",
                          found=f"service {result.get('service')!r}", hint=_HINTS[service])
    volumes_after, file_systems_after = _inventory(session)
    new_volumes = sorted(volumes_after - volumes_before)
    new_file_systems = sorted(file_systems_after - file_systems_before)
    made = new_volumes + new_file_systems
    wanted = {storage.Service.EBS: new_volumes, storage.Service.EFS: new_file_systems,
              storage.Service.FSX: []}[service]
    if made != wanted or (service is not storage.Service.FSX and len(made) != 1):
        what = {storage.Service.FSX: "nothing in EBS or EFS (FSx is outside this mock)",
                storage.Service.EBS: "exactly one new EBS volume",
                storage.Service.EFS: "exactly one new EFS file system"}[service]
        raise CHOICE.fail(summary=summary, expected=what, found=f"new resources {made or 'none'}",
                          hint="Create only the one resource the workload needs.")
    if result.get("resource_id") != (made[0] if made else None):
        raise CHOICE.fail(summary=summary, expected=f"resource_id {made[0] if made else None!r}",
                          found=f"resource_id {result.get('resource_id')!r}",
                          hint="Return the id of what you created, or None when you create nothing.")
    if service is storage.Service.EBS:
        _volume_fits(session, made[0], need, expected, summary)
    elif service is storage.Service.EFS:
        _file_system_fits(session, made[0], expected, summary)


def _volume_fits(session, volume_id: str, need: dict, expected: dict, summary: str) -> None:
    volume = ebs.describe_volume(session, volume_id)
    problem = ebs.volume_problem(volume, size_gib=need["size_gib"], az=expected["azs"][0],
                                 volume_type=expected["volume_type"],
                                 multi_attach=expected["multi_attach"])
    if problem:
        setting, wanted, found, hint = problem
        raise CHOICE.fail(summary=summary, expected=f"volume {volume_id}: {setting} {wanted}",
                          found=found, hint=hint)
    attached = ebs.attached_instances(session, volume, need["instances"])
    if attached != set(need["instances"]):
        raise CHOICE.fail(summary=summary,
                          expected=f"volume {volume_id} attached to {sorted(need['instances'])}",
                          found=f"attached to {sorted(attached) or 'nothing'}",
                          hint="Attach the volume to every instance that uses it (attach_volume).")


def _file_system_fits(session, fs_id: str, expected: dict, summary: str) -> None:
    fs = _file_system(session, fs_id)
    problem = file_system_problem(fs)
    if problem and problem[0] == "encryption at rest":
        raise CHOICE.fail(summary=summary, expected=f"file system {fs_id}: encrypted",
                          found="not encrypted", hint=problem[3])
    zones = sorted({t["AvailabilityZoneName"] for t in fs["MountTargets"]})
    if not set(expected["azs"]) <= set(zones):
        raise CHOICE.fail(summary=summary,
                          expected=f"file system {fs_id} with a mount target in {expected['azs']}",
                          found=f"mount targets in {zones or 'no zone'}",
                          hint="Create a mount target in the subnet of an instance in every "
                               "Availability Zone that has clients.")
