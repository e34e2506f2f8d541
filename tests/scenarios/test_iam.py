"""grader/scenarios/iam.py builds the starting states of topic 01."""

from __future__ import annotations

from grader.scenarios.iam import (
    ENGINEER_BOUNDARY,
    engineer_role,
    partner_account,
    roles,
    seeded_account,
    team_bucket,
)
from grader.sim.iam import Request, evaluate
from grader.sim.iam_review import review
from grader.state.iam import authorization_details, role_documents


def test_team_bucket(session):
    team = team_bucket(session, "reports-bkt", "reports/", "analysts", ["ana", "ben"])
    keys = [o["Key"] for o in session.client("s3").list_objects_v2(Bucket="reports-bkt")["Contents"]]
    assert sorted(keys) == sorted(team["inside"] + team["outside"])
    assert all(k.startswith("reports/") for k in team["inside"])
    assert not any(k.startswith("reports/") for k in team["outside"])
    members = session.client("iam").get_group(GroupName="analysts")["Users"]
    assert [u["UserName"] for u in members] == ["ana", "ben"]
    assert team["other_bucket"] == "reports-bkt-archive"


def test_seeded_account_basic_and_tricky_findings(session):
    seeded_account(session, "acme")
    basic = {(f.identity.split(":")[-1], f.policy) for f in review(authorization_details(session))}
    assert basic == {("group/acme-ops", "acme-admin"), ("role/acme-break-glass", "acme-admin"),
                     ("user/acme-etl", "acme-s3-full"), ("user/acme-dev", "debug")}


def test_seeded_account_names_follow_the_team(session):
    arns = seeded_account(session, "data", tricky=True, bucket="data-lake")
    assert arns["data-ci"] == "arn:aws:iam::123456789012:role/data-ci"
    flagged = {f.policy for f in review(authorization_details(session))}
    assert flagged == {"data-admin", "data-s3-full", "debug", "deploy", "audit", "regional"}



def test_roles_trust_the_account_unless_told_and_carry_a_boundary(session):
    arns = roles(session, ["a", "b"], boundary={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    iam = session.client("iam")
    role = iam.get_role(RoleName="b")["Role"]
    assert arns == {"a": "arn:aws:iam::123456789012:role/a", "b": role["Arn"]}
    principal = role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
    assert principal == {"AWS": "arn:aws:iam::123456789012:root"}
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"].endswith(":policy/boundary-0")
    roles(session, ["c"], {"Service": "glue.amazonaws.com"})
    principal = iam.get_role(RoleName="c")["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
    assert principal == {"Service": "glue.amazonaws.com"}


def test_engineer_role_holds_broad_permissions_under_a_boundary(session):
    engineer_role(session)
    found = role_documents(session, "data-engineer")
    assert found["boundary"] == ENGINEER_BOUNDARY

    def decide(action):
        verdict = evaluate(Request(action, "*"), identity=found["permissions"], boundary=found["boundary"])
        return verdict.decision.value
    actions = ("s3:GetObject", "s3:DeleteBucket", "ec2:RunInstances", "glue:StartJobRun")
    assert [decide(a) for a in actions] == ["allowed", "explicitDeny", "implicitDeny", "allowed"]


def test_partner_account_user_lives_in_the_other_account(session):
    vendor = partner_account(session, "777788889999", "collector")
    assert vendor.client("sts").get_caller_identity()["Arn"] == "arn:aws:iam::777788889999:user/collector"
    assert session.client("iam").list_users()["Users"] == []  # nothing was made in the course's account
