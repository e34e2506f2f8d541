"""Checks on ECS (grader/checks/ecs.py) against real moto, with grader.state.ecs installed: the
course's reference answers pass, and each way of getting it wrong fails with a message naming
the learner's resources. Also the state repair and the scenarios the tests build on."""

from __future__ import annotations

import math

import pytest

from grader.checks import ecs as check
from grader.scenarios.ecs import (
    container_platform,
    scalable_service,
    service_inputs,
    task_inputs,
    task_prerequisites,
    web_service,
)
from grader.state import ecs as state

from .failures import failure

AZS = ["us-east-1a", "us-east-1b"]
IMAGE = "public.ecr.aws/nginx/nginx:1.27"


@pytest.fixture(autouse=True)
def _repaired(session):
    state.install()


def register(session, given, **changes):
    """Register Exercise 1's reference task definition for ``given``, with container ``changes``
    (a value of None removes the key) and task-level overrides under ``task``."""
    task = changes.pop("task", {})
    container = {
        "name": given["family"],
        "image": given["image"],
        "essential": True,
        "portMappings": [{"containerPort": given["port"], "protocol": "tcp"}],
        "secrets": [{"name": k, "valueFrom": v} for k, v in given["secrets"].items()],
        "user": "1000:1000",
        "readonlyRootFilesystem": True,
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": given["log_group"],
                "awslogs-region": "us-east-1",
                "awslogs-stream-prefix": "app",
            },
        },
    }
    container.update(changes)
    container = {k: v for k, v in container.items() if v is not None}
    args = {
        "family": given["family"],
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": str(given["cpu"]),
        "memory": str(given["memory"]),
        "executionRoleArn": given["execution_role_arn"],
        "taskRoleArn": given["task_role_arn"],
        **task,
    }
    return session.client("ecs").register_task_definition(**args, containerDefinitions=[container])[
        "taskDefinition"
    ]["taskDefinitionArn"]


@pytest.fixture
def given(session):
    return task_inputs(task_prerequisites(session, "shop", secrets=("DB_PASSWORD", "API_KEY")), family="shop")


# -- task definitions ---------------------------------------------------------------------------


def test_reference_task_definition_passes_every_task_check(session, given):
    arn = register(session, given)
    check.task_definition_for_fargate(session, arn, given)
    check.task_logs_to_cloudwatch(session, arn, given)
    check.task_secrets_from_secrets_manager(session, arn, given)
    check.task_hardened(session, arn, given)


def test_returning_none_names_the_families_registered(session, given):
    register(session, given)
    found = failure(check.task_definition_for_fargate, session, None, given)
    assert found["found"] == "None: no such task definition (families registered: shop)"
    assert found["next"] == "Return register_task_definition(...)['taskDefinition']['taskDefinitionArn']."


def test_an_ec2_only_bridge_definition_is_not_fargate(session, given):
    """(moto forces awsvpc whenever FARGATE is required, so bridge shows up only without it.)"""
    arn = register(session, given, task={"requiresCompatibilities": ["EC2"], "networkMode": "bridge"})
    found = failure(check.task_definition_for_fargate, session, arn, given)
    assert found["what"] == "Task definition shop:1 sets requiresCompatibilities"
    assert (found["expected"], found["found"]) == ("['FARGATE']", "['EC2']")


def test_an_invalid_fargate_size_fails_even_when_asked_for(session, given):
    """moto accepts 256 CPU with 4096 MiB; Fargate does not."""
    given = {**given, "memory": 4096}
    arn = register(session, given)
    found = failure(check.task_definition_for_fargate, session, arn, given)
    assert found["what"] == "Task definition shop:1 sets task-level cpu and memory"
    assert found["found"] == "cpu='256', memory='4096'"


def test_missing_execution_role_is_named(session, given):
    arn = register(session, given, task={"executionRoleArn": given["task_role_arn"]})
    found = failure(check.task_definition_for_fargate, session, arn, given)
    assert found["what"] == "Task definition shop:1 sets executionRoleArn"
    assert found["next"].startswith("The execution role is what ECS uses")


def test_wrong_port_and_container_name(session, given):
    arn = register(session, given, portMappings=[{"containerPort": 80}])
    assert failure(check.task_definition_for_fargate, session, arn, given)["found"] == "[(80, 'tcp')]"
    arn = register(session, given, name="app")
    found = failure(check.task_definition_for_fargate, session, arn, given)
    assert found["what"] == "Container 'shop' of shop:2 sets its name"
    assert found["found"] == "containers ['app']"


