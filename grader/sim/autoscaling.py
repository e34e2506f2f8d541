"""What an EC2 Auto Scaling group would do, for topic 11: step-scaling arithmetic and a day of
target tracking, plus the dated limits and defaults the notebook shows.

moto stores groups, launch templates, scaling policies and scheduled actions, but never
evaluates an alarm, never runs a policy on a metric and never replaces an instance. Here:

* :func:`step_scaling_capacity` is AWS's documented step-scaling rule: the step whose interval
  (relative to the alarm threshold) holds the metric, the adjustment type, the rounding of
  ``PercentChangeInCapacity``, ``MinAdjustmentMagnitude``, then the group's min and max.
* :func:`replay_target_tracking` is the **course's model** of target tracking (AWS does not
  publish its algorithm): scale out proportionally at once, scale in only after the metric has
  stayed low for a few periods. It keeps AWS's documented shape: "out fast, in gradually".

Pure: plain dicts and lists in, numbers out; no boto3, no moto.
"""

from __future__ import annotations

import math
from fractions import Fraction

AS_OF = "2026-11"
REGION = "us-east-1"
QUOTAS_URL = "https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-quotas.html"

#: (what, value, can it be raised) -- the quotas page above, as of AS_OF.
QUOTAS = (
    ("Auto Scaling groups per Region", 500, True),
    ("Launch configurations per Region", 200, True),
    ("Scaling policies per group", 50, False),
    ("Scheduled actions per group", 125, False),
    ("Step adjustments per step scaling policy", 20, False),
    ("Lifecycle hooks per group", 50, False),
    ("Elastic Load Balancing target groups per group", 50, False),
)

#: (setting, default through the API/SDK, default in the console, source page) as of AS_OF.
DEFAULTS = (
    ("Health check grace period", "0 s (off)", "300 s",
     "https://docs.aws.amazon.com/autoscaling/ec2/userguide/health-check-grace-period.html"),
    ("Health check type", "EC2 status checks", "EC2 status checks",
     "https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-health-checks.html"),
    ("Default cooldown (simple scaling)", "300 s", "300 s",
     "https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scaling-cooldowns.html"),
    ("Scheduled action time zone", "UTC", "Etc/UTC",
     "https://docs.aws.amazon.com/autoscaling/ec2/userguide/scheduled-scaling-create-scheduled-action.html"),
    ("Lifecycle hook heartbeat timeout", "3600 s (30-7200 s)", "3600 s",
     "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutLifecycleHook.html"),
    ("Lifecycle hook longest wait", "48 h or 100 x heartbeat, the smaller", "same",
     "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_LifecycleHook.html"),
    ("Instance refresh minimum healthy", "90 %", "90 %",
     "https://docs.aws.amazon.com/autoscaling/ec2/userguide/understand-instance-refresh-default-values.html"),
    ("Instance refresh maximum healthy", "100 %", "100 %",
     "https://docs.aws.amazon.com/autoscaling/ec2/userguide/understand-instance-refresh-default-values.html"),
    ("Predictive scaling history needed", "24 h (uses up to 14 days)", "same",
     "https://docs.aws.amazon.com/autoscaling/ec2/userguide/predictive-scaling-policy-overview.html"),
)

ADJUSTMENT_TYPES = ("ChangeInCapacity", "ExactCapacity", "PercentChangeInCapacity")
_BREACHED = {
    "GreaterThanOrEqualToThreshold": lambda metric, threshold: metric >= threshold,
    "GreaterThanThreshold": lambda metric, threshold: metric > threshold,
    "LessThanThreshold": lambda metric, threshold: metric < threshold,
    "LessThanOrEqualToThreshold": lambda metric, threshold: metric <= threshold,
}


def clamp(capacity: int, min_size: int, max_size: int) -> int:
    """``capacity`` kept within the group's ``[min_size, max_size]``."""
    return max(min_size, min(max_size, capacity))


def percent_change(capacity: int, percent: int, min_magnitude: int | None = None) -> int:
    """Instances to add (or remove, negative) for ``PercentChangeInCapacity``: ``percent`` of
    ``capacity`` rounded as AWS documents it (above 1 down, between 0 and 1 to 1, between -1
    and 0 to -1, below -1 up, i.e. always towards zero except that a non-zero change is at least
    one instance), then at least ``min_magnitude`` instances when given."""
    raw = Fraction(capacity * percent, 100)
    if raw > 1:
        change = math.floor(raw)
    elif raw > 0:
        change = 1
    elif raw >= -1:
        change = -1 if raw < 0 else 0
    else:
        change = math.ceil(raw)
    if min_magnitude and 0 < abs(change) < min_magnitude:
        change = min_magnitude if change > 0 else -min_magnitude
    return change


