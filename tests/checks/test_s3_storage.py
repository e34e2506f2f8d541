"""The topic-02 checks of grader/checks/s3.py (storage classes, lifecycle, cost tables, reading
archives, a bucket shared with one reader) pass on right answers and fail with pinned messages.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from grader.checks import s3 as checks
from grader.sim import s3_lifecycle as sim

from .failures import failure

READER = "arn:aws:iam::210987654321:role/auditor"
ALL_FOUR = dict.fromkeys(checks.PUBLIC_ACCESS_SETTINGS, True)


@pytest.fixture
def s3(session):
    client = session.client("s3")
    client.create_bucket(Bucket="bucket-a")
    return client


def file(key, kb=200, reads=0, wait=0, recreatable=False, predictable=True):
    return {"key": key, "body": b"x" * (kb * 1024), "reads_per_year": reads, "max_wait_hours": wait,
            "recreatable": recreatable, "predictable": predictable}


# -- classes_fit --------------------------------------------------------------------------------

def test_classes_fit_passes_when_every_file_is_where_the_rule_puts_it(session, s3):
    files = [file("a", reads=6), file("b", wait=48), file("c", kb=4, wait=48)]
    for f in files:
        s3.put_object(Bucket="bucket-a", Key=f["key"], Body=f["body"],
                      StorageClass=sim.class_for({**f, "size": len(f["body"])}))
    checks.classes_fit(session, "bucket-a", files)


def test_classes_fit_names_the_file_its_facts_and_a_nudge(session, s3):
    s3.put_object(Bucket="bucket-a", Key="copy.pdf", Body=b"x" * 200 * 1024, StorageClass="STANDARD_IA")
    message = failure(checks.classes_fit, session, "bucket-a", [file("copy.pdf", reads=6, recreatable=True)])
    assert message["what"] == ("Storage class of copy.pdf in bucket bucket-a (200 KB, 6 reads a year, "
                               "wait up to 0 h, re-creatable, known pattern)")
    assert (message["expected"], message["found"]) == ("ONEZONE_IA", "STANDARD_IA")
    assert message["next"] == checks.CLASS_HINTS["ONEZONE_IA"]


def test_classes_fit_reports_a_missing_object(session, s3):
    message = failure(checks.classes_fit, session, "bucket-a", [file("gone.bin")])
    assert message["found"] == "no such object"
    assert message["next"].startswith("Put every file of the list")


# -- lifecycle ------------------------------------------------------------------------------------

def put_rules(s3, *rules):
    s3.put_bucket_lifecycle_configuration(Bucket="bucket-a", LifecycleConfiguration={"Rules": list(rules)})


def test_lifecycle_accepted_returns_the_rules_aws_would_accept(session, s3):
    put_rules(s3, sim.log_rule("logs/", 7, 40, 200))
    assert checks.lifecycle_accepted(session, "bucket-a") == [sim.log_rule("logs/", 7, 40, 200)]


def test_lifecycle_accepted_fails_without_a_configuration(session, s3):
    message = failure(checks.lifecycle_accepted, session, "bucket-a")
    assert (message["expected"], message["found"]) == ("at least one rule", "no lifecycle configuration")


def test_lifecycle_accepted_names_what_aws_would_reject(session, s3):
    put_rules(s3, {"ID": "eager", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
                   "Transitions": [{"Days": 7, "StorageClass": "STANDARD_IA"}]})
    message = failure(checks.lifecycle_accepted, session, "bucket-a")
    assert message["what"] == ("Lifecycle configuration of bucket bucket-a, against AWS's rules "
                               "(moto accepts anything)")
    assert message["found"] == "rule eager: Days for STANDARD_IA must be at least 30, not 7"


def test_aborts_uploads_passes_and_fails_by_prefix_and_days():
    rules = [sim.log_rule("logs/", 30, 90, 400, abort_days=10)]
    checks.aborts_uploads(rules, "bucket-a", "logs/", days=10)
    message = failure(checks.aborts_uploads, rules, "bucket-a", "logs/", days=7)
    assert message["found"] == "after 10 days"
    message = failure(checks.aborts_uploads, rules, "bucket-a", "web/", days=7)
    assert message["found"] == "no rule with AbortIncompleteMultipartUpload for that prefix"
    assert "DaysAfterInitiation': 7" in message["next"]


def test_lifecycle_matches_names_the_first_day_and_the_likely_cause():
    reference = [sim.log_rule("logs/", 30, 90, 400)]
    checks.lifecycle_matches(reference, reference, "bucket-a", ["logs/a", "web/a"], 410)
    too_early = [sim.log_rule("logs/", 30, 60, 400)]
    message = failure(checks.lifecycle_matches, too_early, reference, "bucket-a", ["logs/a"], 410)
    assert message["what"] == "Class of an object 'logs/a' in bucket bucket-a on day 60, following your rules"
    assert (message["expected"], message["found"]) == ("STANDARD_IA", "GLACIER")
    assert message["next"] == checks.LIFECYCLE_HINTS["timing"]
    everything = [{**reference[0], "Filter": {}}]
    message = failure(checks.lifecycle_matches, everything, reference, "bucket-a", ["logs/a", "web/a"], 410)
    assert message["next"] == checks.LIFECYCLE_HINTS["filter"]
    assert message["found"] == "STANDARD_IA"


# -- cost_table_agrees --------------------------------------------------------------------------------

def reference_table(rule, gb, objects):
    return pd.DataFrame(sim.monthly_cost(rule, gb, objects)).set_index("month")


HASTY = {"Transitions": [{"Days": 0, "StorageClass": "GLACIER_IR"}], "Expiration": {"Days": 40}}


def test_cost_table_agrees_with_the_reference_itself():
    checks.cost_table_agrees(reference_table, [(sim.log_rule("l/", 30, 90, 400), 100, 1000), (HASTY, 5, 5)])


def test_cost_table_agrees_names_month_column_and_hint():
    def no_early(rule, gb, objects):
        table = reference_table(rule, gb, objects)
        return table.assign(early_deletion=0.0, total=table.storage + table.transitions)

    message = failure(checks.cost_table_agrees, no_early, [(HASTY, 30, 10)])
    assert message["what"] == ("no_early(rule, gb=30, objects=10), month 2, column 'early_deletion'; "
                               "the rule: GLACIER_IR on day 0, expire on day 40")
    assert (message["expected"], message["found"]) == ("$0.2000", "$0.0000")
    assert message["next"] == checks.COST_HINTS["early_deletion"]


@pytest.mark.parametrize(("answer", "found"), [
    pytest.param(lambda r, g, o: None, "ValueError: NoneType, not a DataFrame", id="none"),
    pytest.param(lambda r, g, o: pd.DataFrame({"storage": [0.0] * 12}),
                 "ValueError: columns ['storage']; missing ['transitions', 'early_deletion', 'total']",
                 id="columns"),
    pytest.param(lambda r, g, o: reference_table(r, g, o).head(3), "ValueError: 3 rows, not 12", id="rows"),
])
def test_cost_table_agrees_explains_a_wrong_shape(answer, found):
    assert failure(checks.cost_table_agrees, answer, [(HASTY, 1, 1)])["found"] == found


# -- reads_archived -------------------------------------------------------------------------------

def right(session, bucket, key, days, tier):
    s3 = session.client("s3")
    head = s3.head_object(Bucket=bucket, Key=key)
    cls = head.get("StorageClass", "STANDARD")
    if cls in sim.ARCHIVE_CLASSES:
        if "Restore" not in head:
            s3.restore_object(Bucket=bucket, Key=key, RestoreRequest={
                "Days": days, "GlacierJobParameters": {"Tier": sim.restore_tier(cls, tier)}})
            return None
        if 'ongoing-request="true"' in head["Restore"]:
            return None
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


@pytest.mark.parametrize(("cls", "state"), [("STANDARD", None), ("GLACIER_IR", None), ("GLACIER", None),
                                            ("DEEP_ARCHIVE", None), ("GLACIER", "in-progress"),
                                            ("DEEP_ARCHIVE", "done")])
def test_reads_archived_passes_a_right_answer(session, s3, cls, state):
    checks.reads_archived(right, session, "bucket-a", "k", b"data", cls, 2, "Expedited", state)


def test_reads_archived_reports_a_get_on_an_archive_as_raised(session, s3):
    def get_only(session, bucket, key, days, tier):
        return session.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()

    message = failure(checks.reads_archived, get_only, session, "bucket-a", "k", b"d", "GLACIER", 2, "Bulk")
    assert message["what"] == "get_only(session, 'bucket-a', 'k', days=2, tier='Bulk') on a GLACIER object"
    assert message["expected"] == "returned None, sent restore(Days=2, Tier=Bulk)"
    assert message["found"].startswith("raised InvalidObjectState: ")
    assert message["found"].endswith(", sent no restore request")
    assert message["next"] == checks.RESTORE_HINTS["request"]


def test_reads_archived_catches_a_second_request_and_the_expedited_deep_archive(session, s3):
    def always_restore(session, bucket, key, days, tier):
        session.client("s3").restore_object(Bucket=bucket, Key=key, RestoreRequest={
            "Days": days, "GlacierJobParameters": {"Tier": tier}})

    message = failure(checks.reads_archived, always_restore, session, "bucket-a", "k", b"d", "GLACIER", 3,
                      "Bulk", "in-progress")
    assert message["what"].endswith("on a GLACIER object whose restore is still running")
    assert (message["expected"], message["found"]) == (
        "returned None, sent no restore request", "returned None, sent restore(Days=3, Tier=Bulk)")
    message = failure(checks.reads_archived, always_restore, session, "bucket-a", "d", b"d", "DEEP_ARCHIVE",
                      3, "Expedited")
    assert message["expected"] == "returned None, sent restore(Days=3, Tier=Standard)"
    assert message["next"] == checks.RESTORE_HINTS["tier"]


# -- a bucket shared with one reader ---------------------------------------------------------------

def share(s3, principal, resource="reports/*", acl=None, block=ALL_FOUR):
    s3.put_public_access_block(Bucket="bucket-a", PublicAccessBlockConfiguration=block)
    if acl:
        s3.put_bucket_acl(Bucket="bucket-a", ACL=acl)
    s3.put_bucket_policy(Bucket="bucket-a", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": principal, "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::bucket-a/{resource}"}]}))


def test_a_private_bucket_shared_with_the_reader_passes(session, s3):
    share(s3, {"AWS": READER})
    s3.put_bucket_versioning(Bucket="bucket-a", VersioningConfiguration={"Status": "Enabled"})
    checks.reader_access(session, "bucket-a", READER, "reports/", "payroll/x.csv")
    checks.versioning_enabled(session, "bucket-a")
    checks.not_public(session, "bucket-a")


def test_versioning_enabled_fails_on_a_new_bucket(session, s3):
    message = failure(checks.versioning_enabled, session, "bucket-a")
    assert (message["expected"], message["found"]) == ("Enabled", "never enabled")


def test_reader_access_fails_without_a_policy_and_on_the_whole_bucket(session, s3):
    message = failure(checks.reader_access, session, "bucket-a", READER, "reports/", "payroll/x.csv")
    assert message["what"] == (f"Can {READER} read arn:aws:s3:::bucket-a/reports/2026/report.pdf "
                               "through the bucket policy of bucket-a?")
    assert (message["expected"], message["found"]) == ("yes", "no")
    share(s3, {"AWS": READER}, resource="*")
    message = failure(checks.reader_access, session, "bucket-a", READER, "reports/", "payroll/x.csv")
    assert message["what"].startswith(f"Can {READER} read arn:aws:s3:::bucket-a/payroll/x.csv")
    assert message["next"] == "Scope the statement's Resource to the prefix, not the whole bucket."


def test_not_public_catches_a_policy_for_everyone(session, s3):
    share(s3, "*")
    message = failure(checks.not_public, session, "bucket-a")
    assert message["what"] == "Anyone on the internet can read bucket bucket-a"
    assert message["found"] == ("the bucket policy allows s3:GetObject on "
                                "arn:aws:s3:::bucket-a/reports/probe to an anonymous caller (Principal '*')")


def test_not_public_catches_a_public_acl_and_block_public_access_off(session, s3):
    share(s3, {"AWS": READER}, acl="public-read")
    assert failure(checks.not_public, session, "bucket-a")["found"] == "the ACL grants READ to AllUsers"
    share(s3, {"AWS": READER}, block={**ALL_FOUR, "RestrictPublicBuckets": False})
    assert failure(checks.not_public, session, "bucket-a")["found"] == "RestrictPublicBuckets off"
