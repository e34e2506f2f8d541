"""Checks on target groups: protocol and port, health checks, registered targets, and how new
connections spread over the targets (``grader.sim.elb.target_shares``: cross-zone or not)."""

from __future__ import annotations

from grader.checks.base import Message
from grader.sim import elb as sim
from grader.state import elbv2 as state

from .resources import load_balancer, target_group

# -- target groups ------------------------------------------------------------------------------

TARGET_GROUP = Message(
    "Target group {name} {what}", "{expected}", "{found}", "{hint}")
HINT_TG_PROTOCOL = ("Create the target group with Protocol='{protocol}', Port={port} and "
                    "TargetType='{target_type}' (these cannot be changed later: create a new "
                    "group).")
HINT_HEALTH = ("Set the health check when you create the group (or with "
               "modify_target_group): HealthCheckProtocol, HealthCheckPath, "
               "HealthCheckIntervalSeconds and Matcher={'HttpCode': '200'}.")
HINT_TARGETS = ("register_targets(TargetGroupArn=..., Targets=[{{'Id': ..., 'Port': {port}}} "
                "for each target]) registers exactly the targets given, on that port.")


def target_group_is(session, tg_arn, *, protocol: str, port: int, target_type: str) -> None:
    """The target group sends ``protocol`` to ``port`` of targets registered by ``target_type``."""
    tg = target_group(session, tg_arn)
    found = (tg.get("Protocol"), tg.get("Port"), tg.get("TargetType"))
    if found != (protocol, port, target_type):
        raise TARGET_GROUP.fail(
            name=tg["TargetGroupName"], what="sends traffic to its targets as expected",
            expected=f"{protocol} to port {port}, targets by {target_type}",
            found="{} to port {}, targets by {}".format(*found),
            hint=HINT_TG_PROTOCOL.format(protocol=protocol, port=port, target_type=target_type))


def health_check(session, tg_arn, *, protocol: str = "HTTP", path: str | None = None,
                 interval: int | None = None, matcher: str | None = "200") -> None:
    """The target group's health check uses ``protocol`` on the traffic port, and, where given,
    ``path``, every ``interval`` seconds, counting ``matcher`` as healthy."""
    tg = target_group(session, tg_arn)
    wanted = {"HealthCheckProtocol": protocol, "HealthCheckPort": "traffic-port",
              "HealthCheckPath": path, "HealthCheckIntervalSeconds": interval,
              "Matcher": {"HttpCode": matcher} if matcher else None}
    wrong = {k: tg.get(k) for k, v in wanted.items()
             if v is not None and tg.get(k) != v
             and not (k == "HealthCheckPort" and str(tg.get(k)) == str(tg.get("Port")))}
    if wrong:
        raise TARGET_GROUP.fail(
            name=tg["TargetGroupName"], what="checks its targets' health as asked",
            expected=", ".join(f"{k} {wanted[k]}" for k in wrong),
            found=", ".join(f"{k} {v}" for k, v in wrong.items()), hint=HINT_HEALTH)


def registered(session, tg_arn, target_ids, port: int) -> None:
    """Exactly ``target_ids`` are registered in the group, each on ``port``."""
    tg = target_group(session, tg_arn)
    found = sorted((t["Id"], t.get("Port", tg.get("Port"))) for t in state.targets(session, tg_arn))
    wanted = sorted((t, port) for t in target_ids)
    if found != wanted:
        raise TARGET_GROUP.fail(
            name=tg["TargetGroupName"], what="has the targets given",
            expected=", ".join(f"{t}:{p}" for t, p in wanted),
            found=", ".join(f"{t}:{p}" for t, p in found) or "no targets",
            hint=HINT_TARGETS.format(port=port))


# -- where the connections land -----------------------------------------------------------------

SPREAD = Message(
    "Every target of {group} gets an equal share of {name}'s new connections",
    "{expected} each", "{found}", "{hint}")
HINT_CROSS_ZONE = ("Your zones hold different numbers of targets and each load balancer node "
                   "only uses the targets in its own zone. Turn on cross-zone load balancing: "
                   "modify_load_balancer_attributes with Attributes=[{'Key': "
                   "'load_balancing.cross_zone.enabled', 'Value': 'true'}] (or the same key on "
                   "the target group).")
HINT_ZONES = "Register targets in the load balancer's zones: {zones}."


def target_shares(session, lb_arn, tg_arn) -> dict:
    """``{target id: Fraction}`` of new connections, by ``grader.sim.elb.target_shares``."""
    lb = load_balancer(session, lb_arn)
    tg = target_group(session, tg_arn)
    cross = sim.cross_zone_enabled(
        lb.get("Type", "application"),
        state.attributes(session, lb_arn).get("load_balancing.cross_zone.enabled"),
        state.target_group_attributes(session, tg["TargetGroupArn"]).get(
            "load_balancing.cross_zone.enabled"))
    zones = [z["ZoneName"] for z in lb.get("AvailabilityZones", [])]
    return sim.target_shares(zones, state.target_zones(session, tg_arn), cross)


def spreads_evenly(session, lb_arn, tg_arn) -> None:
    """Each registered target of ``tg_arn`` receives the same share of new connections, however
    the targets are spread over the load balancer's zones."""
    lb, tg = load_balancer(session, lb_arn), target_group(session, tg_arn)
    shares, count = target_shares(session, lb_arn, tg_arn), len(state.targets(session, tg_arn))
    if count and len(shares) == count and len(set(shares.values())) == 1:
        return
    zones = ", ".join(z["ZoneName"] for z in lb.get("AvailabilityZones", []))
    found = ", ".join(f"{t} {float(s):.1%}" for t, s in shares.items()) or "no target gets any"
    raise SPREAD.fail(name=lb["LoadBalancerName"], group=tg["TargetGroupName"],
                      expected=f"{1 / count:.1%}" if count else "some targets, an equal share",
                      found=found, hint=HINT_CROSS_ZONE if len(shares) == count and count
                      else HINT_ZONES.format(zones=zones))
