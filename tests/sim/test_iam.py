"""Tests for grader/sim/iam.py: the reference IAM policy evaluator.

Cases follow AWS's "Policy evaluation logic" pages (IAM User Guide, as of 2026): explicit deny
first, then RCPs, SCPs and VPC endpoint policies, resource-based policies (same account and
cross-account), identity policies, permissions boundaries and session policies; plus the
statement-level rules (NotAction/NotResource, wildcards, case, policy variables) and trust
policies.
"""

import json

import pytest

from grader.errors import PolicyError
from grader.sim.iam import (
    Decision,
    Request,
    StatementRef,
    action_matches,
    can_assume_role,
    decide,
    evaluate,
    not_principal_excludes,
    principal_match,
    resource_matches,
    statements,
    substitute,
)

ACCOUNT, OTHER = "111122223333", "444455556666"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
BOB_ELSEWHERE = f"arn:aws:iam::{OTHER}:user/bob"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/app/i-0abc"
BUCKET = "arn:aws:s3:::reports"
OBJECT = "arn:aws:s3:::reports/2026/q1.csv"
ALLOWED, EXPLICIT, IMPLICIT = Decision.ALLOWED, Decision.EXPLICIT_DENY, Decision.IMPLICIT_DENY


def policy(*statements, version="2012-10-17"):
    return {"Version": version, "Statement": list(statements)}


def allow(action, resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra):
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def grant(principal, action, resource=None, effect="Allow", **extra):
    statement = {"Effect": effect, "Principal": principal, "Action": action, **extra}
    return statement | ({"Resource": resource} if resource else {})


READ_REPORTS = policy(allow("s3:GetObject", "arn:aws:s3:::reports/*"), allow("s3:ListBucket", BUCKET))
ADMIN = policy(allow("*"))


# -- statements: actions, resources, wildcards, case -------------------------------------------

@pytest.mark.parametrize("pattern, action, expected", [
    pytest.param("s3:GetObject", "s3:GetObject", True, id="exact"),
    pytest.param("s3:getobject", "S3:GetObject", True, id="action-names-ignore-case"),
    pytest.param("s3:Get*", "s3:GetObjectAcl", True, id="star-matches-a-run"),
    pytest.param("s3:Get*", "s3:PutObject", False, id="star-is-anchored"),
    pytest.param("s3:*Object", "s3:DeleteObject", True, id="star-in-front"),
    pytest.param("ec2:Describe?pcs", "ec2:DescribeVpcs", True, id="question-mark-one-char"),
    pytest.param("ec2:Describe?pcs", "ec2:DescribeVVpcs", False, id="question-mark-only-one"),
    pytest.param("*", "iam:CreateUser", True, id="star-alone-is-everything"),
    pytest.param("s3:*", "s3express:CreateSession", False, id="service-prefix-is-whole"),
])
def test_action_matching(pattern, action, expected):
    assert action_matches(pattern, action) is expected


@pytest.mark.parametrize("pattern, resource, expected", [
    pytest.param("arn:aws:s3:::reports/*", OBJECT, True, id="star-crosses-slashes"),
    pytest.param("arn:aws:s3:::reports/*", BUCKET, False, id="object-pattern-not-the-bucket"),
    pytest.param("arn:aws:s3:::reports", OBJECT, False, id="bucket-arn-not-its-objects"),
    pytest.param("arn:aws:s3:::Reports/*", OBJECT, False, id="resources-are-case-sensitive"),
    pytest.param("arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:eu-west-1:1:instance/i-1", True,
                 id="star-crosses-colons"),
    pytest.param("*", "anything", True, id="star-alone"),
])
def test_resource_matching(pattern, resource, expected):
    assert resource_matches(pattern, resource, Request("s3:GetObject", resource)) is expected


def test_statement_may_be_a_single_object():
    assert statements({"Statement": allow("s3:*")}) == [allow("s3:*")]
    assert decide([{"Version": "2012-10-17", "Statement": allow("s3:*")}],
                  Request("s3:PutObject", OBJECT)) is ALLOWED


