"""Learner-facing checks on S3 buckets: a bucket exists, carries a tag, its name was returned,
it blocks public access.

Each check returns None when the requirement holds and raises ``CheckFailed`` otherwise,
naming the learner's real buckets. Notebooks use them as ``from grader.checks import s3 as check``.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from grader.checks.base import Message

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
