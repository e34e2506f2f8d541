"""grader.checks.cloudformation: topic 05's checks on templates, stacks, deploy, drift and the
security trap; each passes on good input and fails with the learner's names."""

from __future__ import annotations

import copy
import json

import pytest
from botocore.exceptions import ClientError

from grader.checks import cloudformation as check
from grader.scenarios.cloudformation import create_stack, web_template

from .failures import failure

PARAMS = {"EnvName": "dev", "VpcCidr": "10.7.0.0/16", "WebCidr": "192.0.2.0/24"}
OUTPUTS = {
    "VpcId": "AWS::EC2::VPC",
    "SecurityGroupId": "AWS::EC2::SecurityGroup",
    "BucketName": "AWS::S3::Bucket",
}
PATTERN = r"^(\d{1,3}\.){3}\d{1,3}/(8|9|[12]\d|3[0-2])$"


def ops(**changes):
    template = {
        "Parameters": {"AdminCidr": {"Type": "String", "AllowedPattern": PATTERN}},
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.9.0.0/16"}},
            "AdminSg": {
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {
                    "GroupDescription": "ssh",
                    "VpcId": {"Ref": "Vpc"},
                    "SecurityGroupIngress": [
                        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": {"Ref": "AdminCidr"}}
                    ],
                },
            },
            "DataBucket": {
                "Type": "AWS::S3::Bucket",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": {
                    "BucketEncryption": {
                        "ServerSideEncryptionConfiguration": [
                            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}
                        ]
                    },
                    "PublicAccessBlockConfiguration": dict.fromkeys(
                        ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"),
                        True,
                    ),
                },
            },
        },
        "Outputs": {"Sg": {"Value": {"Ref": "AdminSg"}}, "Bucket": {"Value": {"Ref": "DataBucket"}}},
    }
    for path, value in changes.items():
        *parents, last = path.split(".")
        node = template
        for part in parents:
            node = node[part]
        if value is None:
            del node[last]
        else:
            node[last] = value
    return template


# -- templates and stacks --------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, [], {"Parameters": {}}, "Resources: [oops"])
def test_template_dict_refuses_what_is_not_a_template(value):
    assert (
        failure(check.template_dict, value, "network_template()")["what"]
        == "network_template() returns a CloudFormation template"
    )


def test_deploy_template_reports_cloudformations_error(session):
    bad = {
        "Resources": {
            "Sg": {
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {"GroupDescription": "x", "VpcId": {"Ref": "Nowhere"}},
            }
        }
    }
    message = failure(check.deploy_template, session, bad, "s1", {}, "network_template()")
    assert message["what"] == "CloudFormation creates stack s1 from your template"


def test_outputs_name_resources_passes_and_names_a_missing_output(session):
    create_stack(session, "web", web_template(), PARAMS)
    assert set(check.outputs_name_resources(session, "web", OUTPUTS)) == set(OUTPUTS)
    message = failure(check.outputs_name_resources, session, "web", {"Bucket": "AWS::S3::Bucket"})
    assert message["found"] == "'no such output'"


def test_vpc_group_and_export_checks(session):
    out = create_stack(session, "web", web_template(), PARAMS)
    check.vpc_uses_cidr(session, out["VpcId"], "10.7.0.0/16")
    check.group_admits_only(session, out["SecurityGroupId"], out["VpcId"], 443, "192.0.2.0/24")
    check.exports_vpc(session, "web", out["VpcId"])
    assert failure(check.vpc_uses_cidr, session, out["VpcId"], "10.8.0.0/16")["found"].endswith(
        "uses 10.7.0.0/16"
    )
    message = failure(
        check.group_admits_only, session, out["SecurityGroupId"], out["VpcId"], 443, "0.0.0.0/0"
    )
    assert message["found"] == "tcp 443-443 from 192.0.2.0/24"
    assert "no-such-VpcId" in failure(check.exports_vpc, session, "no-such", out["VpcId"])["what"]


