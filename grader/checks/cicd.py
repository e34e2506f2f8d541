"""Learner-facing checks on build projects, deployment groups and pipelines (topic 18).

moto stores CodeBuild projects, CodeDeploy deployment groups and CodePipeline declarations but
acts on none of them: a buildspec is never run, a pipeline's structure is not validated, traffic
never shifts. So these checks read the stored configuration once and judge it with
``grader.sim.pipeline``; for the learner's own evaluators they compare with that reference on
many generated cases. Notebooks use them as ``from grader.checks import cicd as check``.
"""

from __future__ import annotations

import copy
import json

from botocore.exceptions import ClientError

from grader.checks.base import Message
from grader.sim import pipeline as sim
from grader.state.codedeploy import read_deployment_group

# -- Exercise 1: a build project -------------------------------------------------------------

PROJECT = Message("Build project {name}: {what}", "{expected}", "{found}", "{hint}")


def _project(session, name: str) -> dict:
    projects = session.client("codebuild").batch_get_projects(names=[name])["projects"]
    if not projects:
        raise PROJECT.fail(
            name=name,
            what="exists",
            expected=f"a CodeBuild project named {name!r}",
            found="no such project",
            hint="Create it with codebuild.create_project(name=name, ...).",
        )
    return projects[0]


def _buildspec(project: dict) -> dict:
    name, text = project["name"], project["source"].get("buildspec")
    if not text:
        raise PROJECT.fail(
            name=name,
            what="an inline buildspec",
            expected="source['buildspec'] holding the buildspec's YAML text",
            found="no buildspec in the project's source",
            hint="Pass the YAML as a string in source={'type': ..., 'location': ..., 'buildspec': text}.",
        )
    problems = sim.buildspec_problems(text)
    if problems:
        raise PROJECT.fail(
            name=name,
            what="a buildspec CodeBuild can run",
            expected="a valid version 0.2 buildspec",
            found="; ".join(problems),
            hint="Phases are install, pre_build, build and post_build, each with a list "
            "of commands; tests run inside build.",
        )
    return sim.parse_buildspec(text)


def build_project_configured(
    session, value, name: str, *, role_arn: str, source_location: str, timeout_minutes: int
) -> None:
    """``value`` is project ``name``'s ARN; its role, source and timeout are as asked."""
    project = _project(session, name)
    if value != project["arn"]:
        raise PROJECT.fail(
            name=name,
            what="the value your function returned",
            expected=project["arn"],
            found=repr(value),
            hint="Return create_project(...)['project']['arn'].",
        )
    settings = [
        ("service role", role_arn, project.get("serviceRole"), "Pass serviceRole=role_arn."),
        (
            "source location",
            source_location,
            project["source"].get("location"),
            "Pass source={'type': ..., 'location': source_location, 'buildspec': ...}.",
        ),
        (
            "timeoutInMinutes",
            timeout_minutes,
            project.get("timeoutInMinutes"),
            "Pass timeoutInMinutes; without it AWS uses 60 minutes.",
        ),
    ]
    for what, expected, found, hint in settings:
        if found != expected:
            raise PROJECT.fail(name=name, what=what, expected=repr(expected), found=repr(found), hint=hint)


def buildspec_runs_tests(session, name: str, test_command: str) -> None:
    """The inline buildspec is valid, installs in ``install``, runs ``test_command`` in ``build``
    and names its artifact files."""
    spec = _buildspec(_project(session, name))
    install = spec["phases"].get("install") or {}
    if not sim.phase_commands(spec, "install") and not install.get("runtime-versions"):
        raise PROJECT.fail(
            name=name,
            what="the install phase",
            expected="an install phase with runtime-versions or commands",
            found=f"phases {sorted(spec['phases'])}",
            hint="Add phases: install: (runtime-versions or pip install commands).",
        )
    build = sim.phase_commands(spec, "build")
    if test_command not in [c.strip() for c in build]:
        raise PROJECT.fail(
            name=name,
            what="the tests run in the build phase",
            expected=f"the command {test_command!r} in phases.build.commands",
            found=f"build commands {build}",
            hint="CodeBuild has no test phase: a failing command in build fails the build.",
        )
    files = (spec.get("artifacts") or {}).get("files")
    if not files:
        raise PROJECT.fail(
            name=name,
            what="the build's output",
            expected="artifacts: files: [...]",
            found=f"artifacts {spec.get('artifacts')!r}",
            hint="List the files the pipeline passes on, e.g. artifacts: files: ['**/*'].",
        )


