"""Tests for grader/sim/iam_review.py: which statements an access review flags as over-broad."""

import pytest

from grader.sim.iam_review import Finding, broad_grant, broad_statements, review


@pytest.mark.parametrize("statement, grant", [
    pytest.param({"Effect": "Allow", "Action": "*", "Resource": "*"}, "*", id="admin"),
    pytest.param({"Effect": "Allow", "Action": ["s3:GetObject", "s3:*"], "Resource": ["*"]}, "s3:*",
                 id="service-wildcard-in-a-list"),
    pytest.param({"Effect": "Allow", "Action": "S3:*", "Resource": "*"}, "S3:*", id="upper-case-service"),
    pytest.param({"Effect": "Allow", "Action": "*:*", "Resource": "*"}, "*:*", id="star-colon-star"),
    pytest.param({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}, "NotAction", id="notaction"),
    pytest.param({"Effect": "Allow", "Action": "ec2:*", "NotResource": "arn:aws:ec2:*:*:vpc/*"}, "ec2:*",
                 id="notresource-is-everything-else"),
    pytest.param({"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
                  "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}, "ec2:*",
                 id="a-condition-does-not-excuse"),
    pytest.param({"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "*"]}, "s3:*",
                 id="star-among-resources"),
    pytest.param({"Effect": "Deny", "Action": "*", "Resource": "*"}, None, id="deny-grants-nothing"),
    pytest.param({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}, None,
                 id="scoped-resource"),
    pytest.param({"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}, None, id="part-of-a-service"),
    pytest.param({"Effect": "Allow", "Action": "s3:*Object", "Resource": "*"}, None,
                 id="not-a-whole-service"),
])
def test_broad_grant(statement, grant):
    assert broad_grant(statement) == grant


def test_broad_statements_reads_a_single_statement_object():
    assert broad_statements({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}) == [(0, "*")]


ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
NARROW = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                  "Resource": "arn:aws:s3:::b/*"}]}
DETAILS = {
    "UserDetailList": [
        {"UserName": "ana", "Arn": "arn:aws:iam::1:user/ana",
         "UserPolicyList": [{"PolicyName": "mine", "PolicyDocument": ADMIN}],
         "AttachedManagedPolicies": [{"PolicyName": "legacy", "PolicyArn": "arn:aws:iam::1:policy/legacy"}]},
    ],
    "GroupDetailList": [
        {"GroupName": "ops", "Arn": "arn:aws:iam::1:group/ops", "GroupPolicyList": [],
         "AttachedManagedPolicies": [{"PolicyName": "admin", "PolicyArn": "arn:aws:iam::1:policy/admin"}]},
    ],
    "RoleDetailList": [
        {"RoleName": "ci", "Arn": "arn:aws:iam::1:role/ci", "RolePolicyList": [],
         "AttachedManagedPolicies": [{"PolicyName": "admin", "PolicyArn": "arn:aws:iam::1:policy/admin"},
                                     {"PolicyName": "gone", "PolicyArn": "arn:aws:iam::aws:policy/Gone"}]},
    ],
    "Policies": [
        {"Arn": "arn:aws:iam::1:policy/admin", "PolicyVersionList": [
            {"VersionId": "v1", "IsDefaultVersion": True, "Document": ADMIN}]},
        {"Arn": "arn:aws:iam::1:policy/legacy", "PolicyVersionList": [
            {"VersionId": "v1", "IsDefaultVersion": False, "Document": ADMIN},
            {"VersionId": "v2", "IsDefaultVersion": True, "Document": NARROW}]},
        {"Arn": "arn:aws:iam::1:policy/unused", "PolicyVersionList": [
            {"VersionId": "v1", "IsDefaultVersion": True, "Document": ADMIN}]},
    ],
}


def test_review_reports_each_identity_holding_a_broad_statement():
    assert review(DETAILS) == [
        Finding("arn:aws:iam::1:group/ops", "admin", 0, "*"),
        Finding("arn:aws:iam::1:role/ci", "admin", 0, "*"),
        Finding("arn:aws:iam::1:user/ana", "mine", 0, "*"),
    ]


def test_review_ignores_old_versions_unattached_policies_and_unknown_documents():
    flagged = {f.policy for f in review(DETAILS)}
    assert "legacy" not in flagged and "unused" not in flagged and "gone" not in flagged
