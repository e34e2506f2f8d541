"""Read EBS volumes into the plain configs of ``grader.sim.ebs_volumes``.

moto leaves out what AWS fills in by default: a gp3 volume created without ``Iops`` or
``Throughput`` reads back with ``Iops`` 3000 and no ``Throughput``; here it gets AWS's defaults
(3,000 IOPS, 125 MiB/s). Types that take no provisioned value lose the key (moto reports a
gp2 volume's ``Iops`` after some calls).
"""

from __future__ import annotations

from grader.sim.ebs_volumes import LIMITS

_DEFAULTS = {"gp3": {"Iops": 3000, "Throughput": 125}}


def volume_config(volume: dict) -> dict:
    """One item of ``describe_volumes`` as a sim config: VolumeType, Size, and Iops/Throughput
    where the type takes them, AWS's defaults filled in."""
    kind = volume["VolumeType"]
    config = {"VolumeType": kind, "Size": volume["Size"]}
    for key in LIMITS.get(kind, {}).get("provisioned", ()):
        value = volume.get(key)
        config[key] = value if value is not None else _DEFAULTS.get(kind, {}).get(key)
    return config


def read_volumes(session, volume_ids=None) -> dict[str, dict]:
    """Every volume of the account (or those of ``volume_ids``) by id, as ``describe_volumes``
    returns it, in one paginated read."""
    ec2 = session.client("ec2")
    kwargs = {"VolumeIds": list(volume_ids)} if volume_ids else {}
    pages = ec2.get_paginator("describe_volumes").paginate(**kwargs)
    return {v["VolumeId"]: v for page in pages for v in page["Volumes"]}


def read_modifications(session, volume_id: str) -> list[dict]:
    """The volume's Elastic Volumes modifications (``describe_volumes_modifications``)."""
    ec2 = session.client("ec2")
    return ec2.describe_volumes_modifications(VolumeIds=[volume_id])["VolumesModifications"]
