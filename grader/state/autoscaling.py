"""Read EC2 Auto Scaling configuration (and the launch templates and subnets it points at) from
a boto3 session, one ``describe_*`` call per kind, for ``grader.checks.autoscaling``.

moto places every instance of a group in its first subnet, so where a group *would* run is read
from configuration: the subnets of ``VPCZoneIdentifier`` and their Availability Zones. A
``put_scaling_policy`` response from moto has no ``PolicyARN``: policies are read back with
``describe_policies``.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

#: The launch-template versions a group can launch from without naming a number.
ALIASES = ("$Default", "$Latest")


def group(session, name: str) -> dict | None:
    """``describe_auto_scaling_groups``' entry for ``name``; None when there is no such group."""
    found = session.client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[name])["AutoScalingGroups"]
    return found[0] if found else None


def template_versions(session, template_id: str) -> dict[str, dict] | None:
    """``{"$Default": version, "$Latest": version}`` (``describe_launch_template_versions``
    entries, with ``LaunchTemplateData``) for one template; None when it does not exist."""
    ec2 = session.client("ec2")
    try:
        versions = ec2.describe_launch_template_versions(
            LaunchTemplateId=template_id, Versions=list(ALIASES))["LaunchTemplateVersions"]
    except ClientError as error:
        if "NotFound" in error.response.get("Error", {}).get("Code", ""):
            return None
        raise
    default = next((v for v in versions if v.get("DefaultVersion")), versions[0])
    latest = max(versions, key=lambda v: v["VersionNumber"])
    return {"$Default": default, "$Latest": latest}


def policies(session, group_name: str) -> list[dict]:
    """Every scaling policy of the group, as ``describe_policies`` returns them."""
    return session.client("autoscaling").describe_policies(
        AutoScalingGroupName=group_name)["ScalingPolicies"]


def scheduled_actions(session, group_name: str) -> list[dict]:
    """Every scheduled action of the group, as ``describe_scheduled_actions`` returns them."""
    return session.client("autoscaling").describe_scheduled_actions(
        AutoScalingGroupName=group_name)["ScheduledUpdateGroupActions"]


def subnet_ids(group_entry: dict) -> list[str]:
    """The subnets a group launches into, from its comma-separated ``VPCZoneIdentifier``."""
    return [s.strip() for s in (group_entry.get("VPCZoneIdentifier") or "").split(",") if s.strip()]


def subnet_zones(session, ids) -> dict[str, str]:
    """``{subnet id: Availability Zone}`` for the subnets that exist among ``ids``."""
    ids = list(ids)
    if not ids:
        return {}
    subnets = session.client("ec2").describe_subnets(
        Filters=[{"Name": "subnet-id", "Values": ids}])["Subnets"]
    return {s["SubnetId"]: s["AvailabilityZone"] for s in subnets}
