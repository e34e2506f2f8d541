"""grader/scenarios/iam.py builds the starting states of topic 01."""

from __future__ import annotations

from grader.scenarios.iam import seeded_account, team_bucket
from grader.sim.iam_review import review
from grader.state.iam import authorization_details


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
