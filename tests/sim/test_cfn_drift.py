"""Tests for grader/sim/cfn_drift.py: the reference drift detector, from tables of expected vs
actual properties (no moto)."""

import pytest

from grader.sim.cfn_drift import (
    DriftStatus,
    PropertyDifference,
    StackResource,
    detect,
    expected_properties,
    ingress_rule,
    normalise,
    resolve,
    resource_drift,
)

SG = "AWS::EC2::SecurityGroup"
BUCKET = "AWS::S3::Bucket"
VPC = "AWS::EC2::VPC"
PARAMS = {"WebCidr": "10.0.0.0/8", "EnvName": "prod"}
SG_PROPS = {
    "GroupDescription": "web",
    "VpcId": {"Ref": "Vpc"},
    "SecurityGroupIngress": [
        {"IpProtocol": "tcp", "FromPort": "443", "ToPort": 443, "CidrIp": {"Ref": "WebCidr"}}
    ],
    "Tags": [{"Key": "env", "Value": {"Ref": "EnvName"}}],
}
SG_LIVE = {"SecurityGroupIngress": [("tcp", 443, 443, "10.0.0.0/8")], "Tags": {"env": "prod"}}
KMS = {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}


def test_resolve_replaces_parameter_refs_and_keeps_resource_refs():
    assert resolve(SG_PROPS, PARAMS)["SecurityGroupIngress"][0]["CidrIp"] == "10.0.0.0/8"
    assert resolve(SG_PROPS, PARAMS)["VpcId"] == {"Ref": "Vpc"}


@pytest.mark.parametrize(
    ("args", "rule"),
    [
        pytest.param(("tcp", "22", 22, "1.2.3.0/24"), ("tcp", 22, 22, "1.2.3.0/24"), id="string-port-to-int"),
        pytest.param(("-1", None, None, "0.0.0.0/0"), ("-1", -1, -1, "0.0.0.0/0"), id="all-traffic"),
        pytest.param(("TCP", 1, 2, "x"), ("tcp", 1, 2, "x"), id="protocol-lowercase"),
    ],
)
def test_ingress_rule_normalises(args, rule):
    assert ingress_rule(*args) == rule


def test_normalise_tags_drops_aws_keys_and_encryption_reads_the_algorithm():
    assert normalise(
        "Tags", [{"Key": "aws:cloudformation:stack-name", "Value": "s"}, {"Key": "a", "Value": "1"}]
    ) == {"a": "1"}
    assert normalise("BucketEncryption", KMS) == "aws:kms"
    with pytest.raises(ValueError):
        normalise("VpcId", "vpc-1")


def test_only_properties_set_in_the_template_are_expected():
    assert expected_properties(BUCKET, {"Tags": []}, {}) == {"Tags": {}}
    assert expected_properties("AWS::SNS::Topic", {"DisplayName": "x"}, {}) == {}


@pytest.mark.parametrize(
    ("resource", "status"),
    [
        pytest.param(StackResource("Sg", SG, SG_PROPS, SG_LIVE), DriftStatus.IN_SYNC, id="sg-in-sync"),
        pytest.param(
            StackResource(
                "Sg",
                SG,
                SG_PROPS,
                {
                    **SG_LIVE,
                    "SecurityGroupIngress": SG_LIVE["SecurityGroupIngress"] + [("tcp", 22, 22, "0.0.0.0/0")],
                },
            ),
            DriftStatus.MODIFIED,
            id="sg-rule-added",
        ),
        pytest.param(
            StackResource("Sg", SG, SG_PROPS, {**SG_LIVE, "SecurityGroupIngress": []}),
            DriftStatus.MODIFIED,
            id="sg-rule-removed",
        ),
        pytest.param(
            StackResource("Sg", SG, SG_PROPS, {**SG_LIVE, "Tags": {"env": "dev"}}),
            DriftStatus.MODIFIED,
            id="sg-tag-changed",
        ),
        pytest.param(StackResource("Sg", SG, SG_PROPS, None), DriftStatus.DELETED, id="sg-deleted"),
        pytest.param(
            StackResource(
                "Sg",
                SG,
                {"GroupDescription": "x"},
                {"SecurityGroupIngress": [("tcp", 22, 22, "x")], "Tags": {"a": "b"}},
            ),
            DriftStatus.IN_SYNC,
            id="unset-properties-never-drift",
        ),
        pytest.param(
            StackResource("B", BUCKET, {"BucketEncryption": KMS}, {"BucketEncryption": "AES256", "Tags": {}}),
            DriftStatus.MODIFIED,
            id="bucket-encryption-changed",
        ),
        pytest.param(
            StackResource("B", BUCKET, {"BucketEncryption": KMS}, {"BucketEncryption": None, "Tags": {}}),
            DriftStatus.MODIFIED,
            id="bucket-encryption-removed",
        ),
        pytest.param(
            StackResource(
                "B", BUCKET, {"BucketEncryption": KMS}, {"BucketEncryption": "aws:kms", "Tags": {"x": "1"}}
            ),
            DriftStatus.IN_SYNC,
            id="bucket-tags-not-in-template",
        ),
        pytest.param(
            StackResource("V", VPC, {"CidrBlock": "10.0.0.0/16", "Tags": []}, {"Tags": {"owner": "me"}}),
            DriftStatus.MODIFIED,
            id="vpc-tag-added",
        ),
        pytest.param(
            StackResource("T", "AWS::SNS::Topic", {}, None), DriftStatus.NOT_CHECKED, id="other-type"
        ),
    ],
)
def test_resource_drift_status(resource, status):
    assert resource_drift(resource, PARAMS).status is status


def test_differences_name_the_kind_and_path():
    live = {"SecurityGroupIngress": [("tcp", 22, 22, "0.0.0.0/0")], "Tags": {"env": "dev", "new": "1"}}
    drift = resource_drift(StackResource("Sg", SG, SG_PROPS, live), PARAMS)
    assert drift.differences == (
        PropertyDifference("/SecurityGroupIngress", None, ("tcp", 22, 22, "0.0.0.0/0"), "ADD"),
        PropertyDifference("/SecurityGroupIngress", ("tcp", 443, 443, "10.0.0.0/8"), None, "REMOVE"),
        PropertyDifference("/Tags/env", "prod", "dev", "NOT_EQUAL"),
        PropertyDifference("/Tags/new", None, "1", "ADD"),
    )


def test_detect_returns_every_resource_by_logical_id():
    resources = [StackResource("Sg", SG, SG_PROPS, SG_LIVE), StackResource("T", "AWS::SNS::Topic", {}, None)]
    assert {k: v.status.value for k, v in detect(resources, PARAMS).items()} == {
        "Sg": "IN_SYNC",
        "T": "NOT_CHECKED",
    }
