"""Learner-facing checks on EC2 networking: VPCs, subnets, routes and security groups.

Each check returns None when the requirement holds and raises ``CheckFailed`` otherwise, naming
the learner's real ids. Configuration is read with per-resource ``describe_*`` calls (security
groups rule by rule with ``describe_security_group_rules``); reachability is answered by
``grader.sim.network``, because moto stores the network but never moves a packet. Message
templates sit above the checks that raise them.
"""

from __future__ import annotations

import ipaddress
from contextlib import contextmanager

from botocore.exceptions import ClientError

from grader.checks.base import NOT_AN_ID, NOT_FOUND, Message, require_dict
from grader.errors import CheckFailed
from grader.sim import network as sim
from grader.state.ec2 import endpoint, protocol_name, read_network, route_target

DEFAULT_ROUTE = "0.0.0.0/0"
WORLD = ("0.0.0.0/0", "::/0")
_UNSET = object()  # "argument not given", so a learner's None can be told apart


_ID_KINDS = {  # prefix -> (kind, where the create call returns the id)
    "vpc": ("VPC", '["Vpc"]["VpcId"]'),
    "subnet": ("subnet", '["Subnet"]["SubnetId"]'),
    "sg": ("security group", '["GroupId"]'),
    "igw": ("internet gateway", '["InternetGateway"]["InternetGatewayId"]'),
    "nat": ("NAT gateway", '["NatGateway"]["NatGatewayId"]'),
}


def _require_id(value, prefix: str, what: str) -> str:
    if not isinstance(value, str) or not value.startswith(f"{prefix}-"):
        kind, path = _ID_KINDS[prefix]
        raise NOT_AN_ID.fail(what=what, kind=kind, prefix=prefix, path=path, value=value,
                             type=type(value).__name__)
    return value


def _missing(prefix: str, resource_id: str, code: str) -> CheckFailed:
    failure = NOT_FOUND.fail(kind=_ID_KINDS[prefix][0], resource_id=resource_id, code=code)
    failure.aws_code = code
    return failure


@contextmanager
def _existing(prefix: str, resource_id: str):
    """EC2's ``*.NotFound`` / ``*.Malformed`` errors become a CheckFailed (code in ``aws_code``)."""
    try:
        yield
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if not code.endswith((".NotFound", ".Malformed")):
            raise
        raise _missing(prefix, resource_id, code) from None


def _vpc(ec2, vpc_id) -> dict:
    _require_id(vpc_id, "vpc", "The VPC id")
    with _existing("vpc", vpc_id):
        return ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]


def _subnet(ec2, subnet_id) -> dict:
    _require_id(subnet_id, "subnet", "The subnet id")
    with _existing("subnet", subnet_id):
        return ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]


def _ingress(ec2, group_id) -> list[dict]:
    """The group's ingress rules, one per source (after checking that the group exists)."""
    _require_id(group_id, "sg", "The security group id")
    with _existing("sg", group_id):
        ec2.describe_security_groups(GroupIds=[group_id])
    pages = ec2.get_paginator("describe_security_group_rules").paginate(
        Filters=[{"Name": "group-id", "Values": [group_id]}])
    return [r for page in pages for r in page["SecurityGroupRules"] if not r["IsEgress"]]


def _route_table(ec2, subnet: dict) -> tuple[dict, str]:
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


def _default_route(table: dict) -> dict | None:
    return next((r for r in table["Routes"] if r.get("DestinationCidrBlock") == DEFAULT_ROUTE),
                None)


def _target_text(route: dict) -> str:
    state = "" if route.get("State", "active") == "active" else f" ({route['State']})"
    return f"{route_target(route)}{state}"


def _routes_text(routes: list[dict]) -> str:
    destinations = ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")
    return ", ".join(f"{next(r[k] for k in destinations if r.get(k))} -> {_target_text(r)}"
                     for r in routes)


def _rule_source(rule: dict) -> str:
    return (rule.get("CidrIpv4") or rule.get("CidrIpv6") or rule.get("PrefixListId")
            or rule.get("ReferencedGroupInfo", {}).get("GroupId", "?"))


def _rules_text(rules: list[dict]) -> str:
    def one(rule):
        low, high = rule.get("FromPort", -1), rule.get("ToPort", -1)
        protocol = protocol_name(rule["IpProtocol"])
        flow = "all traffic" if protocol == "-1" else \
            f"{protocol} {low if low == high else f'{low}-{high}'}"
        return f"{flow} from {_rule_source(rule)} ({rule['SecurityGroupRuleId']})"
    return "; ".join(map(one, rules)) or "no ingress rules"


# -- subnet plan (pure) ----------------------------------------------------------------------

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


# -- VPC and subnets -------------------------------------------------------------------------

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
    vpc = _vpc(session.client("ec2"), vpc_id)
    blocks = [a["CidrBlock"] for a in vpc.get("CidrBlockAssociationSet", [])
              if a.get("CidrBlockState", {}).get("State") == "associated"] or [vpc["CidrBlock"]]
    if ipaddress.ip_network(cidr_block) not in map(ipaddress.ip_network, blocks):
        raise VPC_CIDR.fail(vpc_id=vpc_id, cidr_block=cidr_block, found=", ".join(blocks))


