"""Learner-facing checks on AWS WAF: web ACLs judged by what they do with requests, answered by
``grader.sim.waf`` (moto stores web ACLs but inspects no request), and learners' evaluators
compared with that simulator.

Each check returns None when the requirement holds and raises ``CheckFailed`` otherwise,
naming the learner's real web ACL and rules. Notebooks use them as
``from grader.checks import wafv2 as check``. Requests are dicts in the shape
``grader.sim.waf`` documents; :func:`request`, :func:`requests` and :func:`burst` build them.
"""

from __future__ import annotations

from itertools import product

from botocore.exceptions import ClientError

from grader.checks.base import Message
from grader.checks.reference import agrees_with_reference, sequence_agrees_with_reference
from grader.sim import waf as sim
from grader.state import wafv2 as state

LOG_GROUP_PREFIX = "aws-waf-logs-"

# -- requests -----------------------------------------------------------------------------------


def request(ip: str, time: float = 0, *, country: str = "US", method: str = "GET",
            uri: str = "/", query: str = "", headers: dict | None = None,
            trips: dict | None = None) -> dict:
    """One web request; ``trips`` is ``managed_matches``: {managed group: [its rules tripped]}."""
    return {"time": time, "ip": ip, "country": country, "method": method, "uri": uri,
            "query": query, "headers": dict(headers or {}), "managed_matches": dict(trips or {})}


def requests(ips, *, countries=("US",), methods=("GET",), uris=("/",), queries=("",),
             headers=({},), trips=({},)) -> list[dict]:
    """Every combination of the values given, one second apart from time 0."""
    combos = product(ips, countries, methods, uris, queries, headers, trips)
    return [request(ip, t, country=c, method=m, uri=u, query=q, headers=h, trips=x)
            for t, (ip, c, m, u, q, h, x) in enumerate(combos)]


def burst(ip: str, count: int, *, start: float = 0, every: float = 1, **fields) -> list[dict]:
    """``count`` requests from ``ip``, ``every`` seconds apart from ``start``."""
    return [request(ip, start + i * every, **fields) for i in range(count)]


def describe_request(r: dict) -> str:
    """``GET /login?user=bob from 203.0.113.9 (US) at t=12s``, plus headers and trips."""
    query = f"?{r['query']}" if r.get("query") else ""
    text = (f"{r.get('method', 'GET')} {r.get('uri', '/')}{query} from {r['ip']}"
            f" ({r.get('country') or 'no country'}) at t={r.get('time', 0):g}s")
    extras = [f"header {k}: {v}" for k, v in r.get("headers", {}).items()]
    extras += [f"trips {group}/{rule}" for group, rules in r.get("managed_matches", {}).items()
               for rule in rules]
    return f"{text} [{'; '.join(extras)}]" if extras else text


# -- learners' evaluators against the reference -------------------------------------------------

STATEMENT_HINT = ("Work out this statement on this request by hand: which part of the request "
                  "does it read, transformed how, compared how?")
EVALUATE_HINT = ("Replay this request by hand: the rules in Priority order, which ones match, "
                 "whether their action stops the evaluation, and what the rate-based rules have "
                 "counted so far.")


def _statement_kind(statement: dict) -> str:
    (kind, body), = statement.items()
    if kind == "ByteMatchStatement":
        field = next(iter(body["FieldToMatch"]))
        return f"ByteMatch {body['PositionalConstraint']} {body['SearchString']!r} in {field}"
    if kind in ("AndStatement", "OrStatement"):
        inner = ", ".join(_statement_kind(s) for s in body["Statements"])
        return f"{kind[:-9]}({inner})"
    if kind == "NotStatement":
        return f"Not({_statement_kind(body['Statement'])})"
    return kind


def statement_evaluator_agrees(statement_matches, statements, request_list, ip_sets) -> None:
    """A learner's ``statement_matches(statement, request, ip_sets)`` answers like the simulator
    for every statement and every request."""
    def describe(case):
        statement, r, _ = case
        return f"{_statement_kind(statement)} on {describe_request(r)}"

    agrees_with_reference(statement_matches, sim.statement_matches,
                          [(s, r, ip_sets) for s in statements for r in request_list],
                          name="statement_matches", describe=describe, hint=STATEMENT_HINT)


