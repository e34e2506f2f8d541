"""Learner-facing checks on CloudFormation templates and stacks (topic 05).

moto creates a stack's resources from a template, updates them and honours ``DeletionPolicy:
Retain``; it does not enforce parameter constraints (``AllowedPattern``, ``AllowedValues``),
apply a bucket's ``PublicAccessBlockConfiguration`` or detect drift. Those are judged here from
the template, as CloudFormation would, and drift by ``grader.sim.cfn_drift``.
Notebooks use them as ``from grader.checks import cloudformation as check``.
"""

from __future__ import annotations

import logging
import re

from botocore.exceptions import ClientError

from grader.checks.base import Message
from grader.scenarios.cloudformation import create_stack
from grader.sim import cfn_drift
from grader.state import cloudformation as state

#: moto logs a warning (logger "moto") per resource type it skips; the notebook shows skips
#: through cfn-lint and the stack's resource list instead, so learners' outputs stay clean.
logging.getLogger("moto").addFilter(
    lambda record: not str(record.msg).startswith("No Moto CloudFormation support"))

NOT_A_TEMPLATE = Message(
    "{what} returns a CloudFormation template", "a dict with a Resources section (or a JSON/YAML string)",
    "{found}", "Build the template as a Python dict, as in the worked example, and `return` it.")
NOT_CREATED = Message(
    "CloudFormation creates stack {stack_name} from your template", "CREATE_COMPLETE",
    "{found}", "Read the error: a Ref to a name that is neither a parameter nor a resource, or a "
    "missing required property, are the usual causes.")
OUTPUT_MISSING = Message(
    "Stack {stack_name} has an output {key} naming its {kind}", "{expected}", "{found}",
    "Add Outputs.{key} with Value {{'Ref': <logical id>}} (or Fn::GetAtt for a group's GroupId).")
VPC_CIDR = Message(
    "The stack's VPC uses the VpcCidr parameter", "CIDR {expected}", "{found}",
    "Set the VPC's CidrBlock to {{'Ref': 'VpcCidr'}} rather than a fixed range.")
INGRESS = Message(
    "Security group {group_id} admits {what}", "{expected}", "{found}", "{hint}")
GROUP_VPC = Message(
    "Security group {group_id} is in the stack's VPC", "{expected}", "{found}",
    "Set the group's VpcId to {{'Ref': <your VPC's logical id>}}: without it the group lands in the "
    "default VPC.")
EXPORT_MISSING = Message(
    "Stack {stack_name} exports its VPC id as {name}", "an export {name} = {vpc_id}", "{found}",
    "Give the VpcId output an Export whose Name is {{'Fn::Sub': '${{AWS::StackName}}-VpcId'}}.")
DEPLOY_RESULT = Message(
    "deploy returns the stack's outputs as a dict", "{expected}", "{found}",
    "After the create or update, read describe_stacks' Outputs and return {{OutputKey: OutputValue}}.")
NOT_UPDATED = Message(
    "deploy updates the existing stack {stack_name} in place", "{expected}", "{found}", "{hint}")
DEPLOY_RAISED = Message(
    "deploy with nothing to change {what}", "the current outputs, no error", "{found}",
    "CloudFormation answers an update with no change with a ValidationError 'No updates are to be "
    "performed.': catch that one (botocore.exceptions.ClientError) and carry on.")
DRIFT_HINT = ("Compare each checked property the template sets (Refs to parameters resolved) with "
              "the live resource; a group's rules are a set, tags starting 'aws:' never count.")
SSH_OPEN = Message(
    "SSH (tcp 22) on {group_id} is open only to the AdminCidr given ({admin_cidr})", "{expected}", "{found}",
    "Admit tcp 22 from {{'Ref': 'AdminCidr'}} and from nowhere else.")
PARAMETER_ACCEPTS = Message(
    "CloudFormation refuses AdminCidr = {value!r} for your template", "the create refused by a constraint",
    "{found}", "{hint}")
BUCKET_SETTING = Message(
    "Data bucket {bucket}: {what}", "{expected}", "{found}", "{hint}")
