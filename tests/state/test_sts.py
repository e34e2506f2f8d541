"""grader/state/sts.py reads back what the mock's STS recorded for a session: role, session
policy, external id and expiry, found by the credentials' access key id."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from grader.errors import PolicyError
from grader.scenarios.iam import roles
from grader.state.sts import session_record

NARROW = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


def test_a_session_is_found_with_its_policy_and_external_id(session):
    arn = roles(session, ["app"])["app"]
    credentials = session.client("sts").assume_role(
        RoleArn=arn, RoleSessionName="night-export", Policy=json.dumps(NARROW), ExternalId="id-42",
        DurationSeconds=900)["Credentials"]
    record = session_record(credentials)
    assert (record.role_arn, record.session_name, record.external_id) == (arn, "night-export", "id-42")
    assert record.arn == "arn:aws:sts::123456789012:assumed-role/app/night-export"
    assert record.policy == NARROW and record.policy_text == json.dumps(NARROW)
    expiry = record.expiration.replace(tzinfo=UTC)
    assert timedelta(minutes=14) < expiry - datetime.now(UTC) <= timedelta(minutes=15)
    assert session_record(credentials["AccessKeyId"]) == record


def test_a_session_without_a_policy_and_unknown_keys(session):
    arn = roles(session, ["app"])["app"]
    credentials = session.client("sts").assume_role(RoleArn=arn, RoleSessionName="plain")["Credentials"]
    assert session_record(credentials).policy is None
    assert session_record("ASIANOTHANDEDOUT") is None


def test_a_session_policy_that_is_not_a_policy_raises_when_read(session):
    arn = roles(session, ["app"])["app"]
    credentials = session.client("sts").assume_role(RoleArn=arn, RoleSessionName="odd",
                                                    Policy='{"Version": "2012-10-17"}')["Credentials"]
    record = session_record(credentials)
    assert record.policy_text == '{"Version": "2012-10-17"}'
    with pytest.raises(PolicyError):
        _ = record.policy
