"""grader/enforcement.py: calls with a user's or a role's own credentials under moto's IAM
enforcement, and a sandbox that is back to normal afterwards whatever happened inside."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from grader.enforcement import (
    as_instance,
    as_role,
    as_user,
    attempt,
    enforced,
    instance_role_arn,
    is_denied,
    signed_session,
)
from grader.errors import NoInstanceCredentials
from grader.scenarios.ec2 import IMDSV1_ALLOWED, launch, set_metadata_options
from grader.scenarios.iam import instance_role

READ = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}]}


@pytest.fixture
def reader(session):
    s3, iam = session.client("s3"), session.client("iam")
    s3.create_bucket(Bucket="data")
    s3.put_object(Bucket="data", Key="a.csv", Body=b"1")
    iam.create_user(UserName="ana")
    iam.put_user_policy(UserName="ana", PolicyName="read", PolicyDocument=json.dumps(READ))
    return "ana"


def test_as_user_allows_what_the_policy_grants_and_denies_the_rest(session, reader):
    with as_user(session, reader) as ana:
        assert ana.client("sts").get_caller_identity()["Arn"].endswith(":user/ana")
        assert ana.client("s3").get_object(Bucket="data", Key="a.csv")["Body"].read() == b"1"
        with pytest.raises(ClientError) as caught:
            ana.client("s3").put_object(Bucket="data", Key="b.csv", Body=b"2")
        assert is_denied(caught.value)


def test_as_user_restores_the_sandbox_and_removes_its_key_even_after_an_error(session, reader):
    with pytest.raises(RuntimeError, match="boom"), as_user(session, reader):
        raise RuntimeError("boom")
    assert session.client("s3").list_buckets()["Buckets"]  # the admin's fake keys work again
    assert session.client("iam").list_access_keys(UserName=reader)["AccessKeyMetadata"] == []


def test_inside_enforcement_the_setup_session_is_refused(session, reader):
    with enforced(), pytest.raises(ClientError) as caught:
        session.client("s3").list_buckets()
    assert caught.value.response["Error"]["Code"] == "InvalidAccessKeyId"


def test_as_role_uses_the_roles_permissions(session, reader):
    iam = session.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": "ec2.amazonaws.com"}}]}
    arn = iam.create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName="app", PolicyName="read", PolicyDocument=json.dumps(READ))
    with as_role(session, arn, "i-0abc") as app:
        assert app.client("sts").get_caller_identity()["Arn"].endswith(":assumed-role/app/i-0abc")
        app.client("s3").get_object(Bucket="data", Key="a.csv")
        with pytest.raises(ClientError) as caught:
            app.client("s3").delete_object(Bucket="data", Key="a.csv")
        assert is_denied(caught.value)


@pytest.mark.parametrize("code, status, denied", [
    ("AccessDenied", 403, True), ("AccessDeniedException", 400, True), ("403", 403, True),
    ("", 403, True), ("NoSuchKey", 404, False), ("InvalidAccessKeyId", 403, False)])
def test_is_denied(code, status, denied):
    error = ClientError({"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Op")
    assert is_denied(error) is denied


def test_attempt_reports_allowed_or_the_error_code(session, reader):
    with as_user(session, reader) as ana:
        assert attempt(ana, "s3", "get_object", Bucket="data", Key="a.csv") == "allowed"
        assert attempt(ana, "s3", "delete_bucket", Bucket="data") == "AccessDenied"
    assert attempt(session, "s3", "get_object", Bucket="data", Key="missing") == "NoSuchKey"


def test_signed_sessions_share_one_data_loader_and_sign_with_their_keys(session, reader):
    key = session.client("iam").create_access_key(UserName=reader)["AccessKey"]
    first, second = signed_session(key), signed_session(key)
    loader = first._session.get_component("data_loader")
    assert loader is second._session.get_component("data_loader")
    assert len(loader.search_paths) == len(set(loader.search_paths))  # boto3's own path added once
    with enforced():
        assert second.client("sts").get_caller_identity()["Arn"].endswith(":user/ana")
        assert second.client("s3").get_object(Bucket="data", Key="a.csv")["Body"].read() == b"1"


# -- as_instance: what an application on an instance gets from the metadata service -------------

@pytest.fixture
def app_server(session, reader):
    role = instance_role(session, "app", READ)
    return launch(session, "app-1", profile=role["profile_name"]), role


def test_as_instance_acts_as_the_profiles_role_in_a_session_named_after_the_instance(session, app_server):
    instance_id, role = app_server
    with as_instance(session, instance_id) as app:
        assert app.client("sts").get_caller_identity()["Arn"].endswith(f":assumed-role/app/{instance_id}")
        assert attempt(app, "s3", "get_object", Bucket="data", Key="a.csv") == "allowed"
        assert attempt(app, "s3", "delete_bucket", Bucket="data") == "AccessDenied"
    assert instance_role_arn(session, instance_id) == role["role_arn"]


def test_as_instance_follows_a_replaced_association(session, app_server):
    instance_id, _ = app_server
    admin = instance_role(session, "ops", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:DeleteBucket", "Resource": "*"}]})
    ec2 = session.client("ec2")
    association = ec2.describe_iam_instance_profile_associations()["IamInstanceProfileAssociations"][0]
    ec2.replace_iam_instance_profile_association(AssociationId=association["AssociationId"],
                                                 IamInstanceProfile={"Name": admin["profile_name"]})
    assert instance_role_arn(session, instance_id) == admin["role_arn"]


@pytest.mark.parametrize("breakage, reason", [
    ("no-profile", "has no instance profile"), ("empty-profile", "holds no role"),
    ("lambda-trust", "does not let ec2.amazonaws.com assume it"), ("endpoint-off", "endpoint is disabled")])
def test_as_instance_explains_why_there_are_no_credentials(session, reader, breakage, reason):
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": "lambda.amazonaws.com"}}]}
    extra = {"trust_policy": trust} if breakage == "lambda-trust" else {}
    role = instance_role(session, "app", READ, **extra)
    if breakage == "empty-profile":
        session.client("iam").create_instance_profile(InstanceProfileName="empty")
    profile = {"no-profile": None, "empty-profile": "empty"}.get(breakage, role["profile_name"])
    instance_id = launch(session, "app-1", profile=profile)
    if breakage == "endpoint-off":
        set_metadata_options(session, instance_id, {**IMDSV1_ALLOWED, "HttpEndpoint": "disabled"})
    with pytest.raises(NoInstanceCredentials, match=reason) as caught, as_instance(session, instance_id):
        pass
    assert caught.value.instance_id == instance_id and caught.value.code == "no-instance-credentials"

