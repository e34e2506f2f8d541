"""grader/checks/fargate.py: sizes and costs against the reference, tasks' capacity, network
placement and groups, and batch task definitions fit for Fargate Spot; every learner message
pinned on its text."""

from __future__ import annotations

import pytest

from grader.checks import fargate as check
from grader.errors import CheckFailed
from grader.scenarios.fargate import fargate_network, run_tasks, task_definition
from grader.sim import fargate as sim
from grader.state.fargate import let_tasks_progress

from .failures import failure


@pytest.fixture(autouse=True)
def _tasks_progress_again_afterwards():
    yield
    let_tasks_progress()


@pytest.fixture
def net(session):
    return fargate_network(session, "10.60.0.0/16", ["us-east-1a", "us-east-1b"], 8080)


def group(session, net, name, *permissions):
    ec2 = session.client("ec2")
    group_id = ec2.create_security_group(GroupName=name, Description=name, VpcId=net["vpc_id"])["GroupId"]
    if permissions:
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=list(permissions))
    return group_id


def from_alb(net, port=8080):
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
            "UserIdGroupPairs": [{"GroupId": net["security_groups"]["alb"]}]}


# --- pure checks against the reference ---------------------------------------------------

def test_size_validator_agrees_passes_the_reference_and_names_the_first_miss():
    cases = check.size_cases([256, 8192], [512, 20480], ["LINUX", "WINDOWS_SERVER_2022_CORE"])
    assert len(cases) == 8
    check.size_validator_agrees(sim.valid_size, cases)
    lines = failure(check.size_validator_agrees, lambda c, m, o="LINUX": int(m) <= 2048, cases)
    assert lines["what"] == ("valid_fargate_size agrees with the course's reference on 4 of 8 cases; "
                             "first miss: valid_fargate_size(8192, 512, 'LINUX')")
    assert lines["expected"] == "False" and lines["found"] == "True"
    assert lines["next"].startswith("Convert cpu to units and memory to MiB first")


def test_right_size_agrees_reports_a_learner_exception():
    check.right_size_agrees(sim.right_size, [(0.25, 3), (17, 1)])
    lines = failure(check.right_size_agrees, lambda v, g: {"cpu": 256}[v], [(0.25, 3)])
    assert lines["what"].endswith("first miss: right_size(vcpus=0.25, memory_gib=3)")
    assert lines["expected"] == "{'cpu': 512, 'memory': 3072}"
    assert lines["found"].startswith("raised KeyError")


def test_comparison_agrees_allows_a_cent_and_compares_only_the_keys_asked():
    cases = [(256, 512, 20, "m5.large", 730)]

    def off_by(delta):
        def answer(*case):
            right = sim.compare_launch_types(*case)
            return {**right, "fargate": right["fargate"] + delta}
        return answer

    check.comparison_agrees(off_by(0.01), cases, ["fargate", "fargate_spot"])
    check.comparison_agrees(off_by(5), cases, ["instances", "ec2"])
    lines = failure(check.comparison_agrees, off_by(0.05), cases, ["fargate", "fargate_spot"])
    assert lines["what"].endswith(
        "first miss: compare_launch_types(256, 512, tasks=20, instance_type='m5.large', hours=730)")
    assert lines["expected"] == "{'fargate': 180.20, 'fargate_spot': 54.06}"
    assert lines["found"] == "{'fargate': 180.25, 'fargate_spot': 54.06}"
    assert failure(check.comparison_agrees, lambda *c: None, cases, ["ec2"])["found"] == "None"
    assert failure(check.comparison_agrees, lambda *c: {}, cases, ["ec2"])["found"] == "{'ec2': 'missing'}"


# --- tasks ---------------------------------------------------------------------------------

def test_task_runs_on_checks_capacity_and_names_the_fix(session, net):
    [fargate] = run_tasks(session, net, "app", [net["security_groups"]["alb"]])
    check.task_runs_on(session, net["cluster"], fargate, "FARGATE")
    lines = failure(check.task_runs_on, session, net["cluster"], fargate, "FARGATE_SPOT")
    assert lines["what"] == f"Task {fargate} runs on FARGATE_SPOT"
    assert (lines["expected"], lines["found"]) == ("FARGATE_SPOT", "FARGATE")
    assert lines["next"].startswith("Pass capacityProviderStrategy=[{'capacityProvider': 'FARGATE_SPOT'")


