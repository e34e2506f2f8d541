"""The starting states of topics 06 and 14, and the helpers that break them, build what their
docstrings promise, read back with boto3."""

from __future__ import annotations

import ipaddress

import pytest

from grader.scenarios.vpc import (
    custom_network_acl,
    three_tier_routed,
    three_tier_subnets,
    use_route_table,
    web_app,
    web_server,
)

VPC_CIDR = "10.20.0.0/16"
AZS = ("us-east-1a", "us-east-1b")


@pytest.fixture
def ec2(session):
    return session.client("ec2")


def _subnet(ec2, subnet_id):
    return ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]


def _table_of(ec2, subnet_id):
    return ec2.describe_route_tables(Filters=[
        {"Name": "association.subnet-id", "Values": [subnet_id]}])["RouteTables"][0]


def _default_target(table):
    [route] = [r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
    return route.get("GatewayId") or route.get("NatGatewayId")


def test_three_tier_subnets_carves_24s_in_order_public_app_db_per_az(session, ec2):
    network = three_tier_subnets(session, VPC_CIDR, AZS)
    found = {(tier, az): (_subnet(ec2, subnet_id)["CidrBlock"],
                          _subnet(ec2, subnet_id)["AvailabilityZone"])
             for tier, by_az in network["subnets"].items() for az, subnet_id in by_az.items()}
    assert found == {
        ("public", "us-east-1a"): ("10.20.0.0/24", "us-east-1a"),
        ("public", "us-east-1b"): ("10.20.1.0/24", "us-east-1b"),
        ("app", "us-east-1a"): ("10.20.2.0/24", "us-east-1a"),
        ("app", "us-east-1b"): ("10.20.3.0/24", "us-east-1b"),
        ("db", "us-east-1a"): ("10.20.4.0/24", "us-east-1a"),
        ("db", "us-east-1b"): ("10.20.5.0/24", "us-east-1b"),
    }


def test_three_tier_subnets_turns_dns_on_and_maps_public_ips_only_in_public_subnets(session, ec2):
    network = three_tier_subnets(session, "10.30.0.0/16", ["us-east-1c"])
    vpc_id = network["vpc_id"]
    assert ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["CidrBlock"] == "10.30.0.0/16"
    for attribute, key in (("enableDnsSupport", "EnableDnsSupport"),
                           ("enableDnsHostnames", "EnableDnsHostnames")):
        assert ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=attribute)[key]["Value"]
    maps = {tier: _subnet(ec2, by_az["us-east-1c"])["MapPublicIpOnLaunch"]
            for tier, by_az in network["subnets"].items()}
    assert maps == {"public": True, "app": False, "db": False}


def test_three_tier_routed_sends_public_subnets_to_the_attached_internet_gateway(session, ec2):
    network = three_tier_routed(session, VPC_CIDR, AZS)
    igw = ec2.describe_internet_gateways(
        InternetGatewayIds=[network["internet_gateway_id"]])["InternetGateways"][0]
    assert [a["VpcId"] for a in igw["Attachments"]] == [network["vpc_id"]]
    for subnet_id in network["subnets"]["public"].values():
        table = _table_of(ec2, subnet_id)
        assert table["RouteTableId"] == network["route_tables"]["public"]
        assert _default_target(table) == network["internet_gateway_id"]


def test_three_tier_routed_gives_each_az_a_nat_with_eip_used_by_that_azs_app_subnet(session, ec2):
    network = three_tier_routed(session, VPC_CIDR, AZS)
    for az in AZS:
        nat_id = network["nat_gateways"][az]
        nat = ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"][0]
        assert nat["SubnetId"] == network["subnets"]["public"][az]
        assert nat["State"] == "available"
        assert nat["NatGatewayAddresses"][0]["AllocationId"].startswith("eipalloc-")
        table = _table_of(ec2, network["subnets"]["app"][az])
        assert table["RouteTableId"] == network["route_tables"]["app"][az]
        assert _default_target(table) == nat_id


def test_three_tier_routed_puts_db_subnets_on_a_table_with_only_the_local_route(session, ec2):
    network = three_tier_routed(session, VPC_CIDR, AZS)
    for subnet_id in network["subnets"]["db"].values():
        table = _table_of(ec2, subnet_id)
        assert table["RouteTableId"] == network["route_tables"]["db"]
        assert [(r["DestinationCidrBlock"], r["GatewayId"]) for r in table["Routes"]] == [
            (VPC_CIDR, "local")]


