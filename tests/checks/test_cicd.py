"""The CI/CD checks pass on the course's answers and fail with messages naming the real resources.

They run against real moto; grader.state.codedeploy fills in what get_deployment_group drops.
"""

from __future__ import annotations

import yaml

from grader.checks import cicd as checks
from grader.scenarios.cicd import (
    CONNECTION_ARN,
    FLOW_MUTATIONS,
    approval_topic,
    random_pipelines,
    random_routing,
    secret_parameter,
    service_role,
)
from grader.sim import pipeline as sim
from grader.state.codedeploy import read_deployment_group

from .failures import failure

REPO = "https://github.com/acme/shop.git"
SPEC = {
    "version": 0.2,
    "env": {"parameter-store": {"DB_PASSWORD": "/shop/db"}},
    "phases": {
        "install": {"commands": ["pip install -r requirements.txt"]},
        "build": {"commands": ["pytest -q"]},
    },
    "artifacts": {"files": ["**/*"]},
}


def _project(session, *, spec=SPEC, variables=(), timeout=20, name="ci"):
    buildspec = spec if isinstance(spec, str) else yaml.safe_dump(spec)
    return session.client("codebuild").create_project(
        name=name,
        serviceRole=service_role(session, "codebuild"),
        timeoutInMinutes=timeout,
        artifacts={"type": "NO_ARTIFACTS"},
        source={"type": "GITHUB", "location": REPO, "buildspec": buildspec},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
            "environmentVariables": list(variables),
        },
    )["project"]["arn"]


def test_a_good_project_passes_every_build_check(session):
    secret_parameter(session, "/shop/db", "hunter2-secret")
    arn = _project(session)
    role = service_role(session, "codebuild")
    checks.build_project_configured(
        session, arn, "ci", role_arn=role, source_location=REPO, timeout_minutes=20
    )
    checks.buildspec_runs_tests(session, "ci", "pytest -q")
    checks.secret_from_parameter_store(session, "ci", "DB_PASSWORD", "/shop/db", "hunter2-secret")


def test_a_missing_project_says_so(session):
    message = failure(checks.buildspec_runs_tests, session, "ghost", "pytest")
    assert message["what"] == "Build project ghost: exists" and message["found"] == "no such project"


def test_the_default_timeout_is_reported_with_its_meaning(session):
    arn = _project(session, timeout=60)
    message = failure(
        checks.build_project_configured,
        session,
        arn,
        "ci",
        role_arn=service_role(session, "codebuild"),
        source_location=REPO,
        timeout_minutes=20,
    )
    assert message["what"] == "Build project ci: timeoutInMinutes" and message["found"] == "60"


def test_a_returned_name_instead_of_the_arn_fails(session):
    _project(session)
    message = failure(
        checks.build_project_configured,
        session,
        "ci",
        "ci",
        role_arn=service_role(session, "codebuild"),
        source_location=REPO,
        timeout_minutes=20,
    )
    assert message["expected"].startswith("arn:aws:codebuild:") and message["found"] == "'ci'"


def test_a_test_phase_is_named_as_what_codebuild_lacks(session):
    spec = {**SPEC, "phases": {**SPEC["phases"], "test": {"commands": ["pytest -q"]}}}
    _project(session, spec=spec)
    message = failure(checks.buildspec_runs_tests, session, "ci", "pytest -q")
    assert "phase 'test' does not exist" in message["found"] and "tests run inside build" in message["next"]


def test_tests_outside_the_build_phase_fail(session):
    spec = {
        **SPEC,
        "phases": {
            "install": SPEC["phases"]["install"],
            "build": {"commands": ["make"]},
            "post_build": {"commands": ["pytest -q"]},
        },
    }
    _project(session, spec=spec)
    message = failure(checks.buildspec_runs_tests, session, "ci", "pytest -q")
    assert message["found"] == "build commands ['make']"


