"""Starting states for EC2 purchase options (topic 04). boto3 only.

A launch template is what EC2 Fleet (and Auto Scaling) launch from: it names the image and a
default instance type; a fleet's overrides add the other types it may use.
"""

from __future__ import annotations

from .ec2 import course_image, default_subnet


def launch_template(session, name: str = "app", instance_type: str = "m7i.large") -> str:
    """The id of a new launch template for the course image, ``instance_type`` by default,
    in the default VPC's subnet of us-east-1a."""
    return session.client("ec2").create_launch_template(
        LaunchTemplateName=name,
        LaunchTemplateData={"ImageId": course_image(session), "InstanceType": instance_type,
                            "NetworkInterfaces": [{"DeviceIndex": 0, "SubnetId": default_subnet(session)}]},
    )["LaunchTemplate"]["LaunchTemplateId"]
