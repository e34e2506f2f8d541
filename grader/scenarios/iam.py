"""Starting states for topic 01 (and the identity topics after it): a team with a shared bucket,
a user holding one customer-managed policy, roles (under a permissions boundary), a partner's
account, a small account to review, and (topic 17) roles for EC2 in instance profiles. boto3 only.
"""

from __future__ import annotations

import json

from grader.enforcement import signed_session
from grader.scenarios.snapshots import remembered

ACCOUNT_ID = "123456789012"  # moto's default account
ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def _policy(*statements, version="2012-10-17") -> dict:
    return {"Version": version, "Statement": list(statements)}


def _allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


@remembered
def team_bucket(session, bucket: str, prefix: str, group: str | None, members=("ana",), *,
                other_bucket: str | None = None) -> dict:
    """A bucket with objects under ``prefix`` and elsewhere, a second bucket holding a copy of
    one object, and (unless ``group`` is None) an IAM group whose members have no permissions.

    Returns ``{"bucket", "prefix", "group", "members", "other_bucket", "inside", "outside"}``
    where inside/outside are object keys under the prefix and not.
    """
    s3, iam = session.client("s3"), session.client("iam")
    other_bucket = other_bucket or f"{bucket}-archive"
    inside = [f"{prefix}summary.csv", f"{prefix}2026/q1.csv"]
    outside = ["secret/salaries.csv", "index.html"]
    for name in (bucket, other_bucket):
        s3.create_bucket(Bucket=name)
    for key in inside + outside:
        s3.put_object(Bucket=bucket, Key=key, Body=b"1,2,3\n")
    s3.put_object(Bucket=other_bucket, Key=inside[0], Body=b"old\n")
    if group is not None:
        iam.create_group(GroupName=group)
        for member in members:
            add_member(session, group, member)
    return {"bucket": bucket, "prefix": prefix, "group": group, "members": list(members),
            "other_bucket": other_bucket, "inside": inside, "outside": outside}


def add_member(session, group: str, user_name: str) -> None:
    """Create an IAM user with no policies of its own and put it in ``group``."""
    iam = session.client("iam")
    iam.create_user(UserName=user_name)
    iam.add_user_to_group(GroupName=group, UserName=user_name)


def user_with_policy(session, user_name: str, document, policy_name: str | None = None) -> str:
    """An IAM user holding ``document`` as its only (customer-managed) policy; returns the
    policy's ARN. The document may be a dict or JSON text."""
    iam = session.client("iam")
    iam.create_user(UserName=user_name)
    text = document if isinstance(document, str) else json.dumps(document)
    arn = iam.create_policy(PolicyName=policy_name or f"{user_name}-policy",
                            PolicyDocument=text)["Policy"]["Arn"]
    iam.attach_user_policy(UserName=user_name, PolicyArn=arn)
    return arn


# -- roles, and principals in another account --------------------------------------------------

def trust(principal, **condition) -> dict:
    """A trust policy letting ``principal`` (``{"Service": ...}``, ``{"AWS": ...}``) assume the
    role; ``condition`` becomes its Condition element (``StringEquals={...}``)."""
    statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    return _policy(statement | ({"Condition": condition} if condition else {}))


def roles(session, role_names, principal=None, *, boundary=None) -> dict[str, str]:
    """Roles with no permissions yet, trusted by ``principal`` (default: this account), each
    under the permissions boundary ``boundary`` (a document) when given. Returns ``{name: ARN}``."""
    iam = session.client("iam")
    document = json.dumps(trust(principal or {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}))
    extra = {}
    if boundary is not None:
        name = f"boundary-{len(iam.list_policies(Scope='Local')['Policies'])}"
        extra["PermissionsBoundary"] = iam.create_policy(
            PolicyName=name, PolicyDocument=json.dumps(boundary))["Policy"]["Arn"]
    return {name: iam.create_role(RoleName=name, AssumeRolePolicyDocument=document, **extra)["Role"]["Arn"]
            for name in role_names}


