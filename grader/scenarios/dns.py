"""Starting states for topic 13: a company's public hosted zone, a VPC for private names, a
health check. boto3 only.

Like ``grader.scenarios.vpc``, each one is what the account looks like before an exercise, so
a test builds it in one line and the learner's function starts from a known state.
"""

from __future__ import annotations

import uuid

from grader.state.route53 import zone_id


def caller_reference(prefix: str) -> str:
    """A unique ``CallerReference``: Route 53 uses it to recognise a retried request."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def public_zone(session, domain: str, records: dict[str, str] | None = None, *,
                ttl: int = 300) -> str:
    """A public hosted zone for ``domain`` with simple A records ``{label: ip}``; its id."""
    route53 = session.client("route53")
    created = route53.create_hosted_zone(Name=domain, CallerReference=caller_reference("zone"))
    hosted_zone_id = zone_id(created["HostedZone"]["Id"])
    changes = [{"Action": "CREATE", "ResourceRecordSet": {
        "Name": f"{label}.{domain}", "Type": "A", "TTL": ttl, "ResourceRecords": [{"Value": ip}]}}
        for label, ip in (records or {}).items()]
    if changes:
        route53.change_resource_record_sets(HostedZoneId=hosted_zone_id,
                                            ChangeBatch={"Changes": changes})
    return hosted_zone_id


def vpc(session, cidr: str = "10.0.0.0/16") -> str:
    """A VPC with DNS support and hostnames on (private hosted zones need both); its id."""
    ec2 = session.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
        ec2.modify_vpc_attribute(VpcId=vpc_id, **{attribute: {"Value": True}})
    return vpc_id


def endpoint_health_check(session, ip: str, *, port: int = 443, path: str = "/health",
                          interval: int = 30, threshold: int = 3) -> str:
    """An HTTPS health check probing ``ip``; its id."""
    return session.client("route53").create_health_check(
        CallerReference=caller_reference("hc"),
        HealthCheckConfig={"Type": "HTTPS", "IPAddress": ip, "Port": port, "ResourcePath": path,
                           "RequestInterval": interval, "FailureThreshold": threshold},
    )["HealthCheck"]["Id"]
