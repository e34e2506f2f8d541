"""Reference AWS WAF evaluation: what a web ACL does with each web request, and which rule decided.

moto stores web ACLs, IP sets and their associations and returns them from ``get_web_acl``, but
it inspects no request. This module answers what AWS WAF would do. It is pure: it takes a web
ACL in the shape of ``get_web_acl(...)["WebACL"]`` (``SearchString`` as ``str`` or ``bytes``),
the IP sets it references as ``{ip_set_arn: [cidr, ...]}``, and requests as plain dicts (see
``grader.state.wafv2`` to read the first two from a boto3 session). It imports neither boto3
nor moto.

A request::

    {"time": 12.5,                    # seconds, ascending along a sequence of requests
     "ip": "203.0.113.9",             # the client address AWS WAF sees
     "country": "US",                 # ISO 3166 alpha-2 code of that address
     "method": "GET", "uri": "/login", "query": "user=bob",
     "headers": {"user-agent": "curl/8.5"},
     "managed_matches": {"AWSManagedRulesSQLiRuleSet": ["SQLi_QUERYARGUMENTS"]}}

Only ``ip`` is required; the others default to ``time`` 0, ``country`` "", ``GET``, ``/``, no
query, no headers, no managed matches.

Model (as of 2026):
- Rules run in ascending ``Priority``. A match whose action is Allow or Block terminates the
  evaluation; Count records the match and goes on to the next rule. When no rule terminates,
  the web ACL's ``DefaultAction`` decides, reported as the rule ``Default_Action`` (the name
  WAF logs use). CAPTCHA, Challenge and custom rule groups are not modelled (ValueError).
- Statements: ``IPSetReferenceStatement``, ``GeoMatchStatement``, ``ByteMatchStatement`` on
  ``UriPath``, ``QueryString``, ``Method`` or ``SingleHeader`` (header names case-insensitive;
  a missing header matches nothing), with text transformations ``NONE``, ``LOWERCASE`` and
  ``URL_DECODE`` applied in priority order to the request's value (never to the search string)
  and the positional constraints ``EXACTLY``, ``STARTS_WITH``, ``ENDS_WITH``, ``CONTAINS`` and
  ``CONTAINS_WORD``; ``AndStatement``, ``OrStatement``, ``NotStatement``.
- Managed rule groups: their rules are AWS's secret, so a request says which rules of which
  group it would trip (``managed_matches``). A tripped rule blocks unless the reference's
  ``RuleActionOverrides`` give it another action (or the older ``ExcludedRules`` list it, which
  means Count); the first tripped rule, in the order the request lists them, whose action
  terminates gives the group's result. ``OverrideAction`` ``Count`` then turns the group's whole
  result into a count; ``None`` leaves it alone.
- Rate-based rules: each aggregation instance (the client ``ip`` for ``AggregateKeyType`` IP,
  one shared instance for CONSTANT) counts the requests that reached the rule (no earlier rule
  terminated them) and matched its ``ScopeDownStatement``, if any, over the last
  ``EvaluationWindowSec`` seconds (default 300) including the current request: ``(time -
  window, time]``. The rule matches while that count exceeds ``Limit``. Real AWS WAF estimates
  the rate and reacts within tens of seconds; this model is exact, so answers are reproducible.
"""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict, deque
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote

DEFAULT_ACTION = "Default_Action"
#: The evaluation window AWS WAF uses when a rate-based statement does not set one.
DEFAULT_WINDOW_SEC = 300
#: Evaluation windows and the lowest limit AWS WAF accepts for rate-based rules (as of 2026).
WINDOWS_SEC = (60, 120, 300, 600)
MIN_RATE_LIMIT = 10


class Action(StrEnum):
    ALLOW = "ALLOW"
    BLOCK = "BLOCK"
    COUNT = "COUNT"


TERMINATING = (Action.ALLOW, Action.BLOCK)


@dataclass(frozen=True)
class Verdict:
    """What the web ACL did with one request: ``action`` is ALLOW or BLOCK, ``terminating_rule``
    the rule that decided (``Default_Action`` when none did), ``counted`` the rules that matched
    with a non-terminating result, in the order they ran."""

    action: Action
    terminating_rule: str
    counted: tuple[str, ...] = ()

    def as_log(self) -> dict:
        """The verdict in the shape of the two WAF log fields learners' evaluators return."""
        return {"action": self.action.value, "terminatingRuleId": self.terminating_rule}


