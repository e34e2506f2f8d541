"""Tests for grader/sim/network.py: the reference VPC reachability simulator.

One 3-tier, 2-AZ network (public subnets behind an internet gateway, app subnets behind a NAT
gateway per AZ, isolated db subnets) with the security-group chain alb -> app -> db, plus
small variants of it, one per behaviour.
"""

from dataclasses import replace

import pytest

from grader.sim.network import (
    EPHEMERAL_PORT,
    INTERNET,
    INTERNET_ADDRESS,
    Decision,
    Endpoint,
    NaclEntry,
    NatGateway,
    Network,
    NetworkAcl,
    Route,
    RouteTable,
    Rule,
    SecurityGroup,
    Subnet,
    Verdict,
    can_reach,
    internet_path,
    nacl_allows,
    route_for,
    sg_allows,
)

VPC = "vpc-main"
WORLD = "0.0.0.0/0"
ALL_OUT = (Rule("-1", -1, -1, cidr=WORLD),)


def _subnet(subnet_id, cidr, az, table, public=False):
    return Subnet(subnet_id, VPC, cidr, az, table, map_public_ip=public)


BASE = Network(
    vpcs={VPC: "10.0.0.0/16", "vpc-other": "10.1.0.0/16"},
    subnets={
        "subnet-pub-a": _subnet("subnet-pub-a", "10.0.0.0/24", "eu-west-1a", "rtb-public", True),
        "subnet-pub-b": _subnet("subnet-pub-b", "10.0.1.0/24", "eu-west-1b", "rtb-public", True),
        "subnet-app-a": _subnet("subnet-app-a", "10.0.10.0/24", "eu-west-1a", "rtb-app-a"),
        "subnet-app-b": _subnet("subnet-app-b", "10.0.11.0/24", "eu-west-1b", "rtb-app-b"),
        "subnet-db-a": _subnet("subnet-db-a", "10.0.20.0/24", "eu-west-1a", "rtb-db"),
        "subnet-db-b": _subnet("subnet-db-b", "10.0.21.0/24", "eu-west-1b", "rtb-db"),
        "subnet-other": Subnet("subnet-other", "vpc-other", "10.1.0.0/24", "eu-west-1a",
                               "rtb-other", map_public_ip=True),
    },
    route_tables={
        "rtb-public": RouteTable("rtb-public", VPC, (Route("10.0.0.0/16", "local"),
                                                     Route(WORLD, "igw-main"))),
        "rtb-app-a": RouteTable("rtb-app-a", VPC, (Route("10.0.0.0/16", "local"),
                                                   Route(WORLD, "nat-a"))),
        "rtb-app-b": RouteTable("rtb-app-b", VPC, (Route("10.0.0.0/16", "local"),
                                                   Route(WORLD, "nat-b"))),
        "rtb-db": RouteTable("rtb-db", VPC),  # no routes at all: the local one is implied
        "rtb-other": RouteTable("rtb-other", "vpc-other", (Route(WORLD, "igw-other"),)),
    },
    security_groups={
        "sg-alb": SecurityGroup("sg-alb", VPC, (Rule("tcp", 443, 443, cidr=WORLD),), ALL_OUT),
        "sg-app": SecurityGroup("sg-app", VPC, (Rule("tcp", 8080, 8080, group_id="sg-alb"),),
                                ALL_OUT),
        "sg-db": SecurityGroup("sg-db", VPC, (Rule("tcp", 5432, 5432, group_id="sg-app"),),
                               ALL_OUT),
        "sg-open": SecurityGroup("sg-open", "vpc-other", (Rule("-1", -1, -1, cidr=WORLD),),
                                 ALL_OUT),
    },
    internet_gateways={"igw-main": VPC, "igw-other": "vpc-other"},
    nat_gateways={"nat-a": NatGateway("nat-a", "subnet-pub-a"),
                  "nat-b": NatGateway("nat-b", "subnet-pub-b")},
)

ALB = Endpoint("subnet-pub-a", ("sg-alb",))
APP = Endpoint("subnet-app-a", ("sg-app",))
APP_B = Endpoint("subnet-app-b", ("sg-app",))
DB = Endpoint("subnet-db-a", ("sg-db",))
DB_B = Endpoint("subnet-db-b", ("sg-db",))
OTHER = Endpoint("subnet-other", ("sg-open",))


def variant(network=BASE, **changes):
    """A copy of ``network`` with some entries of its dicts added or replaced."""
    return replace(network, **{name: {**getattr(network, name), **entries}
                               for name, entries in changes.items()})


def with_table(subnet_id, table_id, network=BASE):
    return variant(network, subnets={subnet_id: replace(network.subnets[subnet_id],
                                                        route_table_id=table_id)})


def with_routes(table_id, *routes, network=BASE):
    return variant(network, route_tables={table_id: RouteTable(table_id, VPC, routes)})


def with_acl(*entries, subnets=("subnet-db-a", "subnet-db-b"), acl_id="acl-db", network=BASE):
    acl = NetworkAcl(acl_id, VPC, entries)
    moved = {s: replace(network.subnets[s], nacl_id=acl_id) for s in subnets}
    return variant(network, network_acls={acl_id: acl}, subnets=moved)