def secret_from_parameter_store(session, name: str, variable: str, parameter: str, secret_value: str) -> None:
    """``variable`` reaches the build from Parameter Store ``parameter``, and the secret's value
    is nowhere in the project (not a PLAINTEXT variable, not in the buildspec)."""
    project = _project(session, name)
    text = project["source"].get("buildspec") or ""
    try:
        spec = sim.parse_buildspec(text)
    except sim.BuildspecError:
        spec = None
    variables = sim.build_variables(project["environment"].get("environmentVariables", []), spec)
    if secret_value in json.dumps(project, default=str):
        where = [v for v, (kind, value) in variables.items() if secret_value in value]
        raise PROJECT.fail(
            name=name,
            what="the secret stays secret",
            expected="the password only in Parameter Store; the project holds its name",
            found=f"the password's value in the project ({', '.join(where) or 'in its text'}), "
            "readable by anyone who can call batch_get_projects or open the console",
            hint="Do not read the parameter in your code: reference it with "
            "env: parameter-store: in the buildspec (or type PARAMETER_STORE).",
        )
    if variables.get(variable) != ("PARAMETER_STORE", parameter):
        found = variables.get(variable)
        raise PROJECT.fail(
            name=name,
            what=f"variable {variable}",
            expected=f"{variable} taken from Parameter Store parameter {parameter!r}",
            found=f"{variable} is {found[0]} {found[1]!r}" if found else f"no variable {variable}",
            hint=f"In the buildspec: env: parameter-store: {{{variable}: {parameter}}}.",
        )


# -- Exercise 2: a blue/green deployment group -------------------------------------------------

GROUP = Message(
    "Deployment group {group} of application {application}: {what}", "{expected}", "{found}", "{hint}"
)


def _group(session, application: str, group: str) -> dict:
    info = read_deployment_group(session, application, group)
    if info is None:
        raise GROUP.fail(
            application=application,
            group=group,
            what="exists",
            expected="a deployment group",
            found="no such application or group",
            hint="create_application(computePlatform='Server'), then create_deployment_group.",
        )
    return info


