"""Learner-facing checks on RDS backups: a production instance's backup and safety settings,
snapshots copied to another Region and restored there, point-in-time restores, recovery choices
compared with ``grader.sim.rds_recovery``, and snapshots that must never be public.

moto stores these settings but enforces almost no limit (retention 40, a 10-minute window, a
restore to 2099 and a public snapshot encrypted with the default key are all accepted): the checks
apply AWS's rules themselves. Notebooks use them as ``from grader.checks import rds as check``.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from grader.checks.base import Message, require_dict
from grader.checks.reference import agrees_with_reference
from grader.sim import rds_recovery as sim
from grader.state import rds as state

ACTION_PITR = "RestoreDBInstanceToPointInTime"

NOT_CREATED = Message(
    "DB instance {identifier} exists in {region}", "an instance named {identifier}",
    "{found}", "{hint}")
WRONG_RETURN = Message(
    "The value your function returned", "{expected}", "{value!r:.90}",
    "Return the value the contract names, taken from the response of the call that created it.")
WRONG_BACKUPS = Message(
    "Automated backups of {identifier}",
    "BackupRetentionPeriod {retention} and PreferredBackupWindow {window}",
    "BackupRetentionPeriod {found_retention} and PreferredBackupWindow {found_window}",
    "Pass the function's arguments to create_db_instance: BackupRetentionPeriod=retention_days, "
    "PreferredBackupWindow=backup_window.")
UNGUARDED = Message(
    "{identifier} is safe for production data",
    "encrypted at rest, not publicly accessible, deletion protection on, tags copied to "
    "snapshots, Multi-AZ", "{problems}",
    "Set StorageEncrypted=True, PubliclyAccessible=False, DeletionProtection=True, "
    "CopyTagsToSnapshot=True and MultiAZ=True when you create it (encryption cannot be added later).")
NOT_REFUSED = Message(
    "create_production_db refuses settings AWS would reject ({case})",
    "ValueError, and no instance created", "{found}",
    "Check retention (1-35) and the window (hh24:mi-hh24:mi, at least 30 minutes, not overlapping "
    "the maintenance window) before any AWS call; grader.sim.rds_recovery has the rules.")
WRONGLY_REFUSED = Message(
    "create_production_db accepts settings AWS allows ({case})", "an instance named {identifier}",
    "{found}", "Only refuse what AWS refuses: 1-35 days, a window of at least 30 minutes that "
    "misses the maintenance window (a window may cross midnight).")
NO_SNAPSHOT = Message(
    "A manual snapshot {snapshot_id} of {source_id} in {region}", "a manual DB snapshot",
    "{found}", "Call create_db_snapshot(DBInstanceIdentifier=..., DBSnapshotIdentifier=...) "
    "in the instance's own Region before copying it.")
NO_COPY = Message(
    "A copy of {snapshot_id} in {region}, encrypted with the key you were given",
    "a manual snapshot of {source_id} in {region} with KmsKeyId {key}", "{found}",
    "Call copy_db_snapshot on a client of the target Region, with the source snapshot's ARN, "
    "SourceRegion and KmsKeyId=kms_key_id: KMS keys never leave their Region.")
NOT_RESTORED = Message(
    "{identifier} restored in {region} from the copied snapshot",
    "an instance encrypted with {key}, deletion protection on", "{found}",
    "Call restore_db_instance_from_db_snapshot on a client of the target Region with the copy's "
    "identifier, and DeletionProtection=True.")
NO_PITR_REQUEST = Message(
    "A point-in-time restore of {source} into {target}", "{expected}", "{found}",
    "Call restore_db_instance_to_point_in_time(SourceDBInstanceIdentifier=..., "
    "TargetDBInstanceIdentifier=..., RestoreTime=restore_time), or UseLatestRestorableTime=True "
    "when restore_time is None.")
SOURCE_GONE = Message(
    "The source instance {source} is untouched", "{source} still exists", "it is gone",
    "A point-in-time restore creates a new instance; never delete or rename the source.")
PITR_NOT_REFUSED = Message(
    "restore_to_time refuses a time outside the restorable window ({case})",
    "ValueError, and no restore requested", "{found}",
    "Read BackupRetentionPeriod, LatestRestorableTime and InstanceCreateTime first: no backups "
    "(retention 0), or a time before the window or after LatestRestorableTime, is a ValueError.")
NOT_SHARED = Message(
    "Account {account} can restore the snapshot you returned ({returned!r:.60})",
    "a manual snapshot encrypted with {key}, with {account} in its restore attribute", "{found}",
    "AWS refuses to share a snapshot encrypted with the default aws/rds key: copy it with "
    "KmsKeyId=kms_key_id, then modify_db_snapshot_attribute(AttributeName='restore', "
    "ValuesToAdd=[account_id]) on the copy.")
PUBLIC = Message(
    "No DB snapshot in {region} is public", "no snapshot whose restore attribute contains 'all'",
    "{found}", "'all' lets every AWS account copy and restore your data: share with the one "
    "account id only, and remove 'all' (ValuesToRemove=['all']).")


def _describe_instance(found: dict | None) -> str:
    if found is None:
        return "no such instance"
    return (f"{found['DBInstanceIdentifier']} (encrypted {found.get('StorageEncrypted')}, "
            f"KmsKeyId {found.get('KmsKeyId')}, DeletionProtection {found.get('DeletionProtection')})")


def _require_instance(session, identifier: str, region: str | None = None, hint: str = "") -> dict:
    found = state.instance(session, identifier, region)
    if found is None:
        names = [i["DBInstanceIdentifier"] for i in state.instances(session, region)]
        raise NOT_CREATED.fail(identifier=identifier, region=region or sim.REGION,
                               found=f"instances: {', '.join(names) or 'none'}",
                               hint=hint or "Create it with create_db_instance and the identifier given.")
    return found


# -- Exercise 1: a production instance ---------------------------------------------------------


def backups_configured(session, identifier: str, retention_days: int, backup_window: str,
                       returned) -> None:
    """The instance exists with this retention and window, and ``returned`` is its ARN."""
    found = _require_instance(session, identifier)
    settings = found.get("BackupRetentionPeriod"), found.get("PreferredBackupWindow")
    if settings != (retention_days, backup_window):
        raise WRONG_BACKUPS.fail(identifier=identifier, retention=retention_days, window=backup_window,
                                 found_retention=found.get("BackupRetentionPeriod"),
                                 found_window=found.get("PreferredBackupWindow"))
    if returned != found["DBInstanceArn"]:
        raise WRONG_RETURN.fail(expected=f"the instance's DBInstanceArn, {found['DBInstanceArn']}",
                                value=returned)


def production_problems(found: dict) -> list[str]:
    """What makes an instance (a describe_db_instances entry) unsafe for production data."""
    problems = []
    if not found.get("StorageEncrypted"):
        problems.append("not encrypted at rest")
    if found.get("PubliclyAccessible") is not False:
        problems.append("publicly accessible" if found.get("PubliclyAccessible") else
                        "PubliclyAccessible not set (AWS then decides from the subnet group: in a "
                        "default VPC with an internet gateway, the instance is public)")
    if not found.get("DeletionProtection"):
        problems.append("deletion protection off")
    if not found.get("CopyTagsToSnapshot"):
        problems.append("tags not copied to snapshots")
    if not found.get("MultiAZ"):
        problems.append("single-AZ")
    return problems


def production_guarded(session, identifier: str) -> None:
    """Encrypted, private, protected from deletion, tags copied to snapshots, Multi-AZ."""
    problems = production_problems(_require_instance(session, identifier))
    if problems:
        raise UNGUARDED.fail(identifier=identifier, problems="; ".join(problems))


def settings_problems(retention_days, backup_window, maintenance_window) -> list[str]:
    """Why AWS would refuse these settings for a production instance (empty: fine)."""
    return (sim.retention_problems(retention_days)
            + sim.backup_window_problems(backup_window, maintenance_window))


def validation_agrees(function, session, cases, *, prefix: str = "db") -> None:
    """Call ``function(session, f"{prefix}-{i}", retention, window, maintenance)`` for each case
    (retention, window, maintenance window): settings AWS refuses must raise ValueError and create
    nothing; others must create the instance. The account is read once, after every call."""
    outcomes = []
    for number, (retention, window, maintenance) in enumerate(cases):
        try:
            function(session, f"{prefix}-{number}", retention, window, maintenance)
            outcome = None
        except Exception as error:  # noqa: BLE001 -- the learner's error is what we report
            outcome = error
        outcomes.append(outcome)
    existing = {i["DBInstanceIdentifier"] for i in state.instances(session)}
    for number, ((retention, window, maintenance), outcome) in enumerate(zip(cases, outcomes, strict=True)):
        identifier = f"{prefix}-{number}"
        case = f"retention {retention!r}, window {window!r}, maintenance {maintenance!r}"
        refused, exists = bool(settings_problems(retention, window, maintenance)), identifier in existing
        raised = f"raised {type(outcome).__name__}: {outcome}" if outcome is not None else None
        if refused and (not isinstance(outcome, ValueError) or exists):
            found = (raised or "no error") + (f"; instance {identifier} created" if exists else "")
            raise NOT_REFUSED.fail(case=case, found=found)
        if not refused and not exists:
            raise WRONGLY_REFUSED.fail(case=case, identifier=identifier, found=raised or "no instance")


# -- Exercise 2: snapshot, copy to another Region, restore there -------------------------------


def _key_matches(session, stored: str | None, expected_arn: str, region: str) -> bool:
    return stored is not None and state.key_arn(session, stored, region) == expected_arn


def snapshot_copied(session, returned, *, source_id: str, snapshot_id: str, target_region: str,
                    kms_key_arn: str) -> None:
    """A manual snapshot ``snapshot_id`` of ``source_id`` in the home Region, a copy of it in
    ``target_region`` encrypted with ``kms_key_arn``; ``returned`` names both ARNs."""
    returned = require_dict(returned, "The value your function returned",
                            "with snapshot_arn, copy_arn and db_instance_arn")
    manual = state.snapshots(session, attributes=False)
    home = [s for s in manual if s["DBSnapshotIdentifier"] == snapshot_id
            and s["DBInstanceIdentifier"] == source_id]
    if not home:
        names = [s["DBSnapshotIdentifier"] for s in manual]
        raise NO_SNAPSHOT.fail(snapshot_id=snapshot_id, source_id=source_id, region=sim.REGION,
                               found=f"manual snapshots: {', '.join(names) or 'none'}")
    if returned.get("snapshot_arn") != home[0]["DBSnapshotArn"]:
        raise WRONG_RETURN.fail(expected=f"snapshot_arn {home[0]['DBSnapshotArn']}",
                                value=returned.get("snapshot_arn"))
    copies = [s for s in state.snapshots(session, target_region, attributes=False)
              if s["DBInstanceIdentifier"] == source_id]
    good = [s for s in copies if _key_matches(session, s.get("KmsKeyId"), kms_key_arn, target_region)]
    if not good:
        found = "; ".join(f"{s['DBSnapshotIdentifier']} (KmsKeyId {s.get('KmsKeyId')})" for s in copies)
        raise NO_COPY.fail(snapshot_id=snapshot_id, source_id=source_id, region=target_region,
                           key=kms_key_arn, found=found or "no snapshot of it there")
    arns = [s["DBSnapshotArn"] for s in good]
    if returned.get("copy_arn") not in arns:
        raise WRONG_RETURN.fail(expected=f"copy_arn {arns[0]}", value=returned.get("copy_arn"))


def restored_in_region(session, returned, *, identifier: str, target_region: str,
                       kms_key_arn: str) -> None:
    """``identifier`` exists in ``target_region``, encrypted with the copy's key (so restored
    from the copy, not from the source), with deletion protection; ``returned`` names its ARN."""
    returned = require_dict(returned, "The value your function returned",
                            "with snapshot_arn, copy_arn and db_instance_arn")
    found = state.instance(session, identifier, target_region)
    if (found is None or not found.get("StorageEncrypted") or not found.get("DeletionProtection")
            or not _key_matches(session, found.get("KmsKeyId"), kms_key_arn, target_region)):
        raise NOT_RESTORED.fail(identifier=identifier, region=target_region, key=kms_key_arn,
                                found=_describe_instance(found))
    if returned.get("db_instance_arn") != found["DBInstanceArn"]:
        raise WRONG_RETURN.fail(expected=f"db_instance_arn {found['DBInstanceArn']}",
                                value=returned.get("db_instance_arn"))


# -- Exercise 3: point-in-time restore ----------------------------------------------------------


def _parse_time(text) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _describe_request(request) -> str:
    keys = ("SourceDBInstanceIdentifier", "TargetDBInstanceIdentifier", "RestoreTime",
            "UseLatestRestorableTime")
    return ", ".join(f"{k}={request.params[k]}" for k in keys if k in request.params)


def point_in_time_restored(session, requests, returned, *, source: str, target: str,
                           restore_time: datetime | None) -> None:
    """One restore of ``source`` into ``target`` was requested, to ``restore_time`` (to the
    second) or, when it is None, to the latest restorable time; ``target`` exists, ``source`` is
    still there, ``returned`` is the new instance's ARN."""
    mine = [r for r in requests if r.action == ACTION_PITR
            and r.params.get("SourceDBInstanceIdentifier") == source
            and r.params.get("TargetDBInstanceIdentifier") == target]
    expected = ("UseLatestRestorableTime=true" if restore_time is None
                else f"RestoreTime={restore_time.isoformat()}")
    found = "; ".join(_describe_request(r) for r in requests if r.action == ACTION_PITR)
    if len(mine) != 1:
        raise NO_PITR_REQUEST.fail(source=source, target=target, expected=f"one request with {expected}",
                                   found=found or "no restore_db_instance_to_point_in_time request")
    params = mine[0].params
    if restore_time is None:
        ok = str(params.get("UseLatestRestorableTime")).lower() == "true" and "RestoreTime" not in params
    else:
        asked = _parse_time(params.get("RestoreTime"))
        ok = asked is not None and abs((asked - restore_time).total_seconds()) < 1
    if not ok:
        raise NO_PITR_REQUEST.fail(source=source, target=target, expected=expected, found=found)
    if state.instance(session, source) is None:
        raise SOURCE_GONE.fail(source=source)
    created = _require_instance(session, target)
    if returned != created["DBInstanceArn"]:
        raise WRONG_RETURN.fail(expected=f"the new instance's DBInstanceArn, {created['DBInstanceArn']}",
                                value=returned)


