"""Starting states for topic 23 (and the containers of topic 25): a three-tier network with a
load balancer in front, an ECS cluster, the two IAM roles a task needs, a secret and a log group;
then each exercise done right, so a test of exercise N starts from a correct exercise N-1.

boto3 only. Every network comes from ``grader.scenarios.vpc.web_app`` (DNS hostnames on, which
moto's ``run_task`` needs): public subnets route to an internet gateway, app subnets to a NAT
gateway; the ``app`` security group admits ``app_port`` only from the load balancer's group.
"""

from __future__ import annotations

import json

from .vpc import web_app

ECS_TASKS = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def task_prerequisites(session, name: str = "web", secrets=("DB_PASSWORD",)) -> dict:
    """What a task definition refers to, without a network: a log group ``/ecs/<name>``, one
    Secrets Manager secret per name in ``secrets`` (value ``s3cr3t-<name>-<n>``), an execution
    role allowed to read exactly those secrets and a task role.

    Returns ``{"roles": {"execution", "task"}, "log_group", "secrets": {env name: ARN},
    "secret_values": {ARN: value}}``.
    """
    log_group = f"/ecs/{name}"
    session.client("logs").create_log_group(logGroupName=log_group)
    sm = session.client("secretsmanager")
    arns, values = {}, {}
    for n, env_name in enumerate(secrets, start=1):
        value = f"s3cr3t-{name}-{n}"
        arn = sm.create_secret(Name=f"{name}/{env_name.lower()}", SecretString=value)["ARN"]
        arns[env_name], values[arn] = arn, value
    return {
        "roles": _task_roles(session, name, list(arns.values())),
        "log_group": log_group,
        "secrets": arns,
        "secret_values": values,
    }


def container_platform(
    session, vpc_cidr: str, azs, app_port: int, *, name: str = "web", secrets=("DB_PASSWORD",)
) -> dict:
    """``web_app`` plus an internet-facing ALB in the public subnets, an ``ip`` target group on
    ``app_port`` with an HTTP listener, an ECS cluster ``name`` with the Fargate capacity
    providers, and ``task_prerequisites``.

    Adds ``cluster``, ``target_group_arn``, ``load_balancer_arn`` and the keys of
    ``task_prerequisites``.
    """
    net = web_app(session, vpc_cidr, azs, app_port, 5432)
    ec2, elb = session.client("ec2"), session.client("elbv2")
    alb_sg = net["security_groups"]["alb"]
    ec2.authorize_security_group_ingress(
        GroupId=alb_sg,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
        ],
    )
    target_group = elb.create_target_group(
        Name=f"{name}-tasks",
        Protocol="HTTP",
        Port=app_port,
        VpcId=net["vpc_id"],
        TargetType="ip",
        HealthCheckPath="/health",
    )["TargetGroups"][0]["TargetGroupArn"]
    load_balancer = elb.create_load_balancer(
        Name=name,
        Subnets=list(net["subnets"]["public"].values()),
        SecurityGroups=[alb_sg],
        Scheme="internet-facing",
        Type="application",
    )["LoadBalancers"][0]["LoadBalancerArn"]
    elb.create_listener(
        LoadBalancerArn=load_balancer,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group}],
    )
    fargate_cluster(session, name)
    return {
        **net,
        "cluster": name,
        "target_group_arn": target_group,
        "load_balancer_arn": load_balancer,
        **task_prerequisites(session, name, secrets),
    }


def fargate_cluster(session, name: str) -> str:
    """A cluster with the FARGATE and FARGATE_SPOT capacity providers (FARGATE the default) and
    Container Insights; its ARN."""
    return session.client("ecs").create_cluster(
        clusterName=name,
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
        settings=[{"name": "containerInsights", "value": "enhanced"}],
    )["cluster"]["clusterArn"]


def scalable_service(session, cluster: str, name: str, *, desired_count: int = 2) -> str:
    """A small Fargate service ``name`` (in a new cluster ``cluster``) on the default VPC, for
    exercises about scaling rather than networking; its ARN."""
    fargate_cluster(session, cluster)
    ecs, ec2 = session.client("ecs"), session.client("ec2")
    td = ecs.register_task_definition(
        family=name,
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[
            {"name": name, "image": "nginx:1.27", "memory": 512, "portMappings": [{"containerPort": 8080}]}
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    default = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"][:2]
    group = ec2.describe_security_groups(
        Filters=[
            {"Name": "group-name", "Values": ["default"]},
            {"Name": "vpc-id", "Values": [default[0]["VpcId"]]},
        ]
    )
    return ecs.create_service(
        cluster=cluster,
        serviceName=name,
        taskDefinition=td,
        desiredCount=desired_count,
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": [s["SubnetId"] for s in default],
                "securityGroups": [group["SecurityGroups"][0]["GroupId"]],
            }
        },
    )["service"]["serviceArn"]


