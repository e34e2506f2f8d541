"""Reference ECS behaviour moto stores but never acts on: rolling-update limits, the deployment
circuit breaker's failure threshold, Fargate task sizes, and a security review of task
definitions and services.

moto keeps a service's deployment configuration (with ``grader.state.ecs`` installed) and every
field of a task definition, but starts no task, never rolls a deployment forward or back, and
accepts any cpu/memory pair. So the course computes those answers here, from plain dicts in the
shapes ``describe_task_definition`` and ``describe_services`` return. Pure: no boto3, no moto.

Facts (Amazon ECS Developer Guide and API Reference, as of 2026-11, see ``SOURCES``):

- Rolling update (``ECS`` controller): at least ``minimumHealthyPercent`` of the desired count,
  **rounded up**, stays RUNNING; at most ``maximumPercent``, **rounded down**, is RUNNING or
  PENDING. Defaults for a replica service: 100 and 200.
- Circuit breaker threshold (default ``BOUNDED_PERCENT`` 50): half the desired count, held between
  3 and 200. AWS does not say how an odd count rounds; the course rounds up.
- Fargate task sizes: the table below (Linux; Windows starts at 1 vCPU).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from grader.sim import fargate

AS_OF = "2026-11"
REGION = "us-east-1"
SOURCES = {
    "rolling": "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html",
    "circuit_breaker": "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ThresholdConfiguration.html",
    "fargate_sizes": "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html",
    "launch_types": "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/capacity-launch-type-comparison.html",
    "execution_role": "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html",
    "secrets": "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html",
}

DEFAULT_MINIMUM_HEALTHY_PERCENT = 100
DEFAULT_MAXIMUM_PERCENT = 200
THRESHOLD_BOUNDS = (3, 200)

def fargate_size_valid(cpu, memory) -> bool:
    """True if task-level ``cpu`` and ``memory`` (ints or the strings ECS stores) are a Linux
    Fargate size (the table lives in ``grader.sim.fargate``, topic 25)."""
    try:
        return fargate.valid_size(cpu, memory)
    except (TypeError, ValueError):
        return False


def fargate_sizes_table() -> list[dict]:
    """Rows for a DataFrame: one per cpu value, with its valid memory values."""
    return fargate.size_rows()


# -- deployments ------------------------------------------------------------------------------


def failure_threshold(desired_count: int, threshold_type: str = "BOUNDED_PERCENT", value: int = 50) -> int:
    """Failed tasks after which the circuit breaker fails a deployment."""
    if threshold_type == "COUNT":
        return value
    raw = math.ceil(desired_count * value / 100)
    if threshold_type == "UNBOUNDED_PERCENT":
        return raw
    low, high = THRESHOLD_BOUNDS
    return min(max(raw, low), high)


def rolling_limits(
    desired_count: int,
    minimum_healthy_percent: int = DEFAULT_MINIMUM_HEALTHY_PERCENT,
    maximum_percent: int = DEFAULT_MAXIMUM_PERCENT,
) -> dict:
    """What a rolling update of a service with ``desired_count`` tasks may do.

    ``min_running``: tasks that must stay RUNNING (rounded up); ``max_running``: tasks that may be
    RUNNING or PENDING (rounded down); ``progresses``: the scheduler can start a new task before
    stopping an old one, or stop an old one first; if neither, the deployment cannot move.
    ``failure_threshold``: the circuit breaker's default threshold.
    """
    min_running = math.ceil(desired_count * minimum_healthy_percent / 100)
    max_running = math.floor(desired_count * maximum_percent / 100)
    return {
        "min_running": min_running,
        "max_running": max_running,
        "progresses": max_running > desired_count or min_running < desired_count,
        "failure_threshold": failure_threshold(desired_count),
    }


# -- security review --------------------------------------------------------------------------

ROOT_USERS = ("", "root", "0")


def runs_as_root(user) -> bool:
    """True if a container's ``user`` ("name", "uid", "uid:gid", "name:group" or unset) is root."""
    return str(user or "").split(":")[0] in ROOT_USERS


def task_definition_findings(task_definition: Mapping, secret_values: Mapping | None = None) -> list[str]:
    """Problems in a task definition (``describe_task_definition()['taskDefinition']``), in a
    stable order; [] when it passes. ``secret_values`` maps secret ARNs to their values, to spot
    a secret copied into plain text."""
    findings = []
    plain_values = set((secret_values or {}).values()) - {""}
    for container in task_definition.get("containerDefinitions", []):
        name = container.get("name", "?")
        environment = {e.get("name"): e.get("value") for e in container.get("environment", [])}
        leaked = sorted(k for k, v in environment.items() if v in plain_values)
        if leaked:
            findings.append(f"{name}: secret value in plain environment variable {', '.join(leaked)}")
        if container.get("privileged"):
            findings.append(f"{name}: privileged container")
        if runs_as_root(container.get("user")):
            findings.append(f"{name}: runs as root")
        if not container.get("readonlyRootFilesystem"):
            findings.append(f"{name}: writable root file system")
        if (container.get("logConfiguration") or {}).get("logDriver") is None:
            findings.append(f"{name}: no log configuration")
    needs_execution_role = any(
        c.get("secrets") or (c.get("logConfiguration") or {}).get("logDriver") == "awslogs"
        for c in task_definition.get("containerDefinitions", [])
    )
    if needs_execution_role and not task_definition.get("executionRoleArn"):
        findings.append("task: secrets or awslogs without an execution role")
    return findings


def service_findings(service: Mapping) -> list[str]:
    """Problems in a service (``describe_services()['services'][i]``); [] when it passes."""
    findings = []
    awsvpc = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    if awsvpc.get("assignPublicIp") == "ENABLED":
        findings.append("service: tasks get public IP addresses")
    breaker = (service.get("deploymentConfiguration") or {}).get("deploymentCircuitBreaker") or {}
    if not (breaker.get("enable") and breaker.get("rollback")):
        findings.append("service: no circuit breaker with rollback")
    return findings
