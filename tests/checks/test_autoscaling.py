"""Checks on EC2 Auto Scaling (grader/checks/autoscaling.py): templates, groups, policies and
schedules read from configuration, and learners' arithmetic against grader.sim.autoscaling.
They pass on correct answers and fail with messages naming the learner's real resources."""

from __future__ import annotations

import pytest

from grader.checks import autoscaling as check
from grader.scenarios.autoscaling import app_network, imdsv2_template, load_csv, synthetic_load, web_group
from grader.sim import autoscaling as sim

from ..notebooks import ROOT
from .failures import failure

AZS = ["us-east-1a", "us-east-1b", "us-east-1c"]


@pytest.fixture
def net(session):
    return app_network(session, "10.50.0.0/16", AZS)


@pytest.fixture
def template(session, net):
    return imdsv2_template(session, "web", net["image_id"], net["security_groups"]["app"])


@pytest.fixture
def group(session, net, template):
    return web_group(session, "web", template, net["subnets"]["app"].values(), net["target_group_arn"])


# -- launch templates ---------------------------------------------------------------------------


def test_good_template_passes_every_template_check(session, net, template):
    check.launch_template(
        session,
        template,
        image_id=net["image_id"],
        instance_type="t3.micro",
        security_group_id=net["security_groups"]["app"],
    )
    check.template_requires_imdsv2(session, template)
    check.template_has_no_public_ip(session, template)


def test_template_check_names_the_field_that_differs(session, net, template):
    found = failure(
        check.launch_template,
        session,
        template,
        image_id=net["image_id"],
        instance_type="m7g.large",
        security_group_id=net["security_groups"]["app"],
    )
    assert found["what"] == f"Launch template {template} (version 1) sets InstanceType"
    assert (found["expected"], found["found"]) == ("m7g.large", "t3.micro")


def test_not_an_id_and_missing_template_say_what_to_return(session):
    assert (
        "LaunchTemplateId"
        in failure(
            check.launch_template, session, None, image_id="a", instance_type="b", security_group_id="c"
        )["next"]
    )
    assert (
        failure(check.template_requires_imdsv2, session, "lt-0123456789abcdef0")["found"]
        == "no launch template with that id"
    )


def test_imdsv1_template_fails_with_the_ssrf_reason(session, net):
    loose = imdsv2_template(session, "loose", net["image_id"], net["security_groups"]["app"], metadata={})
    found = failure(check.template_requires_imdsv2, session, loose)
    assert found["found"] == "'not set: IMDSv1 allowed'" and "SSRF" in found["next"]


def test_latest_version_is_checked_too(session, net, template):
    session.client("ec2").create_launch_template_version(
        LaunchTemplateId=template,
        SourceVersion="1",
        LaunchTemplateData={"ImageId": net["image_id"], "MetadataOptions": {"HttpTokens": "optional"}},
    )
    assert failure(check.template_requires_imdsv2, session, template)["what"].endswith(
        "($Latest, version 2) sets MetadataOptions.HttpTokens"
    )


def test_disabled_endpoint_and_high_hop_limit_fail(session, net):
    off = imdsv2_template(
        session,
        "off",
        net["image_id"],
        net["security_groups"]["app"],
        metadata={"HttpTokens": "required", "HttpEndpoint": "disabled"},
    )
    far = imdsv2_template(
        session,
        "far",
        net["image_id"],
        net["security_groups"]["app"],
        metadata={"HttpTokens": "required", "HttpPutResponseHopLimit": 5},
    )
    assert failure(check.template_requires_imdsv2, session, off)["what"].endswith("HttpEndpoint")
    assert failure(check.template_requires_imdsv2, session, far)["found"] == "5"


def test_public_ip_fails_and_a_private_interface_passes(session, net):
    public = imdsv2_template(session, "pub", net["image_id"], net["security_groups"]["app"], public_ip=True)
    private = imdsv2_template(
        session, "priv", net["image_id"], net["security_groups"]["app"], public_ip=False
    )
    assert "private subnets" in failure(check.template_has_no_public_ip, session, public)["next"]
    check.template_has_no_public_ip(session, private)
    check.launch_template(
        session,
        private,
        image_id=net["image_id"],
        instance_type="t3.micro",
        security_group_id=net["security_groups"]["app"],
    )


# -- groups -----------------------------------------------------------------------------------------


def test_good_group_passes_every_group_check(session, net, template, group):
    check.group_sizes(session, group, template_id=template, min_size=2, max_size=6)
    check.group_spans_zones(session, group, list(net["subnets"]["app"].values()), zones=3)
    check.group_health_checks(session, group, target_group_arn=net["target_group_arn"], grace=300)


def test_missing_group_and_wrong_sizes_are_named(session, template, group):
    assert (
        failure(check.group_sizes, session, "nope", template_id=template, min_size=2, max_size=6)["found"]
        == "no such group"
    )
    found = failure(check.group_sizes, session, group, template_id=template, min_size=2, max_size=8)
    assert (found["what"], found["expected"], found["found"]) == (
        "Auto Scaling group web's MaxSize",
        "8",
        "6",
    )


def test_desired_above_max_fails_although_moto_accepts_it(session, template, group):
    session.client("autoscaling").update_auto_scaling_group(AutoScalingGroupName=group, DesiredCapacity=9)
    assert failure(check.group_sizes, session, group, template_id=template, min_size=2, max_size=6)[
        "what"
    ].endswith("DesiredCapacity")