def vpc_dns_enabled(session, vpc_id) -> None:
    """enableDnsSupport and enableDnsHostnames are both true."""
    ec2 = session.client("ec2")
    _vpc(ec2, vpc_id)
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
    _vpc(ec2, vpc_id)
    require_dict(subnets, 'The "subnets" entry', "{tier: {az: subnet_id}}")
    _same_keys(subnets, tiers, level="tiers", where='"subnets"', argument="tiers")
    places = {}
    for tier in tiers:
        require_dict(subnets[tier], f'Tier {tier!r} of "subnets"', "{az: subnet_id}")
        _same_keys(subnets[tier], azs, level="AZs", where=f"tier {tier!r}", argument="azs")
        for az in azs:
            subnet_id = _require_id(subnets[tier][az], "subnet", f"Subnet id of {tier}/{az}")
            places.setdefault(subnet_id, []).append((tier, az))
    for subnet_id, used in places.items():
        if len(used) > 1:
            raise SUBNET_REUSED.fail(count=len(tiers) * len(azs), subnet_id=subnet_id,
                                     places=", ".join(f"{t}/{a}" for t, a in used))
    for subnet_id, [(tier, az)] in places.items():
        subnet, place = _subnet(ec2, subnet_id), f"{tier}/{az}"
        if subnet["VpcId"] != vpc_id:
            raise SUBNET_WRONG_VPC.fail(subnet_id=subnet_id, place=place, vpc_id=vpc_id,
                                        found=subnet["VpcId"])
        if subnet["AvailabilityZone"] != az:
            raise SUBNET_WRONG_AZ.fail(subnet_id=subnet_id, place=place, az=az,
                                       found=subnet["AvailabilityZone"])


def maps_public_ip(session, subnet_id, expected: bool) -> None:
    """The subnet's MapPublicIpOnLaunch equals ``expected``."""
    found = bool(_subnet(session.client("ec2"), subnet_id).get("MapPublicIpOnLaunch"))
    if found != expected:
        raise MAP_PUBLIC_IP.fail(subnet_id=subnet_id, expected=expected, found=found,
                                 hint=MAP_PUBLIC_IP_HINTS[expected])


# -- routes ----------------------------------------------------------------------------------

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
    table, name = _route_table(ec2, subnet)
    route = _default_route(table)
    if route is None:
        return NO_DEFAULT_ROUTE.format(table=name, routes=_routes_text(table["Routes"]))
    target = route_target(route)
    if not target.startswith("igw-") or route.get("State", "active") != "active":
        return ROUTE_TO.format(table=name, target=_target_text(route))
    with _existing("igw", target):
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
    subnet = _subnet(ec2, subnet_id)
    problem = _internet_gateway_problem(ec2, subnet)
    if problem:
        raise SUBNET_NOT_PUBLIC.fail(subnet_id=subnet_id, vpc_id=subnet["VpcId"], found=problem)


def subnet_uses_nat(session, subnet_id) -> None:
    """The subnet's default route goes to an available NAT gateway with an Elastic IP that
    sits in a public subnet of the same AZ."""
    ec2 = session.client("ec2")
    subnet = _subnet(ec2, subnet_id)
    az = subnet["AvailabilityZone"]
    table, name = _route_table(ec2, subnet)
    route = _default_route(table)
    if route is None or not route_target(route).startswith("nat-"):
        found = (ROUTE_TO.format(table=name, target=_target_text(route)) if route
                 else NO_DEFAULT_ROUTE.format(table=name, routes=_routes_text(table["Routes"])))
        raise NOT_VIA_NAT.fail(subnet_id=subnet_id, az=az, found=found)
    nat_id = route_target(route)
    nats = ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"]
    if not nats:  # moto answers [] where AWS raises NatGatewayNotFound
        raise _missing("nat", nat_id, "NatGatewayNotFound")
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
    nat_subnet = _subnet(ec2, nat["SubnetId"])
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
    subnet = _subnet(ec2, subnet_id)
    table, name = _route_table(ec2, subnet)
    leaving = [r for r in table["Routes"]
               if route_target(r) != "local" and not route_target(r).startswith("vpce-")]
    if leaving:
        raise ROUTE_LEAVES_VPC.fail(subnet_id=subnet_id, vpc_id=subnet["VpcId"], table=name,
                                    routes=_routes_text(leaving))


# -- security groups and reachability --------------------------------------------------------

SG_MISSING_FROM_GROUP = Message(
    "Security group {group_id} admits tcp {port} from group {source}",
    "an ingress rule for tcp {port} that references {source}", "{rules}",
    "Add an ingress rule for tcp {port} with UserIdGroupPairs naming {source}, so only members "
    "of that group get in.")
SG_MISSING_FROM_CIDR = Message(
    "Security group {group_id} admits tcp {port} from {source}",
    "an ingress rule for tcp {port} from {source} (or a range containing it)", "{rules}",
    "Add an ingress rule for tcp {port} with IpRanges [{{'CidrIp': '{source}'}}].")
