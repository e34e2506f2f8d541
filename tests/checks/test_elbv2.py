"""The Elastic Load Balancing checks of topic 03: load balancers judged by replayed requests,
placement, security groups, target groups, TLS and target shares; every learner message pinned."""

from __future__ import annotations

import pytest

from grader.checks import elbv2 as checks
from grader.scenarios.elb import https_alb, routed_alb, target_group, tcp_targets

from .failures import failure

AZS = ["us-east-1a", "us-east-1b"]


@pytest.fixture
def alb(session):
    """Exercise 2 done right: HTTPS forwarding, HTTP redirected, ports 80 and 443 open."""
    return https_alb(session, "10.9.0.0/16", AZS, 8080, http_redirect=True)


@pytest.fixture
def elbv2(session):
    return session.client("elbv2")


def default_action(elbv2, listener_arn, actions):
    elbv2.modify_listener(ListenerArn=listener_arn, DefaultActions=actions)


# -- requests -----------------------------------------------------------------------------------

def test_requests_and_their_descriptions():
    assert checks.describe_request(checks.https("shop.example.com", "/a", "b=1")) == \
        "https://shop.example.com/a?b=1"
    assert checks.describe_request(checks.http("shop.example.com", port=8080, method="POST")) == \
        "POST http://shop.example.com:8080/"
    assert checks.describe_request(checks.tcp(8883, protocol="TLS")) == "a TLS connection to port 8883"


def test_forward_expectations_normalise_weights():
    assert checks.forward({"a": 90, "b": 10}) == checks.forward({"a": 9, "b": 1})
    assert checks.forward({"a": 100, "b": 0}) == checks.forward("a")


# -- routes -------------------------------------------------------------------------------------

def test_routes_passes_a_correct_load_balancer(session, alb):
    checks.routes(session, alb["load_balancer_arn"], [
        (checks.https("shop.example.com"), checks.forward(alb["target_group_arn"])),
        (checks.http("shop.example.com", "/a", "b=1"), checks.redirect_to_https(301)),
        (checks.tcp(22), checks.refused())])


def test_routes_calls_a_forwarding_http_listener_the_trap(session, alb, elbv2):
    default_action(elbv2, alb["http_listener_arn"],
                   [{"Type": "forward", "TargetGroupArn": alb["target_group_arn"]}])
    found = failure(checks.routes, session, alb["load_balancer_arn"],
                    [(checks.http("shop.example.com", "/login"), checks.redirect_to_https())])
    assert found["what"] == "Load balancer web answers http://shop.example.com/login"
    assert found["expected"] == "redirect 301 to https://shop.example.com:443/login"
    assert found["found"] == "forwarded to target group web (the default action)"
    assert found["next"].startswith("The HTTP:80 listener forwards plain HTTP to your servers")
    assert "'StatusCode': 'HTTP_301'" in found["next"]


def test_routes_says_what_a_redirect_must_keep(session, alb, elbv2):
    default_action(elbv2, alb["http_listener_arn"], [{"Type": "redirect", "RedirectConfig": {
        "Protocol": "HTTPS", "Port": "443", "Path": "/", "StatusCode": "HTTP_302"}}])
    found = failure(checks.routes, session, alb["load_balancer_arn"],
                    [(checks.http("shop.example.com", "/cart"), checks.redirect_to_https())])
    assert found["found"] == "redirect 302 to https://shop.example.com:443/ (the default action)"
    assert found["next"].startswith("Keep the request's host, path and query")
    assert "#{host}, /#{path} and #{query}" in found["next"]


def test_routes_names_the_missing_listener(session, alb):
    found = failure(checks.routes, session, alb["load_balancer_arn"],
                    [(checks.https("shop.example.com", port=8443), checks.forward(alb["target_group_arn"]))])
    assert found["found"] == "refused: no listener on port 8443"
    assert found["next"] == ("Nothing takes it (no listener on port 8443): add a listener with "
                             "create_listener(Protocol='HTTPS', Port=8443, ...).")


