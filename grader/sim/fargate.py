"""Reference Fargate model: valid task sizes, right-sizing, and what a workload costs on Fargate,
Fargate Spot and the EC2 launch type.

moto accepts any ``cpu``/``memory`` on a Fargate task definition (256 CPU units with 4096 MiB,
for instance) and has no prices, so the course checks sizes and costs here. Pure: numbers and
strings in, answers out; the EC2 side reuses :mod:`grader.sim.ec2_pricing`'s dated table.

**Sizes** (Amazon ECS Developer Guide, "Task CPU and memory", as of 2026): the task-level
``cpu`` (CPU units, 1024 = 1 vCPU) picks a memory range (MiB):

=========  ==================================================  ===================
cpu        memory (MiB)                                        operating systems
=========  ==================================================  ===================
256        512, 1024, 2048                                     Linux
512        1024 to 4096 in steps of 1024                       Linux
1024       2048 to 8192 in steps of 1024                       Linux, Windows
2048       4096 to 16384 in steps of 1024                      Linux, Windows
4096       8192 to 30720 in steps of 1024                      Linux, Windows
8192       16384 to 61440 in steps of 4096 (platform 1.4.0+)   Linux
16384      32768 to 122880 in steps of 8192 (platform 1.4.0+)  Linux
=========  ==================================================  ===================

A task definition may also write ``cpu`` as vCPUs (``"1 vCPU"``, ``"0.5 vcpu"``) and
``memory`` as GB (``"2 GB"``, ``"2GB"``); ECS converts them to units and MiB on registration.

**Prices** (https://aws.amazon.com/fargate/pricing/, US East (N. Virginia), ``AS_OF``): per
vCPU-hour and per GB-hour of what the task *requests*, billed per second from the start of the
image pull until the task stops, with a one-minute minimum (Linux). The first 20 GB of
ephemeral storage are included. Fargate Spot prices move with spare capacity; AWS advertises
"up to 70 % off", and the course uses that best case as its illustrative Spot rate. Windows
(an extra OS licence per vCPU and a longer minimum) is left out of the cost model.

**EC2 launch type** (a course model, not a quote): tasks are packed onto identical instances;
an instance holds as many tasks as both its vCPUs and its memory allow, after
``EC2_RESERVED_MIB`` for the operating system and the ECS agent; every instance is paid
On-Demand for every hour, whether its tasks use it or not.
"""

from __future__ import annotations

import math
import re

from grader.sim import ec2_pricing

AS_OF = "2026-11"
REGION = "us-east-1"
SOURCES = {
    "sizes": "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html",
    "pricing": "https://aws.amazon.com/fargate/pricing/",
    "spot": "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html",
}
HOURS_PER_MONTH = 730
MINIMUM_BILLED_SECONDS = 60
SPOT_DISCOUNT = 0.70
EC2_RESERVED_MIB = 512
ARCHITECTURES = ("X86_64", "ARM64")

#: cpu units -> the memory values (MiB) Fargate accepts with it.
SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}
#: cpu units Windows tasks may use (at least 1 vCPU, at most 4).
WINDOWS_CPU = (1024, 2048, 4096)
#: USD per hour, Linux, by architecture: (per vCPU, per GB of memory).
ON_DEMAND = {"X86_64": (0.04048, 0.004445), "ARM64": (0.03238, 0.00356)}


def spot_rates() -> tuple[float, float]:
    """The course's illustrative Fargate Spot rates (x86 Linux only): On-Demand less 70 %."""
    vcpu, gb = ON_DEMAND["X86_64"]
    return round(vcpu * (1 - SPOT_DISCOUNT), 6), round(gb * (1 - SPOT_DISCOUNT), 7)


def price_rows() -> list[dict]:
    """The price table as rows for a DataFrame (USD per hour, us-east-1, AS_OF)."""
    rows = [{"capacity": "FARGATE", "architecture": arch, "per vCPU-hour": vcpu, "per GB-hour": gb}
            for arch, (vcpu, gb) in ON_DEMAND.items()]
    vcpu, gb = spot_rates()
    rows.append({"capacity": "FARGATE_SPOT (illustrative)", "architecture": "X86_64",
                 "per vCPU-hour": vcpu, "per GB-hour": gb})
    return rows


def size_rows() -> list[dict]:
    """The valid sizes as rows for a DataFrame: one per cpu value."""
    rows = []
    for cpu, memories in SIZES.items():
        step = memories[-1] - memories[-2]
        rows.append({"cpu (units)": cpu, "vCPU": cpu / 1024,
                     "memory (MiB)": (", ".join(map(str, memories)) if cpu == 256
                                      else f"{memories[0]}-{memories[-1]} step {step}"),
                     "Windows": cpu in WINDOWS_CPU})
    return rows


