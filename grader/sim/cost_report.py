"""Reference cost analyses: the answers learners' Cost Explorer, tagging and usage-report code is
compared with, and the dated facts topic 09 shows.

moto stores budgets but never computes spend, answers Cost Explorer only with data seeded into
it, and has no Cost and Usage Report or Data Exports at all (shared/research/moto-5.2.5.md,
topic 9). This module is pure: it takes plain data in the shapes AWS returns (Cost Explorer's
``ResultsByTime``, the tagging API's ``ResourceTagMappingList``, a CUR 2.0 table as a
DataFrame) and returns pandas objects. pandas is imported inside the functions (~0.3 s).

Model (AWS Cost Management User Guide, Budgets API Reference and AWS Data Exports User Guide,
as of 2026):

- A budget notification compares the actual (``ACTUAL``) or forecasted (``FORECASTED``) spend
  with ``Threshold`` percent of the limit (``ThresholdType`` ``PERCENTAGE``, also when absent) or
  ``Threshold`` dollars (``ABSOLUTE_VALUE``), by ``GREATER_THAN``, ``LESS_THAN`` or ``EQUAL_TO``;
  this course compares amounts rounded to the cent.
- A Cost Explorer amount is a *string* (``"1234.5600000000"``); a long answer comes in pages,
  each with a ``NextPageToken`` until the last. A service with no cost in a month has no group.
- Cost allocation tag keys are case-sensitive (``Team`` and ``team`` are two tags); tags whose
  key starts with ``aws:`` are AWS-generated and never user-required.
- CUR 2.0 line types: ``Usage`` is charged at its ``line_item_unblended_cost``;
  ``SavingsPlanCoveredUsage`` shows the On-Demand cost as unblended cost and the discounted cost
  in ``savings_plan_savings_plan_effective_cost``; ``SavingsPlanNegation`` cancels the covered
  On-Demand cost; ``SavingsPlanRecurringFee`` is the hourly commitment. The chargeback used
  here charges each line its effective cost (the discounted cost for covered usage, the
  unblended cost for plain usage) and leaves fees, negations, taxes and credits to the central
  account, outside the team report.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

AS_OF = "2026-11"
REGION = "us-east-1"
#: Dated figures the notebook shows (value, source); checked against the AWS pages named.
FACTS = (
    ("Budgets: notifications per budget", "up to 10",
     "https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_Notification.html"),
    ("Budgets: subscribers per notification", "1 SNS topic + up to 10 email addresses",
     "https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_NotificationWithSubscribers.html"),
    ("Budgets: refresh", "up to 3 times a day (typically 8-12 h apart)",
     "https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html"),
    ("Budgets: price", "monitoring budgets free; action-enabled budgets: 62 budget-days a month "
     "free (about 2 budgets), then $0.10 per budget-day; $0.01 per budget report",
     "https://aws.amazon.com/aws-cost-management/aws-budgets/pricing/"),
    ("Cost Explorer API: price", "$0.01 per request (each page counts)",
     "https://aws.amazon.com/aws-cost-management/aws-cost-explorer/faqs/"),
    ("Cost Explorer API: history and forecast",
     "13 months back plus the current month; forecast 3 months daily, 12 months monthly",
     "https://docs.aws.amazon.com/cost-management/latest/userguide/ce-api-best-practices.html"),
    ("Cost allocation tag backfill", "activation status back to the previous 12 months, "
     "one request per 24 h",
     "https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_StartCostAllocationTagBackfill.html"),
    ("Data Exports: delivery", "first delivery within 24 h, refreshed at least once a day; "
     "gzip CSV or Parquet to S3",
     "https://docs.aws.amazon.com/cur/latest/userguide/dataexports-create.html"),
    ("CloudWatch billing metric", "AWS/Billing EstimatedCharges, us-east-1 only, several "
     "updates a day; enabling it cannot be undone",
     "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/monitor_estimated_charges_with_cloudwatch.html"),
    ("Savings Plans: maximum discount", "Compute SP up to 66 %, EC2 Instance SP up to 72 % "
     "(1 or 3 years)", "https://aws.amazon.com/savingsplans/compute-pricing/"),
)

UNTAGGED = "(untagged)"
#: CUR 2.0 line types and the column that holds their cost in the team chargeback (None: left
#: to the central account).
CHARGEBACK = {
    "Usage": "line_item_unblended_cost",
    "SavingsPlanCoveredUsage": "savings_plan_savings_plan_effective_cost",
    "DiscountedUsage": "reservation_effective_cost",
    "SavingsPlanNegation": None, "SavingsPlanRecurringFee": None, "SavingsPlanUpfrontFee": None,
    "RIFee": None, "Fee": None, "Tax": None, "Credit": None, "Refund": None,
}


def facts_table() -> pd.DataFrame:
    """:data:`FACTS` as a DataFrame, for the notebook."""
    import pandas as pd

    return pd.DataFrame(FACTS, columns=["fact", f"as of {AS_OF}", "source"]).set_index("fact")


# -- budget alerts ---------------------------------------------------------------------------

#: Budget notification comparisons (``ComparisonOperator``), as of 2026.
COMPARISONS = {"GREATER_THAN": lambda a, b: a > b, "LESS_THAN": lambda a, b: a < b,
               "EQUAL_TO": lambda a, b: a == b}


def threshold_amount(limit: float, notification: Mapping) -> float:
    """The dollar amount a notification compares with: ``Threshold`` percent of the limit when
    ``ThresholdType`` is ``PERCENTAGE`` (or absent), the ``Threshold`` itself when it is
    ``ABSOLUTE_VALUE``; rounded to the cent."""
    threshold = float(notification["Threshold"])
    if notification.get("ThresholdType", "PERCENTAGE") == "ABSOLUTE_VALUE":
        return round(threshold, 2)
    return round(float(limit) * threshold / 100, 2)


def alert_fires(limit: float, notification: Mapping, actual: float, forecasted: float) -> bool:
    """The reference for Exercise 6: whether a budget notification is in ``ALARM``. The spend
    compared is ``actual`` for an ``ACTUAL`` notification and ``forecasted`` for a
    ``FORECASTED`` one, rounded to the cent; the comparison is ``ComparisonOperator``."""
    spend = actual if notification["NotificationType"] == "ACTUAL" else forecasted
    compare = COMPARISONS[notification["ComparisonOperator"]]
    return compare(round(float(spend), 2), threshold_amount(limit, notification))


# -- Cost Explorer ---------------------------------------------------------------------------

def cost_by_service(results_by_time: Iterable[Mapping], metric: str = "UnblendedCost") -> pd.DataFrame:
    """The reference for Exercise 3: ``ResultsByTime`` entries (from every page, grouped by
    ``SERVICE``) as a table.

    Index ``service``; one float column per month (``"YYYY-MM"``, ascending; 0.0 where a service
    had no cost); then ``change`` (last month minus the month before) and ``change_pct``
    (``100 * change / previous``, NaN when the previous month is 0). Rows sorted by the last
    month's cost, highest first, ties by service name. A month may come back on several pages:
    its groups add up.
    """
    import pandas as pd

    amounts: dict[tuple[str, str], float] = {}
    months: set[str] = set()
    for period in results_by_time:
        month = period["TimePeriod"]["Start"][:7]
        months.add(month)
        for group in period.get("Groups", []):
            key = (group["Keys"][0], month)
            amounts[key] = amounts.get(key, 0.0) + float(group["Metrics"][metric]["Amount"])
    order = sorted(months)
    services = sorted({service for service, _ in amounts})
    table = pd.DataFrame([[amounts.get((s, m), 0.0) for m in order] for s in services],
                         index=pd.Index(services, name="service"), columns=order, dtype=float)
    last, previous = table[order[-1]], table[order[-2]]
    table["change"] = last - previous
    table["change_pct"] = (100 * table["change"] / previous.where(previous != 0)).astype(float)
    table = table.assign(_name=table.index).sort_values([order[-1], "_name"],
                                                         ascending=[False, True])
    return table.drop(columns="_name")


# -- tag compliance --------------------------------------------------------------------------

def arn_service(arn: str) -> str:
    """``arn:aws:ec2:us-east-1:123456789012:instance/i-1`` -> ``ec2``."""
    parts = arn.split(":")
    return parts[2] if len(parts) > 2 else ""


def tag_findings(tags: Iterable[Mapping], required: Mapping[str, Iterable[str] | None]) -> tuple[list, list]:
    """``(missing, invalid)`` for one resource: required keys absent (exact, case-sensitive
    match) or with an empty or blank value; and keys present whose value is not one of the
    allowed values (``None`` allows any non-blank value). Both sorted."""
    values = {t["Key"]: t.get("Value", "") for t in tags if not t["Key"].startswith("aws:")}
    missing, invalid = [], []
    for key, allowed in required.items():
        value = values.get(key)
        if value is None or not str(value).strip():
            missing.append(key)
        elif allowed is not None and value not in set(allowed):
            invalid.append(key)
    return sorted(missing), sorted(invalid)


def tag_compliance(resources: Iterable[Mapping],
                   required: Mapping[str, Iterable[str] | None]) -> pd.DataFrame:
    """The reference for Exercise 4: one row per resource of a ``ResourceTagMappingList``,
    indexed by ``ResourceARN`` (sorted), with columns ``service`` (from the ARN), ``missing`` and
    ``invalid`` (sorted lists of tag keys, see :func:`tag_findings`) and ``compliant`` (both
    empty)."""
    import pandas as pd

    rows = []
    for resource in resources:
        missing, invalid = tag_findings(resource.get("Tags", []), required)
        rows.append({"ResourceARN": resource["ResourceARN"],
                     "service": arn_service(resource["ResourceARN"]),
                     "missing": missing, "invalid": invalid,
                     "compliant": not missing and not invalid})
    frame = pd.DataFrame(rows, columns=["ResourceARN", "service", "missing", "invalid", "compliant"])
    return frame.set_index("ResourceARN").sort_index()


# -- the usage report (CUR 2.0) --------------------------------------------------------------

def tag_value(resource_tags, tag: str) -> str:
    """A CUR 2.0 ``resource_tags`` cell (a JSON object, ``{"user_team": "web"}``) -> the value of
    user tag ``tag``, or :data:`UNTAGGED` when absent or blank."""
    if isinstance(resource_tags, str):
        resource_tags = json.loads(resource_tags) if resource_tags.strip() else {}
    elif resource_tags is None or (isinstance(resource_tags, float) and math.isnan(resource_tags)):
        resource_tags = {}
    value = (resource_tags or {}).get(f"user_{tag}")
    return value if isinstance(value, str) and value.strip() else UNTAGGED


def chargeback_cost(cur: pd.DataFrame) -> pd.Series:
    """Each line's cost in the team chargeback (see :data:`CHARGEBACK`), 0.0 for lines left to the
    central account."""
    import pandas as pd

    cost = pd.Series(0.0, index=cur.index)
    for line_type, column in CHARGEBACK.items():
        if column:
            rows = cur["line_item_line_item_type"] == line_type
            cost[rows] = cur.loc[rows, column].astype(float)
    return cost


def team_costs(cur: pd.DataFrame, tag: str = "team") -> pd.DataFrame:
    """The reference for Exercise 5: chargeback cost per value of user tag ``tag`` (index, named
    ``tag``; :data:`UNTAGGED` for lines without it) and per usage month (columns ``"YYYY-MM"``,
    ascending; 0.0 where a team had nothing), rows sorted by name. Only lines with a cost in the
    chargeback count; a value seen only on other lines does not make a row."""
    cost = chargeback_cost(cur)
    charged = cost.index[cur["line_item_line_item_type"].map(CHARGEBACK).notna()]
    frame = cur.loc[charged].assign(
        _cost=cost[charged],
        _team=cur.loc[charged, "resource_tags"].map(lambda cell: tag_value(cell, tag)),
        _month=cur.loc[charged, "line_item_usage_start_date"].astype(str).str[:7])
    table = frame.pivot_table(index="_team", columns="_month", values="_cost", aggfunc="sum",
                              fill_value=0.0)
    table.index.name, table.columns.name = tag, None
    return table.astype(float).sort_index()
