"""Reference Amazon Route 53 answers: what a DNS query gets from a hosted zone, given where the
client is and which endpoints are healthy.

moto stores hosted zones, records and health checks and returns them as AWS would, but it answers
no DNS query and every health check reports healthy. This module decides the answers. It is pure:
record sets come in the shape of ``list_resource_record_sets(...)["ResourceRecordSets"]``, health
as ``{health check id or alias target DNS name: healthy?}`` (anything missing is healthy), and a
query is a plain dict (see ``grader.state.route53`` to read the first two from a boto3 session)::

    {"name": "www.example.com", "type": "A",
     "continent": "EU", "country": "DE", "subdivision": None,   # the client; None when unknown
     "latency": {"us-east-1": 95, "eu-central-1": 18},          # ms from the client to each Region
     "ip": "203.0.113.9",                                       # IP-based routing
     "coordinates": (52.5, 13.4)}                               # geoproximity: latitude, longitude

Only ``name`` is required; ``type`` defaults to A. An answer is the sorted tuple of the values a
client receives; because Route 53 picks at random for some policies, :func:`resolve` returns every
possible answer with its probability instead of one draw (:meth:`Resolution.sample` draws).

Model (as of 2026):
- A group is the record sets of one name and type; they share one routing policy. Health: a
  record with a ``HealthCheckId`` takes that check's status; an alias with ``EvaluateTargetHealth``
  is healthy while its target is (an in-zone target while at least one record of its group is);
  a record with neither is always healthy. When no record of a group is healthy, Route 53 treats
  them all as healthy.
- simple: the one record set, all its values. failover: a healthy PRIMARY, else a healthy
  SECONDARY, else the PRIMARY. weighted: healthy records share by ``Weight``; zero-weight records
  only count when no healthy record has a weight, and share equally. latency: the healthy record
  whose ``Region`` has the lowest latency for this client. geolocation: the matching records from
  most to least specific (subdivision, country, continent, default ``*``), the first healthy one
  (none healthy: the first); nothing matches: no answer. geoproximity: the healthy record nearest
  to the client after bias (``distance * (1 - bias/100)``). IP-based: the location whose CIDR block
  is the longest match for the client's IP, else the ``*`` location, first healthy as for
  geolocation. multivalue: up to eight healthy records; with more, every choice of eight is
  equally likely. Equally good records share a choice equally.
- Not modelled: wildcard names, CNAME chasing, traffic policies, Local Zone groups.
"""

from __future__ import annotations

import ipaddress
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations

#: Route 53 answers a multivalue query with at most this many healthy records (as of 2026).
MULTIVALUE_LIMIT = 8
#: Approximate latitude and longitude of the city each Region is named after: AWS does not
#: publish the points geoproximity measures from. Used for ``GeoProximityLocation.AWSRegion``.
REGION_COORDINATES = {
    "us-east-1": (38.9, -77.4), "us-east-2": (40.0, -83.0), "us-west-1": (37.8, -122.4),
    "us-west-2": (45.8, -119.7), "ca-central-1": (45.5, -73.6), "sa-east-1": (-23.5, -46.6),
    "eu-west-1": (53.3, -6.3), "eu-west-2": (51.5, -0.1), "eu-west-3": (48.9, 2.4),
    "eu-central-1": (50.1, 8.7), "eu-north-1": (59.3, 18.1), "eu-south-1": (45.5, 9.2),
    "me-south-1": (26.1, 50.6), "af-south-1": (-33.9, 18.4), "ap-south-1": (19.1, 72.9),
    "ap-southeast-1": (1.35, 103.8), "ap-southeast-2": (-33.9, 151.2),
    "ap-northeast-1": (35.7, 139.7), "ap-northeast-2": (37.6, 127.0),
}
_POLICIES = (("Failover", "failover"), ("Weight", "weighted"), ("Region", "latency"),
             ("GeoLocation", "geolocation"), ("GeoProximityLocation", "geoproximity"),
             ("CidrRoutingConfig", "ip-based"), ("MultiValueAnswer", "multivalue"))
