"""Tests for grader/sim/dns.py: the reference Route 53 resolver.

Each routing policy is tested from a table, one behaviour per row, on small zones built here in
the shape ``list_resource_record_sets`` returns; then health checks, alias trees, what Route 53
would refuse, and which hosted zone answers a client.
"""

import pytest

from grader.sim.dns import (
    MULTIVALUE_LIMIT,
    Outcome,
    Resolution,
    answering_zone,
    distance_km,
    group_problems,
    health_statuses,
    lookup,
    normalize,
    policy,
    resolve,
    worst_case_failover_seconds,
)


def rr(name, values, set_id=None, *, kind="A", **routing):
    values = [values] if isinstance(values, str) else values
    record = {"Name": name if name.endswith(".") else name + ".", "Type": kind, "TTL": 60,
              "ResourceRecords": [{"Value": v} for v in values], **routing}
    return {**record, "SetIdentifier": set_id} if set_id else record


def q(name, **fields):
    return {"name": name, **fields}


def one(value):
    return {(value,): 1.0}


# -- names, policies, outcomes ------------------------------------------------------------------

@pytest.mark.parametrize(("record", "expected"), [
    pytest.param(rr("a.example.com", "192.0.2.1"), "simple", id="no-routing-key"),
    pytest.param(rr("a.example.com", "192.0.2.1", "p", Failover="PRIMARY"), "failover", id="failover"),
    pytest.param(rr("a.example.com", "192.0.2.1", "w", Weight=0), "weighted", id="weight-zero"),
    pytest.param(rr("a.example.com", "192.0.2.1", "r", Region="us-east-1"), "latency", id="latency"),
    pytest.param(rr("a.example.com", "192.0.2.1", "g", GeoLocation={"CountryCode": "*"}),
                 "geolocation", id="geolocation"),
    pytest.param(rr("a.example.com", "192.0.2.1", "m", MultiValueAnswer=True), "multivalue",
                 id="multivalue"),
    pytest.param(rr("a.example.com", "192.0.2.1", MultiValueAnswer=False), "simple",
                 id="multivalue-false-is-simple"),
])
def test_policy_is_read_from_the_routing_key(record, expected):
    assert policy(record) == expected


def test_normalize_ignores_case_spaces_and_the_final_dot():
    assert normalize(" WWW.Example.COM. ") == "www.example.com"


def test_simple_record_answers_all_its_values_sorted():
    zone = [rr("www.example.com", ["192.0.2.2", "192.0.2.1"])]
    found = resolve(zone, q("WWW.example.com."))
    assert found.outcome is Outcome.ANSWER and found.answers == {("192.0.2.1", "192.0.2.2"): 1.0}


@pytest.mark.parametrize(("query", "outcome"), [
    pytest.param(q("nothing.example.com"), Outcome.NXDOMAIN, id="unknown-name"),
    pytest.param(q("www.example.com", type="AAAA"), Outcome.NO_ANSWER, id="name-without-type"),
    pytest.param(q("example.com"), Outcome.NO_ANSWER, id="empty-non-terminal-exists"),
])
def test_missing_records_give_nxdomain_or_no_answer(query, outcome):
    found = resolve([rr("www.example.com", "192.0.2.1")], query)
    assert found.outcome is outcome and found.answers == {}


# -- failover -----------------------------------------------------------------------------------

FAILOVER = [rr("www.example.com", "198.51.100.2", "s", Failover="SECONDARY", HealthCheckId="hc-s"),
            rr("www.example.com", "192.0.2.1", "p", Failover="PRIMARY", HealthCheckId="hc-p")]


