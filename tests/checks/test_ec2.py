"""The EC2 checks pass on the course's scenarios and fail with messages naming the real ids.

Each failing case pins the rendered message: the first line, ``Expected:``, ``Found:`` and,
where the advice matters (the security traps), ``Next:``.
"""

from __future__ import annotations

import ipaddress

import pytest

from grader.checks import ec2 as checks
from grader.scenarios.vpc import three_tier_routed, three_tier_subnets, web_app
from grader.sim.network import INTERNET, can_reach
from grader.state.ec2 import endpoint, read_network

from .failures import failure

VPC_CIDR = "10.20.0.0/16"
AZS = ("us-east-1a", "us-east-1b")
TIERS = ("public", "app", "db")
UNKNOWN_VPC = "vpc-0123456789abcdef0"


@pytest.fixture
def ec2(session):
    return session.client("ec2")


@pytest.fixture
def net(session):
    return web_app(session, VPC_CIDR, AZS, app_port=8080, db_port=5432)


def move_subnet(ec2, subnet_id, table_id) -> None:
    """Re-associate ``subnet_id`` (which has an explicit association) with ``table_id``."""
    [table] = ec2.describe_route_tables(Filters=[
        {"Name": "association.subnet-id", "Values": [subnet_id]}])["RouteTables"]
    association = next(a for a in table["Associations"] if a.get("SubnetId") == subnet_id)
    ec2.replace_route_table_association(AssociationId=association["RouteTableAssociationId"],
                                        RouteTableId=table_id)


def main_table(ec2, vpc_id) -> str:
    return ec2.describe_route_tables(Filters=[
        {"Name": "vpc-id", "Values": [vpc_id]},
        {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]["RouteTableId"]


def open_ingress(ec2, group_id, port, cidr="0.0.0.0/0", to_port=None) -> str:
    response = ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": port, "ToPort": to_port or port,
        "IpRanges": [{"CidrIp": cidr}]}])
    return response["SecurityGroupRules"][0]["SecurityGroupRuleId"]


def rule_id(ec2, group_id) -> str:
    [rule] = [r for r in ec2.describe_security_group_rules(Filters=[
        {"Name": "group-id", "Values": [group_id]}])["SecurityGroupRules"] if not r["IsEgress"]]
    return rule["SecurityGroupRuleId"]


# -- ids and missing resources -----------------------------------------------------------------

def test_a_check_given_none_for_an_id_fails_with_a_clear_message(session):
    message = failure(checks.vpc_has_cidr, session, None, VPC_CIDR)
    assert message["what"] == "The VPC id"
    assert message["expected"] == "a VPC id, a string like 'vpc-0123456789abcdef0'"
    assert message["found"] == "None (a NoneType)"
    assert message["next"] == ("Return the id from the create call's response, "
                               'e.g. response["Vpc"]["VpcId"].')


def test_a_check_given_a_whole_response_instead_of_an_id_fails(session):
    message = failure(checks.maps_public_ip, session, {"SubnetId": "subnet-1"}, True)
    assert message["found"] == "{'SubnetId': 'subnet-1'} (a dict)"
    assert message["next"].endswith('response["Subnet"]["SubnetId"].')


def test_an_unknown_vpc_id_fails_saying_it_does_not_exist(session):
    message = failure(checks.vpc_dns_enabled, session, UNKNOWN_VPC)
    assert message["what"] == f"VPC {UNKNOWN_VPC} exists"
    assert message["found"] == f"{UNKNOWN_VPC} does not exist (InvalidVpcID.NotFound)"
    assert message["error"].aws_code == "InvalidVpcID.NotFound"


def test_an_unknown_subnet_id_fails_saying_it_does_not_exist(session):
    message = failure(checks.subnet_is_public, session, "subnet-0123456789abcdef0")
    assert message["found"] == ("subnet-0123456789abcdef0 does not exist "
                                "(InvalidSubnetID.NotFound)")


def test_an_unknown_security_group_id_fails_saying_it_does_not_exist(session):
    message = failure(checks.sg_ingress_only, session, "sg-0123456789abcdef0", [])
    assert message["what"] == "security group sg-0123456789abcdef0 exists"
    assert message["found"] == "sg-0123456789abcdef0 does not exist (InvalidGroup.NotFound)"


# -- subnet_plan (pure) ------------------------------------------------------------------------

