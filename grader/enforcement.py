"""Calls made with someone else's credentials, under moto's IAM enforcement, for a block of code.

The sandbox runs moto with IAM checks off: every call is allowed. Inside :func:`enforced` moto
checks each request's signature and the caller's identity-based policies (Action and Resource;
see shared/research/moto-5.2.5.md, a). What moto's enforcement does not do, and
``grader.sim.iam`` does: conditions (``s3:prefix``, ``aws:SourceIp``, MFA), permissions
boundaries, session policies, SCPs, most resource policies.

While enforcement is on, the setup cell's ``session`` (fake keys no IAM user owns) gets
``InvalidAccessKeyId``, so do all admin work before or after the block. ``as_user`` and
``as_role`` switch enforcement back off and remove the key they made on the way out, even when
the block raises, so the rest of the notebook runs as before. ``as_instance`` gives what an
application on an EC2 instance gets from the metadata service: its instance profile's role,
in a session named after the instance, as EC2 itself assumes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import ClientError
from moto.core import enable_iam_authentication

from grader import sandbox
from grader.errors import NoInstanceCredentials
from grader.sim.iam import can_assume_role
from grader.state.ec2 import metadata_options, profile_association
from grader.state.iam import profile_role

#: Error codes that mean "IAM said no": S3 and query APIs say AccessDenied, JSON APIs
#: AccessDeniedException; EC2 says UnauthorizedOperation. moto sends some as a bare 403.
DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "403"})


def is_denied(error) -> bool:
    """Whether a botocore ``ClientError`` is an authorization failure."""
    response = getattr(error, "response", {}) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    return code in DENIED_CODES or (
        response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 403 and not code)


def attempt(session, service: str, operation: str, **params) -> str:
    """Make one call and say how it went: ``"allowed"`` or the error code (``AccessDenied``,
    ``NoSuchKey``, ...). For try-it cells: ``attempt(ana, "s3", "get_object", Bucket=..., Key=...)``."""
    try:
        getattr(session.client(service), operation)(**params)
    except ClientError as error:
        return str(error.response.get("Error", {}).get("Code") or "403")
    return "allowed"


def _require_sandbox() -> None:
    if getattr(sandbox, "_mock", None) is None:
        raise RuntimeError("Run the setup cell first: grader.sandbox.start() has not been called.")


@contextmanager
def enforced() -> Iterator[None]:
    """moto checks every request's credentials and identity-based policies inside the block."""
    _require_sandbox()
    with enable_iam_authentication():
        yield


def signed_session(credentials: dict):
    """A course session (``grader.sandbox.new_session``: course region, the shared botocore data
    loader) signed with ``credentials``: an access key (``AccessKeyId``, ``SecretAccessKey``) or
    AssumeRole's temporary credentials (plus ``SessionToken``). Its calls are checked only
    inside :func:`enforced`."""
    signed = sandbox.new_session()
    signed._session.set_credentials(credentials["AccessKeyId"], credentials["SecretAccessKey"],
                                    credentials.get("SessionToken"))
    return signed


@contextmanager
def as_user(session, user_name: str) -> Iterator:
    """A boto3 session signed with a new access key of IAM user ``user_name``, used under
    enforcement: ``with as_user(session, "ana") as ana: ana.client("s3").get_object(...)``.
    The key is created with ``session`` (the admin) and deleted on the way out."""
    _require_sandbox()
    iam = session.client("iam")
    key = iam.create_access_key(UserName=user_name)["AccessKey"]
    try:
        with enforced():
            yield signed_session(key)
    finally:
        iam.delete_access_key(UserName=user_name, AccessKeyId=key["AccessKeyId"])


@contextmanager
def as_role(session, role_arn: str, session_name: str = "grader") -> Iterator:
    """A boto3 session with the temporary credentials of ``role_arn``, used under enforcement.
    The role is assumed by the admin with enforcement still off, so its trust policy is not
    tested here (``grader.sim.iam.can_assume_role`` answers that)."""
    _require_sandbox()
    credentials = session.client("sts").assume_role(
        RoleArn=role_arn, RoleSessionName=session_name)["Credentials"]
    with enforced():
        yield signed_session(credentials)


#: The principal that assumes an instance profile's role on the instance's behalf.
EC2_SERVICE = "ec2.amazonaws.com"


def instance_role_arn(session, instance_id: str) -> str:
    """The ARN of the role whose credentials the instance's applications get from the IMDS,
    or ``NoInstanceCredentials`` saying why there are none."""
    association = profile_association(session, instance_id)
    if association is None:
        raise NoInstanceCredentials(instance_id, "it has no instance profile")
    profile = association["IamInstanceProfile"]["Arn"]
    role = profile_role(session, profile)
    if role is None:
        raise NoInstanceCredentials(instance_id, f"its instance profile {profile} holds no role")
    verdict = can_assume_role(role["Arn"], role["AssumeRolePolicyDocument"], EC2_SERVICE)
    if not verdict:
        raise NoInstanceCredentials(instance_id, f"the trust policy of {role['RoleName']} does not "
                                                 f"let {EC2_SERVICE} assume it ({'; '.join(verdict.trail)})")
    if metadata_options(session, instance_id).http_endpoint != "enabled":
        raise NoInstanceCredentials(instance_id, "its instance metadata endpoint is disabled")
    return role["Arn"]


@contextmanager
def as_instance(session, instance_id: str) -> Iterator:
    """A boto3 session with the credentials an application on ``instance_id`` gets from the
    metadata service (its profile's role, session name = the instance id), used under
    enforcement: ``with as_instance(session, "i-0abc...") as app: app.client("s3")...``."""
    with as_role(session, instance_role_arn(session, instance_id), session_name=instance_id) as app:
        yield app