NOT_RETAINED = Message(
    "Data bucket {bucket} outlives its stack", "the bucket still there after delete_stack",
    "{found}",
    "Set DeletionPolicy: Retain on the bucket, and UpdateReplacePolicy: Retain so a replacement "
    "keeps the old one too.")


def template_dict(value, what: str) -> dict:
    """``value`` as a template dict, or a learner message when it is not a template."""
    try:
        template = state.parse_template(value) if isinstance(value, (dict, str)) else None
    except ValueError as error:
        template = None
        found = str(error)
    else:
        found = f"{value!r:.80} (a {type(value).__name__})"
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        raise NOT_A_TEMPLATE.fail(what=what, found=found)
    return template


def deploy_template(session, template, stack_name: str, parameters: dict[str, str], what: str) -> dict:
    """Create a stack from a learner's template; its outputs, or a message when it fails."""
    template_dict(template, what)
    try:
        return create_stack(session, stack_name, template, parameters)
    except ClientError as error:
        found = f"{error.response['Error']['Code']}: {error.response['Error']['Message']}"
    except Exception as error:  # noqa: BLE001 -- moto raises plain exceptions on some templates
        found = f"the mock CloudFormation failed: {type(error).__name__}: {error}"
    raise NOT_CREATED.fail(stack_name=stack_name, found=found)


def _resources(session, stack_name: str, resource_type: str) -> list[str]:
    return [pid for rtype, pid in state.physical_ids(session, stack_name).values() if rtype == resource_type]


def outputs_name_resources(session, stack_name: str, expected: dict[str, str]) -> dict[str, str]:
    """Each output in ``expected`` (key -> resource type) exists and is the physical id of one
    of the stack's resources of that type; returns the outputs."""
    outputs = state.outputs(state.stack(session, stack_name))
    for key, resource_type in expected.items():
        ids = _resources(session, stack_name, resource_type)
        if outputs.get(key) not in ids:
            raise OUTPUT_MISSING.fail(stack_name=stack_name, key=key, kind=resource_type,
                                      expected=f"one of {ids}",
                                      found=repr(outputs.get(key, "no such output")))
    return outputs


def vpc_uses_cidr(session, vpc_id: str, cidr: str) -> None:
    found = session.client("ec2").describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["CidrBlock"]
    if found != cidr:
        raise VPC_CIDR.fail(expected=cidr, found=f"{vpc_id} uses {found}")


def _ingress(session, group_id: str) -> list[tuple]:
    rules = session.client("ec2").describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [group_id]}])["SecurityGroupRules"]
    def source(rule):
        group = rule.get("ReferencedGroupInfo", {}).get("GroupId")
        return rule.get("CidrIpv4") or rule.get("CidrIpv6") or group

    return sorted(cfn_drift.ingress_rule(r["IpProtocol"], r.get("FromPort"), r.get("ToPort"), source(r))
                  for r in rules if not r["IsEgress"])


def group_admits_only(session, group_id: str, vpc_id: str, port: int, cidr: str) -> None:
    """The group is in ``vpc_id`` and its only inbound rule is tcp ``port`` from ``cidr``."""
    group = session.client("ec2").describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    if group.get("VpcId") != vpc_id:
        raise GROUP_VPC.fail(group_id=group_id, expected=vpc_id, found=group.get("VpcId"))
    rules, want = _ingress(session, group_id), [("tcp", port, port, cidr)]
    if rules != want:
        raise INGRESS.fail(group_id=group_id, what=f"only tcp {port} from the WebCidr parameter",
                           expected=_rules_text(want), found=_rules_text(rules),
                           hint="One SecurityGroupIngress entry: tcp, FromPort and ToPort "
                                f"{port}, CidrIp {{'Ref': 'WebCidr'}}.")


def _rules_text(rules) -> str:
    return ", ".join(f"{p} {lo}-{hi} from {c}" if p != "-1" else f"all traffic from {c}"
                     for p, lo, hi, c in rules) or "no inbound rule"


