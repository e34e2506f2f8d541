"""Learner-facing checks on S3 buckets: a bucket exists, carries a tag, its name was returned,
it blocks public access.

Each check returns None when the requirement holds and raises ``CheckFailed`` otherwise,
naming the learner's real buckets. Notebooks use them as ``from grader.checks import s3 as check``.
"""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

from grader.checks.base import Message
from grader.sim import iam
from grader.sim.s3_lifecycle import (
    ARCHIVE_CLASSES,
    COST_COLUMNS,
    applies_to,
    class_for,
    class_on_day,
    monthly_cost,
    restore_tier,
    validate,
)
from grader.state.s3 import (
    ACCOUNT,
    lifecycle_rules,
    object_classes,
    put_archived,
    release_restores,
    restore_requests,
)

_MISSING_BUCKET = ("404", "NoSuchBucket")

BUCKET_MISSING = Message(
    "Bucket {name} exists", "a bucket named {name!r} in this mock AWS account", "{found}",
    "Create the bucket from the name argument your function received, not a fixed name.")
NAME_NOT_RETURNED = Message(
    "The value your function returned", "the bucket's name, {name!r}", "{value!r} (a {type})",
    "End your function with `return name`: a function without return gives None.")
TAG_MISSING = Message(
    "Tag {key!r} of bucket {name}", "{key}={value}", "{found}", "{hint}")
TAG_MISSING_HINTS = {
    "none": "Tag the bucket after creating it with put_bucket_tagging; its TagSet is a list of "
            "{{'Key': ..., 'Value': ...}} dicts.",
    "case": "Tag keys are case-sensitive: {near!r} is another key than {key!r}.",
    "other": "Add a tag with the key {key!r}: put_bucket_tagging replaces the whole TagSet, so "
             "send every tag in one call.",
}
TAG_VALUE = Message(
    "Tag {key!r} of bucket {name}", "{key}={value}", "{key}={found}",
    "Take the tag's value from your function's argument, not from a fixed string.")


def bucket_exists(session, name: str) -> None:
    """A bucket called ``name`` exists in the mock account."""
    s3 = session.client("s3")
    try:
        s3.head_bucket(Bucket=name)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code not in _MISSING_BUCKET:
            raise
        names = [bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])]
        found = (f"no bucket of that name; the account has {', '.join(names)}" if names
                 else "no buckets at all")
        failure = BUCKET_MISSING.fail(name=name, found=found)
        failure.aws_code = code
        raise failure from None


def returned_name(value, name: str) -> None:
    """A learner's function returned ``name``, the bucket it was asked to create."""
    if value != name:
        raise NAME_NOT_RETURNED.fail(name=name, value=value, type=type(value).__name__)


def bucket_tags(session, name: str) -> dict[str, str]:
    """The bucket's tags as a dict (empty when it has none), after checking that it exists."""
    bucket_exists(session, name)
    try:
        tag_set = session.client("s3").get_bucket_tagging(Bucket=name)["TagSet"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchTagSet":
            raise
        return {}
    return {tag["Key"]: tag["Value"] for tag in tag_set}


def bucket_tagged(session, name: str, key: str, value: str) -> None:
    """The bucket exists and carries the tag ``key`` (case-sensitive) with ``value``."""
    tags = bucket_tags(session, name)
    if key not in tags:
        near = next((k for k in tags if k.lower() == key.lower()), None)
        kind = "none" if not tags else "case" if near else "other"
        found = ", ".join(f"{k}={v}" for k, v in tags.items()) or "no tags"
        hint = TAG_MISSING_HINTS[kind].format(key=key, near=near)
        raise TAG_MISSING.fail(name=name, key=key, value=value, found=found, hint=hint)
    if tags[key] != value:
        raise TAG_VALUE.fail(name=name, key=key, value=value, found=tags[key])


PUBLIC_ACCESS = Message(
    "Block Public Access of bucket {name}", "all four settings on: {settings}", "{found}",
    "Call put_public_access_block with PublicAccessBlockConfiguration setting all four to True.")
PUBLIC_ACCESS_SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                          "RestrictPublicBuckets")


