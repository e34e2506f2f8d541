"""Tests for grader/checks/ec2/s3_access.py: topic 21's reading of endpoint and bucket policies,
one behaviour per row."""

from __future__ import annotations

import pytest

from grader.checks.ec2.s3_access import (
    ACCOUNT,
    APP_ROLE,
    Decision,
    S3Request,
    UnsupportedPolicy,
    conditions_hold,
    decide,
    evaluate,
    wildcard_match,
)

ADMIN = f"arn:aws:iam::{ACCOUNT}:role/bucket-admin"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
VPCE, OTHER = "vpce-0aaaaaaaaaaaaaaaa", "vpce-0bbbbbbbbbbbbbbbb"
TEAM = ["arn:aws:s3:::team", "arn:aws:s3:::team/*"]


def statement(effect="Allow", principal="*", action="s3:*", resource=TEAM, **extra):
    return {"Effect": effect, "Principal": principal, "Action": action, "Resource": resource,
            **extra}


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


ONE_BUCKET = policy(statement(Sid="TeamOnly"))
LOCKED = policy(statement("Deny", Sid="OnlyThroughVpce", Condition={
    "StringNotEquals": {"aws:SourceVpce": VPCE}, "ArnNotEquals": {"aws:PrincipalArn": ADMIN}}))


def get(key="data.csv", bucket="team", **kw):
    return S3Request("s3:GetObject", bucket, key, **kw)


@pytest.mark.parametrize(("request_", "endpoint_policy", "bucket_policy", "decision"), [
    pytest.param(get(vpce=VPCE), None, None, Decision.ALLOWED, id="default-endpoint-policy"),
    pytest.param(get(vpce=VPCE), ONE_BUCKET, None, Decision.ALLOWED, id="endpoint-allows-its-bucket"),
    pytest.param(get(bucket="other", vpce=VPCE), ONE_BUCKET, None, Decision.DENIED_BY_ENDPOINT,
                 id="endpoint-implicit-deny-other-bucket"),
    pytest.param(S3Request("s3:ListBucket", "team", vpce=VPCE), ONE_BUCKET, None, Decision.ALLOWED,
                 id="bucket-arn-covers-list-bucket"),
    pytest.param(S3Request("s3:ListBucket", "team", vpce=VPCE),
                 policy(statement(resource="arn:aws:s3:::team/*")), None,
                 Decision.DENIED_BY_ENDPOINT, id="objects-arn-does-not-cover-the-bucket"),
    pytest.param(get(bucket="team-exports", vpce=VPCE),
                 policy(statement(resource="arn:aws:s3:::team*")), None, Decision.ALLOWED,
                 id="star-after-name-matches-other-buckets"),
    pytest.param(get(vpce=VPCE), policy(statement(), statement("Deny", action="s3:Get*")), None,
                 Decision.DENIED_BY_ENDPOINT, id="endpoint-explicit-deny-wins"),
    pytest.param(get(), ONE_BUCKET, None, Decision.ALLOWED,
                 id="endpoint-policy-ignored-outside-endpoints"),
    pytest.param(get(), None, LOCKED, Decision.DENIED_BY_BUCKET, id="outside-denied-missing-key"),
    pytest.param(get(vpce=VPCE), None, LOCKED, Decision.ALLOWED, id="through-the-endpoint"),
    pytest.param(get(vpce=OTHER), None, LOCKED, Decision.DENIED_BY_BUCKET, id="other-endpoint"),
    pytest.param(get(principal=ADMIN), None, LOCKED, Decision.ALLOWED, id="admin-exception"),
    pytest.param(get(), None, policy(statement(Condition={
        "StringEquals": {"aws:SourceVpce": VPCE}})), Decision.ALLOWED,
        id="allow-with-condition-restricts-nothing"),
    pytest.param(get(), None, policy(statement("Deny", action="s3:PutObject")), Decision.ALLOWED,
                 id="deny-of-another-action"),
    pytest.param(get(), None, policy({"Effect": "Deny", "Principal": "*", "NotAction": "s3:Get*",
                                      "Resource": TEAM}), Decision.ALLOWED, id="not-action-excludes"),
    pytest.param(get(bucket="attacker", vpce=VPCE), None, None, Decision.ALLOWED,
                 id="foreign-bucket-accepts"),
])
def test_decide(request_, endpoint_policy, bucket_policy, decision):
    verdict = decide(request_, endpoint_policy=endpoint_policy, bucket_policy=bucket_policy,
                     bucket_in_account=request_.bucket != "attacker")
    assert verdict.decision is decision


def test_reasons_name_the_deciding_statement():
    denied = decide(get(), bucket_policy=LOCKED)
    assert denied.reason == "statement 'OnlyThroughVpce' of the bucket policy of team denies it"
    through = decide(get(vpce=VPCE), endpoint_policy=ONE_BUCKET)
    assert through.reason.startswith(f"statement 'TeamOnly' of endpoint {VPCE} allows it; ")
    refused = decide(get(bucket="x", vpce=VPCE), endpoint_policy=ONE_BUCKET)
    assert refused.reason == f"no statement of the policy of endpoint {VPCE} allows it"