def _task_roles(session, name: str, secret_arns) -> dict:
    """An execution role allowed to pull images, write logs and read exactly ``secret_arns`` (what
    AWS's AmazonECSTaskExecutionRolePolicy grants, plus the secrets), and an empty task role."""
    iam = session.client("iam")
    execution = iam.create_role(RoleName=f"{name}-execution", AssumeRolePolicyDocument=json.dumps(ECS_TASKS))[
        "Role"
    ]["Arn"]
    statements = [
        {
            "Effect": "Allow",
            "Resource": "*",
            "Action": [
                "ecr:GetAuthorizationToken",
                "ecr:BatchCheckLayerAvailability",
                "ecr:GetDownloadUrlForLayer",
                "ecr:BatchGetImage",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
            ],
        }
    ]
    if secret_arns:
        statements.append(
            {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secret_arns}
        )
    iam.put_role_policy(
        RoleName=f"{name}-execution",
        PolicyName="task-execution",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )
    task = iam.create_role(RoleName=f"{name}-task", AssumeRolePolicyDocument=json.dumps(ECS_TASKS))["Role"][
        "Arn"
    ]
    return {"execution": execution, "task": task}


def web_task_definition(
    session,
    platform: dict,
    *,
    family: str = "web",
    image: str = "nginx:1.27",
    port: int = 8080,
    cpu: int = 256,
    memory: int = 512,
) -> str:
    """Exercise 1 done right on ``platform``: a Fargate task definition whose one container
    ``family`` logs to the platform's log group, reads its secrets from Secrets Manager, runs as
    user 1000 on a read-only root file system. Returns its ARN."""
    container = {
        "name": family,
        "image": image,
        "essential": True,
        "memory": memory,
        "portMappings": [{"containerPort": port, "protocol": "tcp"}],
        "secrets": [{"name": k, "valueFrom": v} for k, v in platform["secrets"].items()],
        "environment": [{"name": "APP_ENV", "value": "production"}],
        "user": "1000:1000",
        "readonlyRootFilesystem": True,
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": platform["log_group"],
                "awslogs-region": session.region_name,
                "awslogs-stream-prefix": family,
            },
        },
    }
    return session.client("ecs").register_task_definition(
        family=family,
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu=str(cpu),
        memory=str(memory),
        executionRoleArn=platform["roles"]["execution"],
        taskRoleArn=platform["roles"]["task"],
        containerDefinitions=[container],
    )["taskDefinition"]["taskDefinitionArn"]


def web_service(
    session,
    platform: dict,
    task_definition: str,
    *,
    name: str = "web",
    container_name: str = "web",
    container_port: int = 8080,
    desired_count: int = 2,
) -> str:
    """Exercise 2 done right: a Fargate service in the app subnets, no public IP, behind the
    platform's target group, with the circuit breaker and rollback. Returns its ARN."""
    return session.client("ecs").create_service(
        cluster=platform["cluster"],
        serviceName=name,
        taskDefinition=task_definition,
        desiredCount=desired_count,
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": list(platform["subnets"]["app"].values()),
                "securityGroups": [platform["security_groups"]["app"]],
                "assignPublicIp": "DISABLED",
            }
        },
        loadBalancers=[
            {
                "targetGroupArn": platform["target_group_arn"],
                "containerName": container_name,
                "containerPort": container_port,
            }
        ],
        healthCheckGracePeriodSeconds=60,
        deploymentConfiguration={
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "minimumHealthyPercent": 100,
            "maximumPercent": 200,
        },
    )["service"]["serviceArn"]


def task_inputs(
    prerequisites: dict,
    *,
    family: str,
    image: str = "public.ecr.aws/nginx/nginx:1.27",
    port: int = 8080,
    cpu: int = 256,
    memory: int = 512,
) -> dict:
    """The arguments of Exercise 1's ``register_web_task`` (session aside) on ``prerequisites``."""
    return {
        "family": family,
        "image": image,
        "port": port,
        "cpu": cpu,
        "memory": memory,
        "log_group": prerequisites["log_group"],
        "secrets": dict(prerequisites["secrets"]),
        "execution_role_arn": prerequisites["roles"]["execution"],
        "task_role_arn": prerequisites["roles"]["task"],
    }


def service_inputs(session, platform: dict, *, name: str, desired_count: int = 2, port: int = 8080) -> dict:
    """The arguments of Exercise 2's ``create_web_service`` (session aside) on ``platform``,
    after registering Exercise 1's task definition (family ``name``) for it to run."""
    task_definition = web_task_definition(session, platform, family=name, port=port)
    return {
        "cluster": platform["cluster"],
        "name": name,
        "task_definition": task_definition,
        "desired_count": desired_count,
        "subnets": list(platform["subnets"]["app"].values()),
        "security_group": platform["security_groups"]["app"],
        "target_group_arn": platform["target_group_arn"],
        "container_name": name,
        "container_port": port,
    }
