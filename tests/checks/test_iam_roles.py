"""The role checks pass on correct answers and fail with messages naming the learner's real
roles, policies, callers and requests. Checks run against real moto (enforcement included)."""

from __future__ import annotations

import json

import pytest

from grader.checks import iam_roles as checks
from grader.scenarios.iam import engineer_role, partner_account, roles, team_bucket, trust

from .failures import failure

BUCKET, PREFIX, VENDOR, ID = "lake-raw", "ingest/", "777788889999", "wt-4f9c2a71e0b3"


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*"):
    return {"Effect": "Allow", "Action": action, "Resource": resource}


READ_WRITE = policy(allow(["s3:GetObject", "s3:PutObject"], f"arn:aws:s3:::{BUCKET}/{PREFIX}*"))
READ_BUCKET = policy(allow("s3:GetObject", f"arn:aws:s3:::{BUCKET}/*"),
                     allow("s3:ListBucket", f"arn:aws:s3:::{BUCKET}"))


def managed(session, name, document=READ_WRITE):
    iam = session.client("iam")
    return iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(document))["Policy"]["Arn"]


@pytest.fixture
def jobs(session):
    team_bucket(session, BUCKET, PREFIX, None)
    return roles(session, ["etl", "analytics"], {"Service": "glue.amazonaws.com"})


# -- managed_on_roles / inline_only / role_decides ---------------------------------------------

def test_managed_on_roles_passes_for_one_shared_policy(session, jobs):
    arn = managed(session, "shared")
    for name in jobs:
        session.client("iam").attach_role_policy(RoleName=name, PolicyArn=arn)
    assert checks.managed_on_roles(session, list(jobs), arn) is None


def test_a_copy_per_role_is_named_with_the_number_of_changes_it_costs(session, jobs):
    iam = session.client("iam")
    for name in jobs:
        arn = managed(session, f"{name}-copy")
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    message = failure(checks.managed_on_roles, session, list(jobs), arn)
    assert message["what"] == f"Policy {arn} is attached to role etl"
    assert message["found"] == "arn:aws:iam::123456789012:policy/etl-copy"
    assert message["next"].startswith(
        "The role holds its own copy (arn:aws:iam::123456789012:policy/etl-copy): "
        "with one policy per role, every change has to be made 2 times")


def test_inline_copies_are_named(session, jobs):
    iam = session.client("iam")
    arn = managed(session, "unused")
    for name in jobs:
        iam.put_role_policy(RoleName=name, PolicyName="rw", PolicyDocument=json.dumps(READ_WRITE))
    message = failure(checks.managed_on_roles, session, list(jobs), arn)
    assert message["found"] == "no attached policies"
    assert message["next"].startswith("The role holds an inline policy (rw) instead")


def test_a_policy_attached_to_no_role(session, jobs):
    message = failure(checks.managed_on_roles, session, list(jobs), managed(session, "lonely"))
    assert message["next"] == ("Attach it with iam.attach_role_policy(RoleName=..., PolicyArn=...), "
                               "once per role.")


def test_copies_beside_the_shared_policy_are_extras(session, jobs):
    iam, arn = session.client("iam"), managed(session, "shared")
    for name in jobs:
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    iam.put_role_policy(RoleName="analytics", PolicyName="old", PolicyDocument=json.dumps(READ_WRITE))
    message = failure(checks.managed_on_roles, session, list(jobs), arn)
    assert message["what"] == "Role analytics holds its permissions in one place"
    assert message["found"] == "also inline old"


def test_a_name_is_not_a_policy_arn(session, jobs):
    message = failure(checks.managed_on_roles, session, list(jobs), "shared")
    assert message["found"] == "'shared' (a str)"


