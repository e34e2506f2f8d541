"""Learner-facing checks on IAM: managed policies on groups, calls made with a member's own
credentials under moto's enforcement, and policies judged by ``grader.sim.iam`` where moto does
not act (conditions), plus learners' evaluators and access reviews against the reference.

Each check returns None when the requirement holds and raises ``CheckFailed`` otherwise.
Notebooks use them as ``from grader.checks import iam as check``.

A *case* for the simulator is ``(action, resource, context, allowed)``: ``context`` is a dict of
condition keys (``{"s3:prefix": "reports/"}``, ``{}`` for none) and ``allowed`` what AWS must
answer. A *call* under enforcement is ``(service, operation, params, allowed)``.
"""

from __future__ import annotations

import ipaddress
import json
from itertools import product

from botocore.exceptions import ClientError

from grader.checks.base import Message
from grader.checks.reference import agrees_with_reference
from grader.enforcement import as_role, as_user, enforced, is_denied
from grader.errors import PolicyError
from grader.sim import iam as sim
from grader.sim.iam_review import review
from grader.state.iam import authorization_details, group_policies, role_name_of

# -- customer-managed policies on groups -------------------------------------------------------

NOT_A_POLICY_ARN = Message(
    "The value your function returned", "the ARN of the policy you created, like "
    "'arn:aws:iam::123456789012:policy/{group}-read'", "{value!r} (a {type})",
    "Return create_policy(...)['Policy']['Arn']: the ARN, not the name.")
NOT_CUSTOMER_MANAGED = Message(
    "Policy {arn} is customer-managed", "an ARN in this account (arn:aws:iam::<account id>:policy/...)",
    "{arn}", "AWS-managed policies (arn:aws:iam::aws:policy/...) are broad and change under you: "
    "create your own with create_policy.")
POLICY_MISSING = Message(
    "Policy {arn} exists", "a managed policy with that ARN", "no such policy ({code})",
    "Create the policy with iam.create_policy and return the ARN from its response.")
NOT_ON_GROUP = Message(
    "Policy {arn} is attached to group {group}", "{arn} among the group's attached policies",
    "{found}", "{hint}")
NOT_ON_GROUP_HINTS = {
    "users": "It is attached to {users} one by one: attach it to the group instead "
             "(attach_group_policy), so members who join later get it too.",
    "inline": "The group holds an inline policy ({inline}): an inline policy lives and dies "
              "with the group and cannot be reused. Create a managed one and attach it.",
    "other": "Attach it with iam.attach_group_policy(GroupName=..., PolicyArn=...).",
}


def _require_customer_managed(iam, policy_arn, owner: str) -> None:
    """``policy_arn`` is the ARN of a customer-managed policy that exists."""
    if not isinstance(policy_arn, str) or not policy_arn.startswith("arn:"):
        raise NOT_A_POLICY_ARN.fail(group=owner, value=policy_arn, type=type(policy_arn).__name__)
    account = policy_arn.split(":")[4] if policy_arn.count(":") >= 5 else ""
    if not account.isdigit():
        raise NOT_CUSTOMER_MANAGED.fail(arn=policy_arn)
    try:
        iam.get_policy(PolicyArn=policy_arn)
    except ClientError as error:
        raise POLICY_MISSING.fail(arn=policy_arn, code=error.response["Error"]["Code"]) from None


def customer_managed_on_group(session, group_name: str, policy_arn) -> None:
    """``policy_arn`` names a customer-managed policy that exists and is attached to the group."""
    iam = session.client("iam")
    _require_customer_managed(iam, policy_arn, group_name)
    attached = [p["PolicyArn"] for p in iam.list_attached_group_policies(GroupName=group_name)[
        "AttachedPolicies"]]
    if policy_arn in attached:
        return
    users = [e["UserName"] for e in iam.list_entities_for_policy(PolicyArn=policy_arn)["PolicyUsers"]]
    inline = iam.list_group_policies(GroupName=group_name)["PolicyNames"]
    kind = "users" if users else "inline" if inline else "other"
    found = ", ".join(attached) or "no attached policies"
    raise NOT_ON_GROUP.fail(arn=policy_arn, group=group_name, found=found,
                            hint=NOT_ON_GROUP_HINTS[kind].format(users=", ".join(users),
                                                                 inline=", ".join(inline)))


