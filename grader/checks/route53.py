"""Learner-facing checks on Route 53: records judged by the answers clients get, worked out by
``grader.sim.dns`` (moto stores zones, records and health checks but answers no query and keeps
every health check healthy), and learners' resolvers compared with that simulator.

Each check returns None when the requirement holds and raises ``CheckFailed`` otherwise, naming
the learner's records. Notebooks use them as ``from grader.checks import route53 as check``.
Queries are dicts in the shape ``grader.sim.dns`` documents; :func:`query` and :func:`clients`
build them.
"""

from __future__ import annotations

from itertools import product

from botocore.exceptions import ClientError

from grader.checks.base import Message
from grader.checks.reference import agrees_with_reference
from grader.sim import dns as sim
from grader.state import route53 as state

#: Clients must leave a failed primary within this many seconds in Exercise 1.
FAILOVER_LIMIT_SECONDS = 180

# -- queries ------------------------------------------------------------------------------------


def query(name: str, *, type: str = "A", continent: str | None = None,
          country: str | None = None, subdivision: str | None = None,
          latency: dict | None = None, ip: str | None = None, coordinates=None) -> dict:
    """One DNS query for ``name`` from a client in a place (None: unknown)."""
    return {"name": name, "type": type, "continent": continent, "country": country,
            "subdivision": subdivision, "latency": dict(latency or {}), "ip": ip,
            "coordinates": coordinates}


def clients(name: str, places, *, latencies=({},), type: str = "A") -> list[dict]:
    """One query per place and latency table; a place is ``(continent, country)`` or
    ``(continent, country, subdivision)``, None where unknown."""
    return [query(name, type=type, continent=place[0], country=place[1],
                  subdivision=place[2] if len(place) > 2 else None, latency=latency)
            for place, latency in product(places, latencies)]


def record_set(name: str, values, set_identifier: str | None = None, *, type: str = "A",
               ttl: int = 60, **routing) -> dict:
    """One record set as ``list_resource_record_sets`` returns it; ``routing`` holds the policy's
    keys (``Failover="PRIMARY"``, ``Weight=90``, ``HealthCheckId="hc-1"``, ...)."""
    values = [values] if isinstance(values, str) else list(values)
    record = {"Name": sim.normalize(name) + ".", "Type": type}
    if set_identifier is not None:
        record["SetIdentifier"] = set_identifier
    return {**record, **routing, "TTL": ttl, "ResourceRecords": [{"Value": v} for v in values]}


def describe_query(q: dict) -> str:
    """``www.example.com A from a client in US-CA (NA), latency us-east-1 70 ms``."""
    place = "-".join(p for p in (q.get("country"), q.get("subdivision")) if p)
    where = (f"a client in {place} ({q['continent']})" if place and q.get("continent") else
             f"a client in {place or q.get('continent')}" if place or q.get("continent") else
             "a client whose location is unknown")
    text = f"{q['name']} {q.get('type', 'A')} from {where}"
    if q.get("latency"):
        text += ", latency " + ", ".join(f"{r} {ms} ms" for r, ms in sorted(q["latency"].items()))
    return text + (f", IP {q['ip']}" if q.get("ip") else "")


def describe_health(health: dict) -> str:
    down = sorted(k for k, ok in health.items() if not ok)
    return f"unhealthy: {', '.join(down)}" if down else "every health check healthy"


def _answer_text(resolution: sim.Resolution) -> str:
    if not resolution.answers:
        return {sim.Outcome.NXDOMAIN: "no such name (NXDOMAIN)"}.get(resolution.outcome,
                                                                     "no answer")
    return "; ".join(f"{', '.join(values)}" + (f" ({p:.0%})" if p < 1 else "")
                     for values, p in sorted(resolution.answers.items()))


# -- reading the learner's zone -----------------------------------------------------------------

ZONE_MISSING = Message(
    "Hosted zone {zone} exists", "the id of a hosted zone in this mock AWS account",
    "no such hosted zone ({code})", "Use the zone id the test passes to your function.")
