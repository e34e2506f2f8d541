"""Checks on a load balancer itself: its type, scheme and zones, who may reach it (security
groups, and a whole connection through ``grader.sim.network``), and its TLS listeners."""

from __future__ import annotations

from botocore.exceptions import ClientError

from grader.checks.base import Message
from grader.checks.ec2 import sg_allows, sg_ingress_only
from grader.sim import network as net
from grader.state import elbv2 as state
from grader.state.ec2 import read_network

from .resources import load_balancer

# -- where it sits and who may reach it ---------------------------------------------------------

PLACED = Message(
    "Load balancer {name} is an {scheme} {lb_type} load balancer in the subnets given",
    "{expected}", "{found}", "{hint}")
HINT_TYPE = ("Pass Type='{lb_type}' to create_load_balancer (the type cannot be changed "
             "afterwards: create a new one).")
HINT_SCHEME = ("Pass Scheme='{scheme}': without it a load balancer is internet-facing, and "
               "an internal one gets no public addresses.")
HINT_SUBNETS = ("Pass Subnets=<the subnet ids given>, one subnet per Availability Zone: a load "
                "balancer in one zone goes down with that zone (and AWS refuses an ALB in "
                "fewer than two).")
NO_GROUP = Message(
    "Load balancer {name} has a security group of its own",
    "a security group created for the load balancer, passed as SecurityGroups",
    "no security group", "Create a security group in the VPC and pass SecurityGroups=[group_id] "
    "to create_load_balancer (or set_security_groups later, for an ALB).")
REACHABLE = Message(
    "The internet reaches {name} on tcp {port}", "reachable, the reply included",
    "{decision}: {trail}", "Read the trail: the last reason is the layer that blocked. An "
    "unreachable port on a load balancer usually means its security group does not admit it.")


def placed(session, lb_arn, *, lb_type: str, subnet_ids, scheme: str = "internet-facing") -> None:
    """``lb_arn`` is a ``lb_type`` load balancer with ``scheme``, in exactly ``subnet_ids``,
    which span at least two Availability Zones."""
    lb = load_balancer(session, lb_arn)
    zones = {z["SubnetId"]: z["ZoneName"] for z in lb.get("AvailabilityZones", [])}
    name, wanted = lb["LoadBalancerName"], sorted(subnet_ids)
    facts = dict(name=name, lb_type=lb_type, scheme=scheme)
    if lb.get("Type") != lb_type:
        raise PLACED.fail(**facts, expected=f"Type {lb_type}", found=f"Type {lb.get('Type')}",
                          hint=HINT_TYPE.format(lb_type=lb_type))
    if lb.get("Scheme", "internet-facing") != scheme:
        raise PLACED.fail(**facts, expected=f"Scheme {scheme}", found=f"Scheme {lb['Scheme']}",
                          hint=HINT_SCHEME.format(scheme=scheme))
    if sorted(zones) != wanted or len(set(zones.values())) < 2:
        found = ", ".join(f"{s} ({z})" for s, z in sorted(zones.items())) or "no subnets"
        raise PLACED.fail(**facts, expected=f"subnets {', '.join(wanted)}, two zones or more",
                          found=found, hint=HINT_SUBNETS)


def _groups(session, lb_arn) -> tuple[dict, list]:
    lb = load_balancer(session, lb_arn)
    groups = list(lb.get("SecurityGroups") or [])
    if not groups:
        raise NO_GROUP.fail(name=lb["LoadBalancerName"])
    return lb, groups


def admits(session, lb_arn, port: int, cidr: str = "0.0.0.0/0") -> None:
    """One of the load balancer's security groups admits tcp ``port`` from ``cidr``."""
    _, groups = _groups(session, lb_arn)
    failures = []
    for group_id in groups:
        try:
            return sg_allows(session, group_id, port, cidr=cidr)
        except AssertionError as failure:
            failures.append(failure)
    raise failures[0]


def admits_only(session, lb_arn, allowed) -> None:
    """Every ingress rule of every security group of the load balancer is one of ``allowed``,
    ``(port, source)`` pairs (see ``grader.checks.ec2.sg_ingress_only``)."""
    _, groups = _groups(session, lb_arn)
    for group_id in groups:
        sg_ingress_only(session, group_id, allowed)