def with_group(group_id, ingress, egress=ALL_OUT, network=BASE):
    return variant(network, security_groups={group_id: SecurityGroup(group_id, VPC, ingress,
                                                                     egress)})


def allow(n, cidr, ports=None, *, egress=False, protocol="6"):
    """A NACL allow entry; protocol "6" because describe_network_acls reports numbers."""
    lo, hi = ports or (None, None)
    return NaclEntry(n, egress, "allow", protocol, cidr, lo, hi)


def deny(n, cidr, ports=None, *, egress=False, protocol="6"):
    lo, hi = ports or (None, None)
    return NaclEntry(n, egress, "deny", protocol, cidr, lo, hi)


#: The db tier's ACL as a careful team writes it: the DB port in from the VPC, replies out.
DB_ACL = (allow(100, "10.0.0.0/16", (5432, 5432)),
          allow(100, "10.0.0.0/16", (1024, 65535), egress=True))
ALB_INGRESS = (Rule("tcp", 8080, 8080, group_id="sg-alb"),)
WORLD_OPEN_DB = with_group("sg-db", (Rule("tcp", 5432, 5432, cidr=WORLD),))
DB_ON_PUBLIC_TABLE = with_table("subnet-db-a", "rtb-public", WORLD_OPEN_DB)

REACHABLE, NO_ROUTE, NO_PUBLIC_IP = Decision.REACHABLE, Decision.NO_ROUTE, Decision.NO_PUBLIC_IP
NACL, SG, DIFFERENT_VPC = Decision.NETWORK_ACL, Decision.SECURITY_GROUP, Decision.DIFFERENT_VPC