def exports_vpc(session, stack_name: str, vpc_id: str) -> None:
    name = f"{stack_name}-VpcId"
    exports = {e["Name"]: e["Value"] for e in session.client("cloudformation").list_exports()["Exports"]}
    if exports.get(name) != vpc_id:
        raise EXPORT_MISSING.fail(stack_name=stack_name, name=name, vpc_id=vpc_id,
                                  found=f"exports {exports or 'none'}")


# -- deploy -------------------------------------------------------------------------------------

def deploy_returns_outputs(result, session, stack_name: str) -> dict:
    outputs = state.outputs(state.stack(session, stack_name))
    if result != outputs:
        raise DEPLOY_RESULT.fail(expected=outputs, found=f"{result!r:.160}")
    return outputs


def updated_in_place(session, stack_name: str, stack_id: str, group_id: str, port: int, cidr: str) -> None:
    """The stack kept its id, ended UPDATE_COMPLETE and its group now admits ``cidr``."""
    stacks = [s for s in session.client("cloudformation").list_stacks()["StackSummaries"]
              if s["StackName"] == stack_name and s["StackStatus"] != "DELETE_COMPLETE"]
    found = [(s["StackId"].rsplit("/", 1)[-1][:8], s["StackStatus"]) for s in stacks]
    if len(stacks) != 1 or stacks[0]["StackId"] != stack_id or stacks[0]["StackStatus"] != "UPDATE_COMPLETE":
        raise NOT_UPDATED.fail(stack_name=stack_name, expected="the same stack id, status UPDATE_COMPLETE",
                               found=f"stacks (id, status): {found}",
                               hint="When describe_stacks finds the stack, call update_stack, not "
                                    "create_stack; wait for stack_update_complete.")
    rules = _ingress(session, group_id)
    if ("tcp", port, port, cidr) not in rules:
        raise NOT_UPDATED.fail(stack_name=stack_name, expected=f"tcp {port} from {cidr} (the new parameters)",
                               found=_rules_text(rules),
                               hint="Pass every parameter of this call to update_stack.")


def deploy_tolerates_no_change(deploy, session, stack_name: str, template, parameters: dict) -> dict:
    try:
        result = deploy(session, stack_name, template, parameters)
    except Exception as error:  # noqa: BLE001 -- the learner's error is the answer shown
        raise DEPLOY_RAISED.fail(what="returns the outputs",
                                 found=f"raised {type(error).__name__}: {error}") from None
    return deploy_returns_outputs(result, session, stack_name)


# -- drift --------------------------------------------------------------------------------------

def reference_drift(session, stack_name: str) -> dict[str, cfn_drift.ResourceDrift]:
    values, resources = state.read_stack(session, stack_name)
    return cfn_drift.detect(resources, values)


def drift_agrees(detect_drift, session, stack_name: str) -> None:
    """The learner's ``detect_drift(session, stack_name)`` names every resource's status as the
    reference does; the message quotes the reference's differences for the first miss."""
    expected = reference_drift(session, stack_name)
    want = {logical_id: drift.status.value for logical_id, drift in expected.items()}
    try:
        answer = detect_drift(session, stack_name)
    except Exception as error:  # noqa: BLE001 -- the learner's error is the answer shown
        answer, found = None, f"raised {type(error).__name__}: {error}"
    else:
        found = f"{answer!r:.200}"
    if answer == want:
        return
    miss = next((k for k in want if not isinstance(answer, dict) or answer.get(k) != want[k]), None)
    if miss is None:
        what = f"detect_drift names exactly the stack's resources {sorted(want)}"
    else:
        diffs = "; ".join(f"{d.kind} {d.path}: expected {d.expected!r}, actual {d.actual!r}"
                          for d in expected[miss].differences) or "no property differs"
        what = f"detect_drift on stack {stack_name}: {miss} is {want[miss]} ({diffs})"
    raise Message("{what}", "{expected}", "{found}", "{hint}").fail(
        what=what, expected=repr(want), found=found, hint=DRIFT_HINT)


# -- the security trap --------------------------------------------------------------------------

WORLD = ("0.0.0.0/0", "::/0")