def test_statements_without_sid_are_numbered_from_one():
    assert evaluate(policy(statement("Deny")), get(), gateway_endpoint=False) == \
        ("Deny", "statement 1")


@pytest.mark.parametrize(("principal", "caller", "gateway", "matches"), [
    pytest.param({"AWS": "*"}, APP_ROLE, True, True, id="aws-star"),
    pytest.param({"AWS": [ADMIN]}, ADMIN, False, True, id="exact-arn"),
    pytest.param({"AWS": [ADMIN]}, APP_ROLE, False, False, id="other-arn"),
    pytest.param({"AWS": ACCOUNT}, APP_ROLE, False, True, id="account-in-bucket-policy"),
    pytest.param({"AWS": ROOT}, APP_ROLE, True, False, id="account-means-root-in-gateway-policy"),
    pytest.param({"AWS": ROOT}, ROOT, True, True, id="root-user-in-gateway-policy"),
    pytest.param({"Service": "ec2.amazonaws.com"}, APP_ROLE, False, False, id="service"),
])
def test_principals(principal, caller, gateway, matches):
    effect, _ = evaluate(policy(statement(principal=principal)), get(principal=caller),
                         gateway_endpoint=gateway)
    assert (effect == "Allow") is matches


@pytest.mark.parametrize(("condition", "context", "holds"), [
    pytest.param({"StringEquals": {"aws:SourceVpce": VPCE}}, {}, False, id="positive-missing"),
    pytest.param({"StringNotEquals": {"aws:SourceVpce": VPCE}}, {}, True, id="negated-missing"),
    pytest.param({"StringEqualsIfExists": {"aws:SourceVpce": VPCE}}, {}, True, id="if-exists"),
    pytest.param({"StringEquals": {"aws:sourcevpce": [OTHER, VPCE]}},
                 {"aws:sourcevpce": VPCE}, True, id="values-are-alternatives-keys-any-case"),
    pytest.param({"StringLike": {"aws:SourceVpce": "vpce-0a*"}}, {"aws:sourcevpce": VPCE}, True,
                 id="like-wildcard"),
    pytest.param({"StringEqualsIgnoreCase": {"aws:SourceVpce": VPCE.upper()}},
                 {"aws:sourcevpce": VPCE}, True, id="ignore-case"),
    pytest.param({"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/*"}},
                 {"aws:principalarn": ADMIN}, True, id="arn-like"),
    pytest.param({"StringNotEquals": {"aws:SourceVpce": VPCE},
                  "ArnNotEquals": {"aws:PrincipalArn": ADMIN}},
                 {"aws:principalarn": ADMIN}, False, id="operators-are-anded"),
    pytest.param({"Bool": {"aws:SecureTransport": "false"}}, {"aws:securetransport": "true"},
                 False, id="bool"),
    pytest.param({"Null": {"aws:SourceVpce": "true"}}, {}, True, id="null-true-when-missing"),
    pytest.param({"Null": {"aws:SourceVpce": "false"}}, {}, False, id="null-false-when-missing"),
])
def test_conditions(condition, context, holds):
    assert conditions_hold(condition, context) is holds


@pytest.mark.parametrize(("broken", "says"), [
    pytest.param(statement(Condition={"ForAnyValue:StringEquals": {"aws:SourceVpce": VPCE}}),
                 "set operators", id="set-operator"),
    pytest.param(statement(Condition={"NumericLessThan": {"aws:SourceVpce": "1"}}),
                 "String, Arn, Bool and Null", id="numeric-operator"),
    pytest.param(statement(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
                 "condition key 'aws:SourceIp'", id="unknown-key"),
    pytest.param({**statement("Deny"), "NotPrincipal": {"AWS": ADMIN}}, "NotPrincipal",
                 id="not-principal"),
    pytest.param({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, "without Principal",
                 id="no-principal"),
    pytest.param(statement(effect="Maybe"), "Effect 'Maybe'", id="bad-effect"),
])
def test_unsupported_language_is_named(broken, says):
    with pytest.raises(UnsupportedPolicy, match=says):
        evaluate(policy(broken), get(), gateway_endpoint=False)


@pytest.mark.parametrize(("pattern", "value", "ignore_case", "matches"), [
    ("s3:Get*", "s3:GetObject", True, True),
    ("S3:GETOBJECT", "s3:GetObject", True, True),
    ("arn:aws:s3:::Team/*", "arn:aws:s3:::team/x", False, False),
    ("arn:aws:s3:::team/?", "arn:aws:s3:::team/x", False, True),
    ("arn:aws:s3:::team.data", "arn:aws:s3:::teamXdata", False, False),
])
def test_wildcards_are_iam_wildcards_only(pattern, value, ignore_case, matches):
    assert wildcard_match(pattern, value, ignore_case) is matches
