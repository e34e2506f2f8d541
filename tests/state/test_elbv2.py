"""Tests for grader/state/elbv2.py: ELBv2 configuration read back into grader.sim.elb's data."""

from __future__ import annotations

import pytest

from grader.scenarios.elb import routed_alb, tcp_targets
from grader.state import elbv2 as state

AZS = ["us-east-1a", "us-east-1b"]


@pytest.mark.parametrize("value, kind", [
    pytest.param("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1",
                 "loadbalancer", id="load-balancer"),
    pytest.param("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/1",
                 "targetgroup", id="target-group"),
    pytest.param("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/2",
                 "listener", id="listener"),
    pytest.param("arn:aws:wafv2:us-east-1:123456789012:regional/webacl/web/1", None,
                 id="another-service"),
    pytest.param("web", None, id="a-name"),
    pytest.param(None, None, id="none"),
])
def test_arn_kind(value, kind):
    assert state.arn_kind(value) == kind


def test_routing_reads_listeners_and_the_rules_of_http_listeners_only(session):
    shop = routed_alb(session, "10.13.0.0/16", AZS, 8080, 9090, admin_host="admin.example.com")
    listeners, rules = state.routing(session, shop["load_balancer_arn"])
    assert sorted((x["Protocol"], x["Port"]) for x in listeners) == [("HTTP", 80), ("HTTPS", 443)]
    https = rules[shop["https_listener_arn"]]
    assert [r["Priority"] for r in https] == ["10", "11", "default"]
    assert state.listener_owner(session, shop["https_listener_arn"]) == shop["load_balancer_arn"]


def test_attributes_become_dicts(session):
    shop = routed_alb(session, "10.14.0.0/16", AZS, 8080, 9090)
    assert state.attributes(session, shop["load_balancer_arn"])["deletion_protection.enabled"] == "false"
    assert state.target_group_attributes(session, shop["target_group_arn"])[
        "load_balancing.cross_zone.enabled"] == "use_load_balancer_configuration"


def test_target_zones_of_instances_and_ip_addresses(session):
    shop = routed_alb(session, "10.15.0.0/16", AZS, 8080, 9090)
    placed = list(zip(shop["instance_ids"], AZS, strict=True))
    assert state.target_zones(session, shop["target_group_arn"]) == placed
    vans = tcp_targets(session, "10.16.0.0/16", AZS, per_zone=(1, 2))
    elbv2 = session.client("elbv2")
    tg = elbv2.create_target_group(Name="vans", Protocol="TCP", Port=8883, VpcId=vans["vpc_id"],
                                   TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": ip} for ip in vans["target_ips"]]
                           + [{"Id": "192.0.2.1"}])
    assert sorted(state.target_zones(session, tg)) == sorted(vans["target_zones"].items())
