"""Checks of what a load balancer does with requests: the listeners and rules read back from the
mock and replayed through ``grader.sim.elb.route`` (moto stores them but routes nothing).

Requests come from :func:`http`, :func:`https` and :func:`tcp`; what should happen to them from
:func:`forward`, :func:`redirect_to_https`, :func:`fixed_response` and :func:`refused`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from grader.checks.base import Message
from grader.sim import elb as sim
from grader.state import elbv2 as state

from .resources import load_balancer

# -- requests -----------------------------------------------------------------------------------


def http(host: str, path: str = "/", query: str = "", *, port: int = 80, **fields) -> dict:
    """A plain-HTTP request to ``host`` on ``port``."""
    return sim.request("HTTP", port, host, path, query, **fields)


def https(host: str, path: str = "/", query: str = "", *, port: int = 443, **fields) -> dict:
    """An HTTPS request to ``host`` on ``port``."""
    return sim.request("HTTPS", port, host, path, query, **fields)


def tcp(port: int, source_ip: str = "198.51.100.7", protocol: str = "TCP") -> dict:
    """A new TCP (or ``protocol``) connection to the load balancer's ``port``."""
    return sim.request(protocol, port, source_ip=source_ip)


def describe_request(req: dict) -> str:
    """``https://shop.example.com/api/x?y=1`` (the method first unless GET) or ``a TCP
    connection to port 5432``."""
    if req["protocol"] in ("HTTP", "HTTPS"):
        default = 80 if req["protocol"] == "HTTP" else 443
        port = "" if req["port"] == default else f":{req['port']}"
        query = f"?{req['query']}" if req.get("query") else ""
        method = "" if req.get("method", "GET") == "GET" else f"{req['method']} "
        return (f"{method}{req['protocol'].lower()}://{req['host']}{port}"
                f"{req.get('path', '/')}{query}")
    return f"a {req['protocol']} connection to port {req['port']}"


