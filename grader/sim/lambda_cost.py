"""What a Lambda function costs: the GB-second model, dated prices, and memory vs CPU.

Pure (pandas only). Prices are AWS's public on-demand prices for US East (N. Virginia), read
from https://aws.amazon.com/lambda/pricing/ (AS_OF below); they change, so the notebook shows
the table with its date. The model (same page and the Lambda Developer Guide, as of 2026):

- **Requests**: a flat price per million invocations.
- **Duration**: memory (GB, ``MemorySize / 1024``) x billed seconds, where each invocation's
  duration is rounded *up* to the next millisecond; the price per GB-second depends on the
  architecture (Arm is cheaper) and falls in tiers of the account's monthly total per
  architecture and Region. Since 1 August 2025 the INIT phase (cold start) of on-demand .zip
  functions on managed runtimes is billed as duration too.
- **Ephemeral storage**: only what is configured above the free 512 MB of ``/tmp``, per
  GB-second of duration.
- **Free tier** (per account and month, both architectures together): 1 million requests and
  400,000 GB-seconds. Not for Provisioned Concurrency.

A function's CPU share grows in proportion to its memory: 1,769 MB is one full vCPU and the
10,240 MB maximum gives six.
"""

from __future__ import annotations

import math

import pandas as pd

AS_OF = "2026-11"
SOURCE = "https://aws.amazon.com/lambda/pricing/"
REGION = "us-east-1"

REQUEST_PRICE_PER_MILLION = 0.20
#: USD per GB-second of duration, by architecture: (tier upper bound in GB-s, price).
DURATION_TIERS = {
    "x86_64": ((6e9, 0.0000166667), (15e9, 0.0000150000), (math.inf, 0.0000133334)),
    "arm64": ((7.5e9, 0.0000133334), (18.75e9, 0.0000120001), (math.inf, 0.0000106667)),
}
EPHEMERAL_PRICE_PER_GB_SECOND = 0.0000000309
FREE_EPHEMERAL_MB = 512
FREE_REQUESTS = 1_000_000
FREE_GB_SECONDS = 400_000
MB_PER_VCPU = 1769
MEMORY_MB = (128, 10240)
MAX_VCPUS = 6

COLUMNS = ["gb_seconds", "requests_usd", "duration_usd", "storage_usd", "total_usd"]


def price_table() -> pd.DataFrame:
    """The prices as a table for the notebook (their date and Region: AS_OF, REGION)."""
    rows = [{"item": "requests", "architecture": "both", "tier (GB-s per month)": "all",
             "price (USD)": f"{REQUEST_PRICE_PER_MILLION} per 1M"}]
    for arch, tiers in DURATION_TIERS.items():
        low = 0
        for high, price in tiers:
            span = (f"{low / 1e9:g}-{high / 1e9:g} billion" if high != math.inf
                    else f"over {low / 1e9:g} billion")
            rows.append({"item": "duration", "architecture": arch, "tier (GB-s per month)": span,
                         "price (USD)": f"{price:.10f} per GB-s"})
            low = high
    rows.append({"item": "ephemeral storage above 512 MB", "architecture": "both",
                 "tier (GB-s per month)": "all",
                 "price (USD)": f"{EPHEMERAL_PRICE_PER_GB_SECOND:.10f} per GB-s"})
    return pd.DataFrame(rows)


def vcpus(memory_mb: float) -> float:
    """The CPU share Lambda gives a function with this much memory (1,769 MB = one vCPU)."""
    return min(MAX_VCPUS, memory_mb / MB_PER_VCPU)


def billed_ms(duration_ms: float) -> int:
    """Duration as billed: rounded up to the next whole millisecond."""
    return math.ceil(duration_ms)


def first_tier_price(architecture: str) -> float:
    return DURATION_TIERS[architecture][0][1]