@pytest.mark.parametrize(("network", "source", "target", "port", "decision", "says"), [
    # the intended 3-tier paths
    pytest.param(BASE, INTERNET, ALB, 443, REACHABLE,
                 "sg-alb allows ingress tcp/443 from 0.0.0.0/0", id="internet-reaches-alb-on-443"),
    pytest.param(BASE, ALB, APP, 8080, REACHABLE, "sg-app allows ingress tcp/8080 from sg-alb",
                 id="alb-reaches-app-by-group-reference"),
    pytest.param(BASE, APP, DB, 5432, REACHABLE, "sg-db allows ingress tcp/5432 from sg-app",
                 id="app-reaches-db-by-group-reference"),
    pytest.param(BASE, APP, DB_B, 5432, REACHABLE, "vpc-main routes 10.0.10.4 to 10.0.21.4",
                 id="app-reaches-db-in-other-az-by-local-route"),
    pytest.param(BASE, APP, INTERNET, 443, REACHABLE, "subnet-app-a routes 0.0.0.0/0 to nat-a",
                 id="app-reaches-internet-through-its-nat-without-public-ip"),
    pytest.param(BASE, APP_B, INTERNET, 443, REACHABLE, "subnet-pub-b routes 0.0.0.0/0 to igw-main",
                 id="app-in-second-az-uses-nat-whose-subnet-has-igw-route"),
    pytest.param(BASE, ALB, INTERNET, 443, REACHABLE, "10.0.0.4 in subnet-pub-a has a public IP",
                 id="public-endpoint-reaches-internet-through-igw"),
    # what the tiers keep out
    pytest.param(BASE, INTERNET, APP, 8080, NO_ROUTE, "nat-a, which only carries outbound",
                 id="internet-cannot-reach-app-nat-is-outbound-only"),
    pytest.param(BASE, INTERNET, replace(APP, public_ip=True), 8080, NO_ROUTE,
                 "subnet-app-a routes 0.0.0.0/0 to nat-a, which only carries outbound traffic",
                 id="internet-cannot-reach-app-even-with-public-ip"),
    pytest.param(BASE, INTERNET, DB, 5432, NO_ROUTE, "subnet-db-a has no route to the internet",
                 id="internet-cannot-reach-isolated-db"),
    pytest.param(BASE, ALB, DB, 5432, SG, "sg-db has no ingress rule for tcp/5432 from 10.0.0.4 "
                 "(sg-alb)", id="alb-cannot-reach-db-security-group-admits-only-app"),
    pytest.param(BASE, APP, DB, 22, SG, "sg-db has no ingress rule for tcp/22",
                 id="app-cannot-reach-db-on-other-port"),
    pytest.param(BASE, APP, DB, 5432, REACHABLE, "sg-app allows egress tcp/5432 to 0.0.0.0/0",
                 id="source-egress-is-checked-and-named"),
    pytest.param(BASE, INTERNET, ALB, 444, SG, "sg-alb has no ingress rule for tcp/444 from "
                 f"{INTERNET_ADDRESS}", id="internet-peer-has-no-groups-in-message"),
    pytest.param(BASE, DB, INTERNET, 443, NO_ROUTE, "subnet-db-a has no route to the internet",
                 id="db-cannot-reach-internet"),
    pytest.param(BASE, ALB, OTHER, 443, DIFFERENT_VPC, "subnet-pub-a is in vpc-main and "
                 "subnet-other in vpc-other", id="different-vpcs-never-reach-even-if-open"),
    pytest.param(BASE, INTERNET, ALB, 443, REACHABLE, "subnet-pub-a routes 0.0.0.0/0 to igw-main",
                 id="inbound-trail-names-subnet-route-and-gateway"),
    # NAT gateways
    pytest.param(variant(nat_gateways={"nat-a": NatGateway("nat-a", "subnet-pub-a", "pending")}),
                 APP, INTERNET, 443, NO_ROUTE, "nat-a, which is pending, not available",
                 id="pending-nat-carries-nothing"),
    pytest.param(variant(nat_gateways={"nat-a": NatGateway("nat-a", "subnet-app-b")}),
                 APP, INTERNET, 443, NO_ROUTE, "subnet-app-b routes 0.0.0.0/0 to nat-b, which "
                 "only carries outbound", id="nat-in-private-subnet-reaches-nothing"),
    pytest.param(with_routes("rtb-app-a", Route(WORLD, "nat-gone")), APP, INTERNET, 443,
                 NO_ROUTE, "nat-gone, which is unknown", id="route-to-unknown-nat-is-no-route"),
    # routes
    pytest.param(with_routes("rtb-app-a", Route(WORLD, "nat-a", "blackhole")), APP, INTERNET,
                 443, NO_ROUTE, "a blackhole route", id="blackhole-route-carries-nothing"),
    pytest.param(with_routes("rtb-public", Route(WORLD, "igw-main"),
                             Route("198.51.100.0/24", "nat-b", "blackhole")),
                 INTERNET, ALB, 443, NO_ROUTE, "routes 198.51.100.0/24 to nat-b",
                 id="longer-blackhole-prefix-beats-default-route"),
    pytest.param(with_routes("rtb-public", Route(WORLD, "nat-b"),
                             Route("198.51.100.0/24", "igw-main")),
                 INTERNET, ALB, 443, REACHABLE, "routes 198.51.100.0/24 to igw-main",
                 id="longer-prefix-to-igw-beats-default-route-to-nat"),
    pytest.param(variant(internet_gateways={"igw-main": None}), INTERNET, ALB, 443, NO_ROUTE,
                 "igw-main, which is not attached to vpc-main", id="detached-igw-is-no-route"),
    pytest.param(variant(internet_gateways={"igw-main": "vpc-other"}), INTERNET, ALB, 443,
                 NO_ROUTE, "not attached to vpc-main", id="igw-of-another-vpc-is-no-route"),
    pytest.param(with_routes("rtb-public", Route(WORLD, "tgw-1")), INTERNET, ALB, 443, NO_ROUTE,
                 "tgw-1, which does not lead to the internet",
                 id="transit-gateway-route-is-not-internet"),
    # public IPs
    pytest.param(BASE, INTERNET, replace(ALB, public_ip=False), 443, NO_PUBLIC_IP,
                 "10.0.0.4 in subnet-pub-a has no public IP",
                 id="endpoint-without-public-ip-in-public-subnet"),
    pytest.param(BASE, replace(ALB, public_ip=False), INTERNET, 443, NO_PUBLIC_IP,
                 "has no public IP", id="outbound-through-igw-needs-public-ip"),
    pytest.param(with_table("subnet-app-a", "rtb-public"), INTERNET, APP, 8080, NO_PUBLIC_IP,
                 "10.0.10.4 in subnet-app-a has no public IP",
                 id="subnet-not-mapping-public-ips-gives-none-by-default"),
    pytest.param(BASE, INTERNET, replace(ALB, ip="10.0.0.50"), 443, REACHABLE,
                 "10.0.0.50 in subnet-pub-a", id="explicit-private-ip-is-used"),
    # the security trap: a DB port open to the world
    pytest.param(WORLD_OPEN_DB, INTERNET, DB, 5432, NO_ROUTE, "subnet-db-a has no route",
                 id="world-open-db-rule-alone-is-not-reachable"),
    pytest.param(DB_ON_PUBLIC_TABLE, INTERNET, DB, 5432, NO_PUBLIC_IP, "has no public IP",
                 id="world-open-db-on-public-table-without-public-ip"),
    pytest.param(WORLD_OPEN_DB, INTERNET, replace(DB, public_ip=True), 5432, NO_ROUTE,
                 "subnet-db-a has no route", id="world-open-db-with-public-ip-but-no-igw-route"),
    pytest.param(DB_ON_PUBLIC_TABLE, INTERNET, replace(DB, public_ip=True), 5432, REACHABLE,
                 "sg-db allows ingress tcp/5432 from 0.0.0.0/0",
                 id="world-open-db-with-igw-route-and-public-ip-is-reachable"),
    pytest.param(with_table("subnet-db-a", "rtb-public"), INTERNET, replace(DB, public_ip=True),
                 5432, SG, "sg-db has no ingress rule for tcp/5432 from 198.51.100.7",
                 id="public-db-still-guarded-by-group-reference"),
    pytest.param(with_acl(*DB_ACL, network=DB_ON_PUBLIC_TABLE), INTERNET,
                 replace(DB, public_ip=True), 5432, NACL, "acl-db has no rule for inbound "
                 "tcp/5432 from 198.51.100.7", id="world-open-public-db-still-stopped-by-vpc-acl"),
    # network ACLs
    pytest.param(with_acl(*DB_ACL), APP, DB, 5432, REACHABLE,
                 f"acl-db rule 100 allows outbound tcp/{EPHEMERAL_PORT} to 10.0.10.4 (reply",
                 id="acl-allowing-request-and-reply-passes"),
    pytest.param(with_acl(deny(90, "10.0.10.0/24", (5432, 5432)), *DB_ACL), APP, DB, 5432, NACL,
                 "acl-db rule 90 denies inbound tcp/5432 from 10.0.10.4",
                 id="acl-deny-with-lower-number-wins-over-allow"),
    pytest.param(with_acl(*DB_ACL, deny(110, "10.0.10.0/24", (5432, 5432))), APP, DB, 5432,
                 REACHABLE, "acl-db rule 100 allows inbound",
                 id="acl-deny-with-higher-number-is-never-reached"),
    pytest.param(with_acl(deny(200, "10.0.10.0/24", (5432, 5432)), DB_ACL[1],
                          allow(100, "10.0.0.0/16", (5432, 5432))),
                 APP, DB, 5432, REACHABLE, "rule 100 allows",
                 id="acl-order-is-rule-number-not-list-position"),
    pytest.param(with_acl(DB_ACL[0], allow(100, "10.0.0.0/16", (5432, 5432), egress=True)),
                 APP, DB, 5432, NACL, f"acl-db has no rule for outbound tcp/{EPHEMERAL_PORT} to "
                 "10.0.10.4 (reply, subnet-db-a)", id="acl-reply-blocked-on-ephemeral-port"),
    pytest.param(with_acl(DB_ACL[1]), APP, DB, 5432, NACL, "the * rule denies it",
                 id="acl-with-no-matching-rule-denies"),
    pytest.param(with_acl(allow(100, WORLD, protocol="-1"), subnets=("subnet-app-a",),
                          acl_id="acl-app"),
                 APP, DB, 5432, NACL, "acl-app has no rule for outbound tcp/5432 to 10.0.20.4 "
                 "(request, subnet-app-a)", id="acl-on-source-subnet-checks-request-out"),
    pytest.param(with_acl(allow(100, WORLD, protocol="-1"),
                          allow(100, "10.0.20.0/24", (5432, 5432), egress=True),
                          subnets=("subnet-app-a",), acl_id="acl-app"),
                 APP, DB, 5432, REACHABLE, "acl-app rule 100 allows inbound "
                 f"tcp/{EPHEMERAL_PORT} from 10.0.20.4 (reply, subnet-app-a)",
                 id="acl-on-source-subnet-checks-reply-in"),
    pytest.param(with_acl(allow(100, "10.0.20.0/24", (5432, 5432), egress=True),
                          subnets=("subnet-app-a",), acl_id="acl-app"),
                 APP, DB, 5432, NACL, "acl-app has no rule for inbound "
                 f"tcp/{EPHEMERAL_PORT} from 10.0.20.4 (reply, subnet-app-a)",
                 id="acl-on-source-subnet-blocks-reply-in"),
    pytest.param(with_acl(deny(1, WORLD, protocol="-1"), deny(1, WORLD, protocol="-1",
                                                              egress=True)),
                 replace(APP, subnet_id="subnet-db-a"), DB, 5432, REACHABLE,
                 "inside subnet-db-a so no network ACL applies",
                 id="same-subnet-ignores-acl"),
    pytest.param(with_acl(deny(1, WORLD, protocol="-1"), subnets=("subnet-app-a",),
                          acl_id="acl-app", network=with_table("subnet-db-a", "rtb-app-a")),
                 replace(APP, subnet_id="subnet-app-a"), replace(DB, subnet_id="subnet-app-a"),
                 5432, REACHABLE, "no network ACL applies",
                 id="same-subnet-ignores-deny-all-acl-of-that-subnet"),
    pytest.param(variant(subnets={"subnet-db-a": replace(BASE.subnets["subnet-db-a"],
                                                         nacl_id="acl-missing")}),
                 APP, DB, 5432, REACHABLE, "sg-db allows",
                 id="unknown-acl-is-the-default-allow-all"),
    pytest.param(with_acl(allow(100, WORLD, (443, 443), egress=True), allow(100, WORLD,
                          (1024, 65535)), subnets=("subnet-pub-a",), acl_id="acl-public"),
                 APP, INTERNET, 443, NACL, "acl-public has no rule for inbound tcp/443 from "
                 "10.0.10.4 (request, subnet-pub-a)", id="acl-of-nat-subnet-applies-outbound"),
    pytest.param(with_acl(allow(100, WORLD, (443, 443)), subnets=("subnet-pub-a",),
                          acl_id="acl-public"),
                 INTERNET, ALB, 443, NACL, f"acl-public has no rule for outbound "
                 f"tcp/{EPHEMERAL_PORT} to {INTERNET_ADDRESS} (reply",
                 id="acl-stops-reply-to-internet"),
    # decision order: the first failing layer is reported
    pytest.param(with_acl(deny(1, WORLD, protocol="-1")), ALB, DB, 5432, NACL, "acl-db rule 1 "
                 "denies", id="acl-reported-before-security-group"),
    pytest.param(with_acl(deny(1, WORLD, protocol="-1"), network=WORLD_OPEN_DB), INTERNET, DB,
                 5432, NO_ROUTE, "subnet-db-a has no route to the internet",
                 id="route-reported-before-acl"),
    # security groups
    pytest.param(with_group("sg-app", ALB_INGRESS, egress=()), APP, DB, 5432, SG,
                 "sg-app has no egress rule for tcp/5432 to 10.0.20.4 (sg-db)",
                 id="source-without-egress-rule-is-blocked"),
    pytest.param(with_group("sg-app", ALB_INGRESS, (Rule("tcp", 5432, 5432, group_id="sg-db"),)),
                 APP, DB, 5432, REACHABLE, "sg-app allows egress tcp/5432 to sg-db",
                 id="egress-by-group-reference"),
    pytest.param(with_group("sg-app", ALB_INGRESS, (Rule("tcp", 5432, 5432, group_id="sg-db"),)),
                 APP, INTERNET, 443, SG, f"sg-app has no egress rule for tcp/443 to "
                 f"{INTERNET_ADDRESS}", id="egress-to-internet-needs-a-cidr-rule"),
    pytest.param(BASE, INTERNET, ALB, 443, REACHABLE, "sg-alb allows ingress",
                 id="internet-source-has-no-egress-check"),
    pytest.param(with_group("sg-db", (Rule("tcp", 5432, 5432, cidr="10.0.10.100/32"),)),
                 replace(APP, ip="10.0.10.100"), DB, 5432, REACHABLE,
                 "sg-db allows ingress tcp/5432 from 10.0.10.100/32",
                 id="cidr-rule-matches-explicit-source-ip"),
    pytest.param(with_group("sg-db", (Rule("tcp", 5432, 5432, cidr="10.0.10.100/32"),)),
                 APP, DB, 5432, SG, "from 10.0.10.4 (sg-app)",
                 id="default-ip-is-network-address-plus-four"),
    pytest.param(BASE, APP, DB, 5432, REACHABLE, "sg-db allows ingress tcp/5432 from sg-app",
                 id="group-rule-named-by-its-group"),
    pytest.param(BASE, INTERNET, replace(ALB, group_ids=("sg-missing", "sg-alb")), 443,
                 REACHABLE, "sg-alb allows ingress tcp/443",
                 id="unknown-group-beside-a-known-one-is-skipped"),
])
def test_can_reach(network, source, target, port, decision, says):
    verdict = can_reach(network, source, target, port)
    assert verdict.decision is decision, verdict.trail
    assert any(says in reason for reason in verdict.trail), verdict.trail
    assert verdict.reachable is (decision is REACHABLE)
    assert bool(verdict) is verdict.reachable


