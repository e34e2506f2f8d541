"""The AWS WAF checks of topic 22: web ACLs judged by replayed requests, learners' evaluators
against grader.sim.waf, association and logging; every learner message pinned."""

from __future__ import annotations

import pytest

from grader.checks import wafv2 as checks
from grader.checks.wafv2 import burst, request
from grader.scenarios.waf import load_balancer, protected_web_acl, visibility
from grader.sim import waf as sim

from .failures import failure

CRS, SQLI = "AWSManagedRulesCommonRuleSet", "AWSManagedRulesSQLiRuleSet"


@pytest.fixture
def waf(session):
    return session.client("wafv2")


@pytest.fixture
def web_acl_arn(session):
    return protected_web_acl(session, "shop", ["203.0.113.0/24"], 10)


def set_group_override(waf, arn, group, override):
    """Rewrite one managed group's OverrideAction in place, the way a learner would."""
    scope, _, name, web_acl_id = arn.split(":")[-1].split("/")
    found = waf.get_web_acl(Name=name, Scope="REGIONAL", Id=web_acl_id)
    acl = found["WebACL"]
    for rule in acl["Rules"]:
        if rule["Statement"].get("ManagedRuleGroupStatement", {}).get("Name") == group:
            rule["OverrideAction"] = override
    waf.update_web_acl(Name=name, Scope="REGIONAL", Id=web_acl_id, DefaultAction=acl["DefaultAction"],
                       Rules=acl["Rules"], VisibilityConfig=acl["VisibilityConfig"],
                       LockToken=found["LockToken"])


# -- requests -----------------------------------------------------------------------------------

def test_request_fills_every_key_the_evaluators_read():
    assert request("192.0.2.1") == {"time": 0, "ip": "192.0.2.1", "country": "US", "method": "GET",
                                    "uri": "/", "query": "", "headers": {}, "managed_matches": {}}


def test_requests_makes_every_combination_one_second_apart():
    made = checks.requests(["192.0.2.1", "192.0.2.2"], countries=["US", "FR"], uris=["/", "/a"])
    assert len(made) == 8 and [r["time"] for r in made] == list(range(8))
    assert {(r["ip"], r["country"], r["uri"]) for r in made} == {
        (ip, c, u) for ip in ("192.0.2.1", "192.0.2.2") for c in ("US", "FR") for u in ("/", "/a")}


def test_burst_paces_one_client():
    assert [r["time"] for r in burst("192.0.2.1", 3, start=10, every=2.5)] == [10, 12.5, 15]


def test_describe_request_names_path_client_country_time_headers_and_trips():
    r = request("192.0.2.1", 12, method="POST", uri="/login", query="a=1",
                headers={"user-agent": "curl"}, trips={SQLI: ["SQLi_BODY"]})
    assert checks.describe_request(r) == (
        "POST /login?a=1 from 192.0.2.1 (US) at t=12s [header user-agent: curl; "
        f"trips {SQLI}/SQLi_BODY]")


# -- evaluators against the reference -----------------------------------------------------------

GEO = {"GeoMatchStatement": {"CountryCodes": ["IR"]}}
ADMIN = {"ByteMatchStatement": {"SearchString": "/admin", "FieldToMatch": {"UriPath": {}},
                                "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}],
                                "PositionalConstraint": "STARTS_WITH"}}


def test_statement_evaluator_agrees_passes_the_reference_itself():
    checks.statement_evaluator_agrees(sim.statement_matches, [GEO, ADMIN],
                                      checks.requests(["192.0.2.1"], uris=["/ADMIN", "/"]), {})


def test_statement_evaluator_agrees_names_the_statement_and_the_request():
    def case_sensitive(statement, r, ip_sets):
        if "ByteMatchStatement" in statement:
            return r["uri"].startswith("/admin")
        return sim.statement_matches(statement, r, ip_sets)

    found = failure(checks.statement_evaluator_agrees, case_sensitive, [GEO, ADMIN],
                    checks.requests(["192.0.2.1"], uris=["/ADMIN", "/"]), {})
    assert found["what"] == ("statement_matches agrees with the course's reference on 3 of 4 cases; "
                             "first miss: ByteMatch STARTS_WITH '/admin' in UriPath on GET /ADMIN "
                             "from 192.0.2.1 (US) at t=0s")
    assert (found["expected"], found["found"]) == ("True", "False")
    assert found["next"] == checks.STATEMENT_HINT