def function_cost(invocations: float, avg_duration_ms: float, memory_mb: float,
                  architecture: str = "x86_64", ephemeral_mb: float = FREE_EPHEMERAL_MB) -> dict:
    """One function's monthly cost at first-tier prices, without the free tier.

    Each invocation is billed ``billed_ms(avg_duration_ms)``: the course treats the average as
    every invocation's duration."""
    seconds = invocations * billed_ms(avg_duration_ms) / 1000
    gb_seconds = seconds * memory_mb / 1024
    requests = invocations / 1e6 * REQUEST_PRICE_PER_MILLION
    duration = gb_seconds * first_tier_price(architecture)
    storage = seconds * max(0, ephemeral_mb - FREE_EPHEMERAL_MB) / 1024 * EPHEMERAL_PRICE_PER_GB_SECOND
    return {"gb_seconds": gb_seconds, "requests_usd": requests, "duration_usd": duration,
            "storage_usd": storage, "total_usd": requests + duration + storage}


def monthly_cost(usage: pd.DataFrame) -> pd.DataFrame:
    """The reference answer of topic 08's cost exercise: one row per function of ``usage``
    (columns ``function``, ``architecture``, ``memory_mb``, ``invocations``,
    ``avg_duration_ms`` and optionally ``ephemeral_mb``), indexed by function, with the columns
    of :data:`COLUMNS`."""
    rows = {}
    for row in usage.to_dict("records"):
        rows[row["function"]] = function_cost(
            row["invocations"], row["avg_duration_ms"], row["memory_mb"], row["architecture"],
            row.get("ephemeral_mb", FREE_EPHEMERAL_MB) if not pd.isna(row.get("ephemeral_mb", 0))
            else FREE_EPHEMERAL_MB)
    return pd.DataFrame.from_dict(rows, orient="index", columns=COLUMNS).rename_axis("function")


def tiered_duration_usd(gb_seconds: float, architecture: str) -> float:
    """The duration charge of an account's monthly total on one architecture, tier by tier."""
    total, low = 0.0, 0.0
    for high, price in DURATION_TIERS[architecture]:
        total += max(0.0, min(gb_seconds, high) - low) * price
        low = high
    return total


def account_bill(usage: pd.DataFrame, *, free_tier: bool = True) -> dict:
    """The whole account's monthly Lambda bill for ``usage``: tiers applied per architecture,
    then (optionally) the free tier taken off requests and GB-seconds (x86's first, the larger
    saving: an estimate, AWS does not document how it splits the allowance)."""
    costs = monthly_cost(usage)
    arch = usage.set_index("function")["architecture"]
    invocations = usage["invocations"].sum()
    billable_requests = max(0, invocations - FREE_REQUESTS) if free_tier else invocations
    free_left = FREE_GB_SECONDS if free_tier else 0
    duration = 0.0
    by_arch = costs["gb_seconds"].groupby(arch).sum()
    for name in sorted(by_arch.index, key=first_tier_price, reverse=True):
        gb_s = by_arch[name]
        taken = min(free_left, gb_s)
        free_left -= taken
        duration += tiered_duration_usd(gb_s - taken, name)
    requests = billable_requests / 1e6 * REQUEST_PRICE_PER_MILLION
    storage = costs["storage_usd"].sum()
    return {"requests_usd": requests, "duration_usd": duration, "storage_usd": storage,
            "total_usd": requests + duration + storage}


def power_tuning(measurements: pd.DataFrame, invocations: float = 1e6,
                 architecture: str = "x86_64") -> pd.DataFrame:
    """Cost and speed of one function measured at several memory sizes (columns ``memory_mb``,
    ``avg_duration_ms``), like the open-source AWS Lambda Power Tuning tool reports."""
    rows = []
    for row in measurements.to_dict("records"):
        cost = function_cost(invocations, row["avg_duration_ms"], row["memory_mb"], architecture)
        rows.append({"memory_mb": row["memory_mb"], "vcpus": round(vcpus(row["memory_mb"]), 2),
                     "avg_duration_ms": row["avg_duration_ms"],
                     f"usd_per_{invocations:,.0f}_calls": round(cost["total_usd"], 4)})
    return pd.DataFrame(rows)
