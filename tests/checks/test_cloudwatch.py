"""The CloudWatch checks of topic 10: evaluators against grader.sim.cloudwatch, a CPU alarm read
from moto and judged by behaviour, composite rules, silent alarms; every learner message pinned."""

from __future__ import annotations

import pytest

from grader.checks import cloudwatch as checks
from grader.scenarios.cloudwatch import cpu_alarm, report_cpu, topic
from grader.sim import cloudwatch as sim

from .failures import failure

INSTANCE = "i-0aaaa1111bbbb2222"


# -- evaluators ---------------------------------------------------------------------------------

def test_reference_evaluator_agrees_with_itself_on_random_cases():
    checks.evaluator_agrees(sim.evaluate_alarm, checks.random_cases(1, 200))


def test_random_cases_are_reproducible_and_respect_their_options():
    assert checks.random_cases(5, 20) == checks.random_cases(5, 20)
    complete = checks.random_cases(6, 50, missing=False)
    assert all(None not in points for _, points in complete)
    assert {c["TreatMissingData"] for c, _ in checks.random_cases(7, 50, treat=("ignore",))} == {"ignore"}
    assert all(c["Threshold"] not in points for c, points in checks.random_cases(8, 50, exact=False))


def test_evaluator_that_ignores_gaps_fails_naming_the_case():
    def last_n(config, points):
        window = [v for v in points[-config["EvaluationPeriods"]:] if v is not None]
        breaching = sum(v > config["Threshold"] for v in window)
        return "ALARM" if breaching >= config["DatapointsToAlarm"] else "OK"

    cases = checks.cases([checks.config(threshold=80, n=3, m=3, treat="missing")], ["- - - - -"])
    found = failure(checks.evaluator_agrees, last_n, cases)
    assert "agrees with the course's reference on 0 of 1 cases" in found["what"]
    assert "datapoints (oldest first) [- - - - -]" in found["what"]
    assert found["expected"] == "'INSUFFICIENT_DATA'" and found["found"] == "'OK'"
    assert "Count first how many real" in found["next"]


# -- the CPU alarm ------------------------------------------------------------------------------

@pytest.fixture
def ops(session):
    return topic(session, "ops")


def test_cpu_alarm_passes_every_check(session, ops):
    cpu_alarm(session, "cpu", INSTANCE, actions=[ops], ok_actions=[ops], threshold=80)
    checks.watches_instance_cpu(session, "cpu", INSTANCE)
    checks.fires_like(session, "cpu", 80, 2, 3)
    checks.notifies(session, "cpu", ops)


def test_metric_math_form_of_the_same_metric_is_accepted(session, ops):
    cpu_alarm(session, "cpu", INSTANCE, actions=[ops], math=True)
    checks.watches_instance_cpu(session, "cpu", INSTANCE)


def test_missing_alarm_names_the_alarms_that_exist(session, ops):
    cpu_alarm(session, "other", INSTANCE, actions=[ops])
    found = failure(checks.watches_instance_cpu, session, None, INSTANCE)
    assert found["found"] == "no metric alarm named None (alarms in this account: ['other'])"
    assert "Return the AlarmName" in found["next"]


def test_alarm_without_dimension_fails_showing_both_metrics(session, ops):
    cpu_alarm(session, "cpu", None, actions=[ops])
    found = failure(checks.watches_instance_cpu, session, "cpu", INSTANCE)
    assert found["expected"] == f"AWS/EC2 CPUUtilization {{InstanceId={INSTANCE}}}"
    assert found["found"] == "AWS/EC2 CPUUtilization {}"
    assert "exact set of dimensions" in found["next"]


def test_wrong_period_fails_with_basic_monitoring_hint(session, ops):
    session.client("cloudwatch").put_metric_alarm(
        AlarmName="cpu", Namespace="AWS/EC2", MetricName="CPUUtilization", Statistic="Maximum",
        Dimensions=[{"Name": "InstanceId", "Value": INSTANCE}], Period=60, EvaluationPeriods=3,
        Threshold=80, ComparisonOperator="GreaterThanThreshold")
    found = failure(checks.watches_instance_cpu, session, "cpu", INSTANCE)
    assert found["found"] == "Statistic 'Maximum', Period 60"
    assert "every 5 minutes" in found["next"]