def reachable_from_internet(session, lb_arn, port: int) -> None:
    """A connection from the internet reaches tcp ``port`` on the load balancer's interface in
    each of its subnets, reply included (``grader.sim.network.can_reach``: routes, network ACLs,
    its security groups)."""
    lb, groups = _groups(session, lb_arn)
    network = read_network(session, lb["VpcId"])
    public = lb.get("Scheme", "internet-facing") == "internet-facing"
    for zone in lb.get("AvailabilityZones", []):
        end = net.Endpoint(subnet_id=zone["SubnetId"], group_ids=tuple(groups), public_ip=public)
        verdict = net.can_reach(network, net.INTERNET, end, port)
        if not verdict.reachable:
            raise REACHABLE.fail(name=lb["LoadBalancerName"], port=port,
                                 decision=verdict.decision.value, trail="; ".join(verdict.trail))


# -- TLS ----------------------------------------------------------------------------------------

TLS = Message("The {protocol}:{port} listener of {name} {what}", "{expected}", "{found}", "{hint}")
OLD_PROTOCOLS = ("SSLv3", "TLSv1", "TLSv1.1")
HINT_NO_LISTENER = "Create it with create_listener(Protocol='{protocol}', Port={port}, ...)."
HINT_CERTIFICATE = ("Pass Certificates=[{'CertificateArn': <the ARN given>}]: it must be an "
                    "ACM certificate that is issued (a pending one cannot be used).")
HINT_POLICY = ("Pass SslPolicy: created through the API, a listener gets "
               "ELBSecurityPolicy-2016-08, which still accepts TLS 1.0 and 1.1. "
               "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 is the one AWS recommends (as of 2026).")


def tls_listener(session, lb_arn, *, port: int = 443, protocol: str = "HTTPS",
                 certificate_arn=None) -> None:
    """A ``protocol`` listener on ``port`` holds an issued ACM certificate (``certificate_arn``
    when given) and a security policy that refuses SSLv3, TLS 1.0 and TLS 1.1."""
    lb = load_balancer(session, lb_arn)
    listeners, _ = state.routing(session, lb_arn)
    facts = dict(protocol=protocol, port=port, name=lb["LoadBalancerName"])
    listener = next((x for x in listeners if x.get("Port") == port
                     and x.get("Protocol") == protocol), None)
    if listener is None:
        raise TLS.fail(**facts, what="exists", expected=f"a {protocol} listener on port {port}",
                       found=", ".join(f"{x['Protocol']}:{x['Port']}" for x in listeners)
                       or "no listeners", hint=HINT_NO_LISTENER.format(**facts))
    arns = [c["CertificateArn"] for c in listener.get("Certificates") or []]
    status = {}
    for arn in arns:
        try:
            status[arn] = session.client("acm").describe_certificate(
                CertificateArn=arn)["Certificate"]["Status"]
        except ClientError:
            status[arn] = "not found in ACM"
    if not arns or (certificate_arn and certificate_arn not in arns) or any(
            s != "ISSUED" for s in status.values()):
        raise TLS.fail(**facts, what="serves an issued ACM certificate",
                       expected=f"certificate {certificate_arn or 'from ACM'}, status ISSUED",
                       found=", ".join(f"{a} ({s})" for a, s in status.items()) or
                       "no certificate", hint=HINT_CERTIFICATE)
    policy = listener.get("SslPolicy")
    try:
        found = session.client("elbv2").describe_ssl_policies(Names=[policy])["SslPolicies"]
        versions = found[0]["SslProtocols"] if found else []
    except ClientError:
        versions = ["(unknown policy)"]
    old = [v for v in versions if v in OLD_PROTOCOLS or v.startswith("(")]
    if old or not versions:
        raise TLS.fail(**facts, what="refuses old TLS versions",
                       expected="a security policy allowing only TLS 1.2 and 1.3",
                       found=f"{policy}: {', '.join(versions)}", hint=HINT_POLICY)
