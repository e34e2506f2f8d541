"""Starting states for topics 06 and 14 (and the networks under topics 03 and 22): a three-tier
VPC, routed, guarded by security groups, then (topic 14) by a network ACL on its public subnets.

Each function builds on the previous one and returns the same dict shape the learner's
functions return, so a test of exercise N starts from a correct exercise N-1. boto3 only.
Subnets are /24s carved in order from the VPC CIDR: public per AZ, then app, then db.

The small helpers at the end change one thing in a built network (a web server, a custom
network ACL, a subnet's route table), so a test can break a network the way people do.
"""

from __future__ import annotations

import ipaddress

from grader.scenarios.snapshots import remembered

TIERS = ("public", "app", "db")


def three_tier_plan(vpc_cidr: str, azs) -> dict:
    """``{tier: {az: cidr}}``: /24 blocks carved in order, every AZ of a tier before the next."""
    blocks = ipaddress.ip_network(vpc_cidr).subnets(new_prefix=24)
    return {tier: {az: str(next(blocks)) for az in azs} for tier in TIERS}


@remembered
def three_tier_subnets(session, vpc_cidr: str, azs, tiers=TIERS) -> dict:
    """A VPC with DNS support and hostnames on and one /24 subnet per tier per AZ; only the
    public subnets map public IPs on launch. ``tiers`` leaves some tiers out (their blocks stay
    free, so addresses do not move).

    Returns ``{"vpc_id": ..., "subnets": {"public"|"app"|"db": {az: subnet_id}}}``.
    """
    ec2 = session.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock=vpc_cidr, TagSpecifications=_name("vpc", "three-tier"))[
        "Vpc"]["VpcId"]
    for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
        ec2.modify_vpc_attribute(VpcId=vpc_id, **{attribute: {"Value": True}})
    subnets = {tier: {} for tier in tiers}
    for tier, blocks in three_tier_plan(vpc_cidr, azs).items():
        if tier not in tiers:
            continue
        for az, cidr in blocks.items():
            subnet_id = ec2.create_subnet(
                VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=az,
                TagSpecifications=_name("subnet", f"{tier}-{az}"),
            )["Subnet"]["SubnetId"]
            if tier == "public":
                ec2.modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": True})
            subnets[tier][az] = subnet_id
    return {"vpc_id": vpc_id, "subnets": subnets}


@remembered
def public_routed(session, vpc_cidr: str, azs, tiers=("public", "app")) -> dict:
    """``three_tier_subnets`` (public and app tiers by default) plus an internet gateway and one
    public table routing 0.0.0.0/0 to it, for the public subnets only; the others keep the main
    table (local only). A lighter start than ``three_tier_routed`` for topics about what sits in
    the public tier.

    Adds ``internet_gateway_id`` and ``route_tables`` ({"public": rtb}).
    """
    network = three_tier_subnets(session, vpc_cidr, azs, tiers)
    ec2, vpc_id = session.client("ec2"), network["vpc_id"]
    igw_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    public = _route_table(ec2, vpc_id, "public", network["subnets"]["public"].values(),
                          GatewayId=igw_id)
    return {**network, "internet_gateway_id": igw_id, "route_tables": {"public": public}}


@remembered
def three_tier_routed(session, vpc_cidr: str, azs) -> dict:
    """``three_tier_subnets`` plus routing: an internet gateway and a public table routing
    0.0.0.0/0 to it; one NAT gateway (with an Elastic IP) per AZ in that AZ's public subnet and
    one app table per AZ routing 0.0.0.0/0 to it; one db table with only the local route.

    Adds ``internet_gateway_id``, ``nat_gateways`` ({az: nat_id}) and ``route_tables``
    ({"public": rtb, "app": {az: rtb}, "db": rtb}).
    """
    network = three_tier_subnets(session, vpc_cidr, azs)
    ec2, vpc_id, subnets = session.client("ec2"), network["vpc_id"], network["subnets"]
    igw_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    public = _route_table(ec2, vpc_id, "public", subnets["public"].values(), GatewayId=igw_id)
    nat_gateways, app_tables = {}, {}
    for az in azs:
        allocation_id = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nat_gateways[az] = ec2.create_nat_gateway(
            SubnetId=subnets["public"][az], AllocationId=allocation_id,
            TagSpecifications=_name("natgateway", f"nat-{az}"),
        )["NatGateway"]["NatGatewayId"]
        app_tables[az] = _route_table(ec2, vpc_id, f"app-{az}", [subnets["app"][az]],
                                      NatGatewayId=nat_gateways[az])
    db = _route_table(ec2, vpc_id, "db", subnets["db"].values())
    return {
        **network,
        "internet_gateway_id": igw_id,
        "nat_gateways": nat_gateways,
        "route_tables": {"public": public, "app": app_tables, "db": db},
    }