def test_condition_at_the_threshold_fails_on_the_series_that_shows_it(session, ops):
    session.client("cloudwatch").put_metric_alarm(
        AlarmName="cpu", Namespace="AWS/EC2", MetricName="CPUUtilization", Statistic="Average",
        Dimensions=[{"Name": "InstanceId", "Value": INSTANCE}], Period=300, EvaluationPeriods=3,
        DatapointsToAlarm=2, Threshold=80, ComparisonOperator="GreaterThanOrEqualToThreshold")
    found = failure(checks.fires_like, session, "cpu", 80, 2, 3)
    assert found["what"] == "Alarm 'cpu' goes to ALARM when CPU is above 80 for 2 of 3 periods"
    assert found["expected"] == "OK on [75, 80, 80]"
    assert found["found"] == "ALARM with GreaterThanOrEqualToThreshold 80.0, 2 of 3"


def test_swapped_m_and_n_fails(session, ops):
    cpu_alarm(session, "cpu", INSTANCE, datapoints_to_alarm=3, evaluation_periods=2)
    found = failure(checks.fires_like, session, "cpu", 80, 2, 3)
    assert "3 of 2" in found["found"] and "M is how many breaching periods" in found["next"]


def test_missing_ok_action_fails_naming_the_field(session, ops):
    cpu_alarm(session, "cpu", INSTANCE, actions=[ops])
    found = failure(checks.notifies, session, "cpu", ops)
    assert found["what"] == f"Alarm 'cpu' notifies {ops} when it goes to OK"
    assert found["found"] == "ActionsEnabled True, OKActions []"


def test_disabled_actions_fail(session, ops):
    cpu_alarm(session, "cpu", INSTANCE, actions=[ops], ok_actions=[ops], enabled=False)
    assert "ActionsEnabled False" in failure(checks.notifies, session, "cpu", ops)["found"]


# -- composite rules ----------------------------------------------------------------------------

NAMES = ["lat", "err", "deploy"]


def page(s):
    return s["lat"] == "ALARM" and s["err"] == "ALARM" and s["deploy"] != "ALARM"


def test_correct_rule_passes():
    checks.composite_rule_agrees('ALARM(lat) AND ALARM("err") AND NOT ALARM(deploy)', page, NAMES)


def test_rule_with_ok_instead_of_not_alarm_names_the_combination():
    found = failure(checks.composite_rule_agrees, "ALARM(lat) AND ALARM(err) AND OK(deploy)", page, NAMES)
    assert "for 26 of 27 combinations" in found["what"]
    assert found["expected"] == "ALARM when lat is ALARM, err is ALARM, deploy is INSUFFICIENT_DATA"
    assert found["found"].startswith("OK from ")


@pytest.mark.parametrize(("rule", "problem", "hint"), [
    pytest.param("ALARM(lat) AND ALARM(err) OR ALARM(deploy)", "AND and OR mixed", "parentheses",
                 id="mixed"),
    pytest.param(None, "not a string (NoneType)", "Return a string", id="none"),
])
def test_unreadable_rules_fail_with_a_reason(rule, problem, hint):
    found = failure(checks.composite_rule_agrees, rule, page, NAMES)
    assert problem in found["found"] and hint in found["next"]


# -- silent alarms ------------------------------------------------------------------------------

@pytest.fixture
def account(session, ops):
    report_cpu(session, "i-1", [10, 20])
    cpu_alarm(session, "good", "i-1", actions=[ops])
    cpu_alarm(session, "muted", "i-1", actions=[ops], enabled=False)
    cpu_alarm(session, "blind", None, actions=[ops])
    return session


def test_state_reads_the_account_once_into_sim_shapes(account, ops):
    from grader.state import cloudwatch as state
    alarms, metrics, targets = state.account(account)
    assert sorted(a["AlarmName"] for a in alarms) == ["blind", "good", "muted"]
    assert metrics == {sim.metric_key("AWS/EC2", "CPUUtilization", [{"Name": "InstanceId", "Value": "i-1"}])}
    assert targets == {ops}


def test_right_answer_passes(account):
    checks.silent_alarms_agree(lambda s: ["blind", "muted"], account)


def test_missed_alarm_is_named_with_its_reason(account):
    found = failure(checks.silent_alarms_agree, lambda s: ["muted"], account)
    assert found["expected"] == "['blind', 'muted']" and found["found"] == "['muted']"
    assert found["next"].startswith("Look again at 'blind': it watches AWS/EC2 CPUUtilization {}")


def test_extra_alarm_is_said_to_be_able_to_notify(account):
    found = failure(checks.silent_alarms_agree, lambda s: ["blind", "good", "muted"], account)
    assert found["next"].startswith("'good' can notify someone")


def test_none_is_not_a_list(account):
    found = failure(checks.silent_alarms_agree, lambda s: None, account)
    assert found["found"] == "None (a NoneType)"
