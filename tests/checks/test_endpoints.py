"""The endpoint checks of topic 21 against real moto: a gateway endpoint and its routes, and
requests decided from the endpoint's and the bucket's policies, with learner messages pinned."""

from __future__ import annotations

import json

import pytest

from grader.checks import ec2 as checks
from grader.scenarios.endpoints import private_bucket, scoped_s3_endpoint

from .failures import failure

AZS = ("us-east-1a", "us-east-1b")
BUCKET = "team-data-21"
S3 = "com.amazonaws.us-east-1.s3"


@pytest.fixture
def ec2(session):
    return session.client("ec2")


@pytest.fixture
def net(session):
    return private_bucket(session, "10.40.0.0/16", AZS, BUCKET)


@pytest.fixture
def scoped(session):
    return scoped_s3_endpoint(session, "10.41.0.0/16", AZS, BUCKET)


def endpoint(ec2, net, **extra):
    arguments = {"ServiceName": S3, "RouteTableIds": net["private_route_tables"], **extra}
    return ec2.create_vpc_endpoint(VpcId=net["vpc_id"], **arguments)["VpcEndpoint"]["VpcEndpointId"]


def lock(session, scoped, statement):
    session.client("s3").put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": [statement]}))


# -- s3_gateway_endpoint ------------------------------------------------------------------------

def test_gateway_endpoint_passes_on_the_scenario_endpoint(session, scoped):
    checks.s3_gateway_endpoint(session, scoped["endpoint_id"], scoped["vpc_id"],
                               scoped["private_route_tables"])


def test_gateway_endpoint_fails_on_an_interface_endpoint_with_the_cost_in_the_hint(session, ec2,
                                                                                   net):
    interface = ec2.create_vpc_endpoint(
        VpcId=net["vpc_id"], ServiceName=S3, VpcEndpointType="Interface",
        SubnetIds=[net["subnets"]["app"]["us-east-1a"]])["VpcEndpoint"]["VpcEndpointId"]
    found = failure(checks.s3_gateway_endpoint, session, interface, net["vpc_id"],
                    net["private_route_tables"])
    assert found["what"] == f"Endpoint {interface} is a gateway endpoint for S3 in {net['vpc_id']}"
    assert (found["expected"], found["found"]) == ("VpcEndpointType Gateway", "an Interface endpoint")
    assert "billed per hour" in found["next"]


def test_gateway_endpoint_fails_for_another_service(session, ec2, net):
    dynamodb = endpoint(ec2, net, ServiceName="com.amazonaws.us-east-1.dynamodb")
    found = failure(checks.s3_gateway_endpoint, session, dynamodb, net["vpc_id"], [])
    assert (found["expected"], found["found"]) == (S3, "com.amazonaws.us-east-1.dynamodb")


def test_gateway_endpoint_names_the_table_without_the_prefix_list_route(session, ec2, net):
    tables = net["private_route_tables"]
    vpce = endpoint(ec2, net, RouteTableIds=tables[:1])
    found = failure(checks.s3_gateway_endpoint, session, vpce, net["vpc_id"], tables)
    assert found["what"] == f"Route table {tables[1]} sends S3 traffic to {vpce}"
    assert found["found"] == "no route for the S3 prefix list"
    assert found["expected"].startswith("a route for prefix list pl-")


def test_gateway_endpoint_fails_on_a_missing_id(session, net):
    found = failure(checks.s3_gateway_endpoint, session, None, net["vpc_id"], [])
    assert "VPC endpoint id" in found["expected"] and found["found"] == "None (a NoneType)"


# -- s3_access: the endpoint policy -------------------------------------------------------------

def test_default_endpoint_policy_fails_the_exfiltration_probe_with_the_endpoint_hint(session,
                                                                                    ec2, net):
    vpce = endpoint(ec2, net)
    found = failure(checks.s3_access, session, vpce,
                    [("s3:PutObject", "attacker-dropbox/stolen.zip", False)])
    assert found["what"] == ("Role app s3:PutObject on arn:aws:s3:::attacker-dropbox/stolen.zip "
                             f"through endpoint {vpce}")
    assert found["expected"] == "denied"
    assert found["found"].startswith(f"allowed: statement 1 of endpoint {vpce} allows it")
    assert found["next"].startswith("Statement 1 allows it: name only your bucket")


