"""Tests for grader/checks/ec2/s3_access.py: topic 21's reading of endpoint and bucket policies,
one behaviour per row. Statements are decided by grader.sim.iam (tested in tests/sim); the rows
here go through ``decide``, so they also pin the request context this module builds."""

from __future__ import annotations

import pytest

from grader.checks.ec2.s3_access import (
    ACCOUNT,
    APP_ROLE,
    Decision,
    S3Request,
    UnsupportedPolicy,
    decide,
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


def endpoint_allows(policy_, request_):
    """Whether the endpoint policy lets the request through (it comes through VPCE)."""
    return decide(request_, endpoint_policy=policy_).decision is Decision.ALLOWED


def bucket_denies(policy_, request_):
    """Whether the bucket policy refuses the request (with no endpoint on the way)."""
    return decide(request_, bucket_policy=policy_).decision is Decision.DENIED_BY_BUCKET


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
    assert decide(get(), bucket_policy=policy(statement("Deny"))).reason == \
        "statement 1 of the bucket policy of team denies it"
    second = policy(statement(resource="arn:aws:s3:::other"), statement())
    assert decide(get(vpce=VPCE), endpoint_policy=second).reason.startswith(
        f"statement 2 of endpoint {VPCE} allows it; ")


def test_an_empty_endpoint_policy_is_not_the_default():
    assert decide(get(vpce=VPCE), endpoint_policy=policy()).decision is Decision.DENIED_BY_ENDPOINT


# A row with gateway True is read as an endpoint policy's Allow, with False as a bucket policy's Deny.
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
    if gateway:
        assert endpoint_allows(policy(statement(principal=principal)),
                               get(principal=caller, vpce=VPCE)) is matches
    else:
        assert bucket_denies(policy(statement("Deny", principal=principal)),
                             get(principal=caller)) is matches


# The request's own context: the caller's ARN and account, aws:SecureTransport "true", and
# aws:SourceVpce only through an endpoint. A condition holds when its Deny refuses the request.
@pytest.mark.parametrize(("condition", "request_", "holds"), [
    pytest.param({"StringEquals": {"aws:SourceVpce": VPCE}}, get(), False, id="positive-missing"),
    pytest.param({"StringNotEquals": {"aws:SourceVpce": VPCE}}, get(), True, id="negated-missing"),
    pytest.param({"StringEqualsIfExists": {"aws:SourceVpce": VPCE}}, get(), True, id="if-exists"),
    pytest.param({"StringEquals": {"aws:sourcevpce": [OTHER, VPCE]}}, get(vpce=VPCE), True,
                 id="values-are-alternatives-keys-any-case"),
    pytest.param({"StringLike": {"aws:SourceVpce": "vpce-0a*"}}, get(vpce=VPCE), True,
                 id="like-wildcard"),
    pytest.param({"StringEqualsIgnoreCase": {"aws:SourceVpce": VPCE.upper()}}, get(vpce=VPCE),
                 True, id="ignore-case"),
    pytest.param({"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/*"}},
                 get(principal=ADMIN), True, id="arn-like"),
    pytest.param({"StringNotEquals": {"aws:SourceVpce": VPCE},
                  "ArnNotEquals": {"aws:PrincipalArn": ADMIN}},
                 get(principal=ADMIN), False, id="operators-are-anded"),
    pytest.param({"Bool": {"aws:SecureTransport": "false"}}, get(), False, id="bool"),
    pytest.param({"Null": {"aws:SourceVpce": "true"}}, get(), True, id="null-true-when-missing"),
    pytest.param({"Null": {"aws:SourceVpce": "false"}}, get(), False, id="null-false-when-missing"),
    pytest.param({"StringEquals": {"aws:PrincipalAccount": ACCOUNT, "aws:SourceVpc": "vpc-1"}},
                 get(vpce=VPCE, vpc="vpc-1"), True, id="account-and-source-vpc"),
])
def test_conditions(condition, request_, holds):
    assert bucket_denies(policy(statement("Deny", Condition=condition)), request_) is holds


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
        decide(get(), bucket_policy=policy(broken))
    with pytest.raises(UnsupportedPolicy, match=says):
        decide(get(vpce=VPCE), endpoint_policy=policy(broken))


def test_unsupported_language_is_refused_even_in_a_statement_that_does_not_apply():
    """Whether a policy is readable no longer depends on the request: every statement is read."""
    unknown_key = statement(action="s3:PutObject", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
    with pytest.raises(UnsupportedPolicy, match="aws:SourceIp"):
        decide(get(), bucket_policy=policy(statement("Deny"), unknown_key))


@pytest.mark.parametrize(("broken", "says"), [
    pytest.param({**statement(), "NotAction": "s3:Put*"}, "exactly one of Action or NotAction",
                 id="action-and-not-action"),
    pytest.param({**statement(), "NotResource": "arn:aws:s3:::x"},
                 "at most one of Resource or NotResource", id="resource-and-not-resource"),
    pytest.param(statement(principal="arn:aws:iam::123456789012:root"), "Principal is",
                 id="principal-as-bare-arn"),
    pytest.param(statement(Condition={"StringEqualz": {"aws:SourceVpce": VPCE}}), "StringEqualz",
                 id="unknown-operator"),
])
def test_policies_aws_would_reject_are_unsupported_with_the_evaluators_reason(broken, says):
    with pytest.raises(UnsupportedPolicy, match=says):
        decide(get(), bucket_policy=policy(broken))


def test_an_s3_request_is_for_s3_actions_only():
    with pytest.raises(ValueError, match="S3 actions"):
        S3Request("ec2:RunInstances", "team")
    assert S3Request("S3:GETOBJECT", "team", "x").resource == "arn:aws:s3:::team/x"