def test_policy_may_be_json_text_as_the_api_returns_it():
    assert decide([json.dumps(READ_REPORTS)], Request("s3:GetObject", OBJECT)) is ALLOWED


@pytest.mark.parametrize("policies, request_, expected", [
    pytest.param([READ_REPORTS], Request("s3:GetObject", OBJECT), ALLOWED, id="allowed"),
    pytest.param([READ_REPORTS], Request("s3:PutObject", OBJECT), IMPLICIT, id="nothing-allows"),
    pytest.param([], Request("s3:GetObject", OBJECT), IMPLICIT, id="no-policy-implicit-deny"),
    pytest.param([READ_REPORTS, policy(deny("s3:*", "arn:aws:s3:::reports/2026/*"))],
                 Request("s3:GetObject", OBJECT), EXPLICIT, id="explicit-deny-wins-across-policies"),
    pytest.param([policy(deny("s3:GetObject", OBJECT), allow("s3:*"))],
                 Request("s3:GetObject", OBJECT), EXPLICIT, id="deny-wins-whatever-the-order"),
    pytest.param([policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})],
                 Request("ec2:RunInstances"), ALLOWED, id="allow-notaction-grants-the-rest"),
    pytest.param([policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})],
                 Request("IAM:CreateUser"), IMPLICIT, id="allow-notaction-not-the-listed"),
    pytest.param([ADMIN, policy({"Effect": "Deny", "Action": "s3:*",
                                 "NotResource": ["arn:aws:s3:::scratch", "arn:aws:s3:::scratch/*"]})],
                 Request("s3:DeleteObject", OBJECT), EXPLICIT, id="deny-notresource-everything-else"),
    pytest.param([ADMIN, policy({"Effect": "Deny", "Action": "s3:*",
                                 "NotResource": ["arn:aws:s3:::scratch", "arn:aws:s3:::scratch/*"]})],
                 Request("s3:DeleteObject", "arn:aws:s3:::scratch/tmp"), ALLOWED,
                 id="deny-notresource-spares-the-listed"),
])
def test_identity_policies(policies, request_, expected):
    assert decide(policies, request_) is expected


def test_verdict_names_the_deciding_statement():
    verdict = evaluate(Request("s3:GetObject", OBJECT), identity={
        "read": READ_REPORTS, "guard": policy({"Sid": "NoQ1", **deny("s3:GetObject", OBJECT)})})
    assert verdict.decision is EXPLICIT and not verdict
    assert verdict.statement == StatementRef("identity policy 'guard'", 0, "NoQ1")
    assert verdict.trail == (
        f"statement 0 (NoQ1) of identity policy 'guard' denies s3:GetObject on {OBJECT}",)


def test_implicit_deny_says_what_nothing_allowed():
    verdict = evaluate(Request("s3:PutObject", OBJECT, ALICE), identity=[READ_REPORTS])
    assert verdict.statement is None
    assert verdict.trail == (f"no identity-based policy allows s3:PutObject on {OBJECT} by {ALICE}",)


# -- policy variables --------------------------------------------------------------------------

HOME = policy(allow("s3:*", "arn:aws:s3:::home/${aws:username}/*"))


@pytest.mark.parametrize("principal, resource, expected", [
    pytest.param(ALICE, "arn:aws:s3:::home/alice/notes.txt", ALLOWED, id="own-folder"),
    pytest.param(ALICE, "arn:aws:s3:::home/bob/notes.txt", IMPLICIT, id="someone-elses"),
    pytest.param(SESSION, "arn:aws:s3:::home/app/notes.txt", IMPLICIT, id="roles-have-no-username"),
])
def test_username_variable(principal, resource, expected):
    assert decide([HOME], Request("s3:GetObject", resource, principal)) is expected


