"""Block or file storage for a workload: the reference choice between EBS, EFS and FSx, and
a dated monthly-cost model of one EBS volume per instance against one shared EFS file system.

Pure: plain dicts in, answers out. A *need* (what topic 15's ``provision_storage`` is given)::

    {"instances": {"i-...": "us-east-1a", ...},   # the instances and their Availability Zones
     "os": "linux" | "windows",
     "shared": bool,              # must several instances read and write the same data at once?
     "access": "file" | "block",  # files through a file system, or a raw block device
     "size_gib": int}

The decision, in the order a practitioner asks (as of 2026):

1. Windows clients sharing files: FSx for Windows File Server (EFS speaks NFS only and is not
   supported on Windows).
2. One instance: an EBS volume (gp3) in that instance's Availability Zone.
3. Several instances needing the same *block device* (a cluster-aware file system or database):
   one io1/io2 volume with Multi-Attach, every instance in the volume's Availability Zone.
4. Several Linux instances sharing files: EFS, with a mount target in every Availability Zone
   where a client runs.
"""

from __future__ import annotations

from enum import StrEnum

from grader.sim import ebs_volumes

AS_OF = "2026-11"
REGION = "us-east-1"
#: Where the figures of this module were checked, as of ``AS_OF``.
SOURCES = {
    "EBS prices": "https://aws.amazon.com/ebs/pricing/",
    "EFS prices": "https://aws.amazon.com/efs/pricing/",
    "EBS Multi-Attach": "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volumes-multi.html",
    "EFS performance": "https://docs.aws.amazon.com/efs/latest/ug/performance.html",
}

#: us-east-1 list prices in USD: (service, item, unit, price). Elastic throughput is the EFS
#: default; Provisioned and Bursting bill differently (see the EFS pricing page).
PRICES = (
    ("EBS", "gp3 storage", "GB-month provisioned", ebs_volumes.PRICES["gp3"]["gb_month"]),
    ("EBS", "gp3 IOPS above 3,000", "IOPS-month", ebs_volumes.PRICES["gp3"]["iops_month"]),
    ("EBS", "gp3 throughput above 125 MiB/s", "MiB/s-month", ebs_volumes.PRICES["gp3"]["mibps_month"]),
    ("EBS", "snapshot, standard tier", "GB-month stored", 0.05),
    ("EBS", "snapshot, archive tier", "GB-month stored", 0.0125),
    ("EFS", "Standard storage (Regional)", "GB-month used", 0.30),
    ("EFS", "Infrequent Access storage (Regional)", "GB-month used", 0.016),
    ("EFS", "Archive storage (Regional)", "GB-month used", 0.008),
    ("EFS", "Elastic throughput: reads", "GB transferred", 0.03),
    ("EFS", "Elastic throughput: writes", "GB transferred", 0.06),
    ("EFS", "Infrequent Access: reads (extra)", "GB transferred", 0.01),
)
_PRICE = {item: price for _, item, _, price in PRICES}

#: Multi-Attach: io1/io2 only, up to 16 Nitro-based instances, all in the volume's AZ.
MULTI_ATTACH_TYPES = ("io1", "io2")
MULTI_ATTACH_MAX_INSTANCES = 16


class Service(StrEnum):
    EBS = "ebs"
    EFS = "efs"
    FSX = "fsx"


def choose(need: dict) -> dict:
    """The reference answer for ``need``: ``{"service": Service, "volume_type": str | None,
    "multi_attach": bool, "azs": sorted AZs the storage must serve, "reason": str}``.

    Raises ``ValueError`` for a need no single volume can meet: shared block access across
    Availability Zones, or more instances than Multi-Attach allows.
    """
    azs = sorted(set(need["instances"].values()))
    shared = need["shared"] and len(need["instances"]) > 1
    if shared and need["os"] == "windows":
        return _answer(Service.FSX, azs, "Windows clients share files over SMB: FSx for Windows "
                       "File Server (EFS is NFS only and not supported on Windows)")
    if not shared:
        return _answer(Service.EBS, azs, "one instance: a gp3 volume in its Availability Zone",
                       volume_type="gp3")
    if need["access"] == "block":
        if len(azs) > 1 or len(need["instances"]) > MULTI_ATTACH_MAX_INSTANCES:
            raise ValueError("Multi-Attach serves at most 16 instances in one Availability Zone")
        return _answer(Service.EBS, azs, "a shared block device: one io2 volume with Multi-Attach "
                       "(the application must coordinate writes)", volume_type="io2",
                       multi_attach=True)
    return _answer(Service.EFS, azs, "Linux instances sharing files: EFS, a mount target in "
                   "every Availability Zone with clients")


def _answer(service, azs, reason, *, volume_type=None, multi_attach=False) -> dict:
    return {"service": service, "volume_type": volume_type, "multi_attach": multi_attach,
            "azs": azs, "reason": reason}


def ebs_monthly_cost(size_gb: float, *, copies: int = 1, iops: int = 3000,
                     throughput: int = 125, snapshot_gb: float = 0.0) -> float:
    """USD a month for ``copies`` gp3 volumes of ``size_gb`` each (billed as provisioned, used or
    not), performance above the free baseline, and ``snapshot_gb`` of snapshot data."""
    per_volume = (size_gb * _PRICE["gp3 storage"]
                  + max(0, iops - 3000) * _PRICE["gp3 IOPS above 3,000"]
                  + max(0, throughput - 125) * _PRICE["gp3 throughput above 125 MiB/s"])
    return round(copies * per_volume + snapshot_gb * _PRICE["snapshot, standard tier"], 2)


def efs_monthly_cost(stored_gb: float, *, infrequent_share: float = 0.0, read_gb: float = 0.0,
                     write_gb: float = 0.0, infrequent_read_gb: float = 0.0) -> float:
    """USD a month for a Regional EFS file system in Elastic throughput mode storing
    ``stored_gb`` (billed as used), ``infrequent_share`` of it moved to Infrequent Access by a
    lifecycle policy, with ``read_gb`` / ``write_gb`` transferred (``infrequent_read_gb`` of the
    reads served from Infrequent Access)."""
    if not 0 <= infrequent_share <= 1:
        raise ValueError("infrequent_share is a fraction between 0 and 1")
    storage = stored_gb * ((1 - infrequent_share) * _PRICE["Standard storage (Regional)"]
                           + infrequent_share * _PRICE["Infrequent Access storage (Regional)"])
    transfer = (read_gb * _PRICE["Elastic throughput: reads"]
                + write_gb * _PRICE["Elastic throughput: writes"]
                + infrequent_read_gb * _PRICE["Infrequent Access: reads (extra)"])
    return round(storage + transfer, 2)
