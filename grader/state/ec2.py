"""Read EC2 state into the plain data of ``grader.sim``: a VPC's network configuration for
``grader.sim.network``, instances' metadata options and instance profiles for ``grader.sim.imds``.

The simulators are pure; this is the thin adapter that fills them from ``describe_*`` calls. One
security-group rule per ``describe_security_group_rules`` entry (an IPv4 CIDR, an IPv6 CIDR or a
referenced group), never the combined ``IpPermissions`` of ``describe_security_groups``. A subnet
with no explicit route-table association uses its VPC's main table; one with no network-ACL
association uses the VPC's default ACL.

An instance's profile is read from its association (``describe_iam_instance_profile_associations``),
not from ``describe_instances``: moto's ``replace_iam_instance_profile_association`` updates the
association only, and the instance keeps naming the old profile.
"""

from __future__ import annotations

from grader.sim.imds import InstanceView, MetadataOptions
from grader.sim.network import (
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
)

from .iam import profile_role

#: The EC2 API reports some protocols as numbers (NACLs, some SG rules); the sim uses names.
_PROTOCOL_NAMES = {"6": "tcp", "17": "udp", "1": "icmp", "all": "-1"}
#: Keys of a route's target, in the order EC2 fills them in.
_ROUTE_TARGETS = (
    "GatewayId", "NatGatewayId", "TransitGatewayId", "VpcPeeringConnectionId",
    "EgressOnlyInternetGatewayId", "NetworkInterfaceId", "InstanceId", "LocalGatewayId",
    "CarrierGatewayId", "CoreNetworkArn",
)


def read_network(session, vpc_id: str | None = None) -> Network:
    """Everything reachability depends on, for one VPC (or every VPC of the region when None).

    Internet gateways are read for the whole region, so a route to a gateway attached to
    another VPC is seen for what it is. Raises botocore's ``ClientError``
    (``InvalidVpcID.NotFound``) for an unknown ``vpc_id``.

    Checks read the network dozens of times per notebook, and eight ``describe_*`` calls cost
    ~25 ms where moto's own records take ~1 ms, so those are read when the session is moto's
    (``read_network_from_api`` gives the same answer: a test holds them equal on every kind of
    record the course builds). Any surprise in moto's records falls back to the API.
    """
    backend = _moto_ec2(session)
    if backend is not None and (vpc_id is None or vpc_id in backend.vpcs):
        try:
            return _network_from_moto(backend, vpc_id)
        except Exception:  # noqa: BLE001 -- a moto whose records differ: the API answers the same
            pass
    return read_network_from_api(session, vpc_id)


def read_network_from_api(session, vpc_id: str | None = None) -> Network:
    """:func:`read_network` through the ``describe_*`` calls a learner would make."""
    ec2 = session.client("ec2")
    in_vpc = {"Filters": [{"Name": "vpc-id", "Values": [vpc_id]}]} if vpc_id else {}
    vpcs = _all(ec2, "describe_vpcs", "Vpcs", **({"VpcIds": [vpc_id]} if vpc_id else {}))
    route_tables = _all(ec2, "describe_route_tables", "RouteTables", **in_vpc)
    acls = _all(ec2, "describe_network_acls", "NetworkAcls", **in_vpc)
    groups = _all(ec2, "describe_security_groups", "SecurityGroups", **in_vpc)
    group_ids = [g["GroupId"] for g in groups]
    rules = _all(ec2, "describe_security_group_rules", "SecurityGroupRules",
                 Filters=[{"Name": "group-id", "Values": group_ids}]) if group_ids else []
    return Network(
        vpcs={v["VpcId"]: v["CidrBlock"] for v in vpcs},
        subnets=_subnets(_all(ec2, "describe_subnets", "Subnets", **in_vpc), route_tables, acls),
        route_tables={t["RouteTableId"]: _route_table(t) for t in route_tables},
        security_groups=_security_groups(groups, rules),
        network_acls={a["NetworkAclId"]: network_acl(a) for a in acls},
        internet_gateways={
            g["InternetGatewayId"]: _attached_vpc(g)
            for g in _all(ec2, "describe_internet_gateways", "InternetGateways")
        },
        nat_gateways={
            n["NatGatewayId"]: NatGateway(n["NatGatewayId"], n["SubnetId"], n["State"])
            for n in _all(ec2, "describe_nat_gateways", "NatGateways", **in_vpc)
        },
    )