REFUSED = Message(
    "The records of {name} are ones the real Route 53 would accept",
    "a change Route 53 accepts (this mock accepts more than Route 53 does)", "{problem}",
    "{hint}")
HINT_REFUSED = ("In a real account change_resource_record_sets fails here with InvalidChangeBatch. "
                "To change a record that exists, send an UPSERT with the same name, type and "
                "SetIdentifier; CREATE only makes new ones.")


def zone_records(session, zone_id: str, name: str | None = None) -> list[dict]:
    """The zone's record sets (of ``name``'s groups only, if given), checked to be ones
    Route 53 would have accepted."""
    try:
        records = state.record_sets(session, zone_id)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code != "NoSuchHostedZone":
            raise
        raise ZONE_MISSING.fail(zone=zone_id, code=code) from None
    groups = {}
    for record in records:
        groups.setdefault((sim.normalize(record["Name"]), record["Type"]), []).append(record)
    for (group_name, kind), group in groups.items():
        if name is not None and group_name != sim.normalize(name):
            continue
        problems = sim.group_problems(group)
        if problems:
            raise REFUSED.fail(name=f"{group_name} {kind}", problem="; ".join(problems),
                               hint=HINT_REFUSED)
    return records


def resolution(session, zone_id: str, q: dict, down=()) -> sim.Resolution:
    """What ``q`` gets from the learner's zone when the endpoints in ``down`` fail."""
    return sim.resolve(zone_records(session, zone_id, q["name"]), q,
                       state.health_map(session, down))


# -- answers for clients ------------------------------------------------------------------------

ANSWERS = Message("{client}{when}", "{expected}", "{found}", "{hint}")
HINT_DEFAULT = ("Route 53 chose: {trail}. Work out by hand which record should answer this "
                "client, and compare it with the records listed by list_resource_record_sets.")


def _trail(resolution: sim.Resolution) -> str:
    return " / ".join(step.strip() for step in resolution.trail)


def _fail(q, resolution, expected, *, down=(), hint=None):
    when = f" while {', '.join(down)} is down" if down else ""
    raise ANSWERS.fail(client=f"A query for {describe_query(q)}", when=when,
                       expected=expected or "no answer",
                       found=_answer_text(resolution),
                       hint=hint or HINT_DEFAULT.format(trail=_trail(resolution)))


def answers(session, zone_id: str, cases, *, down=()) -> None:
    """Each ``(query, expected value or None)`` gets exactly that one value (None: no answer)."""
    for q, expected in cases:
        found = resolution(session, zone_id, q, down)
        wanted = {(expected,): 1.0} if expected else {}
        if found.answers != wanted:
            _fail(q, found, expected, down=down)


# -- Exercise 1: failover -----------------------------------------------------------------------

NOT_A_HEALTH_CHECK = Message(
    "The value your function returned is a health check that probes {ip}",
    "the Id of a health check whose IPAddress is {ip}", "{found}",
    "Return create_health_check(...)['HealthCheck']['Id'] for the check of the primary.")
HINT_NOT_FAILOVER = ("{name} has no failover records ({found}). Create two record sets with this "
                     "name and type, each with a SetIdentifier, one with Failover PRIMARY and one "
                     "with Failover SECONDARY.")
HINT_NO_HEALTH_CHECK = ("Your PRIMARY record (SetIdentifier {record!r}) has no HealthCheckId. "
                        "Route 53 treats a record without a health check as always healthy, so "
                        "it never fails over: pass the Id of the health check that probes {ip} "
                        "as HealthCheckId on the PRIMARY record.")
HINT_WRONG_CHECK = ("Your PRIMARY record (SetIdentifier {record!r}) uses health check {check}, "
                    "which does not probe {ip}: when {ip} fails, that check stays healthy. "
                    "Attach the health check whose IPAddress is the primary's.")


