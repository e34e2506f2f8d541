"""Reference CloudFront behaviour: which cache behaviour a request matches, what its cache key is,
how long a response stays cached, and what a viewer gets back.

moto stores distributions (origins, cache behaviours, viewer protocol policies, geo restriction)
and returns them from ``get_distribution_config``, but it serves nothing and caches nothing. This
module answers what CloudFront would. It is pure: it takes a distribution config in the shape of
``get_distribution_config(...)["DistributionConfig"]`` and requests as plain dicts, and imports
neither boto3 nor moto (``grader.state.cloudfront`` reads the config from a session).

A request::

    {"time": 30,                     # seconds, ascending along a sequence of requests
     "method": "GET", "protocol": "https", "path": "/css/site.css",
     "query": {"v": "2"},            # query-string parameters
     "headers": {"Accept-Language": "fr"}, "cookies": {"session": "abc"},
     "country": "DE",                # ISO 3166 alpha-2 code of the viewer's address
     "max_age": 3600}                # Cache-Control max-age the origin answers with (None: none)

Only ``path`` is required; the others default to time 0, GET, https, no query, headers or
cookies, country ``US`` and no max-age.

Model (Amazon CloudFront Developer Guide, as of 2026):
- Geo restriction first: a ``blacklist`` naming the viewer's country, or a ``whitelist`` not
  naming it, answers 403.
- ``/`` becomes ``/<DefaultRootObject>`` when one is set (only the root, not subdirectories).
- Cache behaviours are tried in the order listed; the first whose ``PathPattern`` matches the
  path wins, else the default behaviour (``*``). Patterns are case-sensitive; ``*`` matches any
  run of characters (``/`` included), ``?`` exactly one; a leading ``/`` is optional.
- Viewer protocol policy: an ``http`` request meets ``redirect-to-https`` with 301 and
  ``https-only`` with 403; ``allow-all`` serves it.
- A method outside the behaviour's ``AllowedMethods`` gets 403.
- Only methods in ``CachedMethods`` (GET and HEAD by default) are looked up and stored. The
  cache key is the path plus the query strings, headers (names case-insensitive) and cookies
  the cache policy names. The TTL is the policy's ``DefaultTTL`` when the origin sends no
  max-age, else the max-age held between ``MinTTL`` and ``MaxTTL``. A stored response is a hit
  while ``time < stored + TTL``; a TTL of 0 never stores. An expired response is fetched again
  and reported as a miss (real CloudFront revalidates and may log ``RefreshHit``). One cache is
  modelled, as for viewers of one edge location.
- A behaviour's cache policy is its ``CachePolicyId`` (one of :data:`MANAGED_CACHE_POLICIES` or
  of the custom policies passed in), else the legacy settings (``ForwardedValues`` and
  ``MinTTL``/``DefaultTTL``/``MaxTTL`` on the behaviour).
- The origin is reached over the viewer's protocol for an S3 origin, and as the custom origin's
  ``OriginProtocolPolicy`` says otherwise (``match-viewer`` follows the viewer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

VIEWER_PROTOCOL_POLICIES = ("allow-all", "redirect-to-https", "https-only")
ORIGIN_PROTOCOL_POLICIES = ("http-only", "https-only", "match-viewer")
RESTRICTION_TYPES = ("none", "blacklist", "whitelist")
#: The only method sets CloudFront accepts in ``AllowedMethods``, and in ``CachedMethods``.
ALLOWED_METHOD_SETS = ({"GET", "HEAD"}, {"GET", "HEAD", "OPTIONS"},
                       {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"})
CACHED_METHOD_SETS = ({"GET", "HEAD"}, {"GET", "HEAD", "OPTIONS"})
DEFAULT_PATTERN = "*"
#: TTLs of the legacy cache settings when a behaviour leaves them out (seconds).
LEGACY_DEFAULT_TTL, LEGACY_MAX_TTL = 86_400, 31_536_000
HIT, MISS, REDIRECT, ERROR = "Hit", "Miss", "Redirect", "Error"


def policy_config(min_ttl: int = 0, default_ttl: int = LEGACY_DEFAULT_TTL,
                  max_ttl: int = LEGACY_MAX_TTL, *, query: str = "none", query_names=(),
                  headers=(), cookies: str = "none", cookie_names=(),
                  name: str = "custom") -> dict:
    """A cache policy in the shape of ``get_cache_policy``'s ``CachePolicyConfig``. ``query``
    and ``cookies`` are the behaviours (none, whitelist, allExcept, all) for the names given;
    ``headers`` lists the headers in the key (none when empty)."""
    def listed(values):
        return {"Quantity": len(values), "Items": list(values)}

    query_config = {"QueryStringBehavior": query}
    if query_names:
        query_config["QueryStrings"] = listed(query_names)
    cookies_config = {"CookieBehavior": cookies}
    if cookie_names:
        cookies_config["Cookies"] = listed(cookie_names)
    headers_config = ({"HeaderBehavior": "whitelist", "Headers": listed(headers)} if headers
                      else {"HeaderBehavior": "none"})
    return {"Name": name, "MinTTL": min_ttl, "DefaultTTL": default_ttl, "MaxTTL": max_ttl,
            "ParametersInCacheKeyAndForwardedToOrigin": {
                "QueryStringsConfig": query_config, "HeadersConfig": headers_config,
                "CookiesConfig": cookies_config}}


#: AWS managed cache policies by id, as ``get_cache_policy`` would describe them (as of 2026).
#: The normalized ``Accept-Encoding`` header CachingOptimized adds to the key is left out: the
#: requests here carry no encodings.
MANAGED_CACHE_POLICIES = {
    "658327ea-f89d-4fab-a63d-7e88639e58f6": policy_config(
        1, 86_400, 31_536_000, name="Managed-CachingOptimized"),
    "b2884449-e4de-46a7-ac36-70bc7f1ddd6d": policy_config(
        1, 86_400, 31_536_000, name="Managed-CachingOptimizedForUncompressedObjects"),
    "4135ea2d-6df8-44a3-9df3-4b5a84be39ad": policy_config(0, 0, 0, name="Managed-CachingDisabled"),
}
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
#: Managed origin request policies (what reaches the origin; not part of the cache key).
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
ALL_VIEWER = "216adef6-5c7f-47e4-b989-5492eafa07d3"


@dataclass(frozen=True)
class Response:
    """What a viewer got: ``status`` (200, 301, 403), ``result`` as CloudFront logs it in
    ``x-edge-result-type`` (Hit, Miss, Redirect, Error), the ``behavior`` (path pattern) that
    handled the request, the ``origin`` id and its ``domain``, the ``origin_protocol`` CloudFront
    used or would use to reach it, and a ``reason`` for anything but a cache lookup."""

    status: int
    result: str
    behavior: str | None = None
    origin: str | None = None
    domain: str | None = None
    origin_protocol: str | None = None
    reason: str = ""


# -- requests and paths --------------------------------------------------------------------------

def request(path: str, *, time: float = 0, method: str = "GET", protocol: str = "https",
            query: Mapping | None = None, headers: Mapping | None = None,
            cookies: Mapping | None = None, country: str = "US",
            max_age: int | None = None) -> dict:
    """A request dict with every key filled in."""
    return {"time": time, "method": method, "protocol": protocol, "path": path,
            "query": dict(query or {}), "headers": dict(headers or {}),
            "cookies": dict(cookies or {}), "country": country, "max_age": max_age}


def _complete(r: Mapping) -> dict:
    """``r`` with the keys it leaves out filled in (extra keys are kept)."""
    return {**request(r["path"]), **r}


def path_matches(pattern: str, path: str) -> bool:
    """Whether a cache behaviour's path pattern matches a request path (case-sensitive)."""
    if pattern == DEFAULT_PATTERN:
        return True
    return _pattern(pattern).fullmatch("/" + path.lstrip("/")) is not None


