"""Learner-facing checks on Fargate: sizes, right-sizing and costs compared with
``grader.sim.fargate``; tasks' capacity (FARGATE or FARGATE_SPOT), networking (private subnets,
no public IP, a group only the load balancer reaches) and batch task definitions fit for Spot.

Each check returns None when the requirement holds and raises ``CheckFailed`` otherwise,
naming the learner's real ARNs and ids. Notebooks use them as
``from grader.checks import fargate as check``.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from grader.checks.base import Message, require_dict
from grader.checks.ec2 import sg_allows, sg_ingress_only, subnet_is_public
from grader.checks.ec2.resources import ingress_rules, rules_text
from grader.checks.reference import agrees_with_reference
from grader.errors import CheckFailed
from grader.sim import fargate as sim
from grader.state.fargate import (
    describe_tasks,
    eni_groups,
    public_ip_requested,
    run_task_requests,
)

__all__ = [
    "comparison_agrees", "returned_task", "returned_tasks", "right_size_agrees", "run_task_requests",
    "size_cases", "size_validator_agrees", "spot_batch", "spot_ready", "task_admits_only", "task_is_private",
    "task_runs_on", "tasks_admit_nothing",
]

NOT_A_TASK = Message(
    "{what}", "a task ARN, a string like 'arn:aws:ecs:us-east-1:123456789012:task/{cluster}/...'",
    "{value!r} (a {type})", "Return the taskArn from run_task's response: response['tasks'][0]['taskArn'].")
TASK_MISSING = Message(
    "Task {task_arn} runs in cluster {cluster}", "a task describe_tasks finds in {cluster}",
    "{found}", "Run the task in the cluster you were given (run_task(cluster=...)) and return its ARN.")
TASK_NOT_RUNNING = Message(
    "Task {task_arn} is running", "lastStatus RUNNING", "lastStatus {status}",
    "Start the task with run_task and do not stop it.")
WRONG_CAPACITY = Message(
    "Task {task_arn} runs on {capacity}", "{expected}", "{found}", "{hint}")
HINT_FARGATE = "Pass launchType='FARGATE' to run_task (or a capacityProviderStrategy naming FARGATE)."
HINT_SPOT = ("Pass capacityProviderStrategy=[{'capacityProvider': 'FARGATE_SPOT', 'weight': 1}] to "
             "run_task (launchType='FARGATE' is the On-Demand price).")
NO_ENI = Message(
    "Task {task_arn} has its own network interface (awsvpc)", "an ElasticNetworkInterface attachment",
    "none", "Register the task definition with networkMode='awsvpc' and pass networkConfiguration.")
IN_PUBLIC_SUBNET = Message(
    "Task {task_arn} runs in a private subnet",
    "a subnet whose route table has no route to an internet gateway",
    "{subnet_id}, a public subnet: its 0.0.0.0/0 route goes to an internet gateway",
    "Run the task in the app subnets (their route goes to a NAT gateway): the task can pull its "
    "image and call out, and nothing on the internet can reach it.")
PUBLIC_IP = Message(
    "Tasks get no public IP address", "assignPublicIp DISABLED (or left out) in every run_task call",
    "a run_task call with assignPublicIp ENABLED",
    "Set assignPublicIp to 'DISABLED': in a private subnet the task reaches ECR through the NAT "
    "gateway, and a public IP would only expose it.")
NO_PROVIDER = Message(
    "Cluster {cluster} offers {provider}", "{provider} among its capacity providers",
    "capacity providers {providers}",
    "Associate FARGATE and FARGATE_SPOT with the cluster first: "
    "put_cluster_capacity_providers(cluster=..., capacityProviders=[...], "
    "defaultCapacityProviderStrategy=[...]). AWS refuses a strategy the cluster does not offer.")
SUBNET_LISTED_PUBLIC = Message(
    "Tasks are started only in private subnets", "run_task subnets with no route to an internet gateway",
    "{subnet_id} in a run_task call is a public subnet",
    "List only the app subnets in awsvpcConfiguration: ECS spreads tasks over every subnet you give it.")
TASK_COUNT = Message(
    "The batch runs {count} tasks", "{count} distinct task ARNs", "{found}",
    "Pass count=... to run_task (10 at most per call) and return every taskArn of the response.")
NOT_SPOT_READY = Message(
    "Task definition {arn} is ready for Fargate Spot", "{expected}", "{found}", "{hint}")
NO_TASK_DEFINITION = Message(
    "Task definition {arn!r} exists", "the ARN register_task_definition returned",
    "describe_task_definition fails ({code})",
    "Return response['taskDefinition']['taskDefinitionArn'] of your register_task_definition call.")
GROUP_OPEN = Message(
    "Security group {group_id} of the batch tasks admits nothing", "no ingress rules",
    "{rules}", "A batch job only calls out: revoke the ingress rules (or use a new group, which "
    "has none).")


def size_cases(cpus, memories, os_families=("LINUX",)) -> list[tuple]:
    """Every ``(cpu, memory, os_family)`` combination, for ``size_validator_agrees``."""
    return [(c, m, o) for o in os_families for c in cpus for m in memories]


def size_validator_agrees(function, cases) -> None:
    """``function(cpu, memory, os_family)`` answers like ``sim.valid_size`` on every case."""
    agrees_with_reference(
        function, sim.valid_size, cases, name="valid_fargate_size",
        describe=lambda c: f"valid_fargate_size({', '.join(map(repr, c))})",
        hint="Convert cpu to units and memory to MiB first, then look the cpu up in the table "
             "of section 1.2: it decides which memory values are allowed.")


def right_size_agrees(function, cases) -> None:
    """``function(vcpus, memory_gib)`` answers like ``sim.right_size`` on every case."""
    agrees_with_reference(
        function, sim.right_size, cases, name="right_size",
        describe=lambda c: f"right_size(vcpus={c[0]}, memory_gib={c[1]})",
        hint="Walk the cpu values from the smallest: the first that covers the vCPUs AND has a "
             "memory value covering the GiB wins, with its smallest such memory.")


class _Cents(float):
    """A dollar amount that equals another within a cent (rounding differences are not errors)."""

    def __eq__(self, other):
        return isinstance(other, (int, float)) and abs(float(self) - float(other)) <= 0.011

    __hash__ = float.__hash__

    def __repr__(self):
        return f"{float(self):.2f}"


def _pick(answer, keys):
    if not isinstance(answer, dict):
        return answer
    picked = {}
    for key in keys:
        value = answer.get(key, "missing")
        is_money = isinstance(value, (int, float)) and not isinstance(value, bool) and key != "instances"
        picked[key] = _Cents(value) if is_money else value
    return picked


def comparison_agrees(function, cases, keys) -> None:
    """``function(cpu, memory, tasks, instance_type, hours)`` returns the same ``keys`` as
    ``sim.compare_launch_types`` (money within a cent) on every case."""
    keys = tuple(keys)
    agrees_with_reference(
        lambda *c: _pick(function(*c), keys), lambda *c: _pick(sim.compare_launch_types(*c), keys),
        cases, name="compare_launch_types",
        describe=lambda c: "compare_launch_types({}, {}, tasks={}, instance_type={!r}, hours={})".format(*c),
        hint=("Fargate bills vCPU-hours and GB-hours of what each task requests; the EC2 launch "
              "type pays whole instances, as many as the tasks need by vCPU AND by memory."))


def returned_task(result) -> str:
    """The ``task_arn`` of a function's ``{"task_arn": ..., "group_id": ...}`` return value."""
    result = require_dict(result, "run_web_task's return value", "{'task_arn': ..., 'group_id': ...}")
    return result.get("task_arn")