def test_no_install_phase_and_no_artifacts_fail(session):
    _project(session, spec={"version": 0.2, "phases": {"build": {"commands": ["pytest -q"]}}})
    assert failure(checks.buildspec_runs_tests, session, "ci", "pytest -q")["what"].endswith(
        "the install phase"
    )
    _project(session, name="ci2", spec={k: v for k, v in SPEC.items() if k != "artifacts"})
    assert failure(checks.buildspec_runs_tests, session, "ci2", "pytest -q")["what"].endswith(
        "the build's output"
    )


def test_a_plaintext_secret_is_found_and_named(session):
    secret_parameter(session, "/shop/db", "hunter2-secret")
    spec = {k: v for k, v in SPEC.items() if k != "env"}
    _project(
        session,
        spec=spec,
        variables=[{"name": "DB_PASSWORD", "value": "hunter2-secret", "type": "PLAINTEXT"}],
    )
    message = failure(
        checks.secret_from_parameter_store, session, "ci", "DB_PASSWORD", "/shop/db", "hunter2-secret"
    )
    assert message["what"] == "Build project ci: the secret stays secret"
    assert "(DB_PASSWORD)" in message["found"] and "parameter-store" in message["next"]


def test_a_secret_written_into_the_buildspec_is_found(session):
    spec = {**SPEC, "env": {"variables": {"DB_PASSWORD": "hunter2-secret"}}}
    _project(session, spec=spec)
    message = failure(
        checks.secret_from_parameter_store, session, "ci", "DB_PASSWORD", "/shop/db", "hunter2-secret"
    )
    assert "the password's value in the project" in message["found"]


def test_a_variable_from_the_wrong_parameter_fails(session):
    _project(session, spec={**SPEC, "env": {"parameter-store": {"DB_PASSWORD": "/other"}}})
    message = failure(
        checks.secret_from_parameter_store, session, "ci", "DB_PASSWORD", "/shop/db", "x-secret"
    )
    assert message["found"] == "DB_PASSWORD is PARAMETER_STORE '/other'"


def test_a_project_variable_of_type_parameter_store_passes(session):
    spec = {k: v for k, v in SPEC.items() if k != "env"}
    _project(
        session,
        spec=spec,
        variables=[{"name": "DB_PASSWORD", "value": "/shop/db", "type": "PARAMETER_STORE"}],
    )
    checks.secret_from_parameter_store(session, "ci", "DB_PASSWORD", "/shop/db", "hunter2-secret")


# -- deployment groups ---------------------------------------------------------------------------

BLUE_GREEN = {
    "terminateBlueInstancesOnDeploymentSuccess": {"action": "TERMINATE", "terminationWaitTimeInMinutes": 60},
    "deploymentReadyOption": {"actionOnTimeout": "CONTINUE_DEPLOYMENT"},
    "greenFleetProvisioningOption": {"action": "COPY_AUTO_SCALING_GROUP"},
}


def _group(session, **overrides):
    codedeploy = session.client("codedeploy")
    codedeploy.create_application(applicationName="web", computePlatform="Server")
    settings = {
        "autoScalingGroups": ["web-asg"],
        "loadBalancerInfo": {"targetGroupInfoList": [{"name": "web-tg"}]},
        "deploymentStyle": {"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
        "blueGreenDeploymentConfiguration": BLUE_GREEN,
        "autoRollbackConfiguration": {
            "enabled": True,
            "events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"],
        },
        "alarmConfiguration": {"enabled": True, "alarms": [{"name": "5xx"}, {"name": "latency"}]},
    }
    settings.update(overrides)
    settings = {k: v for k, v in settings.items() if v is not None}
    return codedeploy.create_deployment_group(
        applicationName="web",
        deploymentGroupName="prod",
        serviceRoleArn=service_role(session, "codedeploy"),
        **settings,
    )["deploymentGroupId"]


