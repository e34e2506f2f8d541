"""Tests for grader/sim/sts.py: who may assume a role (trust policies with external ids, decided
by grader.sim.iam) and the AssumeRole requests AWS refuses (AssumeRole API reference and IAM
User Guide, as of 2026)."""

import pytest

from grader.errors import PolicyError
from grader.sim.sts import (
    ALLOW_ASSUME,
    CHAINED_MAX_DURATION,
    MIN_DURATION,
    SESSION_POLICY_MAX_CHARS,
    account_principals,
    assume_role_problems,
    trust_decisions,
)

OURS, VENDOR, STRANGER = "123456789012", "777788889999", "210987654321"
ROLE = f"arn:aws:iam::{OURS}:role/vendor-read"
ID = "wt-4f9c2a71e0b3"


def trust(principal, **condition):
    statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    statement |= {"Condition": condition} if condition else {}
    return {"Version": "2012-10-17", "Statement": [statement]}


VENDOR_WITH_ID = trust({"AWS": f"arn:aws:iam::{VENDOR}:root"}, StringEquals={"sts:ExternalId": ID})
IDS = {"right": ID, "wrong": "wt-000", "missing": None, "upper": ID.upper()}


def allowed(policy, account, ids=IDS, **kwargs):
    rows = trust_decisions(policy, ROLE, account_principals(account), ids, **kwargs)
    return {(row["caller"].split()[1], row["external id"]) for row in rows if row["decision"] == "allowed"}


EVERY_CALLER = {"root", "user", "role"}


def test_account_principals_are_root_user_and_role_session():
    found = account_principals(VENDOR, user="app", role="collector", session="s")
    assert found == {f"{VENDOR} root": f"arn:aws:iam::{VENDOR}:root",
                     f"{VENDOR} user app": f"arn:aws:iam::{VENDOR}:user/app",
                     f"{VENDOR} role session collector": f"arn:aws:sts::{VENDOR}:assumed-role/collector/s"}


def every_caller(*ids):
    return {(who, i) for who in EVERY_CALLER for i in ids}


VENDOR_ROOT = {"AWS": f"arn:aws:iam::{VENDOR}:root"}


@pytest.mark.parametrize(("policy", "account", "expected"), [
    pytest.param(VENDOR_WITH_ID, VENDOR, every_caller("right"), id="vendor-only-with-the-id"),
    pytest.param(VENDOR_WITH_ID, STRANGER, set(), id="strangers-never"),
    pytest.param(trust({"AWS": "*"}, StringEquals={"sts:ExternalId": ID}), STRANGER, every_caller("right"),
                 id="star-lets-anyone-with-the-id"),
    pytest.param(trust("*"), STRANGER, every_caller(*IDS), id="bare-star-lets-everyone"),
    pytest.param(trust({"AWS": VENDOR}), VENDOR, every_caller(*IDS), id="no-condition-confused-deputy"),
    pytest.param(trust(VENDOR_ROOT, StringEqualsIfExists={"sts:ExternalId": ID}), VENDOR,
                 every_caller("right", "missing"), id="if-exists-lets-no-id-in"),
    pytest.param(trust(VENDOR_ROOT, StringEqualsIgnoreCase={"sts:ExternalId": ID}), VENDOR,
                 every_caller("right", "upper"), id="ignore-case"),
    pytest.param(trust({"Service": "ec2.amazonaws.com"}), VENDOR, set(), id="a-service-trusts-no-account"),
])
def test_trust_decisions(policy, account, expected):
    assert allowed(policy, account) == expected


def test_a_trust_policy_naming_a_user_admits_that_user_only():
    policy = trust({"AWS": f"arn:aws:iam::{VENDOR}:user/app"}, StringEquals={"sts:ExternalId": ID})
    assert allowed(policy, VENDOR) == {("user", "right")}


def test_across_accounts_the_callers_own_policy_must_allow_too():
    nothing = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets",
                                                      "Resource": "*"}]}
    assert allowed(VENDOR_WITH_ID, VENDOR, identity=nothing) == set()


def test_rows_carry_the_reason_and_name_the_callers_policy():
    row = trust_decisions(VENDOR_WITH_ID, ROLE, {"x": f"arn:aws:iam::{VENDOR}:user/app"}, {"right": ID})[0]
    assert row == {"caller": "x", "external id": "right", "principal": f"arn:aws:iam::{VENDOR}:user/app",
                   "ExternalId": ID, "decision": "allowed", "why": row["why"]}
    assert "caller's own policy" in row["why"]
    assert ALLOW_ASSUME["Statement"][0]["Action"] == "sts:AssumeRole"


def test_an_invalid_trust_policy_raises():
    with pytest.raises(PolicyError):
        trust_decisions({"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Principal": "*",
                                                                 "Action": "sts:AssumeRole"}]},
                        ROLE, account_principals(VENDOR), {"right": ID})


BAD_ID = "is not 2-1,224 characters of letters, digits and _+=,.@:/-"


@pytest.mark.parametrize(("request_", "problems"), [
    pytest.param({}, [], id="defaults"),
    pytest.param({"duration_seconds": MIN_DURATION}, [], id="fifteen-minutes"),
    pytest.param({"duration_seconds": 899}, ["DurationSeconds 899 is below the minimum of 900 s"],
                 id="too-short"),
    pytest.param({"duration_seconds": 3601},
                 ["DurationSeconds 3601 is above 3600 s: the role's MaxSessionDuration is 3600 s"],
                 id="over-role-max"),
    pytest.param({"duration_seconds": 43200, "max_session_duration": 43200}, [], id="twelve-hours-allowed"),
    pytest.param({"duration_seconds": 7200, "max_session_duration": 43200, "chained": True},
                 ["DurationSeconds 7200 is above 3600 s: role chaining limits a session to one hour"],
                 id="chained"),
    pytest.param({"duration_seconds": CHAINED_MAX_DURATION, "chained": True}, [], id="chained-one-hour"),
    pytest.param({"max_session_duration": 50000},
                 ["the role's MaxSessionDuration 50000 s is outside 3600-43200 s (1 to 12 hours)"],
                 id="bad-max"),
    pytest.param({"policy": "x" * SESSION_POLICY_MAX_CHARS}, [], id="policy-at-the-limit"),
    pytest.param({"policy": "x" * 2000, "policy_arns": ["arn:aws:iam::123456789012:policy/" + "p" * 30]},
                 ["the session policies hold 2063 characters: at most 2048"], id="policy-and-arns-together"),
    pytest.param({"policy_arns": [f"arn:aws:iam::aws:policy/P{n}" for n in range(11)]},
                 ["11 managed session policies: at most 10"], id="eleven-arns"),
    pytest.param({"external_id": "a"}, [f"ExternalId 'a' {BAD_ID}"], id="id-too-short"),
    pytest.param({"external_id": "has space"}, [f"ExternalId 'has space' {BAD_ID}"], id="id-space"),
    pytest.param({"external_id": "ledgerly:cust-00417/Zq8=+,.@_"}, [], id="id-symbols"),
])
def test_assume_role_problems(request_, problems):
    assert assume_role_problems(**request_) == problems