def role_with_policy(session, role_name: str, document, *, boundary=None) -> str:
    """A role trusted by this account holding ``document`` as an inline policy (and the
    permissions boundary ``boundary``, a document, when given); returns its ARN."""
    arn = roles(session, [role_name], boundary=boundary)[role_name]
    session.client("iam").put_role_policy(RoleName=role_name, PolicyName=f"{role_name}-permissions",
                                          PolicyDocument=json.dumps(document))
    return arn


#: A data engineer's everyday permissions, and the ceiling the platform team set on them.
ENGINEER = _policy(_allow(["s3:*", "ec2:*", "glue:*"]))
ENGINEER_BOUNDARY = _policy(_allow(["s3:*", "ec2:Describe*", "glue:*", "logs:*"]),
                            {"Effect": "Deny", "Action": ["s3:DeleteBucket", "s3:PutBucketPolicy"],
                             "Resource": "*"})


@remembered
def engineer_role(session, role_name: str = "data-engineer") -> str:
    """A role trusted by this account with broad permissions (every S3, EC2 and Glue action)
    under a permissions boundary (no EC2 changes, no bucket deletion or bucket policies): the
    role a tool assumes and then narrows for one task. Returns its ARN."""
    return role_with_policy(session, role_name, ENGINEER, boundary=ENGINEER_BOUNDARY)


@remembered
def partner_account(session, account_id: str, user_name: str = "app"):
    """Another AWS account with an IAM user allowed to call ``sts:AssumeRole`` on any role, as a
    partner (a vendor, a second account of the company) would set it up. Returns a boto3 session
    signed with that user's own access key: its calls land in ``account_id``.

    The mock lets the course's administrator become any account by assuming a role ARN there;
    that is how the partner's user is made (real AWS needs the partner's own administrator)."""
    admin = session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
        RoleSessionName="course-setup")["Credentials"]
    partner = signed_session(admin).client("iam")
    partner.create_user(UserName=user_name)
    partner.put_user_policy(UserName=user_name, PolicyName="assume-customer-roles", PolicyDocument=json.dumps(
        _policy(_allow("sts:AssumeRole"))))
    return signed_session(partner.create_access_key(UserName=user_name)["AccessKey"])


# -- an account to review ----------------------------------------------------------------------

def _managed(team: str, bucket: str, tricky: bool) -> dict[str, list]:
    """policy name -> its document versions (the last is the default)."""
    policies = {
        f"{team}-admin": [ADMIN],
        f"{team}-s3-full": [_policy(_allow(["s3:*"]))],
        f"{team}-reports-read": [_policy(_allow(["s3:GetObject"], f"arn:aws:s3:::{bucket}/reports/*"),
                                         _allow(["s3:ListBucket"], f"arn:aws:s3:::{bucket}"))],
        f"{team}-ec2-instances": [_policy(_allow(["ec2:*"], "arn:aws:ec2:*:*:instance/*"))],
    }
    if tricky:
        policies |= {
            f"{team}-legacy": [ADMIN, _policy(_allow("ec2:Describe*"))],  # v1 broad, v2 default
            f"{team}-unused-admin": [ADMIN],                                 # attached to no one
            f"{team}-guardrail": [_policy({"Effect": "Deny", "Action": "*", "Resource": "*",
                                           "Condition": {"Bool": {"aws:SecureTransport": "false"}}})],
        }
    return policies


