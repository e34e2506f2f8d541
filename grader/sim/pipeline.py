"""What CodeBuild, CodeDeploy and CodePipeline do with a configuration that moto only stores.

moto 5.2.5 keeps a build project's buildspec but never runs it (a build whose buildspec is
``exit 1`` still SUCCEEDS), accepts any pipeline structure CodePipeline itself would refuse,
and never shifts traffic. This module is the course's reference for those behaviours, on plain
data (no boto3):

- :func:`parse_buildspec` and :func:`buildspec_problems`: the buildspec as CodeBuild reads it;
- :func:`build_variables`: where each build environment variable comes from (plaintext,
  Parameter Store, Secrets Manager), from the project and its buildspec together;
- :func:`stage_problems`: the structure rules CodePipeline enforces, plus the course's rule
  that a production deploy waits for a manual approval;
- :func:`traffic_schedule`: when a canary, linear or all-at-once deployment moves traffic.

The figures in :data:`LIMITS` are dated; the notebook shows them as a table.
"""

from __future__ import annotations

import math

import pandas as pd
import yaml

AS_OF = "2026-11"
REGION = "us-east-1"
SOURCES = {
    "buildspec": "https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html",
    "codebuild": "https://docs.aws.amazon.com/codebuild/latest/APIReference/API_CreateProject.html",
    "codepipeline": "https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html",
    "pricing": "https://aws.amazon.com/codepipeline/pricing/",
    "codedeploy": "https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html",
    "blue-green": "https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_BlueInstanceTerminationOption.html",
}

#: Limits and prices the notebook quotes, each with the page it was checked against (as of AS_OF).
LIMITS = [
    ("CodeBuild", "build timeout", "5 to 2,160 minutes (36 h), default 60", "codebuild"),
    ("CodeBuild", "time a build may wait in the queue", "5 minutes to 8 hours, default 8 hours", "codebuild"),
    ("CodeBuild", "buildspec phases", "install, pre_build, build, post_build (no others)", "buildspec"),
    (
        "CodePipeline",
        "stages per pipeline",
        "at least 2; the first holds only source actions",
        "codepipeline",
    ),
    (
        "CodePipeline",
        "manual approval timeout",
        "7 days by default; 5 minutes to 60 days per action",
        "codepipeline",
    ),
    ("CodePipeline", "CodeDeploy action timeout", "5 days", "codepipeline"),
    ("CodePipeline", "pipelines per Region", "1,000 (adjustable)", "codepipeline"),
    (
        "CodePipeline",
        "V2 price",
        "$0.002 per action execution minute; 100 free minutes a month; manual approvals not charged",
        "pricing",
    ),
    ("CodePipeline", "V1 price", "$1 per active pipeline a month; 1 free", "pricing"),
    (
        "CodeDeploy",
        "blue instances kept after a blue/green success",
        "0 to 2,880 minutes (2 days)",
        "blue-green",
    ),
]

# -- buildspec ------------------------------------------------------------------------------

BUILD_PHASES = ("install", "pre_build", "build", "post_build")
PHASE_KEYS = {"commands", "finally", "runtime-versions", "run-as", "on-failure"}


class BuildspecError(ValueError):
    """A buildspec CodeBuild could not read at all (not YAML, not a mapping)."""


def parse_buildspec(text: str) -> dict:
    """The buildspec as a dict, or :class:`BuildspecError` saying why CodeBuild could not read it."""
    if not isinstance(text, str) or not text.strip():
        raise BuildspecError("the buildspec is empty")
    try:
        spec = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise BuildspecError(f"not valid YAML ({str(error).splitlines()[0]})") from None
    if not isinstance(spec, dict):
        raise BuildspecError(f"a buildspec is a YAML mapping, not a {type(spec).__name__}")
    return spec