def reference_evaluate(web_acl, request_list, ip_sets) -> list[dict]:
    """The simulator's verdicts in the learner's shape: ``{"action", "terminatingRuleId"}``."""
    return [verdict.as_log() for verdict in sim.evaluate(web_acl, request_list, ip_sets)]


def waf_evaluator_agrees(evaluate, web_acl, request_list, ip_sets) -> None:
    """A learner's ``evaluate(web_acl, requests, ip_sets)`` gives the simulator's verdict on
    every request of the sequence."""
    request_list = list(request_list)
    sequence_agrees_with_reference(
        evaluate, reference_evaluate, (web_acl, request_list, ip_sets), name="evaluate",
        describe=lambda i: f"request #{i}, {describe_request(request_list[i])}",
        hint=EVALUATE_HINT)


# -- a web ACL read back from the mock ----------------------------------------------------------

NOT_A_WEB_ACL_ARN = Message(
    "{what}", "a web ACL ARN, a string like "
    "'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/<name>/<id>'",
    "{value!r:.80} (a {type})",
    "Return create_web_acl(...)['Summary']['ARN'].")
WEB_ACL_MISSING = Message(
    "Web ACL {arn} exists", "a web ACL with that ARN in this mock AWS account",
    "no such web ACL ({code})", "Return the ARN your function created, from create_web_acl's "
    "response.")
IP_SET_MISSING = Message(
    "The IP sets web ACL {name} references exist", "an IP set for every IPSetReferenceStatement",
    "{missing} does not exist", "Create the IP set first and reference the ARN create_ip_set "
    "returned.")
REFUSED = Message(
    "Web ACL {name} is one the real AWS WAF would accept",
    "a configuration AWS WAF accepts (this mock accepts more than AWS does)", "{problem}",
    "Fix what the message names: in a real account, the create or update call would fail.")
NOT_ASSOCIATED = Message(
    "Load balancer {resource} is protected by web ACL {name}",
    "{name} associated with {resource}", "{found}",
    "Call associate_web_acl(WebACLArn=..., ResourceArn=...) once the web ACL exists.")
DECIDES = Message(
    "Web ACL {name} {verb} {request}", "{expected}", "{found}", "{hint}")
HINT_COUNTED = ("Rule {counted} matched but only counted (a Count action, or a managed group "
                "whose OverrideAction is Count), so nothing stopped the request. Give your own "
                "rules the Block action and managed groups OverrideAction {{'None': {{}}}}.")
HINT_NO_RULE = ("No rule of {name} matches this request, so its default action "
                "({default}) applies: add a rule that does, with the Block action.")
HINT_BLOCKED = ("Rule {rule} blocks it: narrow that rule so it leaves requests like this one "
                "alone.")
HINT_RATE = ("Rule {rule} is rate-based and blocks it: count each client IP on its own "
             "(AggregateKeyType IP) and check its Limit and EvaluationWindowSec against the task.")


def require_web_acl_arn(value, what: str = "The value your function returned") -> str:
    try:
        state.parse_arn(value)
    except ValueError:
        raise NOT_A_WEB_ACL_ARN.fail(what=what, value=value, type=type(value).__name__) from None
    return value


def read_web_acl(session, web_acl_arn) -> tuple[dict, dict]:
    """(the web ACL, the IP sets it references) read back from the mock, checked to exist."""
    require_web_acl_arn(web_acl_arn)
    try:
        web_acl = state.get_web_acl(session, web_acl_arn)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code != "WAFNonexistentItemException":
            raise
        raise WEB_ACL_MISSING.fail(arn=web_acl_arn, code=code) from None
    problems = sim.config_problems(web_acl)
    if problems:
        raise REFUSED.fail(name=web_acl["Name"], problem="; ".join(problems))
    scope = state.parse_arn(web_acl_arn)["Scope"]
    known = state.ip_sets(session, scope)
    missing = [arn for arn in state.referenced_ip_sets(web_acl) if arn not in known]
    if missing:
        raise IP_SET_MISSING.fail(name=web_acl["Name"], missing=", ".join(missing))
    return web_acl, known


def web_acl_associated(session, resource_arn: str, web_acl_arn) -> None:
    """The web ACL ``web_acl_arn`` protects ``resource_arn`` (an ALB, ...)."""
    web_acl, _ = read_web_acl(session, web_acl_arn)
    current = state.web_acl_for_resource(session, resource_arn)
    if current is None or current["ARN"] != web_acl_arn:
        found = ("no web ACL" if current is None
                 else f"web ACL {current['Name']} ({current['ARN']})")
        raise NOT_ASSOCIATED.fail(resource=resource_arn, name=web_acl["Name"], found=found)