def health_check_probes(session, health_check_id, ip: str) -> None:
    """``health_check_id`` names an existing health check whose endpoint is ``ip``."""
    checks = {c["Id"]: c["HealthCheckConfig"] for c in state.health_checks(session)}
    config = checks.get(health_check_id) if isinstance(health_check_id, str) else None
    if config is None:
        raise NOT_A_HEALTH_CHECK.fail(
            ip=ip, found=f"{health_check_id!r:.60}, which is not a health check in this account")
    if config.get("IPAddress") != ip:
        probed = config.get("IPAddress") or config.get("FullyQualifiedDomainName")
        raise NOT_A_HEALTH_CHECK.fail(ip=ip, found=f"a health check probing {probed}")


def _failover_hint(session, zone_id, name, primary_ip) -> str | None:
    group = [r for r in zone_records(session, zone_id, name)
             if sim.normalize(r["Name"]) == sim.normalize(name) and r["Type"] == "A"]
    if not group or sim.policy(group[0]) != "failover":
        found = ", ".join(sim.describe(r) for r in group) or "no A record"
        return HINT_NOT_FAILOVER.format(name=name, found=found)
    primary = next((r for r in group if r["Failover"] == "PRIMARY"), None)
    if primary is None:
        return None
    record = primary.get("SetIdentifier")
    if not primary.get("HealthCheckId"):
        return HINT_NO_HEALTH_CHECK.format(record=record, ip=primary_ip)
    if state.health_map(session, [primary_ip]).get(primary["HealthCheckId"], True):
        return HINT_WRONG_CHECK.format(record=record, check=primary["HealthCheckId"], ip=primary_ip)
    return None


def failover_behaves(session, zone_id: str, name: str, primary_ip: str, secondary_ip: str, *,
                     down_only: bool = False) -> None:
    """Clients get ``primary_ip`` while it is healthy and ``secondary_ip`` while it is down
    (``down_only``: check only the second)."""
    q = query(name)
    steps = ([] if down_only else [((), primary_ip)]) + [((primary_ip,), secondary_ip)]
    for down, expected in steps:
        found = resolution(session, zone_id, q, down)
        if found.answers != {(expected,): 1.0}:
            hint = _failover_hint(session, zone_id, name, primary_ip) if down else None
            _fail(q, found, expected, down=down, hint=hint)


SLOW_FAILOVER = Message(
    "Clients leave a failed primary at {name} within {limit} s",
    "RequestInterval x FailureThreshold of the primary's health check + the record's TTL "
    "<= {limit} s", "{found}", "{hint}")
HINT_ATTACH = ("Give the PRIMARY record a HealthCheckId: without a health check Route 53 "
               "considers it always healthy and never answers with the SECONDARY.")
HINT_SLOW = ("Resolvers keep an answer for TTL seconds after the health check turns unhealthy. "
             "Use a TTL of 60 s or less on health-checked records (AWS's advice), and keep the "
             "health check's defaults (30 s x 3).")


def fails_over_within(session, zone_id: str, name: str, limit: int = FAILOVER_LIMIT_SECONDS) -> None:
    """The primary's health check and TTL move clients within ``limit`` seconds."""
    group = [r for r in zone_records(session, zone_id, name)
             if sim.normalize(r["Name"]) == sim.normalize(name) and r.get("Failover") == "PRIMARY"]
    if not group or not group[0].get("HealthCheckId"):
        raise SLOW_FAILOVER.fail(name=name, limit=limit, hint=HINT_ATTACH,
                                 found="never: no PRIMARY record with a health check")
    primary = group[0]
    checks = {c["Id"]: c["HealthCheckConfig"] for c in state.health_checks(session)}
    config = checks.get(primary["HealthCheckId"], {})
    interval, threshold = config.get("RequestInterval", 30), config.get("FailureThreshold", 3)
    ttl = primary.get("TTL", 0)
    total = sim.worst_case_failover_seconds(ttl, interval, threshold)
    if total > limit:
        raise SLOW_FAILOVER.fail(name=name, limit=limit, hint=HINT_SLOW,
                                 found=f"{interval} s x {threshold} + TTL {ttl} s = {total} s")