def test_routes_says_a_protocol_mismatch_is_refused(session, alb):
    found = failure(checks.routes, session, alb["load_balancer_arn"],
                    [(checks.http("shop.example.com", port=443), checks.forward(alb["target_group_arn"]))])
    assert found["found"] == "refused: the listener on port 443 speaks HTTPS, not HTTP"


def test_routes_names_the_rule_that_answered_first(session):
    shop = routed_alb(session, "10.10.0.0/16", AZS, 8080, 9090)
    found = failure(checks.routes, session, shop["load_balancer_arn"],
                    [(checks.https("admin.example.com", "/api/x"), checks.fixed_response(403))])
    assert found["found"] == "forwarded to target group web-api (rule 10)"
    assert found["next"].startswith("Rule 10 matched it first: rules are read from the lowest")


def test_routes_sends_an_unmatched_request_to_the_conditions(session, alb):
    api = target_group(session, alb["vpc_id"], "api", 9090)
    found = failure(checks.routes, session, alb["load_balancer_arn"],
                    [(checks.https("shop.example.com", "/api/x"), checks.forward(api))])
    assert found["found"] == "forwarded to target group web (the default action)"
    assert found["next"].startswith("No rule matched it, so the listener's default action answered")


def test_routes_points_a_wrong_split_at_the_weights(session, alb, elbv2):
    green = target_group(session, alb["vpc_id"], "green", 8080)
    default_action(elbv2, alb["https_listener_arn"], [{"Type": "forward", "ForwardConfig": {
        "TargetGroups": [{"TargetGroupArn": alb["target_group_arn"], "Weight": 10},
                         {"TargetGroupArn": green, "Weight": 90}]}}])
    found = failure(checks.routes, session, alb["load_balancer_arn"], [
        (checks.https("shop.example.com"), checks.forward({alb["target_group_arn"]: 90, green: 10}))])
    assert found["expected"] == "forwarded to web 90%, green 10%"
    assert found["found"] == "forwarded to web 10%, green 90% (the default action)"
    assert found["next"].startswith("Split with one forward action naming every target group")


def test_answers_are_rows_for_a_dataframe(session, alb):
    assert checks.answers(session, alb["load_balancer_arn"], [checks.http("shop.example.com")]) == [
        {"request": "http://shop.example.com/",
         "answer": "redirect 301 to https://shop.example.com:443/ (the default action)"}]


# -- the load balancer itself -------------------------------------------------------------------

@pytest.mark.parametrize("value, found", [
    pytest.param(None, "None (a NoneType)", id="none"),
    pytest.param("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/1",
                 "'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/1' (a str)",
                 id="another-kind"),
])
def test_a_returned_value_that_is_no_load_balancer_arn(session, value, found):
    failed = failure(checks.placed, session, value, lb_type="application", subnet_ids=[])
    assert failed["found"] == found
    assert failed["next"] == ("Return create_load_balancer(...)['LoadBalancers'][0]['LoadBalancerArn'] "
                              "from the create call's response.")


def test_a_load_balancer_that_does_not_exist(session):
    arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/gone/0123456789abcdef"
    found = failure(checks.placed, session, arn, lb_type="application", subnet_ids=[])
    assert found["what"] == f"Load balancer {arn} exists"
    assert found["found"] == "no such load balancer (LoadBalancerNotFound)"


def test_placed_passes_and_names_a_single_zone(session, alb, elbv2):
    subnets = list(alb["subnets"]["public"].values())
    checks.placed(session, alb["load_balancer_arn"], lb_type="application", subnet_ids=subnets)
    one = elbv2.create_load_balancer(Name="one", Subnets=subnets[:1], Type="application")[
        "LoadBalancers"][0]["LoadBalancerArn"]
    found = failure(checks.placed, session, one, lb_type="application", subnet_ids=subnets)
    assert found["what"] == ("Load balancer one is an internet-facing application load balancer "
                             "in the subnets given")
    assert found["found"] == f"{subnets[0]} (us-east-1a)"
    assert found["next"].startswith("Pass Subnets=<the subnet ids given>, one subnet per")


