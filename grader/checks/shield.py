"""Learner-facing checks on AWS Shield Advanced: which resources are protected, and that nobody
subscribed the account by accident.

moto stores subscriptions and protections but mitigates nothing, and (unlike AWS) accepts a
protection in an account without a subscription: these checks read what was stored. Notebooks
use them as ``from grader.checks import shield as check_shield``.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from grader.checks.base import Message

NOT_PROTECTED = Message(
    "Shield Advanced protects {resource}", "one protection whose ResourceArn is {resource}",
    "{found}", "Call shield.create_protection(Name=..., ResourceArn=<the load balancer's ARN>).")
WRONG_ID = Message(
    "The value your function returned", "the ProtectionId of the protection of {resource}, "
    "{protection_id!r}", "{value!r:.80} (a {type})",
    "Return create_protection(...)['ProtectionId'], or the Id of the protection that already "
    "exists.")
SUBSCRIBED = Message(
    "The account is still without a Shield Advanced subscription",
    "no subscription: subscribing is a 12-month commitment for a person to sign, never a side "
    "effect of a helper", "a subscription ({arn}), created by your function",
    "Check describe_subscription first; without a subscription return None and create nothing.")
PROTECTED_WITHOUT_SUBSCRIPTION = Message(
    "Nothing is protected in an account without a Shield Advanced subscription",
    "no protection", "{found}",
    "Real AWS refuses create_protection without a subscription (this mock accepts it): check "
    "describe_subscription first and return None when there is none.")
NOT_NONE = Message(
    "The value your function returned in an account without a subscription", "None",
    "{value!r:.80} (a {type})", "Return None when the account has no Shield Advanced subscription.")


def protections(session) -> list[dict]:
    """Every Shield Advanced protection of the account."""
    shield = session.client("shield")
    found, token = [], {}
    while True:
        page = shield.list_protections(**token)
        found += page.get("Protections", [])
        if not page.get("NextToken"):
            return found
        token = {"NextToken": page["NextToken"]}


def subscription(session) -> dict | None:
    """The account's Shield Advanced subscription, or None."""
    try:
        return session.client("shield").describe_subscription()["Subscription"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
            raise
        return None


def _describe(found: list[dict]) -> str:
    return "; ".join(f"{p['Name']} on {p['ResourceArn']}" for p in found) or "no protections"


def protected(session, resource_arn: str, protection_id) -> None:
    """``resource_arn`` has exactly one protection, and ``protection_id`` is its Id."""
    found = protections(session)
    mine = [p for p in found if p["ResourceArn"] == resource_arn]
    if len(mine) != 1:
        raise NOT_PROTECTED.fail(resource=resource_arn, found=_describe(found))
    if protection_id != mine[0]["Id"]:
        raise WRONG_ID.fail(resource=resource_arn, protection_id=mine[0]["Id"],
                            value=protection_id, type=type(protection_id).__name__)


def untouched(session, returned) -> None:
    """An account without a subscription stays so: no subscription, no protection, None
    returned."""
    current = subscription(session)
    if current is not None:
        raise SUBSCRIBED.fail(arn=current.get("SubscriptionArn", "?"))
    found = protections(session)
    if found:
        raise PROTECTED_WITHOUT_SUBSCRIPTION.fail(found=_describe(found))
    if returned is not None:
        raise NOT_NONE.fail(value=returned, type=type(returned).__name__)