def test_statement_kinds_are_described_nested():
    nested = {"NotStatement": {"Statement": {"AndStatement": {"Statements": [GEO, ADMIN]}}}}
    assert checks._statement_kind(nested) == (
        "Not(And(GeoMatchStatement, ByteMatch STARTS_WITH '/admin' in UriPath))")


RATE_ACL = {"Name": "t", "DefaultAction": {"Allow": {}}, "Rules": [
    {"Name": "rate", "Priority": 0, "Action": {"Block": {}},
     "Statement": {"RateBasedStatement": {"Limit": 10, "EvaluationWindowSec": 60,
                                          "AggregateKeyType": "IP"}}}]}


def test_waf_evaluator_agrees_passes_the_reference_in_the_learner_shape():
    checks.waf_evaluator_agrees(checks.reference_evaluate, RATE_ACL, burst("192.0.2.1", 12), {})


def test_waf_evaluator_agrees_names_the_first_request_that_differs():
    def never_blocks(web_acl, requests, ip_sets):
        return [{"action": "ALLOW", "terminatingRuleId": "Default_Action"} for _ in requests]

    found = failure(checks.waf_evaluator_agrees, never_blocks, RATE_ACL,
                    burst("192.0.2.1", 12), {})
    assert found["what"] == ("evaluate agrees with the course's reference on 10 of 12 items of one "
                             "sequence; first miss: request #10, GET / from 192.0.2.1 (US) at t=10s")
    assert found["expected"] == "{'action': 'BLOCK', 'terminatingRuleId': 'rate'}"
    assert found["next"] == checks.EVALUATE_HINT


def test_waf_evaluator_agrees_reports_a_missing_return():
    found = failure(checks.waf_evaluator_agrees, lambda *args: None, RATE_ACL,
                    burst("192.0.2.1", 2), {})
    assert found["what"] == "evaluate returns one answer per item of the sequence (2 items)"
    assert found["found"] == "None (a NoneType)"


# -- the web ACL read back ----------------------------------------------------------------------

def test_web_acl_behaves_passes_on_the_scenario(session, web_acl_arn):
    checks.web_acl_behaves(session, web_acl_arn, [
        (request("203.0.113.9", 0), "BLOCK"), (request("192.0.2.1", 1), "ALLOW"),
        (request("192.0.2.2", 2, trips={CRS: ["CrossSiteScripting_BODY"]}), "BLOCK")])


def test_web_acl_behaves_counts_rate_across_the_probes(session, web_acl_arn):
    probes = [(r, "ALLOW") for r in burst("192.0.2.1", 10)] + [(request("192.0.2.1", 10), "BLOCK")]
    checks.web_acl_behaves(session, web_acl_arn, probes)


def test_web_acl_behaves_names_the_group_that_only_counted(session, waf, web_acl_arn):
    set_group_override(waf, web_acl_arn, CRS, {"Count": {}})
    found = failure(checks.web_acl_behaves, session, web_acl_arn,
                    [(request("192.0.2.2", 0, trips={CRS: ["CrossSiteScripting_BODY"]}), "BLOCK")])
    assert found["what"] == ("Web ACL shop blocks GET / from 192.0.2.2 (US) at t=0s "
                             f"[trips {CRS}/CrossSiteScripting_BODY]")
    assert found["expected"] == "BLOCK"
    assert found["found"] == f"ALLOW by Default_Action (matched and only counted: {CRS})"
    assert found["next"].startswith(f"Rule {CRS} matched but only counted")
    assert "OverrideAction {'None': {}}" in found["next"]


def test_web_acl_behaves_says_no_rule_matches(session, web_acl_arn):
    found = failure(checks.web_acl_behaves, session, web_acl_arn,
                    [(request("192.0.2.2", 0, country="KP"), "BLOCK")])
    assert found["found"] == "ALLOW by Default_Action"
    assert found["next"] == ("No rule of shop matches this request, so its default action (ALLOW) "
                             "applies: add a rule that does, with the Block action.")


