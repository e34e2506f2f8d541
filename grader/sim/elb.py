"""Reference Elastic Load Balancing router: which action answers a request, and which targets
share a load balancer's traffic.

moto stores load balancers, listeners, rules and target groups and returns them from the
``describe_*`` calls, but routes nothing. This module answers what AWS would do. It is pure:
listeners and rules are in the shape of ``describe_listeners(...)["Listeners"]`` and
``describe_rules(...)["Rules"]`` (see ``grader.state.elbv2`` to read them from a session), and
requests are plain dicts. It imports neither boto3 nor moto.

A request::

    {"protocol": "HTTPS",            # what the client speaks: HTTP, HTTPS, TCP, TLS, UDP
     "port": 443,                    # the load balancer port it connects to
     "host": "shop.example.com",     # HTTP(S) only from here on
     "path": "/api/orders", "query": "page=2",
     "method": "GET", "headers": {"user-agent": "curl/8.5"},
     "source_ip": "198.51.100.7"}

Only ``protocol`` and ``port`` are required; the others default to host "", path "/", no
query, GET, no headers, source 0.0.0.0.

Model (as of 2026):
- A listener answers the requests on its port whose protocol it speaks: an HTTP listener plain
  HTTP, HTTPS only TLS-wrapped HTTP, TCP any TCP stream (TLS and HTTP(S) pass through), TLS a
  TLS stream (HTTPS included), UDP datagrams, TCP_UDP both; a Gateway Load Balancer's listener
  (no port, GENEVE) takes everything. Anything else is refused: no listener on that port, or a
  handshake that cannot succeed.
- HTTP and HTTPS listeners read their rules in ascending priority; the first rule whose
  conditions all match decides (several values of one condition: any of them), else the default
  action. ``path-pattern`` is case-sensitive, ``host-header``, ``http-header`` and
  ``query-string`` are not; ``*`` matches any run of characters and ``?`` exactly one; a
  pattern matches the whole value. ``http-request-method`` compares exactly, ``source-ip`` by
  CIDR. Regex conditions and transforms are not modelled (ValueError).
- The action with the highest ``Order`` answers (authentication actions run before it and are
  not modelled). ``forward`` splits requests between target groups in proportion to their
  weights (``shares``); ``redirect`` fills the ``#{protocol}``, ``#{host}``, ``#{port}``,
  ``#{path}`` (without its leading "/") and ``#{query}`` keywords, components left out keep
  their value; ``fixed-response`` returns its status code.
- Target shares: clients spread evenly over the load balancer's nodes, one per enabled
  Availability Zone. With cross-zone load balancing each node spreads its part over every
  registered target; without it, only over the targets in its own zone, and a zone without
  targets gets no traffic (its node leaves DNS, as a Network Load Balancer's does).
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

#: Which request protocols each listener protocol accepts.
ACCEPTS = {
    "HTTP": {"HTTP"},
    "HTTPS": {"HTTPS"},
    "TCP": {"TCP", "TLS", "HTTP", "HTTPS"},
    "TLS": {"TLS", "HTTPS"},
    "UDP": {"UDP"},
    "TCP_UDP": {"TCP", "TLS", "HTTP", "HTTPS", "UDP"},
    "QUIC": {"QUIC"},
    "TCP_QUIC": {"TCP", "TLS", "HTTP", "HTTPS", "QUIC"},
}
DEFAULT_RULE = "default"
TERMINATING = ("forward", "redirect", "fixed-response")
#: Load balancer types (``Type`` of ``describe_load_balancers``) whose cross-zone load balancing
#: is always on at the load balancer level (a target group may still turn it off).
ALWAYS_CROSS_ZONE = ("application",)


class Outcome(StrEnum):
    FORWARD = "forward"
    REDIRECT = "redirect"
    FIXED_RESPONSE = "fixed-response"
    REFUSED = "refused"


@dataclass(frozen=True)
class Answer:
    """What the load balancer does with one request.

    ``rule`` is the deciding rule's priority (``"default"`` for the default action, ``""`` when
    refused); ``shares`` maps target-group ARN -> share of such requests (forward only);
    ``status_code`` is the redirect's or fixed response's; ``location`` the redirect target as
    ``{"protocol", "host", "port", "path", "query"}``; ``reason`` says why, in words.
    """

    outcome: Outcome
    rule: str = ""
    shares: dict = field(default_factory=dict)
    status_code: int | None = None
    location: dict | None = None
    reason: str = ""

    def as_dict(self) -> dict:
        """The answer in plain types: shares as floats, only the fields that apply."""
        found = {"outcome": self.outcome.value, "rule": self.rule}
        if self.outcome is Outcome.FORWARD:
            found["shares"] = {arn: float(share) for arn, share in self.shares.items()}
        if self.status_code is not None:
            found["status_code"] = self.status_code
        if self.location is not None:
            found["location"] = dict(self.location)
        return found


def request(protocol: str, port: int, host: str = "", path: str = "/", query: str = "", *,
            method: str = "GET", headers: dict | None = None,
            source_ip: str = "0.0.0.0") -> dict:
    """One request in the shape this module reads."""
    return {"protocol": protocol, "port": port, "host": host, "path": path, "query": query,
            "method": method, "headers": dict(headers or {}), "source_ip": source_ip}


# -- conditions ---------------------------------------------------------------------------------

_CONFIGS = {"path-pattern": "PathPatternConfig", "host-header": "HostHeaderConfig",
            "http-header": "HttpHeaderConfig", "http-request-method": "HttpRequestMethodConfig",
            "query-string": "QueryStringConfig", "source-ip": "SourceIpConfig"}


def _glob(pattern: str, value: str, *, case_sensitive: bool) -> bool:
    """``*`` and ``?`` wildcards over the whole value; every other character is literal."""
    if not case_sensitive:
        pattern, value = pattern.lower(), value.lower()
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, flags=re.DOTALL) is not None


def condition_values(condition: dict) -> list:
    """A condition's values, from its ``<Field>Config`` or the older top-level ``Values``."""
    config = condition.get(_CONFIGS.get(condition.get("Field"), ""), {}) or {}
    if config.get("RegexValues"):
        raise ValueError("grader.sim.elb does not model regex conditions")
    return list(config.get("Values") or condition.get("Values") or [])