def _moto_ec2(session):
    """moto's EC2 records for the session's account and region, or None when not in moto."""
    try:
        from moto.ec2.models import ec2_backends
        from moto.iam.models import get_account_id_from

        from grader import sandbox

        if sandbox._mock is None:
            return None
        account = get_account_id_from(session.get_credentials().access_key)
        return ec2_backends[account][session.region_name or sandbox.REGION]
    except Exception:  # noqa: BLE001 -- no moto, no credentials: the API path says why
        return None


def _network_from_moto(ec2, vpc_id: str | None) -> Network:
    """The API's answer, read from the records moto builds it from (see ``read_network``)."""
    def wanted(record) -> bool:
        return vpc_id is None or record.vpc_id == vpc_id

    tables = [t for t in ec2.route_tables.values() if wanted(t)]
    acls = [a for a in ec2.network_acls.values() if wanted(a)]
    groups = [g for by_id in ec2.groups.values() for g in by_id.values() if wanted(g)]
    main_table = {t.vpc_id: t.id for t in tables if t.main_association_id is not None}
    table_of = {target: t.id for t in tables for target in t._associations.values()
                if target.startswith("subnet-")}
    default_acl = {a.vpc_id: a.id for a in acls if a.default}
    acl_of = {association.subnet_id: a.id for a in acls for association in a.associations}
    return Network(
        vpcs={v.id: v.cidr_block for v in ec2.vpcs.values() if vpc_id is None or v.id == vpc_id},
        subnets={
            s.id: Subnet(
                subnet_id=s.id, vpc_id=s.vpc_id, cidr=s.cidr_block,
                availability_zone=s.availability_zone,
                route_table_id=table_of.get(s.id, main_table.get(s.vpc_id, "")),
                nacl_id=acl_of.get(s.id, default_acl.get(s.vpc_id)),
                map_public_ip=_true(s.map_public_ip_on_launch),
            )
            for by_id in ec2.subnets.values() for s in by_id.values() if wanted(s)
        },
        route_tables={t.id: RouteTable(t.id, t.vpc_id, tuple(
            Route(r.destination_cidr_block, _moto_route_target(r), r.state)
            for r in t.routes if r.destination_cidr_block)) for t in tables},
        security_groups={g.id: SecurityGroup(
            g.id, g.vpc_id, _moto_rules(g.ingress_rules), _moto_rules(g.egress_rules))
            for g in groups},
        network_acls={a.id: NetworkAcl(a.id, a.vpc_id, tuple(
            NaclEntry(rule_number=int(e.rule_number), egress=_true(e.egress),
                      action=e.rule_action, protocol=protocol_name(e.protocol),
                      cidr=e.cidr_block or e.ipv6_cidr_block,
                      from_port=_number(e.port_range_from), to_port=_number(e.port_range_to))
            for e in a.network_acl_entries)) for a in acls},
        internet_gateways={g.id: g.vpc.id if g.vpc else None
                           for g in ec2.internet_gateways.values()},
        nat_gateways={n.id: NatGateway(n.id, n.subnet_id, n.state)
                      for n in ec2.nat_gateways.values() if wanted(n)},
    )


def _moto_route_target(route) -> str:
    targets = (route.gateway_id, route.nat_gateway_id, route.transit_gateway_id,
               route.vpc_peering_connection_id, route.egress_only_internet_gateway_id,
               route.network_interface_id, route.instance_id, route.carrier_gateway_id)
    return next((target for target in targets if target), "unknown")


