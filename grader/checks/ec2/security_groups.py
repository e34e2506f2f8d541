"""Checks on security-group rules, read rule by rule."""

from __future__ import annotations

import ipaddress

from grader.checks.base import Message
from grader.state.ec2 import protocol_name

from .resources import UNSET, WORLD, ingress_rules, require_id, rule_source, rules_text

SG_MISSING_FROM_GROUP = Message(
    "Security group {group_id} admits tcp {port} from group {source}",
    "an ingress rule for tcp {port} that references {source}", "{rules}",
    "Add an ingress rule for tcp {port} with UserIdGroupPairs naming {source}, so only members "
    "of that group get in.")
SG_MISSING_FROM_CIDR = Message(
    "Security group {group_id} admits tcp {port} from {source}",
    "an ingress rule for tcp {port} from {source} (or a range containing it)", "{rules}",
    "Add an ingress rule for tcp {port} with IpRanges [{{'CidrIp': '{source}'}}].")
SG_EXTRA_RULES = Message(
    "Security group {group_id} admits only {allowed}", "no other ingress rule", "also {rules}",
    "{hint}")
SG_HINT_SSH = ("Revoke {rule_id}: it opens SSH (22). Reach instances with Systems Manager "
               "Session Manager instead of an open port.")
SG_HINT_WORLD = ("Revoke {rule_id} (revoke_security_group_ingress): it opens the group to the "
                 "whole internet. Admit the port only from the security group that needs it.")
SG_HINT_OTHER = "Revoke {rule_id} (revoke_security_group_ingress): nothing else should get in."
def _admits_port(rule: dict, port: int) -> bool:
    protocol = protocol_name(rule["IpProtocol"])
    return protocol == "-1" or (protocol == "tcp" and rule["FromPort"] <= port <= rule["ToPort"])


def _source_key(source: str):
    """A CIDR as a network (so '10.0.0.0/16' equals '10.0.0.0/16' however written), else as is."""
    try:
        return ipaddress.ip_network(source, strict=False)
    except ValueError:
        return source


def sg_allows(session, group_id, port: int, *, source_group_id=UNSET, cidr=UNSET) -> None:
    """An ingress rule of ``group_id`` admits tcp ``port`` from ``source_group_id`` (by group
    reference) or from ``cidr`` (a rule whose range contains it). Give exactly one source; a
    ``source_group_id`` of None (a learner's missing id) fails as such."""
    if (source_group_id is UNSET) == (cidr is UNSET):
        raise TypeError("sg_allows needs exactly one of source_group_id= or cidr=")
    ec2 = session.client("ec2")
    ingress = ingress_rules(ec2, group_id)
    sources = [_source_key(rule_source(r)) for r in ingress if _admits_port(r, port)]
    if source_group_id is not UNSET:
        require_id(source_group_id, "sg", "The source security group id")
        ingress_rules(ec2, source_group_id)  # the source group must exist too
        if source_group_id not in sources:
            raise SG_MISSING_FROM_GROUP.fail(group_id=group_id, port=port, source=source_group_id,
                                             rules=rules_text(ingress))
        return
    wanted = ipaddress.ip_network(cidr)
    if not any(isinstance(s, type(wanted)) and wanted.subnet_of(s) for s in sources):
        raise SG_MISSING_FROM_CIDR.fail(group_id=group_id, port=port, source=cidr,
                                        rules=rules_text(ingress))


def sg_ingress_only(session, group_id, allowed) -> None:
    """Every ingress rule of ``group_id`` is one of ``allowed``, ``(port, source)`` pairs where
    source is a group id (``sg-...``) or a CIDR; a rule matches on tcp, exactly that one port
    and exactly that source. That the allowed rules exist is ``sg_allows``'s job."""
    for _, source in allowed:
        if not isinstance(source, str):
            require_id(source, "sg", "A source security group id")
    wanted = {(port, _source_key(source)) for port, source in allowed}
    extra = [r for r in ingress_rules(session.client("ec2"), group_id)
             if not (protocol_name(r["IpProtocol"]) == "tcp" and r["FromPort"] == r.get("ToPort")
                     and (r["FromPort"], _source_key(rule_source(r))) in wanted)]
    if extra:
        first, hint = extra[0], SG_HINT_OTHER
        if protocol_name(first["IpProtocol"]) == "tcp" and \
                first["FromPort"] <= 22 <= first["ToPort"]:
            hint = SG_HINT_SSH
        elif rule_source(first) in WORLD:
            hint = SG_HINT_WORLD
        raise SG_EXTRA_RULES.fail(
            group_id=group_id, rules=rules_text(extra),
            allowed=" or ".join(f"tcp {port} from {source}" for port, source in allowed)
            or "nothing",
            hint=hint.format(rule_id=first["SecurityGroupRuleId"]))
