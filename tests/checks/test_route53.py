"""The Route 53 checks of topic 13: records judged by the answers grader.sim.dns gives, learners'
resolvers against the simulator, private names; every learner message pinned."""

from __future__ import annotations

import pytest

from grader.checks import route53 as checks
from grader.checks.route53 import query, record_set
from grader.scenarios.dns import endpoint_health_check, public_zone, vpc
from grader.sim import dns as sim

from .failures import failure

PRIMARY, SECONDARY = "192.0.2.10", "198.51.100.20"


@pytest.fixture
def route53(session):
    return session.client("route53")


@pytest.fixture
def zone(session):
    return public_zone(session, "example.com")


def change(route53, zone, *records, action="CREATE"):
    route53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
        {"Action": action, "ResourceRecordSet": r} for r in records]})


def failover_pair(session, route53, zone, *, attach=True, probe=PRIMARY, ttl=60, threshold=3):
    check_id = endpoint_health_check(session, probe, threshold=threshold)
    primary = record_set("www.example.com", PRIMARY, "primary", Failover="PRIMARY", ttl=ttl,
                         **({"HealthCheckId": check_id} if attach else {}))
    change(route53, zone, primary, record_set("www.example.com", SECONDARY, "secondary",
                                              Failover="SECONDARY", ttl=ttl))
    return check_id


# -- queries ------------------------------------------------------------------------------------

def test_query_fills_every_key_the_resolvers_read():
    assert query("www.example.com", country="DE", continent="EU") == {
        "name": "www.example.com", "type": "A", "continent": "EU", "country": "DE",
        "subdivision": None, "latency": {}, "ip": None, "coordinates": None}


def test_clients_make_one_query_per_place_and_latency_table():
    made = checks.clients("a.example.com", [("NA", "US", "CA"), (None, None)],
                          latencies=[{}, {"us-east-1": 5}])
    assert [(c["country"], c["subdivision"], c["latency"]) for c in made] == [
        ("US", "CA", {}), ("US", "CA", {"us-east-1": 5}), (None, None, {}), (None, None, {"us-east-1": 5})]


@pytest.mark.parametrize(("q", "text"), [
    pytest.param(query("a.example.com", continent="NA", country="US", subdivision="CA",
                       latency={"us-east-1": 70, "eu-west-1": 90}),
                 "a.example.com A from a client in US-CA (NA), latency eu-west-1 90 ms, us-east-1 70 ms",
                 id="full"),
    pytest.param(query("a.example.com", continent="EU"), "a.example.com A from a client in EU",
                 id="continent-only"),
    pytest.param(query("a.example.com", type="AAAA", ip="203.0.113.9"),
                 "a.example.com AAAA from a client whose location is unknown, IP 203.0.113.9",
                 id="unknown-with-ip"),
])
def test_describe_query(q, text):
    assert checks.describe_query(q) == text