def test_logs_in_another_region_fail(session, given):
    arn = register(
        session,
        given,
        logConfiguration={
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": given["log_group"],
                "awslogs-region": "eu-west-1",
                "awslogs-stream-prefix": "x",
            },
        },
    )
    found = failure(check.task_logs_to_cloudwatch, session, arn, given)
    assert found["what"] == "Container 'shop' of shop:1 sets logConfiguration"
    assert "'awslogs-region': 'eu-west-1'" in found["found"]


def test_no_log_configuration_fails(session, given):
    arn = register(session, given, logConfiguration=None)
    assert "'logDriver': None" in failure(check.task_logs_to_cloudwatch, session, arn, given)["found"]


def test_secret_value_in_environment_is_the_trap(session, given):
    sm = session.client("secretsmanager")
    value = sm.get_secret_value(SecretId=given["secrets"]["DB_PASSWORD"])["SecretString"]
    arn = register(session, given, environment=[{"name": "DB_PASSWORD", "value": value}], secrets=None)
    found = failure(check.task_secrets_from_secrets_manager, session, arn, given)
    assert found["what"] == "Task definition shop:1 keeps secret DB_PASSWORD out of plain text"
    assert found["found"] == "the secret's value, in plain text in the task definition"
    assert "secrets=[{'name': 'DB_PASSWORD', 'valueFrom': <secret ARN>}]" in found["next"]


def test_secret_value_under_another_name_is_still_found(session, given):
    sm = session.client("secretsmanager")
    value = sm.get_secret_value(SecretId=given["secrets"]["API_KEY"])["SecretString"]
    arn = register(session, given, environment=[{"name": "TOKEN", "value": value}])
    found = failure(check.task_secrets_from_secrets_manager, session, arn, given)
    assert "API_KEY" in found["what"] and "plain text" in found["found"]


def test_secret_name_in_environment_or_missing_reference_fails(session, given):
    arn = register(session, given, environment=[{"name": "API_KEY", "value": "see vault"}])
    assert (
        failure(check.task_secrets_from_secrets_manager, session, arn, given)["found"]
        == "API_KEY in `environment`"
    )
    arn = register(
        session, given, secrets=[{"name": "DB_PASSWORD", "valueFrom": given["secrets"]["DB_PASSWORD"]}]
    )
    found = failure(check.task_secrets_from_secrets_manager, session, arn, given)
    assert found["what"].endswith("keeps secret API_KEY out of plain text")
    assert found["found"].startswith("secrets: {'DB_PASSWORD': ")


def test_a_json_key_reference_counts(session, given):
    refs = [{"name": k, "valueFrom": f"{v}:password::"} for k, v in given["secrets"].items()]
    check.task_secrets_from_secrets_manager(session, register(session, given, secrets=refs), given)


@pytest.mark.parametrize(
    ("changes", "what", "found_text"),
    [
        pytest.param({"user": None}, "runs as a non-root user", "user=None (root)", id="no-user"),
        pytest.param({"user": "0:0"}, "runs as a non-root user", "user='0:0' (root)", id="uid-0"),
        pytest.param(
            {"readonlyRootFilesystem": False},
            "has a read-only root file system",
            "readonlyRootFilesystem=False",
            id="writable",
        ),
        pytest.param({"privileged": True}, "is not privileged", "privileged=True", id="privileged"),
    ],
)
def test_hardening_failures(session, given, changes, what, found_text):
    found = failure(check.task_hardened, session, register(session, given, **changes), given)
    assert found["what"] == f"Container 'shop' of shop:1: {what}"
    assert found["found"] == found_text


# -- services -----------------------------------------------------------------------------------


@pytest.fixture
def platform(session):
    return container_platform(session, "10.60.0.0/16", AZS, 8080, name="shop")


@pytest.fixture
def svc(session, platform):
    return service_inputs(session, platform, name="shop", desired_count=2)


def create(session, g, **changes):
    args = {
        "cluster": g["cluster"],
        "serviceName": g["name"],
        "taskDefinition": g["task_definition"],
        "desiredCount": g["desired_count"],
        "launchType": "FARGATE",
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": g["subnets"],
                "securityGroups": [g["security_group"]],
                "assignPublicIp": "DISABLED",
            }
        },
        "loadBalancers": [
            {
                "targetGroupArn": g["target_group_arn"],
                "containerName": g["container_name"],
                "containerPort": g["container_port"],
            }
        ],
        "healthCheckGracePeriodSeconds": 60,
        "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
    }
    args.update(changes)
    args = {k: v for k, v in args.items() if v is not None}
    return session.client("ecs").create_service(**args)["service"]["serviceArn"]


