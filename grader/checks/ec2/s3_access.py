"""Who may reach an S3 bucket through, or around, a VPC gateway endpoint: topic 21's narrow
reading of two resource policies.

moto stores endpoint and bucket policies but decides no request by them (it half-applies bucket
policies to object calls only), so the checks decide with this model instead, as of 2026:

- The caller is an IAM role of this account whose identity policy allows ``s3:*`` on every
  bucket: broad, and common. Its requests are allowed unless a policy below denies them.
- Through an endpoint, the endpoint policy must have a matching Allow and no matching Deny.
  An endpoint this account does not have is taken to carry the default policy (full access).
- The bucket policy's matching Deny refuses the request; its Allows add nothing the role does
  not already have. A bucket that is not in this account (an attacker's drop box) is taken to
  accept the request: only the endpoint policy can stop data going there.

Policy language read: Effect; Principal ``*`` or ``{"AWS": ...}`` (in a gateway endpoint policy
an account id or ``:root`` names only that account's root user); Action/NotAction;
Resource/NotResource; Condition with the String, Arn, Bool and Null operators and their
``IfExists`` forms, on the context keys below. Anything else raises ``UnsupportedPolicy``.
This is deliberately not a general IAM evaluator: it should move onto ``grader.sim.iam`` once
that module exists. Pure: no boto3, no moto.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

ACCOUNT = "123456789012"
APP_ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
#: Context keys this reader knows, lower-cased as IAM compares them.
KNOWN_KEYS = ("aws:sourcevpce", "aws:sourcevpc", "aws:principalarn", "aws:principalaccount",
              "aws:securetransport")


class UnsupportedPolicy(ValueError):
    """A policy uses language this reader does not evaluate (the message says what)."""


@dataclass(frozen=True)
class S3Request:
    """One S3 call: ``key`` None for a bucket-level action; ``vpce``/``vpc`` set when the
    request comes through a VPC endpoint."""

    action: str
    bucket: str
    key: str | None = None
    principal: str = APP_ROLE
    vpce: str | None = None
    vpc: str | None = None

    @property
    def resource(self) -> str:
        return f"arn:aws:s3:::{self.bucket}" + ("" if self.key is None else f"/{self.key}")

    def context(self) -> dict[str, str]:
        account = self.principal.split(":")[4]
        values = {"aws:principalarn": self.principal, "aws:principalaccount": account,
                  "aws:securetransport": "true", "aws:sourcevpce": self.vpce,
                  "aws:sourcevpc": self.vpc}
        return {key: value for key, value in values.items() if value is not None}


class Decision(Enum):
    ALLOWED = "allowed"
    DENIED_BY_ENDPOINT = "denied by the endpoint policy"
    DENIED_BY_BUCKET = "denied by the bucket policy"


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    reason: str

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOWED


def decide(request: S3Request, *, endpoint_policy: dict | None = None,
           bucket_policy: dict | None = None, bucket_in_account: bool = True) -> Verdict:
    """Whether ``request`` succeeds, and which statement decided. ``endpoint_policy`` is
    ignored unless the request came through an endpoint (None there: the default policy)."""
    through = ""
    if request.vpce:
        effect, label = evaluate(endpoint_policy, request, gateway_endpoint=True)
        where = f"of endpoint {request.vpce}"
        if effect == "Deny":
            return Verdict(Decision.DENIED_BY_ENDPOINT, f"{label} {where} denies it")
        if effect is None:
            return Verdict(Decision.DENIED_BY_ENDPOINT, f"no statement of the policy {where} "
                                                        "allows it")
        through = f"{label} {where} allows it; "
    if not bucket_in_account:
        return Verdict(Decision.ALLOWED, f"{through}{request.bucket} belongs to another "
                                         "account, which accepts it")
    effect, label = evaluate(bucket_policy, request, gateway_endpoint=False)
    if effect == "Deny":
        return Verdict(Decision.DENIED_BY_BUCKET, f"{label} of the bucket policy of "
                                                  f"{request.bucket} denies it")
    return Verdict(Decision.ALLOWED, f"{through}the role's IAM policy allows s3:* and no "
                                     "bucket-policy statement denies it")


def evaluate(policy: dict | None, request: S3Request, *, gateway_endpoint: bool):
    """``("Deny" | "Allow" | None, label)``: an explicit Deny wins over any Allow; None when no
    statement matches. A missing policy is the endpoint default: allow everything."""
    if policy is None:
        return ("Allow", "the default policy") if gateway_endpoint else (None, "")
    statements = policy.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    allow = None
    for number, statement in enumerate(statements, start=1):
        label = f"statement {statement.get('Sid') or number!r}"
        if not _applies(statement, request, gateway_endpoint):
            continue
        if statement["Effect"] == "Deny":
            return "Deny", label
        allow = allow or label
    return ("Allow", allow) if allow else (None, "")


def _applies(statement: dict, request: S3Request, gateway_endpoint: bool) -> bool:
    if statement.get("Effect") not in ("Allow", "Deny"):
        raise UnsupportedPolicy(f"Effect {statement.get('Effect')!r}: use Allow or Deny")
    if "NotPrincipal" in statement:
        raise UnsupportedPolicy("NotPrincipal: name the exception in a Condition on "
                                "aws:PrincipalArn instead (AWS advises against NotPrincipal "
                                "with Deny)")
    if "Principal" not in statement:
        raise UnsupportedPolicy("a statement without Principal: AWS refuses such a bucket or "
                                "endpoint policy")
    return (_principal_matches(statement["Principal"], request.principal, gateway_endpoint)
            and _element_matches(statement, "Action", request.action, ignore_case=True)
            and _element_matches(statement, "Resource", request.resource, ignore_case=False)
            and conditions_hold(statement.get("Condition", {}), request.context()))


def _principal_matches(principal, arn: str, gateway_endpoint: bool) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        raise UnsupportedPolicy(f"Principal {principal!r}: use \"*\" or {{\"AWS\": ...}}")
    account = arn.split(":")[4]
    for entry in _as_list(principal.get("AWS", [])):
        if entry == "*" or entry == arn:
            return True
        named = re.fullmatch(r"(\d{12})|arn:aws:iam::(\d{12}):root", entry)
        if named and (named.group(1) or named.group(2)) == account:
            # in a gateway endpoint policy the account form means its root user only
            return not gateway_endpoint or arn.endswith(":root")
    return False


def _element_matches(statement: dict, name: str, value: str, *, ignore_case: bool) -> bool:
    negated = f"Not{name}"
    if name in statement and negated in statement:
        raise UnsupportedPolicy(f"{name} and {negated} in one statement")
    if negated in statement:
        return not any(wildcard_match(p, value, ignore_case) for p in _as_list(statement[negated]))
    return any(wildcard_match(p, value, ignore_case) for p in _as_list(statement.get(name, "*")))


def conditions_hold(condition: dict, context: dict[str, str]) -> bool:
    """Every operator's every key must hold (AND); a key's values are alternatives (OR).
    Keys are compared case-insensitively; a missing key fails a positive operator and passes
    a negated one (``...Not...``) or any ``...IfExists``."""
    for operator, pairs in condition.items():
        for key, wanted in pairs.items():
            if key.lower() not in KNOWN_KEYS:
                raise UnsupportedPolicy(f"condition key {key!r}: this course's reader knows "
                                        f"{', '.join(KNOWN_KEYS)}")
            if not _holds(operator, context.get(key.lower()), [str(v) for v in _as_list(wanted)]):
                return False
    return True


def _holds(operator: str, value: str | None, wanted: list[str]) -> bool:
    name = operator.lower()
    if ":" in name:
        raise UnsupportedPolicy(f"operator {operator}: set operators (ForAnyValue, "
                                "ForAllValues) are for multivalued keys, which this reader has "
                                "none of")
    if name == "null":
        return (value is None) == (wanted[0].lower() == "true")
    if_exists = name.endswith("ifexists")
    base = name.removesuffix("ifexists")
    negated = "not" in base
    compare = _COMPARE.get(base.replace("not", ""))
    if compare is None:
        raise UnsupportedPolicy(f"operator {operator}: this reader knows the String, Arn, Bool "
                                "and Null operators")
    if value is None:
        return if_exists or negated
    matched = any(compare(value, w) for w in wanted)
    return not matched if negated else matched


_COMPARE = {
    "stringequals": lambda value, wanted: value == wanted,
    "stringequalsignorecase": lambda value, wanted: value.lower() == wanted.lower(),
    "stringlike": lambda value, wanted: wildcard_match(wanted, value, False),
    "arnequals": lambda value, wanted: wildcard_match(wanted, value, False),
    "arnlike": lambda value, wanted: wildcard_match(wanted, value, False),
    "bool": lambda value, wanted: value.lower() == wanted.lower(),
}


def wildcard_match(pattern: str, value: str, ignore_case: bool) -> bool:
    """IAM wildcards: ``*`` any run of characters, ``?`` one character; nothing else special."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]