def buildspec_problems(text: str) -> list[str]:
    """What CodeBuild would reject or silently skip in a buildspec, in plain words ([] if none)."""
    try:
        spec = parse_buildspec(text)
    except BuildspecError as error:
        return [str(error)]
    problems = []
    if str(spec.get("version")) != "0.2":
        problems.append(f"version is {spec.get('version')!r}; use version: 0.2")
    phases = spec.get("phases")
    if not isinstance(phases, dict) or not phases:
        return problems + ["no phases: the build would run no commands"]
    for name, phase in phases.items():
        if name not in BUILD_PHASES:
            problems.append(f"phase {name!r} does not exist (CodeBuild knows only {', '.join(BUILD_PHASES)})")
        elif not isinstance(phase, dict):
            problems.append(f"phase {name!r} is not a mapping with commands")
        elif not phase.get("commands") and not phase.get("runtime-versions"):
            problems.append(f"phase {name!r} has no commands")
        elif phase.get("commands") is not None and not isinstance(phase.get("commands"), list):
            problems.append(f"phase {name!r}: commands must be a list")
    return problems


def phase_commands(spec: dict, phase: str) -> list[str]:
    """The commands of one phase of a parsed buildspec ([] when the phase is absent)."""
    body = (spec.get("phases") or {}).get(phase) or {}
    commands = body.get("commands") if isinstance(body, dict) else None
    return [str(c) for c in commands] if isinstance(commands, list) else []


def build_variables(environment_variables: list[dict], spec: dict | None) -> dict[str, tuple[str, str]]:
    """Each variable a build sees: name -> (type, value), where type is PLAINTEXT,
    PARAMETER_STORE or SECRETS_MANAGER and value is the text, parameter name or secret id.

    Project variables (``environment.environmentVariables``) win over the buildspec's ``env``
    when both define a name, as in CodeBuild.
    """
    found: dict[str, tuple[str, str]] = {}
    env = (spec or {}).get("env") or {}
    sections = {
        "variables": "PLAINTEXT",
        "parameter-store": "PARAMETER_STORE",
        "secrets-manager": "SECRETS_MANAGER",
    }
    if isinstance(env, dict):
        for section, kind in sections.items():
            for name, value in (env.get(section) or {}).items() if isinstance(env.get(section), dict) else ():
                found[str(name)] = (kind, str(value))
    for variable in environment_variables or []:
        found[variable["name"]] = (variable.get("type", "PLAINTEXT"), str(variable.get("value", "")))
    return found


# -- pipeline structure -----------------------------------------------------------------------

TOO_FEW_STAGES = "too-few-stages"
SOURCE_NOT_FIRST = "source-not-first"
DUPLICATE_OUTPUT = "duplicate-output"
MISSING_INPUT = "missing-input"
UNAPPROVED_PRODUCTION = "unapproved-production"

#: Every code :func:`stage_problems` can return, with what it means.
PROBLEMS = {
    TOO_FEW_STAGES: "a pipeline needs at least two stages",
    SOURCE_NOT_FIRST: "the first stage must hold only source actions, and no other stage any",
    DUPLICATE_OUTPUT: "two actions produce an output artifact of the same name",
    MISSING_INPUT: "an action reads an artifact that no earlier action produced",
    UNAPPROVED_PRODUCTION: "a deploy in a production stage runs before any manual approval",
}
STRUCTURE = frozenset({TOO_FEW_STAGES, SOURCE_NOT_FIRST, DUPLICATE_OUTPUT})
FLOW = frozenset({MISSING_INPUT, UNAPPROVED_PRODUCTION})


def _category(action: dict) -> str:
    return action["actionTypeId"]["category"]


def _names(artifacts) -> list[str]:
    return [a["name"] for a in artifacts or []]


def is_production(stage_name: str) -> bool:
    """The course's convention: a stage whose name contains "prod" (any case) is production."""
    return "prod" in stage_name.lower()


def is_manual_approval(action: dict) -> bool:
    kind = action["actionTypeId"]
    return kind["category"] == "Approval" and kind.get("provider") == "Manual"


