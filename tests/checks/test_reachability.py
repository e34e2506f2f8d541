"""The diagnosis check of topic 14: the simulator's verdict in the words of ``diagnose``, and a
learner's diagnosis compared with it on real moto networks."""

from __future__ import annotations

import pytest

from grader.checks import ec2 as checks
from grader.checks.ec2.reachability import DIAGNOSE_HINT
from grader.scenarios.vpc import custom_network_acl, web_app, web_server
from grader.sim.network import Decision, Verdict

from .failures import failure

AZS = ("us-east-1a", "us-east-1b")
CLIENT = "198.51.100.7"


@pytest.fixture
def ec2(session):
    return session.client("ec2")


@pytest.fixture
def net(session):
    return web_app(session, "10.40.0.0/16", AZS, 8080, 5432)


@pytest.fixture
def server(session, net):
    return web_server(session, net["subnets"]["public"]["us-east-1a"],
                      [net["security_groups"]["alb"]])


def answers(session, server, clients, ports):
    """What diagnose must answer, read back from the check: a learner that always answers x
    fails with Expected: <the reference>."""
    found = {}
    for client in clients:
        for port in ports:
            try:
                checks.diagnosis_agrees(lambda *_: "?", session, server, [client], [port])
            except AssertionError as error:
                found[client, port] = error.expected.strip("'")
    return found


@pytest.mark.parametrize(("verdict", "answer"), [
    pytest.param(Verdict(Decision.REACHABLE), "none", id="reachable"),
    pytest.param(Verdict(Decision.NO_ROUTE), "route", id="route"),
    pytest.param(Verdict(Decision.NO_PUBLIC_IP), "public-ip", id="public-ip"),
    pytest.param(Verdict(Decision.NETWORK_ACL, (), "inbound"), "nacl-inbound", id="acl-in"),
    pytest.param(Verdict(Decision.NETWORK_ACL, (), "outbound"), "nacl-outbound", id="acl-out"),
    pytest.param(Verdict(Decision.SECURITY_GROUP, (), "inbound"), "security-group-inbound",
                 id="group-in"),
])
def test_diagnosis_names_the_layer_and_the_direction_of_its_rules(verdict, answer):
    assert checks.diagnosis(verdict) == answer
    assert answer in checks.DIAGNOSES


def test_diagnosis_agrees_names_each_layer_in_the_order_the_packets_meet_them(session, net,
                                                                             server):
    public = net["subnets"]["public"]["us-east-1a"]
    assert answers(session, server, [CLIENT], [443, 22]) == {
        (CLIENT, 443): "none", (CLIENT, 22): "security-group-inbound"}
    custom_network_acl(session, net["vpc_id"], [public], [
        (50, False, "deny", "203.0.113.0/24"), (100, False, "allow", "0.0.0.0/0", (443, 8443))])
    assert answers(session, server, [CLIENT, "203.0.113.9"], [443, 8443, 22]) == {
        (CLIENT, 443): "nacl-outbound", (CLIENT, 8443): "security-group-inbound",
        (CLIENT, 22): "nacl-inbound", ("203.0.113.9", 443): "nacl-inbound",
        ("203.0.113.9", 8443): "nacl-inbound", ("203.0.113.9", 22): "nacl-inbound"}


def test_diagnosis_agrees_reads_the_instances_own_public_ip_and_the_route(session, ec2, net,
                                                                          server):
    public_b = net["subnets"]["public"]["us-east-1b"]
    no_ip = web_server(session, public_b, [net["security_groups"]["alb"]], public_ip=False)
    assert answers(session, no_ip, [CLIENT], [443]) == {(CLIENT, 443): "public-ip"}
    ec2.modify_subnet_attribute(SubnetId=net["subnets"]["public"]["us-east-1a"],
                                MapPublicIpOnLaunch={"Value": False})
    assert answers(session, server, [CLIENT], [443]) == {(CLIENT, 443): "none"}
    ec2.delete_route(RouteTableId=net["route_tables"]["public"], DestinationCidrBlock="0.0.0.0/0")
    assert answers(session, server, [CLIENT], [443]) == {(CLIENT, 443): "route"}


def test_diagnosis_agrees_passes_when_every_answer_matches(session, net, server):
    expected = {443: "none", 22: "security-group-inbound"}
    checks.diagnosis_agrees(lambda session, client, instance, port: expected[port], session,
                            server, [CLIENT, "203.0.113.9"], [443, 22])


def test_diagnosis_agrees_fails_naming_the_first_case_and_listing_the_answers(session, net,
                                                                             server):
    public = net["subnets"]["public"]["us-east-1a"]
    custom_network_acl(session, net["vpc_id"], [public], [(100, False, "allow", "0.0.0.0/0")])
    found = failure(checks.diagnosis_agrees, lambda *_: "none", session, server, [CLIENT],
                    [22, 443])
    assert found["what"] == (
        "diagnose agrees with the course's reference on 0 of 2 cases; first miss: client "
        f"{CLIENT} -> {server} on tcp 22: diagnose(session, '{CLIENT}', '{server}', 22)")
    assert found["expected"] == "'security-group-inbound'" and found["found"] == "'none'"
    assert found["next"] == DIAGNOSE_HINT
    assert "'route', 'public-ip', 'nacl-inbound', 'security-group-inbound', 'nacl-outbound', " \
           "'none'" in DIAGNOSE_HINT


def test_diagnosis_agrees_reports_a_learners_error_as_its_answer(session, net, server):
    def broken(session, client_ip, instance_id, port):
        return {}["CidrIpv4"]
    found = failure(checks.diagnosis_agrees, broken, session, server, [CLIENT], [443])
    assert found["found"] == "raised KeyError: 'CidrIpv4'"


def test_diagnosis_agrees_fails_on_an_unknown_instance(session):
    found = failure(checks.diagnosis_agrees, lambda *_: "none", session,
                    "i-0123456789abcdef0", [CLIENT], [443])
    assert found["what"] == "instance i-0123456789abcdef0 exists"
    assert found["found"] == "i-0123456789abcdef0 does not exist (InvalidInstanceID.NotFound)"


def test_diagnosis_agrees_fails_when_given_something_else_than_an_instance_id(session):
    found = failure(checks.diagnosis_agrees, lambda *_: "none", session, None, [CLIENT], [443])
    assert found["what"] == "The instance id"
    assert found["expected"] == "an instance id, a string like 'i-0123456789abcdef0'"
    assert found["next"] == "Return the id from the create call's response, e.g. " \
                            "response[\"Instances\"][0][\"InstanceId\"]."
