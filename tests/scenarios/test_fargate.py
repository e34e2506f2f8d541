"""grader/scenarios/fargate.py builds the starting state of topic 25."""

from __future__ import annotations

import pytest

from grader.checks.ec2 import subnet_is_public
from grader.errors import CheckFailed
from grader.scenarios.fargate import fargate_network
from grader.sim import fargate as sim
from grader.state.fargate import let_tasks_progress


@pytest.fixture(autouse=True)
def _tasks_progress_again_afterwards():
    yield
    let_tasks_progress()


def test_fargate_network_has_public_and_private_subnets_a_cluster_and_a_valid_task(session):
    net = fargate_network(session, "10.64.0.0/16", ["us-east-1a", "us-east-1b"], 3000, cluster="c1",
                          capacity_providers=["FARGATE"])
    assert set(net["subnets"]) == {"public", "app"} and net["app_port"] == 3000
    for subnet_id in net["subnets"]["public"].values():
        subnet_is_public(session, subnet_id)
    ec2 = session.client("ec2")
    for subnet_id in net["subnets"]["app"].values():
        with pytest.raises(CheckFailed):
            subnet_is_public(session, subnet_id)
        [table] = ec2.describe_route_tables(Filters=[
            {"Name": "association.subnet-id", "Values": [subnet_id]}])["RouteTables"]
        assert any(r.get("NatGatewayId") == net["nat_gateway_id"] for r in table["Routes"])
    ecs = session.client("ecs")
    assert ecs.describe_clusters(clusters=["c1"])["clusters"][0]["capacityProviders"] == ["FARGATE"]
    definition = ecs.describe_task_definition(taskDefinition=net["task_definition"])["taskDefinition"]
    assert sim.valid_size(definition["cpu"], definition["memory"])
    assert definition["containerDefinitions"][0]["portMappings"][0]["containerPort"] == 3000
