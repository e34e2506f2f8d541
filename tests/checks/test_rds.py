"""The RDS checks of topic 07: production settings, snapshot copies across Regions, point-in-time
restore requests, recovery choices and public snapshots; every learner message pinned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from grader.checks import rds as checks
from grader.scenarios.rds import customer_key, database, snapshot
from grader.sim import rds_recovery as sim
from grader.state import rds as state

from .failures import failure

MAINTENANCE = "sun:05:00-sun:06:00"


def create(session, identifier, retention, window, maintenance=MAINTENANCE, **extra):
    settings = (
        dict(
            StorageEncrypted=True,
            PubliclyAccessible=False,
            DeletionProtection=True,
            CopyTagsToSnapshot=True,
            MultiAZ=True,
        )
        | extra
    )
    return session.client("rds").create_db_instance(
        DBInstanceIdentifier=identifier,
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="app",
        MasterUserPassword="not-a-real-password-7",
        BackupRetentionPeriod=retention,
        PreferredBackupWindow=window,
        PreferredMaintenanceWindow=maintenance,
        **settings,
    )["DBInstance"]["DBInstanceArn"]


def validating(session, identifier, retention, window, maintenance):
    if checks.settings_problems(retention, window, maintenance):
        raise ValueError("refused")
    return create(session, identifier, retention, window, maintenance)


def test_backups_configured_passes_and_pins_its_messages(session):
    arn = create(session, "orders", 14, "03:00-03:30")
    checks.backups_configured(session, "orders", 14, "03:00-03:30", arn)
    found = failure(checks.backups_configured, session, "orders", 7, "03:00-03:30", arn)
    assert found["found"] == "BackupRetentionPeriod 14 and PreferredBackupWindow 03:00-03:30"
    assert "BackupRetentionPeriod=retention_days" in found["next"]
    assert failure(checks.backups_configured, session, "orders", 14, "03:00-03:30", None)["found"] == "None"
    missing = failure(checks.backups_configured, session, "ledger", 14, "03:00-03:30", arn)
    assert (
        missing["what"] == "DB instance ledger exists in us-east-1"
        and missing["found"] == "instances: orders"
    )


def test_production_guarded_lists_every_problem_of_an_api_default_instance(session):
    create(session, "safe", 7, "03:00-03:30")
    checks.production_guarded(session, "safe")
    session.client("rds").create_db_instance(
        DBInstanceIdentifier="quick",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="app",
        MasterUserPassword="not-a-real-password-7",
    )
    found = failure(checks.production_guarded, session, "quick")
    assert found["found"].startswith("not encrypted at rest; PubliclyAccessible not set")
    assert found["found"].endswith("deletion protection off; tags not copied to snapshots; single-AZ")


def test_production_problems_names_an_explicitly_public_instance():
    entry = {
        "StorageEncrypted": True,
        "PubliclyAccessible": True,
        "DeletionProtection": True,
        "CopyTagsToSnapshot": True,
        "MultiAZ": True,
    }
    assert checks.production_problems(entry) == ["publicly accessible"]


CASES = [(14, "03:00-03:30", MAINTENANCE), (36, "03:00-03:30", MAINTENANCE), (7, "05:30-06:00", MAINTENANCE)]


def test_validation_agrees_accepts_a_function_that_refuses_exactly_what_aws_refuses(session):
    checks.validation_agrees(validating, session, CASES)
    assert {i["DBInstanceIdentifier"] for i in state.instances(session)} == {"db-0"}


def test_validation_agrees_fails_when_a_bad_setting_reaches_aws(session):
    found = failure(checks.validation_agrees, session=session, function=create, cases=CASES)
    assert "retention 36" in found["what"] and found["found"] == "no error; instance db-1 created"


def test_validation_agrees_fails_when_a_valid_setting_is_refused(session):
    def refuse_all(*args):
        raise ValueError("no")

    found = failure(checks.validation_agrees, refuse_all, session, CASES[:1])
    assert found["what"].startswith("create_production_db accepts settings AWS allows")
    assert found["found"] == "raised ValueError: no"


@pytest.fixture
def west(session):
    database(session, "orders")
    return customer_key(session, "us-west-2")


def migrate(session, key, *, copy_key=True, restore_region="us-west-2"):
    home, away = session.client("rds"), session.client("rds", region_name="us-west-2")
    snap = home.create_db_snapshot(DBInstanceIdentifier="orders", DBSnapshotIdentifier="pre")["DBSnapshot"]
    copy = away.copy_db_snapshot(
        SourceDBSnapshotIdentifier=snap["DBSnapshotArn"],
        TargetDBSnapshotIdentifier="pre",
        SourceRegion="us-east-1",
        **({"KmsKeyId": key} if copy_key else {}),
    )["DBSnapshot"]
    restorer = session.client("rds", region_name=restore_region)
    restored = restorer.restore_db_instance_from_db_snapshot(
        DBInstanceIdentifier="orders-dr", DBSnapshotIdentifier="pre", DeletionProtection=True
    )["DBInstance"]
    return {
        "snapshot_arn": snap["DBSnapshotArn"],
        "copy_arn": copy["DBSnapshotArn"],
        "db_instance_arn": restored["DBInstanceArn"],
    }


def test_snapshot_copied_and_restored_pass_on_the_full_path(session, west):
    result = migrate(session, west)
    checks.snapshot_copied(
        session, result, source_id="orders", snapshot_id="pre", target_region="us-west-2", kms_key_arn=west
    )
    checks.restored_in_region(
        session, result, identifier="orders-dr", target_region="us-west-2", kms_key_arn=west
    )


def test_a_copy_without_the_target_key_fails_both_checks(session, west):
    result = migrate(session, west, copy_key=False)
    found = failure(
        checks.snapshot_copied,
        session,
        result,
        source_id="orders",
        snapshot_id="pre",
        target_region="us-west-2",
        kms_key_arn=west,
    )
    assert found["found"] == "pre (KmsKeyId default_kms_key_id)" and "KmsKeyId=kms_key_id" in found["next"]
    found = failure(
        checks.restored_in_region,
        session,
        result,
        identifier="orders-dr",
        target_region="us-west-2",
        kms_key_arn=west,
    )
    assert found["found"].startswith("orders-dr (encrypted True, KmsKeyId default_kms_key_id")


def test_snapshot_copied_fails_without_a_snapshot_and_on_a_wrong_return(session, west):
    found = failure(
        checks.snapshot_copied,
        session,
        {},
        source_id="orders",
        snapshot_id="pre",
        target_region="us-west-2",
        kms_key_arn=west,
    )
    assert found["found"] == "manual snapshots: none"
    result = migrate(session, west)
    found = failure(
        checks.snapshot_copied,
        session,
        {**result, "copy_arn": "pre"},
        source_id="orders",
        snapshot_id="pre",
        target_region="us-west-2",
        kms_key_arn=west,
    )
    assert found["what"] == "The value your function returned" and found["found"] == "'pre'"
    assert (
        failure(
            checks.snapshot_copied,
            session,
            None,
            source_id="orders",
            snapshot_id="pre",
            target_region="us-west-2",
            kms_key_arn=west,
        )["found"]
        == "None (a NoneType)"
    )


def test_restored_in_region_fails_when_restored_at_home(session, west):
    result = migrate(session, west, restore_region="us-east-1")
    found = failure(
        checks.restored_in_region,
        session,
        result,
        identifier="orders-dr",
        target_region="us-west-2",
        kms_key_arn=west,
    )
    assert found["found"] == "no such instance"


def restore(session, source, target, when=None, *, validate=True):
    rds = session.client("rds")
    if validate:
        entry = rds.describe_db_instances(DBInstanceIdentifier=source)["DBInstances"][0]
        window = sim.restore_window(
            entry["LatestRestorableTime"], entry["BackupRetentionPeriod"], entry["InstanceCreateTime"]
        )
        if window is None or (when is not None and not window[0] <= when <= window[1]):
            raise ValueError("outside")
    asked = {"RestoreTime": when} if when else {"UseLatestRestorableTime": True}
    return rds.restore_db_instance_to_point_in_time(
        SourceDBInstanceIdentifier=source, TargetDBInstanceIdentifier=target, **asked
    )["DBInstance"]["DBInstanceArn"]


def test_point_in_time_restored_reads_the_recorded_request(session):
    database(session, "orders")
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    with state.recorded() as requests:
        arn = restore(session, "orders", "orders-fix", when)
    assert [r.action for r in requests] == ["DescribeDBInstances", "RestoreDBInstanceToPointInTime"]
    checks.point_in_time_restored(
        session, requests, arn, source="orders", target="orders-fix", restore_time=when
    )
    found = failure(
        checks.point_in_time_restored,
        session,
        requests,
        arn,
        source="orders",
        target="orders-fix",
        restore_time=when - timedelta(hours=1),
    )
    assert found["expected"].startswith("RestoreTime=") and "RestoreTime=" in found["found"]
    found = failure(
        checks.point_in_time_restored,
        session,
        requests,
        arn,
        source="orders",
        target="orders-fix",
        restore_time=None,
    )
    assert found["expected"] == "UseLatestRestorableTime=true"
    found = failure(
        checks.point_in_time_restored,
        session,
        [],
        arn,
        source="orders",
        target="orders-fix",
        restore_time=when,
    )
    assert found["found"] == "no restore_db_instance_to_point_in_time request"


def test_restore_refused_passes_on_value_errors_and_fails_on_a_request(session):
    database(session, "orders", retention_days=7)
    database(session, "scratch", retention_days=0)
    now = datetime.now(UTC)
    cases = [("orders", "old", now - timedelta(days=8)), ("scratch", "none", None)]
    checks.restore_refused(restore, session, cases)
    found = failure(checks.restore_refused, lambda *a: restore(*a, validate=False), session, cases)
    assert found["found"].startswith(
        "no error, after requesting a restore (SourceDBInstanceIdentifier=orders"
    )


def test_recovery_agrees_with_the_reference_and_names_the_first_miss():
    cases = checks.recovery_cases(3, 40, disasters=True)
    assert cases == checks.recovery_cases(3, 40, disasters=True)
    checks.recovery_agrees(sim.best_restore, cases)
    found = failure(checks.recovery_agrees, lambda *case: None, cases)
    assert found["what"].startswith("best_restore agrees with the course's reference on ")
    assert "lost Region" in found["what"]


def test_recovery_cases_without_disasters_keep_every_region_and_a_generous_rto():
    assert {(rto, lost) for _, _, rto, lost in checks.recovery_cases(5, 50, disasters=False)} == {
        (10_000, None)
    }


@pytest.fixture
def shared_key(session):
    database(session, "orders")
    snapshot(session, "orders", "pre")
    return customer_key(session, "us-east-1", share_with="210987654321")


def test_shared_with_and_nothing_public_pass_on_a_private_share(session, shared_key):
    rds = session.client("rds")
    rds.copy_db_snapshot(
        SourceDBSnapshotIdentifier="pre", TargetDBSnapshotIdentifier="pre-shared", KmsKeyId=shared_key
    )
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="pre-shared", AttributeName="restore", ValuesToAdd=["210987654321"]
    )
    checks.shared_with(session, "pre-shared", account_id="210987654321", kms_key_arn=shared_key)
    checks.nothing_public(session)


def test_sharing_the_default_key_snapshot_fails_with_the_reason(session, shared_key):
    session.client("rds").modify_db_snapshot_attribute(
        DBSnapshotIdentifier="pre", AttributeName="restore", ValuesToAdd=["210987654321", "all"]
    )
    found = failure(checks.shared_with, session, "pre", account_id="210987654321", kms_key_arn=shared_key)
    assert found["found"] == "pre encrypted with default_kms_key_id"
    assert "default aws/rds key" in found["next"]
    assert failure(checks.nothing_public, session)["found"] == "public: pre"
    assert failure(checks.shared_with, session, "nope", account_id="1", kms_key_arn=shared_key)["found"] == (
        "no manual snapshot by that name"
    )


def test_database_scenario_backdates_the_instance(session):
    database(session, "old", age_days=30)
    entry = state.instance(session, "old")
    assert entry["LatestRestorableTime"] - entry["InstanceCreateTime"] > timedelta(days=29)
    assert state.instance(session, "missing") is None
    assert state.key_arn(session, None, "us-east-1") is None
