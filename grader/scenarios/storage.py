"""Starting states for topic 15 (EBS vs EFS): an application tier across Availability Zones,
its instances, and the *needs* the scenario chooser is given. boto3 only.

One /24 app subnet per AZ, plus an ``app`` security group the instances wear (and which an NFS
rule can reference); instances come from ``grader.scenarios.vpc.web_server``.
"""

from __future__ import annotations

import ipaddress

from grader.scenarios.snapshots import remembered

from .vpc import web_server


@remembered
def app_tier(session, vpc_cidr: str, azs) -> dict:
    """A VPC with one /24 app subnet per AZ (carved in order from ``vpc_cidr``) and an ``app``
    security group with no rules of its own. Lighter than ``grader.scenarios.vpc`` networks (no
    routing, no DNS settings): storage needs neither, and tests build many of these.

    Returns ``{"vpc_id": ..., "subnets": {az: subnet_id}, "app_group_id": sg}``.
    """
    ec2 = session.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock=vpc_cidr)["Vpc"]["VpcId"]
    blocks = ipaddress.ip_network(vpc_cidr).subnets(new_prefix=24)
    subnets = {az: ec2.create_subnet(VpcId=vpc_id, CidrBlock=str(next(blocks)),
                                     AvailabilityZone=az)["Subnet"]["SubnetId"] for az in azs}
    group = ec2.create_security_group(GroupName="app", Description="application instances",
                                      VpcId=vpc_id)["GroupId"]
    return {"vpc_id": vpc_id, "subnets": subnets, "app_group_id": group}


def app_instances(session, tier: dict, azs) -> dict[str, str]:
    """One instance (no public IP) in the app subnet of each AZ listed (repeat an AZ for
    several there), wearing the app group. Returns ``{instance_id: az}``."""
    return {web_server(session, tier["subnets"][az], [tier["app_group_id"]], public_ip=False): az
            for az in azs}


def need(instances: dict[str, str], *, os: str = "linux", shared: bool = False,
         access: str = "file", size_gib: int = 100) -> dict:
    """What ``provision_storage`` is given (the shape ``grader.sim.storage`` documents)."""
    return {"instances": dict(instances), "os": os, "shared": shared, "access": access,
            "size_gib": size_gib}


def backup_snapshot(session, az: str = "us-east-1a", *, size_gib: int = 20,
                    public: bool = False) -> str:
    """An encrypted gp3 volume and a snapshot of it; ``public`` shares the snapshot with the
    group ``all`` first, as someone testing a restore once did. Returns the snapshot id."""
    ec2 = session.client("ec2")
    volume = ec2.create_volume(AvailabilityZone=az, Size=size_gib, VolumeType="gp3",
                               Encrypted=True)["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume, Description="nightly backup")["SnapshotId"]
    if public:
        ec2.modify_snapshot_attribute(SnapshotId=snapshot, Attribute="createVolumePermission",
                                      OperationType="add", GroupNames=["all"])
    return snapshot