def public_access_blocked(session, name: str) -> None:
    """The bucket exists and its own Block Public Access configuration turns on all four
    settings (the account-level configuration is not considered)."""
    bucket_exists(session, name)
    try:
        config = session.client("s3").get_public_access_block(Bucket=name)[
            "PublicAccessBlockConfiguration"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchPublicAccessBlockConfiguration":
            raise
        config = {}
    off = [setting for setting in PUBLIC_ACCESS_SETTINGS if not config.get(setting)]
    if off:
        found = ("no Block Public Access configuration" if not config
                 else f"{', '.join(off)} off")
        raise PUBLIC_ACCESS.fail(name=name, settings=", ".join(PUBLIC_ACCESS_SETTINGS),
                                 found=found)


# -- storage classes (topic 02) -----------------------------------------------------------------

CLASS_MISPLACED = Message(
    "Storage class of {key} in bucket {name} ({facts})", "{expected}", "{found}", "{hint}")
CLASS_HINTS = {
    "missing": "Put every file of the list, with put_object(Bucket=..., Key=..., Body=..., "
               "StorageClass=...).",
    "STANDARD": "Check the size first: an object under 128 KB stays in STANDARD (the IA classes "
                "bill 128 KB per object), then how often it is read.",
    "INTELLIGENT_TIERING": "An unknown access pattern is what Intelligent-Tiering is for.",
    "STANDARD_IA": "Read now and then, needed at once, and not re-creatable: Standard-IA keeps "
                   "copies in several Availability Zones.",
    "ONEZONE_IA": "A copy you can re-create does not need several Availability Zones: One "
                  "Zone-IA is cheaper.",
    "GLACIER_IR": "Read less than four times a year but needed at once: Glacier Instant Retrieval.",
    "GLACIER": "A reader who can wait minutes or a few hours: Glacier Flexible Retrieval.",
    "DEEP_ARCHIVE": "A reader who can wait 12 hours or more: Deep Archive is the cheapest.",
}


def classes_fit(session, name: str, files: list[dict]) -> None:
    """Every file of ``files`` (``key``, ``body`` and the access facts of
    ``grader.sim.s3_lifecycle.class_for``) is in bucket ``name``, in the class that fits it."""

    bucket_exists(session, name)
    stored = object_classes(session, name)
    for file in files:
        access = {**file, "size": len(file["body"])}
        expected, found = class_for(access), stored.get(file["key"])
        if found != expected:
            facts = (f"{access['size'] // 1024} KB, {file['reads_per_year']} reads a year, "
                     f"wait up to {file['max_wait_hours']} h, "
                     f"{'re-creatable' if file['recreatable'] else 'not re-creatable'}, "
                     f"{'known' if file['predictable'] else 'unknown'} pattern")
            hint = CLASS_HINTS["missing" if found is None else expected]
            raise CLASS_MISPLACED.fail(key=file["key"], name=name, facts=facts, expected=expected,
                                       found=found or "no such object", hint=hint)


LIFECYCLE_MISSING = Message(
    "Lifecycle configuration of bucket {name}", "at least one rule", "no lifecycle configuration",
    "Call put_bucket_lifecycle_configuration(Bucket=..., LifecycleConfiguration={{'Rules': [...]}}).")
LIFECYCLE_REJECTED = Message(
    "Lifecycle configuration of bucket {name}, against AWS's rules (moto accepts anything)",
    "a configuration AWS would accept", "{problem}",
    "Standard-IA and One Zone-IA need Days >= 30, the next transition comes 30 days later, and "
    "the expiration after the last transition.")
ABORT_MISSING = Message(
    "Incomplete multipart uploads under {prefix!r} in bucket {name}",
    "an enabled rule that aborts them within {days} days", "{found}",
    "Add AbortIncompleteMultipartUpload={{'DaysAfterInitiation': {days}}} to the rule: parts of "
    "abandoned uploads are billed until they are removed.")
LIFECYCLE_DIFFERS = Message(
    "Class of an object {key!r} in bucket {name} on day {day}, following your rules",
    "{expected}", "{found}", "{hint}")

LIFECYCLE_HINTS = {
    "filter": "A rule acts only on the objects its Filter selects: check the prefix.",
    "timing": "Move each class as late as the access pattern allows and as early as AWS's "
              "minimums let you: Standard-IA from day 30, then 30 days there before the next class.",
}


def lifecycle_accepted(session, name: str) -> list[dict]:
    """The bucket has a lifecycle configuration that AWS would accept; returns its rules."""

    bucket_exists(session, name)
    rules = lifecycle_rules(session, name)
    if not rules:
        raise LIFECYCLE_MISSING.fail(name=name)
    problems = validate(rules)
    if problems:
        raise LIFECYCLE_REJECTED.fail(name=name, problem=problems[0])
    return rules


def aborts_uploads(rules: list[dict], name: str, prefix: str, days: int = 7) -> None:
    """An enabled rule covering ``prefix`` aborts incomplete multipart uploads within ``days``."""

    found = [r["AbortIncompleteMultipartUpload"].get("DaysAfterInitiation") for r in rules
             if r.get("AbortIncompleteMultipartUpload") and applies_to(r, prefix + "x")]
    if not found or min(found) > days:
        text = (f"after {min(found)} days" if found else "no rule with "
                "AbortIncompleteMultipartUpload for that prefix")
        raise ABORT_MISSING.fail(prefix=prefix, name=name, days=days, found=text)


def lifecycle_matches(rules: list[dict], expected: list[dict], name: str, keys: list[str],
                      days: int) -> None:
    """Objects with each of ``keys`` are in the same class under ``rules`` as under the
    reference rules ``expected``, on every day from 0 to ``days``."""

    for key in keys:
        for day in range(days + 1):
            mine, wanted = class_on_day(rules, day, key), class_on_day(expected, day, key)
            if mine != wanted:
                untouched = all(class_on_day(expected, d, key) == "STANDARD" for d in (0, days))
                hint = LIFECYCLE_HINTS["filter" if untouched else "timing"]
                raise LIFECYCLE_DIFFERS.fail(key=key, name=name, day=day,
                                             expected=wanted or "deleted (expired)",
                                             found=mine or "deleted (expired)", hint=hint)


COST_SHAPE = Message(
    "What {function}(rule, gb={gb}, objects={objects}) returned",
    "a DataFrame with one row per 30-day month and the columns {columns}", "{found}",
    "Build the rows in a list of dicts, then pd.DataFrame(rows); index or a 'month' column.")
COST_DIFFERS = Message(
    "{function}(rule, gb={gb}, objects={objects}), month {month}, column {column!r}; the rule: {rule}",
    "${expected:.4f}", "${found:.4f}", "{hint}")
COST_HINTS = {
    "storage": "Storage is charged per day: gb * price / 30 for the class of that day, nothing "
               "once the objects have expired.",
    "transitions": "Each transition is a request per object: objects / 1000 * the fee of the "
                   "class the objects move into, in the month they move.",
    "early_deletion": "Leaving a class before its minimum duration costs the remaining days at "
                      "that class's price, charged in the month they leave.",
    "total": "The total is the sum of the three other columns.",
}


def cost_table_agrees(function, cases: list[tuple], days: int = 360) -> None:
    """``function(rule, gb, objects)`` returns the same month-by-month costs (to the cent) as
    ``grader.sim.s3_lifecycle.monthly_cost`` on every case ``(rule, gb, objects)``."""

    name = getattr(function, "__name__", "your function")
    for rule, gb, objects in cases:
        expected = monthly_cost(rule, gb, objects, days)
        try:
            table = function(rule, gb, objects)
            rows = _cost_rows(table, len(expected))
        except Exception as error:  # noqa: BLE001 -- shown to the learner as the answer
            raise COST_SHAPE.fail(function=name, gb=gb, objects=objects, columns=", ".join(COST_COLUMNS),
                                  found=f"{type(error).__name__}: {error}") from None
        for want, got in zip(expected, rows, strict=True):
            for column in COST_COLUMNS:
                if abs(float(got[column]) - want[column]) >= 0.005:
                    raise COST_DIFFERS.fail(function=name, gb=gb, objects=objects, month=want["month"],
                                            column=column, rule=_describe_rule(rule), expected=want[column],
                                            found=float(got[column]), hint=COST_HINTS[column])


def _cost_rows(table, months: int) -> list[dict]:
    """The learner's DataFrame as a list of row dicts, or a ValueError saying what is wrong."""

    if not hasattr(table, "to_dict") or not hasattr(table, "columns"):
        raise ValueError(f"{type(table).__name__}, not a DataFrame")
    missing = [c for c in COST_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"columns {list(table.columns)}; missing {missing}")
    if len(table) != months:
        raise ValueError(f"{len(table)} rows, not {months}")
    return table.to_dict("records")


def _describe_rule(rule: dict) -> str:
    steps = [f"{t['StorageClass']} on day {t['Days']}" for t in rule.get("Transitions", [])]
    if "Days" in rule.get("Expiration", {}):
        steps.append(f"expire on day {rule['Expiration']['Days']}")
    return ", ".join(steps) or "no action"


# -- reading archived objects ---------------------------------------------------------------------

READ_WRONG = Message(
    "{function}(session, {bucket!r}, {key!r}, days={days}, tier={tier!r}) on a {storage_class} "
    "object{state}", "{expected}", "{found}", "{hint}")
RESTORE_HINTS = {
    "direct": "Only GLACIER and DEEP_ARCHIVE objects need a restore; every other class, "
              "Glacier Instant Retrieval included, is read with get_object at once.",
    "request": "head_object first: no 'Restore' in the answer means no restore yet, so call "
               "restore_object(..., RestoreRequest={'Days': days, 'GlacierJobParameters': "
               "{'Tier': tier}}) and return None.",
    "pending": "A 'Restore' value containing ongoing-request=\"true\" means the restore is still "
               "running: return None without asking again.",
    "ready": "ongoing-request=\"false\" means the restored copy is there: read it with get_object.",
    "tier": "Deep Archive has no Expedited tier: ask for Standard instead.",
}


def reads_archived(function, session, bucket: str, key: str, body: bytes, storage_class: str,
                   days: int, tier: str, state: str | None = None) -> None:
    """One call of the learner's ``function(session, bucket, key, days, tier)`` on an object put
    in ``storage_class`` (restore ``state`` None, "in-progress" or "done") returns what AWS's
    rules say and sends the right restore requests: the body at once for instant classes and
    restored copies; None and one request (Days, and a tier the class offers) for an archived
    object never restored; None and no request while a restore runs."""

    put_archived(session, bucket, key, body, storage_class, state)
    name = getattr(function, "__name__", "your function")
    with restore_requests() as sent:
        try:
            answer = function(session, bucket, key, days, tier)
        except Exception as error:  # noqa: BLE001 -- the learner's error is the answer shown
            answer = _Raised(f"raised {type(error).__name__}: {str(error)[:80]}")
        finally:
            release_restores()
    must_restore = storage_class in ARCHIVE_CLASSES and state is None
    if storage_class not in ARCHIVE_CLASSES or state == "done":
        expected, hint = (body, []), RESTORE_HINTS["direct" if state is None else "ready"]
    elif state == "in-progress":
        expected, hint = (None, []), RESTORE_HINTS["pending"]
    else:
        wanted = restore_tier(storage_class, tier)
        expected = (None, [{"bucket": bucket, "key": key, "days": days, "tier": wanted}])
        hint = RESTORE_HINTS["tier" if wanted != tier else "request"]
    if (answer, sent) != expected:
        said = str(answer) if isinstance(answer, _Raised) else f"returned {answer!r:.60}"
        found = said + (f", sent {_requests(sent)}" if sent or must_restore else "")
        want = f"returned {expected[0]!r:.60}" + (f", sent {_requests(expected[1])}"
                                                   if expected[1] or sent else "")
        label = {None: "", "in-progress": " whose restore is still running",
                 "done": " already restored"}[state]
        raise READ_WRONG.fail(function=name, bucket=bucket, key=key, days=days, tier=tier,
                              storage_class=storage_class, state=label, expected=want, found=found,
                              hint=hint)


class _Raised(str):
    """A learner's exception, shown as such rather than as a returned string."""


def _requests(sent: list[dict]) -> str:
    if not sent:
        return "no restore request"
    return "; ".join(f"restore(Days={r['days']}, Tier={r['tier']})" for r in sent)


# -- a bucket shared with one reader, and nobody else ----------------------------------------------

VERSIONING_OFF = Message(
    "Versioning of bucket {name}", "Enabled", "{found}",
    "Call put_bucket_versioning(Bucket=..., VersioningConfiguration={{'Status': 'Enabled'}}).")
READER_DENIED = Message(
    "Can {reader} read {resource} through the bucket policy of {name}?", "{expected}", "{found}",
    "{hint}")
PUBLIC_BUCKET = Message(
    "Anyone on the internet can read bucket {name}", "no public access", "{found}", "{hint}")
ALL_USERS = ("http://acs.amazonaws.com/groups/global/AllUsers",
             "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")


def versioning_enabled(session, name: str) -> None:
    """The bucket keeps every version of its objects."""
    bucket_exists(session, name)
    status = session.client("s3").get_bucket_versioning(Bucket=name).get("Status")
    if status != "Enabled":
        raise VERSIONING_OFF.fail(name=name, found=status or "never enabled")


def bucket_policy(session, name: str) -> dict | None:
    """The bucket's policy as a dict, None when it has none."""
    try:
        return json.loads(session.client("s3").get_bucket_policy(Bucket=name)["Policy"])
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchBucketPolicy":
            raise
        return None


def reader_access(session, name: str, reader: str, prefix: str, other_key: str) -> None:
    """The bucket policy lets ``reader`` (a role of another account) get objects under
    ``prefix``, and not ``other_key``. The reader's own account is taken to allow it s3:*."""
    bucket_exists(session, name)
    policy = bucket_policy(session, name)
    for key, allowed in ((prefix + "2026/report.pdf", True), (other_key, False)):
        resource = f"arn:aws:s3:::{name}/{key}"
        if _allows(policy, "s3:GetObject", resource, reader) != allowed:
            hint = ("Add a bucket policy statement: Effect Allow, Principal {'AWS': reader}, "
                    "Action s3:GetObject, Resource the prefix's objects (arn:aws:s3:::bucket/prefix*)."
                    if allowed else "Scope the statement's Resource to the prefix, not the whole bucket.")
            raise READER_DENIED.fail(reader=reader, resource=resource, name=name,
                                     expected="yes" if allowed else "no",
                                     found="no" if allowed else "yes", hint=hint)


def not_public(session, name: str) -> None:
    """Nobody outside the account reads the bucket anonymously: its four Block Public Access
    settings are on, its policy grants nothing to an anonymous caller and its ACL nothing to
    AllUsers or AuthenticatedUsers. (moto applies none of these; the check reads them.)"""
    public_access_blocked(session, name)
    s3 = session.client("s3")
    policy = bucket_policy(session, name)
    for action, resource in _probes(policy, name):
        if _allows(policy, action, resource, None):
            raise PUBLIC_BUCKET.fail(name=name, found=f"the bucket policy allows {action} on "
                                     f"{resource} to an anonymous caller (Principal '*')",
                                     hint="Name the reader's role ARN as the Principal; '*' means "
                                          "anyone, signed in or not.")
    grants = [g for g in s3.get_bucket_acl(Bucket=name)["Grants"] if g["Grantee"].get("URI") in ALL_USERS]
    if grants:
        group = grants[0]["Grantee"]["URI"].rsplit("/", 1)[-1]
        raise PUBLIC_BUCKET.fail(name=name, found=f"the ACL grants {grants[0]['Permission']} to {group}",
                                 hint="Leave the ACL private (the default); share through the bucket "
                                      "policy with one principal.")


def _probes(policy: dict | None, name: str) -> list[tuple[str, str]]:
    """Requests that would show a policy public: the usual S3 actions on one concrete resource
    per Allow statement's Resource pattern (wildcards filled in), and on the bucket itself."""
    patterns = {f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/probe"}
    for statement in iam.statements(policy) if policy else []:
        if statement.get("Effect") == "Allow":
            patterns.update(str(r).replace("*", "probe").replace("?", "p")
                            for r in iam.as_list(statement.get("Resource", [])))
    return [(action, resource) for resource in sorted(patterns)
            for action in ("s3:GetObject", "s3:ListBucket", "s3:PutObject")]


def _allows(policy: dict | None, action: str, resource: str, principal: str | None) -> bool:
    if policy is None:
        return False
    account = principal.split(":")[4] if principal else None
    request = iam.Request(action=action, resource=resource, principal=principal,
                          resource_account=ACCOUNT if account != ACCOUNT else None)
    identity = [] if principal is None else [{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}]
    return iam.evaluate(request, identity=identity, resource=policy).allowed