def test_inline_only(session, jobs):
    iam = session.client("iam")
    iam.put_role_policy(RoleName="etl", PolicyName="rw", PolicyDocument=json.dumps(READ_WRITE))
    assert checks.inline_only(session, "etl", "rw") is None
    assert failure(checks.inline_only, session, "etl", "read-write")["next"] == (
        "Return the PolicyName you passed to put_role_policy.")
    iam.attach_role_policy(RoleName="analytics", PolicyArn=managed(session, "rw"))
    message = failure(checks.inline_only, session, "analytics", "rw")
    assert message["found"] == "no inline policies"
    assert message["next"].startswith("The permissions reach the role through a managed policy "
                                      "(arn:aws:iam::123456789012:policy/rw)")
    iam.put_role_policy(RoleName="analytics", PolicyName="rw", PolicyDocument=json.dumps(READ_WRITE))
    message = failure(checks.inline_only, session, "analytics", "rw")
    assert message["what"] == "Role analytics holds its permissions only inline"


def test_role_decides(session, jobs):
    iam = session.client("iam")
    iam.put_role_policy(RoleName="etl", PolicyName="rw", PolicyDocument=json.dumps(READ_WRITE))
    inside = f"arn:aws:s3:::{BUCKET}/{PREFIX}a.csv"
    checks.role_decides(session, "etl", [("s3:GetObject", inside, {}, True),
                                         ("s3:DeleteObject", inside, {}, False)])
    message = failure(checks.role_decides, session, "etl", [("s3:DeleteObject", inside, {}, True)])
    assert message["what"] == f"Role etl's policies: s3:DeleteObject on {inside}"


# -- vendor_trust / trust_table ----------------------------------------------------------------

def vendor_role(session, trust_policy, permissions=READ_BUCKET, name="watchtower-read"):
    iam = session.client("iam")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust_policy))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="read", PolicyDocument=json.dumps(permissions))
    return arn


GOOD_TRUST = trust({"AWS": f"arn:aws:iam::{VENDOR}:root"}, StringEquals={"sts:ExternalId": ID})


def test_vendor_trust_passes_for_the_vendor_with_the_id(session):
    assert checks.vendor_trust(session, vendor_role(session, GOOD_TRUST), VENDOR, ID) is None


WITH_ID = {"StringEquals": {"sts:ExternalId": ID}}
DEPUTY = "The vendor gets in without the right external id."


@pytest.mark.parametrize(("trust_policy", "caller", "with_id", "start"), [
    pytest.param(trust({"AWS": "*"}, **WITH_ID), "210987654321 root", f"with ExternalId {ID!r}",
                 "Account 210987654321 is not the vendor's, yet your trust policy lets it in.", id="star"),
    pytest.param(trust({"AWS": VENDOR}), f"{VENDOR} root", "with ExternalId 'wt-4f9c2a71e0bx'", DEPUTY,
                 id="no-condition"),
    pytest.param(trust({"AWS": f"arn:aws:iam::{VENDOR}:root"}, StringEqualsIfExists={"sts:ExternalId": ID}),
                 f"{VENDOR} root", "without an ExternalId", DEPUTY, id="if-exists"),
    pytest.param(trust({"AWS": "arn:aws:iam::111111111111:root"}, **WITH_ID), f"{VENDOR} root",
                 f"with ExternalId {ID!r}", "The vendor must get in with the right external id.",
                 id="wrong-account"),
    pytest.param(trust({"AWS": [f"arn:aws:iam::{VENDOR}:root", "arn:aws:iam::123456789012:root"]}, **WITH_ID),
                 "123456789012 user dev", f"with ExternalId {ID!r}",
                 "Principals of your own account (123456789012) were not part of the task", id="own-account"),
])
def test_vendor_trust_names_the_caller_and_the_hole(session, trust_policy, caller, with_id, start):
    message = failure(checks.vendor_trust, session, vendor_role(session, trust_policy), VENDOR, ID)
    assert message["what"] == f"Role watchtower-read's trust policy: {caller} calls AssumeRole {with_id}"
    assert message["next"].startswith(start)


def test_the_closed_door_names_the_principal_to_write(session):
    arn = vendor_role(session, trust({"Service": "ec2.amazonaws.com"}))
    message = failure(checks.vendor_trust, session, arn, VENDOR, ID)
    assert message["expected"] == "allowed" and message["found"].startswith("implicitDeny (")
    assert '{"AWS": "arn:aws:iam::777788889999:root"}' in message["next"]