def private(session, g):
    check.service_networking_private(
        session, g["cluster"], g["name"], subnets=g["subnets"], security_groups=[g["security_group"]]
    )


def test_reference_service_passes_every_service_check(session, platform, svc):
    arn = web_service(session, platform, svc["task_definition"], name="shop", container_name="shop")
    check.service_on_fargate(session, arn, svc)
    private(session, svc)
    check.service_behind_load_balancer(session, svc)
    check.service_rolls_back(session, "shop", "shop")


def test_wrong_return_value_lists_the_services(session, svc):
    create(session, svc)
    found = failure(check.service_on_fargate, session, "shop", svc)
    assert found["found"] == "'shop'; services in the cluster: ['shop']"


def test_a_fargate_capacity_provider_strategy_counts_as_fargate(session, svc):
    arn = create(
        session,
        svc,
        launchType=None,
        capacityProviderStrategy=[
            {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 3},
        ],
    )
    check.service_on_fargate(session, arn, svc)


def test_ec2_launch_type_and_wrong_count_fail(session, svc):
    arn = create(session, svc, launchType="EC2")
    assert (
        failure(check.service_on_fargate, session, arn, svc)["what"]
        == "Service shop sets where its tasks run"
    )
    session.client("ecs").delete_service(cluster="shop", service="shop", force=True)
    arn = create(session, svc, desiredCount=1)
    found = failure(check.service_on_fargate, session, arn, svc)
    assert (found["what"], found["expected"], found["found"]) == ("Service shop sets desiredCount", "2", "1")


def test_public_ip_is_the_trap(session, svc):
    create(
        session,
        svc,
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": svc["subnets"],
                "securityGroups": [svc["security_group"]],
                "assignPublicIp": "ENABLED",
            }
        },
    )
    found = failure(private, session, svc)
    assert (found["what"], found["found"]) == ("Service shop sets assignPublicIp", "'ENABLED'")
    assert found["next"].endswith("Pass assignPublicIp='DISABLED'.")


def test_public_subnets_are_found_by_their_route(session, platform, svc):
    public = list(platform["subnets"]["public"].values())
    create(
        session,
        svc,
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": public, "securityGroups": [svc["security_group"]]}
        },
    )
    found = failure(private, session, svc)
    assert found["what"] == "Service shop sets its subnets"
    assert found["found"] == f"{', '.join(public)} route(s) to an internet gateway"


def test_other_security_group_fails(session, platform, svc):
    create(
        session,
        svc,
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": svc["subnets"],
                "securityGroups": [platform["security_groups"]["alb"]],
            }
        },
    )
    found = failure(private, session, svc)
    assert found["what"] == "Service shop sets awsvpcConfiguration.securityGroups"


def test_subnet_routes_to_internet(session, platform):
    routes = state.subnet_routes_to_internet(
        session, [*platform["subnets"]["public"].values(), *platform["subnets"]["app"].values()]
    )
    assert list(routes.values()) == [True, True, False, False]


def test_a_ghost_container_name_fails(session, svc):
    """moto accepts a load balancer naming a container the task definition does not have."""
    create(
        session,
        svc,
        loadBalancers=[
            {"targetGroupArn": svc["target_group_arn"], "containerName": "ghost", "containerPort": 8080}
        ],
    )
    found = failure(check.service_behind_load_balancer, session, svc)
    assert found["what"] == "Service shop sets loadBalancers"
    bad = {**svc, "container_port": 9999}
    session.client("ecs").delete_service(cluster="shop", service="shop", force=True)
    create(session, bad)
    found = failure(check.service_behind_load_balancer, session, bad)
    assert found["what"] == "Service shop sets a container and port its tasks have"


def test_no_grace_period_fails(session, svc):
    create(session, svc, healthCheckGracePeriodSeconds=None)
    found = failure(check.service_behind_load_balancer, session, svc)
    assert (found["what"], found["found"]) == ("Service shop sets healthCheckGracePeriodSeconds", "None")


def test_circuit_breaker_defaults_to_off(session, svc):
    create(session, svc, deploymentConfiguration=None)
    found = failure(check.service_rolls_back, session, "shop", "shop")
    assert found["found"] == "{'enable': False, 'rollback': False}"


# -- the state repair ---------------------------------------------------------------------------