def blue_green_group(session, value, application: str, group: str, *, asg: str, target_group: str) -> None:
    """``value`` is the group's id; the group replaces ``asg``'s instances with a copy behind
    ``target_group``, continues when the copy is ready, and terminates the old fleet."""
    info = _group(session, application, group)
    blue_green = info.get("blueGreenDeploymentConfiguration") or {}
    terminate = blue_green.get("terminateBlueInstancesOnDeploymentSuccess") or {}
    wait = terminate.get("terminationWaitTimeInMinutes", 0)
    requirements = [
        (
            "the value your function returned",
            info["deploymentGroupId"],
            value,
            "Return create_deployment_group(...)['deploymentGroupId'].",
        ),
        (
            "deployment style",
            {"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
            info.get("deploymentStyle"),
            "deploymentStyle={'deploymentType': 'BLUE_GREEN', "
            "'deploymentOption': 'WITH_TRAFFIC_CONTROL'}: a new fleet, and the load balancer switches to it.",
        ),
        (
            "the Auto Scaling group copied",
            [{"name": asg}],
            info.get("autoScalingGroups"),
            "Pass autoScalingGroups=[asg]: CodeDeploy copies it to make the green fleet.",
        ),
        (
            "the target group the traffic moves in",
            [{"name": target_group}],
            (info.get("loadBalancerInfo") or {}).get("targetGroupInfoList"),
            "loadBalancerInfo={'targetGroupInfoList': [{'name': target_group}]}.",
        ),
        (
            "how the green fleet is made",
            {"action": "COPY_AUTO_SCALING_GROUP"},
            blue_green.get("greenFleetProvisioningOption"),
            "greenFleetProvisioningOption={'action': 'COPY_AUTO_SCALING_GROUP'}.",
        ),
        (
            "when traffic moves",
            "CONTINUE_DEPLOYMENT",
            (blue_green.get("deploymentReadyOption") or {}).get("actionOnTimeout"),
            "deploymentReadyOption={'actionOnTimeout': 'CONTINUE_DEPLOYMENT'}: reroute as soon as the green "
            "fleet is healthy.",
        ),
        (
            "the old (blue) fleet",
            "TERMINATE",
            terminate.get("action"),
            "terminateBlueInstancesOnDeploymentSuccess={'action': 'TERMINATE', "
            "'terminationWaitTimeInMinutes': 60}.",
        ),
    ]
    for what, expected, found, hint in requirements:
        if found != expected:
            raise GROUP.fail(
                application=application,
                group=group,
                what=what,
                expected=repr(expected),
                found=repr(found),
                hint=hint,
            )
    if not 1 <= wait <= 2880:
        raise GROUP.fail(
            application=application,
            group=group,
            what="how long the blue fleet is kept",
            expected="1 to 2,880 minutes, time enough to roll back by rerouting",
            found=f"{wait} minutes",
            hint="Set terminationWaitTimeInMinutes, e.g. 60.",
        )


def rolls_back_on_alarms(session, application: str, group: str, alarms: list[str]) -> None:
    """The group rolls back automatically when a deployment fails or one of ``alarms`` fires,
    and watches exactly those alarms."""
    info = _group(session, application, group)
    rollback = info.get("autoRollbackConfiguration") or {}
    events = set(rollback.get("events") or [])
    needed = {"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"}
    if not rollback.get("enabled") or not needed <= events:
        raise GROUP.fail(
            application=application,
            group=group,
            what="automatic rollback",
            expected=f"enabled, on {sorted(needed)}",
            found=f"enabled={bool(rollback.get('enabled'))}, events {sorted(events)}",
            hint="autoRollbackConfiguration={'enabled': True, 'events': ['DEPLOYMENT_FAILURE', "
            "'DEPLOYMENT_STOP_ON_ALARM']}.",
        )
    watching = info["alarmConfiguration"]
    names = sorted(a.get("name") for a in watching["alarms"])
    if not watching["enabled"] or names != sorted(alarms):
        raise GROUP.fail(
            application=application,
            group=group,
            what="the alarms it watches",
            expected=f"enabled, alarms {sorted(alarms)}",
            found=f"enabled={watching['enabled']}, alarms {names}",
            hint="alarmConfiguration={'enabled': True, 'alarms': [{'name': n} for n in alarms]}: "
            "without alarms DEPLOYMENT_STOP_ON_ALARM never fires.",
        )


# -- Exercises 3 and 4: the learner's evaluators against the reference -------------------------

SCHEDULE = Message("traffic_schedule({routing})", "{expected}", "{found}", "{hint}")
STAGES = Message("stage_problems on pipeline {summary}", "{expected}", "{found}", "{hint}")
SCHEDULE_HINTS = {
    "AllAtOnce": "All at once is one step: everything at minute 0.",
    "TimeBasedCanary": "A canary has exactly two steps: the canary percentage at 0, "
    "the rest after the interval.",
    "TimeBasedLinear": "Linear adds the percentage every interval from minute 0; "
    "the last step is capped at 100.",
}


def schedule_agrees(traffic_schedule, routings) -> None:
    """The learner's ``traffic_schedule`` gives grader.sim.pipeline's answer on every routing."""
    for routing in routings:
        expected = sim.traffic_schedule(routing)
        try:
            found = [tuple(step) for step in traffic_schedule(copy.deepcopy(routing))]
        except TypeError:
            found = traffic_schedule(copy.deepcopy(routing))
        if found != expected:
            raise SCHEDULE.fail(
                routing=json.dumps(routing),
                expected=repr(expected),
                found=repr(found),
                hint=SCHEDULE_HINTS[routing["type"]],
            )


def _summary(pipeline: dict) -> str:
    parts = []
    for stage in pipeline.get("stages", []):
        actions = ", ".join(
            f"{a['name']}[{a['actionTypeId']['category']} #{a.get('runOrder', 1)}"
            + (
                f" in={'+'.join(x['name'] for x in a.get('inputArtifacts', []))}"
                if a.get("inputArtifacts")
                else ""
            )
            + (
                f" out={'+'.join(x['name'] for x in a.get('outputArtifacts', []))}"
                if a.get("outputArtifacts")
                else ""
            )
            + "]"
            for a in stage.get("actions", [])
        )
        parts.append(f"{stage['name']}: {actions}")
    return " | ".join(parts)


def stage_checker_agrees(stage_problems, pipelines, codes=frozenset(sim.PROBLEMS)) -> None:
    """The learner's ``stage_problems`` finds the same ``codes`` as the reference on every pipeline."""
    codes = set(codes)
    for pipeline in pipelines:
        expected = sim.stage_problems(pipeline) & codes
        answer = stage_problems(copy.deepcopy(pipeline))
        found = set(answer or ()) & codes
        if found != expected:
            missed, extra = sorted(expected - found), sorted(found - expected)
            hint = " ".join(
                [f"Missed {code}: {sim.PROBLEMS[code]}." for code in missed]
                + [f"Reported {code}, which does not apply here." for code in extra]
            )
            raise STAGES.fail(
                summary=_summary(pipeline),
                expected=repr(sorted(expected)),
                found=repr(sorted(found)),
                hint=hint,
            )


# -- Exercise 5: the release pipeline ----------------------------------------------------------

PIPELINE = Message("Pipeline {name}: {what}", "{expected}", "{found}", "{hint}")


def _pipeline(session, name: str) -> dict:
    try:
        return session.client("codepipeline").get_pipeline(name=name)["pipeline"]
    except ClientError as error:
        raise PIPELINE.fail(
            name=name,
            what="exists",
            expected=f"a pipeline named {name!r}",
            found=error.response["Error"]["Code"],
            hint="Create it with codepipeline.create_pipeline(pipeline={...}).",
        ) from None


def _actions(pipeline: dict, provider: str) -> list[tuple[int, dict]]:
    return [
        (index, action)
        for index, stage in enumerate(pipeline["stages"])
        for action in stage["actions"]
        if action["actionTypeId"].get("provider") == provider
    ]


def _deploy(pipeline: dict, group: str) -> tuple[int, dict] | None:
    found = [
        (i, a)
        for i, a in _actions(pipeline, "CodeDeploy")
        if a["configuration"].get("DeploymentGroupName") == group
    ]
    return found[0] if found else None


def release_pipeline_built(
    session,
    name: str,
    *,
    bucket: str,
    source: dict,
    build_project: str,
    application: str,
    staging_group: str,
    production_group: str,
) -> None:
    """Four stages: source from the connection, CodeBuild, CodeDeploy to staging, CodeDeploy
    to production; artifacts in ``bucket`` and chained from one action to the next."""
    pipeline = _pipeline(session, name)
    stages = [stage["name"] for stage in pipeline["stages"]]
    fail = PIPELINE.fail
    if len(stages) != 4:
        raise fail(
            name=name,
            what="its stages",
            expected="4 stages: source, build, staging, production",
            found=f"{len(stages)} stages {stages}",
            hint="The approval is an action inside the production stage, not a stage of its own.",
        )
    if pipeline.get("artifactStore", {}).get("location") != bucket:
        raise fail(
            name=name,
            what="artifact store",
            expected=f"S3 bucket {bucket!r}",
            found=repr(pipeline.get("artifactStore")),
            hint="artifactStore={'type': 'S3', 'location': bucket}.",
        )
    sources = _actions(pipeline, "CodeStarSourceConnection")
    config = sources[0][1]["configuration"] if sources else {}
    wanted = {key: source[key] for key in ("ConnectionArn", "FullRepositoryId", "BranchName")}
    if not sources or sources[0][0] != 0 or {k: config.get(k) for k in wanted} != wanted:
        raise fail(
            name=name,
            what="its source",
            expected=f"a CodeStarSourceConnection action in the first stage with {wanted}",
            found=repr(config) if sources else "no such action",
            hint="actionTypeId={'category': 'Source', 'owner': 'AWS', 'provider': "
            "'CodeStarSourceConnection', 'version': '1'} with the three configuration keys.",
        )
    builds = [
        (i, a)
        for i, a in _actions(pipeline, "CodeBuild")
        if a["configuration"].get("ProjectName") == build_project
    ]
    steps = [
        ("a CodeBuild action for project " + build_project, builds[0] if builds else None, 1),
        (f"a CodeDeploy action to {application}/{staging_group}", _deploy(pipeline, staging_group), 2),
        (f"a CodeDeploy action to {application}/{production_group}", _deploy(pipeline, production_group), 3),
    ]
    for what, found, stage_index in steps:
        if found is None or found[0] != stage_index:
            raise fail(
                name=name,
                what=f"stage {stage_index + 1} ({stages[stage_index]})",
                expected=what,
                found="not in this stage" if found else "no such action",
                hint="Stages run in order: source, build, staging, production.",
            )
    problems = sim.stage_problems(pipeline) - {sim.UNAPPROVED_PRODUCTION}
    if problems:
        raise fail(
            name=name,
            what="its structure and artifacts",
            expected="no problems",
            found="; ".join(sim.PROBLEMS[p] for p in sorted(problems)),
            hint="Each action's inputArtifacts must name an outputArtifacts of an earlier action.",
        )


def production_waits_for_approval(session, name: str, production_group: str, topic_arn: str) -> None:
    """A manual approval that notifies ``topic_arn`` runs, and must succeed, before the deploy
    to ``production_group`` starts."""
    pipeline = _pipeline(session, name)
    deploy = _deploy(pipeline, production_group)
    if deploy is None:
        raise PIPELINE.fail(
            name=name,
            what="the production deploy",
            expected=f"a CodeDeploy action to {production_group}",
            found="none",
            hint="See Exercise 5's contract.",
        )
    stage_index, action = deploy
    before = [
        a
        for i, stage in enumerate(pipeline["stages"])
        for a in stage["actions"]
        if sim.is_manual_approval(a)
        and (i < stage_index or (i == stage_index and a.get("runOrder", 1) < action.get("runOrder", 1)))
    ]
    if not before:
        raise PIPELINE.fail(
            name=name,
            what="who lets a release into production",
            expected="a manual approval that runs before the production deploy",
            found="nothing: every build that passes staging goes straight to production",
            hint="Put an Approval/Manual action in the production stage with runOrder 1 and "
            "the deploy with runOrder 2 (same runOrder runs in parallel).",
        )
    if not any(a["configuration"].get("NotificationArn") == topic_arn for a in before):
        raise PIPELINE.fail(
            name=name,
            what="who hears of a pending approval",
            expected=f"the approval notifies {topic_arn}",
            found=repr([a["configuration"].get("NotificationArn") for a in before]),
            hint="configuration={'NotificationArn': topic_arn, 'CustomData': ...}.",
        )