def test_web_acl_behaves_names_the_rule_that_blocks_too_much(session, web_acl_arn):
    found = failure(checks.web_acl_behaves, session, web_acl_arn,
                    [(request("203.0.113.9", 0), "ALLOW")])
    assert found["found"] == "BLOCK by blocked-ips"
    assert found["next"].startswith("Rule blocked-ips blocks it: narrow that rule")


def test_web_acl_behaves_points_a_rate_rule_at_its_key_and_window(session, web_acl_arn):
    probes = [(r, "ALLOW") for r in burst("192.0.2.1", 12)]
    found = failure(checks.web_acl_behaves, session, web_acl_arn, probes)
    assert found["found"] == "BLOCK by rate-per-ip"
    assert found["next"] == checks.HINT_RATE.format(rule="rate-per-ip")


def test_web_acl_behaves_accepts_excluded_rules_as_a_count_override(session, waf):
    """Any correct approach: the older ExcludedRules silence a rule just like an override."""
    arn = waf.create_web_acl(
        Name="old-style", Scope="REGIONAL", DefaultAction={"Allow": {}},
        VisibilityConfig=visibility("old-style"),
        Rules=[{"Name": "crs", "Priority": 1, "OverrideAction": {"None": {}},
                "VisibilityConfig": visibility("crs"),
                "Statement": {"ManagedRuleGroupStatement": {
                    "VendorName": "AWS", "Name": CRS,
                    "ExcludedRules": [{"Name": "SizeRestrictions_BODY"}]}}}])["Summary"]["ARN"]
    checks.web_acl_behaves(session, arn, [
        (request("192.0.2.1", 0, trips={CRS: ["SizeRestrictions_BODY"]}), "ALLOW"),
        (request("192.0.2.1", 1, trips={CRS: ["SizeRestrictions_BODY", "GenericLFI_BODY"]}), "BLOCK")])


@pytest.mark.parametrize("value", [None, "shop", "arn:aws:s3:::bucket"])
def test_web_acl_checks_want_a_web_acl_arn(session, value):
    found = failure(checks.web_acl_behaves, session, value, [])
    assert found["what"] == "The value your function returned"
    assert found["expected"].startswith("a web ACL ARN")
    assert found["next"] == "Return create_web_acl(...)['Summary']['ARN']."


def test_web_acl_checks_name_a_web_acl_that_does_not_exist(session, web_acl_arn):
    gone = web_acl_arn.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000"
    found = failure(checks.web_acl_behaves, session, gone, [])
    assert found["what"] == f"Web ACL {gone} exists"
    assert found["found"] == "no such web ACL (WAFNonexistentItemException)"


def test_web_acl_checks_name_a_dangling_ip_set(session, waf):
    dangling = "arn:aws:wafv2:us-east-1:123456789012:regional/ipset/gone/1234"
    arn = waf.create_web_acl(
        Name="dangling", Scope="REGIONAL", DefaultAction={"Allow": {}},
        VisibilityConfig=visibility("dangling"),
        Rules=[{"Name": "ips", "Priority": 0, "Action": {"Block": {}}, "VisibilityConfig": visibility("ips"),
                "Statement": {"IPSetReferenceStatement": {"ARN": dangling}}}])["Summary"]["ARN"]
    found = failure(checks.web_acl_behaves, session, arn, [])
    assert found["found"] == f"{dangling} does not exist"


# -- association --------------------------------------------------------------------------------

def test_web_acl_associated_passes_when_the_alb_uses_it(session, waf, web_acl_arn):
    alb = load_balancer(session, "shop")
    waf.associate_web_acl(WebACLArn=web_acl_arn, ResourceArn=alb)
    checks.web_acl_associated(session, alb, web_acl_arn)


def test_web_acl_associated_fails_when_nothing_is_associated(session, web_acl_arn):
    alb = load_balancer(session, "shop")
    found = failure(checks.web_acl_associated, session, alb, web_acl_arn)
    assert found["what"] == f"Load balancer {alb} is protected by web ACL shop"
    assert found["found"] == "no web ACL"
    assert "associate_web_acl" in found["next"]


