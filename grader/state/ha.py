"""Read where a stack's tiers live (Availability Zones) from a boto3 session, into the tiers of
``grader.sim.availability``.

Zones come from configuration, never from where moto placed instances (it puts every Auto
Scaling instance in the group's first subnet): a load balancer's enabled zones, a group's
subnets, a DB subnet group and its primary's zone, a file system's mount targets.
"""

from __future__ import annotations


def subnet_zones(session, subnet_ids) -> dict[str, str]:
    """``{subnet id: Availability Zone}``; unknown ids raise botocore's ``ClientError``."""
    subnet_ids = list(subnet_ids)
    if not subnet_ids:
        return {}
    found = session.client("ec2").describe_subnets(SubnetIds=subnet_ids)["Subnets"]
    return {s["SubnetId"]: s["AvailabilityZone"] for s in found}


def load_balancer(session, arn: str) -> dict:
    """``{"name", "zones", "subnets", "scheme", "type", "groups"}`` of a load balancer."""
    lb = session.client("elbv2").describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]
    zones = lb.get("AvailabilityZones", [])
    return {"name": lb["LoadBalancerName"], "zones": sorted({z["ZoneName"] for z in zones}),
            "subnets": sorted(z["SubnetId"] for z in zones), "scheme": lb.get("Scheme"),
            "type": lb.get("Type"), "groups": lb.get("SecurityGroups", [])}


def auto_scaling_group(session, name: str) -> dict | None:
    """``describe_auto_scaling_groups``' entry plus ``"Subnets"`` and ``"Zones"`` (from the
    group's ``VPCZoneIdentifier``); None when there is no group of that name."""
    groups = session.client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[name])["AutoScalingGroups"]
    if not groups:
        return None
    group = dict(groups[0])
    subnets = [s for s in (group.get("VPCZoneIdentifier") or "").split(",") if s]
    group["Subnets"] = sorted(subnets)
    group["Zones"] = sorted(set(subnet_zones(session, subnets).values()))
    return group


def db_instance(session, identifier: str) -> dict:
    """``describe_db_instances``' entry plus ``"SubnetIds"`` and ``"Zones"`` of its subnet group;
    ``ClientError`` (``DBInstanceNotFound``) when there is none."""
    found = session.client("rds").describe_db_instances(DBInstanceIdentifier=identifier)
    instance = dict(found["DBInstances"][0])
    subnets = (instance.get("DBSubnetGroup") or {}).get("Subnets", [])
    instance["SubnetIds"] = sorted(s["SubnetIdentifier"] for s in subnets)
    instance["Zones"] = sorted({s["SubnetAvailabilityZone"]["Name"] for s in subnets})
    return instance


def file_system(session, file_system_id: str) -> dict:
    """``describe_file_systems``' entry plus ``"MountTargets"`` (each with its ``SecurityGroups``)
    and their ``"Zones"``; ``ClientError`` (``FileSystemNotFound``) when there is none."""
    efs = session.client("efs")
    fs = dict(efs.describe_file_systems(FileSystemId=file_system_id)["FileSystems"][0])
    targets = efs.describe_mount_targets(FileSystemId=file_system_id)["MountTargets"]
    for target in targets:
        target["SecurityGroups"] = efs.describe_mount_target_security_groups(
            MountTargetId=target["MountTargetId"])["SecurityGroups"]
    fs["MountTargets"] = targets
    fs["Zones"] = sorted(set(subnet_zones(session, [t["SubnetId"] for t in targets]).values()))
    return fs


def architecture(session, *, load_balancer_arn=None, group_name=None, db_instance_id=None,
                 file_system_id=None) -> list[dict]:
    """The tiers of ``grader.sim.availability`` for the parts of a stack given, in request
    order: load balancer, web group, file system, database."""
    tiers = []
    if load_balancer_arn:
        lb = load_balancer(session, load_balancer_arn)
        tiers.append({"name": "load balancer", "service": "alb" if lb["type"] != "network" else "nlb",
                      "azs": lb["zones"]})
    if group_name:
        group = auto_scaling_group(session, group_name) or {"Zones": []}
        tiers.append({"name": "web", "service": "asg", "azs": group["Zones"]})
    if file_system_id:
        fs = file_system(session, file_system_id)
        one_zone = bool(fs.get("AvailabilityZoneName"))
        tiers.append({"name": "files", "service": "efs-one-zone" if one_zone else "efs",
                      "azs": fs["Zones"]})
    if db_instance_id:
        db = db_instance(session, db_instance_id)
        primary = db.get("AvailabilityZone")
        others = [z for z in db["Zones"] if z != primary]
        tiers.append({"name": "database", "service": "rds",
                      "multi_az": "instance" if db.get("MultiAZ") else "none",
                      "azs": ([primary] if primary else []) + others})
    return tiers