@pytest.mark.parametrize(("protocol", "port", "decision"), [
    pytest.param("tcp", 443, REACHABLE, id="tcp-443-allowed"),
    pytest.param("udp", 443, SG, id="udp-on-a-tcp-only-rule-blocked"),
    pytest.param("-1", 0, SG, id="all-traffic-needs-an-all-traffic-rule"),
])
def test_can_reach_protocol(protocol, port, decision):
    assert can_reach(BASE, INTERNET, ALB, port, protocol).decision is decision


def test_trail_lists_every_layer_in_the_order_the_packets_meet_them():
    trail = can_reach(with_acl(*DB_ACL), APP, DB, 5432).trail
    assert trail == (
        "vpc-main routes 10.0.10.4 to 10.0.20.4 by its local route",
        "sg-app allows egress tcp/5432 to 0.0.0.0/0",
        "acl-db rule 100 allows inbound tcp/5432 from 10.0.10.4 (request, subnet-db-a)",
        "sg-db allows ingress tcp/5432 from sg-app",
        f"acl-db rule 100 allows outbound tcp/{EPHEMERAL_PORT} to 10.0.10.4 (reply, subnet-db-a)",
    )


def test_trail_from_the_internet_ends_with_the_reply_leaving_the_subnet():
    acl = with_acl(allow(100, WORLD, (443, 443)), allow(100, WORLD, (1024, 65535), egress=True),
                   subnets=("subnet-pub-a",), acl_id="acl-public")
    assert can_reach(acl, INTERNET, ALB, 443).trail == (
        "subnet-pub-a routes 0.0.0.0/0 to igw-main, attached to vpc-main",
        "10.0.0.4 in subnet-pub-a has a public IP",
        f"acl-public rule 100 allows inbound tcp/443 from {INTERNET_ADDRESS} (request, "
        "subnet-pub-a)",
        "sg-alb allows ingress tcp/443 from 0.0.0.0/0",
        f"acl-public rule 100 allows outbound tcp/{EPHEMERAL_PORT} to {INTERNET_ADDRESS} (reply, "
        "subnet-pub-a)",
    )


