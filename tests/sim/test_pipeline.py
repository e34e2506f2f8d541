"""Tests for grader/sim/pipeline.py: buildspecs, build variables, pipeline structure, traffic."""

import pytest

from grader.scenarios.cicd import FLOW_MUTATIONS, STRUCTURE_MUTATIONS, random_pipeline, random_routing
from grader.sim import pipeline as sim

GOOD = """version: 0.2
env:
  parameter-store:
    DB_PASSWORD: /shop/db
phases:
  install:
    runtime-versions:
      python: 3.13
  build:
    commands:
      - pytest -q
artifacts:
  files: ['**/*']
"""


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param("phases: [", "not valid YAML", id="broken-yaml"),
        pytest.param("- a\n- b\n", "YAML mapping", id="a-list"),
        pytest.param("", "empty", id="empty"),
        pytest.param(
            "version: 0.1\nphases:\n  build:\n    commands: [make]\n", "version is 0.1", id="old-version"
        ),
        pytest.param(
            "version: 0.2\nphases:\n  test:\n    commands: [pytest]\n",
            "phase 'test' does not exist",
            id="test-phase",
        ),
        pytest.param(
            "version: 0.2\nphases:\n  build: {}\n", "phase 'build' has no commands", id="empty-phase"
        ),
        pytest.param(
            "version: 0.2\nphases:\n  build:\n    commands: make\n",
            "commands must be a list",
            id="commands-not-a-list",
        ),
        pytest.param("version: 0.2\n", "no phases", id="no-phases"),
    ],
)
def test_buildspec_problems_name_what_codebuild_would_reject(text, fragment):
    assert any(fragment in problem for problem in sim.buildspec_problems(text))


def test_a_good_buildspec_has_no_problems_and_its_phases_read_back():
    assert sim.buildspec_problems(GOOD) == []
    spec = sim.parse_buildspec(GOOD)
    assert sim.phase_commands(spec, "build") == ["pytest -q"]
    assert sim.phase_commands(spec, "post_build") == []


def test_parse_buildspec_raises_a_value_error_for_unreadable_text():
    with pytest.raises(sim.BuildspecError, match="not valid YAML"):
        sim.parse_buildspec("env: {")


def test_build_variables_merge_the_buildspec_and_the_project_whose_values_win():
    spec = sim.parse_buildspec(GOOD)
    spec["env"]["variables"] = {"STAGE": "ci", "DB_PASSWORD": "ignored"}
    spec["env"]["secrets-manager"] = {"TOKEN": "ci/token:api"}
    project = [{"name": "STAGE", "value": "prod", "type": "PLAINTEXT"}, {"name": "KEY", "value": "/k"}]
    found = sim.build_variables(project, spec)
    assert found == {
        "STAGE": ("PLAINTEXT", "prod"),
        "DB_PASSWORD": ("PARAMETER_STORE", "/shop/db"),
        "TOKEN": ("SECRETS_MANAGER", "ci/token:api"),
        "KEY": ("PLAINTEXT", "/k"),
    }


def test_build_variables_without_a_buildspec_read_the_project_only():
    assert sim.build_variables([{"name": "A", "value": "/a", "type": "PARAMETER_STORE"}], None) == {
        "A": ("PARAMETER_STORE", "/a")
    }


def _action(name, category, provider="X", inputs=(), outputs=(), run_order=1):
    return {
        "name": name,
        "actionTypeId": {"category": category, "owner": "AWS", "provider": provider, "version": "1"},
        "runOrder": run_order,
        "inputArtifacts": [{"name": i} for i in inputs],
        "outputArtifacts": [{"name": o} for o in outputs],
    }


def _pipeline(*stages):
    return {"name": "p", "stages": [{"name": name, "actions": list(actions)} for name, actions in stages]}


SOURCE = ("Source", [_action("S", "Source", outputs=["src"])])
BUILD = ("Build", [_action("B", "Build", inputs=["src"], outputs=["out"])])


