"""Read a CodeDeploy deployment group into a plain dict for topic 18's checks.

moto 5.2.5 stores everything ``create_deployment_group`` is given, but its response for
``get_deployment_group`` drops two parts: ``alarmConfiguration`` is always ``{}`` and each Auto
Scaling group comes back as ``{}`` without its name. So this adapter takes the API's answer and
fills those two fields in from moto's model, as AWS would return them.
"""

from __future__ import annotations

from botocore.exceptions import ClientError
from moto.codedeploy.models import codedeploy_backends

from grader.sandbox import REGION

ACCOUNT_ID = "123456789012"  # moto's default account


def read_deployment_group(session, application: str, group: str) -> dict | None:
    """``get_deployment_group``'s ``deploymentGroupInfo`` with ``alarmConfiguration`` and
    ``autoScalingGroups`` (``[{"name": ...}]``) as stored; None when the group does not exist."""
    try:
        info = session.client("codedeploy").get_deployment_group(
            applicationName=application, deploymentGroupName=group
        )["deploymentGroupInfo"]
    except ClientError as error:
        if error.response["Error"]["Code"] in (
            "ApplicationDoesNotExistException",
            "DeploymentGroupDoesNotExistException",
        ):
            return None
        raise
    stored = codedeploy_backends[ACCOUNT_ID][REGION].deployment_groups[application][group]
    alarms = stored.alarm_configuration or {}
    info["alarmConfiguration"] = {
        "enabled": bool(alarms.get("enabled")),
        "alarms": [dict(a) for a in alarms.get("alarms") or []],
        "ignorePollAlarmFailure": bool(alarms.get("ignorePollAlarmFailure")),
    }
    info["autoScalingGroups"] = [{"name": name} for name in stored.auto_scaling_groups]
    return info