# -- calls with a member's own credentials (moto enforces Action and Resource) -----------------

CALL_DENIED = Message(
    "{user} calls {call} {how}", "allowed", "{code}: {message}",
    "Find the statement that should allow {action} on {resource}: check its Action and its "
    "Resource (bucket-level actions such as s3:ListBucket take the bucket ARN, object-level "
    "ones such as s3:GetObject an object ARN: bucket/key).")
CALL_ALLOWED = Message(
    "{user} calls {call} {how}", "AccessDenied", "allowed",
    "The policy grants more than the task asks: narrow its Action and Resource until this call "
    "is refused (no s3:* and no Resource \"*\").")


def _call_text(service, operation, params) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return f"{service}.{operation}({args})"


#: boto3 operations whose IAM action is not their own name in CamelCase.
_ACTIONS = {("s3", "list_objects_v2"): "s3:ListBucket", ("s3", "list_objects"): "s3:ListBucket",
            ("s3", "head_object"): "s3:GetObject", ("s3", "head_bucket"): "s3:ListBucket",
            ("s3", "list_buckets"): "s3:ListAllMyBuckets"}


def _action(service: str, operation: str) -> str:
    """The IAM action a boto3 call needs: get_object -> s3:GetObject."""
    return _ACTIONS.get((service, operation)) or f"{service}:{operation.title().replace('_', '')}"


def _resource(service: str, params: dict) -> str:
    if service == "s3" and "Bucket" in params:
        return f"arn:aws:s3:::{params['Bucket']}" + (f"/{params['Key']}" if "Key" in params else "")
    return "its resource"


def calls_behave(session, user_name: str, calls) -> None:
    """Each ``(service, operation, params, allowed)`` call, made with a new access key of
    ``user_name`` under moto's enforcement, is allowed or refused (AccessDenied) as expected.
    A call refused for another reason (NoSuchKey, ...) got past IAM and counts as allowed."""
    with as_user(session, user_name) as member:
        outcomes = _outcomes(member, calls)
    _judge_calls(outcomes, user_name, "with their own access key")


def role_calls_behave(session, role_arn: str, calls) -> None:
    """``calls_behave`` for a role: each call made with the role's temporary credentials (the
    administrator assumes it, so its trust policy is not tested here) under moto's enforcement."""
    with as_role(session, role_arn) as member:
        outcomes = _outcomes(member, calls)
    who = f"A session of role {role_name_of(role_arn)}"
    _judge_calls(outcomes, who, "with the role's temporary credentials")


def session_calls_behave(member, who: str, calls) -> None:
    """``calls_behave`` for a boto3 session already signed with someone's credentials (a role
    session a partner obtained, ...): ``who`` names them in messages. Enforcement is switched on
    for the calls and off again."""
    with enforced():
        outcomes = _outcomes(member, calls)
    _judge_calls(outcomes, who, "with its credentials")


def _outcomes(member, calls) -> list[tuple]:
    """(service, operation, params, allowed, the denial or None) for each call, in order."""
    outcomes = []
    for service, operation, params, allowed in calls:
        try:
            getattr(member.client(service), operation)(**params)
            outcomes.append((service, operation, params, allowed, None))
        except ClientError as error:
            outcomes.append((service, operation, params, allowed, error if is_denied(error) else None))
    return outcomes