def test_record_set_has_the_list_resource_record_sets_shape():
    assert record_set("WWW.example.com", ["192.0.2.1"], "p", Failover="PRIMARY") == {
        "Name": "www.example.com.", "Type": "A", "SetIdentifier": "p", "Failover": "PRIMARY",
        "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]}


# -- reading the zone ---------------------------------------------------------------------------

def test_missing_zone_is_named(session):
    found = failure(checks.answers, session, "ZNOTHERE", [(query("www.example.com"), PRIMARY)])
    assert found["what"] == "Hosted zone ZNOTHERE exists"
    assert found["found"] == "no such hosted zone (NoSuchHostedZone)"


def test_records_route53_would_refuse_fail_with_the_problem(session, route53, zone):
    for weight in (90, 50):  # this mock accepts the second CREATE; Route 53 refuses it
        change(route53, zone, record_set("app.example.com", "192.0.2.1", "blue", Weight=weight))
    found = failure(checks.weighted_shares, session, zone, "app.example.com", {"192.0.2.1": 1})
    assert found["what"] == "The records of app.example.com A are ones the real Route 53 would accept"
    assert found["found"] == "app.example.com A: SetIdentifier values must be unique"
    assert found["next"].startswith("In a real account change_resource_record_sets fails here")


# -- answers and failover -----------------------------------------------------------------------

def test_answers_passes_and_fails_with_the_trail(session, route53, zone):
    change(route53, zone, record_set("www.example.com", "192.0.2.1"))
    checks.answers(session, zone, [(query("WWW.example.com."), "192.0.2.1"),
                                   (query("www.example.com", type="AAAA"), None)])
    found = failure(checks.answers, session, zone, [(query("www.example.com"), "192.0.2.2")])
    assert found["what"] == "A query for www.example.com A from a client whose location is unknown"
    assert (found["expected"], found["found"]) == ("192.0.2.2", "192.0.2.1")
    assert "www.example.com A: 1 simple record set(s)" in found["next"]


def test_health_check_probes(session):
    check_id = endpoint_health_check(session, PRIMARY)
    checks.health_check_probes(session, check_id, PRIMARY)
    wrong = failure(checks.health_check_probes, session, check_id, SECONDARY)
    assert wrong["found"] == f"a health check probing {PRIMARY}"
    missing = failure(checks.health_check_probes, session, None, PRIMARY)
    assert missing["found"] == "None, which is not a health check in this account"


def test_failover_behaves_with_an_attached_check(session, route53, zone):
    failover_pair(session, route53, zone)
    checks.failover_behaves(session, zone, "www.example.com", PRIMARY, SECONDARY)


def test_failover_without_health_check_names_the_trap(session, route53, zone):
    failover_pair(session, route53, zone, attach=False)
    found = failure(checks.failover_behaves, session, zone, "www.example.com", PRIMARY, SECONDARY)
    assert found["what"].endswith(f"while {PRIMARY} is down")
    assert (found["expected"], found["found"]) == (SECONDARY, PRIMARY)
    assert found["next"].startswith("Your PRIMARY record (SetIdentifier 'primary') has no "
                                    "HealthCheckId. Route 53 treats a record without a health "
                                    "check as always healthy")


def test_failover_with_a_check_of_another_endpoint(session, route53, zone):
    check_id = failover_pair(session, route53, zone, probe=SECONDARY)
    found = failure(checks.failover_behaves, session, zone, "www.example.com", PRIMARY, SECONDARY)
    assert found["next"] == (f"Your PRIMARY record (SetIdentifier 'primary') uses health check "
                             f"{check_id}, which does not probe {PRIMARY}: when {PRIMARY} fails, "
                             "that check stays healthy. Attach the health check whose IPAddress "
                             "is the primary's.")


def test_failover_on_simple_records_says_to_create_a_pair(session, route53, zone):
    change(route53, zone, record_set("www.example.com", PRIMARY))
    found = failure(checks.failover_behaves, session, zone, "www.example.com", PRIMARY, SECONDARY)
    assert found["next"].startswith("www.example.com has no failover records (simple [192.0.2.10]")


def test_fails_over_within_counts_detection_and_ttl(session, route53, zone):
    failover_pair(session, route53, zone, ttl=60)
    checks.fails_over_within(session, zone, "www.example.com", 150)
    found = failure(checks.fails_over_within, session, zone, "www.example.com", 149)
    assert found["found"] == "30 s x 3 + TTL 60 s = 150 s"
    assert found["what"] == "Clients leave a failed primary at www.example.com within 149 s"


def test_fails_over_within_without_a_check_is_never(session, route53, zone):
    failover_pair(session, route53, zone, attach=False)
    found = failure(checks.fails_over_within, session, zone, "www.example.com")
    assert found["found"] == "never: no PRIMARY record with a health check"
    assert found["next"].startswith("Give the PRIMARY record a HealthCheckId")


# -- weighted -----------------------------------------------------------------------------------

def test_weighted_shares_pass_by_weight_and_zero(session, route53, zone):
    change(route53, zone, record_set("app.example.com", "192.0.2.1", "a", Weight=0),
           record_set("app.example.com", "192.0.2.2", "b", Weight=3))
    checks.weighted_shares(session, zone, "app.example.com", {"192.0.2.1": 0, "192.0.2.2": 3})
    found = failure(checks.weighted_shares, session, zone, "app.example.com",
                    {"192.0.2.1": 1, "192.0.2.2": 3})
    assert (found["expected"], found["found"]) == ("192.0.2.1 25.0%, 192.0.2.2 75.0%",
                                                   "192.0.2.2 100.0%")
    assert "weight 0 a [192.0.2.1] (no health check); weight 3 b [192.0.2.2]" in found["next"]


def test_weighted_shares_on_one_simple_record(session, route53, zone):
    change(route53, zone, record_set("app.example.com", ["192.0.2.1", "192.0.2.2"]))
    found = failure(checks.weighted_shares, session, zone, "app.example.com",
                    {"192.0.2.1": 1, "192.0.2.2": 1})
    assert found["found"] == "192.0.2.1, 192.0.2.2"
    assert found["next"].endswith("Create one weighted record set per address (SetIdentifier, Weight).")


# -- geolocation --------------------------------------------------------------------------------

def geo(name, ip, set_id, **where):
    return record_set(name, ip, set_id, GeoLocation=where)


def test_geo_answers_pass_and_hint_at_a_missing_default(session, route53, zone):
    change(route53, zone, geo("shop.example.com", "192.0.2.1", "de", CountryCode="DE"))
    de = query("shop.example.com", continent="EU", country="DE")
    checks.geo_answers(session, zone, [(de, "192.0.2.1")])
    found = failure(checks.geo_answers, session, zone, [(query("shop.example.com"), "192.0.2.9")])
    assert found["found"] == "no answer"
    assert found["next"] == ("No record matches this client, and shop.example.com has no default "
                             "record, so Route 53 answers nothing: add a geolocation record with "
                             "GeoLocation {'CountryCode': '*'}.")


def test_geo_answers_hint_at_the_chosen_record(session, route53, zone):
    change(route53, zone, geo("shop.example.com", "192.0.2.3", "eu", CountryCode="EU"),
           geo("shop.example.com", "192.0.2.9", "default", CountryCode="*"))
    fr = query("shop.example.com", continent="EU", country="FR")
    found = failure(checks.geo_answers, session, zone, [(fr, "192.0.2.3")])
    assert found["next"].startswith("Route 53 chose: shop.example.com A: 2 geolocation record "
                                    "set(s) / default location default [192.0.2.9]")


# -- the learner's resolver ---------------------------------------------------------------------

ZONE = [record_set("www.example.com", "192.0.2.1", "p", Failover="PRIMARY", HealthCheckId="hc"),
        record_set("www.example.com", "192.0.2.2", "s", Failover="SECONDARY"),
        *[record_set("pool.example.com", f"198.51.100.{i}", f"m{i}", MultiValueAnswer=True)
          for i in range(1, 11)]]
QUERIES = [query("www.example.com"), query("pool.example.com")]


def reference(record_sets, q, health):
    return sim.resolve(record_sets, q, health).answers


def test_resolver_agrees_accepts_lists_and_any_value_order():
    def listy(record_sets, q, health):
        return {tuple(reversed(values)): p * 1.0000000001 for values, p in
                reference(record_sets, q, health).items()} | {("never",): 0}

    checks.resolver_agrees(listy, ZONE, QUERIES, [{}, {"hc": False}])


def test_resolver_agrees_names_the_first_miss():
    def always_primary(record_sets, q, health):
        return reference(record_sets, q, {})

    found = failure(checks.resolver_agrees, always_primary, ZONE, QUERIES, [{}, {"hc": False}])
    assert found["what"] == ("resolve agrees with the course's reference on 3 of 4 cases; first "
                             "miss: www.example.com A from a client whose location is unknown; "
                             "unhealthy: hc")
    assert (found["expected"], found["found"]) == ("{('192.0.2.2',): 1.0}", "{('192.0.2.1',): 1.0}")


def test_resolver_agrees_shows_long_answers_in_brief():
    def everything(record_sets, q, health):
        return {tuple(r["ResourceRecords"][0]["Value"] for r in record_sets): 1.0}

    found = failure(checks.resolver_agrees, everything, ZONE, [query("pool.example.com")])
    assert found["expected"] == ("45 possible answers of 8 values each, probability 0.02222; the "
                                 "first: ('198.51.100.1', '198.51.100.10', '198.51.100.2', "
                                 "'198.51.100.3', '198.51.100.4', '198.51.100.5', '198.51.100.6', "
                                 "'198.51.100.7')")


def test_resolver_agrees_reports_a_learner_error():
    def broken(record_sets, q, health):
        return record_sets[99]

    found = failure(checks.resolver_agrees, broken, ZONE, QUERIES)
    assert found["found"] == "raised IndexError: list index out of range"


# -- private names ------------------------------------------------------------------------------

@pytest.fixture
def company(session):
    return public_zone(session, "example.com", {"www": "198.51.100.10"})


def private_zone(route53, name, vpc_id, records):
    zone = route53.create_hosted_zone(Name=name, CallerReference=f"p-{name}",
                                      HostedZoneConfig={"PrivateZone": True},
                                      VPC={"VPCRegion": "us-east-1", "VPCId": vpc_id})
    change(route53, zone["HostedZone"]["Id"], *[record_set(n, ip) for n, ip in records.items()])


def test_private_names_pass_inside_and_stay_hidden(session, route53, company):
    app_vpc = vpc(session)
    private_zone(route53, "internal.example.com", app_vpc, {"db.internal.example.com": "10.0.3.7"})
    checks.resolves_inside_vpc(session, app_vpc, {"db.internal.example.com": "10.0.3.7",
                                                  "www.example.com": "198.51.100.10"})
    checks.hidden_from_internet(session, "internal.example.com")


def test_private_zone_for_the_whole_domain_hides_www(session, route53, company):
    app_vpc = vpc(session)
    private_zone(route53, "example.com", app_vpc, {"db.internal.example.com": "10.0.3.7"})
    found = failure(checks.resolves_inside_vpc, session, app_vpc, {"www.example.com": "198.51.100.10"})
    assert found["what"] == f"Inside VPC {app_vpc}, www.example.com resolves to 198.51.100.10"
    assert found["found"] == "no such name (NXDOMAIN)"
    assert found["next"].startswith("The private zone example.com answers every name under "
                                    "example.com for this VPC")


def test_no_private_zone_says_to_create_one(session, company):
    app_vpc = vpc(session)
    found = failure(checks.resolves_inside_vpc, session, app_vpc, {"db.internal.example.com": "10.0.3.7"})
    assert found["next"].startswith(f"No private hosted zone associated with {app_vpc} covers "
                                    "db.internal.example.com.")


def test_internal_names_in_the_public_zone_leak(session, route53, company):
    change(route53, company, record_set("db.internal.example.com", "10.0.3.7"))
    found = failure(checks.hidden_from_internet, session, "internal.example.com")
    assert found["found"] == "db.internal.example.com A 10.0.3.7 in the public zone example.com"
    assert found["next"].startswith("Anyone on the internet can query a public zone")


def test_a_public_zone_for_the_internal_domain_leaks(session):
    public_zone(session, "internal.example.com", {"db": "10.0.3.7"})
    found = failure(checks.hidden_from_internet, session, "internal.example.com")
    assert "in the public zone internal.example.com" in found["found"]
