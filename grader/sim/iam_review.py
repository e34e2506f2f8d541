"""Reference access review: which identities hold over-broad statements.

An access review starts from ``iam.get_account_authorization_details()``: every user, group and
role with its inline policies and attached managed policies, and every managed policy with its
versions. This module flags the statements an auditor removes first, by one explicit rule:

    an ``Allow`` statement is over-broad when it covers every resource (``Resource`` lists
    ``"*"``, or it uses ``NotResource``) and at least a whole service (an ``Action`` of ``"*"``
    or ``"<service>:*"``, any case, or it uses ``NotAction``), whatever its ``Condition``.

A condition narrows *when* a statement applies, not *what* it grants, so it does not excuse
the statement. Only a managed policy's default version is in force, and a policy attached to no
one grants nothing. Pure: it takes the API's response as plain data (dicts), never a session.

Maintained analysers go much further (cloudsplaining: privilege escalation, data exfiltration,
resource exposure from a database of every IAM action; IAM Access Analyzer: external, internal
and unused access). This rule is the core they share and what a learner can write in an hour.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .iam import as_list, load, statements

_SERVICE_WIDE = re.compile(r"[^:]+:\*", re.IGNORECASE)
#: ``get_account_authorization_details`` lists: (identity list, inline list, ARN key).
_IDENTITY_LISTS = (("UserDetailList", "UserPolicyList"), ("GroupDetailList", "GroupPolicyList"),
                   ("RoleDetailList", "RolePolicyList"))


@dataclass(frozen=True, order=True)
class Finding:
    """One over-broad statement: the ARN of the user, group or role holding it, the policy's
    name, the statement's index in that policy, and what makes it broad (``"*"``, ``"s3:*"``
    as written, or ``"NotAction"``)."""

    identity: str
    policy: str
    statement: int
    grants: str


def broad_grant(statement: Mapping) -> str | None:
    """What makes one statement over-broad (see the module docstring), or None."""
    if statement.get("Effect") != "Allow":
        return None
    if "NotResource" not in statement and "*" not in as_list(statement.get("Resource", [])):
        return None
    if "NotAction" in statement:
        return "NotAction"
    return next((str(a) for a in as_list(statement.get("Action", []))
                 if a == "*" or _SERVICE_WIDE.fullmatch(str(a))), None)


def broad_statements(document) -> list[tuple[int, str]]:
    """``(index, grant)`` for every over-broad statement of one policy document."""
    return [(i, grant) for i, s in enumerate(statements(document)) if (grant := broad_grant(s))]


def default_documents(details: Mapping) -> dict[str, dict]:
    """Managed policy ARN -> the document of its default version."""
    found = {}
    for policy in details.get("Policies", []):
        for version in policy.get("PolicyVersionList", []):
            if version.get("IsDefaultVersion"):
                found[policy["Arn"]] = load(version["Document"])
    return found


def review(details: Mapping) -> list[Finding]:
    """Every over-broad statement in force in the account, sorted, one Finding per statement
    and identity (a managed policy attached to three identities gives three findings)."""
    managed = default_documents(details)
    findings = []
    for list_key, inline_key in _IDENTITY_LISTS:
        for identity in details.get(list_key, []):
            held = [(p["PolicyName"], p["PolicyDocument"]) for p in identity.get(inline_key, [])]
            held += [(p["PolicyName"], managed[p["PolicyArn"]])
                     for p in identity.get("AttachedManagedPolicies", []) if p["PolicyArn"] in managed]
            for name, document in held:
                findings += [Finding(identity["Arn"], name, index, grant)
                             for index, grant in broad_statements(document)]
    return sorted(findings)