@remembered
def web_app(session, vpc_cidr: str, azs, app_port: int, db_port: int) -> dict:
    """``three_tier_routed`` plus a chain of security groups referencing each other:
    alb admits 443 from anywhere, app admits ``app_port`` from alb, db admits ``db_port`` from app.

    Adds ``security_groups`` ({"alb": id, "app": id, "db": id}).
    """
    network = three_tier_routed(session, vpc_cidr, azs)
    ec2, vpc_id = session.client("ec2"), network["vpc_id"]
    groups = {
        name: ec2.create_security_group(
            GroupName=name, Description=f"{name} tier", VpcId=vpc_id)["GroupId"]
        for name in ("alb", "app", "db")
    }
    for name, port, source in (
        ("alb", 443, {"IpRanges": [{"CidrIp": "0.0.0.0/0"}]}),
        ("app", app_port, {"UserIdGroupPairs": [{"GroupId": groups["alb"]}]}),
        ("db", db_port, {"UserIdGroupPairs": [{"GroupId": groups["app"]}]}),
    ):
        ec2.authorize_security_group_ingress(GroupId=groups[name], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, **source}])
    return {**network, "security_groups": groups}


#: The public subnets' network ACL of ``guarded_web_app``: (egress, protocol, from, to) per entry.
PUBLIC_NACL_ALLOWS = ((False, "6", 443, 443), (False, "6", 1024, 65535),
                      (True, "6", 443, 443), (True, "6", 1024, 65535))


@remembered
def guarded_web_app(session, vpc_cidr: str, azs, app_port: int, db_port: int, *,
                    first_rule: int = 100, step: int = 100) -> dict:
    """``web_app`` plus one custom network ACL shared by the public subnets: in each direction
    allow tcp 443 and the ephemeral ports 1024-65535 from/to anywhere, numbered ``first_rule``,
    ``first_rule + step``; everything else falls to the ``*`` deny.

    Adds ``network_acl_id``.
    """
    network = web_app(session, vpc_cidr, azs, app_port, db_port)
    numbers, entries = {False: first_rule, True: first_rule}, []
    for egress, protocol, low, high in PUBLIC_NACL_ALLOWS:
        entries.append((numbers[egress], egress, "allow", "0.0.0.0/0", (low, high), protocol))
        numbers[egress] += step
    acl_id = custom_network_acl(session, network["vpc_id"], network["subnets"]["public"].values(),
                                entries, name="public")
    return {**network, "network_acl_id": acl_id}


def associate_network_acl(ec2, subnet_id: str, acl_id: str) -> None:
    """Move ``subnet_id`` to ``acl_id``: every subnet has exactly one ACL association."""
    [current] = ec2.describe_network_acls(Filters=[
        {"Name": "association.subnet-id", "Values": [subnet_id]}])["NetworkAcls"]
    association = next(a for a in current["Associations"] if a["SubnetId"] == subnet_id)
    ec2.replace_network_acl_association(AssociationId=association["NetworkAclAssociationId"],
                                        NetworkAclId=acl_id)


#: Any AMI id does: the sandbox keeps moto's AMI catalogue off and moto launches without it.
AMI_ID = "ami-12c6146b"