_MAX_DEPTH = 8  # alias records that point at alias records


class Outcome(StrEnum):
    ANSWER = "ANSWER"
    NO_ANSWER = "NO_ANSWER"  # the name exists, but no record answers this type or this client
    NXDOMAIN = "NXDOMAIN"    # no such name


@dataclass(frozen=True)
class Resolution:
    """Every answer a client can get, ``{sorted values: probability}``, and why, step by step."""

    outcome: Outcome
    answers: dict
    trail: tuple[str, ...] = ()

    def shares(self) -> dict[str, float]:
        """``{value: probability that the answer contains it}``."""
        found = defaultdict(float)
        for values, probability in self.answers.items():
            for value in values:
                found[value] += probability
        return dict(found)

    def sample(self, count: int, seed: int = 0) -> list[tuple]:
        """``count`` answers drawn with a seeded generator: what that many clients would get."""
        if not self.answers:
            return [()] * count
        keys = sorted(self.answers)
        return random.Random(seed).choices(keys, [self.answers[k] for k in keys], k=count)


def normalize(name: str) -> str:
    """``WWW.Example.com.`` -> ``www.example.com``: the form names are compared in."""
    return name.strip().rstrip(".").lower()


def policy(record: dict) -> str:
    """The routing policy a record set uses: simple, failover, weighted, latency, ..."""
    return next((name for key, name in _POLICIES
                 if record.get(key) is not None and record.get(key) is not False), "simple")


def routing(record: dict) -> str:
    """What the record's policy keys on: ``PRIMARY``, ``weight 90``, ``eu-west-1``, ``country DE``."""
    kind = policy(record)
    if kind == "geolocation":
        return _geo_text(record)
    if kind == "ip-based":
        return f"CIDR location {record['CidrRoutingConfig']['LocationName']}"
    return {"failover": record.get("Failover"), "weighted": f"weight {record.get('Weight')}",
            "latency": record.get("Region")}.get(kind, kind)


def describe(record: dict) -> str:
    """``PRIMARY p1 [192.0.2.1] (health check hc-1)``: one record set in a few words."""
    target = (f"alias {normalize(record['AliasTarget']['DNSName'])}" if "AliasTarget" in record
              else ", ".join(_values(record)))
    check = f"health check {record['HealthCheckId']}" if record.get("HealthCheckId") else \
        "no health check"
    parts = [routing(record), record.get("SetIdentifier"), f"[{target}]", f"({check})"]
    return " ".join(part for part in parts if part)


def _geo_text(record: dict) -> str:
    where = record["GeoLocation"]
    if where.get("CountryCode") == "*":
        return "default location"
    if "SubdivisionCode" in where:
        return f"subdivision {where.get('CountryCode')}-{where['SubdivisionCode']}"
    if "CountryCode" in where:
        return f"country {where['CountryCode']}"
    return f"continent {where.get('ContinentCode')}"


def _values(record: dict) -> list[str]:
    return [r["Value"] for r in record.get("ResourceRecords", [])]


# -- health -------------------------------------------------------------------------------------

def health_statuses(health_checks, down=()) -> dict[str, bool]:
    """``{Id: healthy?}`` of health checks (``list_health_checks`` shape) when the endpoints in
    ``down`` (IP addresses or domain names) fail and the CloudWatch alarms named in it fire.

    As Route 53 does: a disabled check is healthy; ``Inverted`` flips the result; a CALCULATED
    check is healthy while at least ``HealthThreshold`` of its children are.
    """
    configs = {check["Id"]: check["HealthCheckConfig"] for check in health_checks}
    down = {normalize(str(item)) for item in down}

    def status(check_id: str, depth: int = 0) -> bool:
        config = configs.get(check_id)
        if config is None or config.get("Disabled") or depth > _MAX_DEPTH:
            return True
        kind = config["Type"]
        if kind == "CALCULATED":
            children = config.get("ChildHealthChecks", [])
            healthy = sum(status(child, depth + 1) for child in children)
            result = healthy >= config.get("HealthThreshold", len(children))
        elif kind == "CLOUDWATCH_METRIC":
            result = normalize(config.get("AlarmIdentifier", {}).get("Name", "")) not in down
        else:
            endpoint = {normalize(config.get(k) or "") for k in ("IPAddress",
                                                                  "FullyQualifiedDomainName")}
            result = not (endpoint - {""}) & down
        return result != bool(config.get("Inverted"))

    return {check_id: status(check_id) for check_id in configs}


