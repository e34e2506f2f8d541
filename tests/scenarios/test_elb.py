"""The starting states of topic 03 are what their docstrings promise, checked with the course's
own checks where one exists."""

from __future__ import annotations

from grader.checks import ec2 as ec2_checks
from grader.checks import elbv2 as checks
from grader.scenarios.elb import TLS_POLICY, certificate, https_alb, routed_alb, tcp_targets
from grader.scenarios.vpc import public_routed

AZS = ["us-east-1a", "us-east-1b"]


def test_public_routed_routes_only_the_public_subnets(session):
    net = public_routed(session, "10.20.0.0/16", AZS)
    for subnet in net["subnets"]["public"].values():
        ec2_checks.subnet_is_public(session, subnet)
    for subnet in net["subnets"]["app"].values():
        ec2_checks.subnet_is_isolated(session, subnet)


def test_certificate_is_issued_for_the_domain_and_its_subdomains(session):
    arn = certificate(session, "example.org")
    found = session.client("acm").describe_certificate(CertificateArn=arn)["Certificate"]
    assert (found["Status"], found["SubjectAlternativeNames"]) == ("ISSUED", ["example.org", "*.example.org"])


def test_https_alb_is_exercise_1_done_right(session):
    shop = https_alb(session, "10.21.0.0/16", AZS, 8080)
    lb, tg = shop["load_balancer_arn"], shop["target_group_arn"]
    checks.placed(session, lb, lb_type="application", subnet_ids=shop["subnets"]["public"].values())
    checks.admits_only(session, lb, [(443, "0.0.0.0/0")])
    checks.health_check(session, tg, path="/health", interval=15)
    checks.registered(session, tg, shop["instance_ids"], 8080)
    checks.tls_listener(session, lb, certificate_arn=shop["certificate_arn"])
    checks.routes(session, lb, [(checks.https("shop.example.com"), checks.forward(tg)),
                                (checks.http("shop.example.com"), checks.refused())])
    assert "http_listener_arn" not in shop


def test_https_alb_with_the_redirect_is_exercise_2_done_right(session):
    shop = https_alb(session, "10.22.0.0/16", AZS, 8080, http_redirect=True, name="store")
    checks.admits_only(session, shop["load_balancer_arn"], [(443, "0.0.0.0/0"), (80, "0.0.0.0/0")])
    checks.routes(session, shop["load_balancer_arn"], [
        (checks.http("www.example.com", "/a", "b=1"), checks.redirect_to_https(301))])
    listener = session.client("elbv2").describe_listeners(ListenerArns=[shop["https_listener_arn"]])
    assert listener["Listeners"][0]["SslPolicy"] == TLS_POLICY


def test_routed_alb_puts_the_admin_rule_before_the_api_rule(session):
    shop = routed_alb(session, "10.23.0.0/16", AZS, 8080, 9090, admin_host="admin.example.com")
    api = shop["api_target_group_arn"]
    checks.routes(session, shop["load_balancer_arn"], [
        (checks.https("admin.example.com", "/api/x"), checks.fixed_response(403)),
        (checks.https("shop.example.com", "/api/x"), checks.forward(api)),
        (checks.https("shop.example.com", "/"), checks.forward(shop["target_group_arn"]))])
    checks.target_group_is(session, api, protocol="HTTP", port=9090, target_type="instance")
    assert len(shop["rule_arns"]) == 2


def test_tcp_targets_places_unequal_numbers_per_zone(session):
    vans = tcp_targets(session, "10.24.0.0/16", AZS, per_zone=(1, 3))
    assert vans["target_zones"] == {"10.24.2.10": "us-east-1a", "10.24.3.10": "us-east-1b",
                                    "10.24.3.11": "us-east-1b", "10.24.3.12": "us-east-1b"}
    assert vans["target_ips"] == list(vans["target_zones"])
