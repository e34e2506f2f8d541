"""grader.state.route53 reads Route 53 configuration from the mock into grader.sim.dns's data."""

from __future__ import annotations

from grader.scenarios.dns import endpoint_health_check, public_zone, vpc
from grader.state import route53 as state


def test_zone_id_accepts_both_forms():
    assert state.zone_id("/hostedzone/Z123") == state.zone_id("Z123") == "Z123"


def test_record_sets_follows_every_page(session):
    zone = public_zone(session, "example.com", {f"host{i:03}": f"192.0.2.{i % 250}" for i in range(320)})
    first = session.client("route53").list_resource_record_sets(HostedZoneId=zone)
    assert first["IsTruncated"]  # 300 a page: the adapter must follow the pages
    records = state.record_sets(session, "/hostedzone/" + zone)
    assert len(records) == 322 and len({(r["Name"], r["Type"]) for r in records}) == 322


def test_records_named_ignores_case_and_final_dot(session):
    zone = public_zone(session, "example.com", {"www": "192.0.2.1", "api": "192.0.2.2"})
    [record] = state.records_named(session, zone, "WWW.example.com")
    assert record["ResourceRecords"] == [{"Value": "192.0.2.1"}]


def test_health_map_marks_checks_of_down_endpoints(session):
    up, down = endpoint_health_check(session, "192.0.2.1"), endpoint_health_check(session, "192.0.2.2")
    assert state.health_map(session) == {up: True, down: True}
    assert state.health_map(session, ["192.0.2.2"]) == {up: True, down: False}
    assert [c["Id"] for c in state.health_checks(session)] == [up, down]


def test_hosted_zones_lists_private_zones_with_their_vpcs(session):
    public = public_zone(session, "example.com", {"www": "192.0.2.1"})
    app_vpc = vpc(session)
    created = session.client("route53").create_hosted_zone(
        Name="internal.example.com", CallerReference="private-1",
        HostedZoneConfig={"PrivateZone": True}, VPC={"VPCRegion": "us-east-1", "VPCId": app_vpc})
    zones = {z["Name"]: z for z in state.hosted_zones(session)}
    assert zones["example.com."]["Id"] == public and not zones["example.com."]["PrivateZone"]
    private = zones["internal.example.com."]
    assert private["Id"] == state.zone_id(created["HostedZone"]["Id"])
    assert private["PrivateZone"] and private["VPCs"] == [app_vpc]
    assert any(r["Name"] == "www.example.com." for r in zones["example.com."]["RecordSets"])


def test_summarise_gives_one_row_per_record_without_ns_and_soa():
    records = [{"Name": "example.com.", "Type": "NS", "TTL": 172800, "ResourceRecords": []},
               {"Name": "www.example.com.", "Type": "A", "SetIdentifier": "p", "Failover": "PRIMARY",
                "HealthCheckId": "hc-1", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]},
               {"Name": "example.com.", "Type": "A", "AliasTarget": {
                   "HostedZoneId": "Z", "DNSName": "alb.example.net.", "EvaluateTargetHealth": True}}]
    assert state.summarise(records) == [
        {"Name": "www.example.com.", "Type": "A", "Policy": "failover", "SetIdentifier": "p",
         "Routing": "PRIMARY", "Value": "192.0.2.1", "TTL": 60, "HealthCheckId": "hc-1"},
        {"Name": "example.com.", "Type": "A", "Policy": "simple", "SetIdentifier": "",
         "Routing": "simple", "Value": "alias alb.example.net.", "TTL": "", "HealthCheckId": ""}]
    assert len(state.summarise(records, skip=())) == 3
