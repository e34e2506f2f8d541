"""grader/state/ec2.py: read_network turns what EC2 describes into the simulator's data, one VPC at a
time; instances are read with their metadata options and the role of their live profile."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from grader.scenarios.ec2 import imds_fleet, launch
from grader.scenarios.iam import instance_role, objects_policy
from grader.scenarios.vpc import (
    custom_network_acl,
    guarded_web_app,
    three_tier_routed,
    three_tier_subnets,
    web_app,
    web_server,
)
from grader.sim.imds import MetadataOptions
from grader.sim.network import Endpoint, NaclEntry, NatGateway, Route, Rule
from grader.state.ec2 import (
    describe_instance,
    endpoint,
    instance_endpoint,
    instance_views,
    metadata_options,
    profile_association,
    profile_associations,
    protocol_name,
    read_network,
    read_network_from_api,
    route_target,
)

VPC_CIDR = "10.20.0.0/16"
AZS = ("us-east-1a", "us-east-1b")


@pytest.fixture
def net(session):
    return web_app(session, VPC_CIDR, AZS, app_port=8080, db_port=5432)


def test_read_network_with_vpc_id_leaves_out_the_default_vpc(session, net):
    network = read_network(session, net["vpc_id"])
    assert network.vpcs == {net["vpc_id"]: VPC_CIDR}
    assert {s.vpc_id for s in network.subnets.values()} == {net["vpc_id"]}
    assert {g.vpc_id for g in network.security_groups.values()} == {net["vpc_id"]}
    assert {t.vpc_id for t in network.route_tables.values()} == {net["vpc_id"]}


def test_read_network_without_vpc_id_reads_every_vpc_including_the_default(session, net):
    network = read_network(session)
    assert network.vpcs[net["vpc_id"]] == VPC_CIDR
    assert "172.31.0.0/16" in network.vpcs.values()


def test_read_network_of_an_unknown_vpc_raises_the_ec2_error(session):
    with pytest.raises(ClientError, match="InvalidVpcID.NotFound"):
        read_network(session, "vpc-0123456789abcdef0")


def test_subnets_carry_their_explicit_route_table_az_and_public_ip_setting(session, net):
    network = read_network(session, net["vpc_id"])
    public_a = network.subnets[net["subnets"]["public"]["us-east-1a"]]
    assert (public_a.cidr, public_a.availability_zone, public_a.map_public_ip) == (
        "10.20.0.0/24", "us-east-1a", True)
    assert public_a.route_table_id == net["route_tables"]["public"]
    app_b = network.subnets[net["subnets"]["app"]["us-east-1b"]]
    assert app_b.route_table_id == net["route_tables"]["app"]["us-east-1b"]
    assert app_b.map_public_ip is False


def test_a_subnet_without_an_association_uses_the_vpcs_main_table(session):
    network_ids = three_tier_subnets(session, VPC_CIDR, AZS)
    ec2 = session.client("ec2")
    [main] = ec2.describe_route_tables(Filters=[
        {"Name": "vpc-id", "Values": [network_ids["vpc_id"]]},
        {"Name": "association.main", "Values": ["true"]}])["RouteTables"]
    network = read_network(session, network_ids["vpc_id"])
    assert {s.route_table_id for s in network.subnets.values()} == {main["RouteTableId"]}
    assert network.route_tables[main["RouteTableId"]].routes == (Route(VPC_CIDR, "local"),)


def test_routes_name_their_gateway_or_nat_target(session, net):
    network = read_network(session, net["vpc_id"])
    public = network.route_tables[net["route_tables"]["public"]]
    assert Route("0.0.0.0/0", net["internet_gateway_id"]) in public.routes
    app_a = network.route_tables[net["route_tables"]["app"]["us-east-1a"]]
    assert Route("0.0.0.0/0", net["nat_gateways"]["us-east-1a"]) in app_a.routes


def test_internet_gateways_map_to_the_vpc_they_are_attached_to(session, net):
    ec2 = session.client("ec2")
    loose = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    gateways = read_network(session, net["vpc_id"]).internet_gateways
    assert gateways[net["internet_gateway_id"]] == net["vpc_id"]
    assert gateways[loose] is None


def test_nat_gateways_keep_their_subnet_and_state(session, net):
    ec2 = session.client("ec2")
    ec2.delete_nat_gateway(NatGatewayId=net["nat_gateways"]["us-east-1b"])
    nats = read_network(session, net["vpc_id"]).nat_gateways
    assert nats[net["nat_gateways"]["us-east-1a"]] == NatGateway(
        net["nat_gateways"]["us-east-1a"], net["subnets"]["public"]["us-east-1a"], "available")
    assert nats[net["nat_gateways"]["us-east-1b"]].state == "deleted"


def test_security_group_rules_are_read_one_per_source(session, net):
    ec2 = session.client("ec2")
    db = net["security_groups"]["db"]
    ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5433,
        "IpRanges": [{"CidrIp": "10.20.2.0/24"}, {"CidrIp": "10.20.3.0/24"}],
        "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/64"}]}])
    group = read_network(session, net["vpc_id"]).security_groups[db]
    assert set(group.ingress) == {
        Rule("tcp", 5432, 5432, group_id=net["security_groups"]["app"]),
        Rule("tcp", 5432, 5433, cidr="10.20.2.0/24"),
        Rule("tcp", 5432, 5433, cidr="10.20.3.0/24"),
        Rule("tcp", 5432, 5433, cidr="2001:db8::/64"),
    }
    assert group.egress == (Rule("-1", -1, -1, cidr="0.0.0.0/0"),)


def test_network_acls_keep_entries_with_protocol_names_and_port_ranges(session, net):
    ec2 = session.client("ec2")
    acl_id = ec2.create_network_acl(VpcId=net["vpc_id"])["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=90, Protocol="6",
                                 RuleAction="deny", Egress=False, CidrBlock="0.0.0.0/0",
                                 PortRange={"From": 22, "To": 22})
    db_a = net["subnets"]["db"]["us-east-1a"]
    [current] = ec2.describe_network_acls(Filters=[
        {"Name": "association.subnet-id", "Values": [db_a]}])["NetworkAcls"]
    association = next(a for a in current["Associations"] if a["SubnetId"] == db_a)
    ec2.replace_network_acl_association(AssociationId=association["NetworkAclAssociationId"],
                                        NetworkAclId=acl_id)
    network = read_network(session, net["vpc_id"])
    assert network.subnets[db_a].nacl_id == acl_id
    assert network.subnets[net["subnets"]["db"]["us-east-1b"]].nacl_id == current["NetworkAclId"]
    assert NaclEntry(90, False, "deny", "tcp", "0.0.0.0/0", 22, 22) in \
        network.network_acls[acl_id].entries
    default_entries = network.network_acls[current["NetworkAclId"]].entries
    assert NaclEntry(100, False, "allow", "-1", "0.0.0.0/0") in default_entries


def test_endpoint_is_one_interface_guarded_by_one_group():
    assert endpoint("subnet-1", "sg-1") == Endpoint("subnet-1", ("sg-1",))


def test_instance_endpoint_keeps_subnet_groups_private_ip_and_its_own_public_ip():
    instance = {"SubnetId": "subnet-1", "PrivateIpAddress": "10.0.0.9",
                "SecurityGroups": [{"GroupId": "sg-1"}, {"GroupId": "sg-2"}]}
    assert instance_endpoint(instance) == Endpoint("subnet-1", ("sg-1", "sg-2"), "10.0.0.9", False)
    assert instance_endpoint({**instance, "PublicIpAddress": "54.1.2.3"}).public_ip is True
    assert instance_endpoint({"SubnetId": "subnet-1"}) == Endpoint("subnet-1", (), None, False)


@pytest.mark.parametrize(("given", "name"), [
    pytest.param("6", "tcp", id="tcp-by-number"),
    pytest.param("17", "udp", id="udp-by-number"),
    pytest.param("1", "icmp", id="icmp-by-number"),
    pytest.param(-1, "-1", id="all-as-int"),
    pytest.param("TCP", "tcp", id="name-any-case"),
])
def test_protocol_name_turns_numbers_into_the_names_the_sim_uses(given, name):
    assert protocol_name(given) == name


@pytest.mark.parametrize(("route", "target"), [
    pytest.param({"GatewayId": "local"}, "local", id="local"),
    pytest.param({"NatGatewayId": "nat-1"}, "nat-1", id="nat"),
    pytest.param({"VpcPeeringConnectionId": "pcx-1"}, "pcx-1", id="peering"),
    pytest.param({}, "unknown", id="none"),
])
def test_route_target_names_whichever_target_the_route_has(route, target):
    assert route_target(route) == target


# -- instances: metadata options and instance profiles --------------------------------------------

def test_metadata_options_fill_what_moto_forgets_after_a_partial_modify(session):
    """moto drops HttpTokens and resets the hop limit when a modify call leaves them out."""
    instance_id = launch(session, "web", options={"HttpEndpoint": "enabled", "HttpTokens": "required",
                                                  "HttpPutResponseHopLimit": 2})
    assert metadata_options(session, instance_id) == MetadataOptions("enabled", "required", 2)
    session.client("ec2").modify_instance_metadata_options(InstanceId=instance_id, HttpEndpoint="disabled")
    assert metadata_options(session, instance_id) == MetadataOptions("disabled", "optional", 1)


def test_profile_association_follows_a_replace_that_describe_instances_misses(session):
    """moto's replace_iam_instance_profile_association leaves describe_instances on the old profile."""
    old = instance_role(session, "old", objects_policy("b", "p/"))
    new = instance_role(session, "new", objects_policy("b", "p/"))
    instance_id = launch(session, "web", profile=old["profile_name"])
    other = launch(session, "batch")
    assert profile_association(session, other) is None
    association = profile_association(session, instance_id)
    session.client("ec2").replace_iam_instance_profile_association(
        AssociationId=association["AssociationId"], IamInstanceProfile={"Name": new["profile_name"]})
    assert profile_association(session, instance_id)["IamInstanceProfile"]["Arn"] == new["profile_arn"]
    assert describe_instance(session, instance_id)["IamInstanceProfile"]["Arn"] == old["profile_arn"]
    assert [a["InstanceId"] for a in profile_associations(session)] == [instance_id]


