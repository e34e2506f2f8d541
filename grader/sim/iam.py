"""Reference IAM policy evaluation: is a request allowed, and which statement decided.

moto stores policies and, with enforcement on, checks Action and Resource, but it ignores
conditions, permissions boundaries, session policies, SCPs and most resource policies (see
shared/research/moto-5.2.5.md, a). This module answers what AWS would. It is pure: it takes
policy documents (dicts or JSON text) and a :class:`Request`, and imports neither boto3 nor moto
(``grader.state.iam`` reads policies from a session).

Model (AWS IAM User Guide, "Policy evaluation logic", as of 2026; one account, or two for
cross-account requests):

1. An explicit ``Deny`` that applies, in any policy of any type, decides: ``explicitDeny``.
2. Resource control policies (RCPs), when given, must allow; then service control policies
   (SCPs), when given, must allow. Only one level of each is modelled: pass every policy in
   force at that level. Then the policy of the VPC endpoint the request came through, when
   given, must allow (in a gateway endpoint's policy an account names only its root user; AWS
   PrivateLink Guide, "Principals for gateway endpoints"). None of these ever grants anything.
3. A resource-based policy that allows the request for this principal, in the principal's own
   account: naming the user or the role session itself (or ``*``) grants access at once; naming
   the role the session belongs to stands in for the identity-based allow, but boundary and
   session policies still apply; naming the account only delegates to its IAM policies.
   Across accounts both the resource policy and the principal's identity policies must allow.
   Role trust policies must always allow (``require_resource_allow``).
4. Otherwise an identity-based policy (user, its groups, or role) must allow: ``implicitDeny``.
5. A permissions boundary, when set, must allow too; so must a session policy, when one was
   passed. Both only ever limit.

A statement applies when its Action/NotAction matches the action (case-insensitive wildcards
``*`` and ``?``), its Resource/NotResource the resource (case-sensitive, policy variables such as
``${aws:username}`` substituted when ``Version`` is 2012-10-17), its Principal/NotPrincipal the
caller (resource-based policies only, ``grader.sim.iam_principals``) and its Condition holds
(``grader.sim.iam_conditions``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from grader.errors import PolicyError

from .iam_conditions import (
    LITERAL_END,
    LITERAL_START,
    TAKES_VARIABLES,
    glob,
    operator_holds,
    split_operator,
)
from .iam_principals import (
    IAM_ARN,
    SESSION_ARN,
    derived_keys,
    not_principal_excludes,
    principal_match,
)

VERSION = "2012-10-17"
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}


class Decision(Enum):
    """The three answers of IAM's policy simulator (``EvalDecision``)."""

    ALLOWED = "allowed"
    EXPLICIT_DENY = "explicitDeny"
    IMPLICIT_DENY = "implicitDeny"


@dataclass(frozen=True)
class Request:
    """What a caller asks for. ``principal`` is the caller's ARN (a user, an assumed-role
    session, an account's ``root``), a service principal such as ``ec2.amazonaws.com``, or None
    for an anonymous caller. ``context`` holds condition keys (a value or a list of values);
    ``aws:PrincipalArn``, ``aws:PrincipalAccount`` and ``aws:username`` are derived from
    ``principal`` unless given. ``resource_account`` is the account owning the resource when
    it is not the caller's (cross-account)."""

    action: str
    resource: str = "*"
    principal: str | None = None
    context: Mapping[str, object] = field(default_factory=dict)
    resource_account: str | None = None

    def values(self, key: str) -> list | None:
        """The request's values for a condition key (case-insensitive), None when missing."""
        wanted = key.lower()
        for name, value in self.context.items():
            if name.lower() == wanted:
                return list(value) if isinstance(value, list | tuple) else [value]
        derived = derived_keys(self.principal).get(wanted)
        return None if derived is None else [derived]

    @property
    def account(self) -> str | None:
        """The caller's account id, when its ARN names one."""
        match = SESSION_ARN.fullmatch(self.principal or "") or IAM_ARN.fullmatch(self.principal or "")
        return match["acct"] if match else None

    @property
    def cross_account(self) -> bool:
        """Whether the caller and the resource are in different accounts (a service principal
        belongs to no account)."""
        return None not in (self.resource_account, self.account) and self.resource_account != self.account