def test_task_runs_on_a_provider_needs_the_cluster_to_offer_it(session, net):
    [arn] = run_tasks(session, net, "app", [net["security_groups"]["alb"]],
                      capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}])
    lines = failure(check.task_runs_on, session, net["cluster"], arn, "FARGATE")
    assert (lines["what"], lines["found"]) == ("Cluster shop offers FARGATE", "capacity providers none")
    session.client("ecs").put_cluster_capacity_providers(
        cluster="shop", capacityProviders=["FARGATE"], defaultCapacityProviderStrategy=[])
    check.task_runs_on(session, net["cluster"], arn, "FARGATE")


def test_task_runs_on_refuses_what_is_not_a_running_task(session, net):
    lines = failure(check.task_runs_on, session, net["cluster"], None)
    assert lines["found"] == "None (a NoneType)" and "taskArn" in lines["next"]
    ghost = "arn:aws:ecs:us-east-1:123456789012:task/shop/0123456789abcdef"
    assert failure(check.task_runs_on, session, net["cluster"], ghost)["found"].startswith(f"{ghost}: ")
    [arn] = run_tasks(session, net, "app", [net["security_groups"]["alb"]])
    session.client("ecs").stop_task(cluster=net["cluster"], task=arn)
    assert failure(check.task_runs_on, session, net["cluster"], arn)["found"] == "lastStatus STOPPED"


def test_returned_values_must_be_dicts():
    assert check.returned_task({"task_arn": "a"}) == "a"
    assert check.returned_tasks({"tasks": ("a", "b")}) == ["a", "b"]
    assert failure(check.returned_task, None)["what"] == "run_web_task's return value"
    assert failure(check.returned_tasks, [])["what"] == "run_spot_batch's return value"


def test_task_admits_only_the_load_balancer_on_the_port(session, net):
    good = group(session, net, "task", from_alb(net))
    [arn] = run_tasks(session, net, "app", [good])
    check.task_admits_only(session, net["cluster"], arn, 8080, net["security_groups"]["alb"])
    lines = failure(check.task_admits_only, session, net["cluster"], arn, 9090, net["security_groups"]["alb"])
    assert lines["what"] == f"Security group {good} admits only tcp 9090 from {net['security_groups']['alb']}"

    open_group = group(session, net, "open", {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
                                              "IpRanges": [{"CidrIp": "0.0.0.0/0"}]})
    [arn] = run_tasks(session, net, "app", [good, open_group])
    lines = failure(check.task_admits_only, session, net["cluster"], arn, 8080, net["security_groups"]["alb"])
    assert "tcp 8080 from 0.0.0.0/0" in lines["found"] and "whole internet" in lines["next"]


def test_task_admits_only_needs_one_group_that_admits_the_port(session, net):
    empty = group(session, net, "empty")
    [arn] = run_tasks(session, net, "app", [empty])
    lines = failure(check.task_admits_only, session, net["cluster"], arn, 8080, net["security_groups"]["alb"])
    alb = net["security_groups"]["alb"]
    assert lines["what"] == f"Security group {empty} admits tcp 8080 from group {alb}"


