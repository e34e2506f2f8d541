"""The checks of topic 09: a cost budget and its alerts read back from the mock, the SNS topic
policy behind them, and learners' analyses against the references; every learner message pinned."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from grader.checks import budgets as checks
from grader.scenarios import cost
from grader.sim import cost_report as sim

from .failures import failure

ACCOUNT = "123456789012"
EMAILS = ["a@example.com", "b@example.com"]


@pytest.fixture
def topic(session):
    return session.client("sns").create_topic(Name="alerts")["TopicArn"]


def budget(session, topic, *, kind="COST", unit="MONTHLY", amount="100", thresholds=(("ACTUAL", 80),
           ("FORECASTED", 100)), threshold_type="PERCENTAGE", emails=EMAILS, sns=True):
    subscribers = [{"SubscriptionType": "EMAIL", "Address": e} for e in emails]
    subscribers += [{"SubscriptionType": "SNS", "Address": topic}] if sns else []
    session.client("budgets").create_budget(
        AccountId=ACCOUNT, Budget={"BudgetName": "b", "BudgetType": kind, "TimeUnit": unit,
                                   "BudgetLimit": {"Amount": amount, "Unit": "USD"}},
        NotificationsWithSubscribers=[
            {"Notification": {"NotificationType": t, "ComparisonOperator": "GREATER_THAN",
                              "Threshold": v, "ThresholdType": threshold_type},
             "Subscribers": subscribers} for t, v in thresholds])


def test_a_complete_budget_passes_every_check(session, topic):
    budget(session, topic, amount="100.0")
    checks.cost_budget(session, ACCOUNT, "b", 100)
    checks.budget_alerts(session, ACCOUNT, "b")
    checks.budget_subscribers(session, ACCOUNT, "b", EMAILS, topic)


def test_missing_budget_says_so(session):
    lines = failure(checks.cost_budget, session, ACCOUNT, "nope", 10)
    assert lines["found"] == "no such budget" and "create_budget" in lines["next"]


def test_yearly_budget_names_the_time_unit(session, topic):
    budget(session, topic, unit="ANNUALLY")
    lines = failure(checks.cost_budget, session, ACCOUNT, "b", 100)
    assert lines["found"] == "BudgetType COST, TimeUnit ANNUALLY"


def test_wrong_limit_names_both_amounts(session, topic):
    budget(session, topic, amount="99")
    lines = failure(checks.cost_budget, session, ACCOUNT, "b", 100)
    assert lines["expected"] == "a limit of 100 USD" and lines["found"] == "a limit of 99 USD"


def test_budget_without_notifications_notifies_no_one(session):
    session.client("budgets").create_budget(AccountId=ACCOUNT, Budget={
        "BudgetName": "b", "BudgetType": "COST", "TimeUnit": "MONTHLY",
        "BudgetLimit": {"Amount": "1", "Unit": "USD"}})
    lines = failure(checks.budget_alerts, session, ACCOUNT, "b")
    assert lines["found"] == "no notifications" and "notifies no one" in lines["next"]
    lines = failure(checks.budget_subscribers, session, ACCOUNT, "b", EMAILS, "t")
    assert lines["found"] == "no notifications"


def test_absolute_thresholds_are_explained(session, topic):
    budget(session, topic, threshold_type="ABSOLUTE_VALUE")
    lines = failure(checks.budget_alerts, session, ACCOUNT, "b")
    assert "ACTUAL GREATER_THAN 80 ABSOLUTE_VALUE" in lines["found"] and "$80" in lines["next"]


def test_missing_forecast_alert_fails(session, topic):
    budget(session, topic, thresholds=(("ACTUAL", 80),))
    assert "FORECASTED" in failure(checks.budget_alerts, session, ACCOUNT, "b")["next"]


def test_subscribers_without_the_topic_name_who_is_missing(session, topic):
    budget(session, topic, sns=False)
    lines = failure(checks.budget_subscribers, session, ACCOUNT, "b", EMAILS, topic)
    assert f"SNS {topic}" in lines["expected"] and "SNS" not in lines["found"]


def policy(topic, **statement):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sns:Publish", "Resource": topic, **statement}]})


def set_policy(session, topic, **statement):
    session.client("sns").set_topic_attributes(TopicArn=topic, AttributeName="Policy",
                                               AttributeValue=policy(topic, **statement))


def test_default_topic_policy_keeps_budgets_out(session, topic):
    lines = failure(checks.budgets_can_publish, session, topic, ACCOUNT)
    assert "never arrive" in lines["found"] and "budgets.amazonaws.com" in lines["next"]


def test_scoped_budgets_statement_passes(session, topic):
    set_policy(session, topic, Principal={"Service": "budgets.amazonaws.com"},
               Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}})
    checks.budgets_can_publish(session, topic, ACCOUNT)
    checks.only_budgets_can_publish(session, topic, ACCOUNT)


@pytest.mark.parametrize(("statement", "found", "advice"), [
    pytest.param({"Principal": "*"}, "anyone on the internet may publish", "instead of '*'", id="star"),
    pytest.param({"Principal": {"Service": "budgets.amazonaws.com"}},
                 "AWS Budgets acting for account 210987654321 may publish", "confused deputy",
                 id="no-condition"),
    pytest.param({"Principal": "*", "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
                 "another AWS service (EventBridge) may publish", "instead of '*'", id="any-service"),
])
def test_open_topic_policies_fail_with_the_intruder(session, topic, statement, found, advice):
    set_policy(session, topic, **statement)
    lines = failure(checks.only_budgets_can_publish, session, topic, ACCOUNT)
    assert lines["found"] == found and advice in lines["next"]


def test_missing_topic_says_so(session):
    lines = failure(checks.budgets_can_publish, session, "arn:aws:sns:us-east-1:123456789012:nope", ACCOUNT)
    assert lines["found"] == "no such topic"


def reference_table(session, start, end):
    """A correct learner answer: every page, then the reference table."""
    ce, token, results = session.client("ce"), None, []
    while True:
        page = ce.get_cost_and_usage(TimePeriod={"Start": start, "End": end}, Granularity="MONTHLY",
                                     Metrics=["UnblendedCost"],
                                     GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}],
                                     **({"NextPageToken": token} if token else {}))
        results += page["ResultsByTime"]
        token = page.get("NextPageToken")
        if not token:
            return sim.cost_by_service(results)


def test_cost_table_agrees_with_a_paging_answer(session):
    rows = cost.monthly_costs(seed=2)
    for part in ("months", "changes"):
        checks.cost_table_agrees(reference_table, session, rows, "2026-05-01", "2026-11-01",
                                 page_size=3, part=part)


def test_cost_table_first_page_only_misses_services(session):
    def first_page(session, start, end):
        table = reference_table(session, start, end)
        return table.iloc[:2]
    lines = failure(checks.cost_table_agrees, first_page, session, cost.monthly_costs(seed=2),
                    "2026-05-01", "2026-11-01")
    assert lines["found"].startswith("missing [") and "NextPageToken" in lines["next"]


def test_cost_table_not_a_frame_names_the_type(session):
    lines = failure(checks.cost_table_agrees, lambda s, a, b: None, session, cost.monthly_costs(seed=2),
                    "2026-05-01", "2026-11-01")
    assert lines["found"] == "None (a NoneType)"


def test_cost_table_wrong_order_fails_only_the_changes_part(session):
    def by_name(session, start, end):
        return reference_table(session, start, end).sort_index()
    rows = cost.monthly_costs(seed=2)
    checks.cost_table_agrees(by_name, session, rows, "2026-05-01", "2026-11-01")
    lines = failure(checks.cost_table_agrees, by_name, session, rows, "2026-05-01", "2026-11-01",
                    part="changes")
    assert "highest first" in lines["next"]


def test_cost_table_ratio_instead_of_percent_names_the_column(session):
    def ratio(session, start, end):
        table = reference_table(session, start, end)
        table["change_pct"] = table["change_pct"] / 100
        return table
    lines = failure(checks.cost_table_agrees, ratio, session, cost.monthly_costs(seed=2),
                    "2026-05-01", "2026-11-01", part="changes")
    assert lines["expected"].startswith("change_pct = ") and "100 * change" in lines["next"]


REQUIRED = {"team": ["web", "data", "platform"], "env": ["prod", "staging", "dev"], "cost-center": None}


def test_tag_report_agrees_with_the_reference_itself():
    checks.tag_report_agrees(lambda r, q: sim.tag_compliance(r, q).reset_index(), cost.inventory(1), REQUIRED)


def test_tag_report_case_insensitive_keys_are_caught():
    def lowered(resources, required):
        for r in resources:
            r["Tags"] = [{**t, "Key": t["Key"].lower()} for t in r["Tags"]]
        return sim.tag_compliance(resources, required)
    lines = failure(checks.tag_report_agrees, lowered, cost.inventory(1), REQUIRED)
    assert lines["expected"].startswith("missing = [") and "case-sensitive" in lines["next"]
    assert "('Cost-Center'," in lines["what"], "the message shows the tags as given"


def test_tag_report_wrong_flag_is_caught():
    def flipped(resources, required):
        table = sim.tag_compliance(resources, required)
        table["compliant"] = True
        return table
    lines = failure(checks.tag_report_agrees, flipped, cost.inventory(1), REQUIRED)
    assert lines["expected"] == "compliant = False" and "both lists are empty" in lines["next"]


def test_team_costs_agrees_with_the_reference_itself():
    cur = cost.usage_report_frame(9)
    checks.team_costs_agrees(lambda c, t: sim.team_costs(c, t), cur, "team")


def test_team_costs_dropping_untagged_is_caught():
    cur = cost.usage_report_frame(9)
    lines = failure(checks.team_costs_agrees, lambda c, t: sim.team_costs(c, t).drop(sim.UNTAGGED),
                    cur, "team")
    assert lines["found"] == "missing ['(untagged)']" and "groupby drops" in lines["next"]


def test_team_costs_invoice_view_is_caught():
    def invoice(cur, tag):
        table = sim.team_costs(cur, tag)
        return table * 1.3
    lines = failure(checks.team_costs_agrees, invoice, cost.usage_report_frame(9), "team")
    assert "effective_cost" in lines["next"]


def test_team_costs_missing_month_column_is_named():
    lines = failure(checks.team_costs_agrees, lambda c, t: pd.DataFrame({"x": [1]}),
                    cost.usage_report_frame(9), "team")
    assert lines["expected"].startswith("columns ['2026-08'") and "YYYY-MM" in lines["next"]


def test_publishers_before_and_after_a_scoped_statement(session, topic):
    before = checks.publishers(session, topic, ACCOUNT)
    assert set(before.values()) == {"implicitDeny"}
    set_policy(session, topic, Principal={"Service": "budgets.amazonaws.com"},
               Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}})
    after = checks.publishers(session, topic, ACCOUNT)
    allowed = [name for name, decision in after.items() if decision == "allowed"]
    assert allowed == ["AWS Budgets, this account"]


ALERTS = [{"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80},
          {"NotificationType": "FORECASTED", "ComparisonOperator": "LESS_THAN", "Threshold": 20,
           "ThresholdType": "ABSOLUTE_VALUE"}]


def test_alert_evaluator_agrees_with_the_reference():
    checks.alert_evaluator_agrees(sim.alert_fires, checks.alert_cases([100, 40], ALERTS, [(0, 0), (80, 90)]))


def test_alert_evaluator_names_the_first_miss():
    def percent_only(limit, n, actual, forecasted):
        spend = actual if n["NotificationType"] == "ACTUAL" else forecasted
        return spend > limit * n["Threshold"] / 100 if n["ComparisonOperator"] == "GREATER_THAN" \
            else spend < limit * n["Threshold"] / 100
    lines = failure(checks.alert_evaluator_agrees, percent_only,
                    checks.alert_cases([40], ALERTS, [(0, 19.99)]))
    assert lines["what"] == ("alert_fires agrees with the course's reference on 1 of 2 cases; first "
                             "miss: limit $40, FORECASTED LESS_THAN 20 ABSOLUTE_VALUE, actual $0, "
                             "forecasted $19.99")
    assert lines["expected"] == "True" and "ABSOLUTE_VALUE" in lines["next"]