_NUMBER = r"\s*(\d+(?:\.\d+)?)\s*"


def parse_cpu(value) -> float:
    """CPU units from an int, ``"1024"`` or ``"1 vCPU"`` (any case); may be fractional."""
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    match = re.fullmatch(_NUMBER + r"vcpu\s*", text, flags=re.IGNORECASE)
    if match:
        return float(match.group(1)) * 1024
    return float(text)


def parse_memory(value) -> float:
    """MiB from an int, ``"2048"`` or ``"2 GB"`` / ``"2GB"`` (any case); may be fractional."""
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    match = re.fullmatch(_NUMBER + r"gb\s*", text, flags=re.IGNORECASE)
    if match:
        return float(match.group(1)) * 1024
    return float(text)


def valid_size(cpu, memory, os_family: str = "LINUX") -> bool:
    """True if Fargate accepts this task-level ``cpu`` and ``memory`` for ``os_family``
    (``LINUX`` or any ``WINDOWS_SERVER_...``)."""
    units, mib = parse_cpu(cpu), parse_memory(memory)
    if not (units.is_integer() and mib.is_integer()):
        return False
    units, mib = int(units), int(mib)
    if str(os_family).upper().startswith("WINDOWS") and units not in WINDOWS_CPU:
        return False
    return mib in SIZES.get(units, ())


def right_size(vcpus: float, memory_gib: float) -> dict | None:
    """The cheapest valid Linux size with at least ``vcpus`` and ``memory_gib``:
    ``{"cpu": units, "memory": MiB}``, or None when nothing on Fargate is big enough.

    Prices rise with both dimensions and a bigger cpu never allows less memory, so the answer
    is the smallest cpu that covers ``vcpus`` and has a memory value covering ``memory_gib``,
    with the smallest such memory."""
    need_units, need_mib = vcpus * 1024, memory_gib * 1024
    for cpu, memories in SIZES.items():
        if cpu < need_units:
            continue
        memory = next((m for m in memories if m >= need_mib), None)
        if memory is not None:
            return {"cpu": cpu, "memory": memory}
    return None


def hourly_rate(cpu, memory, capacity: str = "FARGATE", architecture: str = "X86_64") -> float:
    """USD per hour of one task of this size (unrounded)."""
    vcpu_price, gb_price = spot_rates() if capacity == "FARGATE_SPOT" else ON_DEMAND[architecture]
    return parse_cpu(cpu) / 1024 * vcpu_price + parse_memory(memory) / 1024 * gb_price


def task_cost(cpu, memory, seconds: float, capacity: str = "FARGATE",
              architecture: str = "X86_64") -> float:
    """USD for one task that ran ``seconds``: whole seconds, at least one minute (unrounded)."""
    billed = max(MINIMUM_BILLED_SECONDS, math.ceil(seconds))
    return hourly_rate(cpu, memory, capacity, architecture) * billed / 3600


def tasks_per_instance(cpu, memory, instance_type: str) -> int:
    """How many tasks of this size one instance holds (0: the task does not fit)."""
    spec = ec2_pricing.instance_specs()[instance_type]
    by_cpu = int(spec["vcpus"] * 1024 // parse_cpu(cpu))
    by_memory = int((spec["memory_gib"] * 1024 - EC2_RESERVED_MIB) // parse_memory(memory))
    return max(0, min(by_cpu, by_memory))


def compare_launch_types(cpu, memory, tasks: int, instance_type: str,
                         hours: float = HOURS_PER_MONTH) -> dict:
    """What ``tasks`` tasks of this size (x86 Linux) running ``hours`` cost on each option:
    ``{"fargate", "fargate_spot", "instances", "ec2"}``, USD rounded to cents; ``instances``
    is how many ``instance_type`` the EC2 launch type needs (``ec2`` None if a task does not
    fit on one)."""
    fargate = round(tasks * hours * hourly_rate(cpu, memory), 2)
    spot = round(tasks * hours * hourly_rate(cpu, memory, "FARGATE_SPOT"), 2)
    per_instance = tasks_per_instance(cpu, memory, instance_type)
    if per_instance == 0:
        return {"fargate": fargate, "fargate_spot": spot, "instances": 0, "ec2": None}
    instances = math.ceil(tasks / per_instance)
    price = ec2_pricing.price_table()[instance_type]["on_demand"]
    return {"fargate": fargate, "fargate_spot": spot, "instances": instances,
            "ec2": round(instances * hours * price, 2)}
