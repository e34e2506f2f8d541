"""ECS state read from the mock, and two repairs to moto 5.2.5's ECS that the course relies on.

:func:`install` (the setup cell of topics 23 and 25 calls it; calling it again is harmless):

- moto's ``CreateService`` drops ``deploymentConfiguration``, ``capacityProviderStrategy``,
  ``healthCheckGracePeriodSeconds`` and ``enableExecuteCommand`` (``UpdateService`` keeps
  them). The repair stores them on the service, with AWS's defaults for a rolling update
  (100 % / 200 %, circuit breaker off), so ``describe_services`` returns them as AWS does; a
  service given a capacity provider strategy has no ``launchType``, as in AWS.
- moto advances a task's status on every ``describe_tasks`` (RUNNING to STOPPED in four reads).
  The repair pins tasks where ``run_task`` puts them.

The readers return plain dicts in the shapes boto3 returns, for ``grader.sim.ecs``.
"""

from __future__ import annotations

import copy

from moto.ecs.responses import EC2ContainerServiceResponse
from moto.moto_api import state_manager

#: AWS's deployment configuration for a rolling-update service that sets none.
DEFAULT_DEPLOYMENT = {
    "deploymentCircuitBreaker": {"enable": False, "rollback": False},
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
}
_KEPT = {  # CreateService parameter -> moto Service attribute
    "deploymentConfiguration": "deployment_configuration",
    "capacityProviderStrategy": "capacity_provider_strategy",
    "healthCheckGracePeriodSeconds": "health_check_grace_period_seconds",
    "enableExecuteCommand": "enable_execute_command",
}
_original_create_service = EC2ContainerServiceResponse.create_service


def _create_service(self):
    result = _original_create_service(self)
    cluster = self._get_param("cluster", "default")
    service = self.ecs_backend._get_service(cluster, self._get_param("serviceName"))
    given = {name: self._get_param(name) for name in _KEPT}
    deployment = copy.deepcopy(DEFAULT_DEPLOYMENT)
    for key, value in (given["deploymentConfiguration"] or {}).items():
        deployment[key] = value
    service.deployment_configuration = deployment
    for name in ("capacityProviderStrategy", "healthCheckGracePeriodSeconds", "enableExecuteCommand"):
        if given[name] is not None:
            setattr(service, _KEPT[name], given[name])
    if given["capacityProviderStrategy"] and not self._get_param("launchType"):
        service.launch_type = None
        for deployment_record in service.deployments:
            deployment_record.pop("launchType", None)
            deployment_record["capacityProviderStrategy"] = given["capacityProviderStrategy"]
    return result


def install() -> None:
    """Keep what ``CreateService`` is given, and stop task statuses moving on their own."""
    EC2ContainerServiceResponse.create_service = _create_service
    state_manager.set_transition(model_name="ecs::task", transition={"progression": "manual", "times": 10**9})


# -- readers ----------------------------------------------------------------------------------


def task_definition(session, task_definition: str) -> dict | None:
    """``describe_task_definition`` of an ARN or family[:revision], or None if there is none."""
    from botocore.exceptions import ClientError

    try:
        return session.client("ecs").describe_task_definition(taskDefinition=task_definition)[
            "taskDefinition"
        ]
    except ClientError:
        return None


def service(session, cluster: str, name: str) -> dict | None:
    """The ACTIVE service ``name`` (a name or ARN) of ``cluster``, or None."""
    from botocore.exceptions import ClientError

    try:
        found = session.client("ecs").describe_services(cluster=cluster, services=[name])["services"]
    except ClientError:
        return None
    return next((s for s in found if s.get("status") == "ACTIVE"), None)


def subnet_routes_to_internet(session, subnet_ids) -> dict[str, bool]:
    """``{subnet_id: True}`` (in the order given) for each subnet whose route table (explicit,
    else the VPC's main one) sends some destination to an internet gateway."""
    ec2 = session.client("ec2")
    subnets = ec2.describe_subnets(SubnetIds=list(subnet_ids))["Subnets"]
    vpcs = sorted({s["VpcId"] for s in subnets})
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": vpcs}])["RouteTables"]
    explicit, main = {}, {}
    for table in tables:
        public = any(r.get("GatewayId", "").startswith("igw-") for r in table.get("Routes", []))
        for association in table.get("Associations", []):
            if association.get("Main"):
                main[table["VpcId"]] = public
            elif association.get("SubnetId"):
                explicit[association["SubnetId"]] = public
    routed = {s["SubnetId"]: explicit.get(s["SubnetId"], main.get(s["VpcId"], False)) for s in subnets}
    return {subnet_id: routed[subnet_id] for subnet_id in subnet_ids}