def test_task_is_private_catches_a_public_subnet_and_a_public_ip(session, net):
    alb = net["security_groups"]["alb"]
    with check.run_task_requests() as sent:
        [private] = run_tasks(session, net, "app", [alb])
    check.task_is_private(session, net["cluster"], private, sent)

    with check.run_task_requests() as sent:
        [public] = run_tasks(session, net, "public", [alb], public_ip=True)
    lines = failure(check.task_is_private, session, net["cluster"], public, sent)
    assert lines["what"] == f"Task {public} runs in a private subnet"
    assert lines["found"].endswith("a public subnet: its 0.0.0.0/0 route goes to an internet gateway")

    with check.run_task_requests() as sent:
        [exposed] = run_tasks(session, net, "app", [alb], public_ip=True)
    lines = failure(check.task_is_private, session, net["cluster"], exposed, sent)
    assert lines["found"] == "a run_task call with assignPublicIp ENABLED"

    public_b, app_a = net["subnets"]["public"]["us-east-1b"], net["subnets"]["app"]["us-east-1a"]
    with check.run_task_requests() as sent:
        [mixed] = session.client("ecs").run_task(
            cluster="shop", taskDefinition=net["task_definition"], launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": {
                "subnets": [app_a, public_b], "securityGroups": [alb]}})["tasks"]
    lines = failure(check.task_is_private, session, net["cluster"], mixed["taskArn"], sent)
    assert lines["found"] == f"{public_b} in a run_task call is a public subnet"


# --- Fargate Spot ---------------------------------------------------------------------------

SPOT = [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]


def test_spot_batch_needs_the_provider_on_the_cluster_and_every_task_on_spot(session, net):
    alb = net["security_groups"]["alb"]
    arns = run_tasks(session, net, "app", [alb], count=2, capacityProviderStrategy=SPOT)
    lines = failure(check.spot_batch, session, net["cluster"], {"tasks": arns}, 2)
    assert lines["what"] == "Cluster shop offers FARGATE_SPOT" and lines["found"] == "capacity providers none"

    session.client("ecs").put_cluster_capacity_providers(
        cluster="shop", capacityProviders=["FARGATE", "FARGATE_SPOT"], defaultCapacityProviderStrategy=[])
    check.spot_batch(session, net["cluster"], {"tasks": arns}, 2)
    lines = failure(check.spot_batch, session, net["cluster"], {"tasks": arns}, 3)
    assert lines["found"] == "2 distinct ARNs"
    on_demand = run_tasks(session, net, "app", [alb])
    lines = failure(check.spot_batch, session, net["cluster"], {"tasks": arns[:1] + on_demand}, 2)
    assert (lines["expected"], lines["found"]) == ("FARGATE_SPOT", "FARGATE")


def test_spot_ready_reads_the_task_definition(session):
    ready = task_definition(session, "job", "busybox", cpu="1024", memory="2048", stopTimeout=120)
    check.spot_ready(session, {"task_definition": ready})
    arm = task_definition(session, "arm", "busybox", cpu="1024", memory="2048", architecture="ARM64",
                          stopTimeout=120)
    lines = failure(check.spot_ready, session, {"task_definition": arm})
    assert (lines["expected"], lines["found"]) == ("cpuArchitecture X86_64 on LINUX", "ARM64 on LINUX")
    quick = task_definition(session, "quick", "busybox", cpu="1024", memory="2048")
    lines = failure(check.spot_ready, session, {"task_definition": quick})
    assert lines["found"] == "[None]" and "the default is 30 s" in lines["next"]
    odd = task_definition(session, "odd", "busybox", cpu="256", memory="4096", stopTimeout=120)
    assert failure(check.spot_ready, session, {"task_definition": odd})["found"] == "cpu 256, memory 4096"
    lines = failure(check.spot_ready, session, {"task_definition": "nope"})
    assert lines["what"] == "Task definition 'nope' exists"


def test_tasks_admit_nothing_wants_private_tasks_in_closed_groups(session, net):
    closed = group(session, net, "closed")
    with check.run_task_requests() as sent:
        arns = run_tasks(session, net, "app", [closed], count=2)
    check.tasks_admit_nothing(session, net["cluster"], arns, sent)
    ssh = group(session, net, "ssh", {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                       "IpRanges": [{"CidrIp": "10.0.0.0/8"}]})
    arns = run_tasks(session, net, "app", [closed, ssh])
    lines = failure(check.tasks_admit_nothing, session, net["cluster"], arns, [])
    assert lines["what"] == f"Security group {ssh} of the batch tasks admits nothing"
    assert lines["found"].startswith("tcp 22 from 10.0.0.0/8")
    with pytest.raises(CheckFailed):
        check.tasks_admit_nothing(session, net["cluster"], run_tasks(session, net, "public", [closed]), [])