def plan_for(vpc_cidr=VPC_CIDR, azs=AZS, tiers=TIERS, prefix=24) -> dict:
    blocks = ipaddress.ip_network(vpc_cidr).subnets(new_prefix=prefix)
    return {tier: {az: str(next(blocks)) for az in azs} for tier in tiers}


def test_subnet_plan_passes_on_a_plan_carved_in_order():
    checks.subnet_plan(plan_for(), VPC_CIDR, AZS, TIERS, 24)


def test_subnet_plan_passes_on_other_tiers_azs_and_prefix():
    azs, tiers = ("eu-west-1a", "eu-west-1b", "eu-west-1c"), ("web", "data")
    checks.subnet_plan(plan_for("172.16.0.0/20", azs, tiers, 26), "172.16.0.0/20", azs, tiers, 26)


def test_subnet_plan_fails_when_the_function_returned_none():
    message = failure(checks.subnet_plan, None, VPC_CIDR, AZS, TIERS, 24)
    assert message["what"] == "The subnet plan"
    assert message["expected"] == "a dict {tier: {az: cidr}}"
    assert message["found"] == "None (a NoneType)"


def test_subnet_plan_fails_naming_the_missing_tier():
    plan = plan_for()
    del plan["db"]
    message = failure(checks.subnet_plan, plan, VPC_CIDR, AZS, TIERS, 24)
    assert message["what"] == "The tiers of the subnet plan"
    assert message["expected"] == "['public', 'app', 'db']"
    assert message["found"] == "['public', 'app']"


def test_subnet_plan_fails_when_a_tier_is_not_a_dict():
    plan = {**plan_for(), "app": ["10.20.2.0/24", "10.20.3.0/24"]}
    message = failure(checks.subnet_plan, plan, VPC_CIDR, AZS, TIERS, 24)
    assert message["what"] == "Tier 'app' of the subnet plan"
    assert message["found"] == "['10.20.2.0/24', '10.20.3.0/24'] (a list)"


def test_subnet_plan_fails_naming_the_missing_az_of_a_tier():
    plan = plan_for()
    del plan["db"]["us-east-1b"]
    message = failure(checks.subnet_plan, plan, VPC_CIDR, AZS, TIERS, 24)
    assert message["what"] == "The AZs of tier 'db'"
    assert (message["expected"], message["found"]) == ("['us-east-1a', 'us-east-1b']",
                                                       "['us-east-1a']")


def test_subnet_plan_fails_on_a_cidr_with_host_bits_set():
    plan = plan_for()
    plan["app"]["us-east-1a"] = "10.20.2.1/24"
    message = failure(checks.subnet_plan, plan, VPC_CIDR, AZS, TIERS, 24)
    assert message["what"] == "Subnet app/us-east-1a of the plan"
    assert message["found"] == "'10.20.2.1/24': 10.20.2.1/24 has host bits set"


def test_subnet_plan_fails_on_a_network_object_instead_of_a_str():
    plan = plan_for()
    plan["public"]["us-east-1b"] = ipaddress.ip_network("10.20.1.0/24")
    message = failure(checks.subnet_plan, plan, VPC_CIDR, AZS, TIERS, 24)
    assert message["found"] == "IPv4Network('10.20.1.0/24'): type IPv4Network, not str"


def test_subnet_plan_fails_on_the_wrong_prefix_length():
    plan = plan_for(prefix=25)
    message = failure(checks.subnet_plan, plan, VPC_CIDR, AZS, TIERS, 24)
    assert message["what"] == "Size of subnet public/us-east-1a of the plan"
    assert (message["expected"], message["found"]) == ("/24", "10.20.0.0/25 is a /25")


def test_subnet_plan_fails_on_a_block_outside_the_vpc():
    message = failure(checks.subnet_plan, plan_for("10.0.0.0/16"), VPC_CIDR, AZS, TIERS, 24)
    assert message["expected"] == "a block inside 10.20.0.0/16"
    assert message["found"] == "10.0.0.0/24"
    assert message["next"] == "Carve the blocks from the vpc_cidr argument, not from a fixed range."


def test_subnet_plan_fails_naming_both_overlapping_subnets():
    plan = plan_for()
    plan["db"]["us-east-1b"] = plan["public"]["us-east-1a"]
    message = failure(checks.subnet_plan, plan, VPC_CIDR, AZS, TIERS, 24)
    assert message["expected"] == "6 separate blocks"
    assert message["found"] == ("public/us-east-1a (10.20.0.0/24) overlaps "
                                "db/us-east-1b (10.20.0.0/24)")


