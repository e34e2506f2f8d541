"""Starting states for topic 21's endpoint exercises: a routed three-tier VPC, a team bucket
with data in it, the roles that use it, then a gateway endpoint scoped to that bucket.

Each function builds on the previous one and returns a dict, so a test of the bucket-policy
exercise starts from a correct endpoint whatever the learner's endpoint exercise did. boto3 only.
"""

from __future__ import annotations

import json

from grader.scenarios.snapshots import remembered

from .vpc import three_tier_routed

TRUST_EC2 = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


@remembered
def private_bucket(session, vpc_cidr: str, azs, bucket: str) -> dict:
    """``three_tier_routed`` plus the bucket ``bucket`` holding one object, an ``app`` role
    whose IAM policy allows ``s3:*`` everywhere (too broad, and common) and a ``bucket-admin``
    role.

    Adds ``bucket``, ``private_route_tables`` (every app table, then the db table),
    ``app_role_arn`` and ``admin_role_arn``.
    """
    network = three_tier_routed(session, vpc_cidr, azs)
    s3, iam = session.client("s3"), session.client("iam")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="reports/latest.csv", Body=b"team,total\n")
    roles = {}
    for name in ("app", "bucket-admin"):
        roles[name] = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(
            TRUST_EC2))["Role"]["Arn"]
    iam.put_role_policy(RoleName="app", PolicyName="s3-everything", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    tables = network["route_tables"]
    return {**network, "bucket": bucket,
            "private_route_tables": [*tables["app"].values(), tables["db"]],
            "app_role_arn": roles["app"], "admin_role_arn": roles["bucket-admin"]}


def bucket_only_policy(bucket: str) -> dict:
    """An endpoint policy letting anyone in the VPC use ``bucket`` and its objects, nothing else."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "TeamBucketOnly", "Effect": "Allow", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]}


@remembered
def scoped_s3_endpoint(session, vpc_cidr: str, azs, bucket: str) -> dict:
    """``private_bucket`` plus a gateway endpoint for S3 on the private route tables whose
    policy is ``bucket_only_policy``, and a second S3 gateway endpoint, with the default
    (full-access) policy, on the public route table of the same VPC.

    Adds ``endpoint_id`` and ``other_endpoint_id``.
    """
    network = private_bucket(session, vpc_cidr, azs, bucket)
    ec2 = session.client("ec2")
    service = f"com.amazonaws.{session.region_name}.s3"
    endpoint_id = ec2.create_vpc_endpoint(
        VpcId=network["vpc_id"], ServiceName=service, VpcEndpointType="Gateway",
        RouteTableIds=network["private_route_tables"],
        PolicyDocument=json.dumps(bucket_only_policy(bucket)))["VpcEndpoint"]["VpcEndpointId"]
    other_id = ec2.create_vpc_endpoint(
        VpcId=network["vpc_id"], ServiceName=service, VpcEndpointType="Gateway",
        RouteTableIds=[network["route_tables"]["public"]])["VpcEndpoint"]["VpcEndpointId"]
    return {**network, "endpoint_id": endpoint_id, "other_endpoint_id": other_id}
