"""Learner-facing checks on EBS: a data volume, its attachment, its snapshot, and who may create
volumes from that snapshot (the public-snapshot trap).

moto stores volumes and snapshots but enforces little of what AWS does: it attaches a volume to
an instance in another Availability Zone, attaches a volume without Multi-Attach to a second
instance (and keeps only the latest attachment on the volume itself), and lets an encrypted
snapshot be made public. These checks hold the learner's
configuration to AWS's rules instead. Notebooks use them as ``from grader.checks import ebs``.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from grader.checks.base import NOT_AN_ID, NOT_FOUND, Message, require_dict

_KINDS = {"vol": ("EBS volume", '["VolumeId"]'), "snap": ("snapshot", '["SnapshotId"]'),
          "i": ("instance", '["Instances"][0]["InstanceId"]')}

VOLUME_SETTING = Message(
    "Volume {volume_id}: {setting}", "{expected}", "{found}", "{hint}")
NOT_ATTACHED = Message(
    "Volume {volume_id} is attached to {instance_id} at {device}",
    "an attachment to {instance_id} with Device {device!r}", "{found}",
    "Call attach_volume(VolumeId=..., InstanceId=..., Device=...) once the volume exists; the "
    "device name is the one you were given.")
NOT_A_SNAPSHOT_OF = Message(
    "Snapshot {snapshot_id} is a snapshot of {volume_id}", "VolumeId {volume_id}",
    "VolumeId {found}", "Call create_snapshot(VolumeId=<the data volume's id>, ...).")
SNAPSHOT_TAGS = Message(
    "Snapshot {snapshot_id} carries the tags {tags}", "{tags}", "{found}",
    "Tag the snapshot when you create it: create_snapshot(..., TagSpecifications=[{{"
    "'ResourceType': 'snapshot', 'Tags': [{{'Key': ..., 'Value': ...}}]}}]). Tags on the volume "
    "are not copied to its snapshots.")
NOT_SHARED = Message(
    "Account {account_id} may create volumes from snapshot {snapshot_id}",
    "a createVolumePermission with UserId {account_id}", "{found}",
    "modify_snapshot_attribute(SnapshotId=..., Attribute='createVolumePermission', "
    "OperationType='add', UserIds=[account_id]).")
PUBLIC_SNAPSHOT = Message(
    "Snapshot {snapshot_id} is shared with nobody but {allowed}",
    "createVolumePermission lists only {allowed}", "{found}",
    "{hint}")
HINT_PUBLIC = ("The group 'all' makes the snapshot public: anyone in any AWS account can copy "
               "your disk. Remove it (OperationType='remove', GroupNames=['all']) and share by "
               "account id only.")
HINT_OTHERS = ("Remove the accounts that should not restore this disk (OperationType='remove', "
               "UserIds=[...]).")


def require_id(value, prefix: str, what: str) -> str:
    if not isinstance(value, str) or not value.startswith(f"{prefix}-"):
        kind, path = _KINDS[prefix]
        raise NOT_AN_ID.fail(what=what, kind=kind, prefix=prefix, path=path, value=value,
                             type=type(value).__name__, article="an" if kind[0] in "aeiou" else "a")
    return value


def _described(prefix: str, resource_id: str, call):
    try:
        return call()
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if not code.endswith((".NotFound", ".Malformed")):
            raise
        failure = NOT_FOUND.fail(kind=_KINDS[prefix][0], resource_id=resource_id, code=code)
        failure.aws_code = code
        raise failure from None


def describe_volume(session, volume_id) -> dict:
    require_id(volume_id, "vol", "The volume id")
    return _described("vol", volume_id, lambda: session.client("ec2").describe_volumes(
        VolumeIds=[volume_id])["Volumes"][0])


def describe_snapshot(session, snapshot_id) -> dict:
    require_id(snapshot_id, "snap", "The snapshot id")
    return _described("snap", snapshot_id, lambda: session.client("ec2").describe_snapshots(
        SnapshotIds=[snapshot_id])["Snapshots"][0])


def instance_az(session, instance_id) -> str:
    require_id(instance_id, "i", "The instance id")
    reservations = _described("i", instance_id, lambda: session.client("ec2").describe_instances(
        InstanceIds=[instance_id])["Reservations"])
    return reservations[0]["Instances"][0]["Placement"]["AvailabilityZone"]


def volume_problem(volume: dict, *, size_gib: int, az: str, volume_type: str = "gp3",
                   multi_attach: bool = False) -> tuple[str, str, str, str] | None:
    """The first setting of ``volume`` (describe_volumes shape) that differs from what is asked,
    as (setting, expected, found, hint); None when all hold."""
    checks = (
        ("type", volume_type, volume.get("VolumeType"),
         f"Pass VolumeType='{volume_type}' to create_volume."),
        ("encryption", True, volume.get("Encrypted"),
         "Pass Encrypted=True: new volumes are only encrypted by default when the account turns "
         "encryption by default on, and this course's mock never does."),
        ("size in GiB", size_gib, volume.get("Size"), "Pass Size=<the size you were given>."),
        ("Availability Zone", az, volume.get("AvailabilityZone"),
         "A volume can only be attached to instances in its own Availability Zone: read the "
         "instance's Placement['AvailabilityZone'] and create the volume there."),
        ("Multi-Attach", multi_attach, bool(volume.get("MultiAttachEnabled")),
         "Multi-Attach (io1/io2 only) is for a block device several instances share; leave it "
         "off otherwise." if not multi_attach else
         "Pass MultiAttachEnabled=True (io2) so every instance can attach the same volume."),
    )
    return next(((setting, repr(expected), repr(found), hint)
                 for setting, expected, found, hint in checks if expected != found), None)


def data_volume(session, volume_id, instance_id, *, size_gib: int) -> None:
    """``volume_id`` is an encrypted gp3 volume of ``size_gib`` in the Availability Zone of
    ``instance_id`` (moto would attach it anywhere; AWS would not)."""
    volume = describe_volume(session, volume_id)
    problem = volume_problem(volume, size_gib=size_gib, az=instance_az(session, instance_id))
    if problem:
        setting, expected, found, hint = problem
        raise VOLUME_SETTING.fail(volume_id=volume_id, setting=setting, expected=expected,
                                  found=found, hint=hint)


def _attachments_text(volume: dict) -> str:
    return ", ".join(f"{a['InstanceId']} at {a['Device']} ({a['State']})"
                     for a in volume.get("Attachments", [])) or "no attachment"


def attached_instances(session, volume: dict, instance_ids) -> set[str]:
    """The instances among ``instance_ids`` that ``volume`` is attached to. Read from the
    instances' block-device mappings as well: moto keeps only the latest attachment on a
    Multi-Attach volume, but records each on its instance."""
    found = {a["InstanceId"] for a in volume.get("Attachments", [])}
    if instance_ids:
        reservations = session.client("ec2").describe_instances(
            InstanceIds=list(instance_ids))["Reservations"]
        found |= {i["InstanceId"] for r in reservations for i in r["Instances"]
                  if any(m.get("Ebs", {}).get("VolumeId") == volume["VolumeId"]
                         for m in i.get("BlockDeviceMappings", []))}
    return found


def attached(session, volume_id, instance_id, device: str) -> None:
    """``volume_id`` is attached to ``instance_id`` at ``device``."""
    require_id(instance_id, "i", "The instance id")
    volume = describe_volume(session, volume_id)
    if not any(a["InstanceId"] == instance_id and a["Device"] == device
               and a["State"] in ("attaching", "attached") for a in volume.get("Attachments", [])):
        raise NOT_ATTACHED.fail(volume_id=volume_id, instance_id=instance_id, device=device,
                                found=_attachments_text(volume))


def snapshot_of(session, snapshot_id, volume_id, tags: dict[str, str]) -> None:
    """``snapshot_id`` was taken from ``volume_id`` and carries every tag of ``tags``."""
    snapshot = describe_snapshot(session, snapshot_id)
    if snapshot["VolumeId"] != volume_id:
        raise NOT_A_SNAPSHOT_OF.fail(snapshot_id=snapshot_id, volume_id=volume_id,
                                     found=snapshot["VolumeId"])
    found = {t["Key"]: t["Value"] for t in snapshot.get("Tags", [])}
    if any(found.get(key) != value for key, value in tags.items()):
        raise SNAPSHOT_TAGS.fail(snapshot_id=snapshot_id, tags=tags, found=found or "no tags")


def create_volume_permissions(session, snapshot_id) -> list[dict]:
    """The snapshot's ``createVolumePermission`` entries: ``{"Group": "all"}`` or
    ``{"UserId": ...}``."""
    require_id(snapshot_id, "snap", "The snapshot id")
    return _described("snap", snapshot_id, lambda: session.client("ec2").describe_snapshot_attribute(
        SnapshotId=snapshot_id, Attribute="createVolumePermission")["CreateVolumePermissions"])


def _permissions_text(permissions: list[dict]) -> str:
    return ", ".join("the group 'all' (public)" if p.get("Group") == "all" else
                     f"account {p.get('UserId')}" for p in permissions) or "nobody"


def snapshot_shared_with(session, snapshot_id, account_id: str) -> None:
    """Account ``account_id`` may create volumes from ``snapshot_id``."""
    permissions = create_volume_permissions(session, snapshot_id)
    if {"UserId": account_id} not in [{"UserId": p.get("UserId")} for p in permissions]:
        raise NOT_SHARED.fail(account_id=account_id, snapshot_id=snapshot_id,
                              found=_permissions_text(permissions))


def snapshot_private(session, snapshot_id, allowed_accounts=()) -> None:
    """``snapshot_id`` is not public and shared with no account outside ``allowed_accounts``:
    the trap of sharing a backup by making it public."""
    permissions = create_volume_permissions(session, snapshot_id)
    extra = [p for p in permissions
             if p.get("Group") == "all" or p.get("UserId") not in allowed_accounts]
    if extra:
        public = any(p.get("Group") == "all" for p in extra)
        raise PUBLIC_SNAPSHOT.fail(
            snapshot_id=snapshot_id, found=_permissions_text(permissions),
            allowed=", ".join(f"account {a}" for a in allowed_accounts) or "your own account",
            hint=HINT_PUBLIC if public else HINT_OTHERS)


RETURNED = Message(
    "The dict your function returned", "the keys {keys}", "{found}",
    "Return a dict with every key the exercise names, each holding the id from its create call.")


def returned(value, *keys: str) -> tuple:
    """The values of ``keys`` in a learner's returned dict (a message when it is not one)."""
    found = require_dict(value, "The value your function returned", f"with the keys {list(keys)}")
    if any(key not in found for key in keys):
        raise RETURNED.fail(keys=list(keys), found=f"the keys {sorted(found)}")
    return tuple(found[key] for key in keys)
