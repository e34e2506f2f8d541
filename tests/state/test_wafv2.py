"""grader.state.wafv2 reads AWS WAF configuration from the mock into grader.sim.waf's data."""

from __future__ import annotations

import pytest

from grader.scenarios.waf import load_balancer, protected_web_acl, visibility
from grader.state import wafv2 as state


@pytest.fixture
def waf(session):
    return session.client("wafv2")


def test_parse_arn_gives_the_get_call_arguments():
    arn = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/shop/1a2b"
    assert state.parse_arn(arn) == {"Scope": "REGIONAL", "Name": "shop", "Id": "1a2b"}
    assert state.parse_arn(arn.replace("regional", "global"))["Scope"] == "CLOUDFRONT"


@pytest.mark.parametrize("value", [None, "", "shop", "arn:aws:s3:::bucket",
                                   "arn:aws:wafv2:us-east-1:1:regional/webacl/shop",
                                   "arn:aws:wafv2:us-east-1:1:local/webacl/shop/1"])
def test_parse_arn_refuses_anything_else(value):
    with pytest.raises(ValueError, match="not an AWS WAF ARN"):
        state.parse_arn(value)


def test_plain_decodes_bytes_at_any_depth():
    assert state.plain({"a": [b"x", {"b": b"y"}], "c": 1}) == {"a": ["x", {"b": "y"}], "c": 1}


def test_get_web_acl_returns_search_strings_as_text(session, waf):
    """boto3 returns a ByteMatchStatement's SearchString as bytes; the simulator takes text."""
    statement = {"ByteMatchStatement": {"SearchString": "/admin", "FieldToMatch": {"UriPath": {}},
                                        "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                                        "PositionalConstraint": "STARTS_WITH"}}
    arn = waf.create_web_acl(Name="t", Scope="REGIONAL", DefaultAction={"Allow": {}},
                             VisibilityConfig=visibility("t"),
                             Rules=[{"Name": "admin", "Priority": 0, "Action": {"Block": {}},
                                     "Statement": statement, "VisibilityConfig": visibility("a")}],
                             )["Summary"]["ARN"]
    [rule] = state.get_web_acl(session, arn)["Rules"]
    assert rule["Statement"]["ByteMatchStatement"]["SearchString"] == "/admin"


def test_ip_sets_and_references(session):
    arn = protected_web_acl(session, "shop", ["203.0.113.0/24", "198.51.100.7/32"], 100)
    sets = state.ip_sets(session)
    [(ip_set_arn, addresses)] = sets.items()
    assert addresses == ["203.0.113.0/24", "198.51.100.7/32"]
    assert state.referenced_ip_sets(state.get_web_acl(session, arn)) == [ip_set_arn]


def test_referenced_ip_sets_walks_nested_statements_once_each():
    ref = {"IPSetReferenceStatement": {"ARN": "arn:a"}}
    web_acl = {"Rules": [{"Statement": {"NotStatement": {"Statement": ref}}},
                         {"Statement": {"OrStatement": {"Statements": [ref, {
                             "IPSetReferenceStatement": {"ARN": "arn:b"}}]}}}]}
    assert state.referenced_ip_sets(web_acl) == ["arn:a", "arn:b"]


def test_web_acl_for_resource_is_none_until_associated(session, waf):
    alb = load_balancer(session, "shop")
    assert state.web_acl_for_resource(session, alb) is None
    arn = protected_web_acl(session, "shop", ["203.0.113.0/24"], 100)
    waf.associate_web_acl(WebACLArn=arn, ResourceArn=alb)
    assert state.web_acl_for_resource(session, alb)["ARN"] == arn


def test_summarise_rules_one_row_per_rule_in_priority_order(session):
    arn = protected_web_acl(session, "shop", ["203.0.113.0/24"], 100, window_sec=60,
                            first_priority=10, step=10)
    rows = state.summarise_rules(state.get_web_acl(session, arn))
    assert [(r["Priority"], r["Statement"], r["Action"]) for r in rows] == [
        (10, "IPSetReference", "Block"), (20, "RateBased", "Block"),
        (30, "ManagedRuleGroup", "OverrideAction None"), (40, "ManagedRuleGroup", "OverrideAction None")]
    assert rows[0]["Details"] == "IP set shop-blocked"
    assert rows[1]["Details"] == "over 100 per 60 s per IP"
    assert rows[2]["Details"] == "AWS AWSManagedRulesCommonRuleSet"


def test_summarise_rules_shows_rule_overrides_and_byte_matches():
    web_acl = {"Rules": [
        {"Name": "crs", "Priority": 1, "OverrideAction": {"None": {}},
         "Statement": {"ManagedRuleGroupStatement": {
             "VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet",
             "RuleActionOverrides": [{"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}]}}},
        {"Name": "admin", "Priority": 0, "Action": {"Block": {}},
         "Statement": {"ByteMatchStatement": {"SearchString": b"/admin", "FieldToMatch": {"UriPath": {}},
                                              "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}],
                                              "PositionalConstraint": "STARTS_WITH"}}}]}
    rows = state.summarise_rules(web_acl)
    assert rows[0]["Details"] == "UriPath (LOWERCASE) STARTS_WITH '/admin'"
    assert rows[1]["Details"] == "AWS AWSManagedRulesCommonRuleSet; SizeRestrictions_BODY -> Count"