def _verdict_text(verdict: sim.Verdict) -> str:
    counted = f" (matched and only counted: {', '.join(verdict.counted)})" if verdict.counted \
        else ""
    return f"{verdict.action.value} by {verdict.terminating_rule}{counted}"


def web_acl_behaves(session, web_acl_arn, probes) -> None:
    """The web ACL decides each probe as expected. ``probes`` is one sequence, in time order, of
    ``(request, "ALLOW" | "BLOCK")``: rate-based rules count across it."""
    web_acl, ip_sets = read_web_acl(session, web_acl_arn)
    probes = list(probes)
    verdicts = sim.evaluate(web_acl, [r for r, _ in probes], ip_sets)
    rate_rules = {r["Name"] for r in web_acl.get("Rules", []) if "RateBasedStatement" in r["Statement"]}
    for (r, expected), verdict in zip(probes, verdicts, strict=True):
        if verdict.action.value == expected:
            continue
        if expected == "BLOCK" and verdict.counted:
            hint = HINT_COUNTED.format(counted=", ".join(verdict.counted))
        elif expected == "BLOCK":
            hint = HINT_NO_RULE.format(name=web_acl["Name"], default=verdict.action.value)
        elif verdict.terminating_rule in rate_rules:
            hint = HINT_RATE.format(rule=verdict.terminating_rule)
        else:
            hint = HINT_BLOCKED.format(rule=verdict.terminating_rule)
        raise DECIDES.fail(name=web_acl["Name"], verb="blocks" if expected == "BLOCK" else
                           "allows", request=describe_request(r), expected=expected,
                           found=_verdict_text(verdict), hint=hint)


# -- logging ------------------------------------------------------------------------------------

NO_LOGGING = Message(
    "Web ACL {name} sends its logs to CloudWatch Logs",
    "a logging configuration whose destination is a log group named aws-waf-logs-...",
    "no logging configuration", "Create the log group, then call put_logging_configuration with "
    "LoggingConfiguration={{'ResourceArn': <web ACL ARN>, 'LogDestinationConfigs': [<log group "
    "ARN>]}}.")
BAD_LOG_DESTINATION = Message(
    "Web ACL {name} sends its logs to CloudWatch Logs",
    "a log group whose name starts with aws-waf-logs- and that exists", "{found}", "{hint}")
HINT_LOG_PREFIX = ("AWS WAF only writes to destinations whose name starts with aws-waf-logs- "
                   "(this mock does not enforce it): rename the log group.")
HINT_LOG_MISSING = "Create the log group (logs.create_log_group) before pointing WAF at it."
HINT_LOG_KIND = ("Use a CloudWatch Logs log-group ARN, 'arn:aws:logs:<region>:<account>:"
                 "log-group:aws-waf-logs-<name>' (without the trailing ':*').")


def logs_to_cloudwatch(session, web_acl_arn) -> None:
    """The web ACL has a logging configuration that writes to an existing CloudWatch Logs log
    group whose name starts with ``aws-waf-logs-``."""
    web_acl, _ = read_web_acl(session, web_acl_arn)
    try:
        config = session.client("wafv2").get_logging_configuration(ResourceArn=web_acl_arn)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "WAFNonexistentItemException":
            raise
        raise NO_LOGGING.fail(name=web_acl["Name"]) from None
    destinations = config["LoggingConfiguration"]["LogDestinationConfigs"]
    groups = [d.split(":log-group:", 1)[1].removesuffix(":*") for d in destinations
              if d.startswith("arn:aws:logs:") and ":log-group:" in d]
    if not groups:
        raise BAD_LOG_DESTINATION.fail(name=web_acl["Name"], found=", ".join(destinations),
                                       hint=HINT_LOG_KIND)
    group = groups[0]
    if not group.startswith(LOG_GROUP_PREFIX):
        raise BAD_LOG_DESTINATION.fail(name=web_acl["Name"], found=f"log group {group}",
                                       hint=HINT_LOG_PREFIX)
    existing = session.client("logs").describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    if group not in [g["logGroupName"] for g in existing]:
        raise BAD_LOG_DESTINATION.fail(name=web_acl["Name"],
                                       found=f"log group {group}, which does not exist",
                                       hint=HINT_LOG_MISSING)
