"""What an architecture does when an Availability Zone fails, and how available it is on paper.

Pure data in, answers out (no boto3): ``grader.state.ha`` reads a stack built in the mock into
the same shape. An architecture is a list of tiers, each a dict::

    {"name": "web", "service": "asg", "azs": ["us-east-1a", "us-east-1b"]}
    {"name": "db", "service": "rds", "azs": ["us-east-1a", "us-east-1b"], "multi_az": "instance"}

``service`` is one of :data:`ZONAL` (the tier lives in the zones listed and keeps working while
one of them is left), ``rds`` (``multi_az`` is ``"none"``, ``"instance"`` or ``"cluster"``,
``azs[0]`` is the zone of the primary/writer) or one of :data:`REGIONAL` (AWS spreads it over
the Region's zones itself; ``azs`` is ignored).

:func:`az_loss` answers "does it survive the loss of zone X?" as an :class:`Outcome` plus the
tier that decides, :func:`estimate` the serial/parallel availability arithmetic.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

AS_OF = "2026-11"
#: Where the figures below come from (each service's SLA page and the RDS user guide).
SOURCES = {
    "compute SLA": "https://aws.amazon.com/compute/sla/",
    "ELB SLA": "https://aws.amazon.com/elasticloadbalancing/sla/",
    "RDS SLA": "https://aws.amazon.com/rds/sla/",
    "EFS SLA": "https://aws.amazon.com/efs/sla/",
    "RDS Multi-AZ failover": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.Failover.html",
    "Multi-AZ DB cluster failover": "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_FailoverDBCluster.html",
}
#: Monthly uptime commitments (service credits start below them), as of AS_OF, us-east-1.
SLA = (
    # (service, deployment, monthly uptime %, source key)
    ("EC2 / ECS / Fargate", "instances in 2+ AZs (region-level)", 99.99, "compute SLA"),
    ("EC2", "one instance (instance-level)", 99.5, "compute SLA"),
    ("Elastic Load Balancing", "load balancer in 2+ AZs", 99.99, "ELB SLA"),
    ("Elastic Load Balancing", "load balancer in one AZ", 99.9, "ELB SLA"),
    ("RDS", "Multi-AZ DB instance or Multi-AZ DB cluster", 99.95, "RDS SLA"),
    ("RDS", "Single-AZ DB instance", 99.5, "RDS SLA"),
    ("EFS", "Regional (Standard classes)", 99.99, "EFS SLA"),
    ("EFS", "One Zone classes", 99.9, "EFS SLA"),
)
#: Typical automatic failover times AWS documents (seconds, upper end), as of AS_OF.
FAILOVER_SECONDS = {"instance": 120, "cluster": 35}

#: Services that live in the zones listed: working while at least one of them is left.
ZONAL = ("alb", "nlb", "asg", "ec2", "nat", "efs", "efs-one-zone", "elasticache")
#: Services AWS spreads across the Region's zones itself: an AZ loss does not take them down.
REGIONAL = ("s3", "dynamodb", "route53", "lambda", "sqs", "cloudfront")
RDS_MODES = ("none", "instance", "cluster")


class Outcome(enum.IntEnum):
    """What the loss of one zone does to a tier or an architecture, worst last."""

    UP = 0          # keeps serving: the lost zone's share moves to the others
    FAILOVER = 1    # a short automatic outage: a standby is promoted (RDS Multi-AZ)
    DOWN = 2        # out until someone acts or the zone returns

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Verdict:
    """``az_loss``'s answer: the outcome and the first tier (in listed order) that has it
    (None when everything stays up), plus one reason per tier."""

    outcome: Outcome
    tier: str | None
    trail: tuple[str, ...]

    def answer(self) -> tuple[str, str | None]:
        """The plain ``(outcome, tier)`` pair learners' functions return."""
        return str(self.outcome), self.tier