def matching_step(steps, difference: float, above: bool) -> dict | None:
    """The step adjustment whose interval holds ``difference`` (metric minus threshold): for an
    alarm that breaches upwards ``lower <= difference < upper``, downwards
    ``lower < difference <= upper``; a missing bound is infinite. None when no step matches."""
    for step in steps:
        lower, upper = step.get("MetricIntervalLowerBound"), step.get("MetricIntervalUpperBound")
        if above:
            inside = (lower is None or difference >= lower) and (upper is None or difference < upper)
        else:
            inside = (lower is None or difference > lower) and (upper is None or difference <= upper)
        if inside:
            return step
    return None


def step_scaling_capacity(policy: dict, alarm: dict, metric: float, group: dict) -> int:
    """The group's desired capacity after its alarm sees ``metric`` once.

    ``policy``: ``AdjustmentType``, ``StepAdjustments`` (``describe_policies`` shape) and an
    optional ``MinAdjustmentMagnitude``. ``alarm``: ``Threshold`` and ``ComparisonOperator``.
    ``group``: ``DesiredCapacity``, ``MinSize``, ``MaxSize``. An alarm that is not breached, or
    a breach no step covers, leaves the capacity as it is; every result is kept within
    ``[MinSize, MaxSize]``.
    """
    capacity, operator = group["DesiredCapacity"], alarm["ComparisonOperator"]
    if not _BREACHED[operator](metric, alarm["Threshold"]):
        return capacity
    step = matching_step(policy["StepAdjustments"], metric - alarm["Threshold"],
                         above=operator.startswith("Greater"))
    if step is None:
        return capacity
    adjustment, kind = step["ScalingAdjustment"], policy["AdjustmentType"]
    if kind == "ExactCapacity":
        wanted = adjustment
    elif kind == "ChangeInCapacity":
        wanted = capacity + adjustment
    elif kind == "PercentChangeInCapacity":
        wanted = capacity + percent_change(capacity, adjustment, policy.get("MinAdjustmentMagnitude"))
    else:
        raise ValueError(f"unknown AdjustmentType {kind!r}; AWS has {', '.join(ADJUSTMENT_TYPES)}")
    return clamp(wanted, group["MinSize"], group["MaxSize"])


# -- a day of target tracking (the course's model) ------------------------------------------------

def busy(load: int, capacity: int) -> int:
    """The CPU the group actually delivers, in percent of one instance: the load, or all its
    instances at 100 % when the load is more than they can serve."""
    return min(load, 100 * capacity)


def wanted_capacity(load: int, capacity: int, target: int, min_size: int, max_size: int) -> int:
    """Instances that would bring the group's average CPU to ``target`` or just under, given what
    it serves now: ``ceil(busy / target)``, kept within the group's bounds. (A saturated group
    serves at most 100 % per instance, so it cannot see the whole load: it asks for
    ``100 / target`` times its size and learns more in the next period.)"""
    return clamp(-(-busy(load, capacity) // target), min_size, max_size)


def replay_target_tracking(load, target: int, min_size: int, max_size: int, start: int,
                           scale_in_after: int = 3) -> list[int]:
    """The group's capacity after each period of ``load`` (integers: the CPU demand in percent
    of one instance, e.g. 350 is three and a half busy instances), starting at ``start``.

    Each period: compute :func:`wanted_capacity` from the capacity in service. Wanted more: the
    capacity becomes that at once. Wanted fewer: the capacity drops to the latest wanted value
    only when the ``scale_in_after``-th period in a row wants fewer; any period that does not
    want fewer resets that count, as does every change.
    """
    capacity, low, out = clamp(start, min_size, max_size), 0, []
    for demand in load:
        wanted = wanted_capacity(demand, capacity, target, min_size, max_size)
        if wanted > capacity:
            capacity, low = wanted, 0
        elif wanted < capacity:
            low += 1
            if low >= scale_in_after:
                capacity, low = wanted, 0
        else:
            low = 0
        out.append(capacity)
    return out


def day_summary(load, capacities, start: int, period_minutes: int = 5) -> dict:
    """What a replayed day cost and how it served: instance-hours, periods where demand exceeded
    what the group could serve, and the highest average CPU. ``capacities[i]`` is the capacity
    after period ``i``; period ``i`` is served by the capacity before it (``start`` first)."""
    serving = [start, *capacities[:-1]]
    overloaded = sum(1 for demand, size in zip(load, serving, strict=True) if demand > 100 * size)
    return {
        "instance_hours": round(sum(serving) * period_minutes / 60, 2),
        "overloaded_periods": overloaded,
        "peak_cpu": round(max(busy(d, s) / s for d, s in zip(load, serving, strict=True)), 1),
        "scaling_changes": sum(1 for a, b in zip(serving, capacities, strict=True) if a != b),
    }
