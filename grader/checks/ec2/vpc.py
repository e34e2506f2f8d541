"""Checks on the address plan, the VPC and its subnets."""

from __future__ import annotations

import ipaddress

from grader.checks.base import Message, require_dict

from .resources import describe_subnet, describe_vpc, require_id

KEYS_DIFFER = Message(
    "The {level} of {where}", "{wanted}", "{found}",
    "Loop over the {argument} argument, so your answer follows the values each test passes.")
PLAN_BAD_CIDR = Message(
    "Subnet {tier}/{az} of the plan",
    "a network address in CIDR notation (a str), like '10.0.0.0/{prefix}'", "{cidr!r}: {error}",
    "Carve the blocks with ipaddress.ip_network(vpc_cidr).subnets(new_prefix={prefix}) and "
    "turn each into a str.")
PLAN_WRONG_SIZE = Message(
    "Size of subnet {tier}/{az} of the plan", "/{prefix}", "{cidr} is a /{found_prefix}",
    "Use the prefix argument ({prefix}) as the prefix length of every block.")
PLAN_OUTSIDE_VPC = Message(
    "Subnet {tier}/{az} of the plan lies inside the VPC", "a block inside {vpc_cidr}", "{cidr}",
    "Carve the blocks from the vpc_cidr argument, not from a fixed range.")
PLAN_OVERLAP = Message(
    "Subnets of the plan do not overlap", "{count} separate blocks",
    "{first} ({first_cidr}) overlaps {second} ({second_cidr})",
    "Take each block once from a single iterator over the VPC's /{prefix} blocks.")


def _same_keys(mapping: dict, wanted, *, level: str, where: str, argument: str) -> None:
    if set(mapping) != set(wanted):
        raise KEYS_DIFFER.fail(level=level, where=where, argument=argument,
                               wanted=list(wanted), found=list(mapping))


def subnet_plan(plan, vpc_cidr: str, azs, tiers, prefix: int) -> None:
    """``plan`` is ``{tier: {az: cidr}}``: every tier x AZ, each a /prefix network inside
    ``vpc_cidr``, none overlapping."""
    require_dict(plan, "The subnet plan", "{tier: {az: cidr}}")
    _same_keys(plan, tiers, level="tiers", where="the subnet plan", argument="tiers")
    vpc, seen = ipaddress.ip_network(vpc_cidr), []
    for tier in tiers:
        require_dict(plan[tier], f"Tier {tier!r} of the subnet plan", "{az: cidr}")
        _same_keys(plan[tier], azs, level="AZs", where=f"tier {tier!r}", argument="azs")
        for az in azs:
            cidr, place = plan[tier][az], {"tier": tier, "az": az, "prefix": prefix}
            if not isinstance(cidr, str):
                raise PLAN_BAD_CIDR.fail(cidr=cidr, error=f"type {type(cidr).__name__}, not str",
                                         **place)
            try:
                block = ipaddress.ip_network(cidr)
            except ValueError as error:
                raise PLAN_BAD_CIDR.fail(cidr=cidr, error=error, **place) from None
            if block.prefixlen != prefix:
                raise PLAN_WRONG_SIZE.fail(cidr=cidr, found_prefix=block.prefixlen, **place)
            if block.version != vpc.version or not block.subnet_of(vpc):
                raise PLAN_OUTSIDE_VPC.fail(cidr=cidr, vpc_cidr=vpc_cidr, **place)
            for name, other in seen:
                if block.overlaps(other):
                    raise PLAN_OVERLAP.fail(count=len(tiers) * len(azs), first=name,
                                            first_cidr=other, second=f"{tier}/{az}",
                                            second_cidr=cidr, prefix=prefix)
            seen.append((f"{tier}/{az}", block))


VPC_CIDR = Message(
    "IPv4 CIDR block of VPC {vpc_id}", "{cidr_block}", "{found}",
    "Create the VPC from the vpc_cidr argument your function received, not a fixed range.")
VPC_DNS = Message(
    "DNS attributes of VPC {vpc_id}", "enableDnsSupport=True and enableDnsHostnames=True",
    "enableDnsSupport={support}, enableDnsHostnames={hostnames}",
    "Call modify_vpc_attribute for each attribute that is off: AWS takes one per call.")
SUBNET_REUSED = Message(
    "One subnet per tier and AZ", "{count} different subnet ids",
    "{subnet_id} is used for {places}", "Create a new subnet for each tier in each AZ.")