@lru_cache(maxsize=256)
def _pattern(pattern: str) -> re.Pattern:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c)
                              for c in "/" + pattern.lstrip("/")))


def items(container) -> list:
    """The ``Items`` of a CloudFront list element (``{"Quantity": n, "Items": [...]}``), [] when
    absent."""
    return list((container or {}).get("Items") or [])


def behaviors(config: Mapping) -> list[dict]:
    """Every cache behaviour in the order CloudFront tries them, the default one last with
    ``PathPattern`` ``*``."""
    return [*items(config.get("CacheBehaviors")),
            {**config["DefaultCacheBehavior"], "PathPattern": DEFAULT_PATTERN}]


def behavior_for(config: Mapping, path: str) -> dict:
    """The cache behaviour that handles ``path``: the first listed whose pattern matches."""
    return next(b for b in behaviors(config) if path_matches(b["PathPattern"], path))


def origin(config: Mapping, origin_id: str) -> dict | None:
    return next((o for o in items(config.get("Origins")) if o.get("Id") == origin_id), None)


def is_s3_origin(origin_: Mapping) -> bool:
    """An S3 REST origin: ``S3OriginConfig`` set, or a bucket's REST domain name."""
    return "S3OriginConfig" in origin_ or re.fullmatch(
        r"[^.]+(\.[^.]+)*\.s3(\.[a-z0-9-]+)?\.amazonaws\.com", origin_.get("DomainName", "")) is not None


