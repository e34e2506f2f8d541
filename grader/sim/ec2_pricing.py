"""Reference EC2 cost model: a small dated price table and the yearly cost of a workload under
each purchase model (On-Demand, Spot, Savings Plans, Reserved Instances).

moto has no pricing: the Pricing and Savings Plans APIs are absent, Spot price history is
thousands of rows of ``0.00001`` dated 2006, and Reserved Instance offerings are canned. So the
course ships its own table. Pure: plain data in (``{instance_type: {model: usd_per_hour}}`` and
profile dicts), numbers and a reason trail out.

The table (us-east-1, Linux, shared tenancy, USD per hour, ``AS_OF``):

- ``on_demand``: AWS's public On-Demand list prices.
- ``spot``: one illustrative snapshot; real Spot prices move with long-term supply and demand
  and differ by Availability Zone.
- the eight commitment columns: No Upfront effective hourly rates, computed as On-Demand times
  the course's ``COMMITMENT_FACTORS`` (typical No Upfront discounts, rounded). They are a model
  for teaching, not a quote: real rates differ by instance type, and All Upfront payment buys
  a deeper discount (AWS's headline "up to 72 %" is a three-year, All Upfront best case).

The cost model of one profile (a dict, see :data:`PROFILE_KEYS`), per year of 8,760 hours:

- ``baseline`` instances run all year; ``burst`` more run ``burst_hours`` hours each.
- On-Demand and Spot bill every instance-hour used at their rate.
- A commitment (Savings Plan or RI) covers the baseline and is paid for every hour of the year,
  used or not; burst hours above it bill at On-Demand.

Which models a profile may use (:func:`allowed`): Spot only if the workload is
``interruptible``; a commitment only if its term fits ``max_term_years``; the two family-bound
commitments (EC2 Instance Savings Plan, Standard RI) only if the workload is not ``flexible``
(will not move to another instance family or Region during the term). On a tie the model that
comes first in :data:`MODELS` wins: Savings Plans are listed before the RIs they match,
because at the same price the plan is the more flexible purchase.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

AS_OF = "2026-11"
REGION = "us-east-1"
HOURS_PER_YEAR = 8760
SOURCES = {
    "on_demand": "https://aws.amazon.com/ec2/pricing/on-demand/",
    "spot": "https://aws.amazon.com/ec2/spot/pricing/",
    "savings_plans": "https://aws.amazon.com/savingsplans/compute-pricing/",
    "reserved_instances": "https://aws.amazon.com/ec2/pricing/reserved-instances/pricing/",
}

#: Purchase models in tie-break order (columns of the price and cost tables).
MODELS = (
    "on_demand", "spot",
    "compute_sp_1y", "ec2_instance_sp_1y", "convertible_ri_1y", "standard_ri_1y",
    "compute_sp_3y", "ec2_instance_sp_3y", "convertible_ri_3y", "standard_ri_3y",
)
#: Commitment models: term in years, and whether they are bound to one instance family and Region.
COMMITMENTS = {
    "compute_sp_1y": (1, False), "ec2_instance_sp_1y": (1, True),
    "convertible_ri_1y": (1, False), "standard_ri_1y": (1, True),
    "compute_sp_3y": (3, False), "ec2_instance_sp_3y": (3, True),
    "convertible_ri_3y": (3, False), "standard_ri_3y": (3, True),
}
#: The course's No Upfront rate as a fraction of On-Demand (typical discounts, rounded).
COMMITMENT_FACTORS = {
    "compute_sp_1y": 0.72, "ec2_instance_sp_1y": 0.62,
    "convertible_ri_1y": 0.72, "standard_ri_1y": 0.62,
    "compute_sp_3y": 0.50, "ec2_instance_sp_3y": 0.43,
    "convertible_ri_3y": 0.50, "standard_ri_3y": 0.43,
}
#: instance type -> (vCPUs, memory GiB, On-Demand USD/h, Spot snapshot USD/h)
_LIST_PRICES = {
    "t3.medium": (2, 4, 0.0416, 0.0136),
    "m5.large": (2, 8, 0.0960, 0.0392),
    "m7i.large": (2, 8, 0.1008, 0.0431),
    "m7g.large": (2, 8, 0.0816, 0.0334),
    "c7i.large": (2, 4, 0.08925, 0.0379),
    "r7i.large": (2, 16, 0.1323, 0.0517),
}
#: The keys of a workload profile.
PROFILE_KEYS = ("name", "instance_type", "baseline", "burst", "burst_hours",
                "interruptible", "max_term_years", "flexible")


def rates(on_demand: float, spot: float, factors: Mapping[str, float] = COMMITMENT_FACTORS) -> dict:
    """One row of the price table: every model's USD per hour, from On-Demand and Spot."""
    row = {"on_demand": on_demand, "spot": spot}
    row.update({model: round(on_demand * factors[model], 4) for model in COMMITMENTS})
    return row


