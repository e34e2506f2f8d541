"""grader/checks/iam_profiles.py: roles only EC2 may assume, over-broad grants, instance profiles
and calls with an instance's credentials pass on correct answers and fail with messages naming the
learner's real roles, profiles and callers."""

from __future__ import annotations

import json

import pytest

from grader.checks import iam_profiles as checks
from grader.scenarios.ec2 import IMDSV1_ALLOWED, launch, set_metadata_options
from grader.scenarios.iam import EC2_TRUST, instance_role, objects_policy, team_bucket, trust

from .failures import failure

ACCOUNT = "123456789012"
BUCKET, PREFIX = "acme-invoices", "incoming/"
GET_PUT = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
     "Resource": f"arn:aws:s3:::{BUCKET}/{PREFIX}*"}]}



@pytest.fixture
def app(session):
    team_bucket(session, BUCKET, PREFIX, None)
    return instance_role(session, "invoice-app", GET_PUT)


# -- role_and_profile, instance_profile_holds ----------------------------------------------------

def test_role_and_profile_reads_both_arns(app):
    value = {"role_arn": app["role_arn"], "instance_profile_arn": app["profile_arn"]}
    assert checks.role_and_profile(value) == (app["role_arn"], app["profile_arn"])


def test_role_and_profile_refuses_none_and_names(app):
    assert failure(checks.role_and_profile, None)["found"] == "None (a NoneType)"
    message = failure(checks.role_and_profile,
                      {"role_arn": app["role_arn"], "instance_profile_arn": "invoice-app"})
    assert message["what"] == "The 'instance_profile_arn' your function returned"
    assert message["next"] == ("Return the ARN from the create call's response: "
                               "create_instance_profile(...)['InstanceProfile']['Arn'].")
    message = failure(checks.role_and_profile, {"instance_profile_arn": app["profile_arn"]})
    assert message["expected"] == "the ARN of the role, like 'arn:aws:iam::123456789012:role/web-app'"


def test_instance_profile_holds_passes(session, app):
    assert checks.instance_profile_holds(session, app["profile_arn"], app["role_arn"]) is None


def test_an_empty_profile_is_named_with_the_call_that_fills_it(session, app):
    arn = session.client("iam").create_instance_profile(InstanceProfileName="empty")["InstanceProfile"]["Arn"]
    message = failure(checks.instance_profile_holds, session, arn, app["role_arn"])
    assert message["what"] == f"Instance profile {arn} holds role {app['role_arn']}"
    assert message["found"] == "no role"
    assert message["next"].startswith("A new profile is an empty container")


def test_a_profile_holding_another_role(session, app):
    other = instance_role(session, "other", GET_PUT)
    message = failure(checks.instance_profile_holds, session, other["profile_arn"], app["role_arn"])
    assert message["found"] == other["role_arn"]
    assert message["next"].startswith("A profile holds exactly one role")


def test_a_missing_profile(session, app):
    message = failure(checks.instance_profile_holds, session,
                      f"arn:aws:iam::{ACCOUNT}:instance-profile/never-made", app["role_arn"])
    assert message["found"] == "none (NoSuchEntity)"


# -- service_trust, service_trust_table ------------------------------------------------------------

def test_an_ec2_only_trust_passes(session, app):
    checks.service_trust(session, app["role_arn"], "ec2.amazonaws.com")
    checks.service_trust(session, "invoice-app", others={"a partner": "arn:aws:iam::444455556666:user/x"})


@pytest.mark.parametrize("principal, caller", [
    pytest.param({"AWS": "*", "Service": "ec2.amazonaws.com"}, "the service lambda.amazonaws.com",
                 id="anyone"),
    pytest.param({"AWS": f"arn:aws:iam::{ACCOUNT}:root", "Service": "ec2.amazonaws.com"}, f"{ACCOUNT} root",
                 id="account"),
    pytest.param({"Service": ["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"]},
                 "the service ecs-tasks.amazonaws.com", id="two-services"),
])
def test_a_trust_that_lets_others_in_names_the_first_caller(session, principal, caller):
    session.client("iam").create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps(trust(principal)))
    message = failure(checks.service_trust, session, "app")
    assert message["what"] == f"Role app's trust policy: may {caller} assume it?"
    assert message["expected"] == "no" and message["found"] == "yes (allowed)"
    assert message["next"].endswith('Name only the service that needs the role: {"Service": '
                                    '"ec2.amazonaws.com"}; never "*", an account or a user.')


