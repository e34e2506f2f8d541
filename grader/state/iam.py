"""Read IAM policies from a boto3 session as plain documents for ``grader.sim.iam``.

Identity-based policies come in two kinds: inline (embedded in one user, group or role) and
managed (attached, possibly to many; only the default version is in force). The functions here
return both as ``{policy name: document}``, the shape ``grader.sim.iam.evaluate`` takes, with
inline names prefixed ``inline:`` so the two never collide.

An instance profile holds at most one role; :func:`profile_role` reads it, by profile name or ARN.
"""

from __future__ import annotations

from grader.sim.iam import load


def managed_document(iam, policy_arn: str) -> dict:
    """The document of a managed policy's default version."""
    version = iam.get_policy(PolicyArn=policy_arn)["Policy"]["DefaultVersionId"]
    return load(iam.get_policy_version(PolicyArn=policy_arn, VersionId=version)[
        "PolicyVersion"]["Document"])


def _policies(iam, kind: str, name: str) -> dict[str, dict]:
    """Inline and attached policies of one user, group or role (``kind`` as in the API)."""
    key = {"user": "UserName", "group": "GroupName", "role": "RoleName"}[kind]
    found = {}
    for page in iam.get_paginator(f"list_{kind}_policies").paginate(**{key: name}):
        for policy_name in page["PolicyNames"]:
            body = getattr(iam, f"get_{kind}_policy")(**{key: name, "PolicyName": policy_name})
            found[f"inline:{policy_name}"] = load(body["PolicyDocument"])
    for page in iam.get_paginator(f"list_attached_{kind}_policies").paginate(**{key: name}):
        for attached in page["AttachedPolicies"]:
            found[attached["PolicyName"]] = managed_document(iam, attached["PolicyArn"])
    return found


def group_policies(session, group_name: str) -> dict[str, dict]:
    """Every identity-based policy of a group (raises ``NoSuchEntity`` for an unknown group)."""
    return _policies(session.client("iam"), "group", group_name)


def role_policies(session, role_name: str) -> dict[str, dict]:
    """Every identity-based policy of a role."""
    return _policies(session.client("iam"), "role", role_name)


def role_name_of(role_arn: str) -> str:
    """The name in a role ARN: ``arn:aws:iam::1:role/service-role/app`` -> ``app``."""
    return role_arn.rsplit("/", 1)[-1]


def role_documents(session, role_name: str) -> dict:
    """A role as ``grader.sim.iam`` reads it: ``{"arn", "trust" (its trust policy), "permissions"
    ({name: document}, inline and managed), "boundary" (a document, or None when no permissions
    boundary is set), "max_session_duration" (seconds)}``."""
    iam = session.client("iam")
    role = iam.get_role(RoleName=role_name)["Role"]
    boundary = role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
    return {"arn": role["Arn"], "trust": load(role["AssumeRolePolicyDocument"]),
            "permissions": _policies(iam, "role", role_name),
            "boundary": managed_document(iam, boundary) if boundary else None,
            "max_session_duration": role.get("MaxSessionDuration", 3600)}


def user_policies(session, user_name: str) -> dict[str, dict]:
    """Every identity-based policy in force for a user: its own, then each group's."""
    iam = session.client("iam")
    found = _policies(iam, "user", user_name)
    for group in iam.list_groups_for_user(UserName=user_name)["Groups"]:
        for name, document in _policies(iam, "group", group["GroupName"]).items():
            found[f"{group['GroupName']}/{name}"] = document
    return found


def authorization_details(session) -> dict:
    """``get_account_authorization_details``, every page merged into one response."""
    merged: dict[str, list] = {}
    for page in session.client("iam").get_paginator("get_account_authorization_details").paginate():
        for key, value in page.items():
            if isinstance(value, list):
                merged.setdefault(key, []).extend(value)
    return merged


def profile_name(profile: str) -> str:
    """An instance profile's name, from its name or ARN (``...:instance-profile/path/name``)."""
    return profile.rsplit("/", 1)[-1] if profile.startswith("arn:") else profile


def instance_profile(session, profile: str) -> dict:
    """``get_instance_profile`` by name or ARN (raises ``NoSuchEntity``)."""
    return session.client("iam").get_instance_profile(
        InstanceProfileName=profile_name(profile))["InstanceProfile"]


def profile_role(session, profile: str) -> dict | None:
    """The role an instance profile holds (``RoleName``, ``Arn``, ``AssumeRolePolicyDocument``),
    None for an empty profile."""
    roles = instance_profile(session, profile)["Roles"]
    return roles[0] if roles else None