def test_group_outside_the_stacks_vpc_fails(session):
    template = web_template()
    del template["Resources"]["WebSg"]["Properties"]["VpcId"]
    out = create_stack(session, "novpc", template, PARAMS)
    message = failure(
        check.group_admits_only, session, out["SecurityGroupId"], out["VpcId"], 443, "192.0.2.0/24"
    )
    assert message["expected"] == out["VpcId"]


# -- deploy ----------------------------------------------------------------------------------


def test_updated_in_place_and_no_change(session):
    cfn = session.client("cloudformation")
    create_stack(session, "web", web_template(), PARAMS)
    stack_id = cfn.describe_stacks(StackName="web")["Stacks"][0]["StackId"]
    cfn.update_stack(
        StackName="web",
        TemplateBody=json.dumps(web_template()),
        Parameters=[
            {"ParameterKey": k, "ParameterValue": v} for k, v in {**PARAMS, "WebCidr": "10.0.0.0/8"}.items()
        ],
    )
    out = check.deploy_returns_outputs(check.state.outputs(check.state.stack(session, "web")), session, "web")
    check.updated_in_place(session, "web", stack_id, out["SecurityGroupId"], 443, "10.0.0.0/8")
    message = failure(
        check.updated_in_place, session, "web", stack_id, out["SecurityGroupId"], 443, "10.1.0.0/16"
    )
    assert message["expected"] == "tcp 443 from 10.1.0.0/16 (the new parameters)"

    def raises(*args):
        raise ClientError(
            {"Error": {"Code": "ValidationError", "Message": "No updates are to be performed."}},
            "UpdateStack",
        )

    message = failure(check.deploy_tolerates_no_change, raises, session, "web", web_template(), PARAMS)
    assert message["found"].startswith("raised ClientError")
    assert failure(check.deploy_returns_outputs, None, session, "web")["found"] == "None"


def test_updated_in_place_fails_on_a_recreated_stack(session):
    create_stack(session, "web", web_template(), PARAMS)
    old = session.client("cloudformation").describe_stacks(StackName="web")["Stacks"][0]["StackId"]
    session.client("cloudformation").delete_stack(StackName="web")
    out = create_stack(session, "web", web_template(), PARAMS)
    message = failure(
        check.updated_in_place, session, "web", old, out["SecurityGroupId"], 443, "192.0.2.0/24"
    )
    assert message["expected"] == "the same stack id, status UPDATE_COMPLETE"


# -- drift -----------------------------------------------------------------------------------


def test_drift_agrees_passes_the_reference_and_quotes_its_differences(session):
    out = create_stack(session, "d", web_template(), PARAMS)
    reference = {k: v.status.value for k, v in check.reference_drift(session, "d").items()}
    check.drift_agrees(lambda s, n: dict(reference), session, "d")
    session.client("ec2").authorize_security_group_ingress(
        GroupId=out["SecurityGroupId"],
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
        ],
    )
    message = failure(check.drift_agrees, lambda s, n: dict(reference), session, "d")
    assert message["what"] == (
        "detect_drift on stack d: WebSg is MODIFIED (ADD /SecurityGroupIngress: "
        "expected None, actual ('tcp', 22, 22, '0.0.0.0/0'))"
    )
    assert failure(check.drift_agrees, lambda s, n: 1 / 0, session, "d")["found"].startswith(
        "raised ZeroDivisionError"
    )
    current = {k: v.status.value for k, v in check.reference_drift(session, "d").items()}
    message = failure(check.drift_agrees, lambda s, n: {**current, "Ghost": "IN_SYNC"}, session, "d")
    assert message["what"] == "detect_drift names exactly the stack's resources " + str(sorted(current))


# -- the trap --------------------------------------------------------------------------------


def test_good_ops_template_passes_every_trap_check(session):
    out = create_stack(session, "ops", ops(), {"AdminCidr": "203.0.113.0/24"})
    check.ssh_only_from(session, out["Sg"], "203.0.113.0/24")
    check.parameter_refuses(ops(), "AdminCidr")
    check.bucket_locked_down(session, ops(), out["Bucket"], "DataBucket")
    check.bucket_retained(session, ops(), "ops", out["Bucket"], "DataBucket")