def origin_protocol(origin_: Mapping, viewer_protocol: str) -> str:
    custom = origin_.get("CustomOriginConfig")
    if custom is None or is_s3_origin(origin_):
        return viewer_protocol
    policy = custom.get("OriginProtocolPolicy", "match-viewer")
    return viewer_protocol if policy == "match-viewer" else policy.removesuffix("-only")


# -- cache policies, keys and TTLs ---------------------------------------------------------------

def legacy_policy(behavior: Mapping) -> dict:
    """A behaviour's legacy cache settings (``ForwardedValues`` and TTLs) as a cache policy."""
    forwarded = behavior.get("ForwardedValues") or {}
    query, query_names = "none", items(forwarded.get("QueryStringCacheKeys"))
    if forwarded.get("QueryString"):
        query = "whitelist" if query_names else "all"
    cookies = forwarded.get("Cookies") or {}
    headers = items(forwarded.get("Headers"))
    policy = policy_config(behavior.get("MinTTL", 0),
                           behavior.get("DefaultTTL", LEGACY_DEFAULT_TTL),
                           behavior.get("MaxTTL", LEGACY_MAX_TTL),
                           query=query, query_names=query_names if query == "whitelist" else (),
                           headers=[] if headers == ["*"] else headers,
                           cookies=cookies.get("Forward", "none"),
                           cookie_names=items(cookies.get("WhitelistedNames")),
                           name="legacy settings")
    if headers == ["*"]:  # legacy "forward all headers": every header is in the key
        policy["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"] = {
            "HeaderBehavior": "all"}
    return policy


def cache_policy(behavior: Mapping, custom: Mapping | None = None) -> dict:
    """The cache policy in force on a behaviour (``KeyError`` for an unknown ``CachePolicyId``)."""
    policy_id = behavior.get("CachePolicyId")
    if not policy_id:
        return legacy_policy(behavior)
    known = {**MANAGED_CACHE_POLICIES, **(custom or {})}
    return known[policy_id]


def _selected(values: Mapping, config: Mapping, behavior_key: str, list_key: str, *,
              ignore_case: bool) -> tuple:
    mode = config.get(behavior_key, "none")
    names = items(config.get(list_key))
    fold = (lambda s: s.lower()) if ignore_case else (lambda s: s)
    wanted = {fold(n) for n in names}
    chosen = []
    for name, value in values.items():
        named = fold(name) in wanted
        if mode == "all" or (mode == "whitelist" and named) or (mode == "allExcept" and not named):
            chosen.append((fold(name), str(value)))
    return tuple(sorted(chosen))


