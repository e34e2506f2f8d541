"""Tests for grader/sim/elb.py: the reference Elastic Load Balancing router.

Conditions, listener matching and redirects are tested from tables, one behaviour per row;
routing and target shares on small listeners built here in the ``describe_*`` shape.
"""

from fractions import Fraction

import pytest

from grader.sim.elb import (
    DEFAULT_RULE,
    Answer,
    Outcome,
    condition_matches,
    condition_values,
    cross_zone_enabled,
    find_listener,
    forward_shares,
    redirect_location,
    request,
    route,
    rule_matches,
    target_shares,
    terminating_action,
)

WEB, API, GREEN = (f"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/{n}/1"
                   for n in ("web", "api", "green"))


def path(*values):
    return {"Field": "path-pattern", "PathPatternConfig": {"Values": list(values)}}


def host(*values):
    return {"Field": "host-header", "HostHeaderConfig": {"Values": list(values)}}


def forward(arn):
    return [{"Type": "forward", "TargetGroupArn": arn}]


def fixed(code):
    return [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": str(code)}}]


def listener(protocol, port, default, arn=None):
    return {"ListenerArn": arn or f"listener/{protocol}/{port}", "Protocol": protocol, "Port": port,
            "DefaultActions": default}


def rule(priority, conditions, actions):
    return {"Priority": str(priority), "Conditions": conditions, "Actions": actions, "IsDefault": False}


# -- conditions ---------------------------------------------------------------------------------

@pytest.mark.parametrize("condition, req, matches", [
    pytest.param(path("/api/*"), {"path": "/api/orders"}, True, id="path-star"),
    pytest.param(path("/api/*"), {"path": "/api/"}, True, id="path-star-empty-rest"),
    pytest.param(path("/api/*"), {"path": "/api"}, False, id="path-star-needs-the-slash"),
    pytest.param(path("/api/*"), {"path": "/apiary"}, False, id="path-prefix-is-not-enough"),
    pytest.param(path("/api/*"), {"path": "/API/orders"}, False, id="path-case-sensitive"),
    pytest.param(path("/api/*"), {"path": "/v1/api/x"}, False, id="path-matches-the-whole-path"),
    pytest.param(path("/img/?.png"), {"path": "/img/a.png"}, True, id="path-question-one-char"),
    pytest.param(path("/img/?.png"), {"path": "/img/ab.png"}, False, id="path-question-not-two"),
    pytest.param(path("/a[1].txt"), {"path": "/a[1].txt"}, True, id="path-brackets-literal"),
    pytest.param(path("/docs", "/help/*"), {"path": "/help/x"}, True, id="path-any-value"),
    pytest.param({"Field": "path-pattern", "Values": ["/old/*"]}, {"path": "/old/a"}, True,
                 id="path-legacy-values"),
    pytest.param(host("admin.example.com"), {"host": "ADMIN.Example.com"}, True, id="host-any-case"),
    pytest.param(host("admin.example.com"), {"host": "admin.example.com:443"}, True,
                 id="host-port-ignored"),
    pytest.param(host("admin.example.com"), {"host": "xadmin.example.com"}, False, id="host-whole-name"),
    pytest.param(host("*.example.com"), {"host": "shop.example.com"}, True, id="host-wildcard"),
    pytest.param(host("*.example.com"), {"host": "example.com"}, False, id="host-wildcard-needs-a-label"),
    pytest.param({"Field": "http-request-method", "HttpRequestMethodConfig": {"Values": ["DELETE"]}},
                 {"method": "DELETE"}, True, id="method"),
    pytest.param({"Field": "http-request-method", "HttpRequestMethodConfig": {"Values": ["DELETE"]}},
                 {}, False, id="method-defaults-to-get"),
    pytest.param({"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "User-Agent",
                                                               "Values": ["*Mobile*"]}},
                 {"headers": {"user-agent": "Phone mobile Safari"}}, True, id="header-any-case"),
    pytest.param({"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "X-Beta",
                                                               "Values": ["*"]}},
                 {"headers": {}}, False, id="header-missing"),
    pytest.param({"Field": "query-string", "QueryStringConfig": {"Values": [
        {"Key": "version", "Value": "v2"}]}}, {"query": "a=1&Version=V2"}, True, id="query-pair"),
    pytest.param({"Field": "query-string", "QueryStringConfig": {"Values": [{"Value": "beta"}]}},
                 {"query": "channel=beta"}, True, id="query-value-any-key"),
    pytest.param({"Field": "query-string", "QueryStringConfig": {"Values": [
        {"Key": "version", "Value": "v2"}]}}, {"query": "version=v3"}, False, id="query-other-value"),
    pytest.param({"Field": "source-ip", "SourceIpConfig": {"Values": ["192.0.2.0/24"]}},
                 {"source_ip": "192.0.2.77"}, True, id="source-ip-in"),
    pytest.param({"Field": "source-ip", "SourceIpConfig": {"Values": ["192.0.2.0/24"]}},
                 {"source_ip": "198.51.100.1"}, False, id="source-ip-out"),
])
def test_condition_matches(condition, req, matches):
    assert condition_matches(condition, {"protocol": "HTTPS", "port": 443, **req}) is matches


