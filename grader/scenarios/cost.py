"""Course data for topic 09: Cost Explorer answers, a tagged inventory and a CUR 2.0 usage report.

moto answers ``get_cost_and_usage`` only from a queue of canned results, matched to the exact
request body (shared/research/moto-5.2.5.md, topic 9): a learner who asks in another order, or
pages, would get the wrong canned answer. :func:`seed_cost_explorer` instead installs a small
Cost Explorer on this mock account that *computes* each answer from a table of monthly costs:
``TimePeriod`` (end exclusive), ``Granularity=MONTHLY``, any cost ``Metrics``, ``GroupBy`` one
``DIMENSION`` ``SERVICE`` (or none), and pages of ``page_size`` groups with a ``NextPageToken``.
It lives on the mock's backend object, so :func:`grader.sandbox.fresh_state` removes it.

The usage report has the shape of a CUR 2.0 export (a subset of its columns), with one line per
resource and month (a real export has a line per hour or day) in the line types a Savings Plan
produces. It is shipped gzip-compressed; regenerate it with::

    python -m grader.scenarios.cost course/09-cloud-spend/usage-report.csv.gz
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date

from grader.scenarios.datasets import regenerate, write_reproducibly

ACCOUNT = "123456789012"
COST_METRICS = ("UnblendedCost", "BlendedCost", "AmortizedCost", "NetUnblendedCost",
                "NetAmortizedCost")
#: Service names as Cost Explorer's SERVICE dimension spells them.
SERVICES = ("Amazon Elastic Compute Cloud - Compute", "Amazon Relational Database Service",
            "Amazon Simple Storage Service", "EC2 - Other", "Amazon CloudFront",
            "AWS Lambda", "Amazon DynamoDB", "Amazon Virtual Private Cloud", "AmazonCloudWatch",
            "AWS Key Management Service")


def months(start: str, count: int) -> list[str]:
    """``months("2026-05", 3)`` -> ``["2026-05", "2026-06", "2026-07"]``."""
    year, month = map(int, start.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


_LEVELS = (4200, 1800, 950, 640, 310, 180, 120, 75, 45, 12)


def monthly_costs(seed: int, first: str = "2026-05", count: int = 6,
                  services: tuple[str, ...] = SERVICES) -> list[tuple[str, str, float]]:
    """A synthetic account's ``(month, service, amount)`` rows: each service drifts month to
    month, one jumps in the last month, one appears only lately and one stops."""
    rng = random.Random(seed)
    span = months(first, count)
    rows = []
    spike, newcomer, leaver = rng.sample(range(len(services)), 3)
    for index, service in enumerate(services):
        level = _LEVELS[index % len(_LEVELS)] * rng.uniform(0.7, 1.3)
        for position, month in enumerate(span):
            if index == newcomer and position < count - 2:
                continue
            if index == leaver and position == count - 1:
                continue
            level *= rng.uniform(0.9, 1.12)
            amount = level * (rng.uniform(2.0, 3.5) if index == spike and position == count - 1 else 1)
            rows.append((month, service, round(amount, 10)))
    return rows


# -- a Cost Explorer that computes its answers -----------------------------------------------

def _month_start(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def _next(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _answer(rows, request: dict, page_size: int | None) -> dict:
    start = date.fromisoformat(request["TimePeriod"]["Start"])
    end = date.fromisoformat(request["TimePeriod"]["End"])
    metrics = request.get("Metrics") or ["UnblendedCost"]
    grouped = any(g.get("Key") == "SERVICE" for g in request.get("GroupBy") or [])
    periods = []
    day = date(start.year, start.month, 1)
    while day < end:
        periods.append((max(day, start), min(_next(day), end)))
        day = _next(day)
    facts = []  # (period index, group) in answer order
    for index, (first, _) in enumerate(periods):
        month = first.isoformat()[:7]
        in_month = sorted((s, a) for m, s, a in rows if m == month)
        if grouped:
            facts += [(index, {"Keys": [s], "Metrics": {m: {"Amount": f"{a:.10f}", "Unit": "USD"}
                                                         for m in metrics}})
                      for s, a in in_month]
    offset = int(request.get("NextPageToken") or 0)
    size = page_size or max(len(facts), 1)
    page = facts[offset:offset + size] if grouped else []
    shown = sorted({i for i, _ in page}) if grouped else range(len(periods))
    results = []
    for index in shown:
        first, last = periods[index]
        month = first.isoformat()[:7]
        total = sum(a for m, _, a in rows if m == month)
        results.append({
            "TimePeriod": {"Start": first.isoformat(), "End": last.isoformat()},
            "Total": {} if grouped else {m: {"Amount": f"{total:.10f}", "Unit": "USD"}
                                         for m in metrics},
            "Groups": [g for i, g in page if i == index], "Estimated": False})
    answer = {"ResultsByTime": results, "DimensionValueAttributes": []}
    if grouped:
        answer["GroupDefinitions"] = [{"Type": "DIMENSION", "Key": "SERVICE"}]
        if offset + size < len(facts):
            answer["NextPageToken"] = str(offset + size)
    return answer


def seed_cost_explorer(rows, *, page_size: int | None = None, account_id: str = ACCOUNT) -> None:
    """Make this mock account's ``get_cost_and_usage`` answer from ``rows`` (``(month, service,
    amount)``), ``page_size`` groups per page (None: one page). Undone by ``fresh_state``."""
    from moto.ce.models import ce_backends

    rows = list(rows)
    backend = ce_backends[account_id]["aws"]
    backend.get_cost_and_usage = lambda body: _answer(rows, json.loads(body), page_size)


def seed_answer_pages(rows, start: str, end: str) -> list[dict]:
    """Every ``ResultsByTime`` entry the seeded Cost Explorer gives for ``start``-``end`` grouped by
    service, as one list (what a learner collects over all pages)."""
    request = {"TimePeriod": {"Start": start, "End": end}, "Metrics": ["UnblendedCost"],
               "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}]}
    return _answer(list(rows), request, None)["ResultsByTime"]


# -- a tagged inventory ----------------------------------------------------------------------

_KINDS = (("ec2", "instance/i-{:017x}"), ("ec2", "volume/vol-{:017x}"), ("rds", "db:db-{:05d}"),
          ("s3", "bucket-{:05d}"), ("lambda", "function:fn-{:05d}"),
          ("elasticloadbalancing", "loadbalancer/app/lb-{:05d}/{:016x}"))


def _arn(rng, kind: int) -> str:
    service, template = _KINDS[kind]
    resource = template.format(*(rng.getrandbits(60) for _ in range(template.count("{"))))
    if service == "s3":
        return f"arn:aws:s3:::{resource}"
    return f"arn:aws:{service}:us-east-1:{ACCOUNT}:{resource}"


def inventory(seed: int, count: int = 40, values: dict | None = None) -> list[dict]:
    """A ``ResourceTagMappingList`` with every tagging mistake a real account has: keys missing,
    in another case (``Team``), with blank values, values outside the allowed list, and AWS tags
    (``aws:cloudformation:stack-name``) that never count."""
    rng = random.Random(seed)
    values = values or {"team": ["web", "data", "platform"], "env": ["prod", "staging", "dev"],
                        "cost-center": ["CC-1001", "CC-2002"]}
    out = []
    for _ in range(count):
        tags = []
        for key, allowed in values.items():
            roll = rng.random()
            if roll < 0.62:
                tags.append({"Key": key, "Value": rng.choice(allowed)})
            elif roll < 0.70:
                tags.append({"Key": key.title(), "Value": rng.choice(allowed)})
            elif roll < 0.77:
                tags.append({"Key": key, "Value": rng.choice(("", " "))})
            elif roll < 0.86:
                tags.append({"Key": key, "Value": rng.choice(allowed).upper() + rng.choice(("", "-old"))})
        if rng.random() < 0.3:
            tags.append({"Key": "aws:cloudformation:stack-name", "Value": "shop"})
        if rng.random() < 0.3:
            tags.append({"Key": "Name", "Value": f"res-{rng.randrange(1000)}"})
        rng.shuffle(tags)
        out.append({"ResourceARN": _arn(rng, rng.randrange(len(_KINDS))), "Tags": tags})
    return out


# -- a CUR 2.0 usage report ------------------------------------------------------------------

CUR_COLUMNS = ("bill_billing_period_start_date", "line_item_usage_start_date",
               "line_item_usage_account_id", "line_item_line_item_type", "line_item_product_code",
               "line_item_usage_type", "line_item_resource_id", "line_item_unblended_cost",
               "savings_plan_savings_plan_effective_cost", "reservation_effective_cost",
               "resource_tags")
_PRODUCTS = (("AmazonEC2", "BoxUsage:m7g.large", True), ("AmazonEC2", "BoxUsage:c7g.xlarge", True),
             ("AmazonRDS", "InstanceUsage:db.r7g.large", False),
             ("AmazonS3", "TimedStorage-ByteHrs", False), ("AWSLambda", "Lambda-GB-Second", True),
             ("AmazonCloudFront", "DataTransfer-Out-Bytes", False))


def usage_report(seed: int = 9, first: str = "2026-08", count: int = 3,
                 teams: tuple[str, ...] = ("web", "data", "platform"),
                 tag: str = "team", resources: int = 24) -> list[dict]:
    """Rows of a synthetic CUR 2.0 export: usage per resource and day summarised to one line per
    resource and month, a Compute Savings Plan covering part of the compute (covered usage, its
    negation, the recurring fee), tax and a credit; some resources untagged or tagged in
    another case."""
    rng = random.Random(seed)
    fleet = []
    for index in range(resources):
        product, usage_type, compute = _PRODUCTS[rng.randrange(len(_PRODUCTS))]
        roll = rng.random()
        tags = {f"user_{tag}": rng.choice(teams)} if roll < 0.75 else (
            {f"user_{tag.title()}": rng.choice(teams)} if roll < 0.85 else {})
        if rng.random() < 0.5:
            tags["user_env"] = rng.choice(("prod", "dev"))
        fleet.append((f"res-{seed}-{index:03d}", product, usage_type, compute,
                      rng.choice((35, 80, 160, 420, 900)) * rng.uniform(0.8, 1.2), tags))
    rows = []
    for month in months(first, count):
        start = f"{month}-01T00:00:00Z"

        def line(kind, product, usage_type, resource, unblended, sp=0.0, tags=None, start=start):
            rows.append({"bill_billing_period_start_date": start, "line_item_usage_start_date": start,
                         "line_item_usage_account_id": ACCOUNT, "line_item_line_item_type": kind,
                         "line_item_product_code": product, "line_item_usage_type": usage_type,
                         "line_item_resource_id": resource,
                         "line_item_unblended_cost": round(unblended, 6),
                         "savings_plan_savings_plan_effective_cost": round(sp, 6),
                         "reservation_effective_cost": 0.0,
                         "resource_tags": json.dumps(tags or {}, sort_keys=True)})

        commitment = 0.0
        for resource, product, usage_type, compute, level, tags in fleet:
            cost = level * rng.uniform(0.85, 1.15)
            if compute and rng.random() < 0.6:
                covered = cost * rng.uniform(0.4, 1.0)
                effective = covered * 0.72
                commitment += effective
                line("SavingsPlanCoveredUsage", product, usage_type, resource, covered, effective, tags)
                line("SavingsPlanNegation", product, usage_type, resource, -covered, 0.0, tags)
                cost -= covered
            if cost > 0.005:
                line("Usage", product, usage_type, resource, cost, 0.0, tags)
        line("SavingsPlanRecurringFee", "ComputeSavingsPlans", "ComputeSP:1yrNoUpfront", "",
             commitment * 1.05)
        line("Tax", "AmazonEC2", "", "", rng.uniform(40, 90))
        line("Credit", "AmazonEC2", "", "", -rng.uniform(10, 60))
    return rows


def usage_report_frame(seed: int = 9, **kwargs):
    """:func:`usage_report` as a DataFrame with the CUR columns in order."""
    import pandas as pd

    return pd.DataFrame(usage_report(seed, **kwargs), columns=list(CUR_COLUMNS))


def write_usage_report(path) -> None:
    """Write the topic's shipped report (seed 9) as CSV, gzip-compressed when ``path`` ends in
    ``.gz``."""
    frame = usage_report_frame()
    write_reproducibly(path, frame.to_csv(index=False, lineterminator="\n"))


if __name__ == "__main__":
    sys.exit(regenerate(sys.argv[1:], "grader.scenarios.cost", write_usage_report))
