"""grader/scenarios/ec2.py: the course image, instances launched from it, a fleet to review."""

from __future__ import annotations

from grader.scenarios.ec2 import IMDSV2_ONLY, course_image, default_subnet, imds_fleet, launch
from grader.sim.imds import exposure
from grader.state.ec2 import describe_instance, instance_views


def test_course_image_is_registered_once(session):
    image = course_image(session)
    assert course_image(session) == image
    assert session.client("ec2").describe_images(ImageIds=[image])["Images"][0]["State"] == "available"


def test_launch_runs_one_tagged_instance_with_full_metadata_options(session):
    instance = describe_instance(session, launch(session, "web", options=IMDSV2_ONLY))
    assert instance["State"]["Name"] == "running" and instance["SubnetId"] == default_subnet(session)
    assert instance["Tags"] == [{"Key": "Name", "Value": "web"}]
    assert {k: instance["MetadataOptions"][k] for k in IMDSV2_ONLY} == IMDSV2_ONLY
    assert "IamInstanceProfile" not in instance


def test_imds_fleet_exposes_imdsv1_instances_with_a_role(session):
    fleet = imds_fleet(session, "shop")
    names = {v: k for k, v in fleet.items()}
    assert sorted(names[i] for i, _ in exposure(instance_views(session))) == ["shop-batch-1", "shop-web-1"]


def test_tricky_fleet_adds_instances_a_quick_scan_gets_wrong(session):
    fleet = imds_fleet(session, "shop", tricky=True)
    names = {v: k for k, v in fleet.items()}
    exposed = sorted(names[i] for i, _ in exposure(instance_views(session)))
    assert exposed == ["shop-batch-1", "shop-late-1", "shop-web-1"]
    assert len(fleet) == 10