def test_group_in_one_zone_fails_on_configuration_not_placement(session, net, template):
    subnets = list(net["subnets"]["app"].values())
    web_group(session, "one", template, subnets[:1], net["target_group_arn"])
    assert failure(check.group_spans_zones, session, "one", subnets)["what"].endswith("(VPCZoneIdentifier)")
    found = failure(check.group_spans_zones, session, "one", subnets[:1], zones=3)
    assert (found["expected"], found["found"]) == ("at least 3", "us-east-1a")


def test_ec2_health_checks_and_zero_grace_fail(session, net, template):
    session.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName="bare",
        LaunchTemplate={"LaunchTemplateId": template},
        MinSize=1,
        MaxSize=2,
        VPCZoneIdentifier=",".join(net["subnets"]["app"].values()),
    )
    found = failure(
        check.group_health_checks, session, "bare", target_group_arn=net["target_group_arn"], grace=300
    )
    assert (found["expected"], found["found"]) == ("ELB", "EC2")


# -- policies and schedules --------------------------------------------------------------------------


def _track(session, group, **config):
    session.client("autoscaling").put_scaling_policy(
        AutoScalingGroupName=group,
        PolicyName="cpu",
        PolicyType="TargetTrackingScaling",
        TargetTrackingConfiguration={
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ASGAverageCPUUtilization"},
            **config,
        },
    )


def test_target_tracking_passes_and_names_wrong_target_or_disabled_scale_in(session, group):
    assert failure(check.target_tracking, session, group, target=50)["found"] == "no policies"
    _track(session, group, TargetValue=50.0)
    check.target_tracking(session, group, target=50)
    assert failure(check.target_tracking, session, group, target=60)["found"] == "TargetValue 50.0"
    _track(session, group, TargetValue=60.0, DisableScaleIn=True)
    assert failure(check.target_tracking, session, group, target=60)["found"] == "DisableScaleIn True"


def _schedule(session, group, name, cron, **sizes):
    session.client("autoscaling").put_scheduled_update_group_action(
        AutoScalingGroupName=group, ScheduledActionName=name, Recurrence=cron, **sizes
    )


def test_scheduled_action_matches_cron_zone_and_sizes(session, group):
    _schedule(session, group, "night", "0  22 * * *", TimeZone="Europe/Berlin", MinSize=1)
    check.scheduled_action(session, group, recurrence="0 22 * * *", time_zone="Europe/Berlin", min_size=1)
    assert (
        failure(
            check.scheduled_action,
            session,
            group,
            recurrence="0 22 * * *",
            time_zone="Europe/Berlin",
            min_size=2,
        )["found"]
        == "MinSize 1"
    )
    assert (
        failure(check.scheduled_action, session, group, recurrence="0 23 * * *", time_zone="Europe/Berlin")[
            "found"
        ]
        == "night: '0  22 * * *'"
    )


def test_scheduled_action_without_time_zone_fails_as_utc(session, group):
    _schedule(session, group, "night", "0 22 * * *", MinSize=1)
    found = failure(check.scheduled_action, session, group, recurrence="0 22 * * *", time_zone="Asia/Tokyo")
    assert found["found"] == "TimeZone not set (UTC)" and "UTC" in found["next"]


def test_scheduled_desired_outside_its_bounds_fails(session, group):
    _schedule(session, group, "odd", "0 1 * * *", TimeZone="UTC", MinSize=3, DesiredCapacity=1)
    assert (
        "outside its own bounds"
        in failure(
            check.scheduled_action, session, group, recurrence="0 1 * * *", time_zone="UTC", min_size=3
        )["found"]
    )


def test_unknown_time_zone_is_a_test_bug(session, group):
    with pytest.raises(Exception, match="Mars"):
        check.scheduled_action(session, group, recurrence="0 1 * * *", time_zone="Mars/Olympus")


# -- arithmetic against the simulator ----------------------------------------------------------------

POLICY = {
    "AdjustmentType": "ChangeInCapacity",
    "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 2}],
}
ALARM = {"Threshold": 70, "ComparisonOperator": "GreaterThanThreshold"}


def test_step_cases_cover_every_metric_and_capacity():
    cases = check.step_cases(POLICY, ALARM, [60, 80], [2, 3, 4], 1, 5)
    assert len(cases) == 6 and cases[0][3] == {"DesiredCapacity": 2, "MinSize": 1, "MaxSize": 5}


def test_step_scaling_agrees_passes_the_simulator_and_names_a_miss():
    cases = check.step_cases(POLICY, ALARM, [60, 70, 80], [2, 4], 1, 5)
    check.step_scaling_agrees(sim.step_scaling_capacity, cases)
    unclamped = failure(
        check.step_scaling_agrees,
        lambda p, a, m, g: g["DesiredCapacity"] + 2 if m > 70 else g["DesiredCapacity"],
        cases,
    )
    assert "metric 80, group 4 in [1, 5]" in unclamped["what"]
    assert (unclamped["expected"], unclamped["found"]) == ("5", "6")


def test_replay_agrees_passes_the_simulator_and_names_the_period():
    day = synthetic_load(periods=48)
    check.replay_agrees(sim.replay_target_tracking, day, 50, 2, 6, 2, 3)
    found = failure(check.replay_agrees, lambda load, *a: [2] * len(load), day, 50, 2, 6, 2, 3)
    assert "period" in found["what"] and "target 50" in found["what"]


def test_shipped_day_matches_a_fresh_one():
    assert (ROOT / "course" / "11-auto-scaling" / "web-load.csv").read_text() == load_csv(synthetic_load())