def test_rule_needs_every_condition():
    both = rule(1, [host("admin.example.com"), path("/api/*")], fixed(403))
    assert rule_matches(both, request("HTTPS", 443, "admin.example.com", "/api/x"))
    assert not rule_matches(both, request("HTTPS", 443, "admin.example.com", "/"))


def test_regex_conditions_are_refused_not_guessed():
    with pytest.raises(ValueError, match="regex"):
        condition_values({"Field": "path-pattern", "PathPatternConfig": {"RegexValues": ["^/a"]}})


# -- actions ------------------------------------------------------------------------------------

def test_the_action_with_the_highest_order_answers():
    actions = [{"Type": "forward", "TargetGroupArn": WEB, "Order": 2},
               {"Type": "authenticate-oidc", "Order": 1}]
    assert terminating_action(actions)["Type"] == "forward"


def test_an_authentication_action_alone_is_not_modelled():
    with pytest.raises(ValueError, match="authenticate-cognito"):
        terminating_action([{"Type": "authenticate-cognito"}])


@pytest.mark.parametrize("action, shares", [
    pytest.param(forward(WEB)[0], {WEB: 1}, id="one-group"),
    pytest.param({"Type": "forward", "ForwardConfig": {"TargetGroups": [
        {"TargetGroupArn": WEB, "Weight": 9}, {"TargetGroupArn": GREEN, "Weight": 1}]}},
        {WEB: Fraction(9, 10), GREEN: Fraction(1, 10)}, id="weights-in-proportion"),
    pytest.param({"Type": "forward", "ForwardConfig": {"TargetGroups": [
        {"TargetGroupArn": WEB, "Weight": 100}, {"TargetGroupArn": GREEN, "Weight": 0}]}},
        {WEB: 1}, id="weight-zero-takes-nothing"),
    pytest.param({"Type": "forward", "TargetGroupArn": WEB, "ForwardConfig": {"TargetGroups": [
        {"TargetGroupArn": WEB}]}}, {WEB: 1}, id="both-forms"),
    pytest.param({"Type": "forward", "ForwardConfig": {"TargetGroups": [
        {"TargetGroupArn": WEB, "Weight": 0}]}}, {}, id="all-weights-zero"),
])
def test_forward_shares(action, shares):
    assert forward_shares(action) == shares


