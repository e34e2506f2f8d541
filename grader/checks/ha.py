"""Learner-facing checks on high availability across Availability Zones (topic 12): which zones
each tier of a stack covers, read from its configuration (``grader.state.ha``), the database's
exposure, the file system's NFS door, and learners' AZ-loss and availability analyses compared
with ``grader.sim.availability``.

Each check returns None when the requirement holds and raises ``CheckFailed`` otherwise, naming
the learner's real resources. Notebooks use them as ``from grader.checks import ha as check``.
"""

from __future__ import annotations

import math

from botocore.exceptions import ClientError

from grader.checks.base import Message, require_dict
from grader.checks.reference import agrees_with_reference
from grader.errors import CheckFailed
from grader.sim import availability as sim
from grader.state import ha as state

WEB_TIER_SHAPE = "{'load_balancer_arn': ..., 'target_group_arn': ..., 'group_name': ...}"
MISSING = Message(
    "The {kind} {name!r} your function returned exists", "a {kind} in this mock AWS account",
    "none ({code})", "Return the name or id from your create call, not a fixed value.")
ZONES = Message(
    "The {tier} {name} covers every Availability Zone of the network",
    "{expected}", "{found}", "{hint}")
ZONE_HINTS = {
    "load balancer": "Pass one public subnet per zone in `Subnets=`: a load balancer only has "
                     "nodes in the zones of its subnets.",
    "Auto Scaling group": "List one app subnet per zone in `VPCZoneIdentifier` (comma-separated): "
                          "the group only launches into those subnets' zones.",
    "DB subnet group of": "Put one db subnet per zone in the DB subnet group: the standby can only "
                          "be placed in a zone the group covers.",
    "file system": "Create one mount target per zone (in the app subnet of each zone): clients "
                   "mount the target of their own zone.",
}
WEB_TIER = Message("The web tier {what}", "{expected}", "{found}", "{hint}")
DATABASE = Message("Database {name} {what}", "{expected}", "{found}", "{hint}")
FILES = Message("File system {name} {what}", "{expected}", "{found}", "{hint}")


def _zones_message(tier: str, name: str, expected, found) -> CheckFailed:
    missing = sorted(set(expected) - set(found))
    return ZONES.fail(tier=tier, name=name, expected=", ".join(sorted(expected)),
                      found=(", ".join(found) or "no zone") + f" (missing {', '.join(missing)})",
                      hint=ZONE_HINTS[tier])


def _read(kind: str, name, read):
    try:
        found = read()
    except ClientError as error:
        raise MISSING.fail(kind=kind, name=name, code=error.response["Error"]["Code"]) from None
    if found is None:
        raise MISSING.fail(kind=kind, name=name, code="not found")
    return found


def web_tier_spans(session, result, zones) -> None:
    """Exercise 1: the load balancer and the Auto Scaling group of ``result`` (the learner's
    returned dict) both cover every zone of ``zones``."""
    result = require_dict(result, "create_web_tier returns a dict", WEB_TIER_SHAPE)
    lb = _read("load balancer", result.get("load_balancer_arn"),
               lambda: state.load_balancer(session, result["load_balancer_arn"]))
    if not set(zones) <= set(lb["zones"]):
        raise _zones_message("load balancer", lb["name"], zones, lb["zones"])
    group = _read("Auto Scaling group", result.get("group_name"),
                  lambda: state.auto_scaling_group(session, result["group_name"]))
    if not set(zones) <= set(group["Zones"]):
        raise _zones_message("Auto Scaling group", group["AutoScalingGroupName"], zones,
                             group["Zones"])