# -- Exercise 2: weighted -----------------------------------------------------------------------

SHARES = Message(
    "Clients asking for {name} are spread {expected_text}", "{expected}", "{found}", "{hint}")
HINT_SHARES = ("Route 53 gives each weighted record weight / (sum of the weights of all records "
               "of this name and type). The zone holds: {listing}. Change an existing record "
               "with UPSERT and its SetIdentifier instead of adding another.")
HINT_NOT_WEIGHTED = ("{name} holds {listing}: every client gets the same answer. Create one "
                     "weighted record set per address (SetIdentifier, Weight).")


def _percent(shares: dict) -> str:
    return ", ".join(f"{ip} {share:.1%}" for ip, share in sorted(shares.items())) or "no answer"


def weighted_shares(session, zone_id: str, name: str, weights: dict[str, int]) -> None:
    """Clients get each address of ``weights`` (``{ip: weight}``) in proportion to its weight,
    one address per answer."""
    total = sum(weights.values())
    expected = {ip: (w / total if total else 1 / len(weights)) for ip, w in weights.items()}
    expected = {ip: share for ip, share in expected.items() if share > 0}
    found = resolution(session, zone_id, query(name))
    single = all(len(values) == 1 for values in found.answers)
    shares = found.shares()
    if single and set(shares) == set(expected) and all(
            abs(shares[ip] - share) < 1e-9 for ip, share in expected.items()):
        return
    group = [r for r in zone_records(session, zone_id, name)
             if sim.normalize(r["Name"]) == sim.normalize(name) and r["Type"] == "A"]
    listing = "; ".join(sim.describe(r) for r in group) or "no A record"
    hint = (HINT_SHARES if group and sim.policy(group[0]) == "weighted" else
            HINT_NOT_WEIGHTED).format(name=name, listing=listing)
    raise SHARES.fail(name=name, expected_text="by weight", expected=_percent(expected),
                      found=_percent(shares) if single else _answer_text(found), hint=hint)


# -- Exercise 3: geolocation --------------------------------------------------------------------

HINT_GEO_NONE = ("No record matches this client, and {name} has no default record, so Route 53 "
                 "answers nothing: add a geolocation record with GeoLocation {{'CountryCode': "
                 "'*'}}.")
HINT_GEO_OTHER = ("Route 53 chose: {trail}. It takes the most specific match: subdivision, "
                  "country, continent, then the default ('*'). Continents go in ContinentCode, "
                  "countries in CountryCode.")


def geo_answers(session, zone_id: str, cases) -> None:
    """Each ``(query, expected value)`` of a geolocation name gets that value."""
    for q, expected in cases:
        found = resolution(session, zone_id, q)
        if found.answers != {(expected,): 1.0}:
            hint = (HINT_GEO_NONE.format(name=q["name"]) if not found.answers else
                    HINT_GEO_OTHER.format(trail=_trail(found)))
            _fail(q, found, expected, hint=hint)


# -- Exercise 4: the learner's resolver ---------------------------------------------------------

RESOLVE_HINT = ("Work this query out by hand: the record sets of this name and type, which of "
                "them are healthy (all, if none is), then the rule of their routing policy.")


class Answers(dict):
    """A resolver's answer, ``{values: probability}``, printed in brief when it is long (a
    multivalue group of ten records has 45 possible answers)."""

    def __repr__(self) -> str:
        try:
            if len(self) <= 4:
                raise ValueError("short enough to show whole")
            sizes = "/".join(str(n) for n in sorted({len(values) for values in self}))
            shares = sorted(set(self.values()))
            shown = ", ".join(f"{p:.4g}" for p in shares[:3]) + (", ..." if len(shares) > 3 else "")
            return (f"{len(self)} possible answers of {sizes} values each, probability {shown}; "
                    f"the first: {min(self)!r}")
        except (TypeError, ValueError):
            return super().__repr__()


