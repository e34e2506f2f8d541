"""Starting states and data for topic 11 (EC2 Auto Scaling). boto3 only.

* :func:`app_network`: a VPC with public and private app subnets in the given AZs, an app security
  group admitting the app port from a load-balancer group, and a target group: what a web
  tier's Auto Scaling group needs before it exists.
* :func:`imdsv2_template` and :func:`web_group`: what a correct Exercise 1 and 2 leave behind.
* :func:`synthetic_load`: one day of a web application's CPU demand, every five minutes, shipped
  as ``course/11-auto-scaling/web-load.csv`` (moto never produces a metric). Regenerate with::

      python -m grader.scenarios.autoscaling course/11-auto-scaling/web-load.csv
"""

from __future__ import annotations

import math
import random
import sys

from grader.scenarios.datasets import regenerate, write_reproducibly
from grader.scenarios.ec2 import course_image
from grader.scenarios.snapshots import remembered
from grader.scenarios.vpc import three_tier_subnets

SEED = 11
PERIODS = 288  # one day of five-minute periods
IMDSV2 = {"HttpTokens": "required", "HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 1}


@remembered
def app_network(session, vpc_cidr: str, azs, app_port: int = 8080) -> dict:
    """Public and app subnets (one /24 per tier per AZ), a load-balancer security group (443 from
    anywhere), an app group (``app_port`` from the load balancer's group only) and an HTTP target
    group on ``app_port``; the course's image registered.

    Returns ``{"vpc_id", "subnets": {"public"|"app": {az: id}}, "security_groups": {"alb", "app"},
    "target_group_arn", "image_id"}``.
    """
    network = three_tier_subnets(session, vpc_cidr, azs, tiers=("public", "app"))
    ec2, vpc_id = session.client("ec2"), network["vpc_id"]
    groups = {
        name: ec2.create_security_group(GroupName=f"{name}-tier", Description=f"{name} tier", VpcId=vpc_id)[
            "GroupId"
        ]
        for name in ("alb", "app")
    }
    ec2.authorize_security_group_ingress(
        GroupId=groups["alb"],
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
        ],
    )
    ec2.authorize_security_group_ingress(
        GroupId=groups["app"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": app_port,
                "ToPort": app_port,
                "UserIdGroupPairs": [{"GroupId": groups["alb"]}],
            }
        ],
    )
    target_group = session.client("elbv2").create_target_group(
        Name=f"app-{app_port}-{vpc_id[-8:]}",
        Protocol="HTTP",
        Port=app_port,
        VpcId=vpc_id,
        TargetType="instance",
        HealthCheckPath="/health",
    )["TargetGroups"][0]["TargetGroupArn"]
    return {
        **network,
        "security_groups": groups,
        "target_group_arn": target_group,
        "image_id": course_image(session),
    }


def imdsv2_template(
    session,
    name: str,
    image_id: str,
    security_group_id: str,
    instance_type: str = "t3.micro",
    metadata: dict | None = None,
    public_ip: bool | None = None,
) -> str:
    """A launch template (Exercise 1): the image, type and group, IMDSv2 required unless
    ``metadata`` says otherwise; ``public_ip`` True/False puts a network interface in the
    template that does or does not ask for a public address. Its id."""
    data = {
        "ImageId": image_id,
        "InstanceType": instance_type,
        "MetadataOptions": dict(IMDSV2 if metadata is None else metadata),
    }
    if public_ip is None:
        data["SecurityGroupIds"] = [security_group_id]
    else:
        data["NetworkInterfaces"] = [
            {"DeviceIndex": 0, "AssociatePublicIpAddress": public_ip, "Groups": [security_group_id]}
        ]
    return session.client("ec2").create_launch_template(LaunchTemplateName=name, LaunchTemplateData=data)[
        "LaunchTemplate"
    ]["LaunchTemplateId"]


def web_group(
    session,
    name: str,
    template_id: str,
    subnet_ids,
    target_group_arn: str,
    *,
    min_size: int = 2,
    max_size: int = 6,
    grace: int = 300,
) -> str:
    """An Auto Scaling group (Exercise 2): the template's default version, ``min_size`` to
    ``max_size`` instances, desired = min, in ``subnet_ids``, ELB health checks with ``grace``
    seconds of grace, registered in the target group. Its name."""
    session.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateId": template_id, "Version": "$Default"},
        MinSize=min_size,
        MaxSize=max_size,
        DesiredCapacity=min_size,
        VPCZoneIdentifier=",".join(subnet_ids),
        HealthCheckType="ELB",
        HealthCheckGracePeriod=grace,
        TargetGroupARNs=[target_group_arn],
    )
    return name


# -- the shipped metric series -------------------------------------------------------------------


def _daily_shape(minute: int) -> float:
    """Demand in percent of one instance at ``minute`` of a working day (local time): a quiet
    night, a morning ramp, a lunch bump and an evening peak."""
    hour = minute / 60
    bumps = ((9.5, 1.6, 260), (12.75, 1.0, 140), (19.5, 1.8, 330))
    return 70 + sum(height * math.exp(-(((hour - centre) / width) ** 2)) for centre, width, height in bumps)


def synthetic_load(
    seed: int = SEED, periods: int = PERIODS, *, scale: float = 1.0, spikes: int = 2
) -> list[int]:
    """One day of CPU demand, one integer per five-minute period (percent of one instance):
    the daily shape times ``scale``, with noise, ``spikes`` short bursts (a newsletter goes out)
    and a few one-period dips (a slow upstream). The same arguments give the same list."""
    rng = random.Random(seed)
    load = [_daily_shape(i * 1440 / periods) * scale * rng.uniform(0.9, 1.1) for i in range(periods)]
    for _ in range(spikes):
        at = rng.randrange(periods // 3, periods - 6)
        for i in range(at, at + rng.randint(2, 4)):
            load[i] *= rng.uniform(1.8, 2.4)
    for _ in range(4):
        load[rng.randrange(periods)] *= 0.4
    return [max(5, round(value)) for value in load]


def load_csv(load) -> str:
    """``time,load`` lines, one per five-minute period from 00:00."""
    rows = [f"{i * 5 // 60:02d}:{i * 5 % 60:02d},{value}" for i, value in enumerate(load)]
    return "\n".join(["time,load", *rows]) + "\n"


def write(path, seed: int = SEED) -> None:
    """Write the shipped day (``synthetic_load(seed)``) to ``path`` as CSV."""
    write_reproducibly(path, load_csv(synthetic_load(seed)))


def main(argv: list[str]) -> int:
    return regenerate(argv, "grader.scenarios.autoscaling", write)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