def web_tier_wired(session, result) -> None:
    """Exercise 1: the group registers its instances in the target group, replaces instances
    the load balancer finds unhealthy (``HealthCheckType`` ELB), and a listener of the load
    balancer forwards to that target group."""
    result = require_dict(result, "create_web_tier returns a dict", WEB_TIER_SHAPE)
    tg_arn = result.get("target_group_arn")
    group = _read("Auto Scaling group", result.get("group_name"),
                  lambda: state.auto_scaling_group(session, result["group_name"]))
    if tg_arn not in group.get("TargetGroupARNs", []):
        raise WEB_TIER.fail(what="registers its instances in the target group you returned",
                            expected=f"TargetGroupARNs containing {tg_arn}",
                            found=str(group.get("TargetGroupARNs", [])),
                            hint="Pass `TargetGroupARNs=[target_group_arn]` to "
                                 "create_auto_scaling_group.")
    if group.get("HealthCheckType") != "ELB":
        raise WEB_TIER.fail(what="replaces instances that fail the load balancer's health check",
                            expected="HealthCheckType 'ELB'",
                            found=repr(group.get("HealthCheckType")),
                            hint="With the default 'EC2' the group only sees instances that stop, "
                                 "not ones whose application stops answering: set "
                                 "`HealthCheckType='ELB'`.")
    listeners = _read("load balancer", result.get("load_balancer_arn"), lambda: session.client(
        "elbv2").describe_listeners(LoadBalancerArn=result["load_balancer_arn"])["Listeners"])
    forwards = {a.get("TargetGroupArn") for x in listeners for a in x.get("DefaultActions", [])}
    forwards |= {t["TargetGroupArn"] for x in listeners for a in x.get("DefaultActions", [])
                 for t in a.get("ForwardConfig", {}).get("TargetGroups", [])}
    if tg_arn not in forwards:
        raise WEB_TIER.fail(what="receives the load balancer's traffic",
                            expected=f"a listener forwarding to {tg_arn}",
                            found=f"{len(listeners)} listener(s), forwarding to "
                                  f"{sorted(f for f in forwards if f) or 'nothing'}",
                            hint="create_listener(..., DefaultActions=[{'Type': 'forward', "
                                 "'TargetGroupArn': ...}]).")


def survives_a_zone_loss(session, group_name, zones) -> None:
    """Exercise 1: the group keeps at least one instance per zone at its minimum size, so the
    loss of a zone never leaves it empty while it relaunches elsewhere."""
    group = _read("Auto Scaling group", group_name,
                  lambda: state.auto_scaling_group(session, group_name))
    if group["MinSize"] < len(zones) or group["DesiredCapacity"] < len(zones):
        raise WEB_TIER.fail(what="keeps one instance per zone at its minimum",
                            expected=f"MinSize and DesiredCapacity of at least {len(zones)} "
                                     f"({len(zones)} zones)",
                            found=f"MinSize {group['MinSize']}, DesiredCapacity "
                                  f"{group['DesiredCapacity']}",
                            hint="A group of one instance lives in one zone, whatever its subnets: "
                                 "size the minimum to the number of zones.")


def database_multi_az(session, db_instance_id, zones) -> None:
    """Exercise 2: a Multi-AZ DB instance whose subnet group covers every zone of ``zones``."""
    db = _read("DB instance", db_instance_id, lambda: state.db_instance(session, db_instance_id))
    if not db.get("MultiAZ"):
        raise DATABASE.fail(name=db_instance_id, what="has a standby in another zone",
                            expected="MultiAZ True", found="MultiAZ False (one instance, one zone)",
                            hint="Pass `MultiAZ=True` to create_db_instance.")
    if not set(zones) <= set(db["Zones"]):
        raise _zones_message("DB subnet group of", db_instance_id, zones, db["Zones"])


