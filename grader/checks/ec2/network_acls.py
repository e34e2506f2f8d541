"""Checks on network ACLs and on learners' packet evaluators, answered by ``grader.sim.network``.

moto stores network ACL entries and security-group rules but filters no packet, so a subnet's
ACL is judged by what the simulator says it lets through, and a learner's ``nacl_allows`` /
``sg_allows`` by agreement with the simulator's functions of the same names.

A packet, in the shape the learner's evaluators take::

    {"direction": "inbound" | "outbound", "protocol": "tcp" | "udp",
     "address": peer IP (the source coming in, the destination going out),
     "port": destination port, "reply": True when it answers a connection already allowed}
"""

from __future__ import annotations

from itertools import product

from grader.checks.base import Message
from grader.checks.reference import agrees_with_reference
from grader.sim import network as sim
from grader.state.ec2 import endpoint, network_acl, read_network, security_group_rule

from .resources import describe_subnet, existing, ingress_rules, require_id

# -- the subnet's ACL --------------------------------------------------------------------------

NACL_NOT_ASSOCIATED = Message(
    "Subnet {subnet_id} uses network ACL {nacl_id}", "{nacl_id} associated with {subnet_id}",
    "{subnet_id} uses {current}{default}",
    "Find the subnet's current association (describe_network_acls with the filter "
    "association.subnet-id) and move it with replace_network_acl_association.")
NACL_DECIDES = Message(
    "Network ACL {nacl_id} on {subnet_id} {verb} {packet}", "{expected}", "{found}", "{hint}")
NACL_HINT_ALLOW = ("Add an allow entry for {packet_rule} numbered below any deny that matches "
                   "it: the lowest matching rule number decides.")
NACL_HINT_DENY = ("Rule {number} matches it first and allows it: narrow that rule, or add a deny "
                  "numbered below {number} (the lowest matching rule number decides).")
REACHABLE = Message(
    "The internet reaches tcp {port} on {group_id} in {subnet_id}",
    "reachable, the reply included", "{decision}: {trail}",
    "Read the trail: the last reason is the layer that blocked, request or reply.")

_DIRECTIONS = {"inbound": False, "outbound": True}


def _subnet_acl(session, subnet_id):
    """(network, the subnet's NetworkAcl) as the simulator sees them."""
    vpc_id = describe_subnet(session.client("ec2"), subnet_id)["VpcId"]
    network = read_network(session, vpc_id)
    return network, network.network_acls[network.subnets[subnet_id].nacl_id]


def nacl_associated(session, subnet_id, nacl_id) -> None:
    """``subnet_id`` uses the network ACL ``nacl_id`` (an explicit association)."""
    require_id(nacl_id, "acl", "The network ACL id")
    ec2 = session.client("ec2")
    with existing("acl", nacl_id):
        ec2.describe_network_acls(NetworkAclIds=[nacl_id])
    network, acl = _subnet_acl(session, subnet_id)
    if acl.nacl_id != nacl_id:
        default = [a for a in ec2.describe_network_acls(NetworkAclIds=[acl.nacl_id])[
            "NetworkAcls"] if a.get("IsDefault")]
        raise NACL_NOT_ASSOCIATED.fail(subnet_id=subnet_id, nacl_id=nacl_id, current=acl.nacl_id,
                                       default=" (the VPC's default ACL)" if default else "")


def _packet_text(direction: str, protocol: str, address: str, port: int) -> str:
    to_from = "to" if direction == "outbound" else "from"
    return f"{direction} {protocol}/{port} {to_from} {address}"


def nacl_behaves(session, subnet_id, probes) -> None:
    """The network ACL of ``subnet_id`` decides every probe as expected; a probe is
    ``(direction, protocol, address, port, allowed)`` with direction ``inbound``/``outbound``."""
    _, acl = _subnet_acl(session, subnet_id)
    for direction, protocol, address, port, allowed in probes:
        ok, number = sim.nacl_allows(acl, egress=_DIRECTIONS[direction], protocol=protocol,
                                     address=address, port=port)
        if ok == allowed:
            continue
        packet = _packet_text(direction, protocol, address, port)
        if allowed:
            found = (f"denied by rule {number}" if number is not None
                     else "denied by the * rule: no entry matches")
            hint = NACL_HINT_ALLOW.format(packet_rule=packet)
        else:
            found = f"allowed by rule {number}"
            hint = NACL_HINT_DENY.format(number=number)
        raise NACL_DECIDES.fail(nacl_id=acl.nacl_id, subnet_id=subnet_id, packet=packet,
                                verb="allows" if allowed else "denies",
                                expected="allowed" if allowed else "denied", found=found,
                                hint=hint)