def restore_refused(function, session, cases) -> None:
    """Each case (source, target, restore_time) is outside what RDS can restore: the function must
    raise ValueError and request no restore."""
    for source, target, restore_time in cases:
        case = f"{source} at {restore_time.isoformat() if restore_time else 'the latest time'}"
        with state.recorded() as requests:
            try:
                function(session, source, target, restore_time)
                outcome = "no error"
            except ValueError:
                outcome = None
            except Exception as error:  # noqa: BLE001 -- the learner's error is what we report
                outcome = f"raised {type(error).__name__}: {error}"
        asked = [r for r in requests if r.action == ACTION_PITR]
        if outcome is not None or asked:
            found = outcome or "ValueError"
            if asked:
                found += f", after requesting a restore ({_describe_request(asked[0])})"
            raise PITR_NOT_REFUSED.fail(case=case, found=found)


# -- Exercise 4: the recovery that meets RPO and RTO --------------------------------------------


def describe_recovery_case(case) -> str:
    """One line for a best_restore case: the incident, RTO, lost Region and what exists."""
    backups, incident, rto, lost = case
    snapshots = ", ".join(f"{s['id']}@{s['region']} {s['created']:%m-%d %H:%M}" for s in backups["snapshots"])
    return (f"incident {incident:%Y-%m-%d %H:%M}, RTO {rto} min, lost Region {lost}; retention "
            f"{backups['retention_days']} d, latest restorable {backups['latest_restorable']:%m-%d %H:%M}, "
            f"restore minutes {backups['restore_minutes']}, snapshots: {snapshots or 'none'}")