def _normalize_answer(answer):
    """Probabilities rounded, keys as sorted tuples, zero shares dropped: equal answers compare
    equal however they were computed."""
    if not isinstance(answer, dict):
        return answer
    try:
        return Answers({tuple(sorted(k)) if isinstance(k, (tuple, list)) else k: round(float(p), 9)
                        for k, p in answer.items() if round(float(p), 9)})
    except (TypeError, ValueError):
        return answer


def reference_resolve(record_sets, q, health) -> dict:
    """The simulator's answer in the learner's shape: ``{sorted values: probability}``."""
    return _normalize_answer(sim.resolve(record_sets, q, health).answers)


def resolver_agrees(resolve, record_sets, queries, healths=({},)) -> None:
    """A learner's ``resolve(record_sets, query, health)`` gives the simulator's answers for
    every query under every health map."""
    cases = [(record_sets, q, dict(h)) for q in queries for h in healths]
    agrees_with_reference(
        lambda *case: _normalize_answer(resolve(*case)), reference_resolve, cases,
        name="resolve", hint=RESOLVE_HINT,
        describe=lambda case: f"{describe_query(case[1])}; {describe_health(case[2])}")


# -- Exercise 5: private names ------------------------------------------------------------------

INSIDE = Message("Inside VPC {vpc}, {name} resolves to {ip}", "{ip}", "{found}", "{hint}")
HINT_NO_PRIVATE = ("No private hosted zone associated with {vpc} covers {name}. Create one "
                   "(create_hosted_zone with VPC={{'VPCRegion': ..., 'VPCId': ...}}) and put the "
                   "record there.")
HINT_SHADOWED = ("The private zone {zone} answers every name under {zone} for this VPC, and it "
                 "has no record {name}: a private zone for the company's whole domain hides the "
                 "public records from the VPC. Name the private zone after the internal "
                 "subdomain.")
LEAKED = Message(
    "Nothing under {domain} is published in a public hosted zone",
    "internal names only in private hosted zones", "{found}",
    "Anyone on the internet can query a public zone: internal names and addresses there map "
    "your network for an attacker. Create them in a private hosted zone associated with the "
    "VPC, and delete them from {zone}.")


def resolves_inside_vpc(session, vpc_id: str, expected: dict[str, str]) -> None:
    """From ``vpc_id``, each name of ``expected`` (``{name: ip}``) resolves to its address."""
    zones = state.hosted_zones(session)
    for name, ip in expected.items():
        found = sim.lookup(zones, query(name), vpc_id=vpc_id)
        if found.answers == {(ip,): 1.0}:
            continue
        zone = sim.answering_zone(zones, name, vpc_id)
        if zone is not None and zone["PrivateZone"]:
            hint = HINT_SHADOWED.format(zone=sim.normalize(zone["Name"]), name=name)
        else:
            hint = HINT_NO_PRIVATE.format(vpc=vpc_id, name=name)
        raise INSIDE.fail(vpc=vpc_id, name=name, ip=ip, found=_answer_text(found), hint=hint)


def hidden_from_internet(session, domain: str) -> None:
    """No public hosted zone holds a record named ``domain`` or anything under it."""
    suffix = sim.normalize(domain)
    for zone in state.hosted_zones(session):
        if zone["PrivateZone"]:
            continue
        for record in zone["RecordSets"]:
            name = sim.normalize(record["Name"])
            if name == suffix or name.endswith("." + suffix):
                values = ", ".join(r["Value"] for r in record.get("ResourceRecords", []))
                raise LEAKED.fail(domain=domain, zone=sim.normalize(zone["Name"]),
                                  found=f"{name} {record['Type']} {values} in the public zone "
                                        f"{sim.normalize(zone['Name'])}")