def validate(tier: dict) -> None:
    """Raise ValueError on a tier this model cannot judge (unknown service, RDS mode, no zones)."""
    service = tier.get("service")
    if service not in ZONAL + REGIONAL + ("rds",):
        raise ValueError(f"tier {tier.get('name')!r}: unknown service {service!r}")
    if service in ZONAL + ("rds",) and not tier.get("azs"):
        raise ValueError(f"tier {tier.get('name')!r}: a {service} tier needs its zones ('azs')")
    if service == "rds":
        mode = tier.get("multi_az", "none")
        if mode not in RDS_MODES:
            raise ValueError(f"tier {tier.get('name')!r}: multi_az must be one of {RDS_MODES}")
        if mode != "none" and len(set(tier["azs"])) < 2:
            raise ValueError(f"tier {tier.get('name')!r}: Multi-AZ needs two or more zones")


def tier_outcome(tier: dict, lost_az: str) -> tuple[Outcome, str]:
    """(outcome, reason) of one tier when ``lost_az`` fails."""
    validate(tier)
    service, name = tier["service"], tier["name"]
    if service in REGIONAL:
        return Outcome.UP, f"{name}: {service} is regional, spread over the zones by AWS"
    zones = list(dict.fromkeys(tier["azs"]))
    if service == "rds":
        mode = tier.get("multi_az", "none")
        primary = zones[0]
        if lost_az != primary:
            return Outcome.UP, f"{name}: the primary in {primary} is untouched"
        if mode == "none":
            return Outcome.DOWN, f"{name}: the only DB instance is in {lost_az}"
        return (Outcome.FAILOVER,
                f"{name}: Multi-AZ DB {mode} fails over to a standby (typically "
                f"<= {FAILOVER_SECONDS[mode]} s)")
    left = [z for z in zones if z != lost_az]
    if left:
        return Outcome.UP, f"{name}: still in {', '.join(left)}"
    return Outcome.DOWN, f"{name}: every {service} zone ({', '.join(zones)}) is lost"


def az_loss(architecture, lost_az: str) -> Verdict:
    """The worst tier outcome when ``lost_az`` fails; the first tier listed with it."""
    worst, tier, trail = Outcome.UP, None, []
    for t in architecture:
        outcome, reason = tier_outcome(t, lost_az)
        trail.append(reason)
        if outcome > worst:
            worst, tier = outcome, t["name"]
    return Verdict(worst, tier, tuple(trail))


def survives(architecture, lost_az: str) -> tuple[str, str | None]:
    """``az_loss`` as the ``(outcome, tier)`` pair of Exercise 4: ("up", None), ("failover",
    "db"), ("down", "nat")."""
    return az_loss(architecture, lost_az).answer()


def zones_of(architecture) -> list[str]:
    """Every zone any tier names, sorted."""
    return sorted({z for t in architecture for z in t.get("azs", ())})


# --- availability arithmetic -------------------------------------------------------------

MINUTES_PER_YEAR = 365 * 24 * 60


def redundant(availability: float, copies: int) -> float:
    """Availability of ``copies`` independent copies of which one is enough: 1 - (1 - a)^n."""
    if not 0 <= availability <= 1 or copies < 1:
        raise ValueError("availability must be within [0, 1] and copies at least 1")
    return 1 - (1 - availability) ** copies


def estimate(tiers) -> dict:
    """Serial chain of tiers, each ``{"name", "availability" (one copy, 0-1), "copies"}``:
    ``{"availability", "downtime_minutes_per_year", "weakest"}``, the weakest being the first
    tier with the lowest availability after redundancy."""
    if not tiers:
        raise ValueError("estimate needs at least one tier")
    total, weakest, lowest = 1.0, None, 2.0
    for tier in tiers:
        value = redundant(tier["availability"], tier.get("copies", 1))
        total *= value
        if value < lowest:
            weakest, lowest = tier["name"], value
    return {"availability": total, "downtime_minutes_per_year": (1 - total) * MINUTES_PER_YEAR,
            "weakest": weakest}


def downtime(availability: float, minutes: int = MINUTES_PER_YEAR) -> float:
    """Minutes of downtime ``availability`` allows over ``minutes`` (a year by default)."""
    return (1 - availability) * minutes