def recovery_agrees(function, cases) -> None:
    """``function(backups, incident, rto_minutes, lost_region)`` gives sim.best_restore's answer
    on every case."""
    agrees_with_reference(function, sim.best_restore, cases, name="best_restore",
                          describe=describe_recovery_case,
                          hint="List every candidate (PITR if its Region survives and the incident "
                               "is inside the restorable window; each snapshot taken before the "
                               "incident outside the lost Region), drop those slower than the RTO, "
                               "keep the least data loss.")


# -- Exercise 5: share a snapshot with one account ----------------------------------------------


def shared_with(session, returned, *, account_id: str, kms_key_arn: str,
                region: str = sim.REGION) -> None:
    """``returned`` names a manual snapshot encrypted with ``kms_key_arn`` that ``account_id``
    may restore."""
    snapshot = state.snapshot(session, returned, region)
    if snapshot is None:
        found = "no manual snapshot by that name"
    elif not _key_matches(session, snapshot.get("KmsKeyId"), kms_key_arn, region):
        found = (f"{snapshot['DBSnapshotIdentifier']} encrypted with {snapshot.get('KmsKeyId')}"
                 if snapshot.get("Encrypted") else f"{snapshot['DBSnapshotIdentifier']} unencrypted")
    elif account_id not in snapshot["restore"]:
        found = f"{snapshot['DBSnapshotIdentifier']} restorable by {snapshot['restore'] or 'nobody else'}"
    else:
        return
    raise NOT_SHARED.fail(account=account_id, returned=returned, key=kms_key_arn, found=found)