def test_a_trust_for_the_wrong_service_refuses_ec2(session):
    session.client("iam").create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps(
        trust({"Service": "lambda.amazonaws.com"})))
    message = failure(checks.service_trust, session, f"arn:aws:iam::{ACCOUNT}:role/app")
    assert message["what"] == "Role app's trust policy: may the service ec2.amazonaws.com assume it?"
    assert message["found"] == "no (implicitDeny)"
    assert message["next"].startswith("The simulator says: no resource-based policy allows sts:AssumeRole")
    assert message["next"].endswith(
        'allow sts:AssumeRole for the Principal {"Service": "ec2.amazonaws.com"}.')


def test_others_are_tried_too(session):
    session.client("iam").create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps(trust(
        {"Service": "ec2.amazonaws.com", "AWS": "arn:aws:iam::444455556666:user/integration"})))
    message = failure(checks.service_trust, session, "app",
                      others={"a partner's user": "arn:aws:iam::444455556666:user/integration"})
    assert message["what"] == "Role app's trust policy: may a partner's user assume it?"


def test_a_trust_without_principal_is_not_a_trust_policy(session):
    """moto accepts a trust policy without a Principal; AWS rejects it."""
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
    session.client("iam").create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps(document))
    message = failure(checks.service_trust, session, "app")
    assert message["what"] == "Role app's trust policy is valid"
    assert message["found"] == "A resource-based policy names a Principal"


def test_service_trust_table_one_row_per_caller(session, app):
    rows = checks.service_trust_table(session, app["role_arn"])
    assert [(r["caller"], r["expected"], r["may assume"]) for r in rows[:2]] == [
        ("the service ec2.amazonaws.com", "yes", "yes"), ("the service lambda.amazonaws.com", "no", "no")]
    assert rows[-1]["caller"] == "anyone, anonymously" and len(rows) == 10
    assert rows[0]["why"] == "statement 0 of resource policy 'trust policy' allows it (direct principal)"


# -- role_not_broad, role_decides ----------------------------------------------------------------

def test_role_not_broad_passes_for_a_scoped_policy(session, app):
    assert checks.role_not_broad(session, app["role_arn"]) is None


