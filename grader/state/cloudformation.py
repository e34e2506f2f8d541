"""Read a CloudFormation stack from a session: its template, parameters, outputs, and the live
state of its resources in the plain data of ``grader.sim.cfn_drift``.

moto returns a JSON template body already parsed (a dict); a YAML body stays a string and is
parsed here with cfn-lint's decoder, which understands the short-form tags (``!Ref``).
A resource type moto does not support is created as an empty record (no logical id, no
physical id): it is skipped here as it is in the stack.
"""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

from grader.sim.cfn_drift import CHECKED, StackResource, ingress_rule

#: Error codes meaning "that physical resource is gone".
_GONE = {"InvalidGroup.NotFound", "InvalidGroupId.NotFound", "InvalidVpcID.NotFound",
         "NoSuchBucket", "404", "NotFound"}


def parse_template(body) -> dict:
    """A template body (dict, JSON or YAML string) as a dict."""
    if isinstance(body, dict):
        return json.loads(json.dumps(body))  # plain dicts, not moto's OrderedDicts
    try:
        return json.loads(body)
    except ValueError:
        pass
    from cfnlint.decode.decode import decode_str

    template, errors = decode_str(body)
    if errors or not isinstance(template, dict):
        raise ValueError(f"not a CloudFormation template: {errors[0].message if errors else body!r:.80}")
    return json.loads(json.dumps(template))


def stack(session, stack_name: str) -> dict:
    """``describe_stacks``'s entry for the stack (raises ``ClientError`` if there is none)."""
    return session.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0]


def parameters(description: dict) -> dict[str, str]:
    return {p["ParameterKey"]: p.get("ParameterValue") for p in description.get("Parameters", [])}


def outputs(description: dict) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in description.get("Outputs", [])}


def physical_ids(session, stack_name: str) -> dict[str, tuple[str, str]]:
    """logical id -> (type, physical id) of every resource moto created."""
    summaries = session.client("cloudformation").list_stack_resources(
        StackName=stack_name)["StackResourceSummaries"]
    return {r["LogicalResourceId"]: (r["ResourceType"], r["PhysicalResourceId"])
            for r in summaries if r["LogicalResourceId"]}


def read_stack(session, stack_name: str) -> tuple[dict[str, str], list[StackResource]]:
    """The stack's parameter values and its resources, with live properties for checked types."""
    cfn = session.client("cloudformation")
    values = parameters(stack(session, stack_name))
    template = parse_template(cfn.get_template(StackName=stack_name)["TemplateBody"])
    resources = []
    for logical_id, (resource_type, physical_id) in physical_ids(session, stack_name).items():
        entry = template["Resources"].get(logical_id, {})
        actual = live_properties(session, resource_type, physical_id) if resource_type in CHECKED else None
        resources.append(StackResource(logical_id, resource_type, entry.get("Properties", {}), actual))
    return values, resources


def live_properties(session, resource_type: str, physical_id: str) -> dict | None:
    """The checked properties of one live resource, normalised; None when it no longer exists."""
    try:
        if resource_type == "AWS::EC2::SecurityGroup":
            return _security_group(session.client("ec2"), physical_id)
        if resource_type == "AWS::S3::Bucket":
            return _bucket(session.client("s3"), physical_id)
        if resource_type == "AWS::EC2::VPC":
            vpc = session.client("ec2").describe_vpcs(VpcIds=[physical_id])["Vpcs"][0]
            return {"Tags": _tags(vpc.get("Tags"))}
    except ClientError as error:
        if error.response["Error"]["Code"] in _GONE:
            return None
        raise
    raise ValueError(f"{resource_type} is not a checked type")


def _tags(tags) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in tags or [] if not t["Key"].startswith("aws:")}


def _security_group(ec2, group_id: str) -> dict:
    group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    rules = ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [group_id]}])["SecurityGroupRules"]
    ingress = sorted(ingress_rule(r["IpProtocol"], r.get("FromPort"), r.get("ToPort"), r["CidrIpv4"])
                     for r in rules if not r["IsEgress"] and "CidrIpv4" in r)
    return {"SecurityGroupIngress": ingress, "Tags": _tags(group.get("Tags"))}


def _bucket(s3, name: str) -> dict:
    s3.head_bucket(Bucket=name)
    try:
        rules = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
        algorithm = rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "ServerSideEncryptionConfigurationNotFoundError":
            raise
        algorithm = None
    try:
        tags = s3.get_bucket_tagging(Bucket=name)["TagSet"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchTagSet":
            raise
        tags = []
    return {"BucketEncryption": algorithm, "Tags": _tags(tags)}
