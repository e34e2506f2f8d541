"""Checks that make real calls under moto's IAM enforcement, with the credentials of an IAM
user (a new access key), of a role (an assumed-role session) or of an EC2 instance (its
profile's role, as the metadata service hands it out). moto checks Action and Resource.

A *call* is ``(service, operation, params, allowed)``; a call refused for another reason than
authorization (NoSuchKey, ...) got past IAM and counts as allowed.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from grader.checks.base import Message
from grader.enforcement import as_instance, as_role, as_user, is_denied
from grader.errors import NoInstanceCredentials

CALL_DENIED = Message(
    "{who} calls {call} with {credentials}", "allowed", "{code}: {message}",
    "Find the statement that should allow {action} on {resource}: check its Action and its "
    "Resource (bucket-level actions such as s3:ListBucket take the bucket ARN, object-level "
    "ones such as s3:GetObject an object ARN: bucket/key).")
CALL_ALLOWED = Message(
    "{who} calls {call} with {credentials}", "AccessDenied", "allowed",
    "The policy grants more than the task asks: narrow its Action and Resource until this call "
    "is refused (no s3:* and no Resource \"*\").")
NO_CREDENTIALS = Message(
    "Applications on instance {instance_id} get role credentials from its metadata service",
    "the credentials of its instance profile's role", "none: {reason}",
    "An instance needs a live association with a profile that holds a role EC2 may assume "
    "(Principal {{\"Service\": \"ec2.amazonaws.com\"}}), and its metadata endpoint enabled.")


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


def _judge(caller, calls, *, who: str, credentials: str) -> None:
    """Make every call with the ``caller`` session (already under enforcement), then fail on
    the first one that was not decided as expected."""
    outcomes = []
    for service, operation, params, allowed in calls:
        try:
            getattr(caller.client(service), operation)(**params)
            outcomes.append((service, operation, params, allowed, None))
        except ClientError as error:
            outcomes.append((service, operation, params, allowed, error if is_denied(error) else None))
    for service, operation, params, allowed, denial in outcomes:
        call = _call_text(service, operation, params)
        if allowed and denial is not None:
            raise CALL_DENIED.fail(who=who, call=call, credentials=credentials,
                                   code=denial.response["Error"].get("Code"),
                                   message=denial.response["Error"].get("Message", ""),
                                   action=_action(service, operation), resource=_resource(service, params))
        if not allowed and denial is None:
            raise CALL_ALLOWED.fail(who=who, call=call, credentials=credentials)


def calls_behave(session, user_name: str, calls) -> None:
    """Each call, made with a new access key of IAM user ``user_name`` under moto's
    enforcement, is allowed or refused (AccessDenied) as expected."""
    with as_user(session, user_name) as member:
        _judge(member, calls, who=user_name, credentials="their own access key")


def role_calls_behave(session, role_arn: str, calls) -> None:
    """Each call, made with temporary credentials of ``role_arn`` (an assumed-role session)
    under moto's enforcement, is allowed or refused as expected."""
    with as_role(session, role_arn) as caller:
        _judge(caller, calls, who=f"Role {role_arn.rsplit('/', 1)[-1]}",
               credentials="its temporary credentials")


def instance_calls_behave(session, instance_id: str, calls) -> None:
    """Each call, made with the credentials an application on ``instance_id`` gets from the
    metadata service, under moto's enforcement, is allowed or refused as expected."""
    try:
        with as_instance(session, instance_id) as app:
            _judge(app, calls, who=f"An application on {instance_id}",
                   credentials="the instance's role credentials")
    except NoInstanceCredentials as error:
        raise NO_CREDENTIALS.fail(instance_id=instance_id, reason=error.reason) from None