# -- VPC and subnets ---------------------------------------------------------------------------

def test_vpc_has_cidr_passes_on_the_scenario_vpc(session, net):
    checks.vpc_has_cidr(session, net["vpc_id"], VPC_CIDR)


def test_vpc_has_cidr_passes_on_a_secondary_block(session, ec2, net):
    ec2.associate_vpc_cidr_block(VpcId=net["vpc_id"], CidrBlock="10.21.0.0/16")
    checks.vpc_has_cidr(session, net["vpc_id"], "10.21.0.0/16")


def test_vpc_has_cidr_fails_on_a_hard_coded_range(session, ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    message = failure(checks.vpc_has_cidr, session, vpc_id, VPC_CIDR)
    assert message["what"] == f"IPv4 CIDR block of VPC {vpc_id}"
    assert (message["expected"], message["found"]) == (VPC_CIDR, "10.0.0.0/16")


def test_vpc_dns_enabled_passes_on_the_scenario_vpc(session, net):
    checks.vpc_dns_enabled(session, net["vpc_id"])


def test_vpc_dns_enabled_fails_when_hostnames_are_off(session, ec2):
    vpc_id = ec2.create_vpc(CidrBlock=VPC_CIDR)["Vpc"]["VpcId"]
    message = failure(checks.vpc_dns_enabled, session, vpc_id)
    assert message["what"] == f"DNS attributes of VPC {vpc_id}"
    assert message["found"] == "enableDnsSupport=True, enableDnsHostnames=False"


def test_subnets_cover_passes_on_the_scenario_subnets(session):
    network = three_tier_subnets(session, VPC_CIDR, AZS)
    checks.subnets_cover(session, network["vpc_id"], network["subnets"], AZS, TIERS)


def test_subnets_cover_fails_when_subnets_is_none(session):
    network = three_tier_subnets(session, VPC_CIDR, AZS)
    message = failure(checks.subnets_cover, session, network["vpc_id"], None, AZS, TIERS)
    assert message["what"] == 'The "subnets" entry'
    assert message["found"] == "None (a NoneType)"


def test_subnets_cover_fails_naming_the_missing_tier(session):
    network = three_tier_subnets(session, VPC_CIDR, AZS)
    subnets = {tier: network["subnets"][tier] for tier in ("public", "app")}
    message = failure(checks.subnets_cover, session, network["vpc_id"], subnets, AZS, TIERS)
    assert message["what"] == 'The tiers of "subnets"'
    assert message["found"] == "['public', 'app']"


def test_subnets_cover_fails_on_a_missing_subnet_id(session):
    network = three_tier_subnets(session, VPC_CIDR, AZS)
    network["subnets"]["app"]["us-east-1a"] = None
    message = failure(checks.subnets_cover, session, network["vpc_id"], network["subnets"],
                      AZS, TIERS)
    assert message["what"] == "Subnet id of app/us-east-1a"
    assert message["found"] == "None (a NoneType)"


def test_subnets_cover_fails_on_a_subnet_that_does_not_exist(session):
    network = three_tier_subnets(session, VPC_CIDR, AZS)
    network["subnets"]["db"]["us-east-1b"] = "subnet-0123456789abcdef0"
    message = failure(checks.subnets_cover, session, network["vpc_id"], network["subnets"],
                      AZS, TIERS)
    assert message["found"] == ("subnet-0123456789abcdef0 does not exist "
                                "(InvalidSubnetID.NotFound)")


def test_subnets_cover_fails_when_one_subnet_serves_two_tiers(session):
    network = three_tier_subnets(session, VPC_CIDR, AZS)
    reused = network["subnets"]["app"]["us-east-1a"]
    network["subnets"]["db"]["us-east-1a"] = reused
    message = failure(checks.subnets_cover, session, network["vpc_id"], network["subnets"],
                      AZS, TIERS)
    assert message["expected"] == "6 different subnet ids"
    assert message["found"] == f"{reused} is used for app/us-east-1a, db/us-east-1a"


def test_subnets_cover_fails_on_a_subnet_of_the_default_vpc(session, ec2):
    network = three_tier_subnets(session, VPC_CIDR, AZS)
    [default] = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    stray = ec2.create_subnet(VpcId=default["VpcId"], CidrBlock="172.31.200.0/24",
                              AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    network["subnets"]["public"]["us-east-1a"] = stray
    message = failure(checks.subnets_cover, session, network["vpc_id"], network["subnets"],
                      AZS, TIERS)
    assert message["what"] == f"VPC of subnet {stray} (public/us-east-1a)"
    assert (message["expected"], message["found"]) == (network["vpc_id"], default["VpcId"])


def test_subnets_cover_fails_on_a_subnet_in_the_wrong_az(session):
    network = three_tier_subnets(session, VPC_CIDR, AZS)
    app = network["subnets"]["app"]
    app["us-east-1a"], app["us-east-1b"] = app["us-east-1b"], app["us-east-1a"]
    message = failure(checks.subnets_cover, session, network["vpc_id"], network["subnets"],
                      AZS, TIERS)
    assert message["what"] == f"Availability zone of subnet {app['us-east-1a']} (app/us-east-1a)"
    assert (message["expected"], message["found"]) == ("us-east-1a", "us-east-1b")


def test_maps_public_ip_passes_for_public_on_and_private_off(session, net):
    checks.maps_public_ip(session, net["subnets"]["public"]["us-east-1b"], True)
    checks.maps_public_ip(session, net["subnets"]["db"]["us-east-1b"], False)


def test_maps_public_ip_fails_when_an_app_subnet_maps_public_ips(session, ec2, net):
    app = net["subnets"]["app"]["us-east-1a"]
    ec2.modify_subnet_attribute(SubnetId=app, MapPublicIpOnLaunch={"Value": True})
    message = failure(checks.maps_public_ip, session, app, False)
    assert message["what"] == f"MapPublicIpOnLaunch of subnet {app}"
    assert (message["expected"], message["found"]) == ("False", "True")
    assert message["next"] == checks.MAP_PUBLIC_IP_HINTS[False]


def test_maps_public_ip_fails_when_a_public_subnet_does_not(session, ec2):
    vpc_id = ec2.create_vpc(CidrBlock=VPC_CIDR)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.20.0.0/24")["Subnet"]["SubnetId"]
    message = failure(checks.maps_public_ip, session, subnet, True)
    assert (message["expected"], message["found"]) == ("True", "False")


# -- routes ------------------------------------------------------------------------------------

def test_subnet_is_public_passes_on_public_subnets(session, net):
    for subnet_id in net["subnets"]["public"].values():
        checks.subnet_is_public(session, subnet_id)


def test_subnet_is_public_fails_on_an_app_subnet_routed_to_its_nat(session, net):
    app = net["subnets"]["app"]["us-east-1a"]
    message = failure(checks.subnet_is_public, session, app)
    assert message["what"] == f"Subnet {app} is public"
    assert message["expected"] == ("its route table sends 0.0.0.0/0 to an internet gateway "
                                   f"attached to {net['vpc_id']}")
    assert message["found"] == (f"{net['route_tables']['app']['us-east-1a']} sends 0.0.0.0/0 "
                                f"to {net['nat_gateways']['us-east-1a']}")


def test_subnet_is_public_fails_on_a_subnet_left_on_the_main_table(session, ec2):
    network = three_tier_subnets(session, VPC_CIDR, AZS)
    public = network["subnets"]["public"]["us-east-1a"]
    main = main_table(ec2, network["vpc_id"])
    message = failure(checks.subnet_is_public, session, public)
    assert message["found"] == (
        f"{main} (the VPC's main table: {public} has no route-table association of its own) "
        f"has no 0.0.0.0/0 route (its routes: {VPC_CIDR} -> local)")


def test_subnet_is_public_fails_when_the_internet_gateway_is_detached(session, ec2, net):
    igw = net["internet_gateway_id"]
    ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=net["vpc_id"])
    message = failure(checks.subnet_is_public, session, net["subnets"]["public"]["us-east-1a"])
    assert message["found"] == (f"{net['route_tables']['public']} sends 0.0.0.0/0 to {igw}, "
                                "which is not attached to any VPC")


def test_subnet_uses_nat_passes_on_app_subnets_of_both_azs(session, net):
    for subnet_id in net["subnets"]["app"].values():
        checks.subnet_uses_nat(session, subnet_id)


def test_subnet_uses_nat_fails_when_the_app_subnet_uses_the_nat_of_the_other_az(
        session, ec2, net):
    table = net["route_tables"]["app"]["us-east-1a"]
    other = net["nat_gateways"]["us-east-1b"]
    ec2.replace_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=other)
    app = net["subnets"]["app"]["us-east-1a"]
    message = failure(checks.subnet_uses_nat, session, app)
    assert message["what"] == f"Subnet {app} (us-east-1a) uses the NAT gateway of its own AZ"
    assert message["expected"] == ("0.0.0.0/0 -> the NAT gateway in us-east-1a "
                                   "(one NAT gateway per AZ)")
    assert message["found"] == (f"{table} sends 0.0.0.0/0 to {other}, which sits in "
                                f"{net['subnets']['public']['us-east-1b']} in us-east-1b")


