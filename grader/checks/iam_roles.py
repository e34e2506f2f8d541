"""Learner-facing checks on IAM roles and the sessions STS hands out for them: permission
policies held by roles (one shared managed policy, or inline), trust policies and external ids,
session policies and session length, and learners' evaluators of layered policies.

moto enforces a role session's permission policies (Action and Resource) but not its trust
policy across accounts, not session policies, not permissions boundaries and no session limit
(see ``grader.sim.sts``): those are judged by ``grader.sim.iam`` here, from the documents moto
stores. Each check returns None when the requirement holds and raises ``CheckFailed`` otherwise.
Notebooks use them as ``from grader.checks import iam_roles as check``.

A *case* is ``(action, resource, context, allowed)`` as in ``grader.checks.iam``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from botocore.exceptions import ClientError

from grader.checks.base import Message
from grader.checks.iam import (
    _require_customer_managed,
    decides,
    reference_decide,
    requests,
    role_calls_behave,
    session_calls_behave,
)
from grader.checks.reference import agrees_with_reference
from grader.enforcement import enforced, signed_session
from grader.errors import PolicyError
from grader.sim import iam as sim
from grader.sim.sts import ALLOW_ASSUME, account_principals, assume_role_problems, trust_decisions
from grader.state.iam import role_documents, role_name_of, role_policies
from grader.state.sts import session_record

# -- the same permissions as one shared managed policy, or inline in one role ------------------

NOT_ON_ROLE = Message(
    "Policy {arn} is attached to role {role}", "{arn} among the role's attached policies", "{found}",
    "{hint}")
NOT_ON_ROLE_HINTS = {
    "copies": "The role holds its own copy ({copies}): with one policy per role, every change has to "
              "be made {count} times and the copies drift apart. Create one policy and attach it to "
              "every role (attach_role_policy).",
    "inline": "The role holds an inline policy ({inline}) instead: inline permissions cannot be "
              "shared. Create one managed policy and attach it to every role.",
    "other": "Attach it with iam.attach_role_policy(RoleName=..., PolicyArn=...), once per role.",
}
NOT_ONLY_SHARED = Message(
    "Role {role} holds its permissions in one place", "only the shared policy {arn}",
    "also {extras}", "Remove the copies: a later change to the shared policy would leave them behind "
    "and the role would keep what they grant.")
NOT_INLINE = Message(
    "Role {role} holds an inline policy named {name!r}",
    "{name!r} among list_role_policies(RoleName={role!r})", "{found}", "{hint}")
NOT_INLINE_HINTS = {
    "managed": "The permissions reach the role through a managed policy ({managed}). Embed them in "
               "the role itself: iam.put_role_policy(RoleName=..., PolicyName=..., PolicyDocument=...).",
    "name": "Return the PolicyName you passed to put_role_policy.",
    "other": "Embed the policy with iam.put_role_policy(RoleName=..., PolicyName=..., PolicyDocument=...).",
}
INLINE_HAS_MANAGED = Message(
    "Role {role} holds its permissions only inline", "no attached managed policies", "{managed}",
    "An inline-only role must not also reach the permissions through a managed policy: detach it "
    "(detach_role_policy).")


def _attached(iam, role_name: str) -> list[str]:
    return [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]]


def managed_on_roles(session, role_names, policy_arn) -> None:
    """``policy_arn`` is one customer-managed policy, attached to every role in ``role_names``,
    and it is all those roles hold (no copies, inline or managed, beside it)."""
    iam, role_names = session.client("iam"), list(role_names)
    _require_customer_managed(iam, policy_arn, role_names[0])
    for role in role_names:
        attached, inline = _attached(iam, role), iam.list_role_policies(RoleName=role)["PolicyNames"]
        copies = [arn for arn in attached if arn != policy_arn]
        if policy_arn not in attached:
            kind = "copies" if copies else "inline" if inline else "other"
            hint = NOT_ON_ROLE_HINTS[kind].format(copies=", ".join(copies), inline=", ".join(inline),
                                                  count=len(role_names))
            raise NOT_ON_ROLE.fail(arn=policy_arn, role=role, hint=hint,
                                   found=", ".join(attached) or "no attached policies")
        extras = copies + [f"inline {name}" for name in inline]
        if extras:
            raise NOT_ONLY_SHARED.fail(role=role, arn=policy_arn, extras=", ".join(extras))


def inline_only(session, role_name: str, policy_name) -> None:
    """Role ``role_name`` holds an inline policy named ``policy_name`` and no managed policy."""
    iam = session.client("iam")
    inline, managed = iam.list_role_policies(RoleName=role_name)["PolicyNames"], _attached(iam, role_name)
    if policy_name not in inline:
        kind = "name" if inline else "managed" if managed else "other"
        raise NOT_INLINE.fail(role=role_name, name=policy_name,
                              found=", ".join(inline) or "no inline policies",
                              hint=NOT_INLINE_HINTS[kind].format(managed=", ".join(managed)))
    if managed:
        raise INLINE_HAS_MANAGED.fail(role=role_name, managed=", ".join(managed))


def role_decides(session, role_name: str, cases, *, principal: str | None = None) -> None:
    """The role's identity-based policies, inline and managed, decide every case as expected."""
    decides(role_policies(session, role_name), cases, who=f"Role {role_name}'s policies",
            principal=principal)


