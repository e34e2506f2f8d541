"""The high-availability checks of topic 12: zones read from configuration, the private database,
the NFS door, and analyses compared with grader.sim.availability; learner messages pinned."""

from __future__ import annotations

import pytest

from grader.checks import ha as checks
from grader.scenarios.vpc import AMI_ID, web_app
from grader.sim import availability as sim
from grader.state import ha as state

from .failures import failure

AZS = ["us-east-1a", "us-east-1b"]


@pytest.fixture
def net(session):
    return web_app(session, "10.12.0.0/16", AZS, 8080, 5432)


def web_tier(session, net, *, app=None, public=None, health="ELB", minimum=None):
    elbv2, autoscaling = session.client("elbv2"), session.client("autoscaling")
    public = public or list(net["subnets"]["public"].values())
    app = app or list(net["subnets"]["app"].values())
    lb = elbv2.create_load_balancer(Name="web", Subnets=public, SecurityGroups=[
        net["security_groups"]["alb"]])["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elbv2.create_target_group(Name="web", Protocol="HTTP", Port=8080,
                                   VpcId=net["vpc_id"])["TargetGroups"][0]["TargetGroupArn"]
    elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    session.client("ec2").create_launch_template(
        LaunchTemplateName="web", LaunchTemplateData={"ImageId": AMI_ID, "InstanceType": "t3.micro"})
    size = minimum if minimum is not None else len(app)
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="web", LaunchTemplate={"LaunchTemplateName": "web"}, MinSize=size,
        DesiredCapacity=size, MaxSize=6, VPCZoneIdentifier=",".join(app), TargetGroupARNs=[tg],
        **({"HealthCheckType": health} if health else {}))
    return {"load_balancer_arn": lb, "target_group_arn": tg, "group_name": "web"}


def database(session, net, *, subnets="db", **settings):
    rds = session.client("rds")
    rds.create_db_subnet_group(DBSubnetGroupName="db", DBSubnetGroupDescription="db",
                               SubnetIds=list(net["subnets"][subnets].values()))
    rds.create_db_instance(DBInstanceIdentifier="app-db", Engine="postgres",
                           DBInstanceClass="db.t4g.medium", AllocatedStorage=20,
                           MasterUsername="app", MasterUserPassword="long-enough-secret",
                           DBSubnetGroupName="db",
                           VpcSecurityGroupIds=[net["security_groups"]["db"]], **settings)
    return "app-db"


PRIVATE = {"MultiAZ": True, "PubliclyAccessible": False, "StorageEncrypted": True}


def files(session, net, *, source=None, cidr=None, subnets=None, encrypted=True):
    ec2, efs = session.client("ec2"), session.client("efs")
    group = ec2.create_security_group(GroupName="efs", Description="nfs", VpcId=net["vpc_id"])["GroupId"]
    permission = {"IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049}
    if cidr:
        permission["IpRanges"] = [{"CidrIp": cidr}]
    else:
        permission["UserIdGroupPairs"] = [{"GroupId": source or net["security_groups"]["app"]}]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[permission])
    fs = efs.create_file_system(CreationToken="files", Encrypted=encrypted)["FileSystemId"]
    for subnet in subnets or net["subnets"]["app"].values():
        efs.create_mount_target(FileSystemId=fs, SubnetId=subnet, SecurityGroups=[group])
    return fs


# -- Exercise 1 ---------------------------------------------------------------------------------

def test_a_web_tier_in_every_zone_passes(session, net):
    tier = web_tier(session, net)
    checks.web_tier_spans(session, tier, net["subnets"]["app"])
    checks.web_tier_wired(session, tier)
    checks.survives_a_zone_loss(session, "web", net["subnets"]["app"])


def test_group_in_one_subnet_fails_naming_the_missing_zone(session, net):
    tier = web_tier(session, net, app=[net["subnets"]["app"]["us-east-1a"]])
    found = failure(checks.web_tier_spans, session, tier, AZS)
    assert found["what"] == "The Auto Scaling group web covers every Availability Zone of the network"
    assert found["found"] == "us-east-1a (missing us-east-1b)"
    assert "VPCZoneIdentifier" in found["next"]