def returned_tasks(result) -> list:
    """The ``tasks`` of a function's ``{"task_definition": ..., "tasks": [...]}`` return value."""
    result = require_dict(result, "run_spot_batch's return value",
                          "{'task_definition': arn, 'tasks': [task ARNs]}")
    tasks = result.get("tasks")
    return list(tasks) if isinstance(tasks, (list, tuple)) else [tasks]


def _task_arn(value, cluster: str) -> str:
    if not isinstance(value, str) or not value.startswith("arn:aws:ecs:") or ":task/" not in value:
        raise NOT_A_TASK.fail(what="The task ARN", cluster=cluster, value=value,
                              type=type(value).__name__)
    return value


def _tasks(session, cluster: str, task_arns) -> list[dict]:
    """The tasks, checked to exist in ``cluster`` and to be RUNNING with an ENI."""
    arns = [_task_arn(a, cluster) for a in task_arns]
    views, failures = describe_tasks(session, cluster, arns)
    found = {v["task_arn"]: v for v in views}
    for arn in arns:
        if arn not in found:
            reason = next((f["reason"] for f in failures if f.get("arn") == arn), "not found")
            raise TASK_MISSING.fail(task_arn=arn, cluster=cluster, found=f"{arn}: {reason}")
        view = found[arn]
        if view["status"] != "RUNNING":
            raise TASK_NOT_RUNNING.fail(task_arn=arn, status=view["status"])
        if not view["eni_id"]:
            raise NO_ENI.fail(task_arn=arn)
    return [found[a] for a in arns]