# -- single statements --------------------------------------------------------------------------

def statement_matches(statement: dict, request: dict, ip_sets: dict) -> bool:
    """True if ``statement`` (one ``Statement`` dict of a rule) matches ``request``.

    Rate-based and rule-group statements are decided by :func:`evaluate`, not here.
    """
    (kind, body), = statement.items()
    if kind == "IPSetReferenceStatement":
        address = ipaddress.ip_address(request["ip"])
        return any(address in ipaddress.ip_network(cidr, strict=False)
                   for cidr in ip_sets[body["ARN"]])
    if kind == "GeoMatchStatement":
        return request.get("country", "") in body["CountryCodes"]
    if kind == "ByteMatchStatement":
        return _byte_match(body, request)
    if kind == "AndStatement":
        return all(statement_matches(s, request, ip_sets) for s in body["Statements"])
    if kind == "OrStatement":
        return any(statement_matches(s, request, ip_sets) for s in body["Statements"])
    if kind == "NotStatement":
        return not statement_matches(body["Statement"], request, ip_sets)
    raise ValueError(f"grader.sim.waf does not model a {kind} here")


def field_value(field_to_match: dict, request: dict) -> str | None:
    """The part of ``request`` a ``FieldToMatch`` names; None when it is absent (a header)."""
    (field, settings), = field_to_match.items()
    if field == "UriPath":
        return request.get("uri", "/")
    if field == "QueryString":
        return request.get("query", "")
    if field == "Method":
        return request.get("method", "GET")
    if field == "SingleHeader":
        wanted = settings["Name"].lower()
        return next((value for name, value in request.get("headers", {}).items()
                     if name.lower() == wanted), None)
    raise ValueError(f"grader.sim.waf does not model the field {field}")


_TRANSFORMATIONS = {"NONE": lambda s: s, "LOWERCASE": str.lower, "URL_DECODE": unquote}


def _byte_match(body: dict, request: dict) -> bool:
    value = field_value(body["FieldToMatch"], request)
    if value is None:
        return False
    for step in sorted(body.get("TextTransformations", []), key=lambda t: t["Priority"]):
        if step["Type"] not in _TRANSFORMATIONS:
            raise ValueError(f"grader.sim.waf does not model the text transformation {step['Type']}")
        value = _TRANSFORMATIONS[step["Type"]](value)
    search = body["SearchString"]
    if isinstance(search, bytes):
        search = search.decode()
    constraint = body["PositionalConstraint"]
    if constraint == "EXACTLY":
        return value == search
    if constraint == "STARTS_WITH":
        return value.startswith(search)
    if constraint == "ENDS_WITH":
        return value.endswith(search)
    if constraint == "CONTAINS":
        return search in value
    if constraint == "CONTAINS_WORD":
        return re.search(rf"(?<![A-Za-z0-9_]){re.escape(search)}(?![A-Za-z0-9_])", value) is not None
    raise ValueError(f"grader.sim.waf does not model the positional constraint {constraint}")


# -- rule actions -------------------------------------------------------------------------------

def _action(action: dict) -> Action:
    """An ``Action``, ``ActionToUse`` or ``DefaultAction`` dict (``{"Block": {}}``) as an Action."""
    (name, _), = action.items()
    try:
        return Action(name.upper())
    except ValueError:
        raise ValueError(f"grader.sim.waf does not model the action {name}") from None


def managed_group_result(statement: dict, override: dict, request: dict) -> Action | None:
    """What a ``ManagedRuleGroupStatement`` (with its rule's ``OverrideAction``) does with
    ``request``: ALLOW or BLOCK (terminating), COUNT, or None when no rule of it is tripped."""
    tripped = request.get("managed_matches", {}).get(statement["Name"], [])
    if not tripped:
        return None
    overrides = {o["Name"]: _action(o["ActionToUse"])
                 for o in statement.get("RuleActionOverrides", [])}
    overrides.update({r["Name"]: Action.COUNT for r in statement.get("ExcludedRules", [])})
    result = next((a for a in (overrides.get(name, Action.BLOCK) for name in tripped)
                   if a in TERMINATING), Action.COUNT)
    if "Count" in (override or {}):
        return Action.COUNT
    return result