def _identities(team: str, bucket: str, tricky: bool) -> list[tuple[str, str, dict, list]]:
    """(kind, name, {inline name: document}, [managed policy names])."""
    found = [
        ("group", f"{team}-ops", {}, [f"{team}-admin"]),
        ("group", f"{team}-analysts", {"athena": _policy(_allow(["athena:StartQueryExecution"]))},
         [f"{team}-reports-read"]),
        ("user", f"{team}-etl", {}, [f"{team}-s3-full"]),
        ("user", f"{team}-dev", {"debug": _policy(_allow(["logs:*", "cloudwatch:GetMetricData"]))}, []),
        ("role", f"{team}-break-glass", {}, [f"{team}-admin"]),
        ("role", f"{team}-web", {}, [f"{team}-ec2-instances"]),
    ]
    if tricky:
        found += [
            ("user", f"{team}-intern", {}, [f"{team}-legacy"]),
            ("user", f"{team}-auditor", {"audit": {"Version": "2012-10-17", "Statement": {
                "Effect": "Allow", "Action": "S3:*", "Resource": [f"arn:aws:s3:::{bucket}", "*"]}}},
             [f"{team}-guardrail"]),
            ("role", f"{team}-ci", {"deploy": _policy({"Effect": "Allow", "NotAction": "iam:*",
                                                       "Resource": "*"})}, []),
            ("role", f"{team}-orders", {"table": {"Version": "2012-10-17", "Statement": _allow(
                "dynamodb:*", f"arn:aws:dynamodb:us-east-1:{ACCOUNT_ID}:table/orders")}}, []),
            ("user", f"{team}-ops-eu", {"regional": _policy(_allow("ec2:*", "*", Condition={
                "StringEquals": {"aws:RequestedRegion": "eu-west-1"}}))}, []),
            ("group", f"{team}-readers", {"deny-delete": _policy({
                "Effect": "Deny", "Action": "s3:*", "Resource": "*"})}, [f"{team}-guardrail"]),
        ]
    return found


#: The trust policy of a role for EC2 instances: only the EC2 service may assume it.
EC2_TRUST = trust({"Service": "ec2.amazonaws.com"})


@remembered
def seeded_account(session, team: str = "acme", *, tricky: bool = False,
                   bucket: str = "acme-data") -> dict:
    """A small account to review: groups, users and roles with inline and customer-managed
    policies, some granting a whole service (or everything) on every resource. ``tricky`` adds
    the shapes a quick scan gets wrong: a single statement written as a dict, an upper-case
    ``S3:*``, ``NotAction``, a broad policy version that is no longer the default, a broad
    policy attached to no one, denies and a condition. Returns ``{name: ARN}`` of identities."""
    iam = session.client("iam")
    arns = {}
    for name, versions in _managed(team, bucket, tricky).items():
        arn = iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(versions[0]))["Policy"]["Arn"]
        for later in versions[1:]:
            iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(later), SetAsDefault=True)
        arns[name] = arn
    for kind, name, inline, managed in _identities(team, bucket, tricky):
        key = {"user": "UserName", "group": "GroupName", "role": "RoleName"}[kind]
        extra = {"AssumeRolePolicyDocument": json.dumps(EC2_TRUST)} if kind == "role" else {}
        created = getattr(iam, f"create_{kind}")(**{key: name}, **extra)
        for policy_name, document in inline.items():
            getattr(iam, f"put_{kind}_policy")(**{key: name, "PolicyName": policy_name,
                                                  "PolicyDocument": json.dumps(document)})
        for policy_name in managed:
            getattr(iam, f"attach_{kind}_policy")(**{key: name, "PolicyArn": arns[policy_name]})
        arns[name] = created[kind.capitalize()]["Arn"]
    return arns


# -- roles for EC2 instances -------------------------------------------------------------------

def objects_policy(bucket: str, prefix: str, actions=("s3:GetObject",)) -> dict:
    """A policy allowing ``actions`` on the objects of ``bucket`` whose keys start with ``prefix``."""
    return _policy(_allow(list(actions), f"arn:aws:s3:::{bucket}/{prefix}*"))


def instance_role(session, name: str, document, *, profile_name: str | None = None,
                  trust_policy=EC2_TRUST) -> dict:
    """A role named ``name`` with ``trust_policy`` (default: only EC2 may assume it) holding
    ``document`` as an inline policy, and an instance profile (``profile_name``, default
    ``{name}-profile``) holding the role. Returns ``{"role_name", "role_arn", "profile_name",
    "profile_arn"}``."""
    iam = session.client("iam")
    role_arn = iam.create_role(RoleName=name,
                               AssumeRolePolicyDocument=json.dumps(trust_policy))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName=f"{name}-access", PolicyDocument=json.dumps(document))
    profile_name = profile_name or f"{name}-profile"
    profile_arn = iam.create_instance_profile(InstanceProfileName=profile_name)["InstanceProfile"]["Arn"]
    iam.add_role_to_instance_profile(InstanceProfileName=profile_name, RoleName=name)
    return {"role_name": name, "role_arn": role_arn, "profile_name": profile_name, "profile_arn": profile_arn}
