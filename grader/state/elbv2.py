"""Read Elastic Load Balancing configuration from a boto3 session into the plain data
``grader.sim.elb`` takes.

Listeners and rules are kept in the shape ``describe_listeners`` and ``describe_rules`` return
them; attributes become ``{key: value}`` dicts; registered targets become ``(target, zone)``
pairs, the zone read from the target itself (an explicit ``AvailabilityZone``), its instance's
placement, or the subnet holding its IP address.
"""

from __future__ import annotations

import ipaddress

#: Resource kinds of an ELBv2 ARN (``...:loadbalancer/app/web/0123``) and the name learners know.
KINDS = {"loadbalancer": "load balancer", "targetgroup": "target group", "listener": "listener",
         "listener-rule": "listener rule"}


def arn_kind(arn) -> str | None:
    """``loadbalancer``, ``targetgroup``, ``listener`` or ``listener-rule`` for an ELBv2 ARN;
    None for anything else (another service's ARN, an id, None)."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "elasticloadbalancing":
        return None
    kind = parts[5].split("/", 1)[0]
    return kind if kind in KINDS else None


def load_balancer(session, arn: str) -> dict:
    """``describe_load_balancers``' entry for ``arn``; botocore's ``ClientError``
    (``LoadBalancerNotFound``) when there is none."""
    elbv2 = session.client("elbv2")
    return elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]


def routing(session, lb_arn: str) -> tuple[list, dict]:
    """(listeners, ``{listener ARN: rules}``) of a load balancer, as ``grader.sim.elb.route``
    takes them; layer-4 listeners get no rules."""
    elbv2 = session.client("elbv2")
    listeners = elbv2.describe_listeners(LoadBalancerArn=lb_arn)["Listeners"]
    rules = {x["ListenerArn"]: elbv2.describe_rules(ListenerArn=x["ListenerArn"])["Rules"]
             for x in listeners if x.get("Protocol") in ("HTTP", "HTTPS")}
    return listeners, rules


def listener_owner(session, listener_arn: str) -> str:
    """The ARN of the load balancer a listener belongs to."""
    elbv2 = session.client("elbv2")
    return elbv2.describe_listeners(ListenerArns=[listener_arn])["Listeners"][0]["LoadBalancerArn"]


def target_group(session, arn: str) -> dict:
    """``describe_target_groups``' entry for ``arn``; ``ClientError`` (``TargetGroupNotFound``)."""
    return session.client("elbv2").describe_target_groups(TargetGroupArns=[arn])["TargetGroups"][0]


def attributes(session, lb_arn: str) -> dict:
    """A load balancer's attributes as ``{key: value}`` (values are strings)."""
    found = session.client("elbv2").describe_load_balancer_attributes(LoadBalancerArn=lb_arn)
    return {a["Key"]: a["Value"] for a in found["Attributes"]}


def target_group_attributes(session, tg_arn: str) -> dict:
    """A target group's attributes as ``{key: value}`` (values are strings)."""
    found = session.client("elbv2").describe_target_group_attributes(TargetGroupArn=tg_arn)
    return {a["Key"]: a["Value"] for a in found["Attributes"]}


def targets(session, tg_arn: str) -> list[dict]:
    """The registered targets (``Target`` of ``describe_target_health``): Id, Port, maybe AZ."""
    health = session.client("elbv2").describe_target_health(TargetGroupArn=tg_arn)
    return [d["Target"] for d in health["TargetHealthDescriptions"]]


def target_zones(session, tg_arn: str) -> list[tuple[str, str]]:
    """``(target id, Availability Zone)`` of every registered target; a target whose zone
    cannot be found (an IP outside every subnet of the region) is left out."""
    registered = targets(session, tg_arn)
    ec2, found = session.client("ec2"), []
    instances = [t["Id"] for t in registered if t["Id"].startswith("i-")]
    placement = {}
    if instances:
        for reservation in ec2.describe_instances(InstanceIds=instances)["Reservations"]:
            for instance in reservation["Instances"]:
                placement[instance["InstanceId"]] = instance["Placement"]["AvailabilityZone"]
    subnets = [(ipaddress.ip_network(s["CidrBlock"]), s["AvailabilityZone"])
               for s in ec2.describe_subnets()["Subnets"]]
    for target in registered:
        zone = target.get("AvailabilityZone")
        if zone in (None, "all"):
            zone = placement.get(target["Id"]) or _zone_of_ip(target["Id"], subnets)
        if zone:
            found.append((target["Id"], zone))
    return found


def _zone_of_ip(value: str, subnets) -> str | None:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    return next((zone for network, zone in subnets if address in network), None)
