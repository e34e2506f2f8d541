"""Checks on what can reach what, and on why not, answered by ``grader.sim.network``: moto
moves no packets."""

from __future__ import annotations

from grader.checks.base import Message
from grader.checks.reference import agrees_with_reference
from grader.scenarios.vpc import WEB_APP_TIERS, web_app_endpoints
from grader.sim import network as sim
from grader.state.ec2 import endpoint, instance_endpoint, read_network

from .resources import describe_instance, describe_subnet, ingress_rules

REACHABLE_FROM_INTERNET = Message(
    "tcp {port} on {group_id} in subnet {subnet_id} is unreachable from the internet",
    "blocked by at least one layer (route, public IP, network ACL or security group)",
    "reachable: {trail}",
    "Admit tcp {port} on {group_id} only from the security group that needs it, and keep "
    "{subnet_id} on a route table without an internet-gateway route.")


def not_reachable_from_internet(session, subnet_id, group_id, port: int) -> None:
    """No connection from the internet reaches tcp ``port`` on an interface in ``subnet_id``
    guarded by ``group_id``, according to ``grader.sim.network.can_reach``."""
    ec2 = session.client("ec2")
    vpc_id = describe_subnet(ec2, subnet_id)["VpcId"]
    ingress_rules(ec2, group_id)
    verdict = sim.can_reach(read_network(session, vpc_id), sim.INTERNET,
                            endpoint(subnet_id, group_id), port)
    if verdict.reachable:
        raise REACHABLE_FROM_INTERNET.fail(port=port, group_id=group_id, subnet_id=subnet_id,
                                           trail="; ".join(verdict.trail))


EXPLAIN_HINT = "Call check.explain(session, source, target, port) to see the simulator's reasons."


def _endpoint(end):
    """A learner-style endpoint ("internet" or {"subnet_id", "group_id"}) for the simulator."""
    return sim.INTERNET if end == "internet" else endpoint(end["subnet_id"], end["group_id"])


def explain(session, source, target, port: int) -> tuple[str, ...]:
    """The simulator's reasons, in the order it checked them, for ``can_reach`` on this case."""
    return sim.can_reach(read_network(session), _endpoint(source), _endpoint(target), port).trail


def reachability_agrees(can_reach, session, network: dict, ports,
                        sources=("internet", *WEB_APP_TIERS)) -> None:
    """A learner's ``can_reach(session, source, target, port)`` answers like the simulator for
    every source, every other tier of a ``web_app`` network and every port."""
    state, ends = read_network(session), web_app_endpoints(network)
    labels = {end["subnet_id"]: name for name, end in ends.items() if isinstance(end, dict)}

    def reference(session, source, target, port):
        return sim.can_reach(state, _endpoint(source), _endpoint(target), port).reachable

    def describe(case):
        _, source, target, port = case
        def name(end):
            return end if end == "internet" else labels[end["subnet_id"]]

        return (f"{name(source)} -> {name(target)} on {port}: "
                f"can_reach(session, {source!r}, {target!r}, {port})")

    cases = [(session, ends[source], ends[target], port) for source in sources
             for target in WEB_APP_TIERS if target != source for port in ports]
    agrees_with_reference(can_reach, reference, cases, name="can_reach", describe=describe,
                          hint=EXPLAIN_HINT)


# -- diagnosis: which layer stops a connection from the internet --------------------------------

#: The layer a ``diagnose`` answer names, by the simulator's decision; a filter's answer also
#: names the direction of the rules that blocked (``nacl-outbound``: the reply is dropped).
_LAYERS = {
    sim.Decision.REACHABLE: "none", sim.Decision.NO_ROUTE: "route",
    sim.Decision.NO_PUBLIC_IP: "public-ip", sim.Decision.NETWORK_ACL: "nacl",
    sim.Decision.SECURITY_GROUP: "security-group", sim.Decision.DIFFERENT_VPC: "different-vpc",
}
#: Every answer a connection from the internet can get, in the order its packets meet the layers.
DIAGNOSES = ("route", "public-ip", "nacl-inbound", "security-group-inbound", "nacl-outbound",
             "none")
DIAGNOSE_HINT = (
    "Take this connection through the layers by hand, in the order its packets meet them: the "
    "subnet's route for the client, the instance's public IP, the ACL inbound (the port, from "
    "the client), the groups inbound, the ACL outbound (the reply: port 49152, to the client). "
    "Answer with the first that stops it: one of " + ", ".join(map(repr, DIAGNOSES)) + ".")


def diagnosis(verdict: sim.Verdict) -> str:
    """The simulator's verdict in the words of a ``diagnose`` answer (see ``DIAGNOSES``)."""
    layer = _LAYERS[verdict.decision]
    return f"{layer}-{verdict.direction}" if verdict.direction else layer


def diagnosis_agrees(diagnose, session, instance_id, clients, ports) -> None:
    """A learner's ``diagnose(session, client_ip, instance_id, port)`` names the same layer as
    the simulator for a tcp connection from every client to every port of the instance."""
    instance = describe_instance(session.client("ec2"), instance_id)
    network, target = read_network(session, instance["VpcId"]), instance_endpoint(instance)

    def reference(session, client_ip, instance_id, port):
        return diagnosis(sim.can_reach(network, sim.INTERNET, target, port,
                                       internet_address=client_ip))

    def describe(case):
        _, client_ip, instance_id, port = case
        return (f"client {client_ip} -> {instance_id} on tcp {port}: "
                f"diagnose(session, {client_ip!r}, {instance_id!r}, {port})")

    cases = [(session, client, instance_id, port) for client in clients for port in ports]
    agrees_with_reference(diagnose, reference, cases, name="diagnose", describe=describe,
                          hint=DIAGNOSE_HINT)