def test_instance_views_read_state_options_and_role(session):
    fleet = imds_fleet(session, "acme", tricky=True)
    views = {v.instance_id: v for v in instance_views(session)}
    assert set(views) == set(fleet.values())
    assert views[fleet["acme-web-1"]].role == "acme-web"
    assert views[fleet["acme-bastion"]].role is None and views[fleet["acme-empty-1"]].role is None
    assert views[fleet["acme-old-1"]].state == "stopped"
    assert views[fleet["acme-late-1"]].role == "acme-web"
    assert views[fleet["acme-batch-1"]].options.hop_limit == 2


# -- read_network reads moto's records; the API must say the same ---------------------------


def _everything_the_course_builds(session) -> None:
    """Every kind of record read_network meets: scenarios, then the edits learners make."""
    three_tier_routed(session, "10.1.0.0/16", AZS)
    net = guarded_web_app(session, VPC_CIDR, AZS, app_port=8080, db_port=5432)
    ec2, public = session.client("ec2"), net["subnets"]["public"]["us-east-1a"]
    groups = net["security_groups"]
    web_server(session, public, [groups["alb"]])
    ec2.authorize_security_group_ingress(GroupId=groups["app"], IpPermissions=[
        {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": groups["alb"]}]}])
    custom_network_acl(session, net["vpc_id"], [net["subnets"]["db"]["us-east-1b"]], [
        (90, False, "deny", "203.0.113.0/24", (22, 22)), (100, True, "allow", "0.0.0.0/0"),
        (110, False, "allow", "0.0.0.0/0", (53, 53), "17")])
    ec2.create_internet_gateway()  # one attached to nothing
    subnet = net["subnets"]["app"]["us-east-1b"]
    ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})


def test_read_network_from_moto_equals_what_the_api_describes(session):
    _everything_the_course_builds(session)
    vpc_ids = [v["VpcId"] for v in session.client("ec2").describe_vpcs()["Vpcs"]]
    assert len(vpc_ids) == 3  # the default VPC and the two built
    for vpc_id in [None, *vpc_ids]:
        fast, described = read_network(session, vpc_id), read_network_from_api(session, vpc_id)
        assert fast == described, vpc_id
        assert fast.subnets and fast.route_tables and fast.network_acls and fast.security_groups


def test_read_network_makes_no_api_call_in_moto(session, net):
    class NoClients:
        region_name = session.region_name

        def get_credentials(self):
            return session.get_credentials()

        def client(self, *args, **kwargs):
            raise AssertionError("read_network called the API")

    assert read_network(NoClients(), net["vpc_id"]) == read_network_from_api(session, net["vpc_id"])