def test_load_balancer_in_fewer_zones_fails_first(session, net):
    tier = web_tier(session, net)
    found = failure(checks.web_tier_spans, session, tier, AZS + ["us-east-1c"])
    assert found["what"].startswith("The load balancer web covers")
    assert found["found"].endswith("(missing us-east-1c)")


def test_a_returned_value_that_is_not_a_dict_or_names_nothing(session, net):
    assert "a dict" in failure(checks.web_tier_spans, session, None, AZS)["expected"]
    web_tier(session, net)
    bad = {"load_balancer_arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1",
           "group_name": "web", "target_group_arn": None}
    assert "LoadBalancerNotFound" in failure(checks.web_tier_spans, session, bad, AZS)["found"]


def test_ec2_health_checks_fail_the_wiring(session, net):
    tier = web_tier(session, net, health=None)
    found = failure(checks.web_tier_wired, session, tier)
    assert found["expected"] == "HealthCheckType 'ELB'" and found["found"] == "'EC2'"


def test_a_listener_to_another_target_group_fails_the_wiring(session, net):
    tier = web_tier(session, net)
    other = session.client("elbv2").create_target_group(
        Name="other", Protocol="HTTP", Port=80, VpcId=net["vpc_id"])["TargetGroups"][0]["TargetGroupArn"]
    found = failure(checks.web_tier_wired, session, {**tier, "target_group_arn": other})
    assert "registers its instances" in found["what"]


def test_a_minimum_of_one_instance_fails(session, net):
    web_tier(session, net, minimum=1)
    found = failure(checks.survives_a_zone_loss, session, "web", AZS)
    assert found["found"] == "MinSize 1, DesiredCapacity 1"


# -- Exercise 2 ---------------------------------------------------------------------------------

def test_a_private_multi_az_database_passes(session, net):
    db = database(session, net, **PRIVATE)
    checks.database_multi_az(session, db, AZS)
    checks.database_private(session, db, subnet_ids=net["subnets"]["db"].values(),
                            group_id=net["security_groups"]["db"])


def test_single_az_database_fails(session, net):
    db = database(session, net, PubliclyAccessible=False)
    assert failure(checks.database_multi_az, session, db, AZS)["expected"] == "MultiAZ True"


def test_publicly_accessible_left_out_is_public_with_an_internet_gateway(session, net):
    db = database(session, net, MultiAZ=True, StorageEncrypted=True)
    found = failure(checks.database_private, session, db, subnet_ids=net["subnets"]["db"].values(),
                    group_id=net["security_groups"]["db"])
    assert found["found"] == "not set: AWS makes it True, because the VPC has an internet gateway"
    assert "PubliclyAccessible=False" in found["next"]


@pytest.mark.parametrize(("db", "igw", "public"), [
    ({"PubliclyAccessible": None}, True, True), ({"PubliclyAccessible": None}, False, False),
    ({"PubliclyAccessible": False}, True, False), ({"PubliclyAccessible": True}, False, True),
])
def test_effectively_public_follows_aws_default(db, igw, public):
    assert checks.effectively_public(db, igw) is public


def test_database_in_public_subnets_or_unencrypted_fails(session, net):
    db = database(session, net, subnets="public", **PRIVATE)
    found = failure(checks.database_private, session, db, subnet_ids=net["subnets"]["db"].values(),
                    group_id=net["security_groups"]["db"])
    assert found["what"] == "Database app-db lives only in the db subnets"


def test_unencrypted_database_fails(session, net):
    db = database(session, net, **{**PRIVATE, "StorageEncrypted": False})
    found = failure(checks.database_private, session, db, subnet_ids=net["subnets"]["db"].values(),
                    group_id=net["security_groups"]["db"])
    assert found["expected"] == "StorageEncrypted True"


def test_a_missing_database_is_named(session):
    assert "DBInstanceNotFound" in failure(checks.database_multi_az, session, "nope", AZS)["found"]