def worst_case_failover_seconds(ttl: int, request_interval: int = 30,
                                failure_threshold: int = 3) -> int:
    """About how long clients keep getting a failed endpoint: the health check needs
    ``failure_threshold`` failed probes, ``request_interval`` seconds apart, to turn unhealthy,
    then resolvers keep the old answer for up to ``ttl`` seconds."""
    return request_interval * failure_threshold + ttl


def group_problems(records) -> list[str]:
    """What Route 53 would refuse in one group (same name and type); moto accepts it all."""
    records = list(records)
    if not records:
        return []
    name = f"{normalize(records[0]['Name'])} {records[0]['Type']}"
    kinds = sorted({policy(r) for r in records})
    if len(kinds) > 1:
        return [f"{name} mixes routing policies ({', '.join(kinds)}): one name and type take one "
                "policy"]
    kind = kinds[0]
    if kind == "simple":
        return [f"{name} has {len(records)} simple record sets: put every value in one"] \
            if len(records) > 1 else []
    problems = []
    ids = [r.get("SetIdentifier") for r in records]
    if None in ids:
        problems.append(f"{name}: every {kind} record set needs a SetIdentifier")
    if len(set(ids)) < len(ids):
        problems.append(f"{name}: SetIdentifier values must be unique")
    if kind == "failover":
        for role in ("PRIMARY", "SECONDARY"):
            if sum(r["Failover"] == role for r in records) > 1:
                problems.append(f"{name} has more than one {role} record")
    if kind == "geolocation":
        places = [_geo_text(r) for r in records]
        problems += [f"{name} has two records for {p}" for p in sorted(set(places))
                     if places.count(p) > 1]
    return problems


# -- resolving ----------------------------------------------------------------------------------

def resolve(record_sets, query: dict, health: dict | None = None, *,
            cidr_collections: dict | None = None) -> Resolution:
    """What Route 53 answers ``query`` from a zone holding ``record_sets``.

    ``cidr_collections`` is ``{collection id: {location name: [cidr, ...]}}`` for IP-based
    records. Raises ValueError for a group Route 53 would refuse (see :func:`group_problems`).
    """
    return _Resolver(record_sets, health or {}, cidr_collections or {}).resolve(query)