def vpc_has_internet_gateway(session, vpc_id) -> bool:
    """True if an internet gateway is attached to ``vpc_id``."""
    gateways = session.client("ec2").describe_internet_gateways(Filters=[
        {"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"]
    return bool(gateways)


def effectively_public(db: dict, vpc_has_igw: bool) -> bool:
    """What AWS decides: ``PubliclyAccessible`` as set, or, when it was left out with a DB subnet
    group, public exactly when the group's VPC has an internet gateway (CreateDBInstance,
    as of 2026). moto stores None when the parameter is left out."""
    value = db.get("PubliclyAccessible")
    return vpc_has_igw if value is None else bool(value)


def database_private(session, db_instance_id, *, subnet_ids, group_id) -> None:
    """Exercise 2 (security): not publicly accessible (explicitly, in a VPC with an internet
    gateway), only in ``subnet_ids``, only behind ``group_id``, storage encrypted."""
    db = _read("DB instance", db_instance_id, lambda: state.db_instance(session, db_instance_id))
    vpc_id = (db.get("DBSubnetGroup") or {}).get("VpcId")
    if effectively_public(db, bool(vpc_id) and vpc_has_internet_gateway(session, vpc_id)):
        left_out = db.get("PubliclyAccessible") is None
        raise DATABASE.fail(
            name=db_instance_id, what="gets no public address",
            expected="PubliclyAccessible False",
            found="not set: AWS makes it True, because the VPC has an internet gateway"
                  if left_out else "PubliclyAccessible True",
            hint="Pass `PubliclyAccessible=False`: left out, the default depends on the VPC, and "
                 "this VPC's internet gateway makes the database public.")
    outside = sorted(set(db["SubnetIds"]) - set(subnet_ids))
    if outside:
        raise DATABASE.fail(name=db_instance_id, what="lives only in the db subnets",
                            expected=", ".join(sorted(subnet_ids)),
                            found=f"its subnet group also has {', '.join(outside)}",
                            hint="Build the DB subnet group from network['subnets']['db'] only.")
    groups = sorted(g["VpcSecurityGroupId"] for g in db.get("VpcSecurityGroups", []))
    if groups != [group_id]:
        raise DATABASE.fail(name=db_instance_id, what="is guarded by the db security group only",
                            expected=f"VpcSecurityGroupIds [{group_id}]", found=str(groups),
                            hint="Pass `VpcSecurityGroupIds=[network['security_groups']['db']]`: "
                                 "it admits the database port from the app tier only.")
    if not db.get("StorageEncrypted"):
        raise DATABASE.fail(name=db_instance_id, what="encrypts its storage (and its standby's)",
                            expected="StorageEncrypted True", found="False",
                            hint="Pass `StorageEncrypted=True`: it cannot be switched on later "
                                 "without a snapshot and restore.")


def files_in_every_zone(session, file_system_id, subnet_ids) -> None:
    """Exercise 3: a Regional file system with a mount target in each of ``subnet_ids`` (one
    per zone)."""
    fs = _read("file system", file_system_id, lambda: state.file_system(session, file_system_id))
    if fs.get("AvailabilityZoneName"):
        raise FILES.fail(name=file_system_id, what="keeps its data in several zones",
                         expected="a Regional file system",
                         found=f"One Zone, in {fs['AvailabilityZoneName']}",
                         hint="Leave out `AvailabilityZoneName`: One Zone file systems keep "
                              "their data in one zone and can have one mount target only.")
    zones = state.subnet_zones(session, subnet_ids)
    have = {t["SubnetId"] for t in fs["MountTargets"]}
    if not set(subnet_ids) <= have:
        raise _zones_message("file system", file_system_id, set(zones.values()), fs["Zones"])


def nfs_only_from(session, file_system_id, source_group_id) -> None:
    """Exercise 3 (security): every mount target's security groups admit NFS (tcp 2049) from
    ``source_group_id`` and nothing from any address range; the file system is encrypted."""
    fs = _read("file system", file_system_id, lambda: state.file_system(session, file_system_id))
    if not fs["MountTargets"]:
        raise FILES.fail(name=file_system_id, what="has mount targets", expected="one per zone",
                         found="none", hint="create_mount_target(FileSystemId=..., SubnetId=..., "
                                            "SecurityGroups=[...]) for each app subnet.")
    all_groups = sorted({g for t in fs["MountTargets"] for g in t["SecurityGroups"]})
    rules = session.client("ec2").describe_security_group_rules(Filters=[
        {"Name": "group-id", "Values": all_groups}])["SecurityGroupRules"] if all_groups else []
    for target in fs["MountTargets"]:
        groups = target["SecurityGroups"]
        inbound = [r for r in rules if not r["IsEgress"] and r["GroupId"] in groups]
        ranges = [r.get("CidrIpv4") or r.get("CidrIpv6") or r.get("PrefixListId")
                  for r in inbound if not r.get("ReferencedGroupInfo")]
        from_app = any(r.get("ReferencedGroupInfo", {}).get("GroupId") == source_group_id
                       and r["IpProtocol"] in ("tcp", "-1")
                       and (r["IpProtocol"] == "-1" or r["FromPort"] <= 2049 <= r["ToPort"])
                       for r in inbound)
        if ranges or not from_app:
            raise FILES.fail(
                name=file_system_id,
                what=f"admits NFS only from the app tier (mount target in {target['SubnetId']})",
                expected=f"tcp 2049 from security group {source_group_id}, no address ranges",
                found=f"groups {groups}: ranges {ranges or 'none'}, "
                      f"{'a' if from_app else 'no'} rule from {source_group_id}",
                hint="Make a group for the mount targets whose only inbound rule is tcp 2049 from "
                     "the app group (UserIdGroupPairs), not from 0.0.0.0/0 or the VPC's range.")
    if not fs.get("Encrypted"):
        raise FILES.fail(name=file_system_id, what="is encrypted at rest", expected="Encrypted True",
                         found="False", hint="Pass `Encrypted=True` to create_file_system.")


# --- analyses compared with grader.sim.availability -------------------------------------

def describe_case(case) -> str:
    architecture, lost = case
    tiers = "; ".join(
        f"{t['name']}={t['service']}"
        + (f"/{t.get('multi_az', 'none')}" if t["service"] == "rds" else "")
        + (f"[{','.join(t.get('azs', []))}]" if t.get("azs") else "") for t in architecture)
    return f"lose {lost} with tiers {tiers}"


def zone_loss_cases(architectures) -> list[tuple]:
    """(architecture, lost zone) for every architecture and every zone it names, plus one it
    does not."""
    return [(a, z) for a in architectures for z in sim.zones_of(a) + ["us-east-1f"]]


def analysis_agrees(function, architectures) -> None:
    """``function(architecture, lost_az)`` answers like ``sim.survives`` on every case."""
    agrees_with_reference(function, sim.survives, zone_loss_cases(architectures),
                          name="survives", describe=describe_case,
                          hint="Work through the tiers in order: what does each lose, and which "
                               "is the first with the worst outcome?")


ESTIMATE = Message(
    "estimate agrees with the course's reference on {agree} of {total} cases; first miss: {case}",
    "{expected}", "{found}", "{hint}")


def _close(answer, expected, keys) -> bool:
    if not isinstance(answer, dict):
        return False
    for key in keys:
        value, want = answer.get(key), expected[key]
        if isinstance(want, float):
            if not isinstance(value, (int, float)) or not math.isclose(value, want, rel_tol=1e-9,
                                                                       abs_tol=1e-9):
                return False
        elif value != want:
            return False
    return True


def estimate_agrees(function, cases, keys=("availability",)) -> None:
    """``function(tiers)`` matches ``sim.estimate`` (floats within 1e-9) on the ``keys`` given,
    for every list of tiers in ``cases``."""
    agree, first = 0, None
    for tiers in cases:
        expected = sim.estimate(tiers)
        try:
            answer = function(tiers)
            found = repr(answer)
        except Exception as error:  # noqa: BLE001 -- the learner's error is the answer shown
            answer, found = None, f"raised {type(error).__name__}: {error}"
        if _close(answer, expected, keys):
            agree += 1
        elif first is None:
            first = tiers, {k: expected[k] for k in keys}, found
    if first is not None:
        tiers, expected, found = first
        case = ", ".join(f"{t['name']} {t['availability']} x{t.get('copies', 1)}" for t in tiers)
        raise ESTIMATE.fail(agree=agree, total=len(cases), case=case, expected=repr(expected),
                            found=found,
                            hint="Per tier 1 - (1 - a) ** copies; multiply the tiers; downtime "
                                 "is (1 - availability) times the minutes in 365 days.")
