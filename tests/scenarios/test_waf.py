"""The topic 22 starting states build what their docstrings promise, read back with boto3."""

from __future__ import annotations

from grader.scenarios.waf import MANAGED_GROUPS, load_balancer, protected_web_acl, subscribe_to_shield
from grader.state.wafv2 import get_web_acl, ip_sets


def test_load_balancer_is_an_internet_facing_alb_in_two_azs(session):
    arn = load_balancer(session, "shop")
    [lb] = session.client("elbv2").describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"]
    assert (lb["LoadBalancerName"], lb["Type"], lb["Scheme"]) == ("shop", "application", "internet-facing")
    assert {z["ZoneName"] for z in lb["AvailabilityZones"]} == {"us-east-1a", "us-east-1b"}


def test_protected_web_acl_has_the_exercise_3_rules(session):
    arn = protected_web_acl(session, "shop", ["203.0.113.0/24"], 100, window_sec=120,
                            groups=MANAGED_GROUPS[::-1], first_priority=5, step=5)
    web_acl = get_web_acl(session, arn)
    assert web_acl["DefaultAction"] == {"Allow": {}}
    rules = sorted(web_acl["Rules"], key=lambda r: r["Priority"])
    assert [r["Priority"] for r in rules] == [5, 10, 15, 20]
    assert rules[0]["Statement"]["IPSetReferenceStatement"]["ARN"] in ip_sets(session)
    assert rules[1]["Statement"]["RateBasedStatement"] == {
        "Limit": 100, "AggregateKeyType": "IP", "EvaluationWindowSec": 120}
    assert [r["Statement"]["ManagedRuleGroupStatement"]["Name"] for r in rules[2:]] == list(
        MANAGED_GROUPS[::-1])
    assert all(r["OverrideAction"] == {"None": {}} for r in rules[2:])


def test_subscribe_to_shield_makes_a_one_year_subscription(session):
    arn = subscribe_to_shield(session)
    subscription = session.client("shield").describe_subscription()["Subscription"]
    assert subscription["SubscriptionArn"] == arn
    assert subscription["TimeCommitmentInSeconds"] == 365 * 24 * 3600
