"""Read Fargate tasks from a session into plain data, and the few things a test needs that moto
does not do by itself: keep tasks RUNNING, and record the RunTask requests a learner's code
sends (moto keeps neither ``assignPublicIp`` nor the platform version on the task).

moto 5.2.5 moves a task one status further on every ``describe_tasks`` (RUNNING to STOPPED in
four reads); :func:`keep_tasks_running` holds them where ``run_task`` left them, for the rest
of the process (a notebook's kernel), until :func:`let_tasks_progress`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from moto.ecs.responses import EC2ContainerServiceResponse
from moto.moto_api import state_manager

_TASK_MODEL = "ecs::task"


def keep_tasks_running() -> None:
    """Tasks stay in the status ``run_task`` gave them (RUNNING) however often they are read."""
    state_manager.set_transition(_TASK_MODEL, {"progression": "manual", "times": 10**9})


def let_tasks_progress() -> None:
    """Undo :func:`keep_tasks_running`: moto's own progression applies again."""
    state_manager.unset_transition(_TASK_MODEL)


@contextmanager
def run_task_requests() -> Iterator[list[dict]]:
    """``with run_task_requests() as sent: ...``: afterwards ``sent`` lists the parameters of
    every RunTask request made in the block, in order, as the learner sent them."""
    sent: list[dict] = []
    original = EC2ContainerServiceResponse.run_task

    def run_task(self):
        sent.append(json.loads(self.body or "{}"))
        return original(self)

    EC2ContainerServiceResponse.run_task = run_task
    try:
        yield sent
    finally:
        EC2ContainerServiceResponse.run_task = original


def public_ip_requested(request: dict) -> bool:
    """Whether a RunTask request asked for a public IP (``assignPublicIp`` ENABLED)."""
    awsvpc = (request.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    return str(awsvpc.get("assignPublicIp", "DISABLED")).upper() == "ENABLED"


def task_view(task: dict) -> dict:
    """One ``describe_tasks`` task as the plain facts checks need: ``task_arn``, ``status``,
    ``launch_type``, ``capacity_provider``, ``subnet_id``, ``eni_id``, ``private_ip``,
    ``task_definition_arn``."""
    details = {}
    for attachment in task.get("attachments", []):
        if attachment.get("type") == "ElasticNetworkInterface":
            details = {d["name"]: d["value"] for d in attachment.get("details", [])}
    return {
        "task_arn": task["taskArn"],
        "status": task.get("lastStatus"),
        "launch_type": task.get("launchType") or None,
        "capacity_provider": task.get("capacityProviderName") or None,
        "subnet_id": details.get("subnetId"),
        "eni_id": details.get("networkInterfaceId"),
        "private_ip": details.get("privateIPv4Address"),
        "task_definition_arn": task.get("taskDefinitionArn"),
    }


def describe_tasks(session, cluster: str, task_arns) -> tuple[list[dict], list[dict]]:
    """``(views, failures)`` for ``task_arns`` in ``cluster``, in one call."""
    response = session.client("ecs").describe_tasks(cluster=cluster, tasks=list(task_arns))
    return [task_view(t) for t in response["tasks"]], response.get("failures", [])


def eni_groups(session, eni_ids) -> dict[str, list[str]]:
    """``{eni_id: [security group ids]}`` for the tasks' network interfaces, in one call."""
    ids = [i for i in dict.fromkeys(eni_ids) if i]
    if not ids:
        return {}
    interfaces = session.client("ec2").describe_network_interfaces(
        NetworkInterfaceIds=ids)["NetworkInterfaces"]
    return {i["NetworkInterfaceId"]: [g["GroupId"] for g in i.get("Groups", [])] for i in interfaces}
