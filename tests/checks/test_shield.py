"""The Shield Advanced checks of topic 22: protections per resource, and no accidental
subscription; every learner message pinned."""

from __future__ import annotations

import pytest

from grader.checks import shield as checks
from grader.scenarios.waf import load_balancer, subscribe_to_shield

from .failures import failure


@pytest.fixture
def shield(session):
    return session.client("shield")


@pytest.fixture
def alb(session):
    return load_balancer(session, "shop")


def test_subscription_is_none_until_someone_subscribes(session):
    assert checks.subscription(session) is None
    arn = subscribe_to_shield(session)
    assert checks.subscription(session)["SubscriptionArn"] == arn


def test_protected_passes_with_one_protection_and_its_id(session, shield, alb):
    protection_id = shield.create_protection(Name="shop", ResourceArn=alb)["ProtectionId"]
    checks.protected(session, alb, protection_id)


def test_protected_fails_naming_what_is_protected_instead(session, shield, alb):
    other = load_balancer(session, "other", "10.1.0.0/16")
    shield.create_protection(Name="other", ResourceArn=other)
    found = failure(checks.protected, session, alb, None)
    assert found["what"] == f"Shield Advanced protects {alb}"
    assert found["found"] == f"other on {other}"
    assert "create_protection" in found["next"]


def test_protected_fails_when_nothing_is_protected(session, alb):
    assert failure(checks.protected, session, alb, None)["found"] == "no protections"


def test_protected_fails_on_a_wrong_returned_id(session, shield, alb):
    protection_id = shield.create_protection(Name="shop", ResourceArn=alb)["ProtectionId"]
    found = failure(checks.protected, session, alb, {"ProtectionId": protection_id})
    assert found["what"] == "The value your function returned"
    assert found["expected"] == (f"the ProtectionId of the protection of {alb}, {protection_id!r}")
    assert found["found"].endswith("(a dict)")


def test_untouched_passes_on_an_account_left_alone(session):
    checks.untouched(session, None)


def test_untouched_fails_on_a_subscription_made_by_the_function(session):
    arn = subscribe_to_shield(session)
    found = failure(checks.untouched, session, None)
    assert found["what"] == "The account is still without a Shield Advanced subscription"
    assert found["found"] == f"a subscription ({arn}), created by your function"
    assert found["expected"].startswith("no subscription: subscribing is a 12-month commitment")


def test_untouched_fails_on_a_protection_without_subscription(session, shield, alb):
    """moto accepts create_protection without a subscription; AWS does not."""
    shield.create_protection(Name="shop", ResourceArn=alb)
    found = failure(checks.untouched, session, None)
    assert found["found"] == f"shop on {alb}"
    assert found["next"].startswith("Real AWS refuses create_protection without a subscription")


def test_untouched_fails_on_a_returned_value(session):
    found = failure(checks.untouched, session, "a1b2")
    assert (found["expected"], found["found"]) == ("None", "'a1b2' (a str)")