def reachable_from_internet(session, subnet_id, group_id, port: int) -> None:
    """A connection from the internet reaches tcp ``port`` on an interface in ``subnet_id``
    guarded by ``group_id``, reply included, according to ``grader.sim.network.can_reach``."""
    ingress_rules(session.client("ec2"), group_id)
    network, _ = _subnet_acl(session, subnet_id)
    verdict = sim.can_reach(network, sim.INTERNET, endpoint(subnet_id, group_id), port)
    if not verdict.reachable:
        raise REACHABLE.fail(port=port, group_id=group_id, subnet_id=subnet_id,
                             decision=verdict.decision.value, trail="; ".join(verdict.trail))


# -- learners' evaluators against the reference -------------------------------------------------

EVALUATOR_HINT = ("Take this packet through your rules by hand: which rules face its "
                  "direction, in which order, and what decides when none matches?")
LEARNER_GROUP = "sg-learner"


def reference_nacl_allows(entries, packet) -> bool:
    """The simulator's answer for ``entries`` (``describe_network_acls`` Entries) on ``packet``."""
    acl = network_acl({"NetworkAclId": "acl-learner", "VpcId": "vpc-learner",
                       "Entries": list(entries)})
    allowed, _ = sim.nacl_allows(acl, egress=packet["direction"] == "outbound",
                                 protocol=packet["protocol"], address=packet["address"],
                                 port=packet["port"])
    return allowed


def reference_sg_allows(rules, packet) -> bool:
    """The simulator's answer for ``rules`` (``describe_security_group_rules`` items, CIDR
    sources) on ``packet``: stateful, so a reply is always allowed."""
    if packet.get("reply"):
        return True
    ingress, egress = [], []
    for entry in rules:
        rule = security_group_rule(entry)
        if rule:
            (egress if entry["IsEgress"] else ingress).append(rule)
    network = sim.Network(security_groups={LEARNER_GROUP: sim.SecurityGroup(
        LEARNER_GROUP, "vpc-learner", tuple(ingress), tuple(egress))})
    return sim.sg_allows(network, (LEARNER_GROUP,), ingress=packet["direction"] == "inbound",
                         protocol=packet["protocol"], port=packet["port"],
                         peer_address=packet["address"]) is not None


def packets(addresses, ports, *, protocols=("tcp", "udp"), replies=(False, True)) -> list[dict]:
    """Every packet over both directions and the given addresses, ports, protocols, replies."""
    return [{"direction": d, "protocol": p, "address": a, "port": port, "reply": r}
            for d, p, a, port, r in product(("inbound", "outbound"), protocols, addresses,
                                            ports, replies)]


def _describe(case) -> str:
    _, packet = case
    text = _packet_text(packet["direction"], packet["protocol"], packet["address"],
                        packet["port"])
    return f"{text}{' (a reply)' if packet.get('reply') else ''}"


def nacl_evaluator_agrees(nacl_allows, entries, packet_list) -> None:
    """A learner's ``nacl_allows(entries, packet)`` answers like the simulator on every packet."""
    agrees_with_reference(nacl_allows, reference_nacl_allows,
                          [(list(entries), packet) for packet in packet_list],
                          name="nacl_allows", describe=_describe, hint=EVALUATOR_HINT)


def sg_evaluator_agrees(sg_allows, rules, packet_list) -> None:
    """A learner's ``sg_allows(rules, packet)`` answers like the simulator on every packet."""
    agrees_with_reference(sg_allows, reference_sg_allows,
                          [(list(rules), packet) for packet in packet_list],
                          name="sg_allows", describe=_describe, hint=EVALUATOR_HINT)
