"""The IAM checks pass on correct answers and fail with messages naming the learner's real
identities, policies and requests. Checks run against real moto (enforcement included)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from grader.checks import iam as checks
from grader.enforcement import signed_session
from grader.scenarios.iam import role_with_policy, seeded_account, team_bucket, user_with_policy
from grader.sim.iam_review import review
from grader.state.iam import authorization_details

from .failures import failure

BUCKET, PREFIX = "team-reports", "reports/"
READ_PREFIX = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/{PREFIX}*"},
    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}",
     "Condition": {"StringLike": {"s3:prefix": [f"{PREFIX}*"]}}}]}


@pytest.fixture
def team(session):
    return team_bucket(session, BUCKET, PREFIX, "analysts", ["ana"])


def attach(session, group, document, name="read"):
    iam = session.client("iam")
    arn = iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(document))["Policy"]["Arn"]
    iam.attach_group_policy(GroupName=group, PolicyArn=arn)
    return arn


# -- customer_managed_on_group -----------------------------------------------------------------

def test_customer_managed_on_group_passes(session, team):
    arn = attach(session, "analysts", READ_PREFIX)
    assert checks.customer_managed_on_group(session, "analysts", arn) is None


def test_a_returned_name_is_not_an_arn(session, team):
    message = failure(checks.customer_managed_on_group, session, "analysts", "read")
    assert message["found"] == "'read' (a str)"
    assert message["next"] == "Return create_policy(...)['Policy']['Arn']: the ARN, not the name."


def test_an_aws_managed_policy_is_refused(session, team):
    message = failure(checks.customer_managed_on_group, session, "analysts",
                      "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    assert message["what"] == "Policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess is customer-managed"
    assert message["next"].startswith("AWS-managed policies (arn:aws:iam::aws:policy/...) are broad")


def test_a_made_up_arn_does_not_exist(session, team):
    message = failure(checks.customer_managed_on_group, session, "analysts",
                      "arn:aws:iam::123456789012:policy/never-made")
    assert message["found"] == "no such policy (NoSuchEntity)"


def test_attached_to_members_instead_of_the_group(session, team):
    iam = session.client("iam")
    arn = iam.create_policy(PolicyName="read", PolicyDocument=json.dumps(READ_PREFIX))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="ana", PolicyArn=arn)
    message = failure(checks.customer_managed_on_group, session, "analysts", arn)
    assert message["found"] == "no attached policies"
    assert message["next"].startswith("It is attached to ana one by one: attach it to the group instead")


def test_an_inline_group_policy_is_named(session, team):
    iam = session.client("iam")
    iam.put_group_policy(GroupName="analysts", PolicyName="inline-read",
                         PolicyDocument=json.dumps(READ_PREFIX))
    arn = iam.create_policy(PolicyName="read", PolicyDocument=json.dumps(READ_PREFIX))["Policy"]["Arn"]
    message = failure(checks.customer_managed_on_group, session, "analysts", arn)
    assert message["next"].startswith("The group holds an inline policy (inline-read)")


def test_a_policy_attached_nowhere(session, team):
    arn = session.client("iam").create_policy(PolicyName="read", PolicyDocument=json.dumps(READ_PREFIX))[
        "Policy"]["Arn"]
    message = failure(checks.customer_managed_on_group, session, "analysts", arn)
    assert message["next"] == "Attach it with iam.attach_group_policy(GroupName=..., PolicyArn=...)."


# -- calls_behave (enforced) -------------------------------------------------------------------

def test_calls_behave_passes_for_the_right_policy(session, team):
    attach(session, "analysts", READ_PREFIX)
    checks.calls_behave(session, "ana", [
        ("s3", "get_object", {"Bucket": BUCKET, "Key": team["inside"][0]}, True),
        ("s3", "list_objects_v2", {"Bucket": BUCKET, "Prefix": PREFIX}, True),
        ("s3", "get_object", {"Bucket": BUCKET, "Key": "reports/missing.csv"}, True),  # NoSuchKey: past IAM
        ("s3", "get_object", {"Bucket": BUCKET, "Key": team["outside"][0]}, False),
        ("s3", "put_object", {"Bucket": BUCKET, "Key": "reports/x", "Body": b"1"}, False),
    ])
    assert session.client("s3").list_buckets()["Buckets"], "the admin session works again afterwards"


def test_a_refused_call_that_should_pass_names_the_call_and_resource(session, team):
    attach(session, "analysts", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}/*"}]})
    message = failure(checks.calls_behave, session, "ana",
                      [("s3", "list_objects_v2", {"Bucket": BUCKET, "Prefix": PREFIX}, True)])
    assert message["what"] == (f"ana calls s3.list_objects_v2(Bucket='{BUCKET}', Prefix='{PREFIX}') "
                               "with their own access key")
    assert message["expected"] == "allowed"
    assert message["found"].startswith("AccessDenied: ")
    assert message["next"].startswith(f"Find the statement that should allow s3:ListBucket on "
                                      f"arn:aws:s3:::{BUCKET}: check its Action and its Resource")


def test_an_allowed_call_that_should_be_refused(session, team):
    attach(session, "analysts", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    message = failure(checks.calls_behave, session, "ana",
                      [("s3", "delete_bucket", {"Bucket": team["other_bucket"]}, False)])
    assert message["expected"] == "AccessDenied" and message["found"] == "allowed"
    assert "no s3:* and no Resource \"*\"" in message["next"]


def test_role_calls_behave_uses_the_roles_temporary_credentials(session, team):
    arn = role_with_policy(session, "reader", READ_PREFIX)
    checks.role_calls_behave(session, arn, [
        ("s3", "get_object", {"Bucket": BUCKET, "Key": team["inside"][0]}, True),
        ("s3", "get_object", {"Bucket": BUCKET, "Key": team["outside"][0]}, False)])
    message = failure(checks.role_calls_behave, session, arn,
                      [("s3", "put_object", {"Bucket": BUCKET, "Key": "reports/x", "Body": b"1"}, True)])
    assert message["what"] == (f"A session of role reader calls s3.put_object(Bucket='{BUCKET}', "
                               "Key='reports/x', Body=b'1') with the role's temporary credentials")
    assert message["found"].startswith("AccessDenied: ")


def test_session_calls_behave_names_who_and_switches_enforcement_off_again(session, team):
    session.client("iam").create_user(UserName="bob")
    key = session.client("iam").create_access_key(UserName="bob")["AccessKey"]
    message = failure(checks.session_calls_behave, signed_session(key), "Bob's script",
                      [("s3", "get_object", {"Bucket": BUCKET, "Key": team["inside"][0]}, True)])
    assert message["what"].startswith("Bob's script calls s3.get_object(") and message["what"].endswith(
        "with its credentials")
    assert session.client("s3").list_buckets()["Buckets"]


# -- decides / group_decides (simulator) -------------------------------------------------------

LIST = ("s3:ListBucket", f"arn:aws:s3:::{BUCKET}")


def test_group_decides_reads_the_condition_moto_ignores(session, team):
    attach(session, "analysts", READ_PREFIX)
    checks.group_decides(session, "analysts", [
        (*LIST, {"s3:prefix": PREFIX}, True), (*LIST, {"s3:prefix": "reports/2026/"}, True),
        (*LIST, {"s3:prefix": "secret/"}, False), (*LIST, {"s3:prefix": None}, False)])


def test_group_decides_names_the_allowing_statement(session, team):
    attach(session, "analysts", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}"}]})
    message = failure(checks.group_decides, session, "analysts", [(*LIST, {"s3:prefix": "secret/"}, False)])
    assert message["what"] == (f"Group analysts's policies: s3:ListBucket on arn:aws:s3:::{BUCKET} "
                               "with s3:prefix=secret/")
    assert message["expected"] == "denied"
    assert message["found"] == "allowed (statement 0 of identity policy 'read' allows it)"
    assert message["next"] == ("The simulator says: statement 0 of identity policy 'read' allows it. Narrow "
                               "that statement's Action or Resource, or add the condition it lacks.")


def test_decides_too_tight_and_absent_keys():
    context = {"s3:prefix": None, "aws:SourceIp": "1.2.3.4"}
    message = failure(checks.decides, READ_PREFIX, [(*LIST, context, True)])
    assert message["what"] == (f"The policy: s3:ListBucket on arn:aws:s3:::{BUCKET} with s3:prefix=(absent), "
                               "aws:SourceIp=1.2.3.4")
    assert message["found"].startswith("implicitDeny (no identity-based policy allows")
    assert message["next"].endswith("Which statement should allow it, and which of its parts (Action, "
                                    "Resource, Condition) does not match?")


def test_decides_names_a_deny_that_is_too_broad():
    fence = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}
    message = failure(checks.decides, [READ_PREFIX, fence], [(*LIST, {"s3:prefix": PREFIX}, True)])
    assert message["found"].startswith("explicitDeny (statement 0 of identity policy 'your policy 2' denies")
    assert message["next"].endswith("That Deny is broader than the task: narrow it.")


def test_decides_reports_an_invalid_policy():
    message = failure(checks.decides, {"Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]},
                      [("s3:GetObject", "*", {}, False)])
    assert message["what"] == "The policy is a valid IAM policy"
    assert message["found"] == "Effect must be Allow or Deny, not 'Maybe'"


def test_document_accepts_json_text_and_refuses_none():
    assert checks.document(json.dumps(READ_PREFIX)) == READ_PREFIX
    message = failure(checks.document, None)
    assert message["found"] == "A policy document is a JSON object with a Statement element"


# -- the MFA and office guard ------------------------------------------------------------------

OFFICE = ["203.0.113.0/24"]
EXEMPT = ["iam:EnableMFADevice", "sts:GetSessionToken"]


def guard(mfa_operator="BoolIfExists"):
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "NotAction": EXEMPT, "Resource": "*",
         "Condition": {mfa_operator: {"aws:MultiFactorAuthPresent": "false"}}},
        {"Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"NotIpAddress": {"aws:SourceIp": OFFICE}}}]}


def test_guard_cases_spell_out_the_rule():
    cases = checks.guard_cases(["s3:GetObject", "iam:EnableMFADevice"], ["203.0.113.5", "8.8.8.8"],
                               OFFICE, EXEMPT)
    allowed = {(a, c["aws:SourceIp"], c["aws:MultiFactorAuthPresent"]) for a, _, c, ok in cases if ok}
    office = "203.0.113.5"
    assert allowed == {("s3:GetObject", office, "true"), ("iam:EnableMFADevice", office, "true"),
                       ("iam:EnableMFADevice", office, "false"), ("iam:EnableMFADevice", office, None)}
    assert len(cases) == 12


def test_guard_behaves_passes_for_bool_if_exists():
    checks.guard_behaves(guard(), checks.guard_cases(
        ["s3:GetObject", "iam:EnableMFADevice"], ["203.0.113.5", "8.8.8.8"], OFFICE, EXEMPT))


def test_plain_bool_lets_access_keys_through():
    cases = checks.guard_cases(["ec2:TerminateInstances"], ["203.0.113.5"], OFFICE, EXEMPT,
                               sign_ins=("long-term access key",))
    message = failure(checks.guard_behaves, guard("Bool"), cases)
    assert message["what"] == ("The guard next to AdministratorAccess: ec2:TerminateInstances on * with "
                               "aws:SourceIp=203.0.113.5, aws:MultiFactorAuthPresent=(absent)")
    assert message["expected"] == "denied"
    assert message["found"] == "allowed (statement 0 of identity policy 'AdministratorAccess' allows it)"
    assert message["next"] == ("Your guard should deny this request and does not. Is its condition true "
                               "for this request? A key shown as (absent) is missing from it: which "
                               "operators are true then?")


def test_a_guard_that_denies_too_much_names_the_statement():
    strict = guard()
    strict["Statement"][0]["NotAction"] = []
    cases = checks.guard_cases(["iam:EnableMFADevice"], ["203.0.113.5"], OFFICE, EXEMPT,
                               sign_ins=("console without MFA",))
    message = failure(checks.guard_behaves, strict, cases)
    assert message["next"].startswith("Your guard denies a request it should leave alone (statement 0 of "
                                      "identity policy 'your policy' denies iam:EnableMFADevice on *)")


def test_a_guard_that_allows_is_caught_on_its_own():
    allowing = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "*", "Resource": "*",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}
    cases = checks.guard_cases(["s3:GetObject"], ["203.0.113.5"], OFFICE, EXEMPT,
                               sign_ins=("console with MFA",))
    message = failure(checks.guard_behaves, allowing, cases)
    assert message["what"].startswith("The guard on its own: s3:GetObject")
    assert message["next"] == ("A guard only denies: remove its Allow statements (statement 0 of identity "
                               "policy 'your policy' allows it).")


# -- decide_agrees (the learner's evaluator) ---------------------------------------------------

SECRET = f"arn:aws:s3:::{BUCKET}/reports/secret"
POLICIES = [READ_PREFIX, {"Version": "2012-10-17", "Statement": {
    "Effect": "Deny", "Action": "s3:*", "Resource": f"{SECRET}*"}}]


def test_reference_decide_speaks_the_simulator_words():
    assert checks.reference_decide(POLICIES, {"action": "s3:GetObject",
                                              "resource": f"arn:aws:s3:::{BUCKET}/reports/a"}) == "allowed"
    assert checks.reference_decide(POLICIES, {"action": "s3:GetObject",
                                              "resource": f"{SECRET}.csv"}) == "explicitDeny"


def test_decide_agrees_passes_for_the_reference():
    checks.decide_agrees(checks.reference_decide, POLICIES, checks.requests(
        ["s3:GetObject", "s3:PutObject"], [f"arn:aws:s3:::{BUCKET}/reports/a", SECRET]))


def test_decide_agrees_names_the_first_disagreement():
    message = failure(checks.decide_agrees, lambda policies, request: "allowed", POLICIES,
                      checks.requests(["s3:PutObject"], [f"arn:aws:s3:::{BUCKET}/x"]))
    assert message["what"].startswith(
        "decide agrees with the course's reference on 0 of 1 cases; first miss: "
        f"s3:PutObject on arn:aws:s3:::{BUCKET}/x (policies: ")
    assert message["expected"] == "'implicitDeny'" and message["found"] == "'allowed'"


# -- review_agrees -----------------------------------------------------------------------------

def reference_review(session):
    return pd.DataFrame([{"identity": f.identity, "policy": f.policy}
                         for f in review(authorization_details(session))])


def test_review_agrees_passes_for_the_reference(session):
    seeded_account(session, "acme", tricky=True)
    checks.review_agrees(reference_review, session)


def test_review_that_misses_not_action(session):
    seeded_account(session, "acme", tricky=True)

    def partial(session):
        table = reference_review(session)
        return table[table["policy"] != "deploy"]

    message = failure(checks.review_agrees, partial, session)
    assert message["what"] == "Over-broad grants found by review_account (6 of 7)"
    assert message["expected"] == "arn:aws:iam::123456789012:role/acme-ci holding policy 'deploy'"
    assert message["next"] == ("Its statement 0 allows NotAction on every resource. An Allow with NotAction "
                               "grants every action but the ones listed.")


def test_review_that_misses_an_upper_case_service(session):
    seeded_account(session, "acme", tricky=True)

    def lower_only(session):
        table = reference_review(session)
        return table[table["policy"] != "audit"]

    message = failure(checks.review_agrees, lower_only, session)
    assert message["next"] == ("Its statement 0 allows S3:* on every resource. Service prefixes are "
                               "case-insensitive: compare in lower case.")


def test_review_that_misses_a_managed_policy(session):
    seeded_account(session, "acme")

    def inline_only(session):
        table = reference_review(session)
        return table[table["policy"] == "debug"]

    message = failure(checks.review_agrees, inline_only, session)
    assert message["next"].endswith("read its default version from the Policies list of the same response.")


def test_review_that_flags_too_much(session):
    seeded_account(session, "acme", tricky=True)

    def everything(session):
        return pd.concat([reference_review(session), pd.DataFrame(
            [{"identity": "arn:aws:iam::123456789012:user/acme-intern", "policy": "acme-legacy"}])])

    message = failure(checks.review_agrees, everything, session)
    assert message["found"] == "arn:aws:iam::123456789012:user/acme-intern with policy 'acme-legacy'"


@pytest.mark.parametrize("returned, found", [
    (None, "None (a NoneType)"),
    (pd.DataFrame({"arn": []}), "a DataFrame with columns ['arn']"),
])
def test_review_must_return_the_table(session, returned, found):
    message = failure(checks.review_agrees, lambda session: returned, session)
    assert message["found"] == found


def test_review_that_raises(session):
    def broken(session):
        raise KeyError("Statement")

    message = failure(checks.review_agrees, broken, session)
    assert message["found"] == "raised KeyError: 'Statement'"


@pytest.mark.parametrize("service, operation, action", [
    ("s3", "get_object", "s3:GetObject"), ("s3", "list_objects_v2", "s3:ListBucket"),
    ("iam", "create_access_key", "iam:CreateAccessKey"), ("ec2", "describe_vpcs", "ec2:DescribeVpcs")])
def test_operations_are_named_by_their_iam_action(service, operation, action):
    assert checks._action(service, operation) == action


def test_user_with_policy_accepts_json_text(session):
    arn = user_with_policy(session, "ci", json.dumps(READ_PREFIX))
    attached = session.client("iam").list_attached_user_policies(UserName="ci")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [arn]


def test_guard_decisions_explain_each_case():
    cases = checks.guard_cases(["s3:GetObject"], ["8.8.8.8"], OFFICE, EXEMPT,
                               sign_ins=("long-term access key",))
    assert checks.guard_decisions(guard(), cases) == [{
        "action": "s3:GetObject", "from": "8.8.8.8", "sign-in": "long-term access key", "expected": "denied",
        "decision": "explicitDeny", "why": "statement 0 of identity policy 'guard' denies s3:GetObject on *"}]