PUBLIC_ACL = "subnet-pub-a", "acl-public"
REPLIES_OUT = allow(200, WORLD, (1024, 65535), egress=True)


def public_acl(*entries):
    return with_acl(*entries, subnets=PUBLIC_ACL[:1], acl_id=PUBLIC_ACL[1])


@pytest.mark.parametrize(("network", "source", "target", "port", "decision", "direction"), [
    pytest.param(BASE, INTERNET, ALB, 443, REACHABLE, None, id="reachable-has-no-direction"),
    pytest.param(BASE, INTERNET, DB, 5432, NO_ROUTE, None, id="route-has-no-direction"),
    pytest.param(BASE, INTERNET, replace(ALB, public_ip=False), 443, NO_PUBLIC_IP, None,
                 id="public-ip-has-no-direction"),
    pytest.param(public_acl(REPLIES_OUT), INTERNET, ALB, 443, NACL, "inbound",
                 id="acl-drops-the-request-coming-in"),
    pytest.param(public_acl(allow(100, WORLD, (443, 443))), INTERNET, ALB, 443, NACL, "outbound",
                 id="acl-drops-the-reply-going-out"),
    pytest.param(BASE, INTERNET, ALB, 22, SG, "inbound", id="group-without-the-port-inbound"),
    pytest.param(with_group("sg-app", ALB_INGRESS, egress=()), APP, DB, 5432, SG, "outbound",
                 id="source-group-without-egress-outbound"),
    pytest.param(with_acl(allow(100, WORLD, protocol="-1"), subnets=("subnet-app-a",),
                          acl_id="acl-app"),
                 APP, DB, 5432, NACL, "outbound", id="source-subnet-acl-drops-request-out"),
    pytest.param(with_acl(allow(100, WORLD, protocol="-1", egress=True), subnets=("subnet-app-a",),
                          acl_id="acl-app"),
                 APP, DB, 5432, NACL, "inbound", id="source-subnet-acl-drops-reply-in"),
])
def test_verdict_names_the_direction_of_the_rules_that_blocked(network, source, target, port,
                                                               decision, direction):
    verdict = can_reach(network, source, target, port)
    assert (verdict.decision, verdict.direction) == (decision, direction), verdict.trail