@pytest.mark.parametrize(("zone", "health", "expected"), [
    pytest.param(FAILOVER, {}, "192.0.2.1", id="primary-while-healthy"),
    pytest.param(FAILOVER, {"hc-p": False}, "198.51.100.2", id="secondary-when-primary-down"),
    pytest.param(FAILOVER, {"hc-p": False, "hc-s": False}, "192.0.2.1", id="both-down-primary"),
    pytest.param(FAILOVER, {"hc-s": False}, "192.0.2.1", id="secondary-down-irrelevant"),
    pytest.param([{**r, "HealthCheckId": None} if r["Failover"] == "PRIMARY" else r
                  for r in FAILOVER], {"hc-p": False}, "192.0.2.1",
                 id="primary-without-check-never-fails-over"),
    pytest.param(FAILOVER[:1], {"hc-s": False}, "198.51.100.2", id="only-secondary"),
])
def test_failover(zone, health, expected):
    assert resolve(zone, q("www.example.com"), health).answers == one(expected)


# -- weighted -----------------------------------------------------------------------------------

WEIGHTED = [rr("app.example.com", "192.0.2.1", "blue", Weight=60, HealthCheckId="hc-1"),
            rr("app.example.com", "192.0.2.2", "green", Weight=30, HealthCheckId="hc-2"),
            rr("app.example.com", "192.0.2.3", "canary", Weight=10, HealthCheckId="hc-3"),
            rr("app.example.com", "192.0.2.4", "spare", Weight=0, HealthCheckId="hc-4")]
DOWN_1_2_3 = {"hc-1": False, "hc-2": False, "hc-3": False}


@pytest.mark.parametrize(("zone", "health", "expected"), [
    pytest.param(WEIGHTED, {}, {"192.0.2.1": 0.6, "192.0.2.2": 0.3, "192.0.2.3": 0.1},
                 id="share-by-weight"),
    pytest.param(WEIGHTED, {"hc-1": False}, {"192.0.2.2": 0.75, "192.0.2.3": 0.25},
                 id="unhealthy-left-out"),
    pytest.param(WEIGHTED, DOWN_1_2_3, {"192.0.2.4": 1.0}, id="zero-weight-only-when-rest-down"),
    pytest.param(WEIGHTED, {**DOWN_1_2_3, "hc-4": False},
                 {"192.0.2.1": 0.6, "192.0.2.2": 0.3, "192.0.2.3": 0.1},
                 id="all-down-all-healthy-zero-still-last"),
    pytest.param([{**r, "Weight": 0} for r in WEIGHTED[:2]], {},
                 {"192.0.2.1": 0.5, "192.0.2.2": 0.5}, id="all-zero-equal"),
    pytest.param([rr("app.example.com", "192.0.2.9", "x", Weight=1),
                  rr("app.example.com", "192.0.2.9", "y", Weight=3)], {}, {"192.0.2.9": 1.0},
                 id="same-value-merges"),
])
def test_weighted(zone, health, expected):
    found = resolve(zone, q("app.example.com"), health)
    assert found.answers == pytest.approx({(ip,): p for ip, p in expected.items()})
    assert found.shares() == pytest.approx(expected)


def test_sample_draws_by_probability_and_is_repeatable():
    found = resolve(WEIGHTED[:2], q("app.example.com"))
    draws = found.sample(3000, seed=7)
    assert draws == found.sample(3000, seed=7)
    assert 0.6 < draws.count(("192.0.2.1",)) / 3000 < 0.73  # 2/3 expected
    assert Resolution(Outcome.NO_ANSWER, {}).sample(2) == [(), ()]


# -- latency ------------------------------------------------------------------------------------

LATENCY = [rr("api.example.com", "192.0.2.1", "use1", Region="us-east-1", HealthCheckId="hc-1"),
           rr("api.example.com", "192.0.2.2", "euc1", Region="eu-central-1", HealthCheckId="hc-2"),
           rr("api.example.com", "192.0.2.3", "apne1", Region="ap-northeast-1")]