@pytest.mark.parametrize(
    ("pipeline", "expected"),
    [
        pytest.param(_pipeline(SOURCE, BUILD), set(), id="valid"),
        pytest.param(_pipeline(SOURCE), {"too-few-stages"}, id="one-stage"),
        pytest.param(
            _pipeline(
                ("Source", [_action("S", "Source", outputs=["src"]), _action("T", "Test", run_order=2)]),
                BUILD,
            ),
            {"source-not-first"},
            id="test-in-source-stage",
        ),
        pytest.param(
            _pipeline(SOURCE, ("Build", [_action("S2", "Source", outputs=["s2"])])),
            {"source-not-first"},
            id="source-in-later-stage",
        ),
        pytest.param(
            _pipeline(SOURCE, ("Build", [_action("B", "Build", inputs=["src"], outputs=["src"])])),
            {"duplicate-output"},
            id="duplicate-output",
        ),
        pytest.param(
            _pipeline(SOURCE, ("Build", [_action("B", "Build", inputs=["source"])])),
            {"missing-input"},
            id="unknown-input",
        ),
        pytest.param(
            _pipeline(
                SOURCE,
                (
                    "Build",
                    [
                        _action("B", "Build", inputs=["src"], outputs=["out"]),
                        _action("T", "Test", inputs=["out"]),
                    ],
                ),
            ),
            {"missing-input"},
            id="parallel-actions-do-not-see-each-others-output",
        ),
        pytest.param(
            _pipeline(
                SOURCE,
                (
                    "Build",
                    [
                        _action("B", "Build", inputs=["src"], outputs=["out"]),
                        _action("T", "Test", inputs=["out"], run_order=2),
                    ],
                ),
            ),
            set(),
            id="later-run-order-sees-the-output",
        ),
        pytest.param(
            _pipeline(SOURCE, BUILD, ("Production", [_action("D", "Deploy", inputs=["out"])])),
            {"unapproved-production"},
            id="prod-without-approval",
        ),
        pytest.param(
            _pipeline(
                SOURCE,
                BUILD,
                ("Production", [_action("A", "Approval", "Manual"), _action("D", "Deploy", inputs=["out"])]),
            ),
            {"unapproved-production"},
            id="approval-in-parallel-gates-nothing",
        ),
        pytest.param(
            _pipeline(
                SOURCE,
                BUILD,
                (
                    "Production",
                    [_action("A", "Approval", "Manual"), _action("D", "Deploy", inputs=["out"], run_order=2)],
                ),
            ),
            set(),
            id="approval-first",
        ),
        pytest.param(
            _pipeline(
                SOURCE,
                BUILD,
                ("Gate", [_action("A", "Approval", "Manual")]),
                ("prod-eu", [_action("D", "Deploy", inputs=["out"])]),
            ),
            set(),
            id="approval-stage-before",
        ),
        pytest.param(
            _pipeline(
                SOURCE,
                BUILD,
                ("Gate", [_action("A", "Approval", "Custom")]),
                ("PROD", [_action("D", "Deploy", inputs=["out"])]),
            ),
            {"unapproved-production"},
            id="only-manual-approvals-count",
        ),
        pytest.param(
            _pipeline(SOURCE, BUILD, ("Release", [_action("D", "Deploy", inputs=["out"])])),
            set(),
            id="not-a-production-stage",
        ),
    ],
)
def test_stage_problems(pipeline, expected):
    assert sim.stage_problems(pipeline) == expected


def test_generated_pipelines_cover_every_problem_and_valid_ones():
    found = [sim.stage_problems(random_pipeline(seed)) for seed in range(300)]
    assert set().union(*found) == set(sim.PROBLEMS) and set() in found


@pytest.mark.parametrize("mutation", STRUCTURE_MUTATIONS + FLOW_MUTATIONS)
def test_each_mutation_yields_only_its_family_of_problems(mutation):
    problems = sim.stage_problems(random_pipeline(7, (mutation,)))
    family = sim.STRUCTURE if mutation in STRUCTURE_MUTATIONS else sim.FLOW
    assert problems <= family
    if mutation not in ("not-production", "approval-in-own-stage"):
        assert problems


@pytest.mark.parametrize(
    ("routing", "expected"),
    [
        pytest.param({"type": "AllAtOnce"}, [(0, 100)], id="all-at-once"),
        pytest.param(
            {"type": "TimeBasedCanary", "timeBasedCanary": {"canaryPercentage": 10, "canaryInterval": 5}},
            [(0, 10), (5, 100)],
            id="canary",
        ),
        pytest.param(
            {"type": "TimeBasedLinear", "timeBasedLinear": {"linearPercentage": 25, "linearInterval": 3}},
            [(0, 25), (3, 50), (6, 75), (9, 100)],
            id="linear-divides-100",
        ),
        pytest.param(
            {"type": "TimeBasedLinear", "timeBasedLinear": {"linearPercentage": 40, "linearInterval": 2}},
            [(0, 40), (2, 80), (4, 100)],
            id="linear-last-step-capped",
        ),
    ],
)
def test_traffic_schedule(routing, expected):
    assert sim.traffic_schedule(routing) == expected


def test_traffic_schedule_rejects_an_unknown_type():
    with pytest.raises(ValueError, match="unknown traffic routing"):
        sim.traffic_schedule({"type": "Gradual"})


def test_every_schedule_ends_at_100_percent_and_only_rises():
    for routing in [random_routing(seed) for seed in range(200)] + list(sim.PREDEFINED.values()):
        steps = sim.traffic_schedule(routing)
        assert steps[0][0] == 0 and steps[-1][1] == 100
        assert all(a[0] < b[0] and a[1] < b[1] for a, b in zip(steps, steps[1:], strict=False))


def test_limits_table_dates_and_sources_every_figure():
    table = sim.limits_table()
    assert sim.AS_OF == "2026-11" and len(table) == len(sim.LIMITS)
    assert table["checked against"].str.startswith("https://").all()
