"""Checks on roles and instance profiles: who may assume a role (its trust policy, judged by
``grader.sim.iam``), whether its permission policies hold an over-broad grant, and whether an
instance profile holds the role it should.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from grader.checks.base import Message, require_dict
from grader.errors import PolicyError
from grader.sim import iam as sim
from grader.sim.iam_review import broad_grant
from grader.state.iam import instance_profile, role_policies

from .policies import decides

# -- the function's return value and the profile -----------------------------------------------

NOT_AN_ARN = Message(
    "The {key!r} your function returned", "the ARN of the {kind}, like {example!r}",
    "{value!r} (a {type})", "Return the ARN from the create call's response: {path}.")
_KINDS = {"role_arn": ("role", "arn:aws:iam::123456789012:role/web-app",
                       "create_role(...)['Role']['Arn']"),
          "instance_profile_arn": ("instance profile",
                                   "arn:aws:iam::123456789012:instance-profile/web-app",
                                   "create_instance_profile(...)['InstanceProfile']['Arn']")}
PROFILE_MISSING = Message(
    "Instance profile {profile} exists", "an instance profile with that ARN", "none ({code})",
    "Create it with iam.create_instance_profile and return the ARN from its response.")
PROFILE_ROLE = Message(
    "Instance profile {profile} holds role {role}", "{role}", "{found}", "{hint}")
PROFILE_ROLE_HINTS = {
    "empty": "A new profile is an empty container: put the role in with "
             "iam.add_role_to_instance_profile(InstanceProfileName=..., RoleName=...).",
    "other": "A profile holds exactly one role: remove_role_from_instance_profile, then add the "
             "right one (or make a new profile).",
}


def role_and_profile(value) -> tuple[str, str]:
    """``(role_arn, instance_profile_arn)`` from a learner's returned dict, or a message."""
    value = require_dict(value, "The value your function returned",
                         "{'role_arn': 'arn:aws:iam::...:role/...', "
                         "'instance_profile_arn': 'arn:aws:iam::...:instance-profile/...'}")
    found = []
    for key, (kind, example, path) in _KINDS.items():
        arn = value.get(key)
        marker = ":role/" if kind == "role" else ":instance-profile/"
        if not isinstance(arn, str) or not arn.startswith("arn:") or marker not in arn:
            raise NOT_AN_ARN.fail(key=key, kind=kind, example=example, value=arn,
                                  type=type(arn).__name__, path=path)
        found.append(arn)
    return found[0], found[1]


def instance_profile_holds(session, profile_arn: str, role_arn: str) -> None:
    """The instance profile exists and holds exactly the role ``role_arn``."""
    try:
        roles = instance_profile(session, profile_arn)["Roles"]
    except ClientError as error:
        raise PROFILE_MISSING.fail(profile=profile_arn, code=error.response["Error"]["Code"]) from None
    if [r["Arn"] for r in roles] != [role_arn]:
        kind = "empty" if not roles else "other"
        raise PROFILE_ROLE.fail(profile=profile_arn, role=role_arn, hint=PROFILE_ROLE_HINTS[kind],
                                found=", ".join(r["Arn"] for r in roles) or "no role")


# -- who may assume the role ----------------------------------------------------------------------

#: What every IAM caller is assumed to hold: permission to assume any role of its own account,
#: so that only the role's trust policy can stop it.
ASSUME_ANY_ROLE = {"assume-any-role": {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}}

TRUST_DECIDES = Message(
    "Role {role}'s trust policy: may {caller} assume it?", "{expected}", "{found}", "{hint}")
TRUST_INVALID = Message(
    "Role {role}'s trust policy is a valid trust policy", "a policy AWS would accept", "{error}",
    "A trust policy is {{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Allow\", "
    "\"Principal\": {{...}}, \"Action\": \"sts:AssumeRole\"}}]}}.")
TRUST_HINTS = {
    "open": "The simulator says: {trail}. Name only the principal that needs the role: for an "
            "instance role, {{\"Service\": \"ec2.amazonaws.com\"}}; never \"*\" or a whole account.",
    "tight": "The simulator says: {trail}. EC2 assumes the role on the instance's behalf: allow "
             "sts:AssumeRole for the Principal {{\"Service\": \"ec2.amazonaws.com\"}}.",
}


def _caller_text(principal: str | None) -> str:
    if principal is None:
        return "an anonymous caller"
    if principal.endswith(".amazonaws.com"):
        return f"the service {principal}"
    return principal