def _moto_rules(records) -> tuple[Rule, ...]:
    rules = (Rule(protocol=protocol_name(r.ip_protocol),
                  from_port=-1 if r.from_port is None else int(r.from_port),
                  to_port=-1 if r.to_port is None else int(r.to_port),
                  cidr=r.ip_range.get("CidrIp") or r.ip_range.get("CidrIpv6"),
                  group_id=(r.source_group or {}).get("GroupId")) for r in records)
    return tuple(rule for rule in rules if rule.cidr or rule.group_id)


def _true(value) -> bool:
    return value if isinstance(value, bool) else str(value).lower() == "true"


def _number(value) -> int | None:
    return None if value is None else int(value)


# -- instances, their metadata options and instance profiles ------------------------------------

#: Association states in which an instance has (or is getting) its profile's credentials.
LIVE_ASSOCIATION = ("associating", "associated")


def describe_instance(session, instance_id: str) -> dict:
    """``describe_instances`` of one instance (raises ``InvalidInstanceID.NotFound``)."""
    reservations = session.client("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"]
    return reservations[0]["Instances"][0]


def metadata_options(session, instance_id: str) -> MetadataOptions:
    """The instance's IMDS settings. A field moto left out after a modify call that did not
    name it takes AWS's launch default (AWS itself would keep the earlier value)."""
    return MetadataOptions.from_api(describe_instance(session, instance_id).get("MetadataOptions", {}))


def profile_associations(session, instance_id: str | None = None) -> list[dict]:
    """Live instance-profile associations, of one instance or of all."""
    filters = [{"Name": "state", "Values": list(LIVE_ASSOCIATION)}]
    if instance_id:
        filters.append({"Name": "instance-id", "Values": [instance_id]})
    return _all(session.client("ec2"), "describe_iam_instance_profile_associations",
                "IamInstanceProfileAssociations", Filters=filters)


def profile_association(session, instance_id: str) -> dict | None:
    """The instance's live association (``AssociationId``, ``IamInstanceProfile.Arn``, ...)."""
    found = profile_associations(session, instance_id)
    return found[0] if found else None


def instance_views(session) -> list[InstanceView]:
    """Every instance of the region with its state, IMDS settings and the role (name) its
    instance profile holds, for ``grader.sim.imds.exposure``."""
    roles = {}
    for association in profile_associations(session):
        role = profile_role(session, association["IamInstanceProfile"]["Arn"])
        roles[association["InstanceId"]] = role["RoleName"] if role else None
    return [InstanceView(i["InstanceId"], i["State"]["Name"],
                         MetadataOptions.from_api(i.get("MetadataOptions", {})), roles.get(i["InstanceId"]))
            for r in _all(session.client("ec2"), "describe_instances", "Reservations")
            for i in r["Instances"]]


def endpoint(subnet_id: str, group_id: str) -> Endpoint:
    """A network interface in ``subnet_id`` guarded by the one security group ``group_id``."""
    return Endpoint(subnet_id=subnet_id, group_ids=(group_id,))


def instance_endpoint(instance: dict) -> Endpoint:
    """An instance of ``describe_instances`` as the simulator's endpoint: its subnet, its groups,
    its private IP, and whether it has a public IP (its own, whatever its subnet's setting)."""
    return Endpoint(
        subnet_id=instance["SubnetId"],
        group_ids=tuple(g["GroupId"] for g in instance.get("SecurityGroups", [])),
        ip=instance.get("PrivateIpAddress"),
        public_ip=bool(instance.get("PublicIpAddress")),
    )


def protocol_name(value) -> str:
    """``tcp``, ``udp``, ``icmp`` or ``-1`` (all) for an EC2 protocol given by name or number."""
    name = str(value).lower()
    return _PROTOCOL_NAMES.get(name, name)


def route_target(route: dict) -> str:
    """The target id of a ``describe_route_tables`` route (``local``, ``igw-...``, ``nat-...``)."""
    return next((route[k] for k in _ROUTE_TARGETS if route.get(k)), "unknown")