def condition_matches(condition: dict, req: dict) -> bool:
    """True if one rule condition (``describe_rules`` shape) matches the request."""
    kind, values = condition.get("Field"), condition_values(condition)
    if kind == "path-pattern":
        return any(_glob(v, req.get("path") or "/", case_sensitive=True) for v in values)
    if kind == "host-header":
        host = (req.get("host") or "").split(":")[0]
        return any(_glob(v, host, case_sensitive=False) for v in values)
    if kind == "http-request-method":
        return req.get("method", "GET") in values
    if kind == "http-header":
        name = condition["HttpHeaderConfig"]["HttpHeaderName"].lower()
        headers = {k.lower(): v for k, v in (req.get("headers") or {}).items()}
        return name in headers and any(_glob(v, headers[name], case_sensitive=False)
                                       for v in values)
    if kind == "query-string":
        pairs = [tuple(p.split("=", 1)) if "=" in p else (p, "")
                 for p in (req.get("query") or "").split("&") if p]
        return any(_glob(v["Value"], value, case_sensitive=False)
                   and ("Key" not in v or v["Key"] is None
                        or _glob(v["Key"], key, case_sensitive=False))
                   for v in values for key, value in pairs)
    if kind == "source-ip":
        address = ipaddress.ip_address(req.get("source_ip", "0.0.0.0"))
        return any(address in ipaddress.ip_network(v, strict=False) for v in values)
    raise ValueError(f"grader.sim.elb does not model a {kind!r} condition")


def rule_matches(rule: dict, req: dict) -> bool:
    """Every condition of the rule matches (a rule without conditions matches everything)."""
    return all(condition_matches(c, req) for c in rule.get("Conditions") or [])


# -- actions ------------------------------------------------------------------------------------

def terminating_action(actions: list) -> dict:
    """The action that answers: the one with the highest ``Order`` (list order without one)."""
    ordered = sorted(enumerate(actions), key=lambda pair: (pair[1].get("Order", pair[0]), pair[0]))
    final = ordered[-1][1] if ordered else {}
    if final.get("Type") not in TERMINATING:
        raise ValueError(f"grader.sim.elb does not model a {final.get('Type')!r} action here")
    return final


def forward_shares(action: dict) -> dict:
    """``{target-group ARN: Fraction}`` of a forward action; weights of 0 take no share."""
    groups = (action.get("ForwardConfig") or {}).get("TargetGroups") or []
    if not groups and action.get("TargetGroupArn"):
        return {action["TargetGroupArn"]: Fraction(1)}
    weights = Counter()
    for group in groups:
        weights[group["TargetGroupArn"]] += int(group.get("Weight", 1))
    total = sum(weights.values())
    return {arn: Fraction(w, total) for arn, w in weights.items() if w} if total else {}