@pytest.mark.parametrize(("latency", "health", "expected"), [
    pytest.param({"us-east-1": 10, "eu-central-1": 90, "ap-northeast-1": 170}, {},
                 {"192.0.2.1": 1.0}, id="lowest-latency"),
    pytest.param({"us-east-1": 10, "eu-central-1": 90, "ap-northeast-1": 170}, {"hc-1": False},
                 {"192.0.2.2": 1.0}, id="next-lowest-when-down"),
    pytest.param({"us-east-1": 50, "eu-central-1": 50, "ap-northeast-1": 90}, {},
                 {"192.0.2.1": 0.5, "192.0.2.2": 0.5}, id="tie-shares"),
    pytest.param({"eu-central-1": 40}, {}, {"192.0.2.2": 1.0}, id="missing-region-infinite"),
    pytest.param({}, {}, {"192.0.2.1": 1 / 3, "192.0.2.2": 1 / 3, "192.0.2.3": 1 / 3},
                 id="no-latency-data-all-tie"),
])
def test_latency(latency, health, expected):
    found = resolve(LATENCY, q("api.example.com", latency=latency), health)
    assert found.shares() == pytest.approx(expected)


# -- geolocation --------------------------------------------------------------------------------

GEO = [rr("shop.example.com", "192.0.2.9", "default", GeoLocation={"CountryCode": "*"},
          HealthCheckId="hc-default"),
       rr("shop.example.com", "192.0.2.3", "na", GeoLocation={"ContinentCode": "NA"}),
       rr("shop.example.com", "192.0.2.2", "us", GeoLocation={"CountryCode": "US"},
          HealthCheckId="hc-us"),
       rr("shop.example.com", "192.0.2.1", "ca", HealthCheckId="hc-ca",
          GeoLocation={"CountryCode": "US", "SubdivisionCode": "CA"}),
       rr("shop.example.com", "192.0.2.5", "samoa", GeoLocation={"CountryCode": "AS"}),
       rr("shop.example.com", "192.0.2.6", "asia", GeoLocation={"ContinentCode": "AS"})]


@pytest.mark.parametrize(("place", "health", "expected"), [
    pytest.param(("NA", "US", "CA"), {}, "192.0.2.1", id="subdivision-first"),
    pytest.param(("NA", "US", "TX"), {}, "192.0.2.2", id="country-when-other-state"),
    pytest.param(("NA", "US", None), {}, "192.0.2.2", id="country-when-state-unknown"),
    pytest.param(("NA", "MX", None), {}, "192.0.2.3", id="continent"),
    pytest.param(("OC", "AS", None), {}, "192.0.2.5", id="country-code-AS-is-samoa"),
    pytest.param(("AS", "JP", None), {}, "192.0.2.6", id="continent-code-AS-is-asia"),
    pytest.param(("EU", "DE", None), {}, "192.0.2.9", id="default-elsewhere"),
    pytest.param((None, None, None), {}, "192.0.2.9", id="default-when-unknown"),
    pytest.param(("NA", "US", "CA"), {"hc-ca": False}, "192.0.2.2", id="unhealthy-state-to-country"),
    pytest.param(("NA", "US", "CA"), {"hc-ca": False, "hc-us": False}, "192.0.2.3",
                 id="then-continent"),
    pytest.param(("EU", "DE", None), {"hc-default": False}, "192.0.2.9",
                 id="only-match-unhealthy-still-answers"),
])
def test_geolocation(place, health, expected):
    continent, country, subdivision = place
    query = q("shop.example.com", continent=continent, country=country, subdivision=subdivision)
    assert resolve(GEO, query, health).answers == one(expected)


def test_geolocation_without_default_gives_no_answer():
    found = resolve(GEO[1:4], q("shop.example.com", continent="EU", country="DE"))
    assert found.outcome is Outcome.NO_ANSWER and found.answers == {}
    assert "there is no default" in found.trail[-1]


# -- multivalue ---------------------------------------------------------------------------------

def pool(count):
    return [rr("pool.example.com", f"198.51.100.{i}", f"w{i}", MultiValueAnswer=True,
               HealthCheckId=f"hc-{i}") for i in range(1, count + 1)]


def test_multivalue_answers_every_healthy_record_up_to_eight():
    found = resolve(pool(9), q("pool.example.com"), {"hc-1": False})
    assert found.answers == {tuple(sorted(f"198.51.100.{i}" for i in range(2, 10))): 1.0}


