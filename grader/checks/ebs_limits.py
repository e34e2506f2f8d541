"""Checks on EBS volume types: configurations judged against AWS's real limits, Elastic Volumes
modifications, encryption, and learners' cost and recommendation functions.

moto accepts any size, IOPS and throughput (and shrinking), so every check that reads a volume
also asks ``grader.sim.ebs_volumes.problems`` whether AWS would have accepted it.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from grader.checks.base import NOT_AN_ID, NOT_FOUND, Message
from grader.checks.reference import agrees_with_reference
from grader.sim import ebs_volumes as sim
from grader.state.ebs import read_modifications, read_volumes, volume_config

CONFIGURED = Message(
    "Volume {volume_id} has the configuration asked for", "{expected}", "{found}",
    "Pass VolumeType, Size, Iops and Throughput to the call that sets them (modify_volume for "
    "an existing volume, create_volume for a new one).")
OVER_LIMITS = Message(
    "Volume {volume_id} is within the real limits of {kind}", "a configuration AWS accepts",
    "{config}: {problems}",
    "moto accepted it, AWS would reject the call: {fix}")
NOT_IN_PLACE = Message(
    "Volume {volume_id} was changed in place with Elastic Volumes", "{expected}", "{found}",
    "Call modify_volume on the existing volume: it keeps its id, its data and its attachment.")
RETURNED = Message(
    "{what}", "{expected!r}", "{found!r}", "{hint}")
NOT_REJECTED = Message(
    "A request over gp3's limits is refused: {request}", "ValueError raised, the volume unchanged",
    "{found}",
    "Check the request against gp3's limits (IOPS, throughput, MiB/s per IOPS) before calling "
    "modify_volume, and raise ValueError when no gp3 configuration can serve it.")
NOT_FROM_SOURCE = Message(
    "Volume {volume_id} holds the data of {source_id}", "a volume created from a snapshot of {source_id}"
    " in {zone}", "{found}",
    "Snapshot the source (create_snapshot), wait for it, then create_volume(SnapshotId=...) in the "
    "source's Availability Zone.")
NOT_ENCRYPTED = Message(
    "Volume {volume_id} is encrypted with the team's KMS key", "Encrypted True, KmsKeyId {key}",
    "Encrypted {encrypted}, KmsKeyId {found_key}",
    "{hint}")
HINT_UNENCRYPTED = ("modify_volume cannot encrypt a volume: create the new volume with "
                    "Encrypted=True and KmsKeyId=... (an unencrypted snapshot may be restored "
                    "encrypted).")
HINT_WRONG_KEY = ("Without KmsKeyId EBS uses the AWS managed key aws/ebs, which every role with "
                  "EBS rights in the account can use: pass the team's key.")
COST_HINT = ("Recompute this volume by hand from the price table: storage per GB-month, then "
             "what the type charges for IOPS or throughput above its free baseline.")
RECOMMEND_WHAT = "recommend_volume's answer for {workload}"
RECOMMEND_INVALID = Message(
    RECOMMEND_WHAT, "a configuration AWS accepts", "{config}: {problems}",
    "moto would accept it, AWS would not: size the volume up so the type's IOPS-per-GiB ratio "
    "and size limits hold.")
RECOMMEND_SHORT = Message(
    RECOMMEND_WHAT, "a volume that meets every need of the workload", "{config}: {shortfalls}",
    "Compare what the type delivers sustained (no burst) with each need.")
RECOMMEND_DEARER = Message(
    RECOMMEND_WHAT, "the cheapest configuration that meets it: ${best:,.2f} a month ({best_type})",
    "{config}: ${cost:,.2f} a month",
    "Price every current type (gp3, io2, st1, sc1) at its smallest valid configuration for the "
    "workload and keep the cheapest.")
RECOMMEND_NONE = Message(
    RECOMMEND_WHAT, "{expected}", "{found}",
    "Return None only when no single volume of any current type can meet the workload.")
RECOMMEND_SHAPE = Message(
    RECOMMEND_WHAT, "a dict like {{'VolumeType': 'gp3', 'Size': 100, 'Iops': 3000, "
    "'Throughput': 125}}, or None", "{found}",
    "Return the create_volume parameters as a dict: VolumeType and Size, plus Iops (gp3, io2) "
    "and Throughput (gp3).")


def describe(session, volume_id) -> dict:
    """The volume as ``describe_volumes`` returns it, or a learner message."""
    if not isinstance(volume_id, str) or not volume_id.startswith("vol-"):
        raise NOT_AN_ID.fail(what="The volume id", kind="volume", prefix="vol", article="a",
                             path='["VolumeId"]', value=volume_id, type=type(volume_id).__name__)
    try:
        return read_volumes(session, [volume_id])[volume_id]
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if not code.startswith("InvalidVolume"):
            raise
        raise NOT_FOUND.fail(kind="volume", resource_id=volume_id, code=code) from None


def _show(config: dict) -> str:
    return ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in config.items())


def volume_configured(session, volume_id, expected: dict) -> None:
    """The volume has exactly the VolumeType, Size, Iops and Throughput of ``expected``."""
    found = volume_config(describe(session, volume_id))
    if {k: found.get(k) for k in expected} != expected:
        raise CONFIGURED.fail(volume_id=volume_id, expected=_show(expected), found=_show(found))


def volume_within_limits(session, volume_id) -> None:
    """AWS would accept the volume's configuration (size, IOPS, throughput and their ratios)."""
    config = volume_config(describe(session, volume_id))
    found = sim.problems(config)
    if found:
        raise OVER_LIMITS.fail(volume_id=volume_id, kind=config["VolumeType"], config=_show(config),
                               problems="; ".join(found), fix=found[0])