def _capacity(view: dict) -> str:
    return view["capacity_provider"] or view["launch_type"] or "?"


def task_runs_on(session, cluster: str, task_arn, capacity: str = "FARGATE") -> None:
    """The task is RUNNING in ``cluster`` on ``capacity`` (FARGATE or FARGATE_SPOT) with its
    own network interface; started through a capacity provider, the cluster must offer it."""
    [view] = _tasks(session, cluster, [task_arn])
    if _capacity(view) != capacity:
        hint = HINT_SPOT if capacity == "FARGATE_SPOT" else HINT_FARGATE
        raise WRONG_CAPACITY.fail(task_arn=task_arn, capacity=capacity, expected=capacity,
                                  found=_capacity(view), hint=hint)
    if view["capacity_provider"]:
        _cluster_offers(session, cluster, view["capacity_provider"])


def task_admits_only(session, cluster: str, task_arn, port: int, source_group_id) -> None:
    """The task's network interface is guarded by groups that admit tcp ``port`` from
    ``source_group_id`` and nothing else."""
    [view] = _tasks(session, cluster, [task_arn])
    groups = eni_groups(session, [view["eni_id"]]).get(view["eni_id"], [])
    if not groups:
        sg_allows(session, None, port, source_group_id=source_group_id)
    for group_id in groups:
        sg_ingress_only(session, group_id, [(port, source_group_id)])
    allowing = []
    for group_id in groups:
        try:
            sg_allows(session, group_id, port, source_group_id=source_group_id)
            allowing.append(group_id)
        except CheckFailed as failure:
            last = failure
    if not allowing:
        raise last


def _private(session, view: dict) -> None:
    try:
        subnet_is_public(session, view["subnet_id"])
    except CheckFailed:
        return
    raise IN_PUBLIC_SUBNET.fail(task_arn=view["task_arn"], subnet_id=view["subnet_id"])