@dataclass(frozen=True)
class StatementRef:
    """Where a statement lives: the policy's name, its index in ``Statement``, its ``Sid``."""

    policy: str
    index: int
    sid: str | None = None

    def __str__(self) -> str:
        sid = f" ({self.sid})" if self.sid else ""
        return f"statement {self.index}{sid} of {self.policy}"


@dataclass(frozen=True)
class Verdict:
    """The decision, the statement that decided (None for an implicit deny) and the reasons.
    ``allowed_by`` holds every Allow the evaluation relied on, in the order it checked them
    (RCP, SCP, VPC endpoint, resource-based, identity, boundary, session policy)."""

    decision: Decision
    trail: tuple[str, ...] = ()
    statement: StatementRef | None = None
    allowed_by: tuple[StatementRef, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOWED

    def __bool__(self) -> bool:
        return self.allowed


# -- documents and statements ------------------------------------------------------------------

def load(document) -> dict:
    """A policy document as a dict (it may come as JSON text, as IAM's APIs return it)."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError as error:
            raise PolicyError(f"The policy is not valid JSON: {error}") from None
    if not isinstance(document, Mapping) or "Statement" not in document:
        raise PolicyError("A policy document is a JSON object with a Statement element")
    return dict(document)


def statements(document) -> list[dict]:
    """The ``Statement`` element as a list: a single statement may be written as a dict."""
    body = load(document)["Statement"]
    found = [body] if isinstance(body, Mapping) else list(body)
    if not all(isinstance(s, Mapping) for s in found):
        raise PolicyError("Each statement is a JSON object")
    return found


def as_list(value) -> list:
    """An element that may be one string or a list of strings, as a list."""
    return list(value) if isinstance(value, list | tuple) else [value]


def action_matches(pattern: str, action: str) -> bool:
    """``s3:Get*`` matches ``s3:GetObject``; service prefix and name are case-insensitive."""
    return glob(str(pattern), action, ignore_case=True)


def substitute(text: str, request: Request, version: str | None = VERSION) -> str | None:
    """Fill policy variables: ``${aws:username}``, ``${aws:PrincipalTag/team, 'none'}`` (a
    default) and the escapes ``${*}``, ``${?}``, ``${$}``, which stand for the characters
    themselves. None when a variable has no value and no default. Older policy versions
    (2008-10-17) take the text literally. The result is a pattern whose ``*``/``?`` from the
    policy stay wildcards; substituted values are escaped to match literally."""
    if version != VERSION:
        return text
    out, last = [], 0
    for match in _VARIABLE.finditer(text):
        out.append(text[last:match.start()])
        key, _, default = (part.strip() for part in match[1].partition(","))
        if key in _SPECIAL:
            value = _SPECIAL[key]
        else:
            values = request.values(key)
            if values:
                value = str(values[0])
            elif default[:1] == default[-1:] == "'" and len(default) >= 2:
                value = default[1:-1]
            else:
                return None
        out.append(LITERAL_START + value + LITERAL_END)  # matched literally
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def resource_matches(pattern: str, resource: str, request: Request, version=VERSION) -> bool:
    """``arn:aws:s3:::reports/*`` matches ``arn:aws:s3:::reports/2026/q1.csv``; ``*`` anything."""
    filled = substitute(str(pattern), request, version)
    return filled is not None and glob(filled, resource)


def condition_holds(condition, request: Request, version=VERSION) -> bool:
    """Every operator, and every key under it, must hold (see ``grader.sim.iam_conditions``)."""
    if not isinstance(condition, Mapping):
        raise PolicyError("Condition is a JSON object of operators")
    for operator, keys in condition.items():
        if not isinstance(keys, Mapping):
            raise PolicyError(f"Condition operator {operator} takes a JSON object of keys")
        _, base, _ = split_operator(operator)
        for key, values in keys.items():
            wanted = as_list(values)
            if base in TAKES_VARIABLES:
                wanted = [substitute(str(v), request, version) if isinstance(v, str) else v
                          for v in wanted]
            if not operator_holds(operator, wanted, request.values(key)):
                return False
    return True


# -- evaluation --------------------------------------------------------------------------------

def _named(policies, kind: str) -> list[tuple[str, dict]]:
    if policies is None:
        return []
    if isinstance(policies, Mapping) and "Statement" not in policies:
        return [(f"{kind} policy {name!r}", load(doc)) for name, doc in policies.items()]
    if isinstance(policies, Mapping | str):
        policies = [policies]
    return [(f"{kind} policy {i + 1}", load(doc)) for i, doc in enumerate(policies)]


def _applies(statement, request: Request, version, *, resource_based: bool,
             account_means_root: bool = False):
    """None when the statement does not apply, else how its Principal named the caller
    (``direct`` for policies without a Principal element)."""
    if statement.get("Effect") not in ("Allow", "Deny"):
        raise PolicyError(f"Effect must be Allow or Deny, not {statement.get('Effect')!r}")
    if ("Action" in statement) == ("NotAction" in statement):
        raise PolicyError("A statement has exactly one of Action or NotAction")
    has_principal = "Principal" in statement or "NotPrincipal" in statement
    if has_principal != resource_based:
        raise PolicyError("Only resource-based policies (and trust policies) name a Principal"
                          if has_principal else "A resource-based policy names a Principal")
    if "Resource" in statement and "NotResource" in statement:
        raise PolicyError("A statement has at most one of Resource or NotResource")
    if not resource_based and "Resource" not in statement and "NotResource" not in statement:
        raise PolicyError("A statement has exactly one of Resource or NotResource")
    element = "Action" if "Action" in statement else "NotAction"
    hit = any(action_matches(p, request.action) for p in as_list(statement[element]))
    if hit != (element == "Action"):
        return None
    element = "Resource" if "Resource" in statement else "NotResource" if "NotResource" in statement else None
    if element:
        hit = any(resource_matches(p, request.resource, request, version)
                  for p in as_list(statement[element]))
        if hit != (element == "Resource"):
            return None
    how = "direct"
    if "Principal" in statement:
        how = principal_match(statement["Principal"], request.principal,
                              account_means_root=account_means_root)
    elif "NotPrincipal" in statement:
        how = None if not_principal_excludes(statement["NotPrincipal"], request.principal) else "direct"
    if how is None:
        return None
    if "Condition" in statement and not condition_holds(statement["Condition"], request, version):
        return None
    return how


def _matches(named, request, *, resource_based=False, account_means_root=False):
    """(effect, StatementRef, how) for every statement of these policies that applies."""
    for name, document in named:
        version = document.get("Version")
        for index, statement in enumerate(statements(document)):
            how = _applies(statement, request, version, resource_based=resource_based,
                           account_means_root=account_means_root)
            if how is not None:
                yield statement["Effect"], StatementRef(name, index, statement.get("Sid")), how


def _describe(request: Request) -> str:
    who = f" by {request.principal}" if request.principal else ""
    return f"{request.action} on {request.resource}{who}"


def evaluate(request: Request, *, identity=(), resource=None, boundary=None, session=None,
             scps=None, rcps=None, endpoint=None, endpoint_type: str = "Gateway",
             require_resource_allow: bool = False) -> Verdict:
    """Decide ``request`` against every policy type (see the module docstring for the order).

    Each argument is one policy document, a list of them, or ``{name: document}`` (names show in
    the trail). ``None`` means that policy type is not in force (no boundary, no SCP, the request
    did not come through a VPC endpoint); an empty list of SCPs or RCPs, by contrast, allows
    nothing. ``endpoint`` is the VPC endpoint's policy; ``endpoint_type`` is boto3's
    ``VpcEndpointType`` (``Gateway`` or ``Interface``), which changes what an account names.
    """
    kinds = [("identity", _named(identity, "identity")), ("boundary", _named(boundary, "boundary")),
             ("session", _named(session, "session")), ("SCP", _named(scps, "SCP")),
             ("RCP", _named(rcps, "RCP"))]
    applying = {kind: list(_matches(named, request, resource_based=kind == "RCP"))
                for kind, named in kinds}
    applying["VPC endpoint policy"] = list(_matches(
        _named(endpoint, "VPC endpoint"), request, resource_based=True,
        account_means_root=endpoint_type == "Gateway"))
    applying["resource"] = list(_matches(_named(resource, "resource"), request, resource_based=True))
    subject = _describe(request)
    for found in applying.values():
        for effect, ref, _ in found:
            if effect == "Deny":
                return Verdict(Decision.EXPLICIT_DENY, (f"{ref} denies {subject}",), ref)
    trail: list[str] = []
    allowed_by: list[StatementRef] = []

    def allow(kind):
        return next(((ref, how) for effect, ref, how in applying[kind] if effect == "Allow"),
                    (None, None))

    def relied_on(ref, reason):
        trail.append(reason)
        allowed_by.append(ref)

    def deny(reason):
        return Verdict(Decision.IMPLICIT_DENY, (*trail, reason), allowed_by=tuple(allowed_by))

    def allowed(ref):
        return Verdict(Decision.ALLOWED, tuple(trail), ref, tuple(allowed_by))

    for kind, given in (("RCP", rcps), ("SCP", scps), ("VPC endpoint policy", endpoint)):
        if given is not None:
            ref, _ = allow(kind)
            if ref is None:
                return deny(f"no {kind} allows {subject}")
            relied_on(ref, f"{ref} allows it")
    resource_ref, how = allow("resource")
    if resource_ref is not None:
        relied_on(resource_ref, f"{resource_ref} allows it ({how} principal)")
        if how == "direct" and not request.cross_account:
            return allowed(resource_ref)
    elif require_resource_allow or request.cross_account:
        return deny(f"no resource-based policy allows {subject}"
                    + (" from another account" if request.cross_account else ""))
    identity_ref, _ = allow("identity")
    stands_in = resource_ref is not None and how == "role" and not request.cross_account
    if identity_ref is None and not stands_in:
        return deny(f"no identity-based policy allows {subject}")
    if identity_ref is not None:
        relied_on(identity_ref, f"{identity_ref} allows it")
    for kind, given in (("boundary", boundary), ("session", session)):
        if given is not None:
            ref, _ = allow(kind)
            if ref is None:
                return deny(f"the {kind} policy does not allow {subject}")
            relied_on(ref, f"{ref} allows it")
    return allowed(identity_ref or resource_ref)


def can_assume_role(role_arn: str, trust_policy, principal: str, *, context=None, identity=(),
                    boundary=None, scps=None) -> Verdict:
    """Whether ``principal`` may call ``sts:AssumeRole`` on ``role_arn``: the role's trust
    policy must allow it; a trust policy naming an account (or a caller in another account)
    also needs the caller's own identity policies to allow ``sts:AssumeRole``. A caller's
    permissions boundary must allow it even when the trust policy names the caller itself
    (IAM User Guide, "Update a role trust policy", as of 2026), unlike other resource policies."""
    owner = IAM_ARN.fullmatch(role_arn)
    request = Request("sts:AssumeRole", role_arn, principal, dict(context or {}),
                      resource_account=owner["acct"] if owner else None)
    verdict = evaluate(request, identity=identity, resource={"trust policy": trust_policy},
                       boundary=boundary, scps=scps, require_resource_allow=True)
    if verdict.allowed and boundary is not None and not _trail_mentions(verdict, "boundary"):
        capped = evaluate(request, identity=boundary)
        if not capped.allowed:
            return Verdict(Decision.IMPLICIT_DENY, (*verdict.trail, f"the boundary policy does not "
                                                    f"allow {_describe(request)}"))
    return verdict


def _trail_mentions(verdict: Verdict, kind: str) -> bool:
    return any(f"of {kind} policy" in step for step in verdict.trail)


def decide(policies: Iterable, request: Request) -> Decision:
    """The decision of identity-based policies alone: the shortcut most exercises need."""
    return evaluate(request, identity=list(policies) if not isinstance(policies, Mapping)
                    else policies).decision