def web_server(session, subnet_id: str, group_ids, *, public_ip: bool = True) -> str:
    """A t3.micro instance in ``subnet_id`` guarded by ``group_ids``; it has a public IP when the
    subnet maps public IPs on launch, unless ``public_ip`` is False. Returns its id.

    Without a public IP the subnet's setting is switched off for the launch and restored after:
    moto drops the groups of an instance launched with ``NetworkInterfaces``, the other way.
    """
    ec2 = session.client("ec2")
    maps = ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]["MapPublicIpOnLaunch"]
    if maps and not public_ip:
        ec2.modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": False})
    try:
        [instance] = ec2.run_instances(
            ImageId=AMI_ID, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=subnet_id,
            SecurityGroupIds=list(group_ids), TagSpecifications=_name("instance", "web"),
        )["Instances"]
    finally:
        if maps and not public_ip:
            ec2.modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": True})
    return instance["InstanceId"]


def custom_network_acl(session, vpc_id: str, subnet_ids, entries, *, name: str = "custom") -> str:
    """A new network ACL in ``vpc_id`` with ``entries``, associated with every subnet of
    ``subnet_ids``; returns its id. An entry is ``(rule_number, egress, action, cidr)`` for all
    traffic, or ``(rule_number, egress, action, cidr, (from_port, to_port))`` for tcp ports, with
    an optional protocol number last (``"17"`` for udp)."""
    ec2 = session.client("ec2")
    acl_id = ec2.create_network_acl(VpcId=vpc_id, TagSpecifications=_name(
        "network-acl", name))["NetworkAcl"]["NetworkAclId"]
    for number, egress, action, cidr, *rest in entries:
        ports, protocol = (rest + [None, None])[:2]
        ec2.create_network_acl_entry(
            NetworkAclId=acl_id, RuleNumber=number, Egress=egress, RuleAction=action,
            CidrBlock=cidr, Protocol=protocol or ("6" if ports else "-1"),
            **({"PortRange": {"From": ports[0], "To": ports[1]}} if ports else {}))
    for subnet_id in subnet_ids:
        associate_network_acl(ec2, subnet_id, acl_id)
    return acl_id


def use_route_table(ec2, subnet_id: str, table_id: str | None) -> None:
    """Route ``subnet_id`` by ``table_id`` (its explicit association replaced), or with None drop
    the association, so the VPC's main route table applies."""
    tables = ec2.describe_route_tables(Filters=[
        {"Name": "association.subnet-id", "Values": [subnet_id]}])["RouteTables"]
    current = next((a for t in tables for a in t["Associations"]
                    if a.get("SubnetId") == subnet_id), None)
    if current and table_id:
        ec2.replace_route_table_association(
            AssociationId=current["RouteTableAssociationId"], RouteTableId=table_id)
    elif current:
        ec2.disassociate_route_table(AssociationId=current["RouteTableAssociationId"])
    elif table_id:
        ec2.associate_route_table(RouteTableId=table_id, SubnetId=subnet_id)


def _route_table(ec2, vpc_id: str, name: str, subnet_ids, **default_route) -> str:
    """A new route table for ``subnet_ids``; ``default_route`` is the target of 0.0.0.0/0."""
    table_id = ec2.create_route_table(
        VpcId=vpc_id, TagSpecifications=_name("route-table", name))["RouteTable"]["RouteTableId"]
    if default_route:
        ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0", **default_route)
    for subnet_id in subnet_ids:
        ec2.associate_route_table(RouteTableId=table_id, SubnetId=subnet_id)
    return table_id


def _name(resource_type: str, name: str) -> list[dict]:
    return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}]}]


#: Where web_app's tiers are asked about: alb in the first AZ, app in the second, db in the last,
#: so the questions cross subnets and zones.
WEB_APP_TIERS = {"alb": ("public", 0), "app": ("app", 1), "db": ("db", -1)}


def web_app_endpoints(network: dict) -> dict:
    """``{"internet": "internet", "alb"|"app"|"db": {"subnet_id", "group_id"}}`` for a web_app
    network, in the shape learners' ``can_reach`` takes."""
    azs = list(network["subnets"]["db"])
    ends = {"internet": "internet"}
    for tier, (subnets, az_index) in WEB_APP_TIERS.items():
        subnet_id = network["subnets"][subnets][azs[az_index % len(azs)]]
        ends[tier] = {"subnet_id": subnet_id, "group_id": network["security_groups"][tier]}
    return ends