def _judge_calls(outcomes, who: str, how: str) -> None:
    for service, operation, params, allowed, denial in outcomes:
        call = _call_text(service, operation, params)
        if allowed and denial is not None:
            raise CALL_DENIED.fail(user=who, how=how, call=call,
                                   code=denial.response["Error"].get("Code"),
                                   message=denial.response["Error"].get("Message", ""),
                                   action=_action(service, operation), resource=_resource(service, params))
        if not allowed and denial is None:
            raise CALL_ALLOWED.fail(user=who, how=how, call=call)


# -- policies judged by the simulator ----------------------------------------------------------

DECIDES = Message("{who}: {request}", "{expected}", "{found}", "{hint}")
INVALID_POLICY = Message(
    "{who} is a valid IAM policy", "a policy AWS would accept", "{error}",
    "Fix the document's shape: Version 2012-10-17, Statement a list of objects with Effect, "
    "Action (or NotAction), Resource (or NotResource) and an optional Condition.")
HINT_TOO_OPEN = ("The simulator says: {trail}. Narrow that statement's Action or Resource, or add "
                 "the condition it lacks.")
HINT_TOO_TIGHT = ("The simulator says: {trail}. Which statement should allow it, and which of its "
                  "parts (Action, Resource, Condition) does not match?")
HINT_DENIED = "The simulator says: {trail}. That Deny is broader than the task: narrow it."
GUARD_HINTS = {
    "open": "Your guard should deny this request and does not. Is its condition true for this "
            "request? A key shown as (absent) is missing from it: which operators are true then?",
    "tight": "Your guard denies a request it should leave alone ({trail}). Check that statement's "
             "actions and condition.",
}


def _request_text(action, resource, context) -> str:
    keys = ", ".join(f"{k}={'(absent)' if v is None else v}" for k, v in context.items())
    return f"{action} on {resource}" + (f" with {keys}" if keys else "")


def decides(policies, cases, *, who: str = "The policy", alongside=None,
            principal: str | None = None, hints: dict | None = None) -> None:
    """Every case is decided as expected by ``grader.sim.iam`` from ``policies`` (a document,
    a list, or ``{name: document}``) plus ``alongside`` (``{name: document}`` of other identity
    policies in force). A context value of None means the key is absent from the request.
    ``hints`` replaces the "Next" line: ``{"open": ..., "tight": ...}`` templates with ``{trail}``."""
    if isinstance(policies, dict) and "Statement" not in policies:
        named = dict(policies)
    elif isinstance(policies, list):
        named = {f"your policy {i + 1}": p for i, p in enumerate(policies)}
    else:
        named = {"your policy": policies}
    named = {**(alongside or {}), **named}
    for action, resource, context, allowed in cases:
        present = {k: v for k, v in context.items() if v is not None}
        request = sim.Request(action, resource, principal, present)
        try:
            verdict = sim.evaluate(request, identity=named)
        except PolicyError as error:
            raise INVALID_POLICY.fail(who=who, error=error) from None
        if verdict.allowed != allowed:
            trail = "; ".join(verdict.trail)
            if hints:
                hint = hints["open" if verdict.allowed else "tight"]
            else:
                hint = (HINT_TOO_OPEN if verdict.allowed else
                        HINT_DENIED if verdict.decision is sim.Decision.EXPLICIT_DENY else HINT_TOO_TIGHT)
            raise DECIDES.fail(who=who, request=_request_text(action, resource, context),
                               expected="allowed" if allowed else "denied",
                               found=f"{verdict.decision.value} ({trail})", hint=hint.format(trail=trail))


def group_decides(session, group_name: str, cases, *, principal: str | None = None) -> None:
    """The group's identity-based policies decide every case as expected (``decides``)."""
    decides(group_policies(session, group_name), cases, who=f"Group {group_name}'s policies",
            principal=principal)


def document(value, what: str = "The value your function returned") -> dict:
    """A learner's policy as a dict (JSON text accepted), or a message saying what it is."""
    try:
        return sim.load(value)
    except PolicyError as error:
        raise INVALID_POLICY.fail(who=what, error=error) from None


