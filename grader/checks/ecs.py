"""Learner-facing checks on ECS task definitions, services and their auto scaling (topic 23;
the task-definition and service-networking checks serve topic 25 too).

moto stores a task definition's every field and, with ``grader.state.ecs`` installed, a
service's deployment configuration; it validates almost none of it (bridge mode on Fargate,
256 CPU with 4096 MiB, a load balancer naming a container that does not exist are all accepted).
These checks hold the stored configuration to what AWS requires and to the course's security
bar, and compare learners' deployment arithmetic with ``grader.sim.ecs``. Notebooks use them as
``from grader.checks import ecs as check``; each returns None or raises ``CheckFailed``.
"""

from __future__ import annotations

import json

from grader.checks.base import Message
from grader.sim import ecs as sim
from grader.state import ecs as state

# -- task definitions (Exercise 1; topic 25) -----------------------------------------------------

NOT_A_TASK_DEFINITION = Message(
    "The value your function returned",
    "the ARN of a task definition of family {family!r}, like "
    "'arn:aws:ecs:us-east-1:123456789012:task-definition/{family}:1'",
    "{found}",
    "Return register_task_definition(...)['taskDefinition']['taskDefinitionArn'].",
)
TASK_SETTING = Message("Task definition {arn} sets {setting}", "{expected}", "{found}", "{hint}")
CONTAINER_SETTING = Message(
    "Container {container!r} of {arn} sets {setting}", "{expected}", "{found}", "{hint}"
)