@pytest.mark.parametrize(("network", "port", "decision", "direction", "last"), [
    pytest.param(public_acl(allow(100, WORLD, (443, 443))), 22, NACL, "inbound",
                 "acl-public has no rule for inbound tcp/22",
                 id="acl-request-in-before-group-ingress"),
    pytest.param(public_acl(allow(100, WORLD, (1, 65535))), 22, SG, "inbound",
                 "sg-alb has no ingress rule for tcp/22",
                 id="group-ingress-before-acl-reply-out"),
    pytest.param(with_routes("rtb-public", network=public_acl()), 22, NO_ROUTE, None,
                 "subnet-pub-a has no route to the internet", id="route-before-every-filter"),
])
def test_first_layer_the_packets_meet_is_reported(network, port, decision, direction, last):
    verdict = can_reach(network, INTERNET, ALB, port)
    assert (verdict.decision, verdict.direction) == (decision, direction), verdict.trail
    assert verdict.trail[-1].startswith(last), verdict.trail


BLOCK_RANGE = public_acl(deny(50, "203.0.113.0/24", protocol="-1"), allow(100, WORLD, (443, 443)),
                         REPLIES_OUT)


@pytest.mark.parametrize(("network", "address", "decision", "says"), [
    pytest.param(BLOCK_RANGE, "203.0.113.9", NACL, "acl-public rule 50 denies inbound tcp/443 "
                 "from 203.0.113.9 (request", id="client-in-denied-range-is-stopped"),
    pytest.param(BLOCK_RANGE, "192.0.2.1", REACHABLE, "acl-public rule 200 allows outbound "
                 f"tcp/{EPHEMERAL_PORT} to 192.0.2.1 (reply", id="client-outside-range-passes"),
    pytest.param(with_routes("rtb-public", Route(WORLD, "igw-main"),
                             Route("192.0.2.0/24", "nat-a")),
                 "192.0.2.1", NO_ROUTE, "routes 192.0.2.0/24 to nat-a",
                 id="route-looked-up-for-the-clients-address"),
    pytest.param(with_routes("rtb-public"), "192.0.2.1", NO_ROUTE,
                 "subnet-pub-a has no route to the internet (192.0.2.1)",
                 id="missing-route-names-the-client"),
])
def test_can_reach_from_a_given_internet_address(network, address, decision, says):
    verdict = can_reach(network, INTERNET, ALB, 443, internet_address=address)
    assert verdict.decision is decision, verdict.trail
    assert any(says in reason for reason in verdict.trail), verdict.trail


def test_trail_through_nat_names_both_subnets_and_gateways():
    assert can_reach(BASE, APP, INTERNET, 443).trail == (
        "subnet-app-a routes 0.0.0.0/0 to nat-a in subnet-pub-a",
        "subnet-pub-a routes 0.0.0.0/0 to igw-main, attached to vpc-main",
        "sg-app allows egress tcp/443 to 0.0.0.0/0",
    )


def test_internet_to_internet_is_an_error():
    with pytest.raises(ValueError, match="both be the internet"):
        can_reach(BASE, INTERNET, INTERNET, 443)


