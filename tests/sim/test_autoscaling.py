"""The Auto Scaling simulator (grader/sim/autoscaling.py): AWS's step-scaling rules, from tables,
and the course's target-tracking replay."""

from __future__ import annotations

import pytest

from grader.scenarios.autoscaling import synthetic_load
from grader.sim import autoscaling as sim

UP = {"Threshold": 60, "ComparisonOperator": "GreaterThanOrEqualToThreshold"}
DOWN = {"Threshold": 30, "ComparisonOperator": "LessThanOrEqualToThreshold"}
OUT = {
    "AdjustmentType": "ChangeInCapacity",
    "StepAdjustments": [
        {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 15, "ScalingAdjustment": 1},
        {"MetricIntervalLowerBound": 15, "ScalingAdjustment": 3},
    ],
}
IN = {
    "AdjustmentType": "ChangeInCapacity",
    "StepAdjustments": [
        {"MetricIntervalLowerBound": -10, "MetricIntervalUpperBound": 0, "ScalingAdjustment": -1},
        {"MetricIntervalUpperBound": -10, "ScalingAdjustment": -2},
    ],
}


def group(desired, low=2, high=10):
    return {"DesiredCapacity": desired, "MinSize": low, "MaxSize": high}


@pytest.mark.parametrize(
    ("policy", "alarm", "metric", "desired", "expected"),
    [
        pytest.param(OUT, UP, 59.9, 4, 4, id="not-breached-no-change"),
        pytest.param(OUT, UP, 60, 4, 5, id="at-threshold-lower-bound-inclusive"),
        pytest.param(OUT, UP, 74.9, 4, 5, id="below-upper-bound"),
        pytest.param(OUT, UP, 75, 4, 7, id="upper-bound-exclusive-next-step"),
        pytest.param(OUT, UP, 99, 9, 10, id="clamped-to-max"),
        pytest.param(IN, DOWN, 30, 4, 3, id="downward-upper-bound-inclusive"),
        pytest.param(IN, DOWN, 20, 4, 2, id="downward-lower-bound-exclusive"),
        pytest.param(IN, DOWN, 25, 2, 2, id="clamped-to-min"),
        pytest.param(IN, DOWN, 30.1, 4, 4, id="downward-not-breached"),
        pytest.param(
            {
                "AdjustmentType": "ExactCapacity",
                "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 6}],
            },
            UP,
            61,
            3,
            6,
            id="exact-capacity",
        ),
        pytest.param(
            {
                "AdjustmentType": "ChangeInCapacity",
                "StepAdjustments": [{"MetricIntervalLowerBound": 10, "ScalingAdjustment": 1}],
            },
            UP,
            65,
            3,
            3,
            id="no-step-covers",
        ),
    ],
)
def test_step_scaling_follows_intervals_directions_and_bounds(policy, alarm, metric, desired, expected):
    assert sim.step_scaling_capacity(policy, alarm, metric, group(desired)) == expected


@pytest.mark.parametrize(
    ("capacity", "percent", "magnitude", "change"),
    [
        pytest.param(10, 127, None, 12, id="above-1-rounded-down"),
        pytest.param(3, 20, None, 1, id="between-0-and-1-becomes-1"),
        pytest.param(3, -20, None, -1, id="between-minus-1-and-0-becomes-minus-1"),
        pytest.param(20, -33, None, -6, id="below-minus-1-rounded-up"),
        pytest.param(10, 10, None, 1, id="exactly-1"),
        pytest.param(0, 50, None, 0, id="nothing-of-nothing"),
        pytest.param(4, 25, 2, 2, id="min-magnitude-docs-example"),
        pytest.param(4, -25, 2, -2, id="min-magnitude-scale-in"),
        pytest.param(10, 50, 2, 5, id="min-magnitude-already-met"),
    ],
)
def test_percent_change_rounds_as_aws_documents(capacity, percent, magnitude, change):
    assert sim.percent_change(capacity, percent, magnitude) == change


def test_unknown_adjustment_type_is_a_bug_not_an_answer():
    with pytest.raises(ValueError, match="AdjustmentType"):
        sim.step_scaling_capacity(
            {
                "AdjustmentType": "Percent",
                "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
            },
            UP,
            70,
            group(3),
        )


@pytest.mark.parametrize(
    ("load", "args", "expected"),
    [
        pytest.param([100, 300, 300], (50, 1, 10, 2), [2, 4, 6], id="out-at-once-as-far-as-it-can-see"),
        pytest.param([900] * 4, (50, 2, 20, 2), [4, 8, 16, 18], id="saturated-doubles"),
        pytest.param([200, 100, 100, 100], (50, 1, 10, 4), [4, 4, 4, 2], id="in-on-third-low-period"),
        pytest.param(
            [100, 100, 200, 100, 100, 100], (50, 1, 10, 4), [4, 4, 4, 4, 4, 2], id="dip-resets-count"
        ),
        pytest.param([10, 10], (50, 3, 5, 9), [5, 5], id="start-clamped"),
    ],
)
def test_replay_scales_out_fast_and_in_gradually(load, args, expected):
    assert sim.replay_target_tracking(load, *args) == expected


def test_replay_with_patience_one_follows_the_load():
    assert sim.replay_target_tracking([300, 100, 250], 50, 1, 10, 6, 1) == [6, 2, 4]


def test_day_summary_counts_cost_overload_and_changes():
    summary = sim.day_summary([100, 300, 300], [2, 6, 6], start=2, period_minutes=60)
    assert summary == {
        "instance_hours": 10.0,
        "overloaded_periods": 1,
        "peak_cpu": 100.0,
        "scaling_changes": 1,
    }


def test_shipped_day_is_reproducible_and_shaped_like_a_working_day():
    day = synthetic_load()
    assert day == synthetic_load() and len(day) == 288 and all(isinstance(v, int) and v > 0 for v in day)
    assert max(day[:60]) < min(day[200:230])  # the night is quieter than the evening peak
    assert synthetic_load(seed=12) != day


def test_quotas_and_defaults_are_dated():
    assert sim.AS_OF == "2026-11" and ("Scheduled actions per group", 125, False) in sim.QUOTAS
    assert all(row[3].startswith("https://docs.aws.amazon.com/") for row in sim.DEFAULTS)
