"""Tests for grader/sim/waf.py: the reference AWS WAF evaluator.

Statements are tested from tables, one behaviour per row; the web ACL behaviours (priority,
terminating actions, Count, managed groups, rate-based rules) on small web ACLs built here.
"""

import pytest

from grader.sim.waf import (
    DEFAULT_ACTION,
    Action,
    Verdict,
    config_problems,
    evaluate,
    field_value,
    managed_group_result,
    statement_matches,
)

BLOCKED = "arn:aws:wafv2:us-east-1:123456789012:regional/ipset/blocked/1"
IP_SETS = {BLOCKED: ["203.0.113.0/24", "198.51.100.7/32", "2001:db8::/32"]}
CRS, SQLI = "AWSManagedRulesCommonRuleSet", "AWSManagedRulesSQLiRuleSet"


def req(ip="192.0.2.1", time=0, **fields):
    return {"ip": ip, "time": time, **fields}


def byte(search, field, constraint="CONTAINS", *transforms):
    steps = [{"Priority": i, "Type": t} for i, t in enumerate(transforms or ("NONE",))]
    return {"ByteMatchStatement": {"SearchString": search, "FieldToMatch": field,
                                   "TextTransformations": steps,
                                   "PositionalConstraint": constraint}}


URI, QUERY, METHOD = {"UriPath": {}}, {"QueryString": {}}, {"Method": {}}
UA = {"SingleHeader": {"Name": "User-Agent"}}
IN_BLOCKED = {"IPSetReferenceStatement": {"ARN": BLOCKED}}
GEO = {"GeoMatchStatement": {"CountryCodes": ["KP", "IR"]}}


@pytest.mark.parametrize(("statement", "request_", "matches"), [
    pytest.param(IN_BLOCKED, req("203.0.113.200"), True, id="ip-set-cidr-contains-address"),
    pytest.param(IN_BLOCKED, req("203.0.114.1"), False, id="ip-set-neighbour-outside"),
    pytest.param(IN_BLOCKED, req("198.51.100.7"), True, id="ip-set-single-address"),
    pytest.param(IN_BLOCKED, req("2001:db8::1"), True, id="ip-set-ipv6"),
    pytest.param(GEO, req(country="IR"), True, id="geo-listed-country"),
    pytest.param(GEO, req(country="US"), False, id="geo-other-country"),
    pytest.param(GEO, req(), False, id="geo-unknown-country"),
    pytest.param(byte("/admin", URI, "STARTS_WITH"), req(uri="/admin/users"), True,
                 id="starts-with"),
    pytest.param(byte("/admin", URI, "STARTS_WITH"), req(uri="/x/admin"), False,
                 id="starts-with-elsewhere-no"),
    pytest.param(byte("/admin", URI, "EXACTLY"), req(uri="/admin/"), False, id="exactly-no"),
    pytest.param(byte("/admin", URI, "EXACTLY"), req(uri="/admin"), True, id="exactly"),
    pytest.param(byte(".php", URI, "ENDS_WITH"), req(uri="/index.php"), True, id="ends-with"),
    pytest.param(byte("union", QUERY), req(query="id=1 union select"), True, id="contains"),
    pytest.param(byte("union", QUERY, "CONTAINS_WORD"), req(query="reunion=1"), False,
                 id="contains-word-needs-a-word"),
    pytest.param(byte("union", QUERY, "CONTAINS_WORD"), req(query="a=1 union b"), True,
                 id="contains-word"),
    pytest.param(byte("/Admin", URI, "STARTS_WITH"), req(uri="/admin"), False,
                 id="case-sensitive-without-transformation"),
    pytest.param(byte("/admin", URI, "STARTS_WITH", "LOWERCASE"), req(uri="/ADMIN"), True,
                 id="lowercase-transforms-the-request"),
    pytest.param(byte("/Admin", URI, "STARTS_WITH", "LOWERCASE"), req(uri="/Admin"), False,
                 id="lowercase-never-touches-the-search-string"),
    pytest.param(byte(b"/admin", URI, "STARTS_WITH"), req(uri="/admin"), True,
                 id="search-string-as-bytes"),
    pytest.param(byte("<script", QUERY, "CONTAINS", "URL_DECODE", "LOWERCASE"),
                 req(query="q=%3CSCRIPT%3E"), True, id="transformations-in-priority-order"),
    pytest.param(byte("POST", METHOD, "EXACTLY"), req(method="POST"), True, id="method"),
    pytest.param(byte("POST", METHOD, "EXACTLY"), req(), False, id="method-defaults-to-get"),
    pytest.param(byte("curl", UA, "CONTAINS", "LOWERCASE"),
                 req(headers={"user-agent": "Curl/8.5"}), True,
                 id="header-name-case-insensitive"),
    pytest.param(byte("curl", UA), req(headers={}), False, id="missing-header-matches-nothing"),
    pytest.param({"NotStatement": {"Statement": byte("curl", UA)}}, req(headers={}), True,
                 id="not-of-missing-header"),
    pytest.param({"AndStatement": {"Statements": [GEO, byte("/login", URI, "EXACTLY")]}},
                 req(country="KP", uri="/login"), True, id="and-all-match"),
    pytest.param({"AndStatement": {"Statements": [GEO, byte("/login", URI, "EXACTLY")]}},
                 req(country="KP", uri="/"), False, id="and-one-fails"),
    pytest.param({"OrStatement": {"Statements": [GEO, IN_BLOCKED]}}, req("203.0.113.1"), True,
                 id="or-one-matches"),
    pytest.param({"NotStatement": {"Statement": {"OrStatement": {"Statements": [GEO,
                                                                               IN_BLOCKED]}}}},
                 req("192.0.2.1", country="FR"), True, id="not-or-nested"),
])
def test_statement_matches(statement, request_, matches):
    assert statement_matches(statement, request_, IP_SETS) is matches