# -- internet_path ------------------------------------------------------------------------------

@pytest.mark.parametrize(("network", "subnet_id", "inbound", "decision"), [
    pytest.param(BASE, "subnet-pub-a", True, REACHABLE, id="public-subnet-inbound"),
    pytest.param(BASE, "subnet-pub-a", False, REACHABLE, id="public-subnet-outbound"),
    pytest.param(BASE, "subnet-app-a", False, REACHABLE, id="app-subnet-outbound-via-nat"),
    pytest.param(BASE, "subnet-app-a", True, NO_ROUTE, id="app-subnet-inbound-nat-is-one-way"),
    pytest.param(BASE, "subnet-db-a", False, NO_ROUTE, id="db-subnet-has-no-way-out"),
    pytest.param(variant(nat_gateways={"nat-b": NatGateway("nat-b", "subnet-pub-b", "failed")}),
                 "subnet-app-b", False, NO_ROUTE, id="failed-nat-is-no-route"),
    pytest.param(variant(internet_gateways={"igw-main": None}), "subnet-app-a", False, NO_ROUTE,
                 id="nat-behind-detached-igw-is-no-route"),
])
def test_internet_path(network, subnet_id, inbound, decision):
    verdict = internet_path(network, subnet_id, inbound=inbound)
    assert isinstance(verdict, Verdict)
    assert verdict.decision is decision, verdict.trail


def test_internet_path_ignores_public_ip_which_belongs_to_the_instance():
    assert internet_path(with_table("subnet-db-a", "rtb-public"), "subnet-db-a", inbound=True)


# -- route_for ----------------------------------------------------------------------------------

LOCAL = Route("10.0.0.0/16", "local")


@pytest.mark.parametrize(("network", "subnet_id", "address", "expected"), [
    pytest.param(BASE, "subnet-app-a", "10.0.21.9", LOCAL, id="vpc-address-uses-local-route"),
    pytest.param(BASE, "subnet-app-a", "8.8.8.8", Route(WORLD, "nat-a"),
                 id="outside-address-uses-default-route"),
    pytest.param(BASE, "subnet-db-a", "10.0.10.4", LOCAL, id="local-route-implied-when-missing"),
    pytest.param(BASE, "subnet-db-a", "8.8.8.8", None, id="no-matching-route-is-none"),
    pytest.param(with_table("subnet-db-a", "rtb-nonexistent"), "subnet-db-a", "10.0.1.1", LOCAL,
                 id="unknown-table-still-has-local-route"),
    pytest.param(with_routes("rtb-db", Route(WORLD, "igw-main"), Route("8.8.0.0/16", "nat-a"),
                             Route("8.8.8.0/24", "nat-b")),
                 "subnet-db-a", "8.8.8.8", Route("8.8.8.0/24", "nat-b"),
                 id="longest-prefix-wins-regardless-of-order"),
    pytest.param(with_routes("rtb-db", Route(WORLD, "igw-main"),
                             Route("8.8.8.0/24", "nat-b", "blackhole")),
                 "subnet-db-a", "8.8.8.8", Route("8.8.8.0/24", "nat-b", "blackhole"),
                 id="blackhole-route-still-wins-the-match"),
    pytest.param(with_routes("rtb-db", Route("pl-123", "vpce-1"), Route(WORLD, "igw-main")),
                 "subnet-db-a", "8.8.8.8", Route(WORLD, "igw-main"),
                 id="prefix-list-destination-is-skipped"),
    pytest.param(with_routes("rtb-db", Route("::/0", "igw-main")), "subnet-db-a", "8.8.8.8", None,
                 id="ipv6-route-never-matches-ipv4"),
])
def test_route_for(network, subnet_id, address, expected):
    assert route_for(network, subnet_id, address) == expected


def test_route_for_prefers_the_tables_own_local_route():
    own = Route("10.0.0.0/16", "local", "active")
    network = with_routes("rtb-db", own)
    assert route_for(network, "subnet-db-a", "10.0.1.1") is own


# -- nacl_allows --------------------------------------------------------------------------------

ACL = NetworkAcl("acl-1", VPC, (
    allow(300, WORLD, protocol="-1"),
    deny(100, "10.0.10.0/24", (22, 22)),
    allow(110, "10.0.0.0/16", (22, 22)),
    allow(120, "10.0.0.0/16", (5000, 6000), protocol="udp"),
    deny(100, "10.0.0.0/16", (5432, 5432), egress=True),
    NaclEntry(32767, True, "deny", "-1", WORLD),
))


