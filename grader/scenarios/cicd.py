"""Starting states and generated cases for topic 18 (CodeBuild, CodeDeploy, CodePipeline).

boto3 helpers make the service roles, the Parameter Store secret and the SNS topic an exercise
starts from; :func:`random_pipeline` and :func:`random_routing` make the many plain-data cases
the hidden tests compare with ``grader.sim.pipeline``.
"""

from __future__ import annotations

import copy
import json
import random

ACCOUNT_ID = "123456789012"  # moto's default account
CONNECTION_ARN = (
    f"arn:aws:codeconnections:us-east-1:{ACCOUNT_ID}:connection/4f2d9c1e-7a3b-4c8e-9f10-2b6d5e8a1c3f"
)


def service_role(session, service: str, name: str | None = None) -> str:
    """A role that ``<service>.amazonaws.com`` may assume (codebuild, codedeploy, codepipeline);
    returns its ARN. The permissions are beside the point of this topic and left out."""
    iam = session.client("iam")
    name = name or f"{service}-service-role"
    try:
        return iam.get_role(RoleName=name)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        pass
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": f"{service}.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]


def secret_parameter(session, name: str, value: str) -> str:
    """A SecureString parameter holding ``value``; returns its name."""
    session.client("ssm").put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)
    return name


def approval_topic(session, name: str = "release-approvals") -> str:
    """An SNS topic approvers subscribe to; returns its ARN."""
    return session.client("sns").create_topic(Name=name)["TopicArn"]


# -- generated pipelines for the stage checker ------------------------------------------------

STRUCTURE_MUTATIONS = ("one-stage", "build-in-source-stage", "source-in-later-stage", "duplicate-output")
FLOW_MUTATIONS = (
    "unknown-input",
    "parallel-input",
    "no-approval",
    "parallel-approval",
    "approval-after-deploy",
    "not-production",
    "approval-in-own-stage",
)


def _action(name, category, provider, *, inputs=(), outputs=(), run_order=1, config=None) -> dict:
    return {
        "name": name,
        "actionTypeId": {"category": category, "owner": "AWS", "provider": provider, "version": "1"},
        "runOrder": run_order,
        "configuration": dict(config or {}),
        "inputArtifacts": [{"name": i} for i in inputs],
        "outputArtifacts": [{"name": o} for o in outputs],
    }


def _base_pipeline(rng: random.Random) -> dict:
    app = rng.choice(["shop", "billing", "search", "orders", "auth"])
    source = [_action("Checkout", "Source", "CodeStarSourceConnection", outputs=["SourceOut"])]
    if rng.random() < 0.3:
        source.append(_action("Config", "Source", "S3", outputs=["ConfigOut"]))
    build = [_action("Compile", "Build", "CodeBuild", inputs=["SourceOut"], outputs=["BuildOut"])]
    if rng.random() < 0.5:
        build.append(
            _action("UnitTests", "Test", "CodeBuild", inputs=["BuildOut"], outputs=["Reports"], run_order=2)
        )
    staging = [_action("DeployStaging", "Deploy", "CodeDeploy", inputs=["BuildOut"])]
    prod_name = rng.choice(["Production", "prod", "Deploy-Prod", "PROD-eu"])
    prod = [
        _action("Approve", "Approval", "Manual", run_order=1),
        _action("DeployProd", "Deploy", "CodeDeploy", inputs=["BuildOut"], run_order=2),
    ]
    return {
        "name": f"{app}-release",
        "stages": [
            {"name": "Source", "actions": source},
            {"name": "Build", "actions": build},
            {"name": rng.choice(["Staging", "Beta", "QA"]), "actions": staging},
            {"name": prod_name, "actions": prod},
        ],
    }