@pytest.mark.parametrize("statement", [
    pytest.param({"RegexMatchStatement": {}}, id="regex"),
    pytest.param(byte("x", {"Body": {}}), id="body-field"),
    pytest.param(byte("x", URI, "CONTAINS", "BASE64_DECODE"), id="unknown-transformation"),
])
def test_unmodelled_statements_are_refused_not_guessed(statement):
    with pytest.raises(ValueError, match="does not model"):
        statement_matches(statement, req(), IP_SETS)


def test_field_value_reads_a_header_whatever_its_case():
    assert field_value(UA, req(headers={"USER-AGENT": "x"})) == "x"


# -- the web ACL --------------------------------------------------------------------------------

def rule(name, priority, statement, action="Block"):
    return {"Name": name, "Priority": priority, "Statement": statement, "Action": {action: {}}}


def group(name, priority, override="None", **settings):
    return {"Name": name, "Priority": priority,
            "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": name,
                                                        **settings}},
            "OverrideAction": {override: {}}}


def rate(name, priority, limit, window=None, key="IP", action="Block", scope=None):
    body = {"Limit": limit, "AggregateKeyType": key}
    if window:
        body["EvaluationWindowSec"] = window
    if scope:
        body["ScopeDownStatement"] = scope
    return rule(name, priority, {"RateBasedStatement": body}, action)


def acl(*rules, default="Allow"):
    return {"Name": "web", "DefaultAction": {default: {}}, "Rules": list(rules)}


def decisions(web_acl, requests):
    return [(v.action.value, v.terminating_rule) for v in evaluate(web_acl, requests, IP_SETS)]


def test_rules_run_in_priority_order_not_list_order():
    web_acl = acl(rule("allow-office", 5, IN_BLOCKED, "Allow"), rule("geo", 1, GEO))
    assert decisions(web_acl, [req("203.0.113.9", country="IR")]) == [("BLOCK", "geo")]


def test_first_terminating_match_wins_and_later_rules_are_not_read():
    web_acl = acl(rule("allow-office", 0, IN_BLOCKED, "Allow"), rule("geo", 1, GEO))
    assert decisions(web_acl, [req("203.0.113.9", country="IR")]) == [("ALLOW", "allow-office")]


