"""The network-ACL checks and the evaluator comparisons of topic 14: pass on good input, fail
with the learner's ids and the rule that decided."""

from __future__ import annotations

import pytest

from grader.checks import ec2 as checks
from grader.checks.ec2.network_acls import reference_nacl_allows, reference_sg_allows
from grader.scenarios.vpc import associate_network_acl, guarded_web_app, web_app

from .failures import failure

AZS = ("us-east-1a", "us-east-1b")
PEER = "198.51.100.7"


@pytest.fixture
def ec2(session):
    return session.client("ec2")


@pytest.fixture
def guarded(session):
    return guarded_web_app(session, "10.30.0.0/16", AZS, 8080, 5432)


def public(net, az="us-east-1a"):
    return net["subnets"]["public"][az]


def entry(number, egress, action, cidr, ports=None, protocol="6"):
    e = {"RuleNumber": number, "Egress": egress, "RuleAction": action, "Protocol": protocol,
         "CidrBlock": cidr}
    return {**e, "PortRange": {"From": ports[0], "To": ports[1]}} if ports else e


def packet(direction, address, port, reply=False, protocol="tcp"):
    return {"direction": direction, "protocol": protocol, "address": address, "port": port,
            "reply": reply}


# -- nacl_associated ---------------------------------------------------------------------------

def test_nacl_associated_passes_on_the_scenario_acl(session, guarded):
    checks.nacl_associated(session, public(guarded), guarded["network_acl_id"])


def test_nacl_associated_fails_naming_the_default_acl_still_in_use(session, ec2):
    net = web_app(session, "10.31.0.0/16", AZS, 8080, 5432)
    acl_id = ec2.create_network_acl(VpcId=net["vpc_id"])["NetworkAcl"]["NetworkAclId"]
    found = failure(checks.nacl_associated, session, public(net), acl_id)
    assert found["what"] == f"Subnet {public(net)} uses network ACL {acl_id}"
    assert found["found"].endswith("(the VPC's default ACL)")
    assert "replace_network_acl_association" in found["next"]


def test_nacl_associated_fails_on_a_missing_id(session, guarded):
    found = failure(checks.nacl_associated, session, public(guarded), None)
    assert "network ACL id" in found["expected"] and found["found"] == "None (a NoneType)"


def test_nacl_associated_fails_on_an_unknown_acl(session, guarded):
    found = failure(checks.nacl_associated, session, public(guarded), "acl-0123456789abcdef0")
    assert found["what"] == "network ACL acl-0123456789abcdef0 exists"


# -- nacl_behaves ------------------------------------------------------------------------------

def test_nacl_behaves_passes_when_every_probe_is_decided_as_expected(session, guarded):
    checks.nacl_behaves(session, public(guarded), [
        ("inbound", "tcp", PEER, 443, True), ("outbound", "tcp", PEER, 50000, True),
        ("inbound", "tcp", PEER, 22, False), ("inbound", "udp", PEER, 443, False)])


def test_nacl_behaves_fails_naming_the_star_rule_when_nothing_matches(session, guarded):
    found = failure(checks.nacl_behaves, session, public(guarded),
                    [("inbound", "tcp", PEER, 22, True)])
    assert found["what"] == (f"Network ACL {guarded['network_acl_id']} on {public(guarded)} "
                             f"allows inbound tcp/22 from {PEER}")
    assert found["expected"] == "allowed"
    assert found["found"] == "denied by the * rule: no entry matches"


def test_nacl_behaves_fails_naming_the_allow_that_comes_before_a_deny(session, ec2, guarded):
    ec2.create_network_acl_entry(NetworkAclId=guarded["network_acl_id"], RuleNumber=300,
                                 Egress=False, Protocol="-1", RuleAction="deny",
                                 CidrBlock="203.0.113.0/24")
    found = failure(checks.nacl_behaves, session, public(guarded),
                    [("inbound", "tcp", "203.0.113.9", 443, False)])
    assert found["expected"] == "denied" and found["found"] == "allowed by rule 100"
    assert found["next"].startswith("Rule 100 matches it first and allows it")


def test_nacl_behaves_reads_the_default_acl_of_an_unguarded_subnet(session):
    net = web_app(session, "10.32.0.0/16", AZS, 8080, 5432)
    found = failure(checks.nacl_behaves, session, public(net),
                    [("inbound", "tcp", PEER, 22, False)])
    assert found["found"] == "allowed by rule 100"


# -- reachable_from_internet -------------------------------------------------------------------

def test_reachable_from_internet_passes_on_the_scenario(session, guarded):
    checks.reachable_from_internet(session, public(guarded), guarded["security_groups"]["alb"],
                                   443)


