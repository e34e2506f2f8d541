"""Learner-facing checks on roles for EC2 and their instance profiles: the role only the EC2
service may assume (its trust policy, judged by ``grader.sim.iam``), no over-broad grant in its
permission policies, the profile holding exactly that role, and calls made with the credentials
an instance's applications get (``grader.enforcement.as_instance``, moto's enforcement).

The role checks of ``grader.checks.iam`` and ``grader.checks.iam_roles`` that topic 17 uses are
re-exported, so notebooks need one name: ``from grader.checks import iam_profiles as check``.
Each check returns None when the requirement holds and raises ``CheckFailed`` otherwise.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from grader.checks.base import Message, require_dict
from grader.checks.iam import _judge_calls, _outcomes, role_calls_behave
from grader.checks.iam_roles import STRANGER_ACCOUNT, role_decides
from grader.enforcement import as_instance
from grader.errors import NoInstanceCredentials, PolicyError
from grader.sim import iam as sim
from grader.sim.iam_review import broad_grant
from grader.sim.sts import account_principals, trust_decisions
from grader.state.iam import instance_profile, role_documents, role_name_of

# -- the function's return value and the profile -----------------------------------------------

NOT_AN_ARN = Message(
    "The {key!r} your function returned", "the ARN of the {kind}, like {example!r}",
    "{value!r} (a {type})", "Return the ARN from the create call's response: {path}.")
_KINDS = {"role_arn": ("role", ":role/", "arn:aws:iam::123456789012:role/web-app",
                       "create_role(...)['Role']['Arn']"),
          "instance_profile_arn": ("instance profile", ":instance-profile/",
                                   "arn:aws:iam::123456789012:instance-profile/web-app",
                                   "create_instance_profile(...)['InstanceProfile']['Arn']")}
PROFILE_MISSING = Message(
    "Instance profile {profile} exists", "an instance profile with that ARN", "none ({code})",
    "Create it with iam.create_instance_profile and return the ARN from its response.")
PROFILE_ROLE = Message("Instance profile {profile} holds role {role}", "{role}", "{found}", "{hint}")
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
    for key, (kind, marker, example, path) in _KINDS.items():
        arn = value.get(key)
        if not isinstance(arn, str) or not arn.startswith("arn:") or marker not in arn:
            raise NOT_AN_ARN.fail(key=key, kind=kind, example=example, value=arn,
                                  type=type(arn).__name__, path=path)
        found.append(arn)
    return found[0], found[1]


def instance_profile_holds(session, profile_arn: str, role_arn: str) -> None:
    """The instance profile exists and holds exactly the role ``role_arn``."""
    try:
        held = instance_profile(session, profile_arn)["Roles"]
    except ClientError as error:
        raise PROFILE_MISSING.fail(profile=profile_arn, code=error.response["Error"]["Code"]) from None
    if [r["Arn"] for r in held] != [role_arn]:
        raise PROFILE_ROLE.fail(profile=profile_arn, role=role_arn,
                                hint=PROFILE_ROLE_HINTS["other" if held else "empty"],
                                found=", ".join(r["Arn"] for r in held) or "no role")


# -- who may assume the role: one AWS service only ------------------------------------------------

SERVICES = ("ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com")
TRUST_DECIDES = Message(
    "Role {role}'s trust policy: may {caller} assume it?", "{expected}", "{found}", "{hint}")
TRUST_INVALID = Message(
    "Role {role}'s trust policy is valid", "a trust policy AWS would accept", "{error}",
    "A trust policy has Version 2012-10-17 and statements with Effect, Principal, Action "
    "(sts:AssumeRole) and an optional Condition, but no Resource.")
TRUST_HINTS = {
    "open": "The simulator says: {why}. Name only the service that needs the role: "
            "{{\"Service\": \"{service}\"}}; never \"*\", an account or a user.",
    "tight": "The simulator says: {why}. {service} assumes the role on the instance's behalf: "
             "allow sts:AssumeRole for the Principal {{\"Service\": \"{service}\"}}.",
}


def _service_rows(session, role, service: str, others=None) -> list[tuple[dict, bool]]:
    """(row of ``grader.sim.sts.trust_decisions``, expected allowed) for the service itself,
    other services, callers of the role's own account and of a stranger's, anyone anonymous,
    and ``others`` ({label: principal}); every caller may call AssumeRole on any role."""
    documents = role_documents(session, role_name_of(role))
    own = documents["arn"].split(":")[4]
    callers = {f"the service {s}": s for s in dict.fromkeys((service, *SERVICES))}
    callers |= account_principals(own, user="developer", role="ops")
    callers |= account_principals(STRANGER_ACCOUNT, user="mallory", role="intruder")
    callers |= {"anyone, anonymously": None, **(others or {})}
    try:
        rows = trust_decisions(documents["trust"], documents["arn"], callers, {"none": None})
    except PolicyError as error:
        raise TRUST_INVALID.fail(role=role_name_of(role), error=error) from None
    return [(row, row["principal"] == service) for row in rows]


def service_trust(session, role, service: str = "ec2.amazonaws.com", *, others=None) -> None:
    """Only ``service`` may assume ``role`` (name or ARN), judged by ``grader.sim.iam``:
    not other services, not the role's own account (root, a user, a role session), not another
    account, not an anonymous caller, nor any of ``others`` ({label: principal ARN})."""
    for row, expected in _service_rows(session, role, service, others):
        if expected != (row["decision"] == sim.Decision.ALLOWED.value):
            hint = TRUST_HINTS["tight" if expected else "open"]
            raise TRUST_DECIDES.fail(role=role_name_of(role), caller=row["caller"],
                                     expected="yes" if expected else "no",
                                     found=f"{'yes' if row['decision'] == 'allowed' else 'no'} "
                                           f"({row['decision']})",
                                     hint=hint.format(why=row["why"], service=service))


def service_trust_table(session, role, service: str = "ec2.amazonaws.com") -> list[dict]:
    """The callers ``service_trust`` tries, one row each, for try-it cells:
    ``pd.DataFrame(check.service_trust_table(session, role_arn))``."""
    return [{"caller": row["caller"], "expected": "yes" if expected else "no",
             "may assume": "yes" if row["decision"] == "allowed" else "no", "why": row["why"]}
            for row, expected in _service_rows(session, role, service)]


# -- what the role may do -----------------------------------------------------------------------

ROLE_TOO_BROAD = Message(
    "Role {role}'s policies grant only what its application needs",
    "no statement allowing a whole service (or everything) on every resource",
    "{policy}, statement {index}: Allow {grants} on every resource",
    "This is the trap: it works, and it hands all of that to anyone who can read the "
    "instance's credentials. List the actions the application calls, on its own bucket prefix.")
ROLE_AWS_MANAGED = Message(
    "Role {role}'s policies grant only what its application needs",
    "no AWS-managed policy granting full access", "{policy} is attached",
    "AWS-managed full-access policies are written for everyone's resources: detach it and "
    "write a policy for the application's bucket prefix.")
#: AWS-managed policies granting at least a whole service (this mock loads none of them).
_BROAD_MANAGED = ("AdministratorAccess", "PowerUserAccess", "IAMFullAccess")


def role_not_broad(session, role) -> None:
    """No policy in force for ``role`` (name or ARN) holds an over-broad statement
    (``grader.sim.iam_review.broad_grant``), and no AWS-managed full-access policy is attached."""
    name = role_name_of(role)
    for attached in session.client("iam").list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
        policy = attached["PolicyName"]
        if attached["PolicyArn"].startswith("arn:aws:iam::aws:policy/") and (
                policy in _BROAD_MANAGED or policy.endswith("FullAccess")):
            raise ROLE_AWS_MANAGED.fail(role=name, policy=attached["PolicyArn"])
    for policy, document in role_documents(session, name)["permissions"].items():
        for index, statement in enumerate(sim.statements(document)):
            grants = broad_grant(statement)
            if grants:
                raise ROLE_TOO_BROAD.fail(role=name, policy=policy, index=index, grants=grants)


# -- calls with an instance's credentials (moto enforces Action and Resource) --------------------

NO_CREDENTIALS = Message(
    "Applications on instance {instance_id} get role credentials from its metadata service",
    "the credentials of its instance profile's role", "none: {reason}",
    "An instance needs a live association with a profile that holds a role EC2 may assume "
    "(Principal {{\"Service\": \"ec2.amazonaws.com\"}}), and its metadata endpoint enabled.")


def instance_calls_behave(session, instance_id: str, calls) -> None:
    """``grader.checks.iam.calls_behave`` for an instance: each call made with the credentials
    an application on ``instance_id`` gets from its metadata service, under moto's enforcement."""
    try:
        with as_instance(session, instance_id) as app:
            outcomes = _outcomes(app, calls)
    except NoInstanceCredentials as error:
        raise NO_CREDENTIALS.fail(instance_id=instance_id, reason=error.reason) from None
    _judge_calls(outcomes, f"An application on {instance_id}", "with the instance's role credentials")


__all__ = [
    "instance_calls_behave", "instance_profile_holds", "role_and_profile", "role_calls_behave",
    "role_decides", "role_not_broad", "service_trust", "service_trust_table",
]
