"""grader/state/budgets.py reads a budget's subscribers, which moto stores but cannot describe."""

from __future__ import annotations

from grader.state import budgets as state

NOTIFICATION = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80}
EMAIL = {"SubscriptionType": "EMAIL", "Address": "a@example.com"}


def test_budget_returns_notifications_with_subscribers(session):
    session.client("budgets").create_budget(
        AccountId="123456789012",
        Budget={"BudgetName": "b", "BudgetType": "COST", "TimeUnit": "MONTHLY",
                "BudgetLimit": {"Amount": "5", "Unit": "USD"}},
        NotificationsWithSubscribers=[{"Notification": NOTIFICATION, "Subscribers": [EMAIL]}])
    found = state.budget(session, "123456789012", "b")
    assert found["Budget"]["BudgetLimit"] == {"Amount": "5", "Unit": "USD"}
    assert found["Notifications"][0] == {"Notification": NOTIFICATION, "Subscribers": [EMAIL]}


def test_missing_budget_and_topic_are_none(session):
    assert state.budget(session, "123456789012", "nope") is None
    assert state.topic_policy(session, "arn:aws:sns:us-east-1:123456789012:nope") is None
