"""Role sessions as AWS STS hands them out: who may assume a role, and the limits on a session.

moto 5.2.5 hands out credentials for almost any ``AssumeRole`` call. With IAM enforcement on it
checks the caller's identity policies and, for a role in the caller's own account, a trust
policy that names the caller's ARN or ``{"AWS": "*"}`` (an ``sts:ExternalId`` given with
``StringEquals`` must match, a missing one passes). It does not check trust policies across
accounts at all, denies callers that a trust policy admits through their account, fails with a
Python error on ``"Principal": "*"`` and service principals, and validates no session limit (see
shared/research/moto-5.2.5.md and the topic 19 notes). This module answers what AWS would, from
plain data; ``grader.sim.iam.can_assume_role`` decides one caller, :func:`trust_decisions` a
table of callers and external ids, :func:`assume_role_problems` the requests AWS refuses.

Figures are from the AWS STS API reference (AssumeRole) and the IAM User Guide ("IAM and AWS
STS quotas", "Role chaining"), as of 2026.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .iam import can_assume_role

#: The shortest and the default session (AssumeRole ``DurationSeconds``), in seconds.
MIN_DURATION, DEFAULT_DURATION = 900, 3600
#: A role's ``MaxSessionDuration`` lies between one and twelve hours.
MAX_SESSION_DURATION_RANGE = (3600, 43200)
#: A session whose caller is itself a role session (role chaining) lasts at most one hour.
CHAINED_MAX_DURATION = 3600
#: Inline session policy text and managed session policy ARNs together, in characters.
SESSION_POLICY_MAX_CHARS = 2048
#: Managed session policies (``PolicyArns``) per request.
MAX_POLICY_ARNS = 10
#: ``ExternalId``: 2 to 1,224 characters of letters, digits and ``_+=,.@:/-``.
EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}", re.ASCII)

#: What a caller holds in these tables: the right to call AssumeRole on any role, so that only
#: the trust policy can say no.
ALLOW_ASSUME = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}


def account_principals(account_id: str, *, user: str = "app", role: str = "ops",
                       session: str = "session-1") -> dict[str, str]:
    """Three callers of one account, by label: its root (the account itself), an IAM user and a
    role session. A trust policy naming the account admits all three."""
    return {f"{account_id} root": f"arn:aws:iam::{account_id}:root",
            f"{account_id} user {user}": f"arn:aws:iam::{account_id}:user/{user}",
            f"{account_id} role session {role}": f"arn:aws:sts::{account_id}:assumed-role/{role}/{session}"}


def trust_decisions(trust_policy, role_arn: str, callers: Mapping[str, str],
                    external_ids: Mapping[str, str | None], *, identity=ALLOW_ASSUME) -> list[dict]:
    """One row per caller and external id: what AWS answers when that caller, holding
    ``identity`` (by default: may assume any role), calls AssumeRole on ``role_arn`` with that
    ``ExternalId`` (None: the parameter is left out). Rows have the keys ``caller``,
    ``external id``, ``principal``, ``ExternalId``, ``decision`` and ``why``."""
    if isinstance(identity, Mapping) and "Statement" in identity:
        identity = {"caller's own policy": identity}
    rows = []
    for label, principal in callers.items():
        for id_label, external_id in external_ids.items():
            context = {} if external_id is None else {"sts:ExternalId": external_id}
            verdict = can_assume_role(role_arn, trust_policy, principal, context=context,
                                      identity=identity)
            rows.append({"caller": label, "external id": id_label, "principal": principal,
                         "ExternalId": external_id, "decision": verdict.decision.value,
                         "why": "; ".join(verdict.trail)})
    return rows


def assume_role_problems(*, duration_seconds: int | None = None,
                         max_session_duration: int = DEFAULT_DURATION, chained: bool = False,
                         policy: str | None = None, policy_arns=(),
                         external_id: str | None = None) -> list[str]:
    """Why AWS would refuse this AssumeRole request (an empty list: it would not), for the
    parameters moto accepts without a word. ``max_session_duration`` is the role's setting;
    ``chained`` says the caller is itself a role session; ``policy`` is the inline session
    policy as sent (JSON text), ``policy_arns`` the managed session policies' ARNs."""
    problems = []
    low, high = MAX_SESSION_DURATION_RANGE
    if not low <= max_session_duration <= high:
        problems.append(f"the role's MaxSessionDuration {max_session_duration} s is outside "
                        f"{low}-{high} s (1 to 12 hours)")
    if duration_seconds is not None:
        ceiling = min(max_session_duration, CHAINED_MAX_DURATION) if chained else max_session_duration
        if duration_seconds < MIN_DURATION:
            problems.append(f"DurationSeconds {duration_seconds} is below the minimum of {MIN_DURATION} s")
        elif duration_seconds > ceiling:
            why = ("role chaining limits a session to one hour" if chained and ceiling == CHAINED_MAX_DURATION
                   else f"the role's MaxSessionDuration is {max_session_duration} s")
            problems.append(f"DurationSeconds {duration_seconds} is above {ceiling} s: {why}")
    arns = list(policy_arns)
    if len(arns) > MAX_POLICY_ARNS:
        problems.append(f"{len(arns)} managed session policies: at most {MAX_POLICY_ARNS}")
    size = len(policy or "") + sum(len(str(arn)) for arn in arns)
    if size > SESSION_POLICY_MAX_CHARS:
        problems.append(f"the session policies hold {size} characters: at most {SESSION_POLICY_MAX_CHARS}")
    if external_id is not None and not EXTERNAL_ID.fullmatch(external_id):
        problems.append(f"ExternalId {external_id!r} is not 2-1,224 characters of letters, digits "
                        "and _+=,.@:/-")
    return problems