def nothing_public(session, region: str = sim.REGION) -> None:
    """No manual snapshot in ``region`` has 'all' in its restore attribute."""
    public = [s["DBSnapshotIdentifier"] for s in state.snapshots(session, region) if "all" in s["restore"]]
    if public:
        raise PUBLIC.fail(region=region, found=f"public: {', '.join(public)}")


def recovery_cases(seed: int, count: int, *, disasters: bool) -> list[tuple]:
    """``count`` deterministic cases for best_restore, (backups, incident, rto_minutes,
    lost_region): with ``disasters`` False every Region survives and the RTO is generous, so only
    the restorable window and the snapshots decide; with True some Regions are lost and some RTOs
    are tight."""
    rng = random.Random(seed)
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    regions = (sim.REGION, "us-west-2")
    cases = []
    for _ in range(count):
        snapshots = [{"id": f"{rng.choice(['daily', 'pre-migration', 'weekly', 'copy'])}-{n}",
                      "region": rng.choice(regions),
                      "created": now - timedelta(hours=rng.randint(1, 24 * 40), minutes=rng.choice([0, 30]))}
                     for n in range(rng.randint(0, 3))]
        backups = {"region": sim.REGION, "retention_days": rng.choice([0, 1, 7, 14, 35]),
                   "created": now - timedelta(days=rng.randint(2, 60)),
                   "latest_restorable": now - timedelta(minutes=rng.randint(1, 10)),
                   "restore_minutes": {"pitr": rng.choice([20, 45, 90]),
                                       "snapshot": rng.choice([15, 30, 60])},
                   "snapshots": snapshots}
        incident = now - timedelta(minutes=rng.choice([0, 3, rng.randint(10, 60 * 24 * 40)]))
        rto = rng.choice([20, 30, 60, 120]) if disasters else 10_000
        lost = rng.choice([None, sim.REGION, "us-west-2"]) if disasters else None
        cases.append((backups, incident, rto, lost))
    return cases