# -- who may assume a role: a third party with an external id ----------------------------------

#: An account that is neither yours nor the vendor's: anybody else on AWS.
STRANGER_ACCOUNT = "210987654321"

TRUST_DECIDES = Message(
    "Role {role}'s trust policy: {caller} calls AssumeRole {with_id}", "{expected}", "{found}", "{hint}")
TRUST_HINTS = {
    "closed": "The vendor must get in with the right external id. Name the vendor's account as "
              "Principal ({{\"AWS\": \"arn:aws:iam::{vendor}:root\"}}), allow sts:AssumeRole, and compare "
              "sts:ExternalId with StringEquals.",
    "stranger": "Account {account} is not the vendor's, yet your trust policy lets it in. A Principal of "
                "\"*\" (or {{\"AWS\": \"*\"}}) trusts every AWS account in the world; an external id is "
                "no password (anyone who can read the role sees it). Name the vendor's account only.",
    "own": "Principals of your own account ({account}) were not part of the task: only the vendor's "
           "account may assume this role.",
    "deputy": "The vendor gets in without the right external id. Then any other customer of the "
              "vendor can give the vendor your role's ARN and have it read your data (the confused "
              "deputy). Add a Condition: StringEquals on sts:ExternalId with the id.",
}
INVALID_TRUST = Message(
    "Role {role}'s trust policy is valid", "a trust policy AWS would accept", "{error}",
    "A trust policy has Version 2012-10-17 and statements with Effect, Principal, Action "
    "(sts:AssumeRole) and an optional Condition, but no Resource.")


def _with_id(external_id) -> str:
    return "without an ExternalId" if external_id is None else f"with ExternalId {external_id!r}"


def _other_ids(external_id: str) -> dict[str, str | None]:
    wrong = external_id[:-1] + ("x" if external_id[-1:] != "x" else "y")
    ids = {"the right one": external_id, "a wrong one": wrong, "left out": None}
    if external_id.swapcase() != external_id:
        ids["in other letter case"] = external_id.swapcase()
    return ids


def _trust_rows(session, role_arn: str, vendor_account: str, external_id: str) -> list[tuple]:
    """(account, row of ``trust_decisions``, expected allowed) for the callers ``vendor_trust``
    tries, the vendor with the right id first."""
    documents = role_documents(session, role_name_of(role_arn))
    own = documents["arn"].split(":")[4]
    groups = [(vendor_account, account_principals(vendor_account, user="app", role="collector")),
              (STRANGER_ACCOUNT, account_principals(STRANGER_ACCOUNT, user="mallory", role="intruder")),
              (own, {k: v for k, v in account_principals(own, user="dev", role="ops").items()
                     if "root" not in k})]
    ids = _other_ids(external_id)
    try:
        rows = [(account, row, account == vendor_account and row["ExternalId"] == external_id)
                for account, callers in groups
                for row in trust_decisions(documents["trust"], documents["arn"], callers, ids)]
    except PolicyError as error:
        raise INVALID_TRUST.fail(role=role_name_of(role_arn), error=error) from None
    return sorted(rows, key=lambda item: (item[0] != vendor_account, item[1]["ExternalId"] != external_id))