def cache_key(policy: Mapping, r: Mapping) -> tuple:
    """The parts of a request that identify a cached response under ``policy``: its path, then
    the query strings, headers and cookies the policy names, sorted."""
    r = _complete(r)
    params = policy.get("ParametersInCacheKeyAndForwardedToOrigin", {})
    return (r["path"],
            _selected(r["query"], params.get("QueryStringsConfig", {}), "QueryStringBehavior",
                      "QueryStrings", ignore_case=False),
            _selected(r["headers"], params.get("HeadersConfig", {}), "HeaderBehavior",
                      "Headers", ignore_case=True),
            _selected(r["cookies"], params.get("CookiesConfig", {}), "CookieBehavior",
                      "Cookies", ignore_case=False))


def ttl(policy: Mapping, max_age: int | None) -> int:
    """How long a response stays cached: ``DefaultTTL`` without a max-age from the origin, else
    the max-age held between ``MinTTL`` and ``MaxTTL``."""
    if max_age is None:
        return int(policy["DefaultTTL"])
    return int(min(max(max_age, policy["MinTTL"]), policy["MaxTTL"]))


class Cache:
    """One edge location's cache: cache key -> (time stored, TTL)."""

    def __init__(self):
        self.entries: dict[tuple, tuple[float, int]] = {}

    def lookup(self, key: tuple, now: float, policy: Mapping, max_age: int | None) -> str:
        """HIT when a fresh response is stored under ``key``; else MISS, storing the response
        fetched from the origin (unless its TTL is 0)."""
        stored = self.entries.get(key)
        if stored is not None and now < stored[0] + stored[1]:
            return HIT
        seconds = ttl(policy, max_age)
        if seconds > 0:
            self.entries[key] = (now, seconds)
        else:
            self.entries.pop(key, None)
        return MISS

    def invalidate(self, paths: Iterable[str]) -> None:
        """Drop every cached variant of every object the invalidation ``paths`` cover."""
        for key in [k for k in self.entries if invalidation_covers(paths, k[0])]:
            del self.entries[key]


def cache_results(policy: Mapping, requests: Iterable[Mapping],
                  cached_methods=("GET", "HEAD")) -> list[str]:
    """Hit or Miss for each request of a sequence against one cache under one cache policy."""
    cache, results = Cache(), []
    for r in map(_complete, requests):
        if r["method"] not in cached_methods:
            results.append(MISS)
            continue
        results.append(cache.lookup(cache_key(policy, r), r["time"], policy, r["max_age"]))
    return results


def invalidation_covers(paths: Iterable[str], object_path: str) -> bool:
    """Whether an invalidation of ``paths`` removes the object at ``object_path``: a path is the
    object's own path (case-sensitive, starting with ``/``) or ends with ``*`` and is a prefix
    of it."""
    for path in paths:
        if path.endswith("*") and object_path.startswith(path[:-1]):
            return True
        if path == object_path:
            return True
    return False


# -- a whole distribution ------------------------------------------------------------------------

def _geo_blocked(config: Mapping, country: str) -> bool:
    geo = (config.get("Restrictions") or {}).get("GeoRestriction") or {}
    kind, listed = geo.get("RestrictionType", "none"), set(items(geo))
    return (kind == "blacklist" and country in listed) or (kind == "whitelist"
                                                           and country not in listed)


def serve(config: Mapping, requests: Iterable[Mapping], *,
          cache_policies: Mapping | None = None) -> list[Response]:
    """What each request of a sequence gets from a distribution with ``config``, in order (one
    cache shared by the whole sequence). ``cache_policies`` are custom policies by id."""
    cache, responses = Cache(), []
    for r in map(_complete, requests):
        if _geo_blocked(config, r["country"]):
            responses.append(Response(403, ERROR, reason=f"geo restriction: {r['country']}"))
            continue
        path = r["path"]
        if path == "/" and config.get("DefaultRootObject"):
            path = "/" + config["DefaultRootObject"].lstrip("/")
        behavior = behavior_for(config, path)
        pattern = behavior["PathPattern"]
        policy_name = behavior.get("ViewerProtocolPolicy", "allow-all")
        if r["protocol"] == "http" and policy_name == "redirect-to-https":
            responses.append(Response(301, REDIRECT, pattern, reason="redirect-to-https"))
            continue
        if r["protocol"] == "http" and policy_name == "https-only":
            responses.append(Response(403, ERROR, pattern, reason="https-only"))
            continue
        allowed_methods = behavior.get("AllowedMethods") or {}
        allowed = set(items(allowed_methods)) or {"GET", "HEAD"}
        if r["method"] not in allowed:
            responses.append(Response(403, ERROR, pattern, reason=f"{r['method']} not allowed"))
            continue
        target = origin(config, behavior["TargetOriginId"])
        if target is None:
            responses.append(Response(502, ERROR, pattern,
                                      reason=f"no origin {behavior['TargetOriginId']}"))
            continue
        cached = set(items(allowed_methods.get("CachedMethods"))) or {"GET", "HEAD"}
        result = MISS
        if r["method"] in cached:
            policy = cache_policy(behavior, cache_policies)
            key = cache_key(policy, {**r, "path": path})
            result = cache.lookup(key, r["time"], policy, r["max_age"])
        responses.append(Response(200, result, pattern, target["Id"], target.get("DomainName"),
                                  origin_protocol(target, r["protocol"])))
    return responses