def test_multivalue_above_eight_any_choice_of_eight_equally_likely():
    found = resolve(pool(10), q("pool.example.com"))
    assert len(found.answers) == 45 and MULTIVALUE_LIMIT == 8
    assert all(len(values) == 8 for values in found.answers)
    assert found.answers[tuple(sorted(f"198.51.100.{i}" for i in range(1, 9)))] == pytest.approx(1 / 45)
    assert found.shares()["198.51.100.1"] == pytest.approx(0.8)


def test_multivalue_all_unhealthy_answers_unhealthy_ones():
    found = resolve(pool(3), q("pool.example.com"), {f"hc-{i}": False for i in (1, 2, 3)})
    assert found.answers == {("198.51.100.1", "198.51.100.2", "198.51.100.3"): 1.0}


# -- geoproximity and IP-based ------------------------------------------------------------------

GEOPROXIMITY = [rr("gp.example.com", "192.0.2.1", "virginia",
                   GeoProximityLocation={"AWSRegion": "us-east-1"}),
                rr("gp.example.com", "192.0.2.2", "oregon",
                   GeoProximityLocation={"AWSRegion": "us-west-2", "Bias": 0}),
                rr("gp.example.com", "192.0.2.3", "lisbon", GeoProximityLocation={
                    "Coordinates": {"Latitude": "38.72", "Longitude": "-9.14"}})]
DENVER, MADRID = (39.74, -104.99), (40.42, -3.70)


def test_geoproximity_nearest_then_bias_moves_the_border():
    assert resolve(GEOPROXIMITY, q("gp.example.com", coordinates=DENVER)).answers == one("192.0.2.2")
    assert resolve(GEOPROXIMITY, q("gp.example.com", coordinates=MADRID)).answers == one("192.0.2.3")
    biased = [{**GEOPROXIMITY[0], "GeoProximityLocation": {"AWSRegion": "us-east-1", "Bias": 50}},
              *GEOPROXIMITY[1:]]
    assert resolve(biased, q("gp.example.com", coordinates=DENVER)).answers == one("192.0.2.1")


def test_distance_km_is_great_circle():
    assert distance_km((0, 0), (0, 180)) == pytest.approx(20015, rel=1e-3)
    assert distance_km(DENVER, DENVER) == 0


COLLECTION = "c0ffee00-0000-4000-8000-000000000000"
CIDRS = {COLLECTION: {"isp-a": ["203.0.113.0/24"], "isp-a-east": ["203.0.113.128/25"],
                      "office": ["2001:db8::/32"]}}
IP_BASED = [rr("ip.example.com", "192.0.2.1", "a", HealthCheckId="hc-a",
               CidrRoutingConfig={"CollectionId": COLLECTION, "LocationName": "isp-a"}),
            rr("ip.example.com", "192.0.2.2", "a-east", HealthCheckId="hc-east",
               CidrRoutingConfig={"CollectionId": COLLECTION, "LocationName": "isp-a-east"}),
            rr("ip.example.com", "192.0.2.3", "office",
               CidrRoutingConfig={"CollectionId": COLLECTION, "LocationName": "office"}),
            rr("ip.example.com", "192.0.2.9", "default",
               CidrRoutingConfig={"CollectionId": COLLECTION, "LocationName": "*"})]


@pytest.mark.parametrize(("ip", "health", "expected"), [
    pytest.param("203.0.113.7", {}, "192.0.2.1", id="matching-block"),
    pytest.param("203.0.113.200", {}, "192.0.2.2", id="longest-prefix-wins"),
    pytest.param("203.0.113.200", {"hc-east": False}, "192.0.2.1", id="unhealthy-to-shorter"),
    pytest.param("2001:db8::5", {}, "192.0.2.3", id="ipv6"),
    pytest.param("198.51.100.1", {}, "192.0.2.9", id="default"),
    pytest.param(None, {}, "192.0.2.9", id="no-client-ip-default"),
])
def test_ip_based(ip, health, expected):
    found = resolve(IP_BASED, q("ip.example.com", ip=ip), health, cidr_collections=CIDRS)
    assert found.answers == one(expected)