def vendor_trust(session, role_arn: str, vendor_account: str, external_id: str) -> None:
    """Judged by ``grader.sim.iam`` from the role's trust policy: callers of the vendor's account
    (its root, a user, a role session) may assume the role with exactly ``external_id``, and
    nobody else may: not the vendor with a wrong or missing id, not another account, not a
    principal of the role's own account. Every caller holds permission to call AssumeRole."""
    own = role_documents(session, role_name_of(role_arn))["arn"].split(":")[4]
    for account, row, expected in _trust_rows(session, role_arn, vendor_account, external_id):
        if expected == (row["decision"] == sim.Decision.ALLOWED.value):
            continue
        kind = ("closed" if expected else "stranger" if account == STRANGER_ACCOUNT
                else "own" if account == own else "deputy")
        raise TRUST_DECIDES.fail(role=role_name_of(role_arn), caller=row["caller"],
                                 with_id=_with_id(row["ExternalId"]),
                                 expected="allowed" if expected else "denied",
                                 found=f"{row['decision']} ({row['why']})",
                                 hint=TRUST_HINTS[kind].format(vendor=vendor_account, account=account))


def trust_table(session, role_arn: str, vendor_account: str, external_id: str) -> list[dict]:
    """The cases ``vendor_trust`` tries, one row each (caller, external id, expected, decision,
    why), for try-it cells: ``pd.DataFrame(check.trust_table(...))``."""
    return [{"caller": row["caller"], "external id": row["external id"],
             "expected": "allowed" if expected else "denied", "decision": row["decision"], "why": row["why"]}
            for _, row, expected in _trust_rows(session, role_arn, vendor_account, external_id)]


NO_CREDENTIALS = Message(
    "The vendor ({caller}) calls AssumeRole on {role_arn} with ExternalId {external_id!r}",
    "temporary credentials", "{found}", "{hint}")


def vendor_gets_credentials(session, partner, role_arn, external_id: str, calls) -> None:
    """The vendor's user (``partner``, a session in the vendor's account) obtains credentials for
    the role with ``external_id``: AWS's rules (``grader.sim.iam``, from the role's trust
    policy) let it, and moto hands them out under enforcement. Then each call in ``calls``
    made with those credentials is allowed or refused as expected (``calls_behave``)."""
    if not isinstance(role_arn, str) or ":role/" not in role_arn:
        raise NO_CREDENTIALS.fail(caller="the vendor", role_arn=role_arn, external_id=external_id,
                                  found=f"{role_arn!r} is not a role ARN",
                                  hint="Return create_role(...)['Role']['Arn'].")
    caller = partner.client("sts").get_caller_identity()["Arn"]
    documents = role_documents(session, role_name_of(role_arn))
    verdict = sim.can_assume_role(documents["arn"], documents["trust"], caller,
                                  context={"sts:ExternalId": external_id},
                                  identity={"the vendor's own policy": ALLOW_ASSUME})
    if not verdict.allowed:
        raise NO_CREDENTIALS.fail(caller=caller, role_arn=role_arn, external_id=external_id,
                                  found=f"AccessDenied under AWS's rules ({'; '.join(verdict.trail)})",
                                  hint=TRUST_HINTS["closed"].format(vendor=caller.split(":")[4]))
    try:
        with enforced():
            credentials = partner.client("sts").assume_role(
                RoleArn=role_arn, RoleSessionName="vendor-collector", ExternalId=external_id)["Credentials"]
    except ClientError as error:
        raise NO_CREDENTIALS.fail(caller=caller, role_arn=role_arn, external_id=external_id,
                                  found=f"{error.response['Error'].get('Code')}: "
                                        f"{error.response['Error'].get('Message', '')}",
                                  hint="Check the role's ARN and that the role exists.") from None
    member = signed_session(credentials)
    session_calls_behave(member, f"The vendor's session of role {role_name_of(role_arn)}", calls)


# -- a session narrowed by a session policy ----------------------------------------------------

