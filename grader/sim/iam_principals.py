"""Principals in IAM policies: who a caller is, and whether a Principal element names them.

Used by ``grader.sim.iam``; pure. A caller is an ARN: an IAM user, an assumed-role session
(``arn:aws:sts::<account>:assumed-role/<role>/<session>``), an account's ``root``, or a service
principal such as ``ec2.amazonaws.com``; None is an anonymous caller. A Principal element may
name the user or session itself, the role a session belongs to, or the account (its root ARN or
its bare id); which one matters to the evaluation (see ``grader.sim.iam``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from grader.errors import PolicyError

SESSION_ARN = re.compile(r"arn:(?P<p>[^:]+):sts::(?P<acct>\d{12}):assumed-role/(?P<role>[^/]+)/[^/]+")
IAM_ARN = re.compile(r"arn:(?P<p>[^:]+):iam::(?P<acct>\d{12}):(?P<kind>user|role|root)(?:/(?P<rest>.+))?")


def _as_list(value) -> list:
    return list(value) if isinstance(value, list | tuple) else [value]


def derived_keys(principal: str | None) -> dict[str, str]:
    """Global keys AWS puts in every request from this principal (lower-cased names)."""
    session, iam = SESSION_ARN.fullmatch(principal or ""), IAM_ARN.fullmatch(principal or "")
    if session:
        role_arn = f"arn:{session['p']}:iam::{session['acct']}:role/{session['role']}"
        return {"aws:principalarn": role_arn, "aws:principalaccount": session["acct"]}
    if iam:
        keys = {"aws:principalarn": principal, "aws:principalaccount": iam["acct"]}
        if iam["kind"] == "user":
            keys["aws:username"] = iam["rest"].rsplit("/", 1)[-1]
        return keys
    return {}


def _identities(principal: str | None) -> list[tuple[str, tuple[str, ...]]]:
    """The caller as a Principal element may name it: ``(how, ARNs)`` for the user or the
    session itself (``direct``), the session's role (``role``) and the account (``account``:
    its root ARN or bare id). A service, federated or anonymous caller is only itself."""
    session, iam = SESSION_ARN.fullmatch(principal or ""), IAM_ARN.fullmatch(principal or "")
    match = session or iam
    if not match:
        return [("direct", (principal,))] if principal else []
    found = []
    if session:
        found.append(("direct", (principal,)))
        found.append(("role", (f"arn:{match['p']}:iam::{match['acct']}:role/{match['role']}",)))
    elif iam["kind"] != "root":
        found.append(("direct", (principal,)))
    found.append(("account", (f"arn:{match['p']}:iam::{match['acct']}:root", match["acct"])))
    return found


def _listed(element) -> tuple[bool, dict[str, set]]:
    """(names everyone, {principal type: values}) of a Principal or NotPrincipal element."""
    if element == "*":
        return True, {}
    if not isinstance(element, Mapping):
        raise PolicyError('Principal is "*" or an object such as {"AWS": [...]}')
    listed = {kind: {str(v) for v in _as_list(values)} for kind, values in element.items()}
    return "*" in listed.get("AWS", set()), listed


def principal_match(element, principal: str | None, *, account_means_root: bool = False) -> str | None:
    """How a Principal element names the caller: ``direct``, ``role`` or ``account`` (the
    closest wins), or None. ``*`` names everyone, anonymous callers included; services and
    federated principals are compared as written. IAM allows no other wildcard here.

    ``account_means_root``: an account (its id or root ARN) names only that account's root user,
    not its users and roles, as in a gateway endpoint's policy (AWS PrivateLink Guide,
    "Principals for gateway endpoints")."""
    everyone, listed = _listed(element)
    if everyone:
        return "direct"
    values = set().union(*listed.values()) if listed else set()
    for how, aliases in _identities(principal):
        if values & set(aliases):
            if how == "account" and account_means_root and not is_root(principal):
                return None
            return how
    return None


def is_root(principal: str | None) -> bool:
    """Whether the caller is an account's root user (``arn:aws:iam::<account>:root``)."""
    match = IAM_ARN.fullmatch(principal or "")
    return bool(match) and match["kind"] == "root" and not match["rest"]


def not_principal_excludes(element, principal: str | None) -> bool:
    """Whether a NotPrincipal element spares the caller: every identity the caller carries (the
    user or session, its role, its account) must be listed, which is why AWS asks for the
    account ARN beside a user's ARN in a ``Deny`` with NotPrincipal."""
    everyone, listed = _listed(element)
    values = set().union(*listed.values()) if listed else set()
    identities = _identities(principal)
    return everyone or bool(identities) and all(values & set(a) for _, a in identities)
