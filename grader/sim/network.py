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
  first match wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

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
    """The answer, the layer that decided, and the reasons in the order they were checked."""

    decision: Decision
    trail: tuple[str, ...] = ()

    @property
    def reachable(self) -> bool:
        return self.decision is Decision.REACHABLE

    def __bool__(self) -> bool:
        return self.reachable
