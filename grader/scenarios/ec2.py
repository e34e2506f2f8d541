"""Starting states with EC2 instances (topic 17, and the compute topics after it). boto3 only.

The sandbox leaves moto's catalogue of public AMIs off (it makes every reset ~20x slower), so
:func:`course_image` registers the course's own image in the account, as a team registers its
golden image. It declares no ``ImdsSupport``: like an older Linux image, instances launched
from it without ``MetadataOptions`` allow IMDSv1 (and moto ignores ``ImdsSupport`` anyway).
Instances launch into the default VPC unless a subnet is given.
"""

from __future__ import annotations

from grader.scenarios.snapshots import remembered

from .iam import instance_role, objects_policy

IMAGE_NAME = "course-linux-2026"
#: IMDS settings written out in full: moto forgets any field a modify call leaves out.
IMDSV1_ALLOWED = {"HttpEndpoint": "enabled", "HttpTokens": "optional", "HttpPutResponseHopLimit": 1}
IMDSV2_ONLY = {"HttpEndpoint": "enabled", "HttpTokens": "required", "HttpPutResponseHopLimit": 1}


def course_image(session, name: str = IMAGE_NAME) -> str:
    """The id of the course's Linux image, registered in this account on first use."""
    ec2 = session.client("ec2")
    found = ec2.describe_images(Owners=["self"], Filters=[{"Name": "name", "Values": [name]}])["Images"]
    if found:
        return found[0]["ImageId"]
    return ec2.register_image(
        Name=name, Architecture="x86_64", RootDeviceName="/dev/xvda", VirtualizationType="hvm",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "VolumeType": "gp3"}}],
    )["ImageId"]


def default_subnet(session, az: str = "us-east-1a") -> str:
    """The default VPC's subnet in ``az``."""
    return session.client("ec2").describe_subnets(Filters=[
        {"Name": "default-for-az", "Values": ["true"]},
        {"Name": "availability-zone", "Values": [az]}])["Subnets"][0]["SubnetId"]


def launch(session, name: str, *, profile: str | None = None, options: dict | None = None,
           subnet_id: str | None = None, image_id: str | None = None, instance_type: str = "t3.micro") -> str:
    """One instance of the course image (or ``image_id``), tagged ``Name=name``, optionally with
    an instance profile (by name) and IMDS ``options`` (default: IMDSv1 allowed, hop limit 1);
    running."""
    extra = {"IamInstanceProfile": {"Name": profile}} if profile else {}
    return session.client("ec2").run_instances(
        ImageId=image_id or course_image(session), InstanceType=instance_type, MinCount=1, MaxCount=1,
        SubnetId=subnet_id or default_subnet(session), MetadataOptions=dict(options or IMDSV1_ALLOWED),
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}],
        **extra,
    )["Instances"][0]["InstanceId"]


def set_metadata_options(session, instance_id: str, options: dict) -> None:
    """Change an instance's IMDS settings, every field given (see ``IMDSV1_ALLOWED``)."""
    session.client("ec2").modify_instance_metadata_options(InstanceId=instance_id, **options)


@remembered
def imds_fleet(session, team: str = "acme", *, tricky: bool = False) -> dict[str, str]:
    """A small fleet to review for credentials an attacker could read through IMDSv1: a web
    role and a batch role in instance profiles, on instances with and without IMDSv2 required.
    ``tricky`` adds what a quick scan gets wrong: a stopped and a terminated instance, a profile
    holding no role, a disabled endpoint, an instance fixed after launch, an instance whose
    profile was associated after launch. Returns ``{instance name: instance id}``; roles are
    ``{team}-web`` and ``{team}-batch``."""
    web = instance_role(session, f"{team}-web", objects_policy(f"{team}-site", "static/"))
    batch = instance_role(session, f"{team}-batch", objects_policy(f"{team}-lake", "raw/", ["s3:PutObject"]))
    where = {"image_id": course_image(session), "subnet_id": default_subnet(session)}
    plain = [(f"{team}-web-1", web["profile_name"], IMDSV1_ALLOWED),
             (f"{team}-web-2", web["profile_name"], IMDSV2_ONLY),
             (f"{team}-batch-1", batch["profile_name"], {**IMDSV1_ALLOWED, "HttpPutResponseHopLimit": 2}),
             (f"{team}-bastion", None, IMDSV1_ALLOWED)]
    fleet = {name: launch(session, name, profile=profile, options=options, **where)
             for name, profile, options in plain}
    if tricky:
        ec2, iam = session.client("ec2"), session.client("iam")
        iam.create_instance_profile(InstanceProfileName=f"{team}-empty")
        fleet |= {name: launch(session, name, profile=profile, **where) for name, profile in [
            (f"{team}-old-1", web["profile_name"]), (f"{team}-gone-1", batch["profile_name"]),
            (f"{team}-empty-1", f"{team}-empty"), (f"{team}-off-1", web["profile_name"]),
            (f"{team}-fixed-1", batch["profile_name"]), (f"{team}-late-1", None)]}
        ec2.stop_instances(InstanceIds=[fleet[f"{team}-old-1"]])
        ec2.terminate_instances(InstanceIds=[fleet[f"{team}-gone-1"]])
        set_metadata_options(session, fleet[f"{team}-off-1"], {**IMDSV1_ALLOWED, "HttpEndpoint": "disabled"})
        set_metadata_options(session, fleet[f"{team}-fixed-1"], IMDSV2_ONLY)
        ec2.associate_iam_instance_profile(InstanceId=fleet[f"{team}-late-1"],
                                           IamInstanceProfile={"Name": web["profile_name"]})
    return fleet


@remembered
def profile_swap(session, team: str = "reports", old_prefix: str = "2025/",
                 new_prefix: str = "2026/") -> dict:
    """Two running instances sharing one instance profile whose role reads ``old_prefix`` of
    the bucket ``{team}-data``, and a second profile whose role reads ``new_prefix``: the state
    before a server moves to a new role. Returns ``{"bucket", "old", "new", "instances",
    "keys"}``: ``old``/``new`` as ``instance_role`` returns them, ``keys`` one object per prefix."""
    bucket, s3 = f"{team}-data", session.client("s3")
    s3.create_bucket(Bucket=bucket)
    keys = {"old": f"{old_prefix}summary.csv", "new": f"{new_prefix}summary.csv"}
    for key in keys.values():
        s3.put_object(Bucket=bucket, Key=key, Body=b"month,total\n")
    old = instance_role(session, f"{team}-v1", objects_policy(bucket, old_prefix))
    new = instance_role(session, f"{team}-v2", objects_policy(bucket, new_prefix))
    where = {"image_id": course_image(session), "subnet_id": default_subnet(session)}
    instances = [launch(session, f"{team}-{n}", profile=old["profile_name"], **where) for n in (1, 2)]
    return {"bucket": bucket, "old": old, "new": new, "instances": instances, "keys": keys}