def test_subnet_uses_nat_fails_when_the_nat_sits_in_a_private_subnet(session, ec2, net):
    db = net["subnets"]["db"]["us-east-1a"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=db, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    table = net["route_tables"]["app"]["us-east-1a"]
    ec2.replace_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    message = failure(checks.subnet_uses_nat, session, net["subnets"]["app"]["us-east-1a"])
    assert message["what"] == f"NAT gateway {nat} sits in a public subnet"
    assert message["expected"] == (f"{db} routes 0.0.0.0/0 to an internet gateway attached "
                                   f"to {net['vpc_id']}")
    assert message["found"] == (f"{net['route_tables']['db']} has no 0.0.0.0/0 route "
                                f"(its routes: {VPC_CIDR} -> local)")
    assert message["next"] == ("Create the NAT gateway in the public subnet of us-east-1a: "
                               "in a private subnet it has no way out.")


def test_subnet_uses_nat_fails_when_the_app_subnet_routes_to_the_internet_gateway(
        session, ec2, net):
    app = net["subnets"]["app"]["us-east-1b"]
    move_subnet(ec2, app, net["route_tables"]["public"])
    message = failure(checks.subnet_uses_nat, session, app)
    assert message["what"] == (f"Subnet {app} reaches the internet through the NAT gateway "
                               "of us-east-1b")
    assert message["found"] == (f"{net['route_tables']['public']} sends 0.0.0.0/0 to "
                                f"{net['internet_gateway_id']}")


def test_subnet_uses_nat_fails_when_there_is_no_default_route(session):
    network = three_tier_subnets(session, VPC_CIDR, AZS)
    message = failure(checks.subnet_uses_nat, session, network["subnets"]["app"]["us-east-1a"])
    assert message["found"].endswith(f"has no 0.0.0.0/0 route (its routes: {VPC_CIDR} -> local)")


def test_subnet_uses_nat_fails_when_the_nat_was_deleted(session, ec2, net):
    nat = net["nat_gateways"]["us-east-1a"]
    ec2.delete_nat_gateway(NatGatewayId=nat)
    message = failure(checks.subnet_uses_nat, session, net["subnets"]["app"]["us-east-1a"])
    assert message["what"] == (f"NAT gateway {nat} used by subnet "
                               f"{net['subnets']['app']['us-east-1a']}")
    assert message["found"] == f"{nat} is deleted"


@pytest.mark.parametrize(("options", "state"), [
    pytest.param({"ConnectivityType": "private"}, "a private NAT gateway", id="private-nat"),
    pytest.param({}, "a NAT gateway without an Elastic IP", id="no-elastic-ip"),
])
def test_subnet_uses_nat_fails_on_a_nat_that_cannot_reach_the_internet(
        session, ec2, net, options, state):
    """moto accepts a public NAT gateway without AllocationId; AWS would refuse it."""
    public = net["subnets"]["public"]["us-east-1a"]
    nat = ec2.create_nat_gateway(SubnetId=public, **options)["NatGateway"]["NatGatewayId"]
    table = net["route_tables"]["app"]["us-east-1a"]
    ec2.replace_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    message = failure(checks.subnet_uses_nat, session, net["subnets"]["app"]["us-east-1a"])
    assert message["found"] == f"{nat} is {state}"


def test_subnet_is_isolated_passes_on_db_subnets(session, net):
    for subnet_id in net["subnets"]["db"].values():
        checks.subnet_is_isolated(session, subnet_id)


def test_subnet_is_isolated_passes_with_a_gateway_endpoint_route(session, ec2, net):
    ec2.create_vpc_endpoint(VpcId=net["vpc_id"], VpcEndpointType="Gateway",
                            ServiceName="com.amazonaws.us-east-1.s3",
                            RouteTableIds=[net["route_tables"]["db"]])
    checks.subnet_is_isolated(session, net["subnets"]["db"]["us-east-1a"])


def test_subnet_is_isolated_fails_when_db_subnet_routes_to_igw(session, ec2, net):
    db_table, igw = net["route_tables"]["db"], net["internet_gateway_id"]
    ec2.create_route(RouteTableId=db_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    db = net["subnets"]["db"]["us-east-1b"]
    message = failure(checks.subnet_is_isolated, session, db)
    assert message["what"] == f"Subnet {db} has no route out of {net['vpc_id']}"
    assert message["found"] == f"{db_table} also has 0.0.0.0/0 -> {igw}"
    assert message["next"] == f"Associate {db} with a route table that has only the local route."


def test_subnet_is_isolated_fails_when_db_subnet_is_on_the_app_table(session, ec2, net):
    db, table = net["subnets"]["db"]["us-east-1a"], net["route_tables"]["app"]["us-east-1a"]
    move_subnet(ec2, db, table)
    message = failure(checks.subnet_is_isolated, session, db)
    assert message["found"] == (f"{table} also has 0.0.0.0/0 -> "
                                f"{net['nat_gateways']['us-east-1a']}")


def test_subnet_is_isolated_fails_on_a_main_table_with_an_internet_route(session, ec2):
    network = three_tier_routed(session, VPC_CIDR, AZS)
    vpc_id, igw = network["vpc_id"], network["internet_gateway_id"]
    main = main_table(ec2, vpc_id)
    ec2.create_route(RouteTableId=main, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    lone = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.20.9.0/24")["Subnet"]["SubnetId"]
    message = failure(checks.subnet_is_isolated, session, lone)
    assert message["found"] == (f"{main} (the VPC's main table: {lone} has no route-table "
                                f"association of its own) also has 0.0.0.0/0 -> {igw}")


# -- security groups ---------------------------------------------------------------------------

def test_sg_allows_passes_on_the_chain_by_reference_and_the_alb_from_anywhere(session, net):
    groups = net["security_groups"]
    checks.sg_allows(session, groups["app"], 8080, source_group_id=groups["alb"])
    checks.sg_allows(session, groups["db"], 5432, source_group_id=groups["app"])
    checks.sg_allows(session, groups["alb"], 443, cidr="0.0.0.0/0")
    checks.sg_allows(session, groups["alb"], 443, cidr="203.0.113.0/24")


def test_sg_allows_passes_on_an_all_traffic_rule_from_the_group(session, ec2, net):
    groups = net["security_groups"]
    ec2.authorize_security_group_ingress(GroupId=groups["db"], IpPermissions=[
        {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": groups["alb"]}]}])
    checks.sg_allows(session, groups["db"], 6379, source_group_id=groups["alb"])


def test_sg_allows_fails_when_the_db_admits_the_alb_instead_of_the_app(session, ec2):
    network = three_tier_subnets(session, VPC_CIDR, AZS)
    make = ec2.create_security_group
    alb, app, db = (make(GroupName=n, Description=n, VpcId=network["vpc_id"])["GroupId"]
                    for n in ("alb", "app", "db"))
    ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
        "UserIdGroupPairs": [{"GroupId": alb}]}])
    message = failure(checks.sg_allows, session, db, 5432, source_group_id=app)
    assert message["what"] == f"Security group {db} admits tcp 5432 from group {app}"
    assert message["expected"] == f"an ingress rule for tcp 5432 that references {app}"
    assert message["found"] == f"tcp 5432 from {alb} ({rule_id(ec2, db)})"


def test_sg_allows_fails_when_the_app_admits_the_vpc_cidr_instead_of_the_alb_group(
        session, ec2, net):
    groups = net["security_groups"]
    ec2.revoke_security_group_ingress(GroupId=groups["app"],
                                      SecurityGroupRuleIds=[rule_id(ec2, groups["app"])])
    rule = open_ingress(ec2, groups["app"], 8080, cidr=VPC_CIDR)
    message = failure(checks.sg_allows, session, groups["app"], 8080, source_group_id=groups["alb"])
    assert message["found"] == f"tcp 8080 from {VPC_CIDR} ({rule})"


def test_sg_allows_fails_on_a_port_range_that_misses_the_port(session, ec2, net):
    alb = net["security_groups"]["alb"]
    ec2.revoke_security_group_ingress(GroupId=alb, SecurityGroupRuleIds=[rule_id(ec2, alb)])
    rule = open_ingress(ec2, alb, 8000, to_port=8079)
    message = failure(checks.sg_allows, session, alb, 443, cidr="0.0.0.0/0")
    assert message["what"] == f"Security group {alb} admits tcp 443 from 0.0.0.0/0"
    assert message["found"] == f"tcp 8000-8079 from 0.0.0.0/0 ({rule})"


def test_sg_allows_fails_on_a_cidr_narrower_than_asked(session, ec2, net):
    alb = net["security_groups"]["alb"]
    ec2.revoke_security_group_ingress(GroupId=alb, SecurityGroupRuleIds=[rule_id(ec2, alb)])
    rule = open_ingress(ec2, alb, 443, cidr="10.0.0.0/8")
    message = failure(checks.sg_allows, session, alb, 443, cidr="0.0.0.0/0")
    assert message["found"] == f"tcp 443 from 10.0.0.0/8 ({rule})"


def test_sg_allows_fails_on_a_group_without_ingress_rules(session, ec2, net):
    groups = net["security_groups"]
    ec2.revoke_security_group_ingress(GroupId=groups["db"],
                                      SecurityGroupRuleIds=[rule_id(ec2, groups["db"])])
    message = failure(checks.sg_allows, session, groups["db"], 5432, source_group_id=groups["app"])
    assert message["found"] == "no ingress rules"


def test_sg_allows_fails_when_the_group_id_is_none(session):
    message = failure(checks.sg_allows, session, None, 443, cidr="0.0.0.0/0")
    assert message["what"] == "The security group id"
    assert message["found"] == "None (a NoneType)"


def test_sg_allows_fails_when_the_source_group_id_is_none(session, net):
    message = failure(checks.sg_allows, session, net["security_groups"]["db"], 5432,
                      source_group_id=None)
    assert message["what"] == "The source security group id"
    assert message["found"] == "None (a NoneType)"


def test_sg_allows_needs_exactly_one_source(session, net):
    with pytest.raises(TypeError, match="exactly one"):
        checks.sg_allows(session, net["security_groups"]["db"], 5432)
    with pytest.raises(TypeError, match="exactly one"):
        checks.sg_allows(session, net["security_groups"]["db"], 5432,
                         source_group_id=net["security_groups"]["app"], cidr="0.0.0.0/0")


def test_sg_ingress_only_passes_on_the_chain(session, net):
    groups = net["security_groups"]
    checks.sg_ingress_only(session, groups["alb"], [(443, "0.0.0.0/0")])
    checks.sg_ingress_only(session, groups["app"], [(8080, groups["alb"])])
    checks.sg_ingress_only(session, groups["db"], [(5432, groups["app"])])


def test_sg_ingress_only_fails_when_db_port_is_open_to_the_world(session, ec2, net):
    db, app = net["security_groups"]["db"], net["security_groups"]["app"]
    rule = open_ingress(ec2, db, 5432)
    message = failure(checks.sg_ingress_only, session, db, [(5432, app)])
    assert message["what"] == f"Security group {db} admits only tcp 5432 from {app}"
    assert message["expected"] == "no other ingress rule"
    assert message["found"] == f"also tcp 5432 from 0.0.0.0/0 ({rule})"
    assert message["next"] == (f"Revoke {rule} (revoke_security_group_ingress): it opens the "
                               "group to the whole internet. Admit the port only from the "
                               "security group that needs it.")


def test_sg_ingress_only_fails_when_ssh_is_open_to_the_world_on_app(session, ec2, net):
    app, alb = net["security_groups"]["app"], net["security_groups"]["alb"]
    rule = open_ingress(ec2, app, 22)
    message = failure(checks.sg_ingress_only, session, app, [(8080, alb)])
    assert message["found"] == f"also tcp 22 from 0.0.0.0/0 ({rule})"
    assert message["next"] == (f"Revoke {rule}: it opens SSH (22). Reach instances with Systems "
                               "Manager Session Manager instead of an open port.")


def test_sg_ingress_only_fails_when_db_port_is_open_to_the_vpc_cidr(session, ec2, net):
    db, app = net["security_groups"]["db"], net["security_groups"]["app"]
    rule = open_ingress(ec2, db, 5432, cidr=VPC_CIDR)
    message = failure(checks.sg_ingress_only, session, db, [(5432, app)])
    assert message["found"] == f"also tcp 5432 from {VPC_CIDR} ({rule})"
    assert message["next"] == (f"Revoke {rule} (revoke_security_group_ingress): nothing else "
                               "should get in.")


def test_sg_ingress_only_fails_on_a_port_range_wider_than_allowed(session, ec2, net):
    db, app = net["security_groups"]["db"], net["security_groups"]["app"]
    ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 5000, "ToPort": 6000,
        "UserIdGroupPairs": [{"GroupId": app}]}])
    message = failure(checks.sg_ingress_only, session, db, [(5432, app)])
    assert message["found"].startswith(f"also tcp 5000-6000 from {app} (sgr-")