def test_an_invalid_trust_policy_is_reported(session):
    bad = policy({"Effect": "Allow", "Principal": {"AWS": VENDOR}})  # no Action
    message = failure(checks.vendor_trust, session, vendor_role(session, bad), VENDOR, ID)
    assert message["what"] == "Role watchtower-read's trust policy is valid"
    assert message["found"] == "A statement has exactly one of Action or NotAction"


def test_trust_table_lists_every_case_vendor_first(session):
    rows = checks.trust_table(session, vendor_role(session, GOOD_TRUST), VENDOR, ID)
    assert len(rows) == 3 * 4 + 3 * 4 + 2 * 4  # vendor, stranger, own account x four ids
    assert rows[0]["caller"] == f"{VENDOR} root" and rows[0]["external id"] == "the right one"
    assert all((r["decision"] == "allowed") == (r["expected"] == "allowed") for r in rows)


# -- vendor_gets_credentials -------------------------------------------------------------------

@pytest.fixture
def vendor(session):
    team_bucket(session, BUCKET, PREFIX, None)
    return partner_account(session, VENDOR, "collector")


READS = [("s3", "get_object", {"Bucket": BUCKET, "Key": f"{PREFIX}summary.csv"}, True),
         ("s3", "put_object", {"Bucket": BUCKET, "Key": "x", "Body": b"1"}, False)]


def test_vendor_gets_credentials_and_they_behave(session, vendor):
    arn = vendor_role(session, GOOD_TRUST)
    assert checks.vendor_gets_credentials(session, vendor, arn, ID, READS) is None


def test_a_trust_policy_aws_would_refuse_fails_even_though_moto_hands_out_credentials(session, vendor):
    arn = vendor_role(session, trust({"AWS": "arn:aws:iam::111111111111:root"}, **WITH_ID))
    message = failure(checks.vendor_gets_credentials, session, vendor, arn, ID, READS)
    assert message["what"] == (f"The vendor (arn:aws:iam::{VENDOR}:user/collector) calls AssumeRole on {arn} "
                               f"with ExternalId {ID!r}")
    assert message["found"].startswith("AccessDenied under AWS's rules (no resource-based policy allows")


def test_the_vendors_session_is_judged_by_its_calls(session, vendor):
    arn = vendor_role(session, GOOD_TRUST, policy(allow("s3:*")))
    message = failure(checks.vendor_gets_credentials, session, vendor, arn, ID, READS)
    assert message["what"].startswith("The vendor's session of role watchtower-read calls s3.put_object(")
    assert message["found"] == "allowed"


def test_a_returned_name_is_not_a_role_arn(session, vendor):
    message = failure(checks.vendor_gets_credentials, session, vendor, "watchtower-read", ID, READS)
    assert message["found"] == "'watchtower-read' is not a role ARN"


# -- session_of_role / session_decides / session_lasts_at_most ---------------------------------

TASK = policy(allow("s3:GetObject", f"arn:aws:s3:::{BUCKET}/{PREFIX}*"))
CASES = [("s3:GetObject", f"arn:aws:s3:::{BUCKET}/{PREFIX}a.csv", {}, True),
         ("s3:PutObject", f"arn:aws:s3:::{BUCKET}/{PREFIX}a.csv", {}, False),
         ("s3:DeleteBucket", f"arn:aws:s3:::{BUCKET}", {}, False)]


@pytest.fixture
def engineer(session):
    return engineer_role(session)


def assume(session, role_arn, **params):
    return session.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="task", **params)


def test_a_narrow_short_session_passes_every_session_check(session, engineer):
    credentials = assume(session, engineer, Policy=json.dumps(TASK), DurationSeconds=900)["Credentials"]
    assert checks.session_of_role(session, credentials, engineer) is None
    assert checks.session_decides(session, credentials, CASES) is None
    assert checks.session_lasts_at_most(credentials, 900) is None
    rows = checks.session_decisions(session, credentials, CASES)
    assert [r["decision"] for r in rows] == ["allowed", "implicitDeny", "explicitDeny"]