def test_default_action_decides_when_nothing_terminates():
    assert decisions(acl(rule("geo", 0, GEO), default="Block"), [req(country="FR")]) == [
        ("BLOCK", DEFAULT_ACTION)]


def test_count_does_not_terminate_and_is_reported():
    web_acl = acl(rule("watch-geo", 0, GEO, "Count"), rule("blocked", 1, IN_BLOCKED))
    verdicts = evaluate(web_acl, [req("203.0.113.9", country="IR"), req(country="KP")], IP_SETS)
    assert verdicts == [Verdict(Action.BLOCK, "blocked", ("watch-geo",)),
                        Verdict(Action.ALLOW, DEFAULT_ACTION, ("watch-geo",))]


def test_verdict_as_log_uses_the_waf_log_field_names():
    assert Verdict(Action.BLOCK, "geo").as_log() == {"action": "BLOCK", "terminatingRuleId": "geo"}


@pytest.mark.parametrize(("settings", "override", "tripped", "result"), [
    pytest.param({}, "None", ["SQLi_BODY"], Action.BLOCK, id="tripped-rule-blocks"),
    pytest.param({}, "None", [], None, id="nothing-tripped-no-match"),
    pytest.param({}, "Count", ["SQLi_BODY"], Action.COUNT, id="override-count-whole-group"),
    pytest.param({"RuleActionOverrides": [{"Name": "SQLi_BODY", "ActionToUse": {"Count": {}}}]},
                 "None", ["SQLi_BODY"], Action.COUNT, id="rule-override-count"),
    pytest.param({"RuleActionOverrides": [{"Name": "SQLi_BODY", "ActionToUse": {"Count": {}}}]},
                 "None", ["SQLi_BODY", "SQLi_QUERYARGUMENTS"], Action.BLOCK,
                 id="rule-override-leaves-the-others-blocking"),
    pytest.param({"ExcludedRules": [{"Name": "SQLi_BODY"}]}, "None", ["SQLi_BODY"],
                 Action.COUNT, id="excluded-rules-mean-count"),
    pytest.param({"RuleActionOverrides": [{"Name": "SQLi_BODY", "ActionToUse": {"Allow": {}}}]},
                 "None", ["SQLi_BODY", "SQLi_QUERYARGUMENTS"], Action.ALLOW,
                 id="first-terminating-tripped-rule-decides"),
])
def test_managed_group_result(settings, override, tripped, result):
    statement = {"VendorName": "AWS", "Name": SQLI, **settings}
    request = req(managed_matches={SQLI: tripped, CRS: ["NoUserAgent_HEADER"]})
    assert managed_group_result(statement, {override: {}}, request) is result


def test_managed_group_counted_lets_the_request_through_to_the_default():
    web_acl = acl(group(SQLI, 0, "Count"), group(CRS, 1))
    verdicts = evaluate(web_acl, [req(managed_matches={SQLI: ["SQLi_BODY"]})], IP_SETS)
    assert verdicts == [Verdict(Action.ALLOW, DEFAULT_ACTION, (SQLI,))]


def test_rate_limit_blocks_requests_over_the_limit_per_ip_only():
    burst = [req("192.0.2.1", t) for t in range(12)] + [req("192.0.2.2", 12)]
    result = decisions(acl(rate("rate", 0, 10)), burst)
    assert [a for a, _ in result] == ["ALLOW"] * 10 + ["BLOCK", "BLOCK", "ALLOW"]
    assert result[10] == ("BLOCK", "rate")


def test_rate_limit_constant_key_counts_every_client_together():
    burst = [req(f"192.0.2.{t}", t) for t in range(11)]
    assert decisions(acl(rate("rate", 0, 10, key="CONSTANT")), burst)[-1] == ("BLOCK", "rate")


