"""Read Route 53 configuration from a boto3 session into the plain data ``grader.sim.dns`` takes.

Record sets stay in the shape ``list_resource_record_sets`` returns, health checks in the shape
of ``list_health_checks``; a zone becomes ``{"Id", "Name", "PrivateZone", "VPCs", "RecordSets"}``.
"""

from __future__ import annotations

from grader.sim import dns

ZONE_PREFIX = "/hostedzone/"


def zone_id(value: str) -> str:
    """``/hostedzone/Z123`` or ``Z123`` -> ``Z123``: the form every Route 53 call accepts."""
    return value.removeprefix(ZONE_PREFIX)


def record_sets(session, hosted_zone_id: str) -> list[dict]:
    """Every record set of the zone, following the API's pages."""
    route53 = session.client("route53")
    found, start = [], {}
    while True:
        page = route53.list_resource_record_sets(HostedZoneId=zone_id(hosted_zone_id), **start)
        found += page["ResourceRecordSets"]
        if not page.get("IsTruncated"):
            return found
        start = {"StartRecordName": page["NextRecordName"], "StartRecordType": page["NextRecordType"]}
        if page.get("NextRecordIdentifier"):
            start["StartRecordIdentifier"] = page["NextRecordIdentifier"]


def records_named(session, hosted_zone_id: str, name: str) -> list[dict]:
    """The record sets of one name (any type), compared without case or trailing dot."""
    wanted = dns.normalize(name)
    return [r for r in record_sets(session, hosted_zone_id) if dns.normalize(r["Name"]) == wanted]


def health_checks(session) -> list[dict]:
    """Every health check of the account, in ``list_health_checks`` shape."""
    route53 = session.client("route53")
    found, marker = [], {}
    while True:
        page = route53.list_health_checks(**marker)
        found += page["HealthChecks"]
        if not page.get("IsTruncated"):
            return found
        marker = {"Marker": page["NextMarker"]}


def health_map(session, down=()) -> dict[str, bool]:
    """``{health check id: healthy?}`` when the endpoints (IPs, domain names) in ``down`` fail."""
    return dns.health_statuses(health_checks(session), down)


def hosted_zones(session) -> list[dict]:
    """Every hosted zone with its record sets and, for private zones, the VPC ids it serves."""
    route53 = session.client("route53")
    zones = []
    for zone in route53.list_hosted_zones()["HostedZones"]:
        private = bool(zone.get("Config", {}).get("PrivateZone"))
        vpcs = [v["VPCId"] for v in route53.get_hosted_zone(Id=zone["Id"]).get("VPCs", [])] \
            if private else []
        zones.append({"Id": zone_id(zone["Id"]), "Name": zone["Name"], "PrivateZone": private,
                      "VPCs": vpcs, "RecordSets": record_sets(session, zone["Id"])})
    return zones


def summarise(records, skip=("NS", "SOA")) -> list[dict]:
    """One row per record set, like the console's record list; the zone's own NS and SOA records
    (types in ``skip``) left out."""
    rows = []
    for record in records:
        if record["Type"] in skip:
            continue
        alias = record.get("AliasTarget")
        rows.append({"Name": record["Name"], "Type": record["Type"],
                     "Policy": dns.policy(record), "SetIdentifier": record.get("SetIdentifier", ""),
                     "Routing": dns.routing(record),
                     "Value": (f"alias {alias['DNSName']}" if alias else
                               ", ".join(r["Value"] for r in record.get("ResourceRecords", []))),
                     "TTL": record.get("TTL", ""), "HealthCheckId": record.get("HealthCheckId", "")})
    return rows
