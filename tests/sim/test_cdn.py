"""Tests for grader/sim/cdn.py: the reference CloudFront model.

Path patterns, cache keys, TTLs and invalidation paths are tested from tables, one behaviour per
row; whole distributions (geo restriction, behaviour order, protocols, methods, caching) on small
configurations built here in the shape of ``get_distribution_config``.
"""

import pytest

from grader.sim.cdn import (
    CACHING_DISABLED,
    CACHING_OPTIMIZED,
    HIT,
    MISS,
    Cache,
    behavior_for,
    cache_key,
    cache_policy,
    cache_results,
    config_problems,
    invalidation_covers,
    legacy_policy,
    origin_protocol,
    path_matches,
    policy_config,
    request,
    serve,
    ttl,
)

S3 = {"Id": "site", "DomainName": "site.s3.us-east-1.amazonaws.com",
      "S3OriginConfig": {"OriginAccessIdentity": ""}, "OriginAccessControlId": "E1"}
ALB = {"Id": "api", "DomainName": "api-1.us-east-1.elb.amazonaws.com",
       "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}}
ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]


def behavior(pattern, origin="site", viewer="redirect-to-https", policy=CACHING_OPTIMIZED,
             methods=None):
    found = {"PathPattern": pattern, "TargetOriginId": origin, "ViewerProtocolPolicy": viewer,
             "CachePolicyId": policy}
    if methods:
        found["AllowedMethods"] = {"Quantity": len(methods), "Items": methods,
                                   "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}}
    return found


def config(*behaviors, default=None, geo=None, root="index.html", origins=(S3, ALB)):
    found = {"Origins": {"Quantity": len(origins), "Items": list(origins)},
             "CacheBehaviors": {"Quantity": len(behaviors), "Items": list(behaviors)},
             "DefaultCacheBehavior": default or behavior("*"), "DefaultRootObject": root}
    if geo:
        kind, countries = geo
        found["Restrictions"] = {"GeoRestriction": {"RestrictionType": kind,
                                                    "Quantity": len(countries),
                                                    "Items": list(countries)}}
    return found


@pytest.mark.parametrize(("pattern", "path", "matches"), [
    pytest.param("*", "/anything/at/all.html", True, id="default-matches-everything"),
    pytest.param("/api/*", "/api/orders", True, id="prefix"),
    pytest.param("api/*", "/api/orders", True, id="leading-slash-optional"),
    pytest.param("/api/*", "/apis/orders", False, id="prefix-needs-the-slash"),
    pytest.param("/api/*", "/v2/api/orders", False, id="anchored-at-the-start"),
    pytest.param("*.json", "/data/2026/prices.json", True, id="star-crosses-slashes"),
    pytest.param("/images/*.jpg", "/images/a/b.jpg", True, id="star-in-the-middle"),
    pytest.param("/images/*.jpg", "/images/a.png", False, id="suffix-must-match"),
    pytest.param("/img?.png", "/img1.png", True, id="question-mark-one-character"),
    pytest.param("/img?.png", "/img10.png", False, id="question-mark-only-one"),
    pytest.param("/API/*", "/api/orders", False, id="case-sensitive"),
    pytest.param("/a.b", "/aXb", False, id="dot-is-literal"),
])
def test_path_patterns(pattern, path, matches):
    assert path_matches(pattern, path) is matches


def test_first_listed_behaviour_wins_not_the_most_specific():
    dist = config(behavior("*.json", policy=CACHING_DISABLED), behavior("/api/*", "api"))
    assert behavior_for(dist, "/api/report.json")["PathPattern"] == "*.json"
    assert behavior_for(dist, "/api/report")["PathPattern"] == "/api/*"
    assert behavior_for(dist, "/index.html")["PathPattern"] == "*"


# -- cache keys and TTLs -------------------------------------------------------------------------

KEYED = policy_config(query="whitelist", query_names=["v"], headers=["Accept-Language"],
                      cookies="whitelist", cookie_names=["lang"])


@pytest.mark.parametrize(("policy", "a", "b", "same"), [
    pytest.param(policy_config(), {"query": {"v": "1"}}, {"query": {"v": "2"}}, True,
                 id="none-ignores-query-strings"),
    pytest.param(KEYED, {"query": {"v": "1"}}, {"query": {"v": "2"}}, False,
                 id="listed-query-string-splits"),
    pytest.param(KEYED, {"query": {"v": "1"}}, {"query": {"v": "1", "utm": "x"}}, True,
                 id="unlisted-query-string-ignored"),
    pytest.param(KEYED, {"query": {"v": "1"}}, {"query": {"V": "1"}}, False,
                 id="query-names-case-sensitive"),
    pytest.param(KEYED, {"headers": {"Accept-Language": "fr"}},
                 {"headers": {"accept-language": "fr"}}, True, id="header-names-any-case"),
    pytest.param(KEYED, {"headers": {"Accept-Language": "fr"}},
                 {"headers": {"Accept-Language": "FR"}}, False, id="header-values-as-written"),
    pytest.param(KEYED, {"cookies": {"lang": "de"}}, {"cookies": {"Lang": "de"}}, False,
                 id="cookie-names-case-sensitive"),
    pytest.param(KEYED, {"cookies": {"session": "1"}}, {"cookies": {"session": "2"}}, True,
                 id="unlisted-cookie-ignored"),
    pytest.param(policy_config(query="allExcept", query_names=["utm"]), {"query": {"utm": "a"}},
                 {"query": {"utm": "b"}}, True, id="all-except-ignores-the-listed"),
    pytest.param(policy_config(query="allExcept", query_names=["utm"]), {"query": {"p": "1"}},
                 {"query": {"p": "2"}}, False, id="all-except-keys-the-rest"),
    pytest.param(policy_config(cookies="all"), {"cookies": {"a": "1", "b": "2"}},
                 {"cookies": {"b": "2", "a": "1"}}, True, id="order-does-not-matter"),
    pytest.param(policy_config(), {"path": "/a"}, {"path": "/A"}, False, id="paths-case-sensitive"),
])
def test_cache_key(policy, a, b, same):
    first, second = request(**{"path": "/p", **a}), request(**{"path": "/p", **b})
    assert (cache_key(policy, first) == cache_key(policy, second)) is same


@pytest.mark.parametrize(("low", "default", "high", "max_age", "expected"), [
    pytest.param(1, 86_400, 31_536_000, None, 86_400, id="no-max-age-default"),
    pytest.param(10, 60, 300, 5, 10, id="raised-to-min"),
    pytest.param(10, 60, 300, 5000, 300, id="lowered-to-max"),
    pytest.param(10, 60, 300, 120, 120, id="max-age-in-between"),
    pytest.param(0, 0, 0, 3600, 0, id="caching-disabled"),
])
def test_ttl(low, default, high, max_age, expected):
    assert ttl(policy_config(low, default, high), max_age) == expected


def sequence(*rows, path="/app.js"):
    return [request(path, time=t, max_age=m, method=me) for t, m, me in rows]


@pytest.mark.parametrize(("rows", "expected"), [
    pytest.param([(0, None, "GET"), (59, None, "GET"), (60, None, "GET")], [MISS, HIT, MISS],
                 id="expires-at-the-ttl-exactly"),
    pytest.param([(0, None, "GET"), (1, None, "HEAD")], [MISS, HIT], id="head-shares-get"),
    pytest.param([(0, None, "POST"), (1, None, "GET")], [MISS, MISS], id="post-not-stored"),
    pytest.param([(0, 5, "GET"), (9, None, "GET"), (10, None, "GET")], [MISS, HIT, MISS],
                 id="short-max-age-raised-to-min"),
    pytest.param([(0, 0, "GET"), (1, None, "GET")], [MISS, HIT], id="max-age-zero-raised-to-min"),
])
def test_cache_results(rows, expected):
    assert cache_results(policy_config(10, 60, 300), sequence(*rows)) == expected


def test_a_zero_ttl_never_stores():
    assert cache_results(policy_config(0, 0, 0), sequence((0, None, "GET"), (1, None, "GET"))) \
        == [MISS, MISS]


def test_a_refetch_replaces_the_stored_ttl():
    seq = sequence((0, 10, "GET"), (11, 300, "GET"), (200, None, "GET"))
    assert cache_results(policy_config(0, 60, 3600), seq) == [MISS, MISS, HIT]


# -- policies ------------------------------------------------------------------------------------

def test_managed_and_custom_policies_by_id_and_unknown_ids_raise():
    assert cache_policy({"CachePolicyId": CACHING_DISABLED})["MaxTTL"] == 0
    custom = policy_config(5, 6, 7)
    assert cache_policy({"CachePolicyId": "mine"}, {"mine": custom}) is custom
    with pytest.raises(KeyError):
        cache_policy({"CachePolicyId": "nope"})


@pytest.mark.parametrize(("forwarded", "query", "cookies", "headers"), [
    pytest.param({"QueryString": False, "Cookies": {"Forward": "none"}}, "none", "none", "none",
                 id="nothing-forwarded"),
    pytest.param({"QueryString": True, "Cookies": {"Forward": "all"}}, "all", "all", "none",
                 id="all-query-strings-and-cookies"),
    pytest.param({"QueryString": True, "QueryStringCacheKeys": {"Quantity": 1, "Items": ["v"]},
                  "Cookies": {"Forward": "whitelist",
                              "WhitelistedNames": {"Quantity": 1, "Items": ["lang"]}},
                  "Headers": {"Quantity": 1, "Items": ["Origin"]}},
                 "whitelist", "whitelist", "whitelist", id="listed-names"),
    pytest.param({"QueryString": False, "Headers": {"Quantity": 1, "Items": ["*"]}}, "none",
                 "none", "all", id="every-header"),
])
def test_legacy_settings_as_a_policy(forwarded, query, cookies, headers):
    params = legacy_policy({"ForwardedValues": forwarded})["ParametersInCacheKeyAndForwardedToOrigin"]
    assert params["QueryStringsConfig"]["QueryStringBehavior"] == query
    assert params["CookiesConfig"]["CookieBehavior"] == cookies
    assert params["HeadersConfig"]["HeaderBehavior"] == headers


def test_legacy_ttls_default_like_aws_when_left_out():
    policy = legacy_policy({"ForwardedValues": {"QueryString": False}})
    assert (policy["MinTTL"], policy["DefaultTTL"], policy["MaxTTL"]) == (0, 86_400, 31_536_000)


# -- whole distributions -------------------------------------------------------------------------

@pytest.mark.parametrize(("geo", "country", "status"), [
    pytest.param(("blacklist", ["KP", "IR"]), "KP", 403, id="block-list-listed"),
    pytest.param(("blacklist", ["KP", "IR"]), "DE", 200, id="block-list-other"),
    pytest.param(("whitelist", ["DE"]), "DE", 200, id="allow-list-listed"),
    pytest.param(("whitelist", ["DE"]), "FR", 403, id="allow-list-other"),
    pytest.param(("none", []), "KP", 200, id="no-restriction"),
])
def test_geo_restriction(geo, country, status):
    (answer,) = serve(config(geo=geo), [request("/", country=country)])
    assert answer.status == status


def test_viewer_protocol_policies():
    dist = config(behavior("/open/*", viewer="allow-all"), behavior("/api/*", "api", "https-only"))
    answers = serve(dist, [request(p, protocol="http") for p in ("/open/a", "/api/a", "/page")])
    assert [(a.status, a.result) for a in answers] == [(200, MISS), (403, "Error"),
                                                       (301, "Redirect")]


def test_root_object_is_the_root_only_and_shares_its_cache_entry():
    answers = serve(config(), [request("/index.html"), request("/", time=1),
                               request("/docs/", time=2)])
    assert [a.result for a in answers] == [MISS, HIT, MISS]


def test_methods_outside_allowed_methods_are_refused():
    dist = config(behavior("/api/*", "api", "https-only", CACHING_DISABLED, ALL_METHODS))
    answers = serve(dist, [request("/api/x", method="POST"), request("/page", method="POST")])
    assert [a.status for a in answers] == [200, 403]
    assert answers[1].reason == "POST not allowed"


def test_responses_name_the_behaviour_origin_and_protocol():
    dist = config(behavior("/api/*", "api", "https-only", CACHING_DISABLED))
    api, page = serve(dist, [request("/api/x"), request("/page")])
    assert (api.behavior, api.origin, api.domain, api.origin_protocol, api.result) == (
        "/api/*", "api", ALB["DomainName"], "https", MISS)
    assert (page.behavior, page.origin, page.origin_protocol) == ("*", "site", "https")


@pytest.mark.parametrize(("origin", "viewer", "expected"), [
    pytest.param(S3, "http", "http", id="s3-follows-viewer"),
    pytest.param({"Id": "b", "DomainName": "b.s3.amazonaws.com"}, "https", "https",
                 id="s3-domain-without-config"),
    pytest.param(ALB, "http", "https", id="https-only"),
    pytest.param({**ALB, "CustomOriginConfig": {"OriginProtocolPolicy": "http-only"}}, "https",
                 "http", id="http-only"),
    pytest.param({**ALB, "CustomOriginConfig": {"OriginProtocolPolicy": "match-viewer"}}, "http",
                 "http", id="match-viewer"),
])
def test_origin_protocol(origin, viewer, expected):
    assert origin_protocol(origin, viewer) == expected


def test_a_behaviour_without_its_origin_answers_502():
    dist = config(behavior("/x/*", "gone"))
    (answer,) = serve(dist, [request("/x/a")])
    assert (answer.status, answer.reason) == (502, "no origin gone")


def test_custom_cache_policies_are_used_by_id():
    custom = {"mine": policy_config(0, 100, 100, query="all")}
    dist = config(behavior("/img/*", policy="mine"))
    answers = serve(dist, [request("/img/a", query={"v": "1"}),
                           request("/img/a", time=1, query={"v": "2"}),
                           request("/img/a", time=2, query={"v": "1"})], cache_policies=custom)
    assert [a.result for a in answers] == [MISS, MISS, HIT]


# -- invalidations -------------------------------------------------------------------------------

@pytest.mark.parametrize(("paths", "path", "covered"), [
    pytest.param(["/css/site.css"], "/css/site.css", True, id="exact"),
    pytest.param(["/css/site.css"], "/css/Site.css", False, id="case-sensitive"),
    pytest.param(["css/site.css"], "/css/site.css", False, id="needs-the-leading-slash"),
    pytest.param(["/css/*"], "/css/a/b.css", True, id="wildcard-prefix"),
    pytest.param(["/css/site*"], "/css/site.min.css", True, id="wildcard-mid-name"),
    pytest.param(["/*"], "/anything", True, id="everything"),
    pytest.param(["/css/*"], "/js/app.js", False, id="other-folder"),
])
def test_invalidation_paths(paths, path, covered):
    assert invalidation_covers(paths, path) is covered


def test_invalidation_drops_every_cached_variant_of_a_path():
    cache, policy = Cache(), policy_config(query="all")
    for v in ("1", "2"):
        cache.lookup(cache_key(policy, request("/a", query={"v": v})), 0, policy, None)
    cache.lookup(cache_key(policy, request("/b")), 0, policy, None)
    cache.invalidate(["/a"])
    assert [key[0] for key in cache.entries] == ["/b"]


# -- what AWS would refuse -----------------------------------------------------------------------

def test_a_valid_configuration_has_no_problems():
    assert config_problems(config(behavior("/api/*", "api", "https-only", CACHING_DISABLED,
                                           ALL_METHODS))) == []


@pytest.mark.parametrize(("change", "problem"), [
    pytest.param(lambda c: c["Origins"].update(Quantity=5), "Origins says Quantity 5 but lists 2",
                 id="quantity"),
    pytest.param(lambda c: c["CacheBehaviors"]["Items"].append(behavior("/x/*", "gone")),
                 "cache behaviour /x/* targets origin 'gone'", id="missing-origin"),
    pytest.param(lambda c: c["DefaultCacheBehavior"].update(ViewerProtocolPolicy="sometimes"),
                 "has ViewerProtocolPolicy 'sometimes'", id="viewer-policy"),
    pytest.param(lambda c: c["DefaultCacheBehavior"].update(
        AllowedMethods={"Quantity": 2, "Items": ["GET", "POST"]}), "allows ['GET', 'POST']",
                 id="method-set"),
    pytest.param(lambda c: c["DefaultCacheBehavior"].update(CachePolicyId="made-up"),
                 "uses cache policy made-up", id="unknown-policy"),
    pytest.param(lambda c: c["CacheBehaviors"]["Items"].extend([behavior("/a"), behavior("/a")]),
                 "two cache behaviours have the path pattern /a", id="duplicate-pattern"),
    pytest.param(lambda c: c.update(Restrictions={"GeoRestriction": {
        "RestrictionType": "blacklist", "Quantity": 0}}), "a blacklist geo restriction lists no",
                 id="empty-geo-list"),
    pytest.param(lambda c: c["Origins"]["Items"][1]["CustomOriginConfig"].update(
        OriginProtocolPolicy="tls-only"), "OriginProtocolPolicy 'tls-only'", id="origin-policy"),
])
def test_configurations_aws_refuses(change, problem):
    dist = config(origins=(dict(S3), {**ALB, "CustomOriginConfig": dict(ALB["CustomOriginConfig"])}))
    change(dist)
    dist["CacheBehaviors"]["Quantity"] = len(dist["CacheBehaviors"]["Items"])
    assert any(problem in found for found in config_problems(dist)), config_problems(dist)