SG_EXTRA_RULES = Message(
    "Security group {group_id} admits only {allowed}", "no other ingress rule", "also {rules}",
    "{hint}")
SG_HINT_SSH = ("Revoke {rule_id}: it opens SSH (22). Reach instances with Systems Manager "
               "Session Manager instead of an open port.")
SG_HINT_WORLD = ("Revoke {rule_id} (revoke_security_group_ingress): it opens the group to the "
                 "whole internet. Admit the port only from the security group that needs it.")
SG_HINT_OTHER = "Revoke {rule_id} (revoke_security_group_ingress): nothing else should get in."
REACHABLE_FROM_INTERNET = Message(
    "tcp {port} on {group_id} in subnet {subnet_id} is unreachable from the internet",
    "blocked by at least one layer (route, public IP, network ACL or security group)",
    "reachable: {trail}",
    "Admit tcp {port} on {group_id} only from the security group that needs it, and keep "
    "{subnet_id} on a route table without an internet-gateway route.")


def _admits_port(rule: dict, port: int) -> bool:
    protocol = protocol_name(rule["IpProtocol"])
    return protocol == "-1" or (protocol == "tcp" and rule["FromPort"] <= port <= rule["ToPort"])


def _source_key(source: str):
    """A CIDR as a network (so '10.0.0.0/16' equals '10.0.0.0/16' however written), else as is."""
    try:
        return ipaddress.ip_network(source, strict=False)
    except ValueError:
        return source


def sg_allows(session, group_id, port: int, *, source_group_id=_UNSET, cidr=_UNSET) -> None:
    """An ingress rule of ``group_id`` admits tcp ``port`` from ``source_group_id`` (by group
    reference) or from ``cidr`` (a rule whose range contains it). Give exactly one source; a
    ``source_group_id`` of None (a learner's missing id) fails as such."""
    if (source_group_id is _UNSET) == (cidr is _UNSET):
        raise TypeError("sg_allows needs exactly one of source_group_id= or cidr=")
    ec2 = session.client("ec2")
    ingress = _ingress(ec2, group_id)
    sources = [_source_key(_rule_source(r)) for r in ingress if _admits_port(r, port)]
    if source_group_id is not _UNSET:
        _require_id(source_group_id, "sg", "The source security group id")
        _ingress(ec2, source_group_id)  # the source group must exist too
        if source_group_id not in sources:
            raise SG_MISSING_FROM_GROUP.fail(group_id=group_id, port=port, source=source_group_id,
                                             rules=_rules_text(ingress))
        return
    wanted = ipaddress.ip_network(cidr)
    if not any(isinstance(s, type(wanted)) and wanted.subnet_of(s) for s in sources):
        raise SG_MISSING_FROM_CIDR.fail(group_id=group_id, port=port, source=cidr,
                                        rules=_rules_text(ingress))


def sg_ingress_only(session, group_id, allowed) -> None:
    """Every ingress rule of ``group_id`` is one of ``allowed``, ``(port, source)`` pairs where
    source is a group id (``sg-...``) or a CIDR; a rule matches on tcp, exactly that one port
    and exactly that source. That the allowed rules exist is ``sg_allows``'s job."""
    for _, source in allowed:
        if not isinstance(source, str):
            _require_id(source, "sg", "A source security group id")
    wanted = {(port, _source_key(source)) for port, source in allowed}
    extra = [r for r in _ingress(session.client("ec2"), group_id)
             if not (protocol_name(r["IpProtocol"]) == "tcp" and r["FromPort"] == r.get("ToPort")
                     and (r["FromPort"], _source_key(_rule_source(r))) in wanted)]
    if extra:
        first, hint = extra[0], SG_HINT_OTHER
        if protocol_name(first["IpProtocol"]) == "tcp" and \
                first["FromPort"] <= 22 <= first["ToPort"]:
            hint = SG_HINT_SSH
        elif _rule_source(first) in WORLD:
            hint = SG_HINT_WORLD
        raise SG_EXTRA_RULES.fail(
            group_id=group_id, rules=_rules_text(extra),
            allowed=" or ".join(f"tcp {port} from {source}" for port, source in allowed)
            or "nothing",
            hint=hint.format(rule_id=first["SecurityGroupRuleId"]))


def not_reachable_from_internet(session, subnet_id, group_id, port: int) -> None:
    """No connection from the internet reaches tcp ``port`` on an interface in ``subnet_id``
    guarded by ``group_id``, according to ``grader.sim.network.can_reach``."""
    ec2 = session.client("ec2")
    vpc_id = _subnet(ec2, subnet_id)["VpcId"]
    _ingress(ec2, group_id)
    verdict = sim.can_reach(read_network(session, vpc_id), sim.INTERNET,
                            endpoint(subnet_id, group_id), port)
    if verdict.reachable:
        raise REACHABLE_FROM_INTERNET.fail(port=port, group_id=group_id, subnet_id=subnet_id,
                                           trail="; ".join(verdict.trail))