def test_the_whole_response_and_other_values_are_not_credentials(session, engineer):
    response = assume(session, engineer)
    assert failure(checks.session_of_role, session, response, engineer)["next"] == (
        "Return response['Credentials'], not the whole response.")
    assert failure(checks.session_of_role, session, None, engineer)["found"] == "None (a NoneType)"
    made_up = dict(response["Credentials"], AccessKeyId="ASIAMADEUP")
    assert failure(checks.session_of_role, session, made_up, engineer)["found"] == (
        "credentials no AssumeRole handed out")


def test_a_session_of_another_role(session, engineer):
    other = roles(session, ["other"])["other"]
    message = failure(checks.session_of_role, session, assume(session, other)["Credentials"], engineer)
    assert message["found"] == f"a session of {other}"


def test_a_request_aws_would_refuse_is_named(session, engineer):
    huge = policy(*[allow("s3:GetObject", f"arn:aws:s3:::{BUCKET}/{PREFIX}{n:04}/*") for n in range(40)])
    credentials = assume(session, engineer, Policy=json.dumps(huge))["Credentials"]
    message = failure(checks.session_of_role, session, credentials, engineer)
    assert message["what"] == "AWS would accept the AssumeRole request behind these credentials"
    assert message["found"].startswith("the session policies hold ")
    assert message["found"].endswith("at most 2048")


@pytest.mark.parametrize(("params", "case", "start"), [
    pytest.param({}, CASES[1], "The session carries no inline session policy", id="no-policy"),
    pytest.param({"Policy": json.dumps(policy(allow("s3:*", f"arn:aws:s3:::{BUCKET}/*")))}, CASES[1],
                 "The session may do more than the task allows", id="open"),
    pytest.param({"Policy": json.dumps(policy(allow("s3:ListBucket", f"arn:aws:s3:::{BUCKET}")))}, CASES[0],
                 "The session cannot do what the task needs", id="tight"),
    pytest.param({"Policy": json.dumps(policy({"Effect": "Allow"}))}, CASES[0],
                 "The session policy is not a valid policy", id="invalid"),
])
def test_session_decides_says_why(session, engineer, params, case, start):
    credentials = assume(session, engineer, **params)["Credentials"]
    message = failure(checks.session_decides, session, credentials, [case])
    assert message["what"] == f"What a session of role data-engineer may do: {case[0]} on {case[1]}"
    assert message["next"].startswith(start)


def test_an_hour_long_session_is_too_long(session, engineer):
    message = failure(checks.session_lasts_at_most, assume(session, engineer)["Credentials"], 900)
    assert message["found"] == "expiry in 60 minutes"
    assert message["expected"] == "expiry within 15 minutes"


# -- layers_agree (a learner's evaluator against the reference) --------------------------------

IDENTITY = [policy(allow(["s3:*", "ec2:*"]))]
BOUNDARY = policy(allow(["s3:*", "logs:*"]), {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"})
REQUESTS = checks.requests(["s3:GetObject", "s3:DeleteBucket", "ec2:RunInstances", "logs:PutLogEvents"],
                           ["*"])


def test_the_reference_agrees_with_itself():
    assert checks.layers_agree(checks.reference_layers, IDENTITY, BOUNDARY, None, REQUESTS) is None


def test_a_union_of_layers_is_caught_on_the_first_request_it_gets_wrong():
    def union(identity, boundary, session, request):
        answers = [checks.reference_decide(layer, request) for layer in (identity, [boundary])]
        if "explicitDeny" in answers:
            return "explicitDeny"
        return "allowed" if "allowed" in answers else "implicitDeny"
    message = failure(checks.layers_agree, union, IDENTITY, BOUNDARY, None, REQUESTS)
    assert message["what"].startswith("effective_decision agrees with the course's reference on 2 of 4 "
                                      "cases; first miss: ec2:RunInstances on * (identity: ")
    assert message["expected"] == "'implicitDeny'" and message["found"] == "'allowed'"
    assert message["next"].startswith("Decide each layer on its own first (check.reference_decide)")
