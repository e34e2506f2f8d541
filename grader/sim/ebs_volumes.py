"""EBS volume types: their limits, the performance a configuration delivers, its monthly price,
and the cheapest configuration for a workload. Pure data in, answers out (no boto3).

moto stores any size, IOPS and throughput (gp3 at 100,000 IOPS, io2 at 10 GiB and 100,000
IOPS, st1 at 10 GiB): the course checks configurations against :data:`LIMITS` instead.

A *config* is a dict in the shape of ``create_volume``'s parameters and of one item of
``describe_volumes``: ``{"VolumeType": "gp3", "Size": 200, "Iops": 6000, "Throughput": 500}``
(``Iops`` and ``Throughput`` only where the type takes them). A *workload* says what an
application needs, sustained (no bursting counted)::

    {"size_gib": 500, "iops": 6000, "throughput": 250,   # MiB/s
     "pattern": "random",        # or "sequential" (large streaming I/O: logs, scans, backups)
     "boot": False,              # a boot volume must be an SSD type
     "critical": False}          # needs io2's 99.999 % durability and sub-millisecond latency
"""

from __future__ import annotations

import math

AS_OF = "2026-11"
REGION = "us-east-1"
SOURCES = {
    "limits": "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html",
    "gp3": "https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html",
    "io2": "https://docs.aws.amazon.com/ebs/latest/userguide/provisioned-iops.html",
    "hdd": "https://docs.aws.amazon.com/ebs/latest/userguide/hdd-vols.html",
    "modify": "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modify-volume.html",
    "prices": "https://aws.amazon.com/ebs/pricing/",
}

# Per type: sizes in GiB, IOPS, throughput in MiB/s. ``iops_per_gib``: the most IOPS one GiB
# may carry; ``mib_per_iops``: the most throughput one provisioned IOPS may carry (gp3) or
# delivers (io1/io2); HDD throughput is per TiB of size, a baseline and a burst.
LIMITS = {
    "gp3": {"media": "SSD", "min_size": 1, "max_size": 65536, "min_iops": 3000, "max_iops": 80000,
            "iops_per_gib": 500, "base_throughput": 125, "max_throughput": 2000, "mib_per_iops": 0.25,
            "provisioned": ("Iops", "Throughput"), "boot": True},
    "gp2": {"media": "SSD", "min_size": 1, "max_size": 16384, "min_iops": 100, "max_iops": 16000,
            "iops_per_gib": 3, "max_throughput": 250, "provisioned": (), "boot": True},
    "io2": {"media": "SSD", "min_size": 4, "max_size": 65536, "min_iops": 100, "max_iops": 256000,
            "iops_per_gib": 1000, "max_throughput": 4000, "mib_per_iops": 0.256,
            "provisioned": ("Iops",), "boot": True},
    "io1": {"media": "SSD", "min_size": 4, "max_size": 16384, "min_iops": 100, "max_iops": 64000,
            "iops_per_gib": 50, "max_throughput": 1000, "mib_per_iops": 0.256,
            "provisioned": ("Iops",), "boot": True},
    "st1": {"media": "HDD", "min_size": 125, "max_size": 16384, "max_iops": 500, "max_throughput": 500,
            "base_per_tib": 40, "burst_per_tib": 250, "provisioned": (), "boot": False},
    "sc1": {"media": "HDD", "min_size": 125, "max_size": 16384, "max_iops": 250, "max_throughput": 250,
            "base_per_tib": 12, "burst_per_tib": 80, "provisioned": (), "boot": False},
}

# us-east-1, USD per month. gp3: IOPS above 3,000 and MiB/s above 125 are extra.
# io2: the IOPS price falls in tiers (up to 32,000; 32,001-64,000; above 64,000).
PRICES = {
    "gp3": {"gb_month": 0.08, "iops_month": 0.005, "mibps_month": 0.04},
    "gp2": {"gb_month": 0.10},
    "io2": {"gb_month": 0.125, "iops_tiers": ((32000, 0.065), (64000, 0.0455), (math.inf, 0.032))},
    "io1": {"gb_month": 0.125, "iops_tiers": ((math.inf, 0.065),)},
    "st1": {"gb_month": 0.045},
    "sc1": {"gb_month": 0.015},
}
CURRENT_TYPES = ("gp3", "io2", "st1", "sc1")  # what a new volume should be; gp2 and io1 are legacy


def iops_of(config: dict) -> int:
    """The IOPS a volume delivers sustained: provisioned (gp3, io1, io2), 3 per GiB (gp2), or
    the HDD maximum (st1, sc1, at 1 MiB I/O)."""
    kind, limits = config["VolumeType"], LIMITS[config["VolumeType"]]
    if kind == "gp2":
        return max(limits["min_iops"], min(limits["max_iops"], 3 * config["Size"]))
    if kind in ("st1", "sc1"):
        return limits["max_iops"]
    return config.get("Iops") or limits["min_iops"]


def throughput_of(config: dict) -> float:
    """The MiB/s a volume delivers sustained (baseline, never burst)."""
    kind, limits = config["VolumeType"], LIMITS[config["VolumeType"]]
    if kind == "gp3":
        return config.get("Throughput") or limits["base_throughput"]
    if kind == "gp2":
        return 128 if config["Size"] <= 170 else limits["max_throughput"]
    if kind in ("st1", "sc1"):
        return min(limits["max_throughput"], limits["base_per_tib"] * config["Size"] / 1024)
    return min(limits["max_throughput"], limits["mib_per_iops"] * iops_of(config))