@pytest.mark.parametrize(("window", "last_time", "action"), [
    pytest.param(None, 309, "BLOCK", id="default-300s-window-still-holds-the-first-request"),
    pytest.param(None, 310, "ALLOW", id="default-300s-window-has-dropped-the-first-request"),
    pytest.param(60, 70, "ALLOW", id="one-minute-window-forgets-sooner"),
    pytest.param(600, 500, "BLOCK", id="ten-minute-window-remembers-longer"),
])
def test_rate_window_looks_back_evaluation_window_seconds(window, last_time, action):
    burst = [req(time=t) for t in range(10, 20)] + [req(time=last_time)]
    assert decisions(acl(rate("rate", 0, 10, window)), burst)[-1][0] == action


def test_rate_counts_only_requests_matching_its_scope_down_statement():
    scoped = rate("login-rate", 0, 10, scope=byte("/login", URI, "STARTS_WITH"))
    burst = [req(time=t, uri="/") for t in range(20)] + [req(time=20 + t, uri="/login")
                                                         for t in range(11)]
    result = decisions(acl(scoped), burst)
    assert result.count(("BLOCK", "login-rate")) == 1 and result[-1] == ("BLOCK", "login-rate")


def test_rate_counts_only_requests_that_reach_it():
    web_acl = acl(rule("blocked", 0, IN_BLOCKED), rate("rate", 1, 10))
    burst = [req("203.0.113.9", t) for t in range(15)]
    assert decisions(web_acl, burst) == [("BLOCK", "blocked")] * 15
    after = decisions(acl(rule("blocked", 1, IN_BLOCKED), rate("rate", 0, 10)), burst)
    assert after[-1] == ("BLOCK", "rate")


def test_rate_rule_in_count_mode_only_counts():
    burst = [req(time=t) for t in range(11)]
    assert evaluate(acl(rate("rate", 0, 10, action="Count")), burst, IP_SETS)[-1] == Verdict(
        Action.ALLOW, DEFAULT_ACTION, ("rate",))


@pytest.mark.parametrize("web_acl", [
    pytest.param(acl(rule("c", 0, GEO, "Captcha")), id="captcha"),
    pytest.param(acl({"Name": "g", "Priority": 0, "OverrideAction": {"None": {}}, "Statement": {
        "RuleGroupReferenceStatement": {"ARN": "arn:x"}}}), id="custom-rule-group"),
    pytest.param(acl(rate("r", 0, 10, key="FORWARDED_IP")), id="forwarded-ip"),
])
def test_unmodelled_rules_are_refused_not_guessed(web_acl):
    with pytest.raises(ValueError, match="does not model"):
        evaluate(web_acl, [req(country="IR")], IP_SETS)


# -- what AWS would refuse ----------------------------------------------------------------------

def test_config_problems_none_for_a_valid_web_acl():
    assert config_problems(acl(rule("geo", 0, GEO), group(SQLI, 1), rate("rate", 2, 10, 60))) == []


@pytest.mark.parametrize(("web_acl", "problem"), [
    pytest.param(acl(rule("a", 1, GEO), rule("b", 1, GEO)), "priority 1 is used by more than one rule",
                 id="duplicate-priority"),
    pytest.param(acl(rule("a", 1, GEO), rule("a", 2, GEO)), "name 'a' is used by more than one rule",
                 id="duplicate-name"),
    pytest.param(acl({**group(SQLI, 0), "Action": {"Block": {}}}),
                 f"rule {SQLI} runs a rule group: it takes an OverrideAction", id="group-with-action"),
    pytest.param(acl({"Name": "g", "Priority": 0, "Statement": GEO, "OverrideAction": {"None": {}}}),
                 "rule g has no Action", id="rule-without-action"),
    pytest.param(acl(rate("rate", 0, 5)), "rule rate: Limit 5 is below the minimum of 10",
                 id="limit-below-10"),
    pytest.param(acl(rate("rate", 0, 100, 900)),
                 "rule rate: EvaluationWindowSec 900 is not one of 60, 120, 300, 600", id="window"),
])
def test_config_problems_names_what_aws_refuses_and_moto_accepts(web_acl, problem):
    assert any(p.startswith(problem) for p in config_problems(web_acl))
