"""Who may reach an S3 bucket through, or around, a VPC gateway endpoint: topic 21's narrow
reading of two resource policies, decided by ``grader.sim.iam``.

moto stores endpoint and bucket policies but decides no request by them (it half-applies bucket
policies to object calls only), so the checks decide with this model instead, as of 2026:

- The caller is an IAM role of this account whose identity policy allows ``s3:*`` on every
  bucket (``ROLE_POLICY``): broad, and common. Its requests are allowed unless a policy below
  denies them.
- Through an endpoint, the endpoint policy must have a matching Allow and no matching Deny
  (in a gateway endpoint's policy an account id or ``:root`` names only that account's root
  user). An endpoint this account does not have is taken to carry the default policy (full
  access).
- The bucket policy's matching Deny refuses the request; its Allows add nothing the role does
  not already have. A bucket that is not in this account (an attacker's drop box) is taken to
  accept the request: only the endpoint policy can stop data going there.

The endpoint policy is weighed first, then the bucket policy; the reason names the first that
refuses. ``grader.sim.iam`` evaluates the whole policy language; this module reads only what
topic 21 teaches and its requests can answer: Effect; Principal (not NotPrincipal); Action or
NotAction; Resource or NotResource; Condition with the String, Arn, Bool and Null operators and
their ``IfExists`` forms, on the context keys in ``KNOWN_KEYS`` (all single-valued, so numeric,
date, IP and set operators on them would mislead). Anything else raises ``UnsupportedPolicy``
rather than a verdict built on keys the request does not carry. Pure: no boto3, no moto.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from grader.errors import PolicyError
from grader.sim import iam
from grader.sim.iam_conditions import split_operator

ACCOUNT = "123456789012"
APP_ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
#: The caller's identity policy in this model.
ROLE_POLICY = {"Version": "2012-10-17",
               "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
#: The policy of an endpoint created without one (PrivateLink Guide, "Default endpoint policy").
DEFAULT_ENDPOINT_POLICY = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*",
                                          "Resource": "*"}]}
#: Context keys this reader knows, lower-cased as IAM compares them.
KNOWN_KEYS = ("aws:sourcevpce", "aws:sourcevpc", "aws:principalarn", "aws:principalaccount",
              "aws:securetransport")
#: Condition operators this reader accepts: these families with their Not and IfExists forms.
OPERATOR_FAMILIES = ("String", "Arn", "Bool", "Null")


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

    def __post_init__(self):
        if not iam.action_matches("s3:*", self.action):
            raise ValueError(f"S3Request is for S3 actions (s3:...), not {self.action!r}")

    @property
    def resource(self) -> str:
        return f"arn:aws:s3:::{self.bucket}" + ("" if self.key is None else f"/{self.key}")

    def context(self) -> dict[str, str]:
        account = self.principal.split(":")[4]
        values = {"aws:PrincipalArn": self.principal, "aws:PrincipalAccount": account,
                  "aws:SecureTransport": "true", "aws:SourceVpce": self.vpce,
                  "aws:SourceVpc": self.vpc}
        return {key: value for key, value in values.items() if value is not None}

    def as_iam_request(self) -> iam.Request:
        return iam.Request(self.action, self.resource, self.principal, self.context())


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
    asked, through = request.as_iam_request(), ""
    if request.vpce:
        where = f"of endpoint {request.vpce}"
        policy = DEFAULT_ENDPOINT_POLICY if endpoint_policy is None else endpoint_policy
        verdict = _evaluate(asked, endpoint=policy, endpoint_type="Gateway")
        if verdict.decision is iam.Decision.EXPLICIT_DENY:
            return Verdict(Decision.DENIED_BY_ENDPOINT, f"{_label(verdict.statement)} {where} "
                                                        "denies it")
        if not verdict.allowed:
            return Verdict(Decision.DENIED_BY_ENDPOINT, f"no statement of the policy {where} "
                                                        "allows it")
        # allowed_by[0] is the endpoint's statement: it is checked before the role's policy
        label = "the default policy" if endpoint_policy is None else _label(verdict.allowed_by[0])
        through = f"{label} {where} allows it; "
    if not bucket_in_account:
        return Verdict(Decision.ALLOWED, f"{through}{request.bucket} belongs to another "
                                         "account, which accepts it")
    verdict = _evaluate(asked, resource=bucket_policy)
    if verdict.decision is iam.Decision.EXPLICIT_DENY:
        return Verdict(Decision.DENIED_BY_BUCKET, f"{_label(verdict.statement)} of the bucket "
                                                  f"policy of {request.bucket} denies it")
    return Verdict(Decision.ALLOWED, f"{through}the role's IAM policy allows s3:* and no "
                                     "bucket-policy statement denies it")


def _evaluate(asked: iam.Request, **policies) -> iam.Verdict:
    """``grader.sim.iam.evaluate`` with the role's policy, after checking that every policy
    keeps to the language read here; a policy AWS would reject is unsupported too."""
    try:
        for name in ("endpoint", "resource"):
            if policies.get(name) is not None:
                _check_supported(policies[name])
        return iam.evaluate(asked, identity=ROLE_POLICY, **policies)
    except PolicyError as error:
        raise UnsupportedPolicy(str(error)) from None


def _label(ref: iam.StatementRef) -> str:
    """``statement 'Sid'``, or the statement's number counted from one."""
    return f"statement {ref.sid or ref.index + 1!r}"


def _check_supported(document) -> None:
    """Raise ``UnsupportedPolicy`` for any statement outside the language read here (see the
    module docstring), whether or not it applies to the request."""
    for statement in iam.statements(document):
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise UnsupportedPolicy(f"Effect {statement.get('Effect')!r}: use Allow or Deny")
        if "NotPrincipal" in statement:
            raise UnsupportedPolicy("NotPrincipal: name the exception in a Condition on "
                                    "aws:PrincipalArn instead (AWS advises against NotPrincipal "
                                    "with Deny)")
        if "Principal" not in statement:
            raise UnsupportedPolicy("a statement without Principal: AWS refuses such a bucket or "
                                    "endpoint policy")
        condition = statement.get("Condition", {})
        for operator, pairs in condition.items() if isinstance(condition, Mapping) else ():
            for key in pairs if isinstance(pairs, Mapping) else ():
                if key.lower() not in KNOWN_KEYS:
                    raise UnsupportedPolicy(f"condition key {key!r}: this course's reader knows "
                                            f"{', '.join(KNOWN_KEYS)}")
                if ":" in operator:
                    raise UnsupportedPolicy(f"operator {operator}: set operators (ForAnyValue, "
                                            "ForAllValues) are for multivalued keys, which this "
                                            "reader has none of")
                if not split_operator(operator)[1].startswith(OPERATOR_FAMILIES):
                    raise UnsupportedPolicy(f"operator {operator}: this reader knows the String, "
                                            "Arn, Bool and Null operators")