def test_the_state_reader_restores_alarms_and_group_names_moto_drops(session):
    _group(session)
    raw = session.client("codedeploy").get_deployment_group(applicationName="web", deploymentGroupName="prod")
    assert raw["deploymentGroupInfo"]["alarmConfiguration"] == {}  # the moto gap this reader exists for
    info = read_deployment_group(session, "web", "prod")
    assert info["autoScalingGroups"] == [{"name": "web-asg"}]
    assert info["alarmConfiguration"] == {
        "enabled": True,
        "alarms": [{"name": "5xx"}, {"name": "latency"}],
        "ignorePollAlarmFailure": False,
    }
    assert (
        read_deployment_group(session, "web", "nope") is None
        and read_deployment_group(session, "x", "y") is None
    )


def test_a_good_group_passes_both_checks(session):
    group_id = _group(session)
    checks.blue_green_group(session, group_id, "web", "prod", asg="web-asg", target_group="web-tg")
    checks.rolls_back_on_alarms(session, "web", "prod", ["latency", "5xx"])


def test_an_in_place_group_fails_on_its_style(session):
    group_id = _group(
        session,
        deploymentStyle={"deploymentType": "IN_PLACE", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
        blueGreenDeploymentConfiguration=None,
    )
    message = failure(
        checks.blue_green_group, session, group_id, "web", "prod", asg="web-asg", target_group="web-tg"
    )
    assert message["what"] == "Deployment group prod of application web: deployment style"
    assert "IN_PLACE" in message["found"]


def test_a_blue_fleet_kept_forever_fails(session):
    config = {**BLUE_GREEN, "terminateBlueInstancesOnDeploymentSuccess": {"action": "KEEP_ALIVE"}}
    group_id = _group(session, blueGreenDeploymentConfiguration=config)
    message = failure(
        checks.blue_green_group, session, group_id, "web", "prod", asg="web-asg", target_group="web-tg"
    )
    assert message["what"].endswith("the old (blue) fleet") and message["found"] == "'KEEP_ALIVE'"


def test_a_missing_group_says_so(session):
    message = failure(checks.rolls_back_on_alarms, session, "web", "prod", ["5xx"])
    assert message["found"] == "no such application or group"


def test_rollback_without_alarm_events_fails(session):
    _group(session, autoRollbackConfiguration={"enabled": True, "events": ["DEPLOYMENT_FAILURE"]})
    message = failure(checks.rolls_back_on_alarms, session, "web", "prod", ["5xx", "latency"])
    assert message["found"] == "enabled=True, events ['DEPLOYMENT_FAILURE']"


def test_rollback_without_the_alarms_themselves_fails(session):
    _group(session, alarmConfiguration=None)
    message = failure(checks.rolls_back_on_alarms, session, "web", "prod", ["5xx", "latency"])
    assert message["found"] == "enabled=False, alarms []" and "never fires" in message["next"]


# -- the learner's evaluators ----------------------------------------------------------------------


def test_schedule_agrees_passes_the_reference_and_names_a_wrong_canary():
    routings = [random_routing(seed) for seed in range(30)]
    checks.schedule_agrees(sim.traffic_schedule, routings)
    checks.schedule_agrees(lambda r: [list(step) for step in sim.traffic_schedule(r)], routings)
    canary = {"type": "TimeBasedCanary", "timeBasedCanary": {"canaryPercentage": 10, "canaryInterval": 5}}
    message = failure(checks.schedule_agrees, lambda r: [(0, 10), (5, 20)], [canary])
    assert message["expected"] == "[(0, 10), (5, 100)]" and "exactly two steps" in message["next"]


def test_stage_checker_agrees_passes_the_reference_and_explains_a_miss():
    pipelines = random_pipelines(5, 40, FLOW_MUTATIONS)
    checks.stage_checker_agrees(sim.stage_problems, pipelines)
    checks.stage_checker_agrees(lambda p: set(), pipelines, codes={"too-few-stages"})
    message = failure(
        checks.stage_checker_agrees, lambda p: ["too-few-stages"], pipelines, sim.FLOW | sim.STRUCTURE
    )
    assert "Reported too-few-stages, which does not apply here." in message["next"]
    wrong = failure(checks.stage_checker_agrees, lambda p: set(), pipelines, sim.FLOW)
    assert "Missed" in wrong["next"] and "Source: Checkout[Source #1 out=SourceOut]" in wrong["what"]


# -- the release pipeline --------------------------------------------------------------------------

SOURCE = {"ConnectionArn": CONNECTION_ARN, "FullRepositoryId": "acme/shop", "BranchName": "main"}


def _action(name, category, provider, configuration, inputs=(), outputs=(), run_order=1):
    return {
        "name": name,
        "runOrder": run_order,
        "configuration": configuration,
        "actionTypeId": {"category": category, "owner": "AWS", "provider": provider, "version": "1"},
        "inputArtifacts": [{"name": i} for i in inputs],
        "outputArtifacts": [{"name": o} for o in outputs],
    }


def _release(session, topic, *, approval_order=1, deploy_order=2, build_input="SourceOut"):
    deploy = {"ApplicationName": "web"}
    stages = [
        {
            "name": "Source",
            "actions": [_action("Src", "Source", "CodeStarSourceConnection", SOURCE, outputs=["SourceOut"])],
        },
        {
            "name": "Build",
            "actions": [
                _action(
                    "Build",
                    "Build",
                    "CodeBuild",
                    {"ProjectName": "ci"},
                    inputs=[build_input],
                    outputs=["BuildOut"],
                )
            ],
        },
        {
            "name": "Staging",
            "actions": [
                _action(
                    "Deploy",
                    "Deploy",
                    "CodeDeploy",
                    {**deploy, "DeploymentGroupName": "staging"},
                    inputs=["BuildOut"],
                )
            ],
        },
        {
            "name": "Production",
            "actions": [
                _action(
                    "Approve", "Approval", "Manual", {"NotificationArn": topic}, run_order=approval_order
                ),
                _action(
                    "Deploy",
                    "Deploy",
                    "CodeDeploy",
                    {**deploy, "DeploymentGroupName": "prod"},
                    inputs=["BuildOut"],
                    run_order=deploy_order,
                ),
            ],
        },
    ]
    session.client("codepipeline").create_pipeline(
        pipeline={
            "name": "release",
            "roleArn": service_role(session, "codepipeline"),
            "pipelineType": "V2",
            "artifactStore": {"type": "S3", "location": "artifacts"},
            "stages": stages,
        }
    )


def _built(session):
    checks.release_pipeline_built(
        session,
        "release",
        bucket="artifacts",
        source=SOURCE,
        build_project="ci",
        application="web",
        staging_group="staging",
        production_group="prod",
    )


def test_a_good_release_pipeline_passes(session):
    topic = approval_topic(session)
    _release(session, topic)
    _built(session)
    checks.production_waits_for_approval(session, "release", "prod", topic)


def test_a_missing_pipeline_says_so(session):
    message = failure(_built, session)
    assert message["what"] == "Pipeline release: exists" and message["found"] == "PipelineNotFoundException"


def test_a_dangling_artifact_fails_the_structure(session):
    _release(session, approval_topic(session), build_input="Source")
    message = failure(_built, session)
    assert message["what"] == "Pipeline release: its structure and artifacts"
    assert message["found"] == sim.PROBLEMS["missing-input"]


def test_an_approval_in_parallel_with_the_deploy_gates_nothing(session):
    topic = approval_topic(session)
    _release(session, topic, approval_order=1, deploy_order=1)
    _built(session)
    message = failure(checks.production_waits_for_approval, session, "release", "prod", topic)
    assert message["what"] == "Pipeline release: who lets a release into production"
    assert "same runOrder runs in parallel" in message["next"]


def test_an_approval_that_notifies_nobody_fails(session):
    _release(session, "arn:aws:sns:us-east-1:123456789012:elsewhere")
    message = failure(
        checks.production_waits_for_approval, session, "release", "prod", approval_topic(session)
    )
    assert message["what"] == "Pipeline release: who hears of a pending approval"
