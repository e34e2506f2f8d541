"""Reading EC2 resources for checks: ids validated, missing ones turned into learner messages.

Configuration is read with per-resource ``describe_*`` calls (security groups rule by rule
with ``describe_security_group_rules``, never combined filters, which match across rules).
"""

from __future__ import annotations

from contextlib import contextmanager

from botocore.exceptions import ClientError

from grader.checks.base import NOT_AN_ID, NOT_FOUND
from grader.errors import CheckFailed
from grader.state.ec2 import protocol_name, route_target

DEFAULT_ROUTE = "0.0.0.0/0"
WORLD = ("0.0.0.0/0", "::/0")
UNSET = object()  # "argument not given", so a learner's None can be told apart


_ID_KINDS = {  # prefix -> (kind, where the create call returns the id)
    "vpc": ("VPC", '["Vpc"]["VpcId"]'),
    "subnet": ("subnet", '["Subnet"]["SubnetId"]'),
    "sg": ("security group", '["GroupId"]'),
    "igw": ("internet gateway", '["InternetGateway"]["InternetGatewayId"]'),
    "nat": ("NAT gateway", '["NatGateway"]["NatGatewayId"]'),
    "acl": ("network ACL", '["NetworkAcl"]["NetworkAclId"]'),
    "vpce": ("VPC endpoint", '["VpcEndpoint"]["VpcEndpointId"]'),
    "fl": ("flow log", '["FlowLogIds"][0]'),
    "i": ("instance", '["Instances"][0]["InstanceId"]'),
}


def require_id(value, prefix: str, what: str) -> str:
    if not isinstance(value, str) or not value.startswith(f"{prefix}-"):
        kind, path = _ID_KINDS[prefix]
        raise NOT_AN_ID.fail(what=what, kind=kind, prefix=prefix, path=path, value=value,
                             type=type(value).__name__, article="an" if kind[0] in "aeiou" else "a")
    return value


def missing(prefix: str, resource_id: str, code: str) -> CheckFailed:
    failure = NOT_FOUND.fail(kind=_ID_KINDS[prefix][0], resource_id=resource_id, code=code)
    failure.aws_code = code
    return failure


@contextmanager
def existing(prefix: str, resource_id: str):
    """EC2's ``*.NotFound`` / ``*.Malformed`` errors become a CheckFailed (code in ``aws_code``)."""
    try:
        yield
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if not code.endswith((".NotFound", ".Malformed")):
            raise
        raise missing(prefix, resource_id, code) from None


def describe_vpc(ec2, vpc_id) -> dict:
    require_id(vpc_id, "vpc", "The VPC id")
    with existing("vpc", vpc_id):
        return ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]


def describe_subnet(ec2, subnet_id) -> dict:
    require_id(subnet_id, "subnet", "The subnet id")
    with existing("subnet", subnet_id):
        return ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]


def describe_instance(ec2, instance_id) -> dict:
    require_id(instance_id, "i", "The instance id")
    with existing("i", instance_id):
        return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0][
            "Instances"][0]


def ingress_rules(ec2, group_id) -> list[dict]:
    """The group's ingress rules, one per source (after checking that the group exists)."""
    require_id(group_id, "sg", "The security group id")
    with existing("sg", group_id):
        ec2.describe_security_groups(GroupIds=[group_id])
    pages = ec2.get_paginator("describe_security_group_rules").paginate(
        Filters=[{"Name": "group-id", "Values": [group_id]}])
    return [r for page in pages for r in page["SecurityGroupRules"] if not r["IsEgress"]]


def route_table_of(ec2, subnet: dict) -> tuple[dict, str]:
    """The subnet's table (its explicit association, else the VPC's main table) and its name
    for a message."""
    tables = ec2.describe_route_tables(Filters=[
        {"Name": "association.subnet-id", "Values": [subnet["SubnetId"]]}])["RouteTables"]
    if tables:
        return tables[0], tables[0]["RouteTableId"]
    main = ec2.describe_route_tables(Filters=[
        {"Name": "vpc-id", "Values": [subnet["VpcId"]]},
        {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]
    return main, (f"{main['RouteTableId']} (the VPC's main table: {subnet['SubnetId']} has no "
                  "route-table association of its own)")


def default_route(table: dict) -> dict | None:
    return next((r for r in table["Routes"] if r.get("DestinationCidrBlock") == DEFAULT_ROUTE),
                None)


def target_text(route: dict) -> str:
    state = "" if route.get("State", "active") == "active" else f" ({route['State']})"
    return f"{route_target(route)}{state}"


def routes_text(routes: list[dict]) -> str:
    destinations = ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")
    return ", ".join(f"{next(r[k] for k in destinations if r.get(k))} -> {target_text(r)}"
                     for r in routes)


def rule_source(rule: dict) -> str:
    return (rule.get("CidrIpv4") or rule.get("CidrIpv6") or rule.get("PrefixListId")
            or rule.get("ReferencedGroupInfo", {}).get("GroupId", "?"))


def rules_text(rules: list[dict]) -> str:
    def one(rule):
        low, high = rule.get("FromPort", -1), rule.get("ToPort", -1)
        protocol = protocol_name(rule["IpProtocol"])
        flow = "all traffic" if protocol == "-1" else \
            f"{protocol} {low if low == high else f'{low}-{high}'}"
        return f"{flow} from {rule_source(rule)} ({rule['SecurityGroupRuleId']})"
    return "; ".join(map(one, rules)) or "no ingress rules"