# -- Exercise 3 ---------------------------------------------------------------------------------

def test_files_in_every_zone_from_the_app_group_pass(session, net):
    fs = files(session, net)
    checks.files_in_every_zone(session, fs, net["subnets"]["app"].values())
    checks.nfs_only_from(session, fs, net["security_groups"]["app"])


def test_one_mount_target_fails_naming_the_zone(session, net):
    fs = files(session, net, subnets=[net["subnets"]["app"]["us-east-1b"]])
    found = failure(checks.files_in_every_zone, session, fs, net["subnets"]["app"].values())
    assert found["found"] == "us-east-1b (missing us-east-1a)"


def test_one_zone_file_system_fails(session, net):
    efs = session.client("efs")
    fs = efs.create_file_system(CreationToken="oz", AvailabilityZoneName="us-east-1a")["FileSystemId"]
    found = failure(checks.files_in_every_zone, session, fs, net["subnets"]["app"].values())
    assert found["found"] == "One Zone, in us-east-1a"


def test_nfs_open_to_the_world_fails(session, net):
    fs = files(session, net, cidr="0.0.0.0/0")
    found = failure(checks.nfs_only_from, session, fs, net["security_groups"]["app"])
    assert "ranges ['0.0.0.0/0']" in found["found"]


def test_nfs_from_another_group_or_unencrypted_fails(session, net):
    fs = files(session, net, source=net["security_groups"]["alb"])
    found = failure(checks.nfs_only_from, session, fs, net["security_groups"]["app"])
    assert "no rule from" in found["found"]


def test_unencrypted_files_fail(session, net):
    fs = files(session, net, encrypted=False)
    found = failure(checks.nfs_only_from, session, fs, net["security_groups"]["app"])
    assert found["expected"] == "Encrypted True"


# -- state ------------------------------------------------------------------------------------

def test_architecture_reads_every_tier(session, net):
    tier = web_tier(session, net)
    db = database(session, net, **PRIVATE)
    fs = files(session, net)
    arch = state.architecture(session, load_balancer_arn=tier["load_balancer_arn"],
                              group_name="web", db_instance_id=db, file_system_id=fs)
    assert [(t["name"], t["service"], t["azs"]) for t in arch] == [
        ("load balancer", "alb", AZS), ("web", "asg", AZS), ("files", "efs", AZS),
        ("database", "rds", AZS)]
    assert arch[-1]["multi_az"] == "instance"
    assert sim.survives(arch, "us-east-1a") == ("failover", "database")


# -- analyses -----------------------------------------------------------------------------------

ARCHS = [[{"name": "lb", "service": "alb", "azs": AZS},
          {"name": "nat", "service": "nat", "azs": AZS[:1]}],
         [{"name": "db", "service": "rds", "multi_az": "instance", "azs": AZS},
          {"name": "s3", "service": "s3"}]]


def test_analysis_agrees_accepts_the_reference_and_names_the_first_miss():
    checks.analysis_agrees(sim.survives, ARCHS)
    found = failure(checks.analysis_agrees, lambda arch, lost: ("up", None), ARCHS)
    assert found["what"].startswith("survives agrees with the course's reference on 4 of 6 cases")
    assert "lose us-east-1a with tiers lb=alb[us-east-1a,us-east-1b]; nat=nat[us-east-1a]" in found["what"]
    assert found["expected"] == "('down', 'nat')"


def test_estimate_agrees_with_tolerance_and_keys():
    cases = [[{"name": "a", "availability": 0.99, "copies": 2}]]
    checks.estimate_agrees(sim.estimate, cases, ("availability", "downtime_minutes_per_year", "weakest"))
    checks.estimate_agrees(lambda t: {"availability": 0.9999 + 1e-13}, cases)
    found = failure(checks.estimate_agrees, lambda t: {"availability": 0.99}, cases)
    assert found["what"] == ("estimate agrees with the course's reference on 0 of 1 cases; "
                             "first miss: a 0.99 x2")
    assert "raised KeyError" in failure(checks.estimate_agrees, lambda t: {}["x"], cases)["found"]
