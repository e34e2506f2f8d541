"""Starting states for topic 22: an internet-facing ALB, a web ACL that protects it the way
Exercise 3 asks, a Shield Advanced subscription. boto3 only.

Like ``grader.scenarios.vpc``, each one is what a correct earlier exercise leaves behind, so a
test of a later exercise starts from a known state.
"""

from __future__ import annotations

from grader.scenarios.snapshots import remembered

from .vpc import three_tier_subnets

#: The two AWS managed rule groups the topic's web ACL uses (vendor AWS).
MANAGED_GROUPS = ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesSQLiRuleSet")


def visibility(metric_name: str) -> dict:
    """A ``VisibilityConfig`` with metrics and sampled requests on."""
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True,
            "MetricName": metric_name}


@remembered
def load_balancer(session, name: str, vpc_cidr: str = "10.0.0.0/16",
                  azs=("us-east-1a", "us-east-1b")) -> str:
    """An internet-facing Application Load Balancer in the public subnets of a new VPC; its ARN."""
    network = three_tier_subnets(session, vpc_cidr, azs)
    return session.client("elbv2").create_load_balancer(
        Name=name, Subnets=list(network["subnets"]["public"].values()), Type="application",
        Scheme="internet-facing")["LoadBalancers"][0]["LoadBalancerArn"]


def managed_group_rule(name: str, priority: int, *, vendor: str = "AWS") -> dict:
    """A web ACL rule that runs an AWS managed rule group with its own actions (enforcing)."""
    return {"Name": name, "Priority": priority,
            "Statement": {"ManagedRuleGroupStatement": {"VendorName": vendor, "Name": name}},
            "OverrideAction": {"None": {}}, "VisibilityConfig": visibility(name)}


@remembered
def protected_web_acl(session, name: str, blocked_cidrs, rate_limit: int, *,
                      window_sec: int = 300, groups=MANAGED_GROUPS, first_priority: int = 0,
                      step: int = 1) -> str:
    """A regional web ACL, default Allow, whose rules, from ``first_priority`` in steps of
    ``step``: block ``blocked_cidrs`` (an IP set ``<name>-blocked``), block an IP sending more
    than ``rate_limit`` requests in ``window_sec`` seconds, then run each managed group of
    ``groups``, enforcing. Returns the web ACL's ARN."""
    waf = session.client("wafv2")
    ip_set = waf.create_ip_set(Name=f"{name}-blocked", Scope="REGIONAL", IPAddressVersion="IPV4",
                               Addresses=list(blocked_cidrs))["Summary"]["ARN"]
    priorities = iter(range(first_priority, first_priority + step * (2 + len(groups)), step))
    rules = [
        {"Name": "blocked-ips", "Priority": next(priorities),
         "Statement": {"IPSetReferenceStatement": {"ARN": ip_set}},
         "Action": {"Block": {}}, "VisibilityConfig": visibility("blocked-ips")},
        {"Name": "rate-per-ip", "Priority": next(priorities),
         "Statement": {"RateBasedStatement": {"Limit": rate_limit, "AggregateKeyType": "IP",
                                              "EvaluationWindowSec": window_sec}},
         "Action": {"Block": {}}, "VisibilityConfig": visibility("rate-per-ip")},
        *(managed_group_rule(group, next(priorities)) for group in groups),
    ]
    return waf.create_web_acl(Name=name, Scope="REGIONAL", DefaultAction={"Allow": {}},
                              Rules=rules, VisibilityConfig=visibility(name))["Summary"]["ARN"]


def subscribe_to_shield(session) -> str:
    """Subscribe the account to Shield Advanced (in real AWS: a 12-month commitment); its ARN."""
    shield = session.client("shield")
    shield.create_subscription()
    return shield.describe_subscription()["Subscription"]["SubscriptionArn"]