def test_web_acl_associated_names_another_web_acl_in_use(session, waf, web_acl_arn):
    alb = load_balancer(session, "shop")
    other = protected_web_acl(session, "other", ["192.0.2.0/24"], 100)
    waf.associate_web_acl(WebACLArn=other, ResourceArn=alb)
    found = failure(checks.web_acl_associated, session, alb, web_acl_arn)
    assert found["found"] == f"web ACL other ({other})"


# -- logging ------------------------------------------------------------------------------------

def _log_group_arn(session, name):
    logs = session.client("logs")
    logs.create_log_group(logGroupName=name)
    return logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["arn"].removesuffix(":*")


def _log_to(waf, web_acl_arn, destination):
    waf.put_logging_configuration(LoggingConfiguration={"ResourceArn": web_acl_arn,
                                                        "LogDestinationConfigs": [destination]})


def test_logs_to_cloudwatch_passes_on_an_aws_waf_logs_group(session, waf, web_acl_arn):
    _log_to(waf, web_acl_arn, _log_group_arn(session, "aws-waf-logs-shop"))
    checks.logs_to_cloudwatch(session, web_acl_arn)


def test_logs_to_cloudwatch_fails_without_logging(session, web_acl_arn):
    found = failure(checks.logs_to_cloudwatch, session, web_acl_arn)
    assert found["what"] == "Web ACL shop sends its logs to CloudWatch Logs"
    assert found["found"] == "no logging configuration"
    assert "put_logging_configuration" in found["next"]


def test_logs_to_cloudwatch_enforces_the_name_prefix_moto_does_not(session, waf, web_acl_arn):
    _log_to(waf, web_acl_arn, _log_group_arn(session, "shop-waf-logs"))
    found = failure(checks.logs_to_cloudwatch, session, web_acl_arn)
    assert found["found"] == "log group shop-waf-logs"
    assert found["next"] == checks.HINT_LOG_PREFIX


def test_logs_to_cloudwatch_fails_on_a_log_group_never_created(session, waf, web_acl_arn):
    _log_to(waf, web_acl_arn, "arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-ghost")
    found = failure(checks.logs_to_cloudwatch, session, web_acl_arn)
    assert found["found"] == "log group aws-waf-logs-ghost, which does not exist"
    assert found["next"] == checks.HINT_LOG_MISSING


def test_logs_to_cloudwatch_wants_a_log_group_not_a_bucket(session, waf, web_acl_arn):
    _log_to(waf, web_acl_arn, "arn:aws:s3:::aws-waf-logs-shop")
    found = failure(checks.logs_to_cloudwatch, session, web_acl_arn)
    assert found["found"] == "arn:aws:s3:::aws-waf-logs-shop"
    assert found["next"] == checks.HINT_LOG_KIND


def test_web_acl_checks_refuse_what_aws_would_refuse(session, waf):
    """moto accepts a 15-minute window and two rules of one priority; AWS WAF refuses both."""
    rate = {"Limit": 100, "AggregateKeyType": "IP", "EvaluationWindowSec": 900}
    arn = waf.create_web_acl(
        Name="lenient", Scope="REGIONAL", DefaultAction={"Allow": {}},
        VisibilityConfig=visibility("lenient"),
        Rules=[{"Name": name, "Priority": 0, "Action": {"Block": {}}, "VisibilityConfig": visibility(name),
                "Statement": {"RateBasedStatement": rate}} for name in ("rate", "rate-2")])["Summary"]["ARN"]
    found = failure(checks.web_acl_behaves, session, arn, [])
    assert found["what"] == "Web ACL lenient is one the real AWS WAF would accept"
    assert found["found"] == ("priority 0 is used by more than one rule; rule rate: EvaluationWindowSec "
                              "900 is not one of 60, 120, 300, 600; rule rate-2: EvaluationWindowSec 900 "
                              "is not one of 60, 120, 300, 600")
    assert found["next"].startswith("Fix what the message names")