@pytest.mark.parametrize(
    ("spec", "found"),
    [
        pytest.param(
            {"Type": "String", "Default": "0.0.0.0/0"}, "it is the Default of AdminCidr", id="world-default"
        ),
        pytest.param({"Type": "String"}, "accepted: no constraint refuses it", id="no-constraint"),
        pytest.param(
            {"Type": "String", "AllowedPattern": r"^[\d./]+$"},
            "accepted: no constraint refuses it",
            id="pattern-too-loose",
        ),
    ],
)
def test_parameter_refuses_catches_world_open_admin_ranges(spec, found):
    assert (
        failure(check.parameter_refuses, ops(**{"Parameters.AdminCidr": spec}), "AdminCidr")["found"] == found
    )


def test_accepts_applies_allowed_values_and_lengths():
    assert not check.accepts({"AllowedValues": ["10.0.0.0/8"]}, "0.0.0.0/0")
    assert not check.accepts({"MinLength": 10}, "0.0.0.0/0")
    assert check.accepts({"AllowedPattern": PATTERN}, "10.1.2.0/24")


def test_ssh_open_to_the_world_fails(session):
    out = create_stack(session, "ops", ops(), {"AdminCidr": "203.0.113.0/24"})
    session.client("ec2").authorize_security_group_ingress(
        GroupId=out["Sg"], IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    message = failure(check.ssh_only_from, session, out["Sg"], "203.0.113.0/24")
    assert "all traffic from 0.0.0.0/0" in message["found"]


def test_bucket_checks_fail_on_sse_s3_public_access_and_no_replace_policy(session):
    sse_s3 = ops()
    sse_s3["Resources"]["DataBucket"]["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][
        0
    ]["ServerSideEncryptionByDefault"]["SSEAlgorithm"] = "AES256"
    out = create_stack(session, "s3", sse_s3, {"AdminCidr": "10.0.0.0/8"})
    assert (
        failure(check.bucket_locked_down, session, sse_s3, out["Bucket"], "DataBucket")["found"] == "AES256"
    )
    open_bucket = ops(
        **{"Resources.DataBucket.Properties.PublicAccessBlockConfiguration": {"BlockPublicAcls": True}}
    )
    out = create_stack(session, "pab", open_bucket, {"AdminCidr": "10.0.0.0/8"})
    message = failure(check.bucket_locked_down, session, open_bucket, out["Bucket"], "DataBucket")
    assert message["found"] == "not true: BlockPublicPolicy, IgnorePublicAcls, RestrictPublicBuckets"
    no_replace = ops(**{"Resources.DataBucket.UpdateReplacePolicy": None})
    out = create_stack(session, "urp", no_replace, {"AdminCidr": "10.0.0.0/8"})
    message = failure(check.bucket_retained, session, no_replace, "urp", out["Bucket"], "DataBucket")
    assert "UpdateReplacePolicy is not set" in message["found"]
    deleted = ops(
        **{"Resources.DataBucket.UpdateReplacePolicy": None, "Resources.DataBucket.DeletionPolicy": None}
    )
    out = create_stack(session, "del", copy.deepcopy(deleted), {"AdminCidr": "10.0.0.0/8"})
    message = failure(check.bucket_retained, session, deleted, "del", out["Bucket"], "DataBucket")
    assert message["found"] == "it was deleted with the stack"


def test_moto_skip_warning_is_filtered_but_other_moto_warnings_are_not(caplog):
    """moto logs a warning per unsupported type; learners see the skip through cfn-lint instead."""
    import logging

    moto_log = logging.getLogger("moto")
    moto_log.warning("No Moto CloudFormation support for %s", "AWS::S3::Buckett")
    moto_log.warning("something else")
    assert [r.getMessage() for r in caplog.records] == ["something else"]
