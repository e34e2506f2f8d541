"""grader/state/fargate.py holds tasks RUNNING, records RunTask requests and reads tasks and
their network interfaces into plain data."""

from __future__ import annotations

import pytest

from grader.scenarios.fargate import fargate_network, run_tasks
from grader.state import fargate as state


@pytest.fixture(autouse=True)
def _tasks_progress_again_afterwards():
    yield
    state.let_tasks_progress()


def test_tasks_stay_running_however_often_they_are_read_until_released(session):
    net = fargate_network(session, "10.61.0.0/16", ["us-east-1a"], 80)
    [arn] = run_tasks(session, net, "app", [net["security_groups"]["alb"]])
    for _ in range(5):
        [view], failures = state.describe_tasks(session, "shop", [arn])
    assert view["status"] == "RUNNING" and failures == []
    state.let_tasks_progress()
    statuses = [state.describe_tasks(session, "shop", [arn])[0][0]["status"] for _ in range(5)]
    assert statuses[-1] == "STOPPED"


def test_run_task_requests_records_what_was_sent(session):
    net = fargate_network(session, "10.62.0.0/16", ["us-east-1a", "us-east-1b"], 80)
    with state.run_task_requests() as sent:
        run_tasks(session, net, "app", [net["security_groups"]["alb"]])
        run_tasks(session, net, "public", [net["security_groups"]["alb"]], public_ip=True)
    run_tasks(session, net, "app", [net["security_groups"]["alb"]])
    assert [state.public_ip_requested(r) for r in sent] == [False, True]
    assert sent[0]["launchType"] == "FARGATE" and sent[0]["cluster"] == "shop"
    assert state.public_ip_requested({}) is False


def test_task_view_and_eni_groups(session):
    net = fargate_network(session, "10.63.0.0/16", ["us-east-1a", "us-east-1b"], 80)
    alb = net["security_groups"]["alb"]
    [arn] = run_tasks(session, net, "app", [alb], capacityProviderStrategy=[
        {"capacityProvider": "FARGATE_SPOT", "weight": 1}])
    [view], _ = state.describe_tasks(session, "shop", [arn])
    assert view["task_arn"] == arn and view["capacity_provider"] == "FARGATE_SPOT"
    assert view["launch_type"] is None and view["subnet_id"] in net["subnets"]["app"].values()
    assert view["eni_id"].startswith("eni-") and view["task_definition_arn"] == net["task_definition"]
    assert state.eni_groups(session, [view["eni_id"], None]) == {view["eni_id"]: [alb]}
    assert state.eni_groups(session, []) == {}
    assert state.task_view({"taskArn": "t"})["subnet_id"] is None