def test_web_app_chains_security_groups_by_reference(session, ec2):
    network = web_app(session, VPC_CIDR, AZS, app_port=8000, db_port=3306)
    groups = network["security_groups"]
    rules = ec2.describe_security_group_rules(Filters=[
        {"Name": "group-id", "Values": list(groups.values())}])["SecurityGroupRules"]
    ingress = {(r["GroupId"], r["IpProtocol"], r["FromPort"], r["ToPort"],
                r.get("CidrIpv4") or r["ReferencedGroupInfo"]["GroupId"])
               for r in rules if not r["IsEgress"]}
    assert ingress == {
        (groups["alb"], "tcp", 443, 443, "0.0.0.0/0"),
        (groups["app"], "tcp", 8000, 8000, groups["alb"]),
        (groups["db"], "tcp", 3306, 3306, groups["app"]),
    }
    vpcs = {g["VpcId"] for g in ec2.describe_security_groups(
        GroupIds=list(groups.values()))["SecurityGroups"]}
    assert vpcs == {network["vpc_id"]}


def test_web_app_returns_the_routed_dict_plus_security_groups(session):
    network = web_app(session, VPC_CIDR, AZS, app_port=8080, db_port=5432)
    assert set(network) == {"vpc_id", "subnets", "internet_gateway_id", "nat_gateways",
                            "route_tables", "security_groups"}
    assert set(network["route_tables"]) == {"public", "app", "db"}
    assert set(network["route_tables"]["app"]) == set(AZS) == set(network["nat_gateways"])


# -- helpers that change one thing -------------------------------------------------------------

def _instance(ec2, instance_id):
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]


def test_web_server_runs_in_the_subnet_with_its_groups_and_a_public_ip(session, ec2):
    network = web_app(session, VPC_CIDR, AZS, app_port=8080, db_port=5432)
    public, groups = network["subnets"]["public"]["us-east-1b"], network["security_groups"]
    instance = _instance(ec2, web_server(session, public, [groups["alb"], groups["app"]]))
    assert (instance["SubnetId"], instance["VpcId"]) == (public, network["vpc_id"])
    assert {g["GroupId"] for g in instance["SecurityGroups"]} == {groups["alb"], groups["app"]}
    assert instance["PublicIpAddress"]
    assert ipaddress.ip_address(instance["PrivateIpAddress"]) in ipaddress.ip_network("10.20.1.0/24")


def test_web_server_without_public_ip_leaves_the_subnets_setting_as_it_was(session, ec2):
    network = web_app(session, VPC_CIDR, AZS, app_port=8080, db_port=5432)
    public, alb = network["subnets"]["public"]["us-east-1a"], network["security_groups"]["alb"]
    instance = _instance(ec2, web_server(session, public, [alb], public_ip=False))
    assert not instance.get("PublicIpAddress")
    assert [g["GroupId"] for g in instance["SecurityGroups"]] == [alb]
    assert _subnet(ec2, public)["MapPublicIpOnLaunch"] is True


def test_web_server_in_a_subnet_without_public_ips_gets_none(session, ec2):
    network = web_app(session, VPC_CIDR, AZS, app_port=8080, db_port=5432)
    app = network["subnets"]["app"]["us-east-1a"]
    assert not _instance(ec2, web_server(session, app, [network["security_groups"]["app"]])).get(
        "PublicIpAddress")


def test_custom_network_acl_writes_each_entry_and_moves_every_subnet(session, ec2):
    network = web_app(session, VPC_CIDR, AZS, app_port=8080, db_port=5432)
    subnets = list(network["subnets"]["public"].values())
    acl_id = custom_network_acl(session, network["vpc_id"], subnets, [
        (50, False, "deny", "203.0.113.0/24"), (100, False, "allow", "0.0.0.0/0", (443, 443)),
        (100, True, "allow", "10.0.0.0/8", (53, 53), "17")])
    [acl] = ec2.describe_network_acls(NetworkAclIds=[acl_id])["NetworkAcls"]
    entries = {(e["RuleNumber"], e["Egress"], e["RuleAction"], e["Protocol"], e["CidrBlock"],
                tuple(e.get("PortRange", {}).values())) for e in acl["Entries"]
               if e["RuleNumber"] < 32767}
    assert entries == {(50, False, "deny", "-1", "203.0.113.0/24", ()),
                       (100, False, "allow", "6", "0.0.0.0/0", (443, 443)),
                       (100, True, "allow", "17", "10.0.0.0/8", (53, 53))}
    assert {a["SubnetId"] for a in acl["Associations"]} == set(subnets)
    assert acl["VpcId"] == network["vpc_id"] and not acl["IsDefault"]


def test_use_route_table_replaces_drops_and_adds_a_subnets_association(session, ec2):
    network = web_app(session, VPC_CIDR, AZS, app_port=8080, db_port=5432)
    public, app_table = network["subnets"]["public"]["us-east-1a"], \
        network["route_tables"]["app"]["us-east-1a"]
    use_route_table(ec2, public, app_table)
    assert _table_of(ec2, public)["RouteTableId"] == app_table
    use_route_table(ec2, public, None)
    assert ec2.describe_route_tables(Filters=[
        {"Name": "association.subnet-id", "Values": [public]}])["RouteTables"] == []
    use_route_table(ec2, public, None)  # nothing left to drop
    use_route_table(ec2, public, network["route_tables"]["public"])
    assert _table_of(ec2, public)["RouteTableId"] == network["route_tables"]["public"]