# -- alias records ------------------------------------------------------------------------------

def alias(name, target, evaluate=True, set_id=None, **routing):
    record = {"Name": name + ".", "Type": "A", "AliasTarget": {
        "HostedZoneId": "Z1", "DNSName": target, "EvaluateTargetHealth": evaluate}, **routing}
    return {**record, "SetIdentifier": set_id} if set_id else record


def test_alias_to_a_record_of_the_zone_answers_with_its_answer():
    zone = FAILOVER + [alias("example.com", "www.example.com.")]
    assert resolve(zone, q("example.com"), {"hc-p": False}).answers == one("198.51.100.2")


def test_alias_to_an_aws_resource_answers_with_its_name():
    zone = [alias("example.com", "My-ALB-1.us-east-1.elb.amazonaws.com.")]
    assert resolve(zone, q("example.com")).answers == one("my-alb-1.us-east-1.elb.amazonaws.com")


def test_failover_of_aliases_follows_target_health():
    """The tree of 1.3: a failover alias over latency records, a static site behind it."""
    tree = LATENCY[:2] + [
        alias("www.example.com", "api.example.com.", set_id="primary", Failover="PRIMARY"),
        alias("www.example.com", "s3-website-us-east-1.amazonaws.com.", set_id="static",
              Failover="SECONDARY")]
    query = q("www.example.com", latency={"us-east-1": 90, "eu-central-1": 10})
    assert resolve(tree, query).answers == one("192.0.2.2")
    assert resolve(tree, query, {"hc-2": False}).answers == one("192.0.2.1")
    assert resolve(tree, query, {"hc-1": False, "hc-2": False}).answers == one(
        "s3-website-us-east-1.amazonaws.com")


def test_alias_target_health_from_the_health_map_and_ignored_without_evaluation():
    zone = [alias("example.com", "alb-a.elb.amazonaws.com", set_id="a", Weight=1),
            alias("example.com", "alb-b.elb.amazonaws.com", set_id="b", Weight=1, evaluate=False)]
    health = {"alb-a.elb.amazonaws.com": False, "alb-b.elb.amazonaws.com": False}
    assert resolve(zone, q("example.com"), health).answers == one("alb-b.elb.amazonaws.com")


# -- health checks ------------------------------------------------------------------------------

def hc(check_id, **config):
    return {"Id": check_id, "HealthCheckConfig": {"Type": "HTTPS", **config}}


CHECKS = [hc("ip", IPAddress="192.0.2.1"), hc("fqdn", FullyQualifiedDomainName="App.Example.com"),
          hc("off", IPAddress="192.0.2.1", Disabled=True),
          hc("inverted", IPAddress="192.0.2.1", Inverted=True),
          hc("alarm", Type="CLOUDWATCH_METRIC", AlarmIdentifier={"Region": "us-east-1", "Name": "p99"}),
          hc("two-of-three", Type="CALCULATED", ChildHealthChecks=["ip", "fqdn", "alarm"],
             HealthThreshold=2)]


@pytest.mark.parametrize(("down", "expected"), [
    pytest.param((), {"ip": True, "fqdn": True, "off": True, "inverted": False, "alarm": True,
                      "two-of-three": True}, id="nothing-down"),
    pytest.param(("192.0.2.1",), {"ip": False, "fqdn": True, "off": True, "inverted": True,
                                  "alarm": True, "two-of-three": True}, id="ip-down"),
    pytest.param(("app.example.com.", "p99"), {"ip": True, "fqdn": False, "off": True,
                                               "inverted": False, "alarm": False,
                                               "two-of-three": False},
                 id="name-and-alarm-down"),
])
def test_health_statuses(down, expected):
    assert health_statuses(CHECKS, down) == expected


def test_worst_case_failover_is_detection_plus_ttl():
    assert worst_case_failover_seconds(60) == 150
    assert worst_case_failover_seconds(300, request_interval=10, failure_threshold=1) == 310