# -- what should happen -------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """What a request should get: ``outcome``, the forward ``shares`` (target-group ARN ->
    Fraction) or the ``status_code``; a redirect keeps the request's host, path and query and
    changes protocol and port to ``to_protocol`` and ``to_port``."""

    outcome: sim.Outcome
    shares: tuple = ()
    status_code: int | None = None
    to_protocol: str = "HTTPS"
    to_port: int = 443

    def location(self, req: dict) -> dict:
        return {"protocol": self.to_protocol, "host": req.get("host", ""), "port": self.to_port,
                "path": req.get("path") or "/", "query": req.get("query") or ""}

    def met_by(self, answer: sim.Answer, req: dict) -> bool:
        if answer.outcome is not self.outcome:
            return False
        if self.outcome is sim.Outcome.FORWARD:
            return answer.shares == dict(self.shares)
        if self.outcome is sim.Outcome.REDIRECT:
            return answer.status_code == self.status_code and answer.location == self.location(req)
        return self.status_code is None or answer.status_code == self.status_code

    def text(self, req: dict) -> str:
        if self.outcome is sim.Outcome.FORWARD:
            return "forwarded to " + _shares_text(dict(self.shares))
        if self.outcome is sim.Outcome.REDIRECT:
            return f"redirect {self.status_code} to {_url(self.location(req))}"
        if self.outcome is sim.Outcome.FIXED_RESPONSE:
            return f"fixed response {self.status_code}"
        return "refused: nothing listens for it"


def forward(target: str | dict) -> Expect:
    """Forwarded to one target-group ARN, or split by ``{ARN: weight}`` in proportion."""
    weights = target if isinstance(target, dict) else {target: 1}
    total = sum(weights.values())
    return Expect(sim.Outcome.FORWARD, tuple(
        (arn, Fraction(w, total)) for arn, w in weights.items() if w))


def redirect_to_https(status_code: int = 301, port: int = 443) -> Expect:
    """A redirect (301 by default) to HTTPS on ``port``, same host, path and query."""
    return Expect(sim.Outcome.REDIRECT, status_code=status_code, to_port=port)


def fixed_response(status_code: int) -> Expect:
    return Expect(sim.Outcome.FIXED_RESPONSE, status_code=status_code)


def refused() -> Expect:
    return Expect(sim.Outcome.REFUSED)


def _name(arn: str) -> str:
    """``web`` for ``...:targetgroup/web/0123`` or ``...:loadbalancer/app/web/0123``."""
    parts = arn.split(":", 5)[-1].split("/")
    return parts[2] if parts[0] == "loadbalancer" and len(parts) > 2 else parts[1]


def _shares_text(shares: dict) -> str:
    if not shares:
        return "no target group (every weight is 0)"
    if len(shares) == 1:
        return f"target group {_name(next(iter(shares)))}"
    return ", ".join(f"{_name(arn)} {float(share):.0%}" for arn, share in shares.items())


def _url(location: dict) -> str:
    query = f"?{location['query']}" if location.get("query") else ""
    return (f"{location['protocol'].lower()}://{location['host']}:{location['port']}"
            f"{location['path']}{query}")


def answer_text(answer: sim.Answer) -> str:
    """One line for an answer of the simulator: what happened and which rule did it."""
    where = "" if answer.outcome is sim.Outcome.REFUSED else (
        " (the default action)" if answer.rule == sim.DEFAULT_RULE else f" (rule {answer.rule})")
    if answer.outcome is sim.Outcome.FORWARD:
        return "forwarded to " + _shares_text(answer.shares) + where
    if answer.outcome is sim.Outcome.REDIRECT:
        return f"redirect {answer.status_code} to {_url(answer.location)}{where}"
    if answer.outcome is sim.Outcome.FIXED_RESPONSE:
        return f"fixed response {answer.status_code}{where}"
    return f"refused: {answer.reason}"


# -- what it does with requests -----------------------------------------------------------------

ANSWERS = Message("Load balancer {name} answers {request}", "{expected}", "{found}", "{hint}")
HINT_REFUSED = ("Nothing takes it ({reason}): add a listener with create_listener(Protocol="
                "'{protocol}', Port={port}, ...).")
HINT_PLAIN_HTTP = ("The {protocol}:{port} listener forwards plain HTTP to your servers, so "
                   "passwords and session cookies cross the internet unencrypted. Make its "
                   "default action a redirect: {{'Type': 'redirect', 'RedirectConfig': "
                   "{{'Protocol': 'HTTPS', 'Port': '443', 'StatusCode': 'HTTP_301'}}}}.")
HINT_REDIRECT = ("Keep the request's host, path and query (leave Host, Path and Query out of "
                 "RedirectConfig: they default to #{host}, /#{path} and #{query}) and "
                 "choose the StatusCode the task asks for (HTTP_301 is permanent).")
HINT_DEFAULT = ("No rule matched it, so the listener's default action answered. Check the "
                "conditions of the rule meant for it: path patterns are case-sensitive and "
                "match the whole path ('/api/*' needs the slash), host names are not.")
HINT_RULE = ("Rule {rule} matched it first: rules are read from the lowest priority number up "
             "and the first match decides. Narrow that rule's conditions or give the rule meant "
             "for this request a lower priority number.")
HINT_WEIGHTS = ("Split with one forward action naming every target group with its weight: "
                "ForwardConfig={'TargetGroups': [{'TargetGroupArn': ..., 'Weight': ...}, ...]}; "
                "each group gets requests in proportion to its weight.")
HINT_UNEXPECTED = "Nothing should answer it: remove the listener on port {port}."


def _hint(expected: Expect, answer: sim.Answer, req: dict) -> str:
    if answer.outcome is sim.Outcome.REFUSED:
        return HINT_REFUSED.format(reason=answer.reason, protocol=req["protocol"],
                                   port=req["port"])
    if expected.outcome is sim.Outcome.REFUSED:
        return HINT_UNEXPECTED.format(port=req["port"])
    if expected.outcome is sim.Outcome.REDIRECT and answer.outcome is sim.Outcome.FORWARD \
            and req["protocol"] == "HTTP":
        return HINT_PLAIN_HTTP.format(protocol=req["protocol"], port=req["port"])
    if expected.outcome is answer.outcome is sim.Outcome.REDIRECT:
        return HINT_REDIRECT
    if expected.outcome is answer.outcome is sim.Outcome.FORWARD and (
            len(expected.shares) > 1 or set(dict(expected.shares)) == set(answer.shares)):
        return HINT_WEIGHTS
    if answer.rule == sim.DEFAULT_RULE:
        return HINT_DEFAULT
    return HINT_RULE.format(rule=answer.rule)


def routes(session, lb_arn, probes) -> None:
    """The load balancer answers every probe as expected. ``probes`` are ``(request, Expect)``
    pairs; the answers are ``grader.sim.elb.route``'s over the listeners and rules read back."""
    lb = load_balancer(session, lb_arn)
    listeners, rules = state.routing(session, lb_arn)
    for req, expected in probes:
        answer = sim.route(listeners, rules, req)
        if not expected.met_by(answer, req):
            raise ANSWERS.fail(name=lb["LoadBalancerName"], request=describe_request(req),
                               expected=expected.text(req), found=answer_text(answer),
                               hint=_hint(expected, answer, req))


def answers(session, lb_arn, requests) -> list[dict]:
    """The simulator's answer to each request, as rows for a DataFrame (request, answer)."""
    load_balancer(session, lb_arn)
    listeners, rules = state.routing(session, lb_arn)
    return [{"request": describe_request(r), "answer": answer_text(sim.route(listeners, rules, r))}
            for r in requests]