def test_create_service_keeps_what_aws_keeps(session, svc):
    create(
        session,
        svc,
        launchType=None,
        capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
        deploymentConfiguration={"maximumPercent": 150},
    )
    found = state.service(session, "shop", "shop")
    assert found["deploymentConfiguration"] == {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 150,
        "minimumHealthyPercent": 100,
    }
    assert found["capacityProviderStrategy"] == [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]
    assert "launchType" not in found and found["healthCheckGracePeriodSeconds"] == 60
    assert state.service(session, "shop", "nope") is None and state.service(session, "nope", "shop") is None


def test_task_states_stay_put(session, platform, svc):
    ecs = session.client("ecs")
    td = ecs.register_task_definition(
        family="job",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "job", "image": IMAGE, "memory": 512}],
    )
    task = ecs.run_task(
        cluster="shop",
        taskDefinition=td["taskDefinition"]["taskDefinitionArn"],
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": svc["subnets"], "securityGroups": [svc["security_group"]]}
        },
    )["tasks"][0]
    statuses = {
        ecs.describe_tasks(cluster="shop", tasks=[task["taskArn"]])["tasks"][0]["lastStatus"]
        for _ in range(5)
    }
    assert len(statuses) == 1


# -- rolling limits and scaling -----------------------------------------------------------------


def reference(desired, minimum, maximum):
    low, high = math.ceil(desired * minimum / 100), math.floor(desired * maximum / 100)
    return {
        "min_running": low,
        "max_running": high,
        "progresses": high > desired or low < desired,
        "failure_threshold": min(max(math.ceil(desired / 2), 3), 200),
    }


def test_rolling_limits_agree_passes_the_reference_and_names_the_first_difference():
    cases = [(d, lo, hi) for d in (1, 2, 3, 7, 500) for lo in (0, 50, 75, 100) for hi in (100, 150, 200)]
    check.rolling_limits_agree(reference, cases)

    def floors(d, lo, hi):
        return {**reference(d, lo, hi), "min_running": math.floor(d * lo / 100)}

    found = failure(check.rolling_limits_agree, floors, [(4, 50, 200), (2, 75, 150)])
    assert found["what"] == "rolling_limits(2, 75, 150)['min_running']"
    assert (found["expected"], found["found"]) == ("2 (the course's reference)", "1")
    assert "rounded UP" in found["next"]
    assert failure(check.rolling_limits_agree, lambda *a: None, [(4, 50, 200)])["found"] == "None"


def autoscale(session, metric="ECSServiceAverageCPUUtilization", low=2, high=8, **extra):
    aas = session.client("application-autoscaling")
    target = {
        "ServiceNamespace": "ecs",
        "ResourceId": "service/shop/web",
        "ScalableDimension": "ecs:service:DesiredCount",
    }
    aas.register_scalable_target(**target, MinCapacity=low, MaxCapacity=high)
    return aas.put_scaling_policy(
        PolicyName="cpu",
        PolicyType="TargetTrackingScaling",
        **target,
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 60.0,
            "PredefinedMetricSpecification": {"PredefinedMetricType": metric},
            **extra,
        },
    )["PolicyARN"]


def test_scaling_checks_pass_and_fail(session):
    scalable_service(session, "shop", "web")
    found = failure(check.service_scalable_target, session, "shop", "web", min_capacity=2, max_capacity=8)
    assert (found["found"], found["what"]) == (
        "no scalable targets",
        "Auto scaling of service web (cluster shop): a scalable target",
    )
    arn = autoscale(session)
    check.service_scalable_target(session, "shop", "web", min_capacity=2, max_capacity=8)
    check.service_target_tracking(
        session, arn, "shop", "web", metric="ECSServiceAverageCPUUtilization", target=60
    )
    assert (
        failure(check.service_scalable_target, session, "shop", "web", min_capacity=3, max_capacity=8)[
            "found"
        ]
        == "(2, 8)"
    )
    found = failure(
        check.service_target_tracking,
        session,
        arn,
        "shop",
        "web",
        metric="ECSServiceAverageCPUUtilization",
        target=45,
    )
    assert found["found"] == "TargetTrackingScaling on ECSServiceAverageCPUUtilization at 60.0"
    found = failure(check.service_target_tracking, session, "cpu", "shop", "web", metric="x", target=60)
    assert found["found"] == "'cpu'; policies on the service: ['cpu']"


def test_disabled_scale_in_fails(session):
    scalable_service(session, "shop", "web")
    arn = autoscale(session, DisableScaleIn=True)
    found = failure(
        check.service_target_tracking,
        session,
        arn,
        "shop",
        "web",
        metric="ECSServiceAverageCPUUtilization",
        target=60,
    )
    assert found["found"].endswith(", scale-in disabled")
