"""The topic 21 starting states build what their docstrings promise, read back with boto3."""

from __future__ import annotations

import json

from grader.scenarios.endpoints import bucket_only_policy, private_bucket, scoped_s3_endpoint

AZS = ("us-east-1a", "us-east-1b")


def test_private_bucket_has_data_roles_and_the_private_tables(session):
    net = private_bucket(session, "10.60.0.0/16", AZS, "team-bucket")
    s3, iam = session.client("s3"), session.client("iam")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="team-bucket")["Contents"]] == [
        "reports/latest.csv"]
    assert net["private_route_tables"] == [*net["route_tables"]["app"].values(),
                                           net["route_tables"]["db"]]
    assert net["app_role_arn"].endswith(":role/app")
    assert net["admin_role_arn"].endswith(":role/bucket-admin")
    statement = iam.get_role_policy(RoleName="app", PolicyName="s3-everything")[
        "PolicyDocument"]["Statement"][0]
    assert (statement["Action"], statement["Resource"]) == ("s3:*", "*")


def test_scoped_endpoint_routes_the_private_tables_with_the_one_bucket_policy(session):
    net = scoped_s3_endpoint(session, "10.61.0.0/16", AZS, "team-bucket")
    ec2 = session.client("ec2")
    [endpoint] = ec2.describe_vpc_endpoints(VpcEndpointIds=[net["endpoint_id"]])["VpcEndpoints"]
    assert sorted(endpoint["RouteTableIds"]) == sorted(net["private_route_tables"])
    assert json.loads(endpoint["PolicyDocument"]) == bucket_only_policy("team-bucket")
    [other] = ec2.describe_vpc_endpoints(VpcEndpointIds=[net["other_endpoint_id"]])["VpcEndpoints"]
    assert other["VpcId"] == net["vpc_id"]
    assert other["RouteTableIds"] == [net["route_tables"]["public"]]
