"""Learner-facing checks on EC2 Auto Scaling (topic 11): launch templates, groups, scaling
policies and scheduled actions read from configuration, and learners' scaling arithmetic
against ``grader.sim.autoscaling``.

moto stores all of this but acts on little of it: every instance lands in the group's first
subnet, a template's metadata options never reach the instances, no alarm or policy ever runs.
So a group's spread is judged from the Availability Zones of its configured subnets, a
template from ``describe_launch_template_versions``, and behaviour from the simulator.
Notebooks use these as ``from grader.checks import autoscaling as check``.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from grader.checks.base import Message
from grader.checks.reference import agrees_with_reference, sequence_agrees_with_reference
from grader.errors import CheckFailed
from grader.sim import autoscaling as sim
from grader.state import autoscaling as state

# -- launch templates -----------------------------------------------------------------------------

NOT_TEMPLATE_ID = Message(
    "The value your function returned",
    "a launch template id, a string like 'lt-0123456789abcdef0'",
    "{value!r} (a {type})",
    "Return response['LaunchTemplate']['LaunchTemplateId'] from create_launch_template.",
)
NO_TEMPLATE = Message(
    "Launch template {template_id} exists",
    "a launch template in this mock account",
    "no launch template with that id",
    "Return the id create_launch_template gave you.",
)
TEMPLATE_FIELD = Message(
    "Launch template {template_id} ({version}) sets {field}", "{expected}", "{found}", "{hint}"
)
FIELD_HINTS = {
    "ImageId": "Put the image in LaunchTemplateData: ImageId=image_id.",
    "InstanceType": "Put the instance type in LaunchTemplateData: InstanceType=instance_type.",
    "security groups": "Name the group in LaunchTemplateData's SecurityGroupIds (or the Groups of "
    "its network interface).",
}
IMDS_HINT = (
    "Set LaunchTemplateData['MetadataOptions'] = {{'HttpTokens': 'required', 'HttpEndpoint': "
    "'enabled'}}. Without it, instances from many images still answer IMDSv1: one server-side "
    "request forgery (SSRF) in the app then reads the instance role's credentials."
)
PUBLIC_IP_HINT = (
    "These instances sit in private subnets behind a load balancer: leave "
    "AssociatePublicIpAddress out (or False). A public address makes every instance reachable "
    "from the internet as soon as a route or a security group allows it."
)


def _template(session, template_id) -> dict[str, dict]:
    if not isinstance(template_id, str) or not template_id.startswith("lt-"):
        raise NOT_TEMPLATE_ID.fail(value=template_id, type=type(template_id).__name__)
    versions = state.template_versions(session, template_id)
    if versions is None:
        raise NO_TEMPLATE.fail(template_id=template_id)
    return versions


def _groups_of(data: dict) -> set[str]:
    groups = set(data.get("SecurityGroupIds") or [])
    for interface in data.get("NetworkInterfaces") or []:
        groups |= set(interface.get("Groups") or [])
    return groups


def launch_template(
    session, template_id, *, image_id: str, instance_type: str, security_group_id: str
) -> None:
    """The template's default version launches ``image_id`` as ``instance_type`` in the group
    ``security_group_id`` (by ``SecurityGroupIds`` or a network interface's ``Groups``)."""
    version = _template(session, template_id)["$Default"]
    data = version["LaunchTemplateData"]
    found = {
        "ImageId": data.get("ImageId"),
        "InstanceType": data.get("InstanceType"),
        "security groups": sorted(_groups_of(data)),
    }
    wanted = {"ImageId": image_id, "InstanceType": instance_type, "security groups": [security_group_id]}
    for field, expected in wanted.items():
        if field == "security groups" and security_group_id in found[field]:
            continue
        if found[field] != expected:
            raise TEMPLATE_FIELD.fail(
                template_id=template_id,
                version=f"version {version['VersionNumber']}",
                field=field,
                expected=expected,
                found=found[field] or "nothing",
                hint=FIELD_HINTS[field],
            )


def template_requires_imdsv2(session, template_id) -> None:
    """Both versions a group can launch without a number ($Default, $Latest) require IMDSv2
    session tokens, keep the metadata endpoint on and a hop limit of at most 2."""
    for alias, version in _template(session, template_id).items():
        options = version["LaunchTemplateData"].get("MetadataOptions") or {}
        where = f"{alias}, version {version['VersionNumber']}"
        if options.get("HttpTokens") != "required":
            raise TEMPLATE_FIELD.fail(
                template_id=template_id,
                version=where,
                field="MetadataOptions.HttpTokens",
                expected="'required' (IMDSv2 only)",
                found=repr(options.get("HttpTokens", "not set: IMDSv1 allowed")),
                hint=IMDS_HINT,
            )
        if options.get("HttpEndpoint", "enabled") != "enabled":
            raise TEMPLATE_FIELD.fail(
                template_id=template_id,
                version=where,
                field="MetadataOptions.HttpEndpoint",
                expected="'enabled'",
                found=repr(options.get("HttpEndpoint")),
                hint="A disabled endpoint also takes the role's credentials away "
                "from your application: keep it enabled and require tokens.",
            )
        if options.get("HttpPutResponseHopLimit", 1) > 2:
            raise TEMPLATE_FIELD.fail(
                template_id=template_id,
                version=where,
                field="MetadataOptions.HttpPutResponseHopLimit",
                expected="1 (2 for containers)",
                found=options["HttpPutResponseHopLimit"],
                hint="A token that travels more hops can leave the instance: keep 1, "
                "or 2 when containers need it.",
            )


def template_has_no_public_ip(session, template_id) -> None:
    """No network interface of the template's $Default or $Latest version asks for a public IPv4
    address."""
    for alias, version in _template(session, template_id).items():
        interfaces = version["LaunchTemplateData"].get("NetworkInterfaces") or []
        if any(interface.get("AssociatePublicIpAddress") for interface in interfaces):
            raise TEMPLATE_FIELD.fail(
                template_id=template_id,
                version=f"{alias}, version {version['VersionNumber']}",
                field="NetworkInterfaces[].AssociatePublicIpAddress",
                expected="absent or False",
                found="True",
                hint=PUBLIC_IP_HINT,
            )


# -- groups ---------------------------------------------------------------------------------------

NO_GROUP = Message(
    "Auto Scaling group {name} exists",
    "a group named {name}",
    "no such group",
    "Create it with create_auto_scaling_group(AutoScalingGroupName=name, ...) and return the name.",
)
GROUP_FIELD = Message("Auto Scaling group {name}'s {field}", "{expected}", "{found}", "{hint}")


def _group(session, name) -> dict:
    found = state.group(session, name) if isinstance(name, str) and name else None
    if found is None:
        raise NO_GROUP.fail(name=name)
    return found


def group_sizes(session, name, *, template_id: str, min_size: int, max_size: int) -> None:
    """The group launches from ``template_id`` (not a launch configuration), with MinSize and
    MaxSize as given and ``MinSize <= DesiredCapacity <= MaxSize`` (moto accepts any numbers)."""
    group = _group(session, name)
    template = (
        group.get("LaunchTemplate")
        or group.get("MixedInstancesPolicy", {}).get("LaunchTemplate", {}).get("LaunchTemplateSpecification")
        or {}
    )
    if group.get("LaunchConfigurationName") or template.get("LaunchTemplateId") != template_id:
        found = (
            f"launch configuration {group['LaunchConfigurationName']}"
            if group.get("LaunchConfigurationName")
            else f"launch template {template.get('LaunchTemplateId')}"
        )
        raise GROUP_FIELD.fail(
            name=name,
            field="launch template",
            expected=template_id,
            found=found,
            hint="Pass LaunchTemplate={'LaunchTemplateId': template_id, 'Version': "
            "'$Default'}; launch configurations are legacy.",
        )
    for field, expected in (("MinSize", min_size), ("MaxSize", max_size)):
        if group[field] != expected:
            raise GROUP_FIELD.fail(
                name=name,
                field=field,
                expected=expected,
                found=group[field],
                hint=f"Pass {field}={expected} to create_auto_scaling_group.",
            )
    desired = group["DesiredCapacity"]
    if not group["MinSize"] <= desired <= group["MaxSize"]:
        raise GROUP_FIELD.fail(
            name=name,
            field="DesiredCapacity",
            expected=f"between {min_size} and {max_size}",
            found=desired,
            hint="AWS rejects a desired capacity outside [MinSize, "
            "MaxSize] (this mock does not): start at the minimum.",
        )


def group_spans_zones(session, name, subnet_ids, zones: int = 3) -> None:
    """The group's ``VPCZoneIdentifier`` holds exactly ``subnet_ids``, and they lie in at least
    ``zones`` different Availability Zones (read from the subnets: moto starts every instance in
    the first subnet, AWS would balance them across the zones)."""
    group = _group(session, name)
    configured = state.subnet_ids(group)
    if sorted(configured) != sorted(subnet_ids):
        raise GROUP_FIELD.fail(
            name=name,
            field="subnets (VPCZoneIdentifier)",
            expected=sorted(subnet_ids),
            found=sorted(configured) or "none",
            hint="Pass every private subnet: VPCZoneIdentifier=','.join(subnet_ids).",
        )
    azs = sorted(set(state.subnet_zones(session, configured).values()))
    if len(azs) < zones:
        raise GROUP_FIELD.fail(
            name=name,
            field="Availability Zones",
            expected=f"at least {zones}",
            found=", ".join(azs) or "none",
            hint="One subnet per zone: a group in one zone goes down with it.",
        )


def group_health_checks(session, name, *, target_group_arn: str, grace: int) -> None:
    """The group uses the load balancer's health checks (``HealthCheckType`` ELB) with ``grace``
    seconds of grace, and registers its instances in ``target_group_arn``."""
    group = _group(session, name)
    checks = (
        (
            "HealthCheckType",
            group.get("HealthCheckType"),
            "ELB",
            "With EC2 checks only, an instance whose app returns errors stays in service: pass "
            "HealthCheckType='ELB'.",
        ),
        (
            "HealthCheckGracePeriod",
            group.get("HealthCheckGracePeriod"),
            grace,
            "Pass HealthCheckGracePeriod=grace: through the API the default is 0, so a booting "
            "instance can be judged unhealthy before it is ready.",
        ),
    )
    for field, found, expected, hint in checks:
        if found != expected:
            raise GROUP_FIELD.fail(name=name, field=field, expected=expected, found=found, hint=hint)
    if target_group_arn not in (group.get("TargetGroupARNs") or []):
        raise GROUP_FIELD.fail(
            name=name,
            field="TargetGroupARNs",
            expected=f"[{target_group_arn!r}]",
            found=group.get("TargetGroupARNs") or "none",
            hint="Pass TargetGroupARNs=[target_group_arn] so new instances are "
            "registered with the load balancer.",
        )


# -- scaling policies and scheduled actions --------------------------------------------------------

NO_POLICY = Message(
    "Auto Scaling group {name} has a target tracking policy on {metric}",
    "PolicyType 'TargetTrackingScaling', PredefinedMetricType {metric}, TargetValue {target}",
    "{found}",
    "{hint}",
)
NO_ACTION = Message(
    "Auto Scaling group {name} has a scheduled action at {recurrence!r} in {time_zone}",
    "Recurrence {recurrence!r}, TimeZone {time_zone!r}{sizes}",
    "{found}",
    "{hint}",
)


def target_tracking(session, name, *, target: float, metric: str = "ASGAverageCPUUtilization") -> None:
    """One of the group's policies tracks the predefined ``metric`` at ``target``, scale-in on."""
    _group(session, name)
    found = [
        (p["PolicyName"], p["PolicyType"], p.get("TargetTrackingConfiguration") or {})
        for p in state.policies(session, name)
    ]
    for _, kind, config in found:
        predefined = (config.get("PredefinedMetricSpecification") or {}).get("PredefinedMetricType")
        if kind == "TargetTrackingScaling" and predefined == metric:
            if config.get("TargetValue") != target:
                raise NO_POLICY.fail(
                    name=name,
                    metric=metric,
                    target=target,
                    found=f"TargetValue {config.get('TargetValue')}",
                    hint="Use the target you were given, as a number.",
                )
            if config.get("DisableScaleIn"):
                raise NO_POLICY.fail(
                    name=name,
                    metric=metric,
                    target=target,
                    found="DisableScaleIn True",
                    hint="Leave scale-in on: the group should shrink when the load drops.",
                )
            return
    shown = "; ".join(f"{policy} ({kind})" for policy, kind, _ in found) or "no policies"
    raise NO_POLICY.fail(
        name=name,
        metric=metric,
        target=target,
        found=shown,
        hint="put_scaling_policy(PolicyType='TargetTrackingScaling', "
        "TargetTrackingConfiguration={'PredefinedMetricSpecification': "
        "{'PredefinedMetricType': ...}, 'TargetValue': ...}).",
    )


def _sizes(**sizes) -> dict:
    return {field: value for field, value in sizes.items() if value is not None}


def scheduled_action(
    session,
    name,
    *,
    recurrence: str,
    time_zone: str,
    min_size: int | None = None,
    max_size: int | None = None,
    desired: int | None = None,
) -> None:
    """The group has a scheduled action repeating at ``recurrence`` (cron, compared field by
    field) in the IANA zone ``time_zone``, and it sets the sizes given (MinSize, MaxSize,
    DesiredCapacity; others free, but a desired capacity outside its own bounds fails)."""
    ZoneInfo(time_zone)  # a zone that does not exist is a bug in the test, not in the answer
    _group(session, name)
    wanted = _sizes(MinSize=min_size, MaxSize=max_size, DesiredCapacity=desired)
    sizes = "".join(f", {field} {value}" for field, value in wanted.items())
    actions = state.scheduled_actions(session, name)
    fields = recurrence.split()
    at_time = [a for a in actions if (a.get("Recurrence") or "").split() == fields]
    if not at_time:
        shown = (
            "; ".join(f"{a['ScheduledActionName']}: {a.get('Recurrence')!r}" for a in actions) or "no actions"
        )
        raise NO_ACTION.fail(
            name=name,
            recurrence=recurrence,
            time_zone=time_zone,
            sizes=sizes,
            found=shown,
            hint="put_scheduled_update_group_action(Recurrence=cron, TimeZone=zone, ...), "
            "one action per cron expression.",
        )
    action = at_time[0]
    if action.get("TimeZone") != time_zone:
        raise NO_ACTION.fail(
            name=name,
            recurrence=recurrence,
            time_zone=time_zone,
            sizes=sizes,
            found=f"TimeZone {action.get('TimeZone') or 'not set (UTC)'}",
            hint="Cron expressions run in UTC unless you pass TimeZone: 22:00 in UTC is "
            "the middle of the evening peak in Asia and afternoon in the Americas.",
        )
    found = _sizes(
        MinSize=action.get("MinSize"),
        MaxSize=action.get("MaxSize"),
        DesiredCapacity=action.get("DesiredCapacity"),
    )
    for field, value in wanted.items():
        if found.get(field) != value:
            raise NO_ACTION.fail(
                name=name,
                recurrence=recurrence,
                time_zone=time_zone,
                sizes=sizes,
                found=f"{field} {found.get(field, 'not set')}",
                hint=f"Set {field} in this action.",
            )
    desired_found = found.get("DesiredCapacity")
    low, high = found.get("MinSize", 0), found.get("MaxSize", float("inf"))
    if desired_found is not None and not low <= desired_found <= high:
        raise NO_ACTION.fail(
            name=name,
            recurrence=recurrence,
            time_zone=time_zone,
            sizes=sizes,
            found=f"DesiredCapacity {desired_found} outside its own bounds",
            hint="Leave DesiredCapacity out and let target tracking choose it.",
        )


# -- learners' scaling arithmetic against the simulator ---------------------------------------------

STEP_HINT = (
    "Find the step whose interval holds metric - threshold (lower bound included for "
    "an alarm that breaches upwards, upper bound for one that breaches downwards), apply "
    "the adjustment type, then keep the result within MinSize and MaxSize."
)
REPLAY_HINT = (
    "Replay period by period from the start capacity: scale out at once to what the "
    "period wants, scale in only on the scale_in_after-th period in a row that wants "
    "fewer, and remember a saturated group serves at most 100 % per instance."
)


def step_cases(policy: dict, alarm: dict, metrics, capacities, min_size: int, max_size: int) -> list:
    """Every (policy, alarm, metric, group) case over ``metrics`` x ``capacities``."""
    return [
        (policy, alarm, metric, {"DesiredCapacity": c, "MinSize": min_size, "MaxSize": max_size})
        for metric in metrics
        for c in capacities
    ]


def _describe_step(case) -> str:
    policy, alarm, metric, group = case
    return (
        f"{policy['AdjustmentType']} policy, alarm {alarm['ComparisonOperator']} {alarm['Threshold']}, "
        f"metric {metric}, group {group['DesiredCapacity']} in [{group['MinSize']}, {group['MaxSize']}]"
    )


def step_scaling_agrees(function, cases) -> None:
    """``function(policy, alarm, metric, group)`` returns the simulator's capacity on every case."""
    agrees_with_reference(
        function,
        sim.step_scaling_capacity,
        cases,
        name="step_scaling_capacity",
        describe=_describe_step,
        hint=STEP_HINT,
    )


def replay_agrees(
    function, load, target: int, min_size: int, max_size: int, start: int, scale_in_after: int = 3
) -> None:
    """``function(load, target, min_size, max_size, start, scale_in_after)`` returns the
    simulator's capacity after every period of ``load``."""
    if not load:
        raise CheckFailed("replay_agrees needs a load", expected="periods", found="none", hint="")
    args = (list(load), target, min_size, max_size, start, scale_in_after)

    def describe(i):
        return (
            f"period {i} (load {load[i]}, target {target}, bounds [{min_size}, {max_size}], "
            f"start {start}, scale_in_after {scale_in_after})"
        )

    sequence_agrees_with_reference(
        function,
        sim.replay_target_tracking,
        args,
        name="replay_target_tracking",
        describe=describe,
        hint=REPLAY_HINT,
    )