# -- a guard policy: MFA and network conditions ------------------------------------------------

#: What a guard is tested alongside: full access, so only the guard can say no.
ADMIN_ACCESS = {"AdministratorAccess": {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]}}
#: The sign-ins of ``guard_cases``: how each one sets ``aws:MultiFactorAuthPresent``.
SIGN_INS = {"console with MFA": "true", "console without MFA": "false",
            "long-term access key": None}


def guard_cases(actions, addresses, office_cidrs, exempt, sign_ins=tuple(SIGN_INS)) -> list:
    """Cases for a guard that denies everything without MFA except ``exempt`` actions, and
    everything from outside ``office_cidrs``: every action x address x sign-in, with the
    expected answer when the guard sits next to full access."""
    networks = [ipaddress.ip_network(c, strict=False) for c in office_cidrs]
    exempt = {a.lower() for a in exempt}
    cases = []
    for action, address, sign_in in product(actions, addresses, sign_ins):
        mfa = SIGN_INS[sign_in]
        in_office = any(ipaddress.ip_address(address) in n for n in networks)
        allowed = in_office and (mfa == "true" or action.lower() in exempt)
        cases.append((action, "*", {"aws:SourceIp": address, "aws:MultiFactorAuthPresent": mfa},
                      allowed))
    return cases


def guard_decisions(guard, cases) -> list[dict]:
    """One row per case: what the simulator decides for ``guard`` next to full access, and what
    the exercise expects. For try-it cells: ``pd.DataFrame(check.guard_decisions(guard, cases))``."""
    named = {**ADMIN_ACCESS, "guard": document(guard, "The guard policy")}
    rows = []
    for action, resource, context, allowed in cases:
        present = {k: v for k, v in context.items() if v is not None}
        verdict = sim.evaluate(sim.Request(action, resource, None, present), identity=named)
        sign_in = next(k for k, v in SIGN_INS.items() if v == context.get("aws:MultiFactorAuthPresent"))
        rows.append({"action": action, "from": context.get("aws:SourceIp"), "sign-in": sign_in,
                     "expected": "allowed" if allowed else "denied", "decision": verdict.decision.value,
                     "why": "; ".join(verdict.trail)})
    return rows


def guard_behaves(guard, cases) -> None:
    """``guard`` next to full access decides every case as expected, and alone allows nothing."""
    guard = document(guard, "The guard policy your function returned")
    decides(guard, cases, who="The guard next to AdministratorAccess", alongside=ADMIN_ACCESS,
            hints=GUARD_HINTS)
    decides(guard, [(a, r, c, False) for a, r, c, _ in cases], who="The guard on its own",
            hints={"open": "A guard only denies: remove its Allow statements ({trail}).", "tight": ""})


# -- learners' evaluators and reviews against the reference ------------------------------------

EVALUATOR_HINT = ("Work through this request by hand: which statements apply (Action or "
                  "NotAction, Resource or NotResource, wildcards, case), then deny before allow.")


def reference_decide(policies, request) -> str:
    """The simulator's answer, as ``decide`` must give it: allowed, explicitDeny, implicitDeny."""
    return sim.evaluate(sim.Request(request["action"], request["resource"]),
                        identity=list(policies)).decision.value


def requests(actions, resources) -> list[dict]:
    """Every ``{"action", "resource"}`` pair of the given actions and resources."""
    return [{"action": a, "resource": r} for a, r in product(actions, resources)]


def _describe_decide(case) -> str:
    policies, request = case
    return (f"{request['action']} on {request['resource']} "
            f"(policies: {json.dumps(list(policies))[:300]})")


def decide_agrees(decide, policies, request_list) -> None:
    """A learner's ``decide(policies, request)`` answers like the simulator on every request."""
    agrees_with_reference(decide, reference_decide,
                          [(list(policies), request) for request in request_list],
                          name="decide", describe=_describe_decide, hint=EVALUATOR_HINT)