def _mutate(pipeline: dict, mutation: str, rng: random.Random) -> None:
    stages = pipeline["stages"]
    prod = stages[-1]["actions"]
    if mutation == "one-stage":
        pipeline["stages"] = stages[:1]
    elif mutation == "build-in-source-stage":
        stages[0]["actions"].append(_action("Lint", "Test", "CodeBuild", inputs=["SourceOut"], run_order=2))
    elif mutation == "source-in-later-stage":
        stages[1]["actions"].append(_action("Assets", "Source", "S3", outputs=["AssetsOut"]))
    elif mutation == "duplicate-output":
        stages[1]["actions"].append(
            _action("Package", "Build", "CodeBuild", inputs=["SourceOut"], outputs=["BuildOut"], run_order=3)
        )
    elif mutation == "unknown-input":
        stages[2]["actions"][0]["inputArtifacts"] = [
            {"name": rng.choice(["BuildOutput", "buildout", "Bundle"])}
        ]
    elif mutation == "parallel-input":
        stages[1]["actions"].append(_action("Scan", "Test", "CodeBuild", inputs=["BuildOut"], run_order=1))
    elif mutation == "no-approval":
        stages[-1]["actions"] = [a for a in prod if a["name"] != "Approve"]
    elif mutation == "parallel-approval":
        for action in prod:
            action["runOrder"] = 1
    elif mutation == "approval-after-deploy":
        for action in prod:
            action["runOrder"] = 3 if action["name"] == "Approve" else 1
    elif mutation == "not-production":
        stages[-1]["name"] = rng.choice(["Release", "Live", "Customers"])
        stages[-1]["actions"] = [a for a in prod if a["name"] != "Approve"]
    elif mutation == "approval-in-own-stage":
        approve = [a for a in prod if a["name"] == "Approve"]
        stages[-1]["actions"] = [a for a in prod if a["name"] != "Approve"]
        stages.insert(len(stages) - 1, {"name": "Approval", "actions": approve})
    else:
        raise ValueError(f"unknown mutation {mutation!r}")


def random_pipeline(seed: int, mutations: tuple[str, ...] | None = None) -> dict:
    """A four-stage release pipeline declaration, valid, then changed by 0-2 ``mutations``
    (drawn from :data:`STRUCTURE_MUTATIONS` + :data:`FLOW_MUTATIONS` when None)."""
    rng = random.Random(seed)
    pipeline = _base_pipeline(rng)
    if mutations is None:
        pool = STRUCTURE_MUTATIONS + FLOW_MUTATIONS
        mutations = tuple(rng.sample(pool, rng.choice([0, 1, 1, 2])))
    for mutation in sorted(mutations, key=lambda m: m == "one-stage"):  # cutting stages comes last
        _mutate(pipeline, mutation, rng)
    return copy.deepcopy(pipeline)


def random_pipelines(seed: int, count: int, pool: tuple[str, ...]) -> list[dict]:
    """``count`` pipelines, each with 0-2 mutations drawn from ``pool``."""
    rng = random.Random(seed)
    return [
        random_pipeline(rng.randrange(10**6), tuple(rng.sample(pool, rng.choice([0, 1, 1, 2]))))
        for _ in range(count)
    ]


def random_routing(
    seed: int,
    kinds: tuple[str, ...] = ("AllAtOnce", "TimeBasedCanary", "TimeBasedLinear"),
) -> dict:
    """A CodeDeploy trafficRoutingConfig, as ``create_deployment_config`` takes it."""
    rng = random.Random(seed)
    kind = rng.choice(kinds)
    if kind == "AllAtOnce":
        return {"type": "AllAtOnce"}
    if kind == "TimeBasedCanary":
        return {
            "type": kind,
            "timeBasedCanary": {
                "canaryPercentage": rng.choice([5, 10, 20, 25, 33, 50]),
                "canaryInterval": rng.choice([1, 5, 10, 15, 30, 60]),
            },
        }
    return {
        "type": kind,
        "timeBasedLinear": {
            "linearPercentage": rng.choice([5, 10, 15, 20, 25, 30, 33, 40, 50]),
            "linearInterval": rng.choice([1, 2, 3, 5, 10]),
        },
    }
