"""The topic 13 starting states build what their docstrings promise, read back with boto3."""

from __future__ import annotations

from grader.scenarios.dns import caller_reference, endpoint_health_check, public_zone, vpc


def test_caller_references_are_unique():
    assert caller_reference("zone") != caller_reference("zone")
    assert caller_reference("zone").startswith("zone-")


def test_public_zone_holds_simple_a_records(session):
    zone = public_zone(session, "example.com", {"www": "192.0.2.1"}, ttl=120)
    route53 = session.client("route53")
    assert route53.get_hosted_zone(Id=zone)["HostedZone"]["Config"]["PrivateZone"] is False
    [www] = [r for r in route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
             if r["Type"] == "A"]
    assert (www["Name"], www["TTL"], www["ResourceRecords"]) == (
        "www.example.com.", 120, [{"Value": "192.0.2.1"}])


def test_vpc_has_dns_support_and_hostnames(session):
    vpc_id = vpc(session, "10.9.0.0/16")
    ec2 = session.client("ec2")
    for attribute in ("enableDnsSupport", "enableDnsHostnames"):
        found = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=attribute)
        assert found[attribute[0].upper() + attribute[1:]]["Value"] is True


def test_endpoint_health_check_probes_the_address_over_https(session):
    check_id = endpoint_health_check(session, "192.0.2.7", interval=10, threshold=2)
    config = session.client("route53").get_health_check(HealthCheckId=check_id)["HealthCheck"][
        "HealthCheckConfig"]
    assert {k: config[k] for k in ("Type", "IPAddress", "Port", "ResourcePath", "RequestInterval",
                                   "FailureThreshold")} == {
        "Type": "HTTPS", "IPAddress": "192.0.2.7", "Port": 443, "ResourcePath": "/health",
        "RequestInterval": 10, "FailureThreshold": 2}