def test_sg_ingress_only_lists_every_extra_rule(session, ec2, net):
    db, app = net["security_groups"]["db"], net["security_groups"]["app"]
    world, ssh = open_ingress(ec2, db, 5432), open_ingress(ec2, db, 22, cidr=VPC_CIDR)
    message = failure(checks.sg_ingress_only, session, db, [(5432, app)])
    assert message["found"] == (f"also tcp 5432 from 0.0.0.0/0 ({world}); "
                                f"tcp 22 from {VPC_CIDR} ({ssh})")


def test_sg_ingress_only_with_nothing_allowed_fails_on_any_rule(session, net):
    alb = net["security_groups"]["alb"]
    message = failure(checks.sg_ingress_only, session, alb, [])
    assert message["what"] == f"Security group {alb} admits only nothing"
    assert message["found"].startswith("also tcp 443 from 0.0.0.0/0 (sgr-")


def test_sg_ingress_only_fails_when_the_allowed_group_id_is_none(session, net):
    message = failure(checks.sg_ingress_only, session, net["security_groups"]["db"],
                      [(5432, None)])
    assert message["what"] == "A source security group id"
    assert message["found"] == "None (a NoneType)"


# -- reachability ------------------------------------------------------------------------------

def test_not_reachable_from_internet_passes_on_the_db_tier(session, net):
    for az in AZS:
        checks.not_reachable_from_internet(session, net["subnets"]["db"][az],
                                           net["security_groups"]["db"], 5432)