NOT_CREDENTIALS = Message(
    "The value your function returned", "AssumeRole's Credentials: a dict with AccessKeyId, "
    "SecretAccessKey, SessionToken and Expiration", "{found}", "{hint}")
NOT_A_SESSION_OF = Message(
    "The credentials your function returned belong to a session of role {role}", "{role_arn}",
    "{found}", "Assume the role you were given: sts.assume_role(RoleArn=role_arn, ...).")
AWS_REFUSES = Message(
    "AWS would accept the AssumeRole request behind these credentials", "a valid request",
    "{problems}", "moto accepted it, AWS would not: keep the session policy short (one or two "
    "statements) and within the limits in section 1.4.")
SESSION_DECIDES = Message(
    "What a session of role {role} may do: {request}", "{expected}", "{found}", "{hint}")
SESSION_HINTS = {
    "no policy": "The session carries no inline session policy, so it holds every permission of the "
                 "role. Pass one: sts.assume_role(..., Policy=json.dumps(document)) (this course's mock "
                 "does not record managed session policies, PolicyArns).",
    "open": "The session may do more than the task allows ({trail}). A session policy only narrows: "
            "allow exactly the task's action on the task's objects.",
    "tight": "The session cannot do what the task needs ({trail}). Does the session policy allow "
             "this action on this resource?",
    "invalid": "The session policy is not a valid policy: {trail}.",
}
TOO_LONG = Message(
    "The session your function started lasts at most {limit} minutes", "expiry within {limit} minutes",
    "expiry in {minutes} minutes", "Ask for a short session: sts.assume_role(..., DurationSeconds=...) "
    "takes seconds, from 900 (15 minutes, the shortest) up to the role's maximum.")


def _record(credentials):
    if isinstance(credentials, dict) and "Credentials" in credentials:
        raise NOT_CREDENTIALS.fail(found="the whole AssumeRole response",
                                   hint="Return response['Credentials'], not the whole response.")
    keys = {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}
    if not isinstance(credentials, dict) or not keys <= set(credentials):
        found = (f"a dict with keys {sorted(credentials)}" if isinstance(credentials, dict)
                 else f"{credentials!r:.80} (a {type(credentials).__name__})")
        raise NOT_CREDENTIALS.fail(found=found, hint="End your function with "
                                   "`return sts.assume_role(...)['Credentials']`.")
    record = session_record(credentials)
    if record is None:
        raise NOT_CREDENTIALS.fail(found="credentials no AssumeRole handed out",
                                   hint="Return the Credentials of the assume_role call you made.")
    return record


def session_of_role(session, credentials, role_arn: str) -> None:
    """``credentials`` are AssumeRole's ``Credentials`` for a session of ``role_arn``, from a
    request AWS would accept (session policy size and the like, see ``grader.sim.sts``); the
    credentials work (GetCallerIdentity names the session)."""
    record = _record(credentials)
    if record.role_arn != role_arn:
        raise NOT_A_SESSION_OF.fail(role=role_name_of(role_arn), role_arn=role_arn,
                                    found=f"a session of {record.role_arn}")
    problems = assume_role_problems(policy=record.policy_text, external_id=record.external_id)
    if problems:
        raise AWS_REFUSES.fail(problems="; ".join(problems))
    caller = signed_session(credentials).client("sts").get_caller_identity()["Arn"]
    if caller != record.arn:
        raise NOT_A_SESSION_OF.fail(role=role_name_of(role_arn), role_arn=role_arn,
                                    found=f"credentials that sign as {caller}")


def _request_text(action, resource, context) -> str:
    keys = ", ".join(f"{k}={v}" for k, v in context.items())
    return f"{action} on {resource}" + (f" with {keys}" if keys else "")


def _session_verdict(documents, record, action, resource, context) -> sim.Verdict:
    """AWS's answer for one request of this session: the role's permission policies, its
    permissions boundary and the session policy (``PolicyError`` when one is invalid)."""
    present = {k: v for k, v in context.items() if v is not None}
    boundary = documents["boundary"]
    return sim.evaluate(sim.Request(action, resource, record.arn, present), identity=documents["permissions"],
                        boundary=None if boundary is None else {"permissions boundary": boundary},
                        session={"session policy": record.policy} if record.policy_text else None)