def price_table(factors: Mapping[str, float] = COMMITMENT_FACTORS) -> dict[str, dict[str, float]]:
    """``{instance_type: {model: usd_per_hour}}`` for every type of the course's table."""
    return {t: rates(od, spot, factors) for t, (_, _, od, spot) in _LIST_PRICES.items()}


def instance_specs() -> dict[str, dict[str, float]]:
    """``{instance_type: {"vcpus": ..., "memory_gib": ...}}``."""
    return {t: {"vcpus": v, "memory_gib": m} for t, (v, m, _, _) in _LIST_PRICES.items()}


def yearly_cost(row: Mapping[str, float], profile: Mapping, model: str) -> float:
    """USD per year of ``profile`` under ``model``, with ``row`` the prices of its instance
    type; rounded to cents."""
    used_hours = profile["baseline"] * HOURS_PER_YEAR + profile["burst"] * profile["burst_hours"]
    if model in ("on_demand", "spot"):
        return round(used_hours * row[model], 2)
    committed = profile["baseline"] * HOURS_PER_YEAR * row[model]
    burst = profile["burst"] * profile["burst_hours"] * row["on_demand"]
    return round(committed + burst, 2)


def yearly_costs(prices: Mapping[str, Mapping[str, float]], profiles) -> dict[str, dict[str, float]]:
    """``{profile name: {model: USD per year}}`` for every profile and every model."""
    return {p["name"]: {m: yearly_cost(prices[p["instance_type"]], p, m) for m in MODELS}
            for p in profiles}


def exclusion(profile: Mapping, model: str) -> str | None:
    """Why ``profile`` may not use ``model``, or None when it may."""
    if model == "spot" and not profile["interruptible"]:
        return "Spot can be interrupted with two minutes' notice; this workload cannot be"
    if model in COMMITMENTS:
        term, family_bound = COMMITMENTS[model]
        if term > profile["max_term_years"]:
            return f"a {term}-year commitment; this workload commits to {profile['max_term_years']} at most"
        if family_bound and profile["flexible"]:
            return "bound to one instance family in one Region; this workload will move"
    return None


def allowed(profile: Mapping) -> tuple[str, ...]:
    """The models ``profile`` may use, in :data:`MODELS` order."""
    return tuple(m for m in MODELS if exclusion(profile, m) is None)


@dataclass(frozen=True)
class Choice:
    """The cheapest allowed model, its yearly cost, and why every other model lost."""

    model: str
    cost: float
    excluded: dict[str, str] = field(default_factory=dict)
    costs: dict[str, float] = field(default_factory=dict)


def choose(prices: Mapping[str, Mapping[str, float]], profile: Mapping) -> Choice:
    """The cheapest model ``profile`` may use (first in :data:`MODELS` on a tie)."""
    row = prices[profile["instance_type"]]
    costs = {m: yearly_cost(row, profile, m) for m in MODELS}
    excluded = {m: reason for m in MODELS if (reason := exclusion(profile, m))}
    best = min((m for m in MODELS if m not in excluded), key=lambda m: (costs[m], MODELS.index(m)))
    return Choice(best, costs[best], excluded, costs)


def cheapest(prices: Mapping[str, Mapping[str, float]], profile: Mapping) -> str:
    """The name of the cheapest model ``profile`` may use."""
    return choose(prices, profile).model