@pytest.mark.parametrize("statement, grants", [
    pytest.param({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, "s3:*", id="s3-star"),
    pytest.param({"Effect": "Allow", "Action": "*", "Resource": "*"}, "*", id="admin"),
    pytest.param({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}, "NotAction", id="not-action"),
])
def test_a_broad_statement_is_named_with_its_policy(session, statement, grants):
    instance_role(session, "app", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/p/*"}, statement]})
    message = failure(checks.role_not_broad, session, "app")
    assert message["what"] == "Role app's policies grant only what its application needs"
    assert message["found"] == f"inline:app-access, statement 1: Allow {grants} on every resource"
    assert message["next"].startswith("This is the trap: it works")


def test_a_broad_customer_managed_policy_is_found_too(session):
    iam = session.client("iam")
    instance_role(session, "app", objects_policy("b", "p/"))
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "S3:*", "Resource": "*"}]}
    arn = iam.create_policy(PolicyName="all-s3", PolicyDocument=json.dumps(document))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="app", PolicyArn=arn)
    found = failure(checks.role_not_broad, session, "app")["found"]
    assert found.startswith("all-s3, statement 0: Allow S3:*")


class _FakeIam:
    """Answers list_attached_role_policies as AWS would with AdministratorAccess attached
    (this mock loads no AWS-managed policies, so it cannot be attached for real)."""

    def list_attached_role_policies(self, RoleName):
        return {"AttachedPolicies": [{"PolicyName": "AdministratorAccess",
                                      "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}


class _FakeSession:
    def client(self, service):
        return _FakeIam()


def test_an_aws_managed_full_access_policy_is_refused_by_name():
    message = failure(checks.role_not_broad, _FakeSession(), "app")
    assert message["found"] == "arn:aws:iam::aws:policy/AdministratorAccess is attached"
    assert message["expected"] == "no AWS-managed policy granting full access"


def test_role_decides_on_actions_too_dangerous_to_try(session, app):
    checks.role_decides(session, "invoice-app", [
        ("s3:PutBucketPolicy", f"arn:aws:s3:::{BUCKET}", {}, False),
        ("s3:GetObject", f"arn:aws:s3:::{BUCKET}/{PREFIX}a", {}, True)])
    message = failure(checks.role_decides, session, "invoice-app",
                      [("s3:PutObject", f"arn:aws:s3:::{BUCKET}/{PREFIX}a.pdf", {}, False)])
    assert message["what"] == (f"Role invoice-app's policies: s3:PutObject on "
                               f"arn:aws:s3:::{BUCKET}/{PREFIX}a.pdf")


# -- calls with a role's and an instance's credentials (enforced) ----------------------------------

def test_role_calls_behave_passes_and_names_the_role(session, app):
    checks.role_calls_behave(session, app["role_arn"], [
        ("s3", "put_object", {"Bucket": BUCKET, "Key": f"{PREFIX}a.pdf", "Body": b"1"}, True),
        ("s3", "get_object", {"Bucket": BUCKET, "Key": "secret/salaries.csv"}, False)])
    message = failure(checks.role_calls_behave, session, app["role_arn"],
                      [("s3", "delete_object", {"Bucket": BUCKET, "Key": f"{PREFIX}summary.csv"}, True)])
    assert message["what"] == (f"A session of role invoice-app calls s3.delete_object(Bucket='{BUCKET}', "
                               f"Key='{PREFIX}summary.csv') with the role's temporary credentials")
    assert message["found"].startswith("AccessDenied")


def test_instance_calls_behave_uses_the_instance_profile(session, app):
    instance_id = launch(session, "invoices-1", profile=app["profile_name"])
    checks.instance_calls_behave(session, instance_id, [
        ("s3", "get_object", {"Bucket": BUCKET, "Key": f"{PREFIX}summary.csv"}, True),
        ("s3", "get_object", {"Bucket": f"{BUCKET}-archive", "Key": f"{PREFIX}summary.csv"}, False)])
    message = failure(checks.instance_calls_behave, session, instance_id,
                      [("s3", "list_buckets", {}, True)])
    assert message["what"] == (f"An application on {instance_id} calls s3.list_buckets() with the "
                               "instance's role credentials")


@pytest.mark.parametrize("breakage, found", [
    ("none", "none: it has no instance profile"),
    ("endpoint", "none: its instance metadata endpoint is disabled"),
])
def test_an_instance_without_credentials_says_why(session, app, breakage, found):
    instance_id = launch(session, "invoices-1", profile=None if breakage == "none" else app["profile_name"])
    if breakage == "endpoint":
        set_metadata_options(session, instance_id, {**IMDSV1_ALLOWED, "HttpEndpoint": "disabled"})
    message = failure(checks.instance_calls_behave, session, instance_id, [("s3", "list_buckets", {}, False)])
    assert message["what"] == (f"Applications on instance {instance_id} get role credentials from its "
                               "metadata service")
    assert message["found"] == found
    assert message["next"].startswith("An instance needs a live association with a profile that holds a role")


def test_ec2_trust_is_what_instance_role_uses(session):
    role = instance_role(session, "web", objects_policy("b", "p/"))
    document = session.client("iam").get_role(RoleName="web")["Role"]["AssumeRolePolicyDocument"]
    assert document == EC2_TRUST and role["profile_name"] == "web-profile"