def session_decides(session, credentials, cases) -> None:
    """The session behind ``credentials`` decides every case as expected under AWS's rules:
    the role's permission policies, limited by its permissions boundary and by the session
    policy passed to AssumeRole (``grader.sim.iam``; moto applies neither limit)."""
    record = _record(credentials)
    role = role_name_of(record.role_arn)
    documents = role_documents(session, role)
    for action, resource, context, allowed in cases:
        request = _request_text(action, resource, context)
        expected = "allowed" if allowed else "denied"
        try:
            verdict = _session_verdict(documents, record, action, resource, context)
        except PolicyError as error:
            raise SESSION_DECIDES.fail(role=role, request=request, expected=expected, found="no answer",
                                       hint=SESSION_HINTS["invalid"].format(trail=error)) from None
        if verdict.allowed != allowed:
            trail = "; ".join(verdict.trail)
            kind = "tight" if allowed else "open" if record.policy_text else "no policy"
            raise SESSION_DECIDES.fail(role=role, request=request, expected=expected,
                                       found=f"{verdict.decision.value} ({trail})",
                                       hint=SESSION_HINTS[kind].format(trail=trail))


def session_decisions(session, credentials, cases) -> list[dict]:
    """One row per case (request, expected, decision, why) for the session behind
    ``credentials``, as ``session_decides`` judges it; for try-it cells."""
    record = _record(credentials)
    documents = role_documents(session, role_name_of(record.role_arn))
    rows = []
    for action, resource, context, allowed in cases:
        verdict = _session_verdict(documents, record, action, resource, context)
        rows.append({"request": _request_text(action, resource, context),
                     "expected": "allowed" if allowed else "denied", "decision": verdict.decision.value,
                     "why": "; ".join(verdict.trail)})
    return rows


def session_lasts_at_most(credentials, seconds: int) -> None:
    """The session behind ``credentials`` expires within ``seconds`` from now."""
    record = _record(credentials)
    expiration = record.expiration
    if expiration.tzinfo is None:  # moto keeps UTC without a zone
        expiration = expiration.replace(tzinfo=UTC)
    remaining = (expiration - datetime.now(UTC)).total_seconds()
    if remaining > seconds + 30:
        raise TOO_LONG.fail(limit=seconds // 60, minutes=round(remaining / 60))


# -- learners' evaluators of layered policies --------------------------------------------------

LAYERS_HINT = ("Decide each layer on its own first (check.reference_decide), then combine: a Deny "
               "in any layer wins; otherwise every layer in force must allow. A boundary or a "
               "session policy that is None is not in force: it limits nothing.")


def reference_layers(identity, boundary, session, request) -> str:
    """The simulator's answer for identity policies limited by a permissions boundary and a
    session policy (either may be None: not in force): allowed, explicitDeny or implicitDeny."""
    return sim.evaluate(sim.Request(request["action"], request["resource"]), identity=list(identity),
                        boundary=boundary, session=session).decision.value


def _describe_layers(case) -> str:
    identity, boundary, session, request = case

    def text(value):
        return "None" if value is None else json.dumps(value)[:200]
    return (f"{request['action']} on {request['resource']} (identity: {json.dumps(identity)[:200]}; "
            f"boundary: {text(boundary)}; session: {text(session)})")


def layers_agree(function, identity, boundary, session, request_list) -> None:
    """A learner's ``function(identity, boundary, session, request)`` answers like the
    simulator on every request of ``request_list`` (``grader.checks.iam.requests``)."""
    agrees_with_reference(function, reference_layers,
                          [(list(identity), boundary, session, request) for request in request_list],
                          name="effective_decision", describe=_describe_layers, hint=LAYERS_HINT)


__all__ = [
    "STRANGER_ACCOUNT", "inline_only", "layers_agree", "managed_on_roles", "reference_decide",
    "reference_layers", "requests", "role_decides", "session_decides", "session_lasts_at_most",
    "role_calls_behave", "session_decisions", "session_of_role", "trust_table",
    "vendor_gets_credentials", "vendor_trust",
]
