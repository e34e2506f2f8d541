"""Starting states for topic 25: a routed VPC with a load balancer's security group, an ECS
cluster and a Fargate task definition, ready for a learner to run tasks in.

Built on :func:`grader.scenarios.vpc.public_routed` (public subnets behind an internet gateway)
plus one NAT gateway in the first public subnet that every app subnet routes through: one
gateway, not one per AZ, keeps each test's network to about 25 calls. The task
definition avoids moto's ``run_task`` pitfalls: every container has its own ``memory`` and
the VPC has DNS hostnames on. boto3 only, plus :func:`keep_tasks_running`.
"""

from __future__ import annotations

from grader.scenarios.vpc import public_routed
from grader.state.fargate import keep_tasks_running

WEB_IMAGE = "public.ecr.aws/nginx/nginx:1.27"


def task_definition(session, family: str, image: str, port: int | None = None, *,
                    cpu: str = "512", memory: str = "1024", architecture: str = "X86_64",
                    **container) -> str:
    """Register a Fargate (awsvpc) task definition with one essential container named after
    the family; returns its ARN. ``container`` adds container-definition fields."""
    definition = {"name": family, "image": image, "essential": True, "memory": int(memory),
                  **container}
    if port is not None:
        definition["portMappings"] = [{"containerPort": port, "protocol": "tcp"}]
    return session.client("ecs").register_task_definition(
        family=family, requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
        cpu=cpu, memory=memory, containerDefinitions=[definition],
        runtimePlatform={"cpuArchitecture": architecture, "operatingSystemFamily": "LINUX"},
    )["taskDefinition"]["taskDefinitionArn"]


def fargate_network(session, vpc_cidr: str, azs, app_port: int, *, cluster: str = "shop",
                    capacity_providers=None) -> dict:
    """``public_routed`` (public and app subnets per AZ) plus a NAT gateway for the app
    subnets, the load balancer's security group (443 from anywhere), an ECS cluster (with
    ``capacity_providers`` associated, none by default) and a task definition ``web``
    listening on ``app_port``.

    Returns the network dict with ``nat_gateway_id``, ``route_tables`` ({"public", "app"}),
    ``security_groups`` ({"alb": id}), ``cluster`` (its name), ``task_definition`` (ARN) and
    ``app_port``.
    """
    keep_tasks_running()
    network = public_routed(session, vpc_cidr, azs)
    ec2 = session.client("ec2")
    first_public = next(iter(network["subnets"]["public"].values()))
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat_id = ec2.create_nat_gateway(SubnetId=first_public, AllocationId=allocation)[
        "NatGateway"]["NatGatewayId"]
    app_table = ec2.create_route_table(VpcId=network["vpc_id"])["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=app_table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat_id)
    for subnet_id in network["subnets"]["app"].values():
        ec2.associate_route_table(RouteTableId=app_table, SubnetId=subnet_id)
    network = {**network, "nat_gateway_id": nat_id,
               "route_tables": {**network["route_tables"], "app": app_table}}
    alb = ec2.create_security_group(GroupName="alb", Description="load balancer",
                                    VpcId=network["vpc_id"])["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=alb, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ecs = session.client("ecs")
    extra = {"capacityProviders": list(capacity_providers)} if capacity_providers else {}
    ecs.create_cluster(clusterName=cluster, **extra)
    arn = task_definition(session, "web", WEB_IMAGE, app_port)
    return {**network, "security_groups": {"alb": alb}, "cluster": cluster,
            "task_definition": arn, "app_port": app_port}


def run_tasks(session, network: dict, tier: str, group_ids, *, count: int = 1,
              public_ip: bool = False, **placement) -> list[str]:
    """Run ``count`` tasks of the network's task definition in the ``tier`` subnets with
    ``group_ids``; ``placement`` is ``launchType=...`` or ``capacityProviderStrategy=...``
    (FARGATE by default). Returns the task ARNs."""
    placement = placement or {"launchType": "FARGATE"}
    tasks = session.client("ecs").run_task(
        cluster=network["cluster"], taskDefinition=network["task_definition"], count=count,
        networkConfiguration={"awsvpcConfiguration": {
            "subnets": list(network["subnets"][tier].values()), "securityGroups": list(group_ids),
            "assignPublicIp": "ENABLED" if public_ip else "DISABLED"}},
        **placement)["tasks"]
    return [t["taskArn"] for t in tasks]
