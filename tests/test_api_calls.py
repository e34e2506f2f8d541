"""grader/api_calls.py records every request moto handles inside the block, from any client."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from grader.api_calls import Call, actions, recorded


def test_records_calls_from_any_client_in_order_and_stops_afterwards(session):
    ec2 = session.client("ec2")
    with recorded() as calls:
        ec2.describe_vpcs()
        boto3.client("iam", region_name="us-east-1").list_roles()
        session.client("ec2", region_name="eu-west-1").describe_subnets()
    ec2.describe_vpcs()
    assert calls == [Call("ec2", "DescribeVpcs"), Call("iam", "ListRoles"), Call("ec2", "DescribeSubnets")]
    assert actions(calls, "ec2") == ["DescribeVpcs", "DescribeSubnets"]


def test_failed_calls_are_recorded_and_the_hook_is_removed_after_an_error(session):
    ec2 = session.client("ec2")
    with pytest.raises(RuntimeError), recorded() as calls:
        with pytest.raises(ClientError):
            ec2.disassociate_iam_instance_profile(AssociationId="iip-assoc-0123456789abcdef0")
        raise RuntimeError("boom")
    assert actions(calls) == ["DisassociateIamInstanceProfile"]
    with recorded() as later:
        pass
    ec2.describe_vpcs()
    assert later == []
