"""Reading ELBv2 resources for checks: ARNs validated, missing ones turned into learner messages."""

from __future__ import annotations

from botocore.exceptions import ClientError

from grader.checks.base import Message
from grader.state import elbv2 as state

NOT_AN_ARN = Message(
    "{what}", "the ARN of a {kind}, a string like 'arn:aws:elasticloadbalancing:us-east-1:"
    "123456789012:{prefix}/...'", "{value!r:.90} (a {type})", "Return {path} from the create "
    "call's response.")
MISSING = Message(
    "{Kind} {arn} exists", "a {kind} with that ARN in this mock AWS account",
    "no such {kind} ({code})", "Return the ARN your function created, from the create call's "
    "response.")
_ARN_PATHS = {"loadbalancer": "create_load_balancer(...)['LoadBalancers'][0]['LoadBalancerArn']",
              "targetgroup": "create_target_group(...)['TargetGroups'][0]['TargetGroupArn']",
              "listener": "create_listener(...)['Listeners'][0]['ListenerArn']"}


def require_arn(value, kind: str, what: str = "The value your function returned") -> str:
    """``value`` if it is an ELBv2 ARN of ``kind`` (``loadbalancer``, ``targetgroup``, ...)."""
    if state.arn_kind(value) != kind:
        raise NOT_AN_ARN.fail(what=what, kind=state.KINDS[kind], prefix=kind, path=_ARN_PATHS[kind],
                              value=value, type=type(value).__name__)
    return value


def _read(kind: str, arn: str, read):
    try:
        return read()
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if "NotFound" not in code:
            raise
        raise MISSING.fail(kind=state.KINDS[kind], Kind=state.KINDS[kind].capitalize(), arn=arn,
                           code=code) from None


def load_balancer(session, lb_arn) -> dict:
    """The load balancer ``lb_arn`` (``describe_load_balancers`` entry), checked to exist."""
    require_arn(lb_arn, "loadbalancer")
    return _read("loadbalancer", lb_arn, lambda: state.load_balancer(session, lb_arn))


def target_group(session, tg_arn) -> dict:
    require_arn(tg_arn, "targetgroup")
    return _read("targetgroup", tg_arn, lambda: state.target_group(session, tg_arn))
