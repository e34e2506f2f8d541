"""The S3 checks pass on a correctly tagged bucket and fail with messages naming the real buckets.

Each failing case pins the rendered message: the first line, ``Expected:``, ``Found:`` and
``Next:``.
"""

from __future__ import annotations

import pytest

from grader.checks import s3 as checks

from .failures import failure


@pytest.fixture
def s3(session):
    return session.client("s3")


def tag(s3, name, **tags) -> None:
    s3.put_bucket_tagging(Bucket=name, Tagging={
        "TagSet": [{"Key": key, "Value": value} for key, value in tags.items()]})


# -- bucket_exists -----------------------------------------------------------------------------

def test_bucket_exists_passes_on_an_existing_bucket(session, s3):
    s3.create_bucket(Bucket="team-data")
    assert checks.bucket_exists(session, "team-data") is None


def test_bucket_exists_fails_in_an_empty_account(session):
    message = failure(checks.bucket_exists, session, "team-data")
    assert message["what"] == "Bucket team-data exists"
    assert message["expected"] == "a bucket named 'team-data' in this mock AWS account"
    assert message["found"] == "no buckets at all"
    assert message["next"] == ("Create the bucket from the name argument your function received, "
                               "not a fixed name.")
    assert message["error"].aws_code == "404"


def test_bucket_exists_fails_naming_the_buckets_that_do_exist(session, s3):
    s3.create_bucket(Bucket="my-first-bucket")
    s3.create_bucket(Bucket="scratch")
    message = failure(checks.bucket_exists, session, "team-data")
    assert message["found"] == "no bucket of that name; the account has my-first-bucket, scratch"


# -- returned_name -----------------------------------------------------------------------------

def test_returned_name_passes_on_the_name():
    assert checks.returned_name("team-data", "team-data") is None


def test_returned_none_fails_with_the_return_hint():
    message = failure(checks.returned_name, None, "team-data")
    assert message["what"] == "The value your function returned"
    assert message["expected"] == "the bucket's name, 'team-data'"
    assert message["found"] == "None (a NoneType)"
    assert message["next"] == ("End your function with `return name`: a function without return "
                               "gives None.")


def test_returning_the_create_response_fails_showing_its_type():
    message = failure(checks.returned_name, {"Location": "/team-data"}, "team-data")
    assert message["found"] == "{'Location': '/team-data'} (a dict)"


# -- bucket_tagged -----------------------------------------------------------------------------

def test_bucket_tagged_passes_with_the_tag_among_others(session, s3):
    s3.create_bucket(Bucket="team-data")
    tag(s3, "team-data", Project="atlas", Owner="maria")
    assert checks.bucket_tagged(session, "team-data", "Owner", "maria") is None


def test_bucket_tagged_on_a_missing_bucket_says_it_is_missing(session):
    message = failure(checks.bucket_tagged, session, "team-data", "Owner", "maria")
    assert message["what"] == "Bucket team-data exists"
    assert message["found"] == "no buckets at all"


def test_untagged_bucket_fails_pointing_at_put_bucket_tagging(session, s3):
    s3.create_bucket(Bucket="team-data")
    message = failure(checks.bucket_tagged, session, "team-data", "Owner", "maria")
    assert message["what"] == "Tag 'Owner' of bucket team-data"
    assert message["expected"] == "Owner=maria"
    assert message["found"] == "no tags"
    assert message["next"] == ("Tag the bucket after creating it with put_bucket_tagging; its TagSet "
                               "is a list of {'Key': ..., 'Value': ...} dicts.")


def test_lower_case_key_fails_saying_keys_are_case_sensitive(session, s3):
    s3.create_bucket(Bucket="team-data")
    tag(s3, "team-data", owner="maria")
    message = failure(checks.bucket_tagged, session, "team-data", "Owner", "maria")
    assert message["found"] == "owner=maria"
    assert message["next"] == "Tag keys are case-sensitive: 'owner' is another key than 'Owner'."


def test_other_tags_only_fail_asking_for_the_key(session, s3):
    s3.create_bucket(Bucket="team-data")
    tag(s3, "team-data", Project="atlas", Team="data")
    message = failure(checks.bucket_tagged, session, "team-data", "Owner", "maria")
    assert message["found"] == "Project=atlas, Team=data"
    assert message["next"] == ("Add a tag with the key 'Owner': put_bucket_tagging replaces the whole "
                               "TagSet, so send every tag in one call.")


def test_wrong_value_fails_showing_both_values(session, s3):
    s3.create_bucket(Bucket="team-data")
    tag(s3, "team-data", Owner="ana")
    message = failure(checks.bucket_tagged, session, "team-data", "Owner", "maria")
    assert message["what"] == "Tag 'Owner' of bucket team-data"
    assert message["expected"] == "Owner=maria"
    assert message["found"] == "Owner=ana"
    assert message["next"] == ("Take the tag's value from your function's argument, not from a fixed "
                               "string.")


# -- public_access_blocked ------------------------------------------------------------------------

ALL_FOUR = dict.fromkeys(checks.PUBLIC_ACCESS_SETTINGS, True)


def test_public_access_blocked_passes_with_all_four_settings(session, s3):
    s3.create_bucket(Bucket="flow-archive")
    s3.put_public_access_block(Bucket="flow-archive", PublicAccessBlockConfiguration=ALL_FOUR)
    checks.public_access_blocked(session, "flow-archive")


def test_public_access_blocked_fails_without_a_configuration(session, s3):
    s3.create_bucket(Bucket="flow-archive")
    message = failure(checks.public_access_blocked, session, "flow-archive")
    assert message["what"] == "Block Public Access of bucket flow-archive"
    assert message["found"] == "no Block Public Access configuration"
    assert message["next"].startswith("Call put_public_access_block")


def test_public_access_blocked_names_the_settings_left_off(session, s3):
    s3.create_bucket(Bucket="flow-archive")
    s3.put_public_access_block(Bucket="flow-archive", PublicAccessBlockConfiguration={
        **ALL_FOUR, "BlockPublicPolicy": False, "RestrictPublicBuckets": False})
    message = failure(checks.public_access_blocked, session, "flow-archive")
    assert message["found"] == "BlockPublicPolicy, RestrictPublicBuckets off"


def test_public_access_blocked_fails_on_a_missing_bucket(session):
    assert failure(checks.public_access_blocked, session, "nowhere")["what"] == \
        "Bucket nowhere exists"
