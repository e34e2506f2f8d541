"""Read AWS Budgets configuration from the mock into plain data.

moto 5.2.5 stores each notification's subscribers but does not implement
``describe_subscribers_for_notification`` (shared/research/moto-5.2.5.md, topic 9), so
:func:`budget` reads them from moto's backend, the one place they are kept; everything else
comes back in the shape ``describe_budget`` and ``describe_notifications_for_budget`` use.
"""

from __future__ import annotations

from botocore.exceptions import ClientError


def budget(session, account_id: str, name: str) -> dict | None:
    """``{"Budget": <describe_budget shape>, "Notifications": [{"Notification": {...},
    "Subscribers": [...]}]}`` for budget ``name`` of ``account_id``, or None when it does not
    exist."""
    from moto.budgets.models import budgets_backends

    client = session.client("budgets")
    try:
        described = client.describe_budget(AccountId=account_id, BudgetName=name)["Budget"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "NotFoundException":
            return None
        raise
    stored = budgets_backends[account_id]["aws"].budgets[account_id][name]
    notifications = [{"Notification": dict(n.details), "Subscribers": list(n.subscribers)}
                     for n in stored.notifications]
    return {"Budget": described, "Notifications": notifications}


def topic_policy(session, topic_arn: str) -> dict | None:
    """The access policy of SNS topic ``topic_arn`` as a dict, or None when the topic does not
    exist."""
    import json

    try:
        attributes = session.client("sns").get_topic_attributes(TopicArn=topic_arn)["Attributes"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NotFound", "NotFoundException"):
            return None
        raise
    return json.loads(attributes.get("Policy") or "{}")
