"""grader/state/s3.py reads lifecycle rules and classes, holds a restore in progress and
records the restore requests (with the tier moto drops)."""

from __future__ import annotations

from grader.state import s3 as state


def test_lifecycle_rules_and_object_classes(session):
    s3 = session.client("s3")
    s3.create_bucket(Bucket="bkt")
    assert state.lifecycle_rules(session, "bkt") == [] and state.object_classes(session, "bkt") == {}
    s3.put_object(Bucket="bkt", Key="a", Body=b"1")
    s3.put_object(Bucket="bkt", Key="g", Body=b"2", StorageClass="GLACIER")
    rule = {"ID": "r", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 1}}
    s3.put_bucket_lifecycle_configuration(Bucket="bkt", LifecycleConfiguration={"Rules": [rule]})
    assert state.lifecycle_rules(session, "bkt") == [rule]
    assert state.object_classes(session, "bkt") == {"a": "STANDARD", "g": "GLACIER"}


def test_put_archived_holds_a_restore_until_released(session):
    s3 = session.client("s3")
    s3.create_bucket(Bucket="bkt")
    try:
        state.put_archived(session, "bkt", "k", b"x", "DEEP_ARCHIVE", "in-progress")
        assert s3.head_object(Bucket="bkt", Key="k")["Restore"] == 'ongoing-request="true"'
    finally:
        state.release_restores()
    state.put_archived(session, "bkt", "d", b"y", "GLACIER", "done")
    assert s3.head_object(Bucket="bkt", Key="d")["Restore"].startswith('ongoing-request="false"')
    assert s3.get_object(Bucket="bkt", Key="d")["Body"].read() == b"y"


def test_restore_requests_records_days_and_tier(session):
    s3 = session.client("s3")
    s3.create_bucket(Bucket="bkt")
    state.put_archived(session, "bkt", "k", b"x", "GLACIER")
    with state.restore_requests() as sent:
        s3.restore_object(Bucket="bkt", Key="k",
                          RestoreRequest={"Days": 4, "GlacierJobParameters": {"Tier": "Bulk"}})
        s3.head_object(Bucket="bkt", Key="k")
    s3.restore_object(Bucket="bkt", Key="k", RestoreRequest={"Days": 1})
    assert sent == [{"bucket": "bkt", "key": "k", "days": 4, "tier": "Bulk"}]