@pytest.mark.parametrize(("egress", "protocol", "address", "port", "expected"), [
    pytest.param(False, "tcp", "10.0.10.9", 22, (False, 100), id="lowest-number-deny-wins"),
    pytest.param(False, "tcp", "10.0.11.9", 22, (True, 110), id="next-rule-when-cidr-misses"),
    pytest.param(False, "tcp", "10.0.11.9", 23, (True, 300), id="next-rule-when-port-misses"),
    pytest.param(False, "udp", "10.0.11.9", 5500, (True, 120), id="udp-port-range"),
    pytest.param(False, "udp", "10.0.10.9", 22, (True, 300), id="tcp-rule-does-not-match-udp"),
    pytest.param(False, "icmp", "1.2.3.4", 8, (True, 300), id="protocol-all-matches-icmp"),
    pytest.param(True, "tcp", "10.0.20.4", 5432, (False, 100), id="egress-uses-egress-entries"),
    pytest.param(True, "tcp", "8.8.8.8", 443, (False, 32767), id="star-rule-as-reported-by-api"),
    pytest.param(False, "6", "10.0.10.9", 22, (False, 100), id="protocol-number-equals-name"),
])
def test_nacl_allows(egress, protocol, address, port, expected):
    assert nacl_allows(ACL, egress=egress, protocol=protocol, address=address, port=port) \
        == expected


def test_nacl_with_no_matching_entry_denies_without_a_rule_number():
    acl = NetworkAcl("acl-2", VPC, (allow(100, "10.0.0.0/16"),))
    assert nacl_allows(acl, egress=False, protocol="tcp", address="8.8.8.8", port=80) \
        == (False, None)
    assert nacl_allows(acl, egress=True, protocol="tcp", address="10.0.0.1", port=80) \
        == (False, None)


def test_nacl_entry_without_ports_covers_every_port():
    acl = NetworkAcl("acl-3", VPC, (allow(100, WORLD),))
    assert nacl_allows(acl, egress=False, protocol="tcp", address="8.8.8.8", port=65535) \
        == (True, 100)


# -- sg_allows ----------------------------------------------------------------------------------

TO_443 = Rule("tcp", 443, 443, cidr=WORLD)
FROM_APP = Rule("tcp", 5432, 5432, group_id="sg-app")
RANGE = Rule("tcp", 8000, 8100, cidr="10.0.0.0/16")
ALL = Rule("-1", -1, -1, cidr="10.0.10.0/24")
ICMP_ECHO = Rule("icmp", 8, -1, cidr=WORLD)
SGS = variant(security_groups={
    "sg-a": SecurityGroup("sg-a", VPC, (TO_443, FROM_APP, RANGE), (TO_443,)),
    "sg-b": SecurityGroup("sg-b", VPC, (ALL, ICMP_ECHO)),
    "sg-v6": SecurityGroup("sg-v6", VPC, (Rule("tcp", 443, 443, cidr="::/0"),)),
})


@pytest.mark.parametrize(("groups", "ingress", "protocol", "port", "peer", "peer_groups",
                          "expected"), [
    pytest.param(("sg-a",), True, "tcp", 443, "8.8.8.8", (), TO_443, id="cidr-contains-peer"),
    pytest.param(("sg-a",), True, "tcp", 5432, "10.0.10.4", ("sg-app",), FROM_APP,
                 id="group-rule-matches-peer-group"),
    pytest.param(("sg-a",), True, "tcp", 5432, "10.0.10.4", ("sg-alb",), None,
                 id="group-rule-rejects-other-group"),
    pytest.param(("sg-a",), True, "tcp", 5432, "10.0.10.4", (), None,
                 id="group-rule-ignores-address-alone"),
    pytest.param(("sg-a",), True, "tcp", 8050, "10.0.5.5", (), RANGE, id="port-inside-range"),
    pytest.param(("sg-a",), True, "tcp", 8101, "10.0.5.5", (), None, id="port-past-range"),
    pytest.param(("sg-a",), True, "tcp", 8050, "10.1.5.5", (), None, id="peer-outside-cidr"),
    pytest.param(("sg-a",), True, "udp", 443, "8.8.8.8", (), None, id="tcp-rule-not-udp"),
    pytest.param(("sg-a",), False, "tcp", 8050, "10.0.5.5", (), None,
                 id="egress-ignores-ingress-rules"),
    pytest.param(("sg-a",), False, "tcp", 443, "8.8.8.8", (), TO_443, id="egress-rule-matches"),
    pytest.param(("sg-b",), True, "udp", 53, "10.0.10.7", (), ALL, id="protocol-all-any-port"),
    pytest.param(("sg-b",), True, "icmp", 8, "8.8.8.8", (), ICMP_ECHO, id="icmp-type-matches"),
    pytest.param(("sg-b",), True, "icmp", 0, "8.8.8.8", (), None, id="icmp-other-type-misses"),
    pytest.param(("sg-a", "sg-b"), True, "udp", 53, "10.0.10.7", (), ALL,
                 id="any-of-several-groups-allows"),
    pytest.param(("sg-missing",), True, "tcp", 443, "8.8.8.8", (), None,
                 id="unknown-group-allows-nothing"),
    pytest.param((), True, "tcp", 443, "8.8.8.8", (), None, id="no-groups-allow-nothing"),
    pytest.param(("sg-v6",), True, "tcp", 443, "8.8.8.8", (), None,
                 id="ipv6-cidr-never-matches-ipv4-peer"),
])
def test_sg_allows(groups, ingress, protocol, port, peer, peer_groups, expected):
    assert sg_allows(SGS, groups, ingress=ingress, protocol=protocol, port=port,
                     peer_address=peer, peer_group_ids=peer_groups) == expected