def _short(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def registered_task_definition(session, value, family: str) -> dict:
    """The task definition ``value`` names (an ARN of ``family``), as boto3 describes it."""
    found = state.task_definition(session, value) if isinstance(value, str) and value else None
    if found is None or found["family"] != family:
        families = session.client("ecs").list_task_definition_families()["families"]
        what = (
            f"{value!r}: no such task definition"
            if found is None
            else f"a task definition of family {found['family']!r}"
        )
        raise NOT_A_TASK_DEFINITION.fail(
            family=family,
            found=what
            + (f" (families registered: {', '.join(families)})" if families else " (none registered)"),
        )
    return found


def _container(td: dict, name: str) -> dict:
    containers = td.get("containerDefinitions", [])
    match = next((c for c in containers if c.get("name") == name), None)
    if match is None:
        raise CONTAINER_SETTING.fail(
            container=name,
            arn=_short(td["taskDefinitionArn"]),
            setting="its name",
            expected=f"a container named {name!r}",
            found=f"containers {[c.get('name') for c in containers]}",
            hint="Name the container as the exercise says: the load balancer refers to it by name.",
        )
    return match


def task_definition_for_fargate(session, value, given: dict) -> None:
    """``value`` is a task definition of ``given["family"]`` that Fargate would accept (awsvpc,
    the ``cpu``/``memory`` given, a valid pair), with the ``execution_role_arn`` and
    ``task_role_arn`` given and one container named after the family running ``image`` on tcp
    ``port``. ``given`` is what the learner's function was called with."""
    family, cpu, memory, port = given["family"], given["cpu"], given["memory"], given["port"]
    td = registered_task_definition(session, value, family)
    arn = _short(td["taskDefinitionArn"])

    def require(setting, found, expected, hint):
        if found != expected:
            raise TASK_SETTING.fail(
                arn=arn, setting=setting, expected=repr(expected), found=repr(found), hint=hint
            )

    require(
        "requiresCompatibilities",
        td.get("requiresCompatibilities"),
        ["FARGATE"],
        "Pass requiresCompatibilities=['FARGATE']: ECS then checks the definition against Fargate's rules.",
    )
    require(
        "networkMode",
        td.get("networkMode"),
        "awsvpc",
        "Fargate supports only networkMode='awsvpc': each task gets its own network interface.",
    )
    if (str(td.get("cpu")), str(td.get("memory"))) != (str(cpu), str(memory)) or not sim.fargate_size_valid(
        td.get("cpu"), td.get("memory")
    ):
        raise TASK_SETTING.fail(
            arn=arn,
            setting="task-level cpu and memory",
            expected=f"cpu={str(cpu)!r}, memory={str(memory)!r}",
            found=f"cpu={td.get('cpu')!r}, memory={td.get('memory')!r}",
            hint="Fargate sizes the task, not the container: pass cpu and memory to "
            "register_task_definition itself, as strings.",
        )
    require(
        "executionRoleArn",
        td.get("executionRoleArn"),
        given["execution_role_arn"],
        "The execution role is what ECS uses to pull the image, write logs and read secrets: "
        "executionRoleArn=<the execution role you were given>.",
    )
    require(
        "taskRoleArn",
        td.get("taskRoleArn"),
        given["task_role_arn"],
        "The task role is what your application's own AWS calls use: taskRoleArn=<the task role>.",
    )
    container = _container(td, family)
    if container.get("image") != given["image"]:
        raise CONTAINER_SETTING.fail(
            container=family,
            arn=arn,
            setting="image",
            expected=repr(given["image"]),
            found=repr(container.get("image")),
            hint="Use the image you were given.",
        )
    ports = [(m.get("containerPort"), m.get("protocol", "tcp")) for m in container.get("portMappings", [])]
    if (port, "tcp") not in ports:
        raise CONTAINER_SETTING.fail(
            container=family,
            arn=arn,
            setting="portMappings",
            expected=f"containerPort {port} (tcp)",
            found=repr(ports or "no port mappings"),
            hint="portMappings=[{'containerPort': port, 'protocol': 'tcp'}]; in awsvpc "
            "mode there is no host port to choose.",
        )


def task_logs_to_cloudwatch(session, value, given: dict) -> None:
    """The container of ``value`` sends its output to CloudWatch Logs group ``given["log_group"]``
    in this Region with a stream prefix, through the ``awslogs`` driver."""
    family, log_group = given["family"], given["log_group"]
    td = registered_task_definition(session, value, family)
    container = _container(td, family)
    config = container.get("logConfiguration") or {}
    options = config.get("options") or {}
    found = {
        "logDriver": config.get("logDriver"),
        "awslogs-group": options.get("awslogs-group"),
        "awslogs-region": options.get("awslogs-region"),
        "awslogs-stream-prefix": options.get("awslogs-stream-prefix"),
    }
    expected = {"logDriver": "awslogs", "awslogs-group": log_group, "awslogs-region": session.region_name}
    if any(found[k] != v for k, v in expected.items()) or not found["awslogs-stream-prefix"]:
        raise CONTAINER_SETTING.fail(
            container=family,
            arn=_short(td["taskDefinitionArn"]),
            setting="logConfiguration",
            expected=f"{expected} and a non-empty awslogs-stream-prefix",
            found=repr(found),
            hint="logConfiguration={'logDriver': 'awslogs', 'options': {'awslogs-group': ..., "
            "'awslogs-region': ..., 'awslogs-stream-prefix': ...}}.",
        )


SECRET_IN_PLAIN_TEXT = Message(
    "Task definition {arn} keeps secret {name} out of plain text",
    "{name} in the container's `secrets`, pointing at its Secrets Manager ARN; its value nowhere in "
    "the task definition",
    "{found}",
    "Anyone with ecs:DescribeTaskDefinition (and every console user) can read `environment`. Use "
    "secrets=[{{'name': {name!r}, 'valueFrom': <secret ARN>}}]: ECS fetches the value when the task starts.",
)


def task_secrets_from_secrets_manager(session, value, given: dict) -> None:
    """Every ``{env name: secret ARN}`` of ``given["secrets"]`` reaches the container through
    ``secrets``/``valueFrom``, never as a plain environment variable, and no secret's value
    appears anywhere in the task definition (the trap: reading the secret and pasting it in)."""
    family, secrets = given["family"], given["secrets"]
    td = registered_task_definition(session, value, family)
    container, arn = _container(td, family), _short(td["taskDefinitionArn"])
    sm = session.client("secretsmanager")
    text = json.dumps(td, default=str)
    environment = {e.get("name") for e in container.get("environment", [])}
    references = {s.get("name"): s.get("valueFrom", "") for s in container.get("secrets", [])}
    for name, secret_arn in secrets.items():
        secret_value = sm.get_secret_value(SecretId=secret_arn)["SecretString"]
        if secret_value in text:
            raise SECRET_IN_PLAIN_TEXT.fail(
                arn=arn, name=name, found="the secret's value, in plain text in the task definition"
            )
        if name in environment:
            raise SECRET_IN_PLAIN_TEXT.fail(arn=arn, name=name, found=f"{name} in `environment`")
        if not references.get(name, "").startswith(secret_arn):
            raise SECRET_IN_PLAIN_TEXT.fail(arn=arn, name=name, found=f"secrets: {references or 'none'}")


NOT_HARDENED = Message("Container {container!r} of {arn}: {what}", "{expected}", "{found}", "{hint}")


def task_hardened(session, value, given: dict) -> None:
    """The container of ``value`` runs as a non-root user, on a read-only root file system, unprivileged."""
    family = given["family"]
    td = registered_task_definition(session, value, family)
    container, arn = _container(td, family), _short(td["taskDefinitionArn"])
    if sim.runs_as_root(container.get("user")):
        raise NOT_HARDENED.fail(
            container=family,
            arn=arn,
            what="runs as a non-root user",
            expected="user set to a non-root uid or name, e.g. '1000' or '1000:1000'",
            found=f"user={container.get('user')!r} (root)",
            hint="Without `user` the container runs as whatever the image says, usually "
            "root: pass user='1000:1000'.",
        )
    if container.get("readonlyRootFilesystem") is not True:
        raise NOT_HARDENED.fail(
            container=family,
            arn=arn,
            what="has a read-only root file system",
            expected="readonlyRootFilesystem=True",
            found=f"readonlyRootFilesystem={container.get('readonlyRootFilesystem')!r}",
            hint="An attacker in a read-only container cannot drop tools onto its disk; "
            "mount a volume for the few paths the app must write.",
        )
    if container.get("privileged"):
        raise NOT_HARDENED.fail(
            container=family,
            arn=arn,
            what="is not privileged",
            expected="privileged unset",
            found="privileged=True",
            hint="Remove privileged: Fargate refuses it anyway.",
        )


# -- services (Exercise 2; topic 25) ----------------------------------------------------------------

NOT_A_SERVICE = Message(
    "The value your function returned",
    "the ARN of ECS service {name!r} in cluster {cluster!r}",
    "{found}",
    "Return create_service(...)['service']['serviceArn'].",
)
SERVICE_SETTING = Message("Service {name} sets {setting}", "{expected}", "{found}", "{hint}")


def active_service(session, cluster: str, name: str, value=None) -> dict:
    """Service ``name`` of ``cluster``, ACTIVE; if ``value`` is given it must be its ARN."""
    found = state.service(session, cluster, name)
    if found is None or (value is not None and value != found["serviceArn"]):
        services = (
            session.client("ecs").list_services(cluster=cluster)["serviceArns"]
            if cluster in _clusters(session)
            else []
        )
        raise NOT_A_SERVICE.fail(
            name=name,
            cluster=cluster,
            found=(
                f"{value!r}; services in the cluster: {[s.rsplit('/', 1)[-1] for s in services] or 'none'}"
            ),
        )
    return found


def _clusters(session) -> list[str]:
    return [a.rsplit("/", 1)[-1] for a in session.client("ecs").list_clusters()["clusterArns"]]


def service_on_fargate(session, value, given: dict) -> None:
    """``value`` is the ARN of service ``given["name"]`` of ``given["cluster"]``, running
    ``desired_count`` copies of ``task_definition`` on Fargate (launch type or a
    FARGATE/FARGATE_SPOT capacity provider strategy)."""
    cluster, name = given["cluster"], given["name"]
    task_definition, desired_count = given["task_definition"], given["desired_count"]
    service = active_service(session, cluster, name, value)
    strategy = [s.get("capacityProvider") for s in service.get("capacityProviderStrategy", [])]
    on_fargate = service.get("launchType") == "FARGATE" or (
        strategy and set(strategy) <= {"FARGATE", "FARGATE_SPOT"}
    )
    if not on_fargate:
        raise SERVICE_SETTING.fail(
            name=name,
            setting="where its tasks run",
            expected="launchType='FARGATE' (or a FARGATE capacity provider strategy)",
            found=f"launchType={service.get('launchType')!r}, capacity providers {strategy}",
            hint="Without either, ECS looks for EC2 container instances, and this cluster has none.",
        )
    if service.get("taskDefinition") != state.task_definition(session, task_definition)["taskDefinitionArn"]:
        raise SERVICE_SETTING.fail(
            name=name,
            setting="taskDefinition",
            expected=task_definition,
            found=service.get("taskDefinition"),
            hint="Run the task definition you were given.",
        )
    if service.get("desiredCount") != desired_count:
        raise SERVICE_SETTING.fail(
            name=name,
            setting="desiredCount",
            expected=desired_count,
            found=service.get("desiredCount"),
            hint="Use the count you were given.",
        )


def service_networking_private(session, cluster: str, name: str, *, subnets, security_groups) -> None:
    """Service ``name``'s tasks (awsvpc) sit in exactly ``subnets``, none of which routes to an
    internet gateway, guarded by exactly ``security_groups``, with no public IP."""
    service = active_service(session, cluster, name)
    awsvpc = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    hint_public = (
        "Tasks in private subnets reach ECR and Secrets Manager through the NAT gateway (or VPC "
        "endpoints); only the load balancer faces the internet. Pass assignPublicIp='DISABLED'."
    )
    if awsvpc.get("assignPublicIp", "DISABLED") != "DISABLED":
        raise SERVICE_SETTING.fail(
            name=name,
            setting="assignPublicIp",
            expected="'DISABLED'",
            found=repr(awsvpc.get("assignPublicIp")),
            hint=hint_public,
        )
    public = [
        s
        for s, routed in state.subnet_routes_to_internet(session, awsvpc.get("subnets", [])).items()
        if routed
    ]
    if public:
        raise SERVICE_SETTING.fail(
            name=name,
            setting="its subnets",
            expected="private subnets only",
            found=f"{', '.join(public)} route(s) to an internet gateway",
            hint=hint_public,
        )
    if sorted(awsvpc.get("subnets", [])) != sorted(subnets):
        raise SERVICE_SETTING.fail(
            name=name,
            setting="awsvpcConfiguration.subnets",
            expected=sorted(subnets),
            found=sorted(awsvpc.get("subnets", [])),
            hint="Use every subnet you were given: one per Availability Zone.",
        )
    if sorted(awsvpc.get("securityGroups", [])) != sorted(security_groups):
        raise SERVICE_SETTING.fail(
            name=name,
            setting="awsvpcConfiguration.securityGroups",
            expected=sorted(security_groups),
            found=sorted(awsvpc.get("securityGroups", [])),
            hint="Pass securityGroups explicitly (the course's mock AWS also needs them).",
        )


def service_behind_load_balancer(session, given: dict) -> None:
    """Service ``given["name"]`` registers ``container_name``:``container_port`` (a container
    and port its task definition really has) in ``target_group_arn``, with a health-check grace
    period."""
    cluster, name, target_group_arn = given["cluster"], given["name"], given["target_group_arn"]
    container_name, container_port = given["container_name"], given["container_port"]
    service = active_service(session, cluster, name)
    wanted = {
        "targetGroupArn": target_group_arn,
        "containerName": container_name,
        "containerPort": container_port,
    }
    found = service.get("loadBalancers", [])
    if wanted not in [{k: lb.get(k) for k in wanted} for lb in found]:
        raise SERVICE_SETTING.fail(
            name=name,
            setting="loadBalancers",
            expected=[wanted],
            found=found or "none",
            hint="loadBalancers=[{'targetGroupArn': ..., 'containerName': ..., "
            "'containerPort': ...}]: the name and port of the container, as in the "
            "task definition.",
        )
    td = state.task_definition(session, service["taskDefinition"])
    container = next((c for c in td["containerDefinitions"] if c.get("name") == container_name), {})
    if container_port not in [m.get("containerPort") for m in container.get("portMappings", [])]:
        raise SERVICE_SETTING.fail(
            name=name,
            setting="a container and port its tasks have",
            expected=f"{container_name}:{container_port} in {_short(td['taskDefinitionArn'])}",
            found="no such container port",
            hint="Register the task definition's container.",
        )
    if not service.get("healthCheckGracePeriodSeconds"):
        raise SERVICE_SETTING.fail(
            name=name,
            setting="healthCheckGracePeriodSeconds",
            expected="a grace period (seconds) > 0",
            found=service.get("healthCheckGracePeriodSeconds"),
            hint="Give new tasks time to start before failed load balancer health checks "
            "count against them: healthCheckGracePeriodSeconds=60.",
        )


def service_rolls_back(session, cluster: str, name: str) -> None:
    """Service ``name`` has the deployment circuit breaker on, with rollback."""
    service = active_service(session, cluster, name)
    breaker = (service.get("deploymentConfiguration") or {}).get("deploymentCircuitBreaker") or {}
    if not (breaker.get("enable") is True and breaker.get("rollback") is True):
        raise SERVICE_SETTING.fail(
            name=name,
            setting="deploymentConfiguration.deploymentCircuitBreaker",
            expected="{'enable': True, 'rollback': True}",
            found=breaker or "not set",
            hint="Without rollback a failed deployment just stops, half done; with it, ECS "
            "returns to the last deployment that completed.",
        )


# -- deployment arithmetic (Exercise 3) ---------------------------------------------------------

LIMITS_DISAGREE = Message(
    "rolling_limits({desired}, {minimum}, {maximum})[{key!r}]",
    "{expected!r} (the course's reference)",
    "{found!r}",
    "{hint}",
)
LIMIT_HINTS = {
    "min_running": "Minimum healthy percent of the desired count, rounded UP (math.ceil).",
    "max_running": "Maximum percent of the desired count, rounded DOWN (math.floor).",
    "progresses": "A deployment moves if ECS may start a task above the desired count, or stop one below it.",
    "failure_threshold": "Half the desired count, rounded up, then held between 3 and 200.",
}


def rolling_limits_agree(rolling_limits, cases, keys=tuple(LIMIT_HINTS)) -> None:
    """The learner's ``rolling_limits(desired, minimum, maximum)`` gives the reference's ``keys``
    on every ``(desired, minimum, maximum)`` of ``cases``; names the first disagreement."""
    for desired, minimum, maximum in cases:
        expected = sim.rolling_limits(desired, minimum, maximum)
        found = rolling_limits(desired, minimum, maximum)
        if not isinstance(found, dict):
            raise LIMITS_DISAGREE.fail(
                desired=desired,
                minimum=minimum,
                maximum=maximum,
                key="...",
                expected=expected,
                found=found,
                hint="Return a dict with the four keys.",
            )
        for key in keys:
            if found.get(key) != expected[key]:
                raise LIMITS_DISAGREE.fail(
                    desired=desired,
                    minimum=minimum,
                    maximum=maximum,
                    key=key,
                    expected=expected[key],
                    found=found.get(key),
                    hint=LIMIT_HINTS[key],
                )


# -- service auto scaling (Exercise 4) ----------------------------------------------------------

SCALING = Message(
    "Auto scaling of service {name} (cluster {cluster}): {what}", "{expected}", "{found}", "{hint}"
)
METRICS = (
    "ECSServiceAverageCPUUtilization",
    "ECSServiceAverageMemoryUtilization",
    "ALBRequestCountPerTarget",
)


def _resource_id(cluster: str, name: str) -> str:
    return f"service/{cluster}/{name}"


def service_scalable_target(
    session, cluster: str, name: str, *, min_capacity: int, max_capacity: int
) -> None:
    """The service's desired count is registered with Application Auto Scaling, between the bounds."""
    aas = session.client("application-autoscaling")
    targets = aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    mine = [
        t
        for t in targets
        if t["ResourceId"] == _resource_id(cluster, name)
        and t["ScalableDimension"] == "ecs:service:DesiredCount"
    ]
    if not mine:
        raise SCALING.fail(
            name=name,
            cluster=cluster,
            what="a scalable target",
            expected=f"ResourceId {_resource_id(cluster, name)!r}, dimension 'ecs:service:DesiredCount'",
            found=[(t["ResourceId"], t["ScalableDimension"]) for t in targets] or "no scalable targets",
            hint="register_scalable_target(ServiceNamespace='ecs', ResourceId='service/<cluster>/"
            "<service>', ScalableDimension='ecs:service:DesiredCount', ...).",
        )
    bounds = (mine[0]["MinCapacity"], mine[0]["MaxCapacity"])
    if bounds != (min_capacity, max_capacity):
        raise SCALING.fail(
            name=name,
            cluster=cluster,
            what="MinCapacity and MaxCapacity",
            expected=(min_capacity, max_capacity),
            found=bounds,
            hint="Use the bounds you were given: the minimum also keeps the service "
            "highly available when traffic is low.",
        )


def service_target_tracking(session, value, cluster: str, name: str, *, metric: str, target: float) -> None:
    """``value`` is the ARN of a target-tracking policy on the service that keeps ``metric``
    (a predefined ECS metric) at ``target``, and may scale in."""
    policies = session.client("application-autoscaling").describe_scaling_policies(
        ServiceNamespace="ecs", ResourceId=_resource_id(cluster, name)
    )["ScalingPolicies"]
    policy = next((p for p in policies if p["PolicyARN"] == value), None)
    if policy is None:
        raise SCALING.fail(
            name=name,
            cluster=cluster,
            what="the policy your function returned",
            expected="the PolicyARN of a scaling policy on the service",
            found=f"{value!r}; policies on the service: {[p['PolicyName'] for p in policies] or 'none'}",
            hint="Return put_scaling_policy(...)['PolicyARN'].",
        )
    config = policy.get("TargetTrackingScalingPolicyConfiguration") or {}
    found = (
        policy["PolicyType"],
        (config.get("PredefinedMetricSpecification") or {}).get("PredefinedMetricType"),
        config.get("TargetValue"),
    )
    if found != ("TargetTrackingScaling", metric, target) or config.get("DisableScaleIn"):
        raise SCALING.fail(
            name=name,
            cluster=cluster,
            what=f"policy {policy['PolicyName']}",
            expected=f"TargetTrackingScaling on {metric} at {target}, scale-in allowed",
            found=f"{found[0]} on {found[1]} at {found[2]}"
            + (", scale-in disabled" if config.get("DisableScaleIn") else ""),
            hint="PolicyType='TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration="
            "{'TargetValue': ..., 'PredefinedMetricSpecification': {'PredefinedMetricType': "
            "...}}.",
        )