# -- what Route 53 refuses ----------------------------------------------------------------------

@pytest.mark.parametrize(("group", "problem"), [
    pytest.param([rr("a.example.com", "192.0.2.1"), rr("a.example.com", "192.0.2.2")],
                 "2 simple record sets", id="two-simple"),
    pytest.param([rr("a.example.com", "192.0.2.1", "x", Weight=1),
                  rr("a.example.com", "192.0.2.2", "x", Weight=2)],
                 "SetIdentifier values must be unique", id="duplicate-set-identifier"),
    pytest.param([rr("a.example.com", "192.0.2.1", Weight=1)], "needs a SetIdentifier",
                 id="missing-set-identifier"),
    pytest.param([rr("a.example.com", "192.0.2.1", "p", Failover="PRIMARY"),
                  rr("a.example.com", "192.0.2.2", "q", Failover="PRIMARY")],
                 "more than one PRIMARY", id="two-primaries"),
    pytest.param([rr("a.example.com", "192.0.2.1", "x", Weight=1),
                  rr("a.example.com", "192.0.2.2", "y", Region="us-east-1")],
                 "mixes routing policies (latency, weighted)", id="mixed-policies"),
    pytest.param([rr("a.example.com", "192.0.2.1", "x", GeoLocation={"CountryCode": "DE"}),
                  rr("a.example.com", "192.0.2.2", "y", GeoLocation={"CountryCode": "DE"})],
                 "two records for country DE", id="same-location-twice"),
])
def test_group_problems_name_what_route53_refuses(group, problem):
    [found] = group_problems(group)
    assert found.startswith("a.example.com A") and problem in found
    with pytest.raises(ValueError, match="a.example.com A"):
        resolve(group, q("a.example.com"))


def test_group_problems_accept_a_good_group():
    assert group_problems(GEO) == [] and group_problems(FAILOVER) == []


# -- which zone answers -------------------------------------------------------------------------

def zone(name, records, private=False, vpcs=()):
    return {"Name": name + ".", "PrivateZone": private, "VPCs": list(vpcs), "RecordSets": records}


ZONES = [zone("example.com", [rr("www.example.com", "198.51.100.10"),
                              rr("db.internal.example.com", "10.9.9.9")]),
         zone("internal.example.com", [rr("db.internal.example.com", "10.0.3.7")], True,
              ["vpc-app"]),
         zone("example.com", [rr("db.example.com", "10.0.0.1")], True, ["vpc-split"])]


@pytest.mark.parametrize(("name", "vpc", "outcome", "expected"), [
    pytest.param("db.internal.example.com", "vpc-app", Outcome.ANSWER, one("10.0.3.7"),
                 id="private-zone-inside-vpc"),
    pytest.param("db.internal.example.com", None, Outcome.ANSWER, one("10.9.9.9"),
                 id="internet-sees-public-zone"),
    pytest.param("www.example.com", "vpc-app", Outcome.ANSWER, one("198.51.100.10"),
                 id="vpc-falls-to-public-outside-private-domain"),
    pytest.param("www.example.com", "vpc-split", Outcome.NXDOMAIN, {},
                 id="private-zone-for-whole-domain-hides-public"),
    pytest.param("db.internal.example.com", "vpc-other", Outcome.ANSWER, one("10.9.9.9"),
                 id="unassociated-vpc-uses-public"),
    pytest.param("www.example.org", None, Outcome.NXDOMAIN, {}, id="no-zone"),
])
def test_lookup_picks_the_answering_zone(name, vpc, outcome, expected):
    found = lookup(ZONES, q(name), vpc_id=vpc)
    assert (found.outcome, found.answers) == (outcome, expected)


def test_answering_zone_prefers_the_most_specific_public_zone():
    zones = [zone("example.com", []), zone("shop.example.com", [])]
    assert answering_zone(zones, "a.shop.example.com")["Name"] == "shop.example.com."
    assert answering_zone(zones, "example.com")["Name"] == "example.com."
    assert answering_zone(zones, "badexample.com") is None