def test_variable_default_and_escapes():
    request = Request("s3:GetObject", "x", context={"aws:PrincipalTag/team": "data"})
    assert substitute("${aws:PrincipalTag/team, 'none'}", request) == "\0data\1"
    assert substitute("${aws:PrincipalTag/missing, 'none'}", request) == "\0none\1"
    assert substitute("${aws:PrincipalTag/missing}", request) is None
    assert resource_matches("arn:aws:s3:::odd/${*}", "arn:aws:s3:::odd/*", request)
    assert not resource_matches("arn:aws:s3:::odd/${*}", "arn:aws:s3:::odd/x", request)


def test_variables_are_literal_in_the_old_policy_version():
    old = policy(allow("s3:*", "arn:aws:s3:::home/${aws:username}/*"), version="2008-10-17")
    assert decide([old], Request("s3:GetObject", "arn:aws:s3:::home/alice/x", ALICE)) is IMPLICIT
    assert decide([old], Request("s3:GetObject", "arn:aws:s3:::home/${aws:username}/x", ALICE)) is ALLOWED


# -- conditions in statements ------------------------------------------------------------------

OFFICE = {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}
MFA_GUARD = policy({"Effect": "Deny", "NotAction": ["iam:EnableMFADevice", "sts:GetSessionToken"],
                    "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}})
NAIVE_MFA_GUARD = policy({"Effect": "Deny", "Action": "*", "Resource": "*",
                          "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}})


@pytest.mark.parametrize("policies, context, expected", [
    pytest.param([policy(allow("ec2:*", Condition=OFFICE))], {"aws:SourceIp": "203.0.113.9"}, ALLOWED,
                 id="source-ip-inside"),
    pytest.param([policy(allow("ec2:*", Condition=OFFICE))], {"aws:SourceIp": "2001:db8::1"}, ALLOWED,
                 id="source-ip-v6"),
    pytest.param([policy(allow("ec2:*", Condition=OFFICE))], {"aws:SourceIp": "198.51.100.1"}, IMPLICIT,
                 id="source-ip-outside"),
    pytest.param([policy(allow("ec2:*", Condition=OFFICE))], {}, IMPLICIT,
                 id="source-ip-missing-vpc-endpoint"),
    pytest.param([ADMIN, MFA_GUARD], {"aws:MultiFactorAuthPresent": "true"}, ALLOWED, id="mfa-used"),
    pytest.param([ADMIN, MFA_GUARD], {"aws:MultiFactorAuthPresent": "false"}, EXPLICIT, id="mfa-not-used"),
    pytest.param([ADMIN, MFA_GUARD], {}, EXPLICIT, id="access-key-ifexists-denies"),
    pytest.param([ADMIN, NAIVE_MFA_GUARD], {}, ALLOWED, id="access-key-slips-past-plain-bool"),
    pytest.param([ADMIN, NAIVE_MFA_GUARD], {"aws:MultiFactorAuthPresent": False}, EXPLICIT,
                 id="python-bool-is-false"),
    pytest.param([policy(allow("ec2:*", Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}))],
                 {"aws:RequestedRegion": "us-east-1"}, IMPLICIT, id="requested-region"),
    pytest.param([policy(allow("ec2:*", Condition={"StringEquals": {
        "aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}))],
        {"aws:ResourceTag/team": "data", "aws:PrincipalTag/team": "data"}, ALLOWED, id="abac-same-tag"),
    pytest.param([policy(allow("ec2:*", Condition={"StringEquals": {
        "aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}))],
        {"aws:ResourceTag/team": "web", "aws:PrincipalTag/team": "data"}, IMPLICIT, id="abac-other-tag"),
    pytest.param([policy(allow("ec2:*", Condition={"StringEquals": {
        "aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}))],
        {"aws:ResourceTag/team": "data"}, IMPLICIT, id="abac-untagged-principal"),
    pytest.param([policy(allow("ec2:*", Condition={"Bool": {"aws:SecureTransport": "true"},
                                                   "StringEquals": {"aws:RequestedRegion": "eu-west-1"}}))],
                 {"aws:SecureTransport": "true", "aws:RequestedRegion": "us-east-1"}, IMPLICIT,
                 id="operators-are-anded"),
])
def test_conditions(policies, context, expected):
    assert decide(policies, Request("ec2:TerminateInstances", "*", ALICE, context)) is expected


def test_condition_keys_are_case_insensitive():
    request = Request("ec2:RunInstances", context={"AWS:SOURCEIP": "203.0.113.9"})
    assert decide([policy(allow("ec2:*", Condition=OFFICE))], request) is ALLOWED


def test_derived_principal_keys():
    request = Request("s3:GetObject", principal=SESSION)
    assert request.values("aws:PrincipalArn") == [ROLE]
    assert request.values("aws:PrincipalAccount") == [ACCOUNT]
    assert request.values("aws:username") is None
    assert Request("s3:GetObject", principal=f"arn:aws:iam::{ACCOUNT}:user/dev/ana").values(
        "aws:username") == ["ana"]


# -- boundaries, session policies, SCPs, RCPs --------------------------------------------------

S3_ONLY = policy(allow("s3:*"))
EC2_AND_S3 = policy(allow(["ec2:*", "s3:*"]))


@pytest.mark.parametrize("kwargs, action, expected", [
    pytest.param({"identity": [EC2_AND_S3], "boundary": [S3_ONLY]}, "s3:GetObject", ALLOWED,
                 id="boundary-and-identity-allow"),
    pytest.param({"identity": [EC2_AND_S3], "boundary": [S3_ONLY]}, "ec2:RunInstances", IMPLICIT,
                 id="boundary-limits-identity"),
    pytest.param({"identity": [S3_ONLY], "boundary": [EC2_AND_S3]}, "ec2:RunInstances", IMPLICIT,
                 id="boundary-never-grants"),
    pytest.param({"identity": [ADMIN], "boundary": [policy(allow("*"), deny("iam:*"))]}, "iam:CreateUser",
                 EXPLICIT, id="deny-in-boundary"),
    pytest.param({"identity": [EC2_AND_S3], "session": [S3_ONLY]}, "ec2:RunInstances", IMPLICIT,
                 id="session-policy-limits"),
    pytest.param({"identity": [S3_ONLY], "session": [ADMIN]}, "ec2:RunInstances", IMPLICIT,
                 id="session-policy-never-grants"),
    pytest.param({"identity": [ADMIN], "scps": [S3_ONLY]}, "ec2:RunInstances", IMPLICIT,
                 id="scp-limits-admin"),
    pytest.param({"identity": [S3_ONLY], "scps": [ADMIN]}, "ec2:RunInstances", IMPLICIT,
                 id="scp-never-grants"),
    pytest.param({"identity": [ADMIN], "scps": [ADMIN, policy(deny("ec2:*"))]}, "ec2:RunInstances",
                 EXPLICIT, id="deny-list-scp"),
    pytest.param({"identity": [ADMIN], "scps": []}, "s3:GetObject", IMPLICIT, id="no-scp-allows"),
    pytest.param({"identity": [ADMIN], "scps": None}, "s3:GetObject", ALLOWED, id="no-organization"),
    pytest.param({"identity": [ADMIN], "rcps": [policy(grant("*", "*", "*", effect="Deny", Condition={
        "StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}}))]}, "s3:GetObject", IMPLICIT,
        id="rcp-without-allow-denies"),
])
def test_limits(kwargs, action, expected):
    assert evaluate(Request(action, OBJECT, SESSION), **kwargs).decision is expected


def test_rcp_deny_stops_other_accounts():
    rcps = [policy(grant("*", "*", "*")), policy(grant("*", "s3:*", "*", effect="Deny", Condition={
        "StringNotEqualsIfExists": {"aws:PrincipalAccount": ACCOUNT}}))]
    bucket_policy = policy(grant({"AWS": OTHER}, "s3:GetObject", "arn:aws:s3:::reports/*"))
    outsider = Request("s3:GetObject", OBJECT, BOB_ELSEWHERE, resource_account=ACCOUNT)
    assert evaluate(outsider, identity=[ADMIN], resource=bucket_policy).decision is ALLOWED
    assert evaluate(outsider, identity=[ADMIN], resource=bucket_policy, rcps=rcps).decision is EXPLICIT


# -- VPC endpoint policies ---------------------------------------------------------------------

ROOT = f"arn:aws:iam::{ACCOUNT}:root"
REPORTS_ONLY = policy(grant("*", "s3:*", [BUCKET, "arn:aws:s3:::reports/*"]))


@pytest.mark.parametrize("endpoint, principal, kwargs, expected", [
    pytest.param(REPORTS_ONLY, ALICE, {}, ALLOWED, id="endpoint-and-identity-allow"),
    pytest.param(policy(grant("*", "s3:*", "arn:aws:s3:::other/*")), ALICE, {}, IMPLICIT,
                 id="endpoint-limits-identity"),
    pytest.param(REPORTS_ONLY, ALICE, {"identity": [policy(allow("ec2:*"))]}, IMPLICIT,
                 id="endpoint-never-grants"),
    pytest.param(policy(grant("*", "*", "*"), grant("*", "s3:Get*", "*", effect="Deny")), ALICE, {},
                 EXPLICIT, id="deny-in-endpoint"),
    pytest.param(policy(grant({"AWS": ACCOUNT}, "s3:*", "*")), ALICE, {}, IMPLICIT,
                 id="gateway-account-id-is-root-only"),
    pytest.param(policy(grant({"AWS": ROOT}, "s3:*", "*")), SESSION, {}, IMPLICIT,
                 id="gateway-root-arn-is-root-only"),
    pytest.param(policy(grant({"AWS": ROOT}, "s3:*", "*")), ROOT, {}, ALLOWED, id="gateway-root-user"),
    pytest.param(policy(grant({"AWS": ACCOUNT}, "s3:*", "*")), ALICE, {"endpoint_type": "Interface"},
                 ALLOWED, id="interface-account-is-everyone-in-it"),
    pytest.param(policy(grant("*", "s3:*", "*", Condition={"ArnEquals": {"aws:PrincipalArn": ROLE}})),
                 SESSION, {}, ALLOWED, id="gateway-principal-arn-condition"),
])
def test_endpoint_policies(endpoint, principal, kwargs, expected):
    kwargs = {"identity": [ADMIN], **kwargs}
    assert evaluate(Request("s3:GetObject", OBJECT, principal), endpoint=endpoint,
                    **kwargs).decision is expected


def test_endpoint_implicit_deny_names_the_endpoint_policy():
    verdict = evaluate(Request("s3:PutObject", "arn:aws:s3:::other/x", ALICE), identity=[ADMIN],
                       endpoint={"vpce-1": REPORTS_ONLY})
    assert verdict.trail == (
        f"no VPC endpoint policy allows s3:PutObject on arn:aws:s3:::other/x by {ALICE}",)


def test_allowed_by_lists_every_allow_relied_on_in_order():
    verdict = evaluate(Request("s3:GetObject", OBJECT, SESSION), identity={"s3": S3_ONLY},
                       endpoint={"vpce-1": REPORTS_ONLY}, scps=[ADMIN], boundary=[EC2_AND_S3])
    assert verdict.allowed
    assert verdict.allowed_by == (
        StatementRef("SCP policy 1", 0), StatementRef("VPC endpoint policy 'vpce-1'", 0),
        StatementRef("identity policy 's3'", 0), StatementRef("boundary policy 1", 0))
    assert verdict.statement == StatementRef("identity policy 's3'", 0)
    denied = evaluate(Request("s3:GetObject", OBJECT, SESSION), identity=[S3_ONLY], endpoint=REPORTS_ONLY,
                      boundary=[policy(allow("ec2:*"))])
    assert denied.decision is IMPLICIT and len(denied.allowed_by) == 2


# -- resource-based policies -------------------------------------------------------------------

def bucket(principal, **extra):
    return policy(grant(principal, "s3:GetObject", "arn:aws:s3:::reports/*", **extra))


@pytest.mark.parametrize("principal, resource, kwargs, expected", [
    pytest.param(ALICE, bucket({"AWS": ALICE}), {}, ALLOWED, id="user-named-needs-no-identity-allow"),
    pytest.param(ALICE, bucket({"AWS": ALICE}), {"boundary": [policy(allow("ec2:*"))]}, ALLOWED,
                 id="user-named-not-limited-by-boundary"),
    pytest.param(ALICE, bucket({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), {}, IMPLICIT,
                 id="account-named-delegates-to-iam"),
    pytest.param(ALICE, bucket({"AWS": ACCOUNT}), {"identity": [READ_REPORTS]}, ALLOWED,
                 id="account-named-plus-identity-allow"),
    pytest.param(ALICE, bucket("*"), {}, ALLOWED, id="public-bucket"),
    pytest.param(None, bucket("*"), {}, ALLOWED, id="public-bucket-anonymous"),
    pytest.param(None, bucket({"AWS": ALICE}), {}, IMPLICIT, id="anonymous-not-alice"),
    pytest.param(SESSION, bucket({"AWS": SESSION}), {"session": [policy(allow("ec2:*"))]}, ALLOWED,
                 id="session-named-not-limited-by-session-policy"),
    pytest.param(SESSION, bucket({"AWS": ROLE}), {}, ALLOWED, id="role-named-stands-in-for-identity"),
    pytest.param(SESSION, bucket({"AWS": ROLE}), {"session": [policy(allow("ec2:*"))]}, IMPLICIT,
                 id="role-named-limited-by-session-policy"),
    pytest.param(SESSION, bucket({"AWS": ROLE}), {"boundary": [policy(allow("ec2:*"))]}, IMPLICIT,
                 id="role-named-limited-by-boundary"),
    pytest.param(ALICE, bucket({"AWS": ALICE}, effect="Deny"), {"identity": [ADMIN]}, EXPLICIT,
                 id="bucket-policy-deny"),
])
def test_resource_policies_same_account(principal, resource, kwargs, expected):
    request = Request("s3:GetObject", OBJECT, principal)
    assert evaluate(request, resource=resource, **kwargs).decision is expected


@pytest.mark.parametrize("resource, identity, expected", [
    pytest.param(bucket({"AWS": OTHER}), [READ_REPORTS], ALLOWED, id="both-sides-allow"),
    pytest.param(bucket({"AWS": BOB_ELSEWHERE}), [], IMPLICIT, id="resource-alone-is-not-enough"),
    pytest.param(None, [ADMIN], IMPLICIT, id="identity-alone-is-not-enough"),
    pytest.param(bucket({"AWS": ALICE}), [ADMIN], IMPLICIT, id="another-principal-named"),
])
def test_cross_account(resource, identity, expected):
    request = Request("s3:GetObject", OBJECT, BOB_ELSEWHERE, resource_account=ACCOUNT)
    assert request.cross_account
    assert evaluate(request, identity=identity, resource=resource).decision is expected


@pytest.mark.parametrize("element, principal, expected", [
    pytest.param("*", None, "direct", id="star-everyone"),
    pytest.param({"AWS": ["arn:aws:iam::1:user/x", ALICE]}, ALICE, "direct", id="listed-user"),
    pytest.param({"AWS": ROLE}, SESSION, "role", id="role-of-session"),
    pytest.param({"AWS": [ACCOUNT, SESSION]}, SESSION, "direct", id="closest-wins"),
    pytest.param({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, ALICE, "account", id="account-root"),
    pytest.param({"Service": "ec2.amazonaws.com"}, "ec2.amazonaws.com", "direct", id="service"),
    pytest.param({"Service": "ec2.amazonaws.com"}, "lambda.amazonaws.com", None, id="other-service"),
    pytest.param({"AWS": OTHER}, ALICE, None, id="other-account"),
])
def test_principal_match(element, principal, expected):
    assert principal_match(element, principal) == expected


@pytest.mark.parametrize("element, principal, expected", [
    pytest.param({"AWS": ACCOUNT}, ALICE, None, id="account-id-not-its-users"),
    pytest.param({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, SESSION, None, id="root-arn-not-its-roles"),
    pytest.param({"AWS": ACCOUNT}, f"arn:aws:iam::{ACCOUNT}:root", "account", id="root-user"),
    pytest.param({"AWS": [ACCOUNT, ALICE]}, ALICE, "direct", id="named-user-still-matches"),
    pytest.param({"AWS": ROLE}, SESSION, "role", id="role-still-matches"),
])
def test_principal_match_where_an_account_means_its_root(element, principal, expected):
    assert principal_match(element, principal, account_means_root=True) == expected


@pytest.mark.parametrize("listed, principal, excluded", [
    pytest.param([ALICE, f"arn:aws:iam::{ACCOUNT}:root"], ALICE, True, id="user-and-account-listed"),
    pytest.param([ALICE], ALICE, False, id="user-alone-is-not-enough"),
    pytest.param([ROLE, SESSION, ACCOUNT], SESSION, True, id="session-role-account"),
    pytest.param([ROLE, ACCOUNT], SESSION, False, id="session-itself-missing"),
])
def test_not_principal_needs_every_identity(listed, principal, excluded):
    assert not_principal_excludes({"AWS": listed}, principal) is excluded


def test_deny_with_not_principal_spares_only_the_listed():
    resource = policy({"Effect": "Deny", "NotPrincipal": {"AWS": [ALICE, ACCOUNT]}, "Action": "s3:*",
                       "Resource": "arn:aws:s3:::reports/*"})
    carol = f"arn:aws:iam::{ACCOUNT}:user/carol"
    assert evaluate(Request("s3:GetObject", OBJECT, ALICE), identity=[ADMIN], resource=resource)
    assert evaluate(Request("s3:GetObject", OBJECT, carol), identity=[ADMIN],
                    resource=resource).decision is EXPLICIT


# -- trust policies ----------------------------------------------------------------------------

EC2_TRUST = policy(grant({"Service": "ec2.amazonaws.com"}, "sts:AssumeRole"))
PARTNER_TRUST = policy(grant({"AWS": f"arn:aws:iam::{OTHER}:root"}, "sts:AssumeRole",
                             Condition={"StringEquals": {"sts:ExternalId": "Unicorn-42"}}))
ANYONE_TRUST = policy(grant({"AWS": "*"}, "sts:AssumeRole"))


@pytest.mark.parametrize("trust, principal, context, identity, expected", [
    pytest.param(EC2_TRUST, "ec2.amazonaws.com", {}, [], ALLOWED, id="service-principal"),
    pytest.param(EC2_TRUST, "lambda.amazonaws.com", {}, [], IMPLICIT, id="other-service"),
    pytest.param(EC2_TRUST, ALICE, {}, [ADMIN], IMPLICIT, id="admin-not-in-trust"),
    pytest.param(PARTNER_TRUST, BOB_ELSEWHERE, {"sts:ExternalId": "Unicorn-42"}, [ADMIN], ALLOWED,
                 id="right-external-id"),
    pytest.param(PARTNER_TRUST, BOB_ELSEWHERE, {"sts:ExternalId": "guess"}, [ADMIN], IMPLICIT,
                 id="wrong-external-id"),
    pytest.param(PARTNER_TRUST, BOB_ELSEWHERE, {}, [ADMIN], IMPLICIT, id="missing-external-id"),
    pytest.param(PARTNER_TRUST, BOB_ELSEWHERE, {"sts:ExternalId": "Unicorn-42"}, [], IMPLICIT,
                 id="partner-needs-own-permission"),
    pytest.param(ANYONE_TRUST, BOB_ELSEWHERE, {}, [ADMIN], ALLOWED, id="trust-star-lets-anyone-in"),
])
def test_can_assume_role(trust, principal, context, identity, expected):
    verdict = can_assume_role(ROLE, trust, principal, context=context, identity=identity)
    assert verdict.decision is expected


def test_same_account_user_named_in_trust_needs_no_identity_permission():
    trust = policy(grant({"AWS": ALICE}, "sts:AssumeRole"))
    assert can_assume_role(ROLE, trust, ALICE).allowed
    by_account = policy(grant({"AWS": ACCOUNT}, "sts:AssumeRole"))
    assert not can_assume_role(ROLE, by_account, ALICE).allowed
    assert can_assume_role(ROLE, by_account, ALICE, identity=[policy(allow("sts:AssumeRole", ROLE))])


def test_a_callers_boundary_caps_assume_role_even_when_the_trust_policy_names_the_caller():
    """AWS: a user named in a role's trust policy still needs a boundary that allows sts:AssumeRole."""
    trust = policy(grant({"AWS": ALICE}, "sts:AssumeRole"))
    only_s3 = policy(allow("s3:*"))
    verdict = can_assume_role(ROLE, trust, ALICE, boundary=only_s3)
    assert verdict.decision is IMPLICIT and verdict.trail[-1].startswith("the boundary policy does not allow")
    assert can_assume_role(ROLE, trust, ALICE, boundary=policy(allow("sts:AssumeRole"))).allowed
    with_deny = policy(allow("*"), deny("sts:AssumeRole", ROLE))
    assert can_assume_role(ROLE, trust, ALICE, boundary=with_deny).decision is EXPLICIT


# -- documents AWS would reject ----------------------------------------------------------------

@pytest.mark.parametrize("document, kwargs, message", [
    pytest.param("{not json", {}, "not valid JSON", id="not-json"),
    pytest.param({"Version": "2012-10-17"}, {}, "Statement", id="no-statement"),
    pytest.param(policy({"Effect": "allow", "Action": "*", "Resource": "*"}), {}, "Effect", id="effect-case"),
    pytest.param(policy({"Effect": "Allow", "Action": "*", "NotAction": "iam:*", "Resource": "*"}), {},
                 "exactly one of Action", id="action-and-notaction"),
    pytest.param(policy({"Effect": "Allow", "Action": "*"}), {}, "Resource", id="identity-without-resource"),
    pytest.param(policy({"Effect": "Allow", "Action": "*", "Resource": "*", "NotResource": "x"}), {},
                 "at most one of Resource", id="resource-and-notresource"),
    pytest.param(policy(grant("*", "s3:*", "*")), {}, "Principal", id="principal-in-identity-policy"),
    pytest.param(policy(allow("s3:*", Condition={"StringEqualz": {"a": "b"}})), {}, "StringEqualz",
                 id="unknown-operator"),
    pytest.param(policy(allow("s3:*", Condition={"NullIfExists": {"a": "true"}})), {}, "NullIfExists",
                 id="null-has-no-ifexists"),
])
def test_malformed_policies_raise_policy_error(document, kwargs, message):
    with pytest.raises(PolicyError, match=message):
        evaluate(Request("s3:GetObject", OBJECT), identity=[document], **kwargs)


def test_resource_policy_must_name_a_principal():
    with pytest.raises(PolicyError, match="names a Principal"):
        evaluate(Request("s3:GetObject", OBJECT), resource=READ_REPORTS)
    with pytest.raises(PolicyError, match="names a Principal"):
        evaluate(Request("s3:GetObject", OBJECT), identity=[ADMIN], endpoint=READ_REPORTS)


def test_resource_policy_may_not_have_resource_and_notresource():
    both = policy(grant("*", "s3:*", "*", NotResource=BUCKET))
    with pytest.raises(PolicyError, match="at most one of Resource"):
        evaluate(Request("s3:GetObject", OBJECT), resource=both)