# -- what the real CloudFront would refuse ---------------------------------------------------------

def config_problems(config: Mapping, *, cache_policies: Mapping | None = None) -> list[str]:
    """Reasons the real CloudFront API would reject this distribution config (moto accepts
    them), or [] when it would accept it."""
    problems = []
    origin_ids = [o.get("Id") for o in items(config.get("Origins"))]
    for name in ("Origins", "CacheBehaviors"):
        element = config.get(name) or {}
        if "Quantity" in element and element["Quantity"] != len(items(element)):
            problems.append(f"{name} says Quantity {element['Quantity']} but lists "
                            f"{len(items(element))} items")
    if len(set(origin_ids)) != len(origin_ids):
        problems.append("two origins share an Id")
    patterns = [b.get("PathPattern") for b in items(config.get("CacheBehaviors"))]
    for pattern in {p for p in patterns if patterns.count(p) > 1}:
        problems.append(f"two cache behaviours have the path pattern {pattern}")
    known = {**MANAGED_CACHE_POLICIES, **(cache_policies or {})}
    for behavior in behaviors(config):
        label = f"cache behaviour {behavior['PathPattern']}"
        if behavior.get("TargetOriginId") not in origin_ids:
            problems.append(f"{label} targets origin {behavior.get('TargetOriginId')!r}, which "
                            "the distribution does not have")
        if behavior.get("ViewerProtocolPolicy") not in VIEWER_PROTOCOL_POLICIES:
            problems.append(f"{label} has ViewerProtocolPolicy "
                            f"{behavior.get('ViewerProtocolPolicy')!r}")
        methods = behavior.get("AllowedMethods") or {}
        if items(methods) and set(items(methods)) not in ALLOWED_METHOD_SETS:
            problems.append(f"{label} allows {sorted(items(methods))}: CloudFront accepts GET "
                            "and HEAD; GET, HEAD and OPTIONS; or all seven methods")
        cached = items(methods.get("CachedMethods"))
        if cached and set(cached) not in CACHED_METHOD_SETS:
            problems.append(f"{label} caches {sorted(cached)}: only GET and HEAD (and OPTIONS) "
                            "can be cached")
        if behavior.get("CachePolicyId") and behavior["CachePolicyId"] not in known:
            problems.append(f"{label} uses cache policy {behavior['CachePolicyId']}, which does "
                            "not exist (this course knows the AWS managed policies)")
    for o in items(config.get("Origins")):
        custom = o.get("CustomOriginConfig")
        if custom and custom.get("OriginProtocolPolicy") not in ORIGIN_PROTOCOL_POLICIES:
            problems.append(f"origin {o.get('Id')} has OriginProtocolPolicy "
                            f"{custom.get('OriginProtocolPolicy')!r}")
    geo = (config.get("Restrictions") or {}).get("GeoRestriction") or {}
    if geo.get("RestrictionType", "none") not in RESTRICTION_TYPES:
        problems.append(f"geo restriction type {geo.get('RestrictionType')!r}")
    elif geo.get("RestrictionType") in ("blacklist", "whitelist") and not items(geo):
        problems.append(f"a {geo['RestrictionType']} geo restriction lists no countries")
    return problems