class _Resolver:
    def __init__(self, record_sets, health, cidr_collections):
        self.health, self.collections = health, cidr_collections
        self.groups = defaultdict(list)
        for record in record_sets:
            self.groups[(normalize(record["Name"]), record["Type"].upper())].append(record)

    def resolve(self, query: dict) -> Resolution:
        name, kind = normalize(query["name"]), query.get("type", "A").upper()
        if not any(n == name or n.endswith("." + name) for n, _ in self.groups):
            return Resolution(Outcome.NXDOMAIN, {}, (f"no record named {name} in this zone",))
        trail = []
        answers = self._answers(name, kind, query, trail, 0)
        outcome = Outcome.ANSWER if answers else Outcome.NO_ANSWER
        return Resolution(outcome, answers, tuple(trail))

    # values -----------------------------------------------------------------------------------
    def _answers(self, name, kind, query, trail, depth) -> dict:
        group = self.groups.get((name, kind), [])
        pad = "  " * depth
        if not group:
            trail.append(f"{pad}{name} has no {kind} record")
            return {}
        problems = group_problems(group)
        if problems:
            raise ValueError(problems[0])
        trail.append(f"{pad}{name} {kind}: {len(group)} {policy(group[0])} record set(s)")
        answers = defaultdict(float)
        for chosen, probability in self._choose(group, query, trail, pad):
            for values, p in self._record_values(chosen, query, trail, depth).items():
                answers[values] += probability * p
        return {values: p for values, p in answers.items() if p > 0}

    def _record_values(self, chosen, query, trail, depth) -> dict:
        if len(chosen) == 1 and "AliasTarget" in chosen[0]:
            target = normalize(chosen[0]["AliasTarget"]["DNSName"])
            if (target, chosen[0]["Type"].upper()) in self.groups and depth < _MAX_DEPTH:
                return self._answers(target, chosen[0]["Type"].upper(), query, trail, depth + 1)
            return {(target,): 1.0}
        values = set()
        for record in chosen:
            if "AliasTarget" in record:
                raise ValueError("multivalue answer records cannot be alias records")
            values.update(_values(record))
        return {tuple(sorted(values)): 1.0} if values else {}

    # health -----------------------------------------------------------------------------------
    def healthy(self, record, depth=0) -> bool:
        results = []
        if record.get("HealthCheckId"):
            results.append(self.health.get(record["HealthCheckId"], True))
        alias = record.get("AliasTarget") or {}
        if alias.get("EvaluateTargetHealth"):
            target = normalize(alias["DNSName"])
            group = self.groups.get((target, record["Type"].upper()))
            if group and depth < _MAX_DEPTH:
                results.append(any(self.healthy(r, depth + 1) for r in group))
            else:
                results.append(self.health.get(target, True))
        return all(results)

    def _healthy_or_all(self, group, trail, pad):
        healthy = [r for r in group if self.healthy(r)]
        for record in group:
            trail.append(f"{pad}  {describe(record)}: "
                         f"{'healthy' if record in healthy else 'unhealthy'}")
        if not healthy:
            trail.append(f"{pad}  none healthy: Route 53 treats them all as healthy")
        return healthy or group

    # policies ---------------------------------------------------------------------------------
    def _choose(self, group, query, trail, pad):
        """[(records chosen together, probability)]."""
        kind = policy(group[0])
        if kind == "simple":
            return [((group[0],), 1.0)]
        if kind in ("failover", "geolocation", "ip-based"):
            chain = self._chain(kind, group, query)
            if not chain:
                trail.append(f"{pad}  no record matches this client and there is no default: "
                             "no answer")
                return []
            for record in chain:
                ok = self.healthy(record)
                trail.append(f"{pad}  {describe(record)}: {'healthy' if ok else 'unhealthy'}")
                if ok:
                    return [((record,), 1.0)]
            trail.append(f"{pad}  none healthy: answer with the first, {chain[0].get('SetIdentifier')}")
            return [((chain[0],), 1.0)]
        pool = self._healthy_or_all(group, trail, pad)
        if kind == "weighted":  # zero weights count only when every weight is zero
            total = sum(r["Weight"] for r in pool)
            return [((r,), r["Weight"] / total if total else 1 / len(pool)) for r in pool]
        if kind == "multivalue":
            if len(pool) <= MULTIVALUE_LIMIT:
                return [(tuple(pool), 1.0)]
            count = math.comb(len(pool), MULTIVALUE_LIMIT)
            if count > 20000:
                raise ValueError(f"grader.sim.dns does not model {len(pool)} multivalue records")
            return [(chosen, 1 / count) for chosen in combinations(pool, MULTIVALUE_LIMIT)]
        cost = self._latency if kind == "latency" else self._biased_distance
        costs = [cost(r, query) for r in pool]
        best = [r for r, c in zip(pool, costs, strict=True) if c == min(costs)]
        return [((r,), 1 / len(best)) for r in best]

    def _chain(self, kind, group, query) -> list:
        """Failover, geolocation, IP-based: the records to try, in order."""
        if kind == "failover":
            return sorted(group, key=lambda r: r["Failover"] != "PRIMARY")
        ranked = [(self._geo_rank(r, query) if kind == "geolocation" else self._cidr_rank(r, query),
                   i, r) for i, r in enumerate(group)]
        return [r for rank, _, r in sorted((x for x in ranked if x[0] is not None),
                                           key=lambda x: x[:2])]

    @staticmethod
    def _geo_rank(record, query):
        where = record["GeoLocation"]
        country, continent = query.get("country"), query.get("continent")
        if where.get("CountryCode") == "*":
            return 3
        if "SubdivisionCode" in where:
            matched = (where.get("CountryCode"), where["SubdivisionCode"]) == (
                country, query.get("subdivision"))
            return 0 if matched and country else None
        if "CountryCode" in where:
            return 1 if country and where["CountryCode"] == country else None
        return 2 if continent and where.get("ContinentCode") == continent else None

    def _cidr_rank(self, record, query):
        config = record["CidrRoutingConfig"]
        if config["LocationName"] == "*":
            return 1000
        if not query.get("ip"):
            return None
        address = ipaddress.ip_address(query["ip"])
        blocks = self.collections.get(config["CollectionId"], {}).get(config["LocationName"], [])
        lengths = [net.prefixlen for net in map(ipaddress.ip_network, blocks)
                   if net.version == address.version and address in net]
        return -max(lengths) if lengths else None

    @staticmethod
    def _latency(record, query) -> float:
        return query.get("latency", {}).get(record["Region"], math.inf)

    @staticmethod
    def _biased_distance(record, query) -> float:
        where = record["GeoProximityLocation"]
        if "Coordinates" in where:
            point = (float(where["Coordinates"]["Latitude"]),
                     float(where["Coordinates"]["Longitude"]))
        elif where.get("AWSRegion") in REGION_COORDINATES:
            point = REGION_COORDINATES[where["AWSRegion"]]
        else:
            raise ValueError(f"grader.sim.dns does not know where {where} is")
        if not query.get("coordinates"):
            return math.inf
        return distance_km(query["coordinates"], point) * (1 - where.get("Bias", 0) / 100)