def modified_in_place(session, volume_id, before: dict) -> None:
    """``volume_id`` (one of ``before``, the volumes by id read before the learner's call) was
    changed by ``modify_volume``: it has a modification, no volume was added or removed, and
    its size did not shrink (moto accepts shrinking; AWS refuses it)."""
    volume = describe(session, volume_id)
    now = read_volumes(session)
    if set(now) != set(before):
        added, gone = sorted(set(now) - set(before)), sorted(set(before) - set(now))
        raise NOT_IN_PLACE.fail(volume_id=volume_id, expected=f"the same {len(before)} volume(s)",
                                found=f"added {added or 'none'}, deleted {gone or 'none'}")
    if not read_modifications(session, volume_id):
        raise NOT_IN_PLACE.fail(volume_id=volume_id, expected="a modification (modify_volume)",
                                found="no modification of this volume")
    if volume["Size"] < before[volume_id]["Size"]:
        raise NOT_IN_PLACE.fail(volume_id=volume_id, expected=f"at least {before[volume_id]['Size']} GiB "
                                "(a volume can grow, never shrink)", found=f"{volume['Size']} GiB")


def returned(value, expected, *, what: str, hint: str) -> None:
    """The learner's function returned ``expected``."""
    if value != expected or type(value) is bool:
        raise RETURNED.fail(what=what, expected=expected, found=value, hint=hint)


def rejects_request(function, session, volume_id, iops, throughput) -> None:
    """``function(session, volume_id, iops, throughput)`` raises ValueError and leaves the volume
    as it was (its configuration, and no modification started)."""
    before = volume_config(describe(session, volume_id))
    modifications = len(read_modifications(session, volume_id))
    request = f"{iops:,} IOPS and {throughput:,} MiB/s"
    try:
        function(session, volume_id, iops, throughput)
    except ValueError:
        pass
    except Exception as error:  # noqa: BLE001 -- the learner's error is the answer shown
        found = f"raised {type(error).__name__}: {error}"
        raise NOT_REJECTED.fail(request=request, found=found) from None
    else:
        raise NOT_REJECTED.fail(request=request, found="no error: the request went through")
    after = volume_config(describe(session, volume_id))
    if after != before or len(read_modifications(session, volume_id)) != modifications:
        raise NOT_REJECTED.fail(request=request, found=f"ValueError, but the volume was modified "
                                f"first ({_show(after)})")