def _no_public_ip(session, requests) -> None:
    """No request asked for a public IP or listed a public subnet (moto places every task in
    the first subnet; ECS would use them all)."""
    if any(public_ip_requested(r) for r in requests):
        raise PUBLIC_IP.fail()
    awsvpcs = [(r.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {} for r in requests]
    for subnet_id in dict.fromkeys(s for a in awsvpcs for s in a.get("subnets") or []):
        try:
            subnet_is_public(session, subnet_id)
        except CheckFailed:
            continue
        raise SUBNET_LISTED_PUBLIC.fail(subnet_id=subnet_id)


def task_is_private(session, cluster: str, task_arn, requests) -> None:
    """The task runs in a subnet with no route to an internet gateway, and no RunTask request of
    ``requests`` (from ``run_task_requests``) asked for a public IP or listed a public subnet."""
    [view] = _tasks(session, cluster, [task_arn])
    _private(session, view)
    _no_public_ip(session, requests)


def _cluster_offers(session, cluster: str, provider: str) -> None:
    clusters = session.client("ecs").describe_clusters(clusters=[cluster])["clusters"]
    providers = clusters[0].get("capacityProviders", []) if clusters else []
    if provider not in providers:
        raise NO_PROVIDER.fail(cluster=cluster, provider=provider, providers=providers or "none")


def spot_batch(session, cluster: str, result, count: int) -> None:
    """``result["tasks"]`` lists ``count`` distinct tasks RUNNING on FARGATE_SPOT, in a cluster
    that offers FARGATE_SPOT."""
    result = require_dict(result, "run_spot_batch's return value",
                          "{'task_definition': arn, 'tasks': [task ARNs]}")
    arns = result.get("tasks")
    if not isinstance(arns, (list, tuple)) or len(set(map(str, arns))) != count:
        found = f"{len(set(arns))} distinct ARNs" if isinstance(arns, (list, tuple)) else repr(arns)
        raise TASK_COUNT.fail(count=count, found=found)
    _cluster_offers(session, cluster, "FARGATE_SPOT")
    for view in _tasks(session, cluster, arns):
        if _capacity(view) != "FARGATE_SPOT":
            raise WRONG_CAPACITY.fail(task_arn=view["task_arn"], capacity="FARGATE_SPOT",
                                      expected="FARGATE_SPOT", found=_capacity(view), hint=HINT_SPOT)


def spot_ready(session, result) -> None:
    """``result["task_definition"]`` is a Fargate (awsvpc) task definition of a valid Linux size
    on X86_64 (Fargate Spot runs nothing else) whose containers take the whole two-minute
    warning: ``stopTimeout`` 120."""
    result = require_dict(result, "run_spot_batch's return value",
                          "{'task_definition': arn, 'tasks': [task ARNs]}")
    arn = result.get("task_definition")
    try:
        definition = session.client("ecs").describe_task_definition(
            taskDefinition=str(arn))["taskDefinition"]
    except ClientError as error:
        raise NO_TASK_DEFINITION.fail(arn=arn, code=error.response.get("Error", {}).get("Code")) from None
    platform = definition.get("runtimePlatform") or {}
    architecture = platform.get("cpuArchitecture") or "X86_64"
    os_family = platform.get("operatingSystemFamily") or "LINUX"
    problems = [
        ("FARGATE in requiresCompatibilities", definition.get("requiresCompatibilities"),
         "FARGATE" in (definition.get("requiresCompatibilities") or []),
         "Register it with requiresCompatibilities=['FARGATE']."),
        ("networkMode awsvpc", definition.get("networkMode"), definition.get("networkMode") == "awsvpc",
         "Fargate only runs networkMode='awsvpc'."),
        ("a valid Fargate size", f"cpu {definition.get('cpu')}, memory {definition.get('memory')}",
         definition.get("cpu") is not None and definition.get("memory") is not None
         and sim.valid_size(definition["cpu"], definition["memory"], os_family),
         "Pick a cpu/memory pair from the table of section 1.2."),
        ("cpuArchitecture X86_64 on LINUX", f"{architecture} on {os_family}",
         architecture == "X86_64" and os_family == "LINUX",
         "Fargate Spot runs only Linux tasks on X86_64: ARM64 and Windows tasks cannot use it."),
        ("stopTimeout 120 on every container",
         [c.get("stopTimeout") for c in definition.get("containerDefinitions", [])],
         all(c.get("stopTimeout") == 120 for c in definition.get("containerDefinitions", [])),
         "Set stopTimeout=120 in the container definition: on the interruption's SIGTERM the "
         "job gets the whole two minutes to checkpoint (the default is 30 s)."),
    ]
    for expected, found, ok, hint in problems:
        if not ok:
            raise NOT_SPOT_READY.fail(arn=arn, expected=expected, found=found, hint=hint)


def tasks_admit_nothing(session, cluster: str, task_arns, requests) -> None:
    """Every task runs in a private subnet without a public IP, guarded only by groups with no
    ingress rule."""
    views = _tasks(session, cluster, list(task_arns))
    ec2 = session.client("ec2")
    for view in views:
        _private(session, view)
    _no_public_ip(session, requests)
    groups = eni_groups(session, [v["eni_id"] for v in views])
    for group_id in dict.fromkeys(g for ids in groups.values() for g in ids):
        rules = ingress_rules(ec2, group_id)
        if rules:
            raise GROUP_OPEN.fail(group_id=group_id, rules=rules_text(rules))