def redirect_location(config: dict, req: dict) -> dict:
    """Where a redirect sends the request: its components with the ``#{...}`` keywords filled."""
    path = req.get("path") or "/"
    words = {"#{protocol}": req["protocol"], "#{host}": req.get("host") or "",
             "#{port}": str(req["port"]), "#{path}": path[1:], "#{query}": req.get("query") or ""}

    def fill(text):
        for word, value in words.items():
            text = text.replace(word, value)
        return text

    port = fill(str(config.get("Port") or "#{port}"))
    return {"protocol": fill(config.get("Protocol") or "#{protocol}").upper(),
            "host": fill(config.get("Host") or "#{host}"),
            "port": int(port) if port.isdigit() else port,
            "path": fill(config.get("Path") or "/#{path}"),
            "query": fill(config.get("Query") if config.get("Query") is not None else "#{query}")}


def answer_with(actions: list, req: dict, rule: str) -> Answer:
    """The answer of a rule (or default action) ``rule`` whose actions are ``actions``."""
    action = terminating_action(actions)
    where = "the default action" if rule == DEFAULT_RULE else f"rule {rule}"
    if action["Type"] == "forward":
        shares = forward_shares(action)
        return Answer(Outcome.FORWARD, rule, shares, reason=f"{where} forwards")
    if action["Type"] == "redirect":
        config = action["RedirectConfig"]
        location = redirect_location(config, req)
        return Answer(Outcome.REDIRECT, rule, status_code=int(config["StatusCode"][-3:]),
                      location=location, reason=f"{where} redirects")
    config = action["FixedResponseConfig"]
    return Answer(Outcome.FIXED_RESPONSE, rule, status_code=int(config["StatusCode"]),
                  reason=f"{where} answers with a fixed response")


# -- routing ------------------------------------------------------------------------------------

def find_listener(listeners: list, req: dict) -> tuple[dict | None, str]:
    """The listener that takes ``req``, or None and why not."""
    for listener in listeners:
        if listener.get("Port") is None:  # a Gateway Load Balancer's: every packet, every port
            return listener, ""
    on_port = [x for x in listeners if x.get("Port") == req["port"]]
    if not on_port:
        return None, f"no listener on port {req['port']}"
    for listener in on_port:
        if req["protocol"].upper() in ACCEPTS.get(listener["Protocol"], ()):
            return listener, ""
    return None, (f"the listener on port {req['port']} speaks {on_port[0]['Protocol']}, "
                  f"not {req['protocol']}")


def route(listeners: list, rules: dict, req: dict) -> Answer:
    """What the load balancer with these listeners does with ``req``.

    ``rules`` maps listener ARN -> that listener's ``describe_rules`` list (a missing listener
    has only its default action). Layer-4 listeners (TCP, TLS, UDP, ...) have no rules.
    """
    listener, why = find_listener(listeners, req)
    if listener is None:
        return Answer(Outcome.REFUSED, reason=why)
    if listener.get("Protocol") in ("HTTP", "HTTPS"):
        numbered = [r for r in rules.get(listener["ListenerArn"], [])
                    if str(r.get("Priority", "")).isdigit() and not r.get("IsDefault")]
        for rule in sorted(numbered, key=lambda r: int(r["Priority"])):
            if rule_matches(rule, req):
                return answer_with(rule["Actions"], req, str(rule["Priority"]))
    return answer_with(listener["DefaultActions"], req, DEFAULT_RULE)


# -- where the traffic lands --------------------------------------------------------------------

def cross_zone_enabled(lb_type: str, lb_attribute: str | None = None,
                       tg_attribute: str | None = None) -> bool:
    """Whether a target group's traffic crosses zones: its own ``load_balancing.cross_zone
    .enabled`` ("true"/"false") wins; else the load balancer's (always on for an ALB, off by
    default for a Network or Gateway Load Balancer)."""
    if tg_attribute in ("true", "false"):
        return tg_attribute == "true"
    if lb_type in ALWAYS_CROSS_ZONE:
        return True
    return (lb_attribute or "false") == "true"


def target_shares(zones, targets, cross_zone: bool) -> dict:
    """``{target: Fraction}``: the share of new connections each target receives.

    ``zones`` are the load balancer's Availability Zones (one node each); ``targets`` are
    ``(target, zone)`` pairs of healthy registered targets. Targets outside ``zones`` get
    nothing.
    """
    zones = list(dict.fromkeys(zones))
    usable = [(t, z) for t, z in targets if z in zones]
    if not usable:
        return {}
    if cross_zone:
        return {t: Fraction(1, len(usable)) for t, _ in usable}
    per_zone = Counter(z for _, z in usable)
    return {t: Fraction(1, len(per_zone) * per_zone[z]) for t, z in usable}