def _all(ec2, operation: str, key: str, **params) -> list[dict]:
    """Every item of a paginated ``describe_*`` call."""
    return [
        item
        for page in ec2.get_paginator(operation).paginate(**params)
        for item in page.get(key, [])
    ]


def _subnets(subnets: list[dict], route_tables: list[dict], acls: list[dict]) -> dict:
    main_table, table_of = {}, {}
    for table in route_tables:
        for association in table.get("Associations", []):
            if association.get("Main"):
                main_table[table["VpcId"]] = table["RouteTableId"]
            elif association.get("SubnetId"):
                table_of[association["SubnetId"]] = table["RouteTableId"]
    default_acl = {a["VpcId"]: a["NetworkAclId"] for a in acls if a.get("IsDefault")}
    acl_of = {
        association["SubnetId"]: acl["NetworkAclId"]
        for acl in acls
        for association in acl.get("Associations", [])
    }
    return {
        s["SubnetId"]: Subnet(
            subnet_id=s["SubnetId"],
            vpc_id=s["VpcId"],
            cidr=s["CidrBlock"],
            availability_zone=s["AvailabilityZone"],
            route_table_id=table_of.get(s["SubnetId"], main_table.get(s["VpcId"], "")),
            nacl_id=acl_of.get(s["SubnetId"], default_acl.get(s["VpcId"])),
            map_public_ip=bool(s.get("MapPublicIpOnLaunch")),
        )
        for s in subnets
    }


def _route_table(table: dict) -> RouteTable:
    """IPv4 routes only, as the simulator is IPv4 only (prefix-list routes have no CIDR)."""
    routes = tuple(
        Route(
            destination=r["DestinationCidrBlock"],
            target=route_target(r),
            state=r.get("State", "active"),
        )
        for r in table.get("Routes", [])
        if r.get("DestinationCidrBlock")
    )
    return RouteTable(table["RouteTableId"], table["VpcId"], routes)


def security_group_rule(entry: dict) -> Rule | None:
    """One ``describe_security_group_rules`` entry for the simulator; None for a prefix-list
    rule, which names neither a CIDR nor a group."""
    rule = Rule(
        protocol=protocol_name(entry["IpProtocol"]),
        from_port=entry.get("FromPort", -1),
        to_port=entry.get("ToPort", -1),
        cidr=entry.get("CidrIpv4") or entry.get("CidrIpv6"),
        group_id=entry.get("ReferencedGroupInfo", {}).get("GroupId"),
    )
    return rule if rule.cidr or rule.group_id else None


def _security_groups(groups: list[dict], rules: list[dict]) -> dict:
    ingress = {g["GroupId"]: [] for g in groups}
    egress = {g["GroupId"]: [] for g in groups}
    for entry in rules:
        rule = security_group_rule(entry)
        if rule:
            (egress if entry["IsEgress"] else ingress)[entry["GroupId"]].append(rule)
    return {
        g["GroupId"]: SecurityGroup(
            g["GroupId"], g["VpcId"], tuple(ingress[g["GroupId"]]), tuple(egress[g["GroupId"]])
        )
        for g in groups
    }


def network_acl(acl: dict) -> NetworkAcl:
    entries = tuple(
        NaclEntry(
            rule_number=e["RuleNumber"],
            egress=e["Egress"],
            action=e["RuleAction"],
            protocol=protocol_name(e["Protocol"]),
            cidr=e.get("CidrBlock") or e.get("Ipv6CidrBlock"),
            from_port=e.get("PortRange", {}).get("From"),
            to_port=e.get("PortRange", {}).get("To"),
        )
        for e in acl.get("Entries", [])
    )
    return NetworkAcl(acl["NetworkAclId"], acl["VpcId"], entries)


def _attached_vpc(gateway: dict) -> str | None:
    return next(
        (a["VpcId"] for a in gateway.get("Attachments", [])
         if a.get("State") in ("available", "attached")),
        None,
    )