def only_service_cases(service: str, account: str, other_account: str = "444455556666") -> list:
    """``(principal, allowed)`` cases for a role that only ``service`` may assume: that service
    yes; other services, a user, the account's root, another account, anyone anonymous, no."""
    others = [s for s in ("ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com")
              if s != service]
    return [(service, True), *[(s, False) for s in others],
            (f"arn:aws:iam::{account}:user/developer", False), (f"arn:aws:iam::{account}:root", False),
            (f"arn:aws:iam::{other_account}:role/partner", False), (None, False)]


def _trust_verdict(role: dict, principal):
    identity = ASSUME_ANY_ROLE if principal and principal.startswith("arn:") else ()
    return sim.can_assume_role(role["Arn"], role["AssumeRolePolicyDocument"], principal, identity=identity)


def trust_decisions(session, role, cases) -> list[dict]:
    """One row per ``(principal, allowed)`` case: may it assume ``role``, and why. For try-it
    cells: ``pd.DataFrame(check.trust_decisions(session, arn, check.only_service_cases(...)))``."""
    found = session.client("iam").get_role(RoleName=role.rsplit("/", 1)[-1])["Role"]
    rows = []
    for principal, allowed in cases:
        verdict = _trust_verdict(found, principal)
        rows.append({"caller": _caller_text(principal), "expected": "yes" if allowed else "no",
                     "may assume": "yes" if verdict.allowed else "no", "why": "; ".join(verdict.trail)})
    return rows


def trust_decides(session, role, cases) -> None:
    """The trust policy of ``role`` (name or ARN) lets each ``(principal, allowed)`` case
    assume it or not, as expected, by ``grader.sim.iam.can_assume_role``. Every IAM caller
    holds ``ASSUME_ANY_ROLE``, so the trust policy alone decides."""
    name = role.rsplit("/", 1)[-1]
    found = session.client("iam").get_role(RoleName=name)["Role"]
    for principal, allowed in cases:
        try:
            verdict = _trust_verdict(found, principal)
        except PolicyError as error:
            raise TRUST_INVALID.fail(role=name, error=error) from None
        if verdict.allowed != allowed:
            hint = TRUST_HINTS["open" if verdict.allowed else "tight"]
            raise TRUST_DECIDES.fail(role=name, caller=_caller_text(principal),
                                     expected="yes" if allowed else "no",
                                     found=f"{'yes' if verdict.allowed else 'no'} ({verdict.decision.value})",
                                     hint=hint.format(trail="; ".join(verdict.trail)))


# -- what the role may do -----------------------------------------------------------------------

ROLE_TOO_BROAD = Message(
    "Role {role}'s policies grant only what its application needs",
    "no statement allowing a whole service (or everything) on every resource",
    "{policy}, statement {index}: Allow {grants} on every resource",
    "This is the trap: it works, and it hands all of that to anyone who can read the "
    "instance's credentials. List the actions the application calls, on its own bucket prefix.")
ROLE_AWS_ADMIN = Message(
    "Role {role}'s policies grant only what its application needs", "no AWS-managed policy "
    "granting full access", "{policy} is attached",
    "AWS-managed full-access policies are written for everyone's resources: detach it and "
    "write a policy for the application's bucket prefix.")
#: AWS-managed policies that grant at least a whole service (this mock loads none of them).
_BROAD_MANAGED = ("AdministratorAccess", "PowerUserAccess", "IAMFullAccess")


def role_not_broad(session, role) -> None:
    """No policy of ``role`` (name or ARN) in force holds an over-broad statement
    (``grader.sim.iam_review.broad_grant``), and no AWS-managed full-access policy is attached."""
    name = role.rsplit("/", 1)[-1]
    for attached in session.client("iam").list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
        arn = attached["PolicyArn"]
        if arn.startswith("arn:aws:iam::aws:policy/") and (
                attached["PolicyName"] in _BROAD_MANAGED or attached["PolicyName"].endswith("FullAccess")):
            raise ROLE_AWS_ADMIN.fail(role=name, policy=arn)
    for policy, document in role_policies(session, name).items():
        for index, statement in enumerate(sim.statements(document)):
            grants = broad_grant(statement)
            if grants:
                raise ROLE_TOO_BROAD.fail(role=name, policy=policy, index=index, grants=grants)


def role_decides(session, role, cases) -> None:
    """The role's identity-based policies decide every ``(action, resource, context, allowed)``
    case as expected (``grader.sim.iam``), for actions too dangerous to try even in a mock."""
    name = role.rsplit("/", 1)[-1]
    decides(role_policies(session, name), cases, who=f"Role {name}'s policies")