def ssh_only_from(session, group_id: str, admin_cidr: str) -> None:
    """No inbound rule admits tcp 22 from anywhere but ``admin_cidr``, and one admits it from there."""
    rules = _ingress(session, group_id)
    ssh = [r for r in rules if r[0] == "-1" or (r[0] == "tcp" and r[1] <= 22 <= r[2])]
    if not ssh or any(r[3] != admin_cidr for r in ssh):
        raise SSH_OPEN.fail(group_id=group_id, admin_cidr=admin_cidr,
                            expected=f"tcp 22 from {admin_cidr} only", found=_rules_text(ssh))


def parameter_refuses(template, name: str, values=WORLD) -> None:
    """CloudFormation would refuse each of ``values`` for parameter ``name`` (its AllowedPattern,
    AllowedValues, MinLength or MaxLength), and the parameter's Default is none of them.
    Checked here because moto does not enforce parameter constraints."""
    spec = template_dict(template, "Your template").get("Parameters", {}).get(name)
    if spec is None:
        raise PARAMETER_ACCEPTS.fail(value=values[0], found=f"no parameter {name}",
                                     hint=f"Declare a {name} parameter and use it in the SSH rule.")
    if spec.get("Default") in values:
        raise PARAMETER_ACCEPTS.fail(value=spec["Default"], found=f"it is the Default of {name}",
                                     hint="Give no Default: the deployer must name the admin range.")
    for value in values:
        if accepts(spec, value):
            raise PARAMETER_ACCEPTS.fail(value=value, found="accepted: no constraint refuses it",
                                         hint="Add an AllowedPattern that only matches narrower "
                                              "ranges (or a rule), with a ConstraintDescription.")


def accepts(spec: dict, value: str) -> bool:
    """Whether a String parameter with these constraints accepts ``value``."""
    if "AllowedValues" in spec and value not in [str(v) for v in spec["AllowedValues"]]:
        return False
    if "AllowedPattern" in spec and not re.fullmatch(spec["AllowedPattern"], value):
        return False
    if int(spec.get("MinLength", 0)) > len(value) or len(value) > int(spec.get("MaxLength", 10**6)):
        return False
    return True


def bucket_locked_down(session, template, bucket: str, logical_id: str) -> None:
    """SSE-KMS default encryption (live) and all four public-access-block settings (template:
    moto does not apply them from CloudFormation)."""
    try:
        rule = session.client("s3").get_bucket_encryption(Bucket=bucket)[
            "ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]
        found = rule["SSEAlgorithm"]
    except ClientError:
        found = "no default-encryption setting (S3's own SSE-S3 applies)"
    if found not in ("aws:kms", "aws:kms:dsse"):
        raise BUCKET_SETTING.fail(bucket=bucket, what="default encryption with KMS",
                                  expected="SSEAlgorithm aws:kms",
                                  found=found, hint="Set BucketEncryption with ServerSideEncryptionByDefault "
                                                    "SSEAlgorithm aws:kms.")
    settings = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
    block = (template_dict(template, "Your template")["Resources"].get(logical_id, {})
             .get("Properties", {}).get("PublicAccessBlockConfiguration") or {})
    missing = [s for s in settings if block.get(s) not in (True, "true", "True")]
    if missing:
        raise BUCKET_SETTING.fail(bucket=bucket, what="public access blocked",
                                  expected="all four settings true",
                                  found=f"not true: {', '.join(missing)}",
                                  hint="Add PublicAccessBlockConfiguration with the four settings true.")


def bucket_retained(session, template, stack_name: str, bucket: str, logical_id: str) -> None:
    """Deleting the stack keeps the bucket, and the template also retains it on replacement."""
    session.client("cloudformation").delete_stack(StackName=stack_name)
    names = [b["Name"] for b in session.client("s3").list_buckets()["Buckets"]]
    resource = template_dict(template, "Your template")["Resources"].get(logical_id, {})
    if bucket not in names:
        raise NOT_RETAINED.fail(bucket=bucket, found="it was deleted with the stack")
    if resource.get("UpdateReplacePolicy") != "Retain":
        policy = resource.get("UpdateReplacePolicy", "not set")
        raise NOT_RETAINED.fail(bucket=bucket, found=f"it survives a delete, but UpdateReplacePolicy is "
                                                     f"{policy}: a replacement would delete it")
