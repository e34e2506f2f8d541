"""Tests for grader/sim/ecs.py: rolling-update limits, the circuit breaker threshold, Fargate sizes
and the security review, from the figures in the ECS Developer Guide (as of 2026-11)."""

import pytest

from grader.sim import ecs as sim


def test_tables_are_dated_and_sourced():
    assert sim.AS_OF == "2026-11" and sim.REGION == "us-east-1"
    assert all(url.startswith("https://docs.aws.amazon.com/") for url in sim.SOURCES.values())


@pytest.mark.parametrize(
    ("desired", "minimum", "maximum", "low", "high", "progresses"),
    [
        pytest.param(4, 100, 200, 4, 8, True, id="defaults-start-a-full-new-set"),
        pytest.param(4, 50, 100, 2, 4, True, id="docs-example-stop-two-start-two"),
        pytest.param(2, 75, 200, 2, 4, True, id="docs-example-75-of-2-rounds-up-to-2"),
        pytest.param(3, 50, 150, 2, 4, True, id="max-rounds-down"),
        pytest.param(4, 100, 100, 4, 4, False, id="both-bounds-at-desired-cannot-move"),
        pytest.param(1, 100, 100, 1, 1, False, id="single-task-no-room"),
        pytest.param(3, 75, 125, 3, 3, False, id="rounding-closes-both-doors"),
        pytest.param(7, 0, 100, 0, 7, True, id="zero-minimum-stops-everything-first"),
    ],
)
def test_rolling_limits(desired, minimum, maximum, low, high, progresses):
    limits = sim.rolling_limits(desired, minimum, maximum)
    assert (limits["min_running"], limits["max_running"], limits["progresses"]) == (low, high, progresses)


def test_rolling_limits_defaults_are_100_and_200():
    assert sim.rolling_limits(6) == sim.rolling_limits(6, 100, 200)


@pytest.mark.parametrize(
    ("desired", "threshold"),
    [
        pytest.param(1, 3, id="floor-of-3"),
        pytest.param(6, 3, id="half-of-6"),
        pytest.param(10, 5, id="half-of-10"),
        pytest.param(9, 5, id="odd-rounds-up-course-choice"),
        pytest.param(400, 200, id="half-of-400-at-the-cap"),
        pytest.param(5000, 200, id="capped-at-200"),
    ],
)
def test_failure_threshold_bounded_percent(desired, threshold):
    assert sim.failure_threshold(desired) == threshold
    assert sim.rolling_limits(desired)["failure_threshold"] == threshold


def test_failure_threshold_other_types():
    assert sim.failure_threshold(5000, "UNBOUNDED_PERCENT", 50) == 2500
    assert sim.failure_threshold(2, "UNBOUNDED_PERCENT", 50) == 1
    assert sim.failure_threshold(100, "COUNT", 7) == 7
    assert sim.failure_threshold(100, "BOUNDED_PERCENT", 10) == 10


@pytest.mark.parametrize(
    ("cpu", "memory", "valid"),
    [
        (256, 512, True),
        ("256", "2048", True),
        (256, 3072, False),
        (256, 1536, False),
        (512, 4096, True),
        (512, 512, False),
        (1024, 8192, True),
        (2048, 16384, True),
        (2048, 17408, False),
        (4096, 30720, True),
        (8192, 20480, True),
        (8192, 18432, False),
        (16384, 122880, True),
        (16384, 36864, False),
        (384, 1024, False),
        ("abc", 512, False),
        (None, None, False),
    ],
)
def test_fargate_sizes(cpu, memory, valid):
    assert sim.fargate_size_valid(cpu, memory) is valid


def test_fargate_sizes_table_has_one_row_per_cpu():
    rows = sim.fargate_sizes_table()
    assert [r["cpu (units)"] for r in rows] == [256, 512, 1024, 2048, 4096, 8192, 16384]
    assert rows[0]["memory (MiB)"] == "512, 1024, 2048"
    assert rows[-1]["memory (MiB)"] == "32768-122880 step 8192"


@pytest.mark.parametrize(
    ("user", "root"),
    [
        (None, True),
        ("", True),
        ("root", True),
        ("0", True),
        ("0:0", True),
        ("root:staff", True),
        ("1000", False),
        ("1000:1000", False),
        ("app", False),
        ("app:0", False),
    ],
)
def test_runs_as_root(user, root):
    assert sim.runs_as_root(user) is root


GOOD_CONTAINER = {
    "name": "web",
    "image": "nginx",
    "user": "1000",
    "readonlyRootFilesystem": True,
    "environment": [{"name": "MODE", "value": "prod"}],
    "secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:secret"}],
    "logConfiguration": {"logDriver": "awslogs", "options": {}},
}


def test_task_definition_findings_pass_a_good_definition():
    td = {"executionRoleArn": "arn:role", "containerDefinitions": [GOOD_CONTAINER]}
    assert sim.task_definition_findings(td, {"arn:secret": "hunter2"}) == []


def test_task_definition_findings_list_every_problem_in_order():
    bad = {
        "name": "web",
        "image": "nginx",
        "privileged": True,
        "environment": [{"name": "DB_PASSWORD", "value": "hunter2"}, {"name": "MODE", "value": "prod"}],
    }
    td = {"containerDefinitions": [bad, {**GOOD_CONTAINER, "name": "sidecar"}]}
    assert sim.task_definition_findings(td, {"arn:secret": "hunter2"}) == [
        "web: secret value in plain environment variable DB_PASSWORD",
        "web: privileged container",
        "web: runs as root",
        "web: writable root file system",
        "web: no log configuration",
        "task: secrets or awslogs without an execution role",
    ]


def test_service_findings():
    good = {
        "networkConfiguration": {"awsvpcConfiguration": {"assignPublicIp": "DISABLED"}},
        "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
    }
    assert sim.service_findings(good) == []
    bad = {
        "networkConfiguration": {"awsvpcConfiguration": {"assignPublicIp": "ENABLED"}},
        "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": True, "rollback": False}},
    }
    assert sim.service_findings(bad) == [
        "service: tasks get public IP addresses",
        "service: no circuit breaker with rollback",
    ]