class _RateCounter:
    """The request times each aggregation instance of one rate-based rule has counted."""

    def __init__(self, body: dict):
        self.limit = body["Limit"]
        self.window = body.get("EvaluationWindowSec", DEFAULT_WINDOW_SEC)
        self.key = body.get("AggregateKeyType", "IP")
        if self.key not in ("IP", "CONSTANT"):
            raise ValueError(f"grader.sim.waf does not model the aggregation key {self.key}")
        self.seen: dict[str, deque] = defaultdict(deque)

    def exceeded(self, request: dict) -> bool:
        """Count ``request`` and say whether its instance is now over the limit."""
        now = request.get("time", 0)
        times = self.seen[request["ip"] if self.key == "IP" else ""]
        times.append(now)
        while times and times[0] <= now - self.window:
            times.popleft()
        return len(times) > self.limit


# -- what AWS would refuse -----------------------------------------------------------------------

def config_problems(web_acl: dict) -> list[str]:
    """What the real AWS WAF API would refuse in ``web_acl`` (moto accepts it all, as of 2026):
    rule names or priorities used twice, a rule group without ``OverrideAction``, another rule
    without ``Action``, a rate limit below 10 or an evaluation window AWS does not offer."""
    rules = web_acl.get("Rules", [])
    problems = []
    for key in ("Name", "Priority"):
        values = [r[key] for r in rules]
        problems += [f"{key.lower()} {value!r} is used by more than one rule"
                     for value in sorted(set(values), key=str) if values.count(value) > 1]
    for rule in rules:
        (kind, body), = rule["Statement"].items()
        name = rule["Name"]
        if kind in ("ManagedRuleGroupStatement", "RuleGroupReferenceStatement"):
            if "OverrideAction" not in rule or "Action" in rule:
                problems.append(f"rule {name} runs a rule group: it takes an OverrideAction "
                                "({'None': {}} or {'Count': {}}), not an Action")
        elif "Action" not in rule:
            problems.append(f"rule {name} has no Action")
        if kind == "RateBasedStatement":
            if body["Limit"] < MIN_RATE_LIMIT:
                problems.append(f"rule {name}: Limit {body['Limit']} is below the minimum of "
                                f"{MIN_RATE_LIMIT}")
            window = body.get("EvaluationWindowSec", DEFAULT_WINDOW_SEC)
            if window not in WINDOWS_SEC:
                problems.append(f"rule {name}: EvaluationWindowSec {window} is not one of "
                                f"{', '.join(map(str, WINDOWS_SEC))}")
    return problems


# -- the web ACL --------------------------------------------------------------------------------

def evaluate(web_acl: dict, requests, ip_sets: dict) -> list[Verdict]:
    """The verdict of ``web_acl`` on each request of ``requests``, taken in order (rate-based
    rules count across the sequence, so give requests in ascending ``time``)."""
    rules = sorted(web_acl.get("Rules", []), key=lambda r: r["Priority"])
    counters = {r["Name"]: _RateCounter(r["Statement"]["RateBasedStatement"])
                for r in rules if "RateBasedStatement" in r["Statement"]}
    default = _action(web_acl["DefaultAction"])
    return [_one(rules, counters, default, request, ip_sets) for request in requests]


def _one(rules, counters, default, request, ip_sets) -> Verdict:
    counted = []
    for rule in rules:
        result = _rule_result(rule, counters, request, ip_sets)
        if result in TERMINATING:
            return Verdict(result, rule["Name"], tuple(counted))
        if result is Action.COUNT:
            counted.append(rule["Name"])
    return Verdict(default, DEFAULT_ACTION, tuple(counted))


def _rule_result(rule, counters, request, ip_sets) -> Action | None:
    """What one rule does with the request: an Action when it matches, else None."""
    (kind, body), = rule["Statement"].items()
    if kind == "ManagedRuleGroupStatement":
        return managed_group_result(body, rule.get("OverrideAction"), request)
    if kind == "RuleGroupReferenceStatement":
        raise ValueError("grader.sim.waf does not model custom rule groups")
    if kind == "RateBasedStatement":
        scope = body.get("ScopeDownStatement")
        if scope is not None and not statement_matches(scope, request, ip_sets):
            return None
        matched = counters[rule["Name"]].exceeded(request)
    else:
        matched = statement_matches(rule["Statement"], request, ip_sets)
    return _action(rule["Action"]) if matched else None