def restored_from(session, volume_id, source_id) -> None:
    """``volume_id`` is a new volume created from a snapshot of ``source_id``, in its zone."""
    source = describe(session, source_id)
    volume = describe(session, volume_id)
    snapshot_id = volume.get("SnapshotId") or ""
    snapshot_source = None
    if snapshot_id:
        ec2 = session.client("ec2")
        snapshot_source = ec2.describe_snapshots(SnapshotIds=[snapshot_id])["Snapshots"][0]["VolumeId"]
    zone = source["AvailabilityZone"]
    if volume_id == source_id or snapshot_source != source_id or volume["AvailabilityZone"] != zone:
        found = ("the source volume itself" if volume_id == source_id else
                 f"created from {snapshot_id or 'no snapshot'}"
                 f"{f' of {snapshot_source}' if snapshot_source else ''} in {volume['AvailabilityZone']}")
        raise NOT_FROM_SOURCE.fail(volume_id=volume_id, source_id=source_id, zone=zone, found=found)


def volume_encrypted(session, volume_id, kms_key_id) -> None:
    """The volume is encrypted with ``kms_key_id`` (an id or ARN of the team's key)."""
    volume = describe(session, volume_id)
    key = volume.get("KmsKeyId") or ""
    key_id = kms_key_id.rsplit("/", 1)[-1]
    if not volume.get("Encrypted") or key.rsplit("/", 1)[-1] != key_id:
        raise NOT_ENCRYPTED.fail(volume_id=volume_id, key=kms_key_id, encrypted=volume.get("Encrypted"),
                                 found_key=key or "none",
                                 hint=HINT_WRONG_KEY if volume.get("Encrypted") else HINT_UNENCRYPTED)


def _cents(function):
    def call(volume):
        answer = function(volume)
        number = isinstance(answer, (int, float)) and not isinstance(answer, bool)
        return round(answer, 2) if number else answer
    return call


def cost_agrees(function, volumes) -> None:
    """``function(volume)`` gives the monthly price of :func:`grader.sim.ebs_volumes.monthly_cost`
    to the cent, for every volume."""
    agrees_with_reference(_cents(function), _cents(sim.monthly_cost), [(v,) for v in volumes],
                          name="monthly_cost", describe=lambda case: _show(case[0]), hint=COST_HINT)


def _workload(workload: dict) -> str:
    flags = [k for k in ("boot", "critical") if workload.get(k)]
    return (f"{workload['size_gib']:,} GiB, {workload['iops']:,} IOPS, {workload['throughput']} MiB/s, "
            f"{workload['pattern']}{''.join(', ' + f for f in flags)}")


def recommendations_agree(function, workloads) -> None:
    """For every workload, ``function(workload)`` is a configuration AWS accepts, meets every
    need, and costs what the cheapest one costs (to the cent); or None when none exists."""
    for workload in workloads:
        best, shown = sim.recommend_volume(workload), _workload(workload)
        try:
            answer = function(dict(workload))
        except Exception as error:  # noqa: BLE001 -- the learner's error is the answer shown
            found = f"raised {type(error).__name__}: {error}"
            raise RECOMMEND_SHAPE.fail(workload=shown, found=found) from None
        if answer is None or best is None:
            if answer is not best:
                raise RECOMMEND_NONE.fail(
                    workload=shown, expected=f"a {best['VolumeType']} volume" if best else
                    "None: no single volume can serve it", found=repr(answer))
            continue
        if not isinstance(answer, dict) or not isinstance(answer.get("Size"), int) \
                or answer.get("VolumeType") not in sim.LIMITS:
            raise RECOMMEND_SHAPE.fail(workload=shown, found=f"{answer!r:.120}")
        keys = ("VolumeType", "Size", "Iops", "Throughput")
        config = {k: answer[k] for k in keys if answer.get(k) is not None}
        found = sim.problems(config)
        if found:
            raise RECOMMEND_INVALID.fail(workload=shown, config=_show(config), problems="; ".join(found))
        config = volume_config(config)
        short = sim.shortfalls(workload, config)
        if short:
            raise RECOMMEND_SHORT.fail(workload=shown, config=_show(config), shortfalls="; ".join(short))
        cost, cheapest = sim.monthly_cost(config), sim.monthly_cost(best)
        if round(cost, 2) > round(cheapest, 2):
            raise RECOMMEND_DEARER.fail(workload=shown, config=_show(config), cost=cost, best=cheapest,
                                        best_type=best["VolumeType"])