def test_placed_names_the_wrong_type_and_scheme(session, alb, elbv2):
    subnets = list(alb["subnets"]["public"].values())
    found = failure(checks.placed, session, alb["load_balancer_arn"], lb_type="network",
                    subnet_ids=subnets)
    assert (found["expected"], found["found"]) == ("Type network", "Type application")
    inside = elbv2.create_load_balancer(Name="inside", Subnets=subnets, Type="application",
                                        Scheme="internal")["LoadBalancers"][0]["LoadBalancerArn"]
    found = failure(checks.placed, session, inside, lb_type="application", subnet_ids=subnets)
    assert (found["expected"], found["found"]) == ("Scheme internet-facing", "Scheme internal")


def test_security_group_checks_pass_and_flag_all_traffic(session, alb):
    checks.admits(session, alb["load_balancer_arn"], 443)
    checks.admits_only(session, alb["load_balancer_arn"], [(80, "0.0.0.0/0"), (443, "0.0.0.0/0")])
    session.client("ec2").authorize_security_group_ingress(
        GroupId=alb["security_group_id"], IpPermissions=[
            {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    found = failure(checks.admits_only, session, alb["load_balancer_arn"],
                    [(80, "0.0.0.0/0"), (443, "0.0.0.0/0")])
    assert found["next"].startswith("Revoke sgr-")
    assert "it opens the group to the whole internet" in found["next"]


def test_admits_reports_the_closed_port(session, alb):
    found = failure(checks.admits, session, alb["load_balancer_arn"], 8443)
    assert found["what"] == f"Security group {alb['security_group_id']} admits tcp 8443 from 0.0.0.0/0"


def test_a_load_balancer_without_a_security_group(session, alb, elbv2):
    bare = elbv2.create_load_balancer(Name="bare", Subnets=list(alb["subnets"]["public"].values()),
                                      Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
    found = failure(checks.admits_only, session, bare, [(443, "0.0.0.0/0")])
    assert found["what"] == "Load balancer bare has a security group of its own"
    assert found["found"] == "no security group"


def test_reachable_from_internet_follows_the_security_group(session, alb):
    checks.reachable_from_internet(session, alb["load_balancer_arn"], 443)
    found = failure(checks.reachable_from_internet, session, alb["load_balancer_arn"], 8443)
    assert found["what"] == "The internet reaches web on tcp 8443"
    assert found["found"].startswith("blocked by a security group: ")
    assert found["found"].endswith(f"{alb['security_group_id']} has no ingress rule for tcp/8443 "
                                   "from 198.51.100.7")


# -- target groups ------------------------------------------------------------------------------

def test_target_group_checks_pass_on_the_scenario(session, alb):
    tg = alb["target_group_arn"]
    checks.target_group_is(session, tg, protocol="HTTP", port=8080, target_type="instance")
    checks.health_check(session, tg, path="/health", interval=15)
    checks.registered(session, tg, alb["instance_ids"], 8080)


def test_target_group_is_names_protocol_port_and_type(session, alb):
    found = failure(checks.target_group_is, session, alb["target_group_arn"], protocol="TCP",
                    port=8883, target_type="ip")
    assert found["what"] == "Target group web sends traffic to its targets as expected"
    assert (found["expected"], found["found"]) == ("TCP to port 8883, targets by ip",
                                                   "HTTP to port 8080, targets by instance")


def test_health_check_names_each_wrong_setting(session, alb):
    bare = target_group(session, alb["vpc_id"], "bare", 8080)
    session.client("elbv2").modify_target_group(TargetGroupArn=bare, HealthCheckPath="/",
                                                HealthCheckIntervalSeconds=30)
    found = failure(checks.health_check, session, bare, path="/health", interval=15)
    assert found["expected"] == "HealthCheckPath /health, HealthCheckIntervalSeconds 15"
    assert found["found"] == "HealthCheckPath /, HealthCheckIntervalSeconds 30"
    assert found["next"].startswith("Set the health check when you create the group")


def test_registered_lists_the_targets_found(session, alb):
    found = failure(checks.registered, session, alb["target_group_arn"], alb["instance_ids"][:1], 8080)
    assert found["expected"] == f"{alb['instance_ids'][0]}:8080"
    assert found["found"] == ", ".join(f"{i}:8080" for i in sorted(alb["instance_ids"]))


def test_a_target_group_arn_that_is_not_one(session):
    found = failure(checks.registered, session, "tg-123", [], 80)
    assert found["expected"].startswith("the ARN of a target group")


# -- TLS ----------------------------------------------------------------------------------------

def test_tls_listener_passes_on_the_scenario(session, alb):
    checks.tls_listener(session, alb["load_balancer_arn"], certificate_arn=alb["certificate_arn"])


def test_tls_listener_flags_the_api_default_policy(session, alb, elbv2):
    elbv2.modify_listener(ListenerArn=alb["https_listener_arn"], SslPolicy="ELBSecurityPolicy-2016-08")
    found = failure(checks.tls_listener, session, alb["load_balancer_arn"])
    assert found["what"] == "The HTTPS:443 listener of web refuses old TLS versions"
    assert found["found"] == "ELBSecurityPolicy-2016-08: TLSv1.2, TLSv1.1, TLSv1"
    assert "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" in found["next"]


def test_tls_listener_flags_a_pending_certificate(session, alb, elbv2):
    pending = session.client("acm").request_certificate(DomainName="shop.example.com")["CertificateArn"]
    elbv2.modify_listener(ListenerArn=alb["https_listener_arn"], Certificates=[{"CertificateArn": pending}])
    found = failure(checks.tls_listener, session, alb["load_balancer_arn"])
    assert found["found"] == f"{pending} (PENDING_VALIDATION)"
    assert found["next"].startswith("Pass Certificates=[{'CertificateArn': <the ARN given>}]")


def test_tls_listener_names_the_listeners_there_are(session):
    shop = https_alb(session, "10.11.0.0/16", AZS, 8080)
    found = failure(checks.tls_listener, session, shop["load_balancer_arn"], port=8443)
    assert found["what"] == "The HTTPS:8443 listener of web exists"
    assert found["found"] == "HTTPS:443"


# -- where connections land ---------------------------------------------------------------------

@pytest.fixture
def nlb(session, elbv2):
    vans = tcp_targets(session, "10.12.0.0/16", AZS, per_zone=(1, 3))
    lb = elbv2.create_load_balancer(Name="vans", Type="network", Subnets=list(
        vans["subnets"]["public"].values()))["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elbv2.create_target_group(Name="vans", Protocol="TCP", Port=8883, VpcId=vans["vpc_id"],
                                   TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": ip} for ip in vans["target_ips"]])
    return {**vans, "lb": lb, "tg": tg}


def test_spreads_evenly_explains_cross_zone(session, nlb, elbv2):
    found = failure(checks.spreads_evenly, session, nlb["lb"], nlb["tg"])
    assert found["what"] == "Every target of vans gets an equal share of vans's new connections"
    assert found["expected"] == "25.0% each"
    assert found["found"] == "10.12.2.10 50.0%, 10.12.3.10 16.7%, 10.12.3.11 16.7%, 10.12.3.12 16.7%"
    assert "load_balancing.cross_zone.enabled" in found["next"]
    elbv2.modify_target_group_attributes(TargetGroupArn=nlb["tg"], Attributes=[
        {"Key": "load_balancing.cross_zone.enabled", "Value": "true"}])
    checks.spreads_evenly(session, nlb["lb"], nlb["tg"])


def test_spreads_evenly_names_targets_outside_the_zones(session, nlb, elbv2):
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=nlb["lb"], Attributes=[
        {"Key": "load_balancing.cross_zone.enabled", "Value": "true"}])
    elbv2.register_targets(TargetGroupArn=nlb["tg"], Targets=[{"Id": "192.0.2.1"}])
    found = failure(checks.spreads_evenly, session, nlb["lb"], nlb["tg"])
    assert found["next"] == "Register targets in the load balancer's zones: us-east-1a, us-east-1b."
