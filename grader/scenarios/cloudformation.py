"""CloudFormation templates and stacks the topic-05 notebook and its tests start from.

Templates are plain dicts (what ``json.dumps`` turns into a ``TemplateBody``). Every resource
type here is one moto 5.2.5 supports: moto skips an unsupported type with only a warning and
leaves an empty record in the stack, which would make a test pass or fail for the wrong reason.
"""

from __future__ import annotations

import json


def body(template) -> str:
    """A ``TemplateBody`` string: a dict as JSON, a string as it is."""
    return template if isinstance(template, str) else json.dumps(template)


def create_stack(session, stack_name: str, template, parameters: dict[str, str] | None = None) -> dict:
    """Create a stack (moto completes it at once) and return its outputs as a dict."""
    cfn = session.client("cloudformation")
    values = [{"ParameterKey": k, "ParameterValue": v} for k, v in (parameters or {}).items()]
    cfn.create_stack(StackName=stack_name, TemplateBody=body(template), Parameters=values)
    described = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def web_template(app_port: int = 443, topic: bool = True) -> dict:
    """A small web stack: VPC, a security group admitting ``app_port`` from the ``WebCidr``
    parameter, an encrypted, retained data bucket, and (``topic``) an SNS topic for alerts,
    which the course's drift detection does not check. Outputs VpcId (exported as
    ``<stack>-VpcId``), SecurityGroupId and BucketName."""
    resources = {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {
            "CidrBlock": {"Ref": "VpcCidr"},
            "Tags": [{"Key": "env", "Value": {"Ref": "EnvName"}}, {"Key": "team", "Value": "web"}]}},
        "WebSg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupDescription": "Web tier", "VpcId": {"Ref": "Vpc"},
            "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": app_port, "ToPort": app_port,
                                      "CidrIp": {"Ref": "WebCidr"}}],
            "Tags": [{"Key": "env", "Value": {"Ref": "EnvName"}}]}},
        "DataBucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                       "Properties": {
                           "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                               {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]},
                           "Tags": [{"Key": "env", "Value": {"Ref": "EnvName"}},
                                    {"Key": "data-class", "Value": "internal"}]}},
    }
    if topic:
        resources["AlertTopic"] = {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "alerts"}}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Course web stack: VPC, web security group, data bucket",
        "Parameters": {
            "EnvName": {"Type": "String", "AllowedValues": ["dev", "staging", "prod"], "Default": "dev"},
            "VpcCidr": {"Type": "String", "Default": "10.0.0.0/16"},
            "WebCidr": {"Type": "String", "Default": "10.0.0.0/8"},
        },
        "Resources": resources,
        "Outputs": {
            "VpcId": {"Value": {"Ref": "Vpc"}, "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-VpcId"}}},
            "SecurityGroupId": {"Value": {"Fn::GetAtt": ["WebSg", "GroupId"]}},
            "BucketName": {"Value": {"Ref": "DataBucket"}},
        },
    }


def broken_template(variant: int = 1) -> dict:
    """A template cfn-lint complains about, three ways: a misspelt property name (cfn-lint
    suggests the right one), a parameter nothing uses, a DeletionPolicy without its
    UpdateReplacePolicy. ``variant`` changes which names are misspelt and which are unused."""
    if variant == 1:
        return {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Parameters": {
                "EnvName": {"Type": "String", "Default": "dev"},
                "KeyName": {"Type": "String", "Default": "ops"},
                "VpcCidr": {"Type": "String", "Default": "10.20.0.0/16"},
            },
            "Resources": {
                "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {
                    "CidrBlock": {"Ref": "VpcCidr"}, "EnableDnsHostname": True,
                    "Tags": [{"Key": "env", "Value": {"Ref": "EnvName"}}]}},
                "Logs": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "Properties": {
                    "VersioningConfiguration": {"Status": "Enabled"}}},
            },
            "Outputs": {"VpcId": {"Value": {"Ref": "Vpc"}}},
        }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {
            "Stage": {"Type": "String", "Default": "test"},
            "Owner": {"Type": "String", "Default": "data-team"},
            "AmiId": {"Type": "String", "Default": "ami-0123456789abcdef0"},
            "AppCidr": {"Type": "String", "Default": "10.1.0.0/16"},
        },
        "Resources": {
            "AppSg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
                "GroupDescripton": "app", "SecurityGroupIngress": [
                    {"IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443, "CidrIp": {"Ref": "AppCidr"}}]}},
            "Archive": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "Properties": {
                "Tag": [{"Key": "stage", "Value": {"Ref": "Stage"}}]}},
            "Raw": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                    "Properties": {"ObjectLockEnable": True}},
        },
        "Outputs": {"ArchiveBucket": {"Value": {"Ref": "Archive"}}, "AppSg": {"Value": {"Ref": "AppSg"}}},
    }