def stage_problems(pipeline: dict) -> set[str]:
    """The codes of :data:`PROBLEMS` that apply to a pipeline declaration (``get_pipeline``'s
    ``pipeline``). Within a stage, actions run in ``runOrder`` (default 1); actions with the same
    runOrder run in parallel, so neither sees the other's output, nor counts as before it."""
    stages = pipeline.get("stages") or []
    problems = set()
    if len(stages) < 2:
        problems.add(TOO_FEW_STAGES)
    outputs: list[str] = []
    produced: set[str] = set()
    approved = False
    for index, stage in enumerate(stages):
        actions = stage.get("actions") or []
        if any((_category(a) == "Source") != (index == 0) for a in actions):
            problems.add(SOURCE_NOT_FIRST)
        for order in sorted({a.get("runOrder", 1) for a in actions}):
            batch = [a for a in actions if a.get("runOrder", 1) == order]
            for action in batch:
                if any(name not in produced for name in _names(action.get("inputArtifacts"))):
                    problems.add(MISSING_INPUT)
                if _category(action) == "Deploy" and is_production(stage["name"]) and not approved:
                    problems.add(UNAPPROVED_PRODUCTION)
            for action in batch:
                outputs += _names(action.get("outputArtifacts"))
                produced.update(_names(action.get("outputArtifacts")))
                approved = approved or is_manual_approval(action)
    if len(outputs) != len(set(outputs)):
        problems.add(DUPLICATE_OUTPUT)
    return problems


# -- traffic shifting -------------------------------------------------------------------------

#: CodeDeploy's predefined Lambda and ECS configurations, as trafficRoutingConfig dicts.
PREDEFINED = {
    "CodeDeployDefault.LambdaAllAtOnce": {"type": "AllAtOnce"},
    "CodeDeployDefault.LambdaCanary10Percent5Minutes": {
        "type": "TimeBasedCanary",
        "timeBasedCanary": {"canaryPercentage": 10, "canaryInterval": 5},
    },
    "CodeDeployDefault.LambdaCanary10Percent30Minutes": {
        "type": "TimeBasedCanary",
        "timeBasedCanary": {"canaryPercentage": 10, "canaryInterval": 30},
    },
    "CodeDeployDefault.LambdaLinear10PercentEvery1Minute": {
        "type": "TimeBasedLinear",
        "timeBasedLinear": {"linearPercentage": 10, "linearInterval": 1},
    },
    "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes": {
        "type": "TimeBasedLinear",
        "timeBasedLinear": {"linearPercentage": 10, "linearInterval": 10},
    },
    "CodeDeployDefault.ECSCanary10Percent15Minutes": {
        "type": "TimeBasedCanary",
        "timeBasedCanary": {"canaryPercentage": 10, "canaryInterval": 15},
    },
    "CodeDeployDefault.ECSLinear10PercentEvery3Minutes": {
        "type": "TimeBasedLinear",
        "timeBasedLinear": {"linearPercentage": 10, "linearInterval": 3},
    },
}


def traffic_schedule(routing: dict) -> list[tuple[int, int]]:
    """When traffic moves: (minutes after the shift starts, percent on the new version) for each
    increment, the first at minute 0 and the last at 100 %.

    A canary moves its percentage, waits its interval, then moves the rest. A linear deployment
    adds its percentage every interval; the last step is capped at 100 %.
    """
    kind = routing["type"]
    if kind == "AllAtOnce":
        return [(0, 100)]
    if kind == "TimeBasedCanary":
        canary = routing["timeBasedCanary"]
        return [(0, canary["canaryPercentage"]), (canary["canaryInterval"], 100)]
    if kind == "TimeBasedLinear":
        linear = routing["timeBasedLinear"]
        steps = math.ceil(100 / linear["linearPercentage"])
        return [
            (i * linear["linearInterval"], min(100, (i + 1) * linear["linearPercentage"]))
            for i in range(steps)
        ]
    raise ValueError(f"unknown traffic routing type {kind!r}")


def limits_table() -> pd.DataFrame:
    """:data:`LIMITS` as a DataFrame, with the page each figure was checked against."""
    rows = [{"service": s, "what": w, "value": v, "checked against": SOURCES[k]} for s, w, v, k in LIMITS]
    return pd.DataFrame(rows)
