"""grader/state/iam.py reads identity-based policies as {name: document}, default versions only."""

from __future__ import annotations

import json

from grader.scenarios.iam import (
    ENGINEER,
    ENGINEER_BOUNDARY,
    engineer_role,
    instance_role,
    objects_policy,
    roles,
    seeded_account,
)
from grader.state.iam import (
    authorization_details,
    group_policies,
    instance_profile,
    profile_name,
    profile_role,
    role_documents,
    role_name_of,
    role_policies,
    user_policies,
)


def test_user_policies_include_their_groups_and_default_versions(session):
    seeded_account(session, "acme", tricky=True)
    iam = session.client("iam")
    iam.add_user_to_group(GroupName="acme-analysts", UserName="acme-intern")
    found = user_policies(session, "acme-intern")
    assert set(found) == {"acme-legacy", "acme-analysts/inline:athena", "acme-analysts/acme-reports-read"}
    assert found["acme-legacy"]["Statement"][0]["Action"] == "ec2:Describe*"  # v2, the default


def test_group_and_role_policies(session):
    seeded_account(session, "acme", tricky=True)
    assert set(group_policies(session, "acme-readers")) == {"inline:deny-delete", "acme-guardrail"}
    assert role_policies(session, "acme-orders")["inline:table"]["Statement"]["Action"] == "dynamodb:*"


def test_authorization_details_merges_pages(session):
    iam = session.client("iam")
    for n in range(3):
        iam.create_user(UserName=f"u{n}")
        iam.put_user_policy(UserName=f"u{n}", PolicyName="p", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    details = authorization_details(session)
    assert [u["UserName"] for u in details["UserDetailList"]] == ["u0", "u1", "u2"]


def test_role_documents_read_trust_permissions_and_boundary(session):
    arn = engineer_role(session, "builder")
    found = role_documents(session, role_name_of(arn))
    assert found["arn"] == arn == "arn:aws:iam::123456789012:role/builder"
    assert found["trust"]["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert found["permissions"] == {"inline:builder-permissions": ENGINEER}
    assert found["boundary"] == ENGINEER_BOUNDARY and found["max_session_duration"] == 3600


def test_role_documents_without_a_boundary(session):
    roles(session, ["bare"], {"Service": "glue.amazonaws.com"})
    found = role_documents(session, "bare")
    assert found["boundary"] is None and found["permissions"] == {}


def test_role_name_of_drops_the_path():
    assert role_name_of("arn:aws:iam::1:role/service-role/app") == "app"


def test_profile_role_by_name_or_arn_and_none_for_an_empty_profile(session):
    role = instance_role(session, "app", objects_policy("b", "p/"), profile_name="app-ip")
    assert profile_role(session, "app-ip")["Arn"] == role["role_arn"]
    assert profile_role(session, role["profile_arn"])["RoleName"] == "app"
    session.client("iam").create_instance_profile(InstanceProfileName="empty", Path="/team/")
    assert profile_role(session, "arn:aws:iam::123456789012:instance-profile/team/empty") is None
    assert profile_name("arn:aws:iam::123456789012:instance-profile/team/empty") == "empty"
    assert instance_profile(session, "app-ip")["Arn"] == role["profile_arn"]