def test_reachable_from_internet_fails_quoting_the_dropped_reply(session, ec2):
    net = web_app(session, "10.33.0.0/16", AZS, 8080, 5432)
    acl_id = ec2.create_network_acl(VpcId=net["vpc_id"])["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=100, Egress=False,
                                 Protocol="6", RuleAction="allow", CidrBlock="0.0.0.0/0",
                                 PortRange={"From": 443, "To": 443})
    associate_network_acl(ec2, public(net), acl_id)
    found = failure(checks.reachable_from_internet, session, public(net),
                    net["security_groups"]["alb"], 443)
    assert found["found"].startswith("blocked by a network ACL: ")
    assert found["found"].endswith(f"{acl_id} has no rule for outbound tcp/49152 to "
                                   f"198.51.100.7 (reply, {public(net)}): the * rule denies it")


# -- evaluator comparisons ---------------------------------------------------------------------

ACL = [entry(200, False, "allow", "0.0.0.0/0", (443, 443)),
       entry(100, False, "deny", "203.0.113.0/24", protocol="-1"),
       entry(100, True, "allow", "0.0.0.0/0", (1024, 65535))]


def test_reference_nacl_allows_takes_the_lowest_rule_number_and_ignores_replies():
    assert not reference_nacl_allows(ACL, packet("inbound", "203.0.113.9", 443))
    assert reference_nacl_allows(ACL, packet("inbound", PEER, 443))
    assert not reference_nacl_allows(ACL, packet("outbound", PEER, 443, reply=True))
    assert reference_nacl_allows(ACL, packet("outbound", PEER, 50000, reply=True))


def test_reference_sg_allows_is_stateful():
    rules = [{"IsEgress": False, "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
              "CidrIpv4": "0.0.0.0/0"}]
    assert reference_sg_allows(rules, packet("inbound", PEER, 443))
    assert not reference_sg_allows(rules, packet("outbound", PEER, 443))
    assert reference_sg_allows(rules, packet("outbound", PEER, 50000, reply=True))


def test_packets_cover_both_directions_protocols_and_replies():
    made = checks.packets([PEER, "10.0.0.1"], [22, 443])
    assert len(made) == 2 * 2 * 2 * 2 * 2
    assert packet("outbound", "10.0.0.1", 22, reply=True, protocol="udp") in made


def test_nacl_evaluator_agrees_passes_on_the_reference_itself():
    checks.nacl_evaluator_agrees(reference_nacl_allows, ACL, checks.packets([PEER], [443]))


def test_nacl_evaluator_agrees_fails_naming_the_first_disagreeing_packet():
    def port_only(entries, pkt):  # "443 is allowed", whoever sends it
        return pkt["port"] == 443
    found = failure(checks.nacl_evaluator_agrees, port_only, ACL,
                    [packet("inbound", "203.0.113.9", 443)])
    assert found["what"] == ("nacl_allows agrees with the course's reference on 0 of 1 cases; "
                             "first miss: inbound tcp/443 from 203.0.113.9")
    assert found["expected"] == "False" and found["found"] == "True"


def test_sg_evaluator_agrees_fails_on_a_stateless_answer_naming_the_reply():
    rules = [{"IsEgress": False, "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
              "CidrIpv4": "0.0.0.0/0"}]
    found = failure(checks.sg_evaluator_agrees, lambda r, p: False, rules,
                    [packet("inbound", PEER, 443), packet("outbound", PEER, 50000, reply=True)])
    assert found["what"].endswith("first miss: inbound tcp/443 from 198.51.100.7")
    found = failure(checks.sg_evaluator_agrees, lambda r, p: not p["reply"] and p["port"] == 443,
                    rules, [packet("inbound", PEER, 443), packet("outbound", PEER, 50000, reply=True)])
    assert found["what"] == ("sg_allows agrees with the course's reference on 1 of 2 cases; "
                             "first miss: outbound tcp/50000 to 198.51.100.7 (a reply)")


def test_guarded_web_app_numbers_rules_from_first_rule_by_step(session, ec2):
    net = guarded_web_app(session, "10.34.0.0/16", AZS, 8080, 5432, first_rule=10, step=5)
    [acl] = ec2.describe_network_acls(NetworkAclIds=[net["network_acl_id"]])["NetworkAcls"]
    assert sorted((e["Egress"], e["RuleNumber"]) for e in acl["Entries"]) == [
        (False, 10), (False, 15), (True, 10), (True, 15)]
    assert {a["SubnetId"] for a in acl["Associations"]} == set(net["subnets"]["public"].values())
