"""grader.state.cloudformation reads a stack's template, parameters and live resources from the
mock into grader.sim.cfn_drift's data."""

from __future__ import annotations

import pytest

from grader.scenarios.cloudformation import create_stack, web_template
from grader.state import cloudformation as state

PARAMS = {"EnvName": "prod", "VpcCidr": "10.9.0.0/16", "WebCidr": "192.0.2.0/24"}


def test_parse_template_accepts_dicts_json_and_short_form_yaml():
    assert state.parse_template({"Resources": {}}) == {"Resources": {}}
    assert state.parse_template('{"Resources": {}}') == {"Resources": {}}
    yaml = "Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      VpcId: !Ref Vpc\n"
    assert state.parse_template(yaml)["Resources"]["Sg"]["Properties"]["VpcId"] == {"Ref": "Vpc"}
    with pytest.raises(ValueError, match="not a CloudFormation template"):
        state.parse_template("- just\n- a list\n")


def test_read_stack_gives_parameters_and_normalised_live_properties(session):
    out = create_stack(session, "web", web_template(), PARAMS)
    values, resources = state.read_stack(session, "web")
    assert values == PARAMS
    by_id = {r.logical_id: r for r in resources}
    assert set(by_id) == {"Vpc", "WebSg", "DataBucket", "AlertTopic"}
    assert by_id["WebSg"].actual == {
        "SecurityGroupIngress": [("tcp", 443, 443, "192.0.2.0/24")],
        "Tags": {"env": "prod"},
    }
    assert by_id["DataBucket"].actual == {
        "BucketEncryption": "aws:kms",
        "Tags": {"env": "prod", "data-class": "internal"},
    }
    assert by_id["AlertTopic"].actual is None
    assert state.outputs(state.stack(session, "web"))["BucketName"] == out["BucketName"]


def test_live_properties_is_none_for_deleted_resources(session):
    out = create_stack(session, "gone", web_template(), PARAMS)
    session.client("ec2").delete_security_group(GroupId=out["SecurityGroupId"])
    session.client("s3").delete_bucket(Bucket=out["BucketName"])
    assert state.live_properties(session, "AWS::EC2::SecurityGroup", out["SecurityGroupId"]) is None
    assert state.live_properties(session, "AWS::S3::Bucket", out["BucketName"]) is None
    assert state.live_properties(session, "AWS::EC2::VPC", "vpc-0123456789abcdef0") is None


@pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")
def test_unsupported_types_are_left_out_like_the_stack_does(session):
    create_stack(
        session,
        "typo",
        {"Resources": {"Logs": {"Type": "AWS::S3::Buckett"}, "Real": {"Type": "AWS::S3::Bucket"}}},
    )
    assert list(state.physical_ids(session, "typo")) == ["Real"]
