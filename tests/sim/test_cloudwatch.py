"""grader.sim.cloudwatch: alarm evaluation against the AWS missing-data tables, composite rules,
silent alarms."""

from __future__ import annotations

import pytest

from grader.sim import cloudwatch as sim

TREATS = ("missing", "ignore", "breaching", "notBreaching")
KEEP = "keep"  # "retain the current state" in the AWS tables

# alarms-and-missing-data.html: 3 evaluation periods, evaluation range 5, oldest first.
THREE_OF_THREE = [
    ("0 - X - X", "OK", "OK", "OK", "OK"),
    ("0 - - - -", "OK", "OK", "OK", "OK"),
    ("- - - - -", "INSUFFICIENT_DATA", KEEP, "ALARM", "OK"),
    ("0 X X - X", "ALARM", "ALARM", "ALARM", "ALARM"),
    ("- - X - -", "ALARM", KEEP, "ALARM", "OK"),
]
TWO_OF_THREE = [
    ("0 - X - X", "ALARM", "ALARM", "ALARM", "ALARM"),
    ("0 0 X 0 X", "ALARM", "ALARM", "ALARM", "ALARM"),
    ("0 - X - -", "OK", "OK", "ALARM", "OK"),
    ("- - - - 0", "OK", "OK", "ALARM", "OK"),
    ("- - - X -", "ALARM", KEEP, "ALARM", "OK"),
]


def alarm(m=3, n=3, treat="missing", current="OK", operator="GreaterThanThreshold", threshold=5):
    return {"ComparisonOperator": operator, "Threshold": threshold, "EvaluationPeriods": n,
            "DatapointsToAlarm": m, "TreatMissingData": treat, "StateValue": current}


@pytest.mark.parametrize("current", ["OK", "ALARM", "INSUFFICIENT_DATA"])
@pytest.mark.parametrize(("m", "row"), [pytest.param(3, r, id=f"3of3 {r[0]}") for r in THREE_OF_THREE]
                         + [pytest.param(2, r, id=f"2of3 {r[0]}") for r in TWO_OF_THREE])
def test_evaluation_matches_the_aws_missing_data_tables(m, row, current):
    marks, *wanted = row
    for treat, want in zip(TREATS, wanted, strict=True):
        config = alarm(m, 3, treat, current)
        assert sim.evaluate_alarm(config, sim.series(marks, config)) == (
            current if want == KEEP else want), (treat, marks)


@pytest.mark.parametrize(("operator", "value", "breaching"), [
    pytest.param("GreaterThanThreshold", 80, False, id="gt-at-threshold"),
    pytest.param("GreaterThanOrEqualToThreshold", 80, True, id="ge-at-threshold"),
    pytest.param("LessThanThreshold", 80, False, id="lt-at-threshold"),
    pytest.param("LessThanOrEqualToThreshold", 79.9, True, id="le-below"),
])
def test_operators_compare_value_with_threshold(operator, value, breaching):
    assert sim.breaches(alarm(operator=operator, threshold=80), value) is breaching


def test_m_of_n_counts_the_most_recent_real_datapoints_only():
    config = alarm(2, 3, threshold=80)
    assert sim.evaluate_alarm(config, [90, 90, 10, 10, 90]) == "OK"
    assert sim.evaluate_alarm(config, [10, 10, 90, 10, 90]) == "ALARM"
    assert sim.evaluate(config, [10, 10, 90, 10, 90]).judged == "X0X"


def test_datapoints_to_alarm_defaults_to_evaluation_periods_and_missing_mode():
    config = {"ComparisonOperator": "GreaterThanThreshold", "Threshold": 1, "EvaluationPeriods": 2}
    assert sim.evaluate_alarm(config, [5, 0]) == "OK"
    assert sim.evaluate_alarm(config, [None, None]) == "INSUFFICIENT_DATA"


def test_unknown_operator_or_missing_data_mode_is_refused():
    with pytest.raises(ValueError, match="static-threshold"):
        sim.breaches(alarm(operator="GreaterThanUpperThreshold"), 1)
    with pytest.raises(ValueError, match="TreatMissingData"):
        sim.evaluate(alarm(treat="sometimes"), [1])


def test_series_builds_breaching_values_for_either_direction():
    assert sim.series("X 0 -", alarm(threshold=10)) == [11, 9, None]
    assert sim.series("X 0 -", alarm(operator="LessThanThreshold", threshold=10)) == [9, 11, None]


# -- composite rules ----------------------------------------------------------------------------