REVIEW_NOT_A_TABLE = Message(
    "The value review_account returned", "a pandas DataFrame with columns 'identity' and 'policy'",
    "{found}", "Build the rows as dicts and return pd.DataFrame(rows, columns=['identity', 'policy', ...]).")
REVIEW_RAISED = Message(
    "review_account(session) on a seeded account", "a DataFrame of findings", "raised {error}",
    "Read get_account_authorization_details(): a statement may be one dict instead of a list, "
    "Action and Resource may be one string instead of a list.")
REVIEW_MISSED = Message(
    "Over-broad grants found by review_account ({found_count} of {total})",
    "{identity} holding policy {policy!r}", "not in your table",
    "Its statement {statement} allows {grants} on every resource. {hint}")
REVIEW_MISSED_HINTS = {
    "NotAction": "An Allow with NotAction grants every action but the ones listed.",
    "managed": "The policy is attached (AttachedManagedPolicies): read its default version "
               "from the Policies list of the same response.",
    "case": "Service prefixes are case-insensitive: compare in lower case.",
    "other": "Look at every user, group and role, inline and attached policies alike.",
}
REVIEW_EXTRA = Message(
    "Rows of review_account's table", "only identities holding an over-broad statement",
    "{identity} with policy {policy!r}",
    "None of that policy's statements in force allows a whole service on every resource: a "
    "Deny grants nothing, only a managed policy's default version counts, and a scoped "
    "Resource is not every resource.")


def review_agrees(review_account, session) -> None:
    """A learner's ``review_account(session)`` flags exactly the (identity, policy) pairs that
    ``grader.sim.iam_review`` finds in the account."""
    try:
        table = review_account(session)
    except Exception as error:  # noqa: BLE001 -- the learner's error is the answer shown
        raise REVIEW_RAISED.fail(error=f"{type(error).__name__}: {error}") from None
    columns = getattr(table, "columns", None)
    if columns is None or not {"identity", "policy"} <= set(columns):
        found = (f"a DataFrame with columns {list(columns)}" if columns is not None
                 else f"{table!r} (a {type(table).__name__})")
        raise REVIEW_NOT_A_TABLE.fail(found=found)
    got = set(zip(table["identity"], table["policy"], strict=True))
    findings = review(authorization_details(session))
    expected = {(f.identity, f.policy) for f in findings}
    for finding in findings:
        if (finding.identity, finding.policy) not in got:
            kind = ("NotAction" if finding.grants == "NotAction" else
                    "case" if finding.grants != finding.grants.lower() else
                    "managed" if _is_managed(session, finding) else "other")
            raise REVIEW_MISSED.fail(found_count=len(got & expected), total=len(expected),
                                     identity=finding.identity, policy=finding.policy,
                                     statement=finding.statement, grants=finding.grants,
                                     hint=REVIEW_MISSED_HINTS[kind])
    for identity, policy in sorted(got - expected, key=str):
        raise REVIEW_EXTRA.fail(identity=identity, policy=policy)


def _is_managed(session, finding) -> bool:
    iam, (kind, name) = session.client("iam"), finding.identity.split(":")[-1].split("/", 1)
    key = {"user": "UserName", "group": "GroupName", "role": "RoleName"}[kind]
    attached = getattr(iam, f"list_attached_{kind}_policies")(**{key: name})["AttachedPolicies"]
    return any(p["PolicyName"] == finding.policy for p in attached)


__all__ = [
    "ADMIN_ACCESS", "SIGN_INS", "calls_behave", "customer_managed_on_group",
    "decide_agrees", "decides", "document", "group_decides", "guard_behaves", "guard_cases",
    "guard_decisions",
    "role_calls_behave", "session_calls_behave",
    "reference_decide", "requests", "review_agrees",
]