def problems(config: dict) -> list[str]:
    """Why AWS would reject this configuration (empty: it is valid), in plain words."""
    kind = config.get("VolumeType")
    if kind not in LIMITS:
        return [f"{kind!r} is not an EBS volume type: use one of {', '.join(LIMITS)}"]
    limits, size = LIMITS[kind], config.get("Size")
    found = []
    if not isinstance(size, int) or not limits["min_size"] <= size <= limits["max_size"]:
        found.append(f"{kind} size must be {limits['min_size']}-{limits['max_size']} GiB, not {size}")
    for key in ("Iops", "Throughput"):
        if config.get(key) is not None and key not in limits["provisioned"]:
            found.append(f"{kind} takes no {key}: its performance follows from its size")
    if "Iops" in limits["provisioned"]:
        iops = config.get("Iops")
        if iops is None and kind != "gp3":
            found.append(f"{kind} needs Iops")
        elif iops is not None and not limits["min_iops"] <= iops <= limits["max_iops"]:
            found.append(f"{kind} IOPS must be {limits['min_iops']:,}-{limits['max_iops']:,}, not {iops:,}")
        elif iops is not None and iops > limits["min_iops"] and isinstance(size, int) \
                and iops > limits["iops_per_gib"] * size:
            found.append(f"{kind} allows at most {limits['iops_per_gib']} IOPS per GiB: {iops:,} IOPS "
                         f"needs at least {math.ceil(iops / limits['iops_per_gib'])} GiB, not {size}")
    if "Throughput" in limits["provisioned"] and config.get("Throughput") is not None:
        throughput, iops = config["Throughput"], iops_of(config)
        if not limits["base_throughput"] <= throughput <= limits["max_throughput"]:
            found.append(f"{kind} throughput must be {limits['base_throughput']}-{limits['max_throughput']:,}"
                         f" MiB/s, not {throughput:,}")
        elif throughput > limits["mib_per_iops"] * iops:
            needed = math.ceil(throughput / limits["mib_per_iops"])
            found.append(f"{kind} allows at most {limits['mib_per_iops']} MiB/s per provisioned IOPS: "
                         f"{throughput} MiB/s needs at least {needed:,} IOPS, not {iops:,}")
    return found


def monthly_cost(config: dict) -> float:
    """USD per month in us-east-1 for one volume (storage plus provisioned performance)."""
    kind, price = config["VolumeType"], PRICES[config["VolumeType"]]
    cost = price["gb_month"] * config["Size"]
    if kind == "gp3":
        cost += price["iops_month"] * max(0, iops_of(config) - LIMITS["gp3"]["min_iops"])
        cost += price["mibps_month"] * max(0, throughput_of(config) - LIMITS["gp3"]["base_throughput"])
    if "iops_tiers" in price:
        cost += _tiered(iops_of(config), price["iops_tiers"])
    return round(cost, 4)


def _tiered(iops: int, tiers) -> float:
    cost, floor = 0.0, 0
    for ceiling, rate in tiers:
        cost += rate * max(0, min(iops, ceiling) - floor)
        floor = ceiling
    return cost


def shortfalls(workload: dict, config: dict) -> list[str]:
    """What this configuration fails to give the workload (empty: it meets every need)."""
    kind, limits = config["VolumeType"], LIMITS[config["VolumeType"]]
    found = []
    if config["Size"] < workload["size_gib"]:
        found.append(f"{config['Size']} GiB is smaller than the {workload['size_gib']} GiB of data")
    if iops_of(config) < workload["iops"]:
        found.append(f"{kind} delivers {iops_of(config):,} IOPS, the workload needs {workload['iops']:,}")
    if throughput_of(config) < workload["throughput"]:
        found.append(f"{kind} delivers {throughput_of(config):g} MiB/s sustained, the workload needs "
                     f"{workload['throughput']}")
    if limits["media"] == "HDD" and workload.get("pattern") != "sequential":
        found.append(f"{kind} is a hard disk: only for large sequential I/O, not {workload.get('pattern')!r}")
    if workload.get("boot") and not limits["boot"]:
        found.append(f"{kind} cannot be a boot volume")
    if workload.get("critical") and kind != "io2":
        found.append("a critical workload needs io2 (99.999 % durability, sub-millisecond latency)")
    return found


def candidates(workload: dict) -> list[dict]:
    """The cheapest valid configuration of each current type for this workload, where one exists."""
    size, iops, mibps = workload["size_gib"], workload["iops"], workload["throughput"]
    found = []
    gp3_iops = max(3000, iops, math.ceil(mibps / 0.25))
    found.append({"VolumeType": "gp3", "Size": max(size, 1, math.ceil(gp3_iops / 500)),
                  "Iops": gp3_iops, "Throughput": max(125, mibps)})
    io2_iops = max(100, iops, math.ceil(mibps / 0.256))
    found.append({"VolumeType": "io2", "Size": max(size, 4, math.ceil(io2_iops / 1000)), "Iops": io2_iops})
    for kind in ("st1", "sc1"):
        per_tib = LIMITS[kind]["base_per_tib"]
        found.append({"VolumeType": kind, "Size": max(size, 125, math.ceil(mibps * 1024 / per_tib))})
    return [c for c in found if not problems(c) and not shortfalls(workload, c)]


def recommend_volume(workload: dict) -> dict | None:
    """The cheapest current-generation configuration that meets the workload, or None if no
    single volume can (ties go to gp3, io2, st1, sc1 in that order)."""
    options = candidates(workload)
    return min(options, key=monthly_cost) if options else None


def gp3_equivalent(config: dict) -> dict:
    """The gp3 configuration that matches a gp2 volume's sustained IOPS and throughput."""
    return {"VolumeType": "gp3", "Size": config["Size"], "Iops": max(3000, iops_of(config)),
            "Throughput": max(125, math.ceil(throughput_of(config)))}