def test_not_reachable_from_internet_passes_on_a_world_open_db_in_a_private_subnet(
        session, ec2, net):
    """The route still protects it; sg_ingress_only is the check that catches the rule."""
    open_ingress(ec2, net["security_groups"]["db"], 5432)
    checks.not_reachable_from_internet(session, net["subnets"]["db"]["us-east-1a"],
                                       net["security_groups"]["db"], 5432)


def test_not_reachable_from_internet_fails_when_db_subnet_is_public_and_port_open(
        session, ec2, net):
    db, db_sg = net["subnets"]["db"]["us-east-1a"], net["security_groups"]["db"]
    move_subnet(ec2, db, net["route_tables"]["public"])
    ec2.modify_subnet_attribute(SubnetId=db, MapPublicIpOnLaunch={"Value": True})
    open_ingress(ec2, db_sg, 5432)
    verdict = can_reach(read_network(session, net["vpc_id"]), INTERNET, endpoint(db, db_sg), 5432)
    message = failure(checks.not_reachable_from_internet, session, db, db_sg, 5432)
    assert message["what"] == (f"tcp 5432 on {db_sg} in subnet {db} is unreachable "
                               "from the internet")
    assert message["found"] == "reachable: " + "; ".join(verdict.trail)
    for named in (db, net["internet_gateway_id"], db_sg, "0.0.0.0/0"):
        assert named in message["found"]
    assert message["next"] == (f"Admit tcp 5432 on {db_sg} only from the security group that "
                               f"needs it, and keep {db} on a route table without an "
                               "internet-gateway route.")


def test_not_reachable_from_internet_fails_on_the_alb_which_is_meant_to_be_reachable(
        session, net):
    alb_subnet = net["subnets"]["public"]["us-east-1b"]
    message = failure(checks.not_reachable_from_internet, session, alb_subnet,
                      net["security_groups"]["alb"], 443)
    assert message["found"].startswith(f"reachable: {alb_subnet} routes 0.0.0.0/0 to "
                                       f"{net['internet_gateway_id']}")


def test_not_reachable_from_internet_fails_on_an_unknown_group(session, net):
    message = failure(checks.not_reachable_from_internet, session,
                      net["subnets"]["db"]["us-east-1a"], "sg-0123456789abcdef0", 5432)
    assert message["found"] == "sg-0123456789abcdef0 does not exist (InvalidGroup.NotFound)"