@pytest.mark.parametrize("config, location", [
    pytest.param({"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
                 ("HTTPS", "shop.example.com", 443, "/cart", "item=4"), id="to-https-keeps-the-rest"),
    pytest.param({"Host": "new.example.com", "StatusCode": "HTTP_302"},
                 ("HTTP", "new.example.com", 80, "/cart", "item=4"), id="host-only"),
    pytest.param({"Path": "/v2/#{path}", "Query": "#{query}&from=#{host}", "StatusCode": "HTTP_301"},
                 ("HTTP", "shop.example.com", 80, "/v2/cart", "item=4&from=shop.example.com"),
                 id="keywords"),
    pytest.param({"Protocol": "#{protocol}", "Port": "#{port}", "Query": "", "StatusCode": "HTTP_301"},
                 ("HTTP", "shop.example.com", 80, "/cart", ""), id="query-dropped"),
])
def test_redirect_location(config, location):
    found = redirect_location(config, request("HTTP", 80, "shop.example.com", "/cart", "item=4"))
    assert tuple(found.values()) == location


# -- listeners and routing ----------------------------------------------------------------------

@pytest.mark.parametrize("protocol, port, req_protocol, found", [
    pytest.param("HTTPS", 443, "HTTPS", True, id="https"),
    pytest.param("HTTPS", 443, "HTTP", False, id="plain-http-to-https-port"),
    pytest.param("HTTP", 80, "HTTPS", False, id="tls-to-http-port"),
    pytest.param("TCP", 8883, "TLS", True, id="tcp-passes-tls-through"),
    pytest.param("TCP", 8883, "UDP", False, id="tcp-not-udp"),
    pytest.param("TLS", 8883, "TCP", False, id="tls-listener-needs-tls"),
    pytest.param("TCP_UDP", 53, "UDP", True, id="tcp-udp"),
])
def test_find_listener_by_port_and_protocol(protocol, port, req_protocol, found):
    listeners = [listener(protocol, port, forward(WEB))]
    got, why = find_listener(listeners, request(req_protocol, port))
    assert (got is not None) is found and (why == "") is found


def test_no_listener_on_the_port_is_refused_with_the_reason():
    answer = route([listener("HTTPS", 443, forward(WEB))], {}, request("HTTP", 80, "shop"))
    assert answer == Answer(Outcome.REFUSED, reason="no listener on port 80")


def test_a_gateway_listener_takes_every_packet():
    gwlb = {"ListenerArn": "gw", "DefaultActions": forward(WEB)}
    assert route([gwlb], {}, request("UDP", 4500)).shares == {WEB: 1}


SHOP = listener("HTTPS", 443, forward(WEB), arn="https")
SHOP_RULES = {"https": [
    rule(20, [path("/api/*")], forward(API)),
    rule(10, [host("admin.example.com")], fixed(403)),
    {"Priority": "default", "Conditions": [], "Actions": fixed(500), "IsDefault": True},
]}


@pytest.mark.parametrize("host_, path_, outcome, rule_, shares", [
    pytest.param("shop.example.com", "/api/x", Outcome.FORWARD, "20", {API: 1}, id="path-rule"),
    pytest.param("admin.example.com", "/api/x", Outcome.FIXED_RESPONSE, "10", {},
                 id="lowest-priority-first-whatever-the-list-order"),
    pytest.param("shop.example.com", "/", Outcome.FORWARD, DEFAULT_RULE, {WEB: 1},
                 id="default-action-from-the-listener"),
])
def test_route_reads_rules_by_priority(host_, path_, outcome, rule_, shares):
    answer = route([SHOP], SHOP_RULES, request("HTTPS", 443, host_, path_))
    assert (answer.outcome, answer.rule, answer.shares) == (outcome, rule_, shares)


def test_route_gives_the_status_of_a_fixed_response_and_a_redirect():
    http = listener("HTTP", 80, [{"Type": "redirect", "RedirectConfig": {
        "Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}])
    admin = route([SHOP], SHOP_RULES, request("HTTPS", 443, "admin.example.com"))
    moved = route([http], {}, request("HTTP", 80, "shop.example.com", "/a", "b=1"))
    assert admin.status_code == 403
    assert moved.as_dict() == {"outcome": "redirect", "rule": "default", "status_code": 301,
                               "location": {"protocol": "HTTPS", "host": "shop.example.com",
                                            "port": 443, "path": "/a", "query": "b=1"}}


def test_layer_4_listeners_ignore_rules():
    tcp = listener("TCP", 8883, forward(WEB), arn="tcp")
    answer = route([tcp], {"tcp": [rule(1, [path("/*")], fixed(403))]}, request("TCP", 8883))
    assert answer.as_dict() == {"outcome": "forward", "rule": "default", "shares": {WEB: 1.0}}


# -- where connections land ---------------------------------------------------------------------

@pytest.mark.parametrize("lb_type, lb_attr, tg_attr, enabled", [
    pytest.param("application", None, None, True, id="alb-always-on"),
    pytest.param("application", "false", "false", False, id="alb-target-group-off"),
    pytest.param("network", None, None, False, id="nlb-off-by-default"),
    pytest.param("network", "true", "use_load_balancer_configuration", True, id="nlb-on"),
    pytest.param("network", "false", "true", True, id="target-group-wins"),
    pytest.param("gateway", "true", "false", False, id="target-group-wins-off"),
])
def test_cross_zone_enabled(lb_type, lb_attr, tg_attr, enabled):
    assert cross_zone_enabled(lb_type, lb_attr, tg_attr) is enabled


UNEVEN = [("a1", "a"), ("b1", "b"), ("b2", "b"), ("b3", "b")]


@pytest.mark.parametrize("zones, targets, cross_zone, shares", [
    pytest.param("ab", UNEVEN, True, {t: Fraction(1, 4) for t, _ in UNEVEN}, id="cross-zone-even"),
    pytest.param("ab", UNEVEN, False, {"a1": Fraction(1, 2), "b1": Fraction(1, 6),
                                       "b2": Fraction(1, 6), "b3": Fraction(1, 6)}, id="zonal"),
    pytest.param("abc", UNEVEN, False, {"a1": Fraction(1, 2), "b1": Fraction(1, 6),
                                        "b2": Fraction(1, 6), "b3": Fraction(1, 6)},
                 id="zone-without-targets-leaves-dns"),
    pytest.param("a", UNEVEN, True, {"a1": Fraction(1)}, id="targets-outside-the-zones-get-nothing"),
    pytest.param("ab", [], True, {}, id="no-targets"),
])
def test_target_shares(zones, targets, cross_zone, shares):
    assert target_shares(list(zones), targets, cross_zone) == shares
