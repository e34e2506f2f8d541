"""Reference reachability for a VPC: can A reach B on a port, and which rule decided.

moto stores route tables, security groups and network ACLs but never moves a packet, so this
module answers the question the real network would. It is pure: it takes the plain data below
(see ``grader.state.ec2`` to read it from a boto3 session) and imports neither boto3 nor moto.

Model (as of 2026, IPv4 only):
- Inside one VPC the ``local`` route always applies; different VPCs never reach each other.
- To or from the internet a subnet needs a route whose destination contains the internet
  address, pointing at an internet gateway attached to the VPC, and the instance needs a
  public IP. Outbound only, a NAT gateway works instead, if the NAT's own subnet reaches the
  internet through an internet gateway and the NAT is ``available``.
- Security groups are stateful: the target's ingress and the source's egress must allow the
  flow; replies are always allowed.
- Network ACLs are stateless and apply only when traffic crosses a subnet boundary: the
  request must pass out of the source subnet and into the target subnet, and the reply (to an
  ephemeral port) back the other way; rules are evaluated in ascending rule number and the
  first match wins; no match is a deny (the implicit ``*`` rule). A subnet with no known ACL
  uses the default one, which allows everything. Traffic to the internet through a NAT
  gateway also crosses the NAT's subnet, so that subnet's ACL must pass it both ways.

``can_reach`` reports the first layer that blocks: different VPCs, route (to or from the
internet), public IP, then the filters in the order the connection's packets meet them. The
request leaves through the source's security groups (egress), out of and into each subnet it
crosses (network ACLs), in through the target's security groups (ingress); the reply comes back
through the same network ACLs in reverse (security groups let it pass). The trail keeps every
reason checked up to the decision, so a learner message can quote which id decided, and
``Verdict.direction`` says which rules of the blocking ACL or group did: inbound or outbound.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from ipaddress import ip_address, ip_network

INTERNET = "internet"
#: The address used to stand for "somewhere on the internet" (TEST-NET-2, never routed).
INTERNET_ADDRESS = "198.51.100.7"
#: The client's port used to check replies through stateless NACLs.
EPHEMERAL_PORT = 49152


@dataclass(frozen=True)
class Rule:
    """One security-group rule in one direction. ``protocol`` is ``tcp``, ``udp``, ``icmp``
    or ``-1`` (all); ports are -1 when the protocol has none. Exactly one of ``cidr`` or
    ``group_id`` is set."""

    protocol: str
    from_port: int
    to_port: int
    cidr: str | None = None
    group_id: str | None = None


@dataclass(frozen=True)
class SecurityGroup:
    group_id: str
    vpc_id: str
    ingress: tuple[Rule, ...] = ()
    egress: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class NaclEntry:
    """One network ACL entry; ``action`` is ``allow`` or ``deny``; ports None means all."""

    rule_number: int
    egress: bool
    action: str
    protocol: str
    cidr: str
    from_port: int | None = None
    to_port: int | None = None


@dataclass(frozen=True)
class NetworkAcl:
    nacl_id: str
    vpc_id: str
    entries: tuple[NaclEntry, ...] = ()


@dataclass(frozen=True)
class Route:
    """``target`` is the gateway id (``igw-...``, ``nat-...``, ...) or ``local``."""

    destination: str
    target: str
    state: str = "active"


@dataclass(frozen=True)
class RouteTable:
    route_table_id: str
    vpc_id: str
    routes: tuple[Route, ...] = ()


@dataclass(frozen=True)
class Subnet:
    subnet_id: str
    vpc_id: str
    cidr: str
    availability_zone: str
    route_table_id: str
    nacl_id: str | None = None
    map_public_ip: bool = False


@dataclass(frozen=True)
class NatGateway:
    nat_gateway_id: str
    subnet_id: str
    state: str = "available"


@dataclass(frozen=True)
class Network:
    """Everything reachability depends on, keyed by id."""

    vpcs: dict[str, str] = field(default_factory=dict)  # vpc_id -> CIDR
    subnets: dict[str, Subnet] = field(default_factory=dict)
    route_tables: dict[str, RouteTable] = field(default_factory=dict)
    security_groups: dict[str, SecurityGroup] = field(default_factory=dict)
    network_acls: dict[str, NetworkAcl] = field(default_factory=dict)
    internet_gateways: dict[str, str | None] = field(default_factory=dict)  # igw_id -> vpc_id
    nat_gateways: dict[str, NatGateway] = field(default_factory=dict)


@dataclass(frozen=True)
class Endpoint:
    """A network interface: where it sits, which groups guard it, its private IP (default: the
    subnet's first usable address) and whether it has a public IP (default: the subnet's
    ``map_public_ip``)."""

    subnet_id: str
    group_ids: tuple[str, ...]
    ip: str | None = None
    public_ip: bool | None = None


class Decision(Enum):
    REACHABLE = "reachable"
    NO_ROUTE = "no route"
    NO_PUBLIC_IP = "no public IP"
    SECURITY_GROUP = "blocked by a security group"
    NETWORK_ACL = "blocked by a network ACL"
    DIFFERENT_VPC = "different VPCs"


@dataclass(frozen=True)
class Verdict:
    """The answer, the layer that decided, and the reasons in the order they were checked.
    ``direction`` is ``inbound`` or ``outbound`` when a network ACL or security group blocked:
    the rules of that direction (an ACL's ingress or egress entries, a group's ingress or
    egress rules) let the packet down; None otherwise."""

    decision: Decision
    trail: tuple[str, ...] = ()
    direction: str | None = None

    @property
    def reachable(self) -> bool:
        return self.decision is Decision.REACHABLE

    def __bool__(self) -> bool:
        return self.reachable


# -- evaluation ---------------------------------------------------------------------------------

_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "all": "-1"}  # NACLs report numbers


def _proto(protocol: str | int) -> str:
    return _PROTOCOLS.get(str(protocol).lower(), str(protocol).lower())


def _matches(rule_protocol: str, from_port: int | None, to_port: int | None, protocol: str,
             port: int) -> bool:
    """Protocol ``-1`` and ports None or -1 mean all; for ICMP the "port" is the type."""
    rule_protocol = _proto(rule_protocol)
    if rule_protocol == "-1" or from_port in (None, -1):
        return rule_protocol in ("-1", _proto(protocol))
    return rule_protocol == _proto(protocol) and (
        from_port == port if rule_protocol == "icmp" else from_port <= port <= to_port)


def _contains(cidr: str | None, address: str) -> bool:
    """False, not an error, for non-CIDRs (prefix lists) and the other IP version."""
    try:
        return cidr is not None and ip_address(address) in ip_network(cidr, strict=False)
    except ValueError:
        return False


def _flow(protocol: str, port: int) -> str:
    return "all traffic" if _proto(protocol) == "-1" else f"{_proto(protocol)}/{port}"


def _ip(network: Network, endpoint: Endpoint) -> str:
    """The endpoint's private IP; by default + 4, as AWS reserves a subnet's first four."""
    cidr = network.subnets[endpoint.subnet_id].cidr
    return endpoint.ip or str(ip_network(cidr, strict=False).network_address + 4)


def route_for(network: Network, subnet_id: str, address: str) -> Route | None:
    """The route the subnet's table uses for ``address``: longest prefix wins and the VPC's
    ``local`` route is implied. A blackhole route is returned as is: it wins the match and
    then drops the packet; AWS never falls back to a shorter route."""
    subnet = network.subnets[subnet_id]
    table = network.route_tables.get(subnet.route_table_id)
    routes = list(table.routes) if table else []
    if subnet.vpc_id in network.vpcs:  # after the table's own, so an explicit one wins the tie
        routes.append(Route(network.vpcs[subnet.vpc_id], "local"))
    return max((r for r in routes if _contains(r.destination, address)), default=None,
               key=lambda r: ip_network(r.destination, strict=False).prefixlen)


def internet_path(network: Network, subnet_id: str, *, inbound: bool,
                  address: str = INTERNET_ADDRESS) -> Verdict:
    """Whether the subnet's routes reach the internet ``address``: an internet gateway attached
    to its VPC or, outbound only, an available NAT gateway whose own subnet has one. Routes
    only: the public IP belongs to the instance (see ``can_reach``)."""
    subnet = network.subnets[subnet_id]
    route = route_for(network, subnet_id, address)
    if route is None:
        reason = f"{subnet_id} has no route to the internet ({address})"
        return Verdict(Decision.NO_ROUTE, (reason,))
    says = f"{subnet_id} routes {route.destination} to {route.target}"
    nat = network.nat_gateways.get(route.target)
    if route.state == "blackhole":
        why = "a blackhole route (its target is gone)"
    elif route.target.startswith("igw-"):
        if network.internet_gateways.get(route.target) == subnet.vpc_id:
            return Verdict(Decision.REACHABLE, (f"{says}, attached to {subnet.vpc_id}",))
        why = f"which is not attached to {subnet.vpc_id}"
    elif not route.target.startswith("nat-"):
        why = "which does not lead to the internet"
    elif inbound:
        why = "which only carries outbound traffic"
    elif nat is None or nat.state != "available":
        why = f"which is {nat.state if nat else 'unknown'}, not available"
    else:  # the NAT's own subnet must reach an internet gateway (a NAT cannot chain)
        onward = internet_path(network, nat.subnet_id, inbound=True, address=address)
        return Verdict(onward.decision, (f"{says} in {nat.subnet_id}", *onward.trail))
    return Verdict(Decision.NO_ROUTE, (f"{says}, {why}",))


def nacl_allows(acl: NetworkAcl, *, egress: bool, protocol: str, address: str,
                port: int) -> tuple[bool, int | None]:
    """Whether the ACL admits the packet, and the rule number that decided (None: no rule
    matched and the implicit ``*`` rule denied). ``address`` is the peer: the destination
    going out, the source coming in."""
    for entry in sorted((e for e in acl.entries if e.egress == egress),
                        key=lambda e: e.rule_number):
        if _contains(entry.cidr, address) and _matches(
                entry.protocol, entry.from_port, entry.to_port, protocol, port):
            return entry.action == "allow", entry.rule_number
    return False, None


def sg_allows(network: Network, group_ids: tuple[str, ...], *, ingress: bool, protocol: str,
              port: int, peer_address: str, peer_group_ids: tuple[str, ...] = ()) -> Rule | None:
    """The first rule of ``group_ids`` that admits the flow, or None (groups only allow). A
    rule naming a group matches a peer carrying it; a CIDR rule, a peer address inside it."""
    for group_id in group_ids:
        group = network.security_groups.get(group_id)
        for rule in (group.ingress if ingress else group.egress) if group else ():
            if _matches(rule.protocol, rule.from_port, rule.to_port, protocol, port) and (
                    rule.group_id in peer_group_ids if rule.group_id
                    else _contains(rule.cidr, peer_address)):
                return rule
    return None


def _acl_check(network: Network, subnet: Subnet | None, egress: bool, peer: str,
               protocol: str, port: int, leg: str) -> tuple[bool, str] | None:
    """(allowed, reason) for one packet crossing ``subnet``'s ACL; None where no ACL applies
    (the internet side, or the default ACL, which allows all)."""
    acl = network.network_acls.get(subnet.nacl_id) if subnet else None
    if acl is None:
        return None
    ok, number = nacl_allows(acl, egress=egress, protocol=protocol, address=peer, port=port)
    what = (f"{'outbound' if egress else 'inbound'} {_flow(protocol, port)} "
            f"{'to' if egress else 'from'} {peer} ({leg}, {subnet.subnet_id})")
    if number is None:
        return False, f"{acl.nacl_id} has no rule for {what}: the * rule denies it"
    return ok, f"{acl.nacl_id} rule {number} {'allows' if ok else 'denies'} {what}"


def _sg_check(network: Network, groups: tuple[str, ...], ingress: bool, peer: str,
              peer_groups: tuple[str, ...], protocol: str, port: int) -> tuple[bool, str]:
    """(allowed, reason) for the groups of one end: the target's ingress or the source's
    egress. Stateful, so the reply needs no rule."""
    direction, to_from = ("ingress", "from") if ingress else ("egress", "to")
    rule = sg_allows(network, groups, ingress=ingress, protocol=protocol, port=port,
                     peer_address=peer, peer_group_ids=peer_groups)
    if rule is None:
        named = f"{peer} ({', '.join(peer_groups)})" if peer_groups else peer
        return False, (f"{', '.join(groups) or 'no security group'} has no {direction} rule "
                       f"for {_flow(protocol, port)} {to_from} {named}")
    owner = next(g for g in groups
                 if rule in getattr(network.security_groups.get(g), direction, ()))
    return True, (f"{owner} allows {direction} {_flow(protocol, port)} {to_from} "
                  f"{rule.group_id or rule.cidr}")


def _filters(network: Network, ends: tuple, hops: list, protocol: str,
             port: int) -> Iterator[tuple[Decision, str, tuple[bool, str]]]:
    """(layer, direction, (allowed, reason)) for every filter the connection meets, in the
    order its packets meet them. ACLs are stateless, so for each hop from subnet ``a`` to ``b``
    (None: the internet) the request goes out of a and into b, and the reply, to an ephemeral
    port, back out of b and into a; security groups are met by the request only."""
    (src, src_ip, src_groups), (dst, dst_ip, dst_groups) = ends
    acl, sg = Decision.NETWORK_ACL, Decision.SECURITY_GROUP
    if src is not None:
        yield sg, "outbound", _sg_check(network, src_groups, False, dst_ip, dst_groups,
                                        protocol, port)
    for a, b in hops:
        yield acl, "outbound", _acl_check(network, a, True, dst_ip, protocol, port, "request")
        yield acl, "inbound", _acl_check(network, b, False, src_ip, protocol, port, "request")
    if dst is not None:
        yield sg, "inbound", _sg_check(network, dst_groups, True, src_ip, src_groups,
                                       protocol, port)
    for a, b in reversed(hops):
        yield acl, "outbound", _acl_check(network, b, True, src_ip, protocol, EPHEMERAL_PORT,
                                          "reply")
        yield acl, "inbound", _acl_check(network, a, False, dst_ip, protocol, EPHEMERAL_PORT,
                                         "reply")


def can_reach(network: Network, source: Endpoint | str, target: Endpoint | str, port: int,
              protocol: str = "tcp", *, internet_address: str = INTERNET_ADDRESS) -> Verdict:
    """Whether ``source`` can open a connection to ``target`` on ``port``; one side may be
    ``INTERNET``, at ``internet_address``. Layers are checked in the order of the module
    docstring."""
    if source == INTERNET and target == INTERNET:
        raise ValueError("source and target cannot both be the internet")
    ends = tuple((None, internet_address, ()) if end == INTERNET
                 else (network.subnets[end.subnet_id], _ip(network, end), tuple(end.group_ids))
                 for end in (source, target))
    (src, src_ip, _), (dst, dst_ip, _) = ends
    trail: list[str] = []
    if src and dst:
        if src.vpc_id != dst.vpc_id:
            reason = f"{src.subnet_id} is in {src.vpc_id} and {dst.subnet_id} in {dst.vpc_id}"
            return Verdict(Decision.DIFFERENT_VPC, (reason,))
        trail.append(f"{src.vpc_id} routes {src_ip} to {dst_ip} by its local route" + (
            f", inside {src.subnet_id} so no network ACL applies" if src is dst else ""))
        hops = [] if src is dst else [(src, dst)]
    else:
        subnet, inside = (dst, target) if src is None else (src, source)
        path = internet_path(network, subnet.subnet_id, inbound=src is None,
                             address=internet_address)
        if not path:
            return path
        trail += path.trail
        route = route_for(network, subnet.subnet_id, internet_address)
        nat = network.nat_gateways.get(route.target)
        if nat is None:
            public = subnet.map_public_ip if inside.public_ip is None else inside.public_ip
            trail.append(f"{_ip(network, inside)} in {subnet.subnet_id} has "
                         f"{'a' if public else 'no'} public IP")
            if not public:
                return Verdict(Decision.NO_PUBLIC_IP, tuple(trail))
            hops = [(src, dst)]
        else:  # out through the NAT's subnet, whose ACL sees the flow too
            nat_subnet = network.subnets[nat.subnet_id]
            hops = [(src, nat_subnet), (nat_subnet, None)]
    for decision, direction, check in _filters(network, ends, hops, protocol, port):
        if check is None:
            continue
        ok, reason = check
        trail.append(reason)
        if not ok:
            return Verdict(decision, tuple(trail), direction)
    return Verdict(Decision.REACHABLE, tuple(trail))