@pytest.mark.parametrize(("rule", "states", "expected"), [
    pytest.param('ALARM("a") AND ALARM(b)', {"a": "ALARM", "b": "ALARM"}, True, id="and-quoted-or-not"),
    pytest.param('ALARM(a) AND NOT ALARM("deploy")', {"a": "ALARM", "deploy": "INSUFFICIENT_DATA"}, True,
                 id="not-alarm-passes-insufficient"),
    pytest.param('ALARM(a) AND OK("deploy")', {"a": "ALARM", "deploy": "INSUFFICIENT_DATA"}, False,
                 id="ok-is-not-not-alarm"),
    pytest.param("(ALARM(a) OR ALARM(b)) AND TRUE", {"a": "OK", "b": "ALARM"}, True, id="parentheses"),
    pytest.param("INSUFFICIENT_DATA(x)", {}, True, id="unknown-alarm-has-no-data"),
    pytest.param("NOT FALSE", {}, True, id="constants"),
    pytest.param('ALARM("api p99 latency")', {"api p99 latency": "ALARM"}, True, id="name-with-spaces"),
])
def test_rule_is_true(rule, states, expected):
    assert sim.rule_is_true(rule, states) is expected
    assert sim.composite_state(rule, states) == ("ALARM" if expected else "OK")


@pytest.mark.parametrize("rule", [
    pytest.param("ALARM(a) AND ALARM(b) OR ALARM(c)", id="and-or-mixed"),
    pytest.param("ALARM(a b)", id="unquoted-space"),
    pytest.param("ALARM()", id="no-name"),
    pytest.param("ALARM(a) AND", id="dangling-and"),
    pytest.param("ALARM(a))", id="extra-parenthesis"),
    pytest.param("MAYBE(a)", id="unknown-function"),
])
def test_rules_cloudwatch_would_refuse_raise_rule_error(rule):
    with pytest.raises(sim.RuleError):
        sim.parse_rule(rule)


def test_rule_alarms_lists_every_name_read():
    assert sim.rule_alarms('ALARM(a) AND (OK("b c") OR NOT INSUFFICIENT_DATA(d))') == {"a", "b c", "d"}


# -- silent alarms ------------------------------------------------------------------------------

TOPIC = "arn:aws:sns:us-east-1:123456789012:ops"
CPU = {"Namespace": "AWS/EC2", "MetricName": "CPUUtilization"}
WEB1 = [{"Name": "InstanceId", "Value": "i-1"}]


def stored(name, dims=WEB1, actions=(TOPIC,), enabled=True, **extra):
    return {"AlarmName": name, **CPU, "Dimensions": list(dims), "ActionsEnabled": enabled,
            "AlarmActions": list(actions), **extra}


METRICS = {sim.metric_key("AWS/EC2", "CPUUtilization", WEB1)}


@pytest.mark.parametrize(("alarm", "reason"), [
    pytest.param(stored("ok"), None, id="healthy"),
    pytest.param(stored("ec2", actions=["arn:aws:automate:us-east-1:ec2:stop"]), None, id="ec2-action"),
    pytest.param(stored("off", enabled=False), "actions are disabled", id="disabled"),
    pytest.param(stored("none", actions=[], OKActions=[TOPIC]), "no action for the ALARM", id="ok-only"),
    pytest.param(stored("gone", actions=[TOPIC + "-old"]), "does not exist", id="dangling-topic"),
    pytest.param(stored("blind", dims=[]), "AWS/EC2 CPUUtilization {}", id="no-dimension"),
    pytest.param(stored("extra", dims=WEB1 + [{"Name": "ImageId", "Value": "ami-1"}]), "no data",
                 id="extra-dimension"),
])
def test_silent_reasons(alarm, reason):
    reasons = sim.silent_reasons(alarm, METRICS, {TOPIC})
    assert (reasons == []) if reason is None else any(reason in r for r in reasons)


def test_metric_math_alarm_is_judged_by_its_metric_stat():
    math = {"AlarmName": "m", "ActionsEnabled": True, "AlarmActions": [TOPIC], "Metrics": [
        {"Id": "e", "Expression": "m1 * 2", "ReturnData": True},
        {"Id": "m1", "MetricStat": {"Metric": {**CPU, "Dimensions": WEB1}, "Period": 300,
                                    "Stat": "Average"}}]}
    assert sim.silent_reasons(math, METRICS, {TOPIC}) == []
    assert sim.silent_alarms([math, stored("off", enabled=False)], METRICS, {TOPIC}) == ["off"]


def test_limits_table_is_dated_and_sourced():
    assert sim.LIMITS and all(row["as of"] == sim.AS_OF and row["source"].startswith("https://")
                              for row in sim.LIMITS)