def test_scoped_endpoint_reaches_its_bucket_only(session, scoped):
    checks.s3_access(session, scoped["endpoint_id"], [
        ("s3:GetObject", f"{BUCKET}/reports/latest.csv", True), ("s3:ListBucket", BUCKET, True),
        ("s3:PutObject", "attacker-dropbox/x", False), ("s3:GetObject", f"{BUCKET}-exports/x", False)])


def test_endpoint_that_refuses_the_bucket_says_what_to_allow(session, ec2, net):
    vpce = endpoint(ec2, net, PolicyDocument=json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{BUCKET}/*"}]}))
    found = failure(checks.s3_access, session, vpce, [("s3:ListBucket", BUCKET, True)])
    assert found["found"] == ("denied by the endpoint policy: no statement of the policy of "
                              f"endpoint {vpce} allows it")
    assert f"arn:aws:s3:::{BUCKET} for bucket actions" in found["next"]


# -- s3_access: the bucket policy ---------------------------------------------------------------

def test_allow_with_source_vpce_condition_fails_from_outside_with_the_deny_hint(session, scoped):
    lock(session, scoped, {"Effect": "Allow", "Principal": "*", "Action": "s3:*",
                           "Resource": f"arn:aws:s3:::{BUCKET}/*",
                           "Condition": {"StringEquals": {"aws:SourceVpce": scoped["endpoint_id"]}}})
    found = failure(checks.s3_access, session, None,
                    [("s3:GetObject", f"{BUCKET}/reports/latest.csv", False)])
    assert found["what"].endswith("from outside any VPC endpoint")
    assert found["found"] == ("allowed: the role's IAM policy allows s3:* and no bucket-policy "
                              "statement denies it")
    assert "an Allow in a bucket policy adds access, it never takes any away" in found["next"]


def test_deny_without_exception_names_its_statement_for_the_admin(session, scoped):
    lock(session, scoped, {"Sid": "OnlyVpce", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                           "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                           "Condition": {"StringNotEquals": {"aws:SourceVpce": scoped["endpoint_id"]}}})
    found = failure(checks.s3_access, session, None, [("s3:PutBucketPolicy", BUCKET, True)],
                    principal=scoped["admin_role_arn"])
    assert found["what"] == (f"Role bucket-admin s3:PutBucketPolicy on arn:aws:s3:::{BUCKET} from "
                             "outside any VPC endpoint")
    assert found["found"] == ("denied by the bucket policy: statement 'OnlyVpce' of the bucket "
                              f"policy of {BUCKET} denies it")
    assert "one more condition in the same statement" in found["next"]


def test_a_policy_the_reader_cannot_evaluate_is_named(session, scoped):
    lock(session, scoped, {"Effect": "Deny", "NotPrincipal": {"AWS": scoped["admin_role_arn"]},
                           "Action": "s3:*", "Resource": f"arn:aws:s3:::{BUCKET}/*"})
    found = failure(checks.s3_access, session, None, [("s3:GetObject", f"{BUCKET}/x", False)])
    assert found["what"] == f"Reading the bucket policy of {BUCKET}"
    assert found["found"].startswith("NotPrincipal")


def test_access_table_rows_name_decision_and_reason(session, scoped):
    rows = checks.s3_access_table(session, scoped["other_endpoint_id"],
                                  [("s3:GetObject", f"{BUCKET}/x")])
    assert rows == [{"request": f"s3:GetObject {BUCKET}/x", "through": scoped["other_endpoint_id"],
                     "decision": "allowed", "reason": rows[0]["reason"]}]
    assert rows[0]["reason"].startswith(f"statement 1 of endpoint {scoped['other_endpoint_id']}")