SUBNET_WRONG_VPC = Message(
    "VPC of subnet {subnet_id} ({place})", "{vpc_id}", "{found}",
    "Pass VpcId of the VPC your function created, not the default VPC's.")
SUBNET_WRONG_AZ = Message(
    "Availability zone of subnet {subnet_id} ({place})", "{az}", "{found}",
    "Pass AvailabilityZone to create_subnet; without it AWS picks a zone for you.")
MAP_PUBLIC_IP = Message("MapPublicIpOnLaunch of subnet {subnet_id}", "{expected}", "{found}",
                        "{hint}")
MAP_PUBLIC_IP_HINTS = {
    True: "Turn it on with modify_subnet_attribute: an instance in a public subnet needs a "
          "public IP to be reached from the internet.",
    False: "Leave it off for app and db subnets: instances there must not get a public IP.",
}


def vpc_has_cidr(session, vpc_id, cidr_block: str) -> None:
    """The VPC exists and ``cidr_block`` is one of its associated IPv4 blocks."""
    vpc = describe_vpc(session.client("ec2"), vpc_id)
    blocks = [a["CidrBlock"] for a in vpc.get("CidrBlockAssociationSet", [])
              if a.get("CidrBlockState", {}).get("State") == "associated"] or [vpc["CidrBlock"]]
    if ipaddress.ip_network(cidr_block) not in map(ipaddress.ip_network, blocks):
        raise VPC_CIDR.fail(vpc_id=vpc_id, cidr_block=cidr_block, found=", ".join(blocks))


def vpc_dns_enabled(session, vpc_id) -> None:
    """enableDnsSupport and enableDnsHostnames are both true."""
    ec2 = session.client("ec2")
    describe_vpc(ec2, vpc_id)
    support, hostnames = (
        ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=attribute)[key]["Value"]
        for attribute, key in (("enableDnsSupport", "EnableDnsSupport"),
                               ("enableDnsHostnames", "EnableDnsHostnames")))
    if not (support and hostnames):
        raise VPC_DNS.fail(vpc_id=vpc_id, support=support, hostnames=hostnames)


def subnets_cover(session, vpc_id, subnets, azs, tiers) -> None:
    """``subnets`` is ``{tier: {az: subnet_id}}``: every tier x AZ present, each an existing,
    distinct subnet of ``vpc_id`` in that AZ."""
    ec2 = session.client("ec2")
    describe_vpc(ec2, vpc_id)
    require_dict(subnets, 'The "subnets" entry', "{tier: {az: subnet_id}}")
    _same_keys(subnets, tiers, level="tiers", where='"subnets"', argument="tiers")
    places = {}
    for tier in tiers:
        require_dict(subnets[tier], f'Tier {tier!r} of "subnets"', "{az: subnet_id}")
        _same_keys(subnets[tier], azs, level="AZs", where=f"tier {tier!r}", argument="azs")
        for az in azs:
            subnet_id = require_id(subnets[tier][az], "subnet", f"Subnet id of {tier}/{az}")
            places.setdefault(subnet_id, []).append((tier, az))
    for subnet_id, used in places.items():
        if len(used) > 1:
            raise SUBNET_REUSED.fail(count=len(tiers) * len(azs), subnet_id=subnet_id,
                                     places=", ".join(f"{t}/{a}" for t, a in used))
    for subnet_id, [(tier, az)] in places.items():
        subnet, place = describe_subnet(ec2, subnet_id), f"{tier}/{az}"
        if subnet["VpcId"] != vpc_id:
            raise SUBNET_WRONG_VPC.fail(subnet_id=subnet_id, place=place, vpc_id=vpc_id,
                                        found=subnet["VpcId"])
        if subnet["AvailabilityZone"] != az:
            raise SUBNET_WRONG_AZ.fail(subnet_id=subnet_id, place=place, az=az,
                                       found=subnet["AvailabilityZone"])


def maps_public_ip(session, subnet_id, expected: bool) -> None:
    """The subnet's MapPublicIpOnLaunch equals ``expected``."""
    found = bool(describe_subnet(session.client("ec2"), subnet_id).get("MapPublicIpOnLaunch"))
    if found != expected:
        raise MAP_PUBLIC_IP.fail(subnet_id=subnet_id, expected=expected, found=found,
                                 hint=MAP_PUBLIC_IP_HINTS[expected])