def distance_km(a, b) -> float:
    """Great-circle distance between two (latitude, longitude) points, in kilometres."""
    (lat1, lon1), (lat2, lon2) = (map(math.radians, p) for p in (a, b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(h))


# -- zones: which hosted zone answers -----------------------------------------------------------

def answering_zone(zones, name: str, vpc_id: str | None = None) -> dict | None:
    """The hosted zone that answers ``name``: for a client in ``vpc_id``, the most specific
    private zone associated with that VPC whose domain contains the name, if any (it answers
    alone, even NXDOMAIN); otherwise, and for internet clients, the most specific public zone.

    ``zones`` are dicts with ``Name``, ``PrivateZone``, ``VPCs`` (ids) and ``RecordSets``.
    """
    name = normalize(name)

    def contains(zone):
        domain = normalize(zone["Name"])
        return name == domain or name.endswith("." + domain)

    private = [z for z in zones if z["PrivateZone"] and vpc_id in z.get("VPCs", ())
               and contains(z)]
    public = [z for z in zones if not z["PrivateZone"] and contains(z)]
    for found in (private if vpc_id else [], public):
        if found:
            return max(found, key=lambda z: len(normalize(z["Name"])))
    return None


def lookup(zones, query: dict, health: dict | None = None, *, vpc_id: str | None = None,
           cidr_collections: dict | None = None) -> Resolution:
    """:func:`resolve` in the zone that answers the query's name for this client."""
    zone = answering_zone(zones, query["name"], vpc_id)
    if zone is None:
        return Resolution(Outcome.NXDOMAIN, {},
                          (f"no hosted zone in this account answers {normalize(query['name'])}",))
    found = resolve(zone["RecordSets"], query, health, cidr_collections=cidr_collections)
    kind = "private zone" if zone["PrivateZone"] else "public zone"
    return Resolution(found.outcome, found.answers,
                      (f"answered by the {kind} {normalize(zone['Name'])}",) + found.trail)
