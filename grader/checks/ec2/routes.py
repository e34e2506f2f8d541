"""Checks on how each subnet reaches (or does not reach) the internet."""

from __future__ import annotations

from grader.checks.base import Message
from grader.state.ec2 import route_target

from .resources import (
    default_route,
    describe_subnet,
    existing,
    missing,
    route_table_of,
    routes_text,
    target_text,
)

NO_DEFAULT_ROUTE = "{table} has no 0.0.0.0/0 route (its routes: {routes})"
ROUTE_TO = "{table} sends 0.0.0.0/0 to {target}"
GATEWAY_DETACHED = "{table} sends 0.0.0.0/0 to {target}, which is {attachment}"
SUBNET_NOT_PUBLIC = Message(
    "Subnet {subnet_id} is public",
    "its route table sends 0.0.0.0/0 to an internet gateway attached to {vpc_id}", "{found}",
    "Associate {subnet_id} with a route table whose 0.0.0.0/0 route targets the internet "
    "gateway attached to {vpc_id}.")
NOT_VIA_NAT = Message(
    "Subnet {subnet_id} reaches the internet through the NAT gateway of {az}",
    "its route table sends 0.0.0.0/0 to an available NAT gateway in {az}", "{found}",
    "Give {subnet_id} a route table of its own whose 0.0.0.0/0 route targets the NAT gateway "
    "of {az}.")
NAT_NOT_USABLE = Message(
    "NAT gateway {nat_id} used by subnet {subnet_id}",
    "an available public NAT gateway with an Elastic IP", "{nat_id} is {state}",
    "Create the NAT gateway with an AllocationId from allocate_address(Domain='vpc') and "
    "route to it.")
NAT_OTHER_AZ = Message(
    "Subnet {subnet_id} ({az}) uses the NAT gateway of its own AZ",
    "0.0.0.0/0 -> the NAT gateway in {az} (one NAT gateway per AZ)",
    "{table} sends 0.0.0.0/0 to {nat_id}, which sits in {nat_subnet} in {nat_az}",
    "Give each AZ's app subnet its own route table pointing at the NAT gateway of the same AZ, "
    "so losing one AZ does not cut the other off.")
NAT_IN_PRIVATE_SUBNET = Message(
    "NAT gateway {nat_id} sits in a public subnet",
    "{nat_subnet} routes 0.0.0.0/0 to an internet gateway attached to {vpc_id}", "{found}",
    "Create the NAT gateway in the public subnet of {az}: in a private subnet it has no way out.")
ROUTE_LEAVES_VPC = Message(
    "Subnet {subnet_id} has no route out of {vpc_id}",
    "only local routes (the database tier needs no internet)", "{table} also has {routes}",
    "Associate {subnet_id} with a route table that has only the local route.")


def _internet_gateway_problem(ec2, subnet: dict) -> str | None:
    """Why the subnet is not public, as a Found line (None when it is public)."""
    table, name = route_table_of(ec2, subnet)
    route = default_route(table)
    if route is None:
        return NO_DEFAULT_ROUTE.format(table=name, routes=routes_text(table["Routes"]))
    target = route_target(route)
    if not target.startswith("igw-") or route.get("State", "active") != "active":
        return ROUTE_TO.format(table=name, target=target_text(route))
    with existing("igw", target):
        gateway = ec2.describe_internet_gateways(InternetGatewayIds=[target])["InternetGateways"][0]
    attached = [a["VpcId"] for a in gateway.get("Attachments", [])
                if a.get("State") in ("available", "attached")]
    if subnet["VpcId"] not in attached:
        attachment = f"attached to {attached[0]}" if attached else "not attached to any VPC"
        return GATEWAY_DETACHED.format(table=name, target=target, attachment=attachment)
    return None


def subnet_is_public(session, subnet_id) -> None:
    """The subnet's default route goes to an internet gateway attached to its VPC."""
    ec2 = session.client("ec2")
    subnet = describe_subnet(ec2, subnet_id)
    problem = _internet_gateway_problem(ec2, subnet)
    if problem:
        raise SUBNET_NOT_PUBLIC.fail(subnet_id=subnet_id, vpc_id=subnet["VpcId"], found=problem)


def subnet_uses_nat(session, subnet_id) -> None:
    """The subnet's default route goes to an available NAT gateway with an Elastic IP that
    sits in a public subnet of the same AZ."""
    ec2 = session.client("ec2")
    subnet = describe_subnet(ec2, subnet_id)
    az = subnet["AvailabilityZone"]
    table, name = route_table_of(ec2, subnet)
    route = default_route(table)
    if route is None or not route_target(route).startswith("nat-"):
        found = (ROUTE_TO.format(table=name, target=target_text(route)) if route
                 else NO_DEFAULT_ROUTE.format(table=name, routes=routes_text(table["Routes"])))
        raise NOT_VIA_NAT.fail(subnet_id=subnet_id, az=az, found=found)
    nat_id = route_target(route)
    nats = ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"]
    if not nats:  # moto answers [] where AWS raises NatGatewayNotFound
        raise missing("nat", nat_id, "NatGatewayNotFound")
    nat = nats[0]
    if nat["State"] != "available":
        state = nat["State"]
    elif nat.get("ConnectivityType") == "private":
        state = "a private NAT gateway"
    elif not any(a.get("AllocationId") for a in nat.get("NatGatewayAddresses", [])):
        state = "a NAT gateway without an Elastic IP"
    else:
        state = None
    if state:
        raise NAT_NOT_USABLE.fail(nat_id=nat_id, subnet_id=subnet_id, state=state)
    nat_subnet = describe_subnet(ec2, nat["SubnetId"])
    if nat_subnet["AvailabilityZone"] != az:
        raise NAT_OTHER_AZ.fail(subnet_id=subnet_id, az=az, table=name, nat_id=nat_id,
                                nat_subnet=nat_subnet["SubnetId"],
                                nat_az=nat_subnet["AvailabilityZone"])
    problem = _internet_gateway_problem(ec2, nat_subnet)
    if problem:
        raise NAT_IN_PRIVATE_SUBNET.fail(nat_id=nat_id, nat_subnet=nat_subnet["SubnetId"],
                                         vpc_id=subnet["VpcId"], az=az, found=problem)


def subnet_is_isolated(session, subnet_id) -> None:
    """No route of the subnet's table leaves the VPC: only ``local`` routes (and gateway
    endpoints, ``vpce-``, which stay on AWS's network)."""
    ec2 = session.client("ec2")
    subnet = describe_subnet(ec2, subnet_id)
    table, name = route_table_of(ec2, subnet)
    leaving = [r for r in table["Routes"]
               if route_target(r) != "local" and not route_target(r).startswith("vpce-")]
    if leaving:
        raise ROUTE_LEAVES_VPC.fail(subnet_id=subnet_id, vpc_id=subnet["VpcId"], table=name,
                                    routes=routes_text(leaving))
