"""The CloudFront checks of topic 20: distributions judged by replayed requests, origin access
control and the bucket policy behind it, invalidations, learners' cache evaluator and log
analysis against the references; every learner message pinned."""

from __future__ import annotations

import json
import math
import uuid

import pandas as pd
import pytest

from grader.checks import cloudfront as checks
from grader.checks.cloudfront import request
from grader.scenarios.cdn import (
    alb_domain,
    bucket_domain,
    oac_read_policy,
    private_site,
    public_read_policy,
)
from grader.sim import cdn as sim
from grader.sim.cdn_logs import hit_ratio_by_prefix

from .failures import failure


@pytest.fixture
def site(session):
    return private_site(session, "shop", blocked=("KP",))


def change(session, distribution_id, edit):
    """Read-modify-write the distribution, the way a learner would."""
    cloudfront = session.client("cloudfront")
    found = cloudfront.get_distribution_config(Id=distribution_id)
    edit(found["DistributionConfig"])
    cloudfront.update_distribution(Id=distribution_id, IfMatch=found["ETag"],
                                   DistributionConfig=found["DistributionConfig"])


def add_api(config, *, viewer="https-only", origin_policy="https-only", protocols=("TLSv1.2",),
            first=True, methods=("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE")):
    config["Origins"]["Items"].append({"Id": "api", "DomainName": alb_domain("api"),
                                       "CustomOriginConfig": {
                                           "HTTPPort": 80, "HTTPSPort": 443,
                                           "OriginProtocolPolicy": origin_policy,
                                           "OriginSslProtocols": {"Quantity": len(protocols),
                                                                  "Items": list(protocols)}}})
    config["Origins"]["Quantity"] += 1
    api = {"PathPattern": "/api/*", "TargetOriginId": "api", "ViewerProtocolPolicy": viewer,
           "CachePolicyId": sim.CACHING_DISABLED,
           "AllowedMethods": {"Quantity": len(methods), "Items": list(methods)}}
    behaviors = config["CacheBehaviors"].get("Items") or []
    config["CacheBehaviors"] = {"Quantity": len(behaviors) + 1,
                                "Items": [api, *behaviors] if first else [*behaviors, api]}


# -- requests -----------------------------------------------------------------------------------

def test_describe_request_names_what_a_test_set():
    r = request("/a.css", time=12, method="HEAD", protocol="http", query={"v": "2"},
                headers={"Accept": "x"}, cookies={"s": "1"}, country="DE", max_age=60)
    assert checks.describe_request(r) == ("HEAD http://…/a.css?v=2 from DE at t=12s "
                                          "[header Accept: x; cookie s=1; origin max-age 60]")
    assert checks.describe_request({"path": "/"}) == "GET https://…/ from US at t=0s"


# -- the learner's cache evaluator --------------------------------------------------------------

SEQ = [request("/a", time=t) for t in (0, 10, 100)]


def test_cache_evaluator_agrees_passes_the_reference():
    checks.cache_evaluator_agrees(sim.cache_results, checks.cache_policy(0, 60, 60), SEQ)


def test_cache_evaluator_agrees_names_the_first_request_that_differs():
    found = failure(checks.cache_evaluator_agrees, lambda p, rs: ["Miss"] * len(rs),
                    checks.cache_policy(0, 60, 60), SEQ)
    assert found["what"] == ("cache_results agrees with the course's reference on 2 of 3 items of "
                             "one sequence; first miss: request #1, GET https://…/a from US at "
                             "t=10s")
    assert (found["expected"], found["found"]) == ("'Hit'", "'Miss'")
    assert found["next"] == checks.CACHE_HINT


# -- reading a distribution ---------------------------------------------------------------------

@pytest.mark.parametrize("value", [None, "", "e2qwr", {"Id": "E2QWRUHAPOMQZL"}])
def test_a_value_that_is_not_a_distribution_id_is_named(value):
    found = failure(checks.require_distribution_id, value)
    assert found["what"] == "The value your function returned"
    assert found["next"] == "Return create_distribution(...)['Distribution']['Id']."


def test_a_distribution_that_does_not_exist(session):
    found = failure(checks.read_distribution, session, "E0000000000000")
    assert found["what"] == "Distribution E0000000000000 exists"
    assert found["found"] == "no such distribution (NoSuchDistribution)"


def test_a_configuration_aws_would_refuse_is_named(session, site):
    def dangling(config):
        config["CacheBehaviors"]["Items"][0]["TargetOriginId"] = "gone"

    change(session, site["distribution_id"], dangling)
    found = failure(checks.read_distribution, session, site["distribution_id"])
    assert found["found"] == ("cache behaviour *.json targets origin 'gone', which the "
                              "distribution does not have")


# -- behaviour -----------------------------------------------------------------------------------

def test_distribution_behaves_passes_on_the_scenario(session, site):
    s3 = {"domain": bucket_domain("shop")}
    checks.distribution_behaves(session, site["distribution_id"], [
        (request("/index.html"), {**s3, "result": "Miss"}), (request("/", time=1), {**s3, "result": "Hit"}),
        (request("/x", protocol="http"), {"status": 301}), (request("/", country="KP"), {"status": 403})])


S3_DOMAIN, API_DOMAIN = "shop.s3.us-east-1.amazonaws.com", alb_domain("api")


@pytest.mark.parametrize(("edit", "probe", "expected", "found", "hint", "values"), [
    pytest.param(None, request("/", protocol="http"), {"status": 200},
                 "301 redirect to HTTPS (cache behaviour *)", "other", {}, id="other"),
    pytest.param(lambda c: c["DefaultCacheBehavior"].update(ViewerProtocolPolicy="allow-all"),
                 request("/", protocol="http"), {"status": 301},
                 f"200 Miss from {S3_DOMAIN} over http (cache behaviour *)",
                 "redirect", {"behavior": "*"}, id="redirect"),
    pytest.param(lambda c: add_api(c, viewer="redirect-to-https"),
                 request("/api/x", protocol="http"), {"status": 403},
                 "301 redirect to HTTPS (cache behaviour /api/*)", "refuse_http",
                 {"behavior": "/api/*"}, id="refuse-http"),
    pytest.param(None, request("/", country="RU"), {"status": 403},
                 f"200 Miss from {S3_DOMAIN} over https (cache behaviour *)",
                 "geo_block", {"country": "RU"}, id="geo-block"),
    pytest.param(None, request("/", country="KP"), {"status": 200},
                 "403 (geo restriction: KP)", "geo_allow", {"country": "KP"}, id="geo-allow"),
    pytest.param(lambda c: add_api(c, methods=("GET", "HEAD")),
                 request("/api/x", method="POST"), {"domain": API_DOMAIN},
                 "403 (POST not allowed, cache behaviour /api/*)", "method",
                 {"behavior": "/api/*", "method": "POST"}, id="method"),
    pytest.param(lambda c: add_api(c, first=False), request("/api/x.json"),
                 {"domain": API_DOMAIN},
                 f"200 Miss from {S3_DOMAIN} over https (cache behaviour *.json)", "origin",
                 {"behavior": "*.json", "found_domain": S3_DOMAIN}, id="behaviour-order"),
    pytest.param(lambda c: add_api(c, origin_policy="match-viewer", viewer="allow-all"),
                 request("/api/x", protocol="http"), {"origin_protocol": "https"},
                 f"200 Miss from {API_DOMAIN} over http (cache behaviour /api/*)",
                 "origin_protocol", {"found_domain": API_DOMAIN, "protocol": "http"},
                 id="origin-protocol"),
])
def test_distribution_behaves_says_what_to_change(session, site, edit, probe, expected, found,
                                                  hint, values):
    if edit:
        change(session, site["distribution_id"], edit)
    message = failure(checks.distribution_behaves, session, site["distribution_id"],
                      [(probe, expected)])
    assert message["what"] == (f"Distribution {site['distribution_id']} answers "
                               f"{checks.describe_request(probe)}")
    assert message["found"] == found
    assert message["next"] == checks.HINTS[hint].format(**values)


def test_distribution_behaves_tells_cached_from_uncached(session, site):
    s3 = bucket_domain("shop")
    first = (request("/a"), {"domain": s3})
    cached = failure(checks.distribution_behaves, session, site["distribution_id"],
                     [first, (request("/a", time=1), {"result": "Miss"})])
    assert cached["expected"] == "200 Miss" and cached["next"].startswith(
        "Cache behaviour * cached a response")
    change(session, site["distribution_id"],
           lambda c: c["DefaultCacheBehavior"].update(CachePolicyId=sim.CACHING_DISABLED))
    fresh = failure(checks.distribution_behaves, session, site["distribution_id"],
                    [first, (request("/a", time=1), {"result": "Hit"})])
    assert fresh["next"] == ("Cache behaviour * did not serve this from its cache: give it the "
                             "managed CachingOptimized cache policy.")


# -- origins ------------------------------------------------------------------------------------

def test_origin_access_control_passes_on_the_scenario(session, site):
    checks.origin_access_control(session, site["distribution_id"], "shop")


def test_no_origin_for_the_bucket(session, site):
    found = failure(checks.origin_access_control, session, site["distribution_id"], "other")
    assert found["expected"] == "an S3 origin whose DomainName is other.s3.us-east-1.amazonaws.com"
    assert found["found"] == "origins shop.s3.us-east-1.amazonaws.com"
    assert found["next"].startswith("Add an origin with DomainName other.s3.us-east-1")


def test_a_website_endpoint_cannot_use_oac(session, site):
    def website(config):
        config["Origins"]["Items"][0] = {"Id": site["origin_id"],
                                         "DomainName": "shop.s3-website-us-east-1.amazonaws.com",
                                         "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                                                "OriginProtocolPolicy": "http-only"}}

    change(session, site["distribution_id"], website)
    found = failure(checks.origin_access_control, session, site["distribution_id"], "shop")
    assert found["next"].startswith("shop.s3-website-us-east-1.amazonaws.com is the bucket's "
                                    "website endpoint")


@pytest.mark.parametrize(("edit", "found", "hint"), [
    pytest.param(lambda o, ids: o.update(OriginAccessControlId=""), "no origin access control",
                 "none", id="none"),
    pytest.param(lambda o, ids: o.update(OriginAccessControlId="EMADEUP000000"),
                 "EMADEUP000000, which does not exist", "missing", id="unknown"),
    pytest.param(lambda o, ids: o.update(OriginAccessControlId=ids["never"]),
                 "origin access control {never} with SigningBehavior never", "settings",
                 id="settings"),
    pytest.param(lambda o, ids: o.update(S3OriginConfig={
        "OriginAccessIdentity": "origin-access-identity/cloudfront/E1"}),
                 "origin access identity origin-access-identity/cloudfront/E1", "oai", id="oai"),
])
def test_origin_access_control_failures(session, site, edit, found, hint):
    never = session.client("cloudfront").create_origin_access_control(OriginAccessControlConfig={
        "Name": "never", "SigningProtocol": "sigv4", "SigningBehavior": "never",
        "OriginAccessControlOriginType": "s3"})["OriginAccessControl"]["Id"]
    change(session, site["distribution_id"],
           lambda c: edit(c["Origins"]["Items"][0], {"never": never}))
    message = failure(checks.origin_access_control, session, site["distribution_id"], "shop")
    assert message["what"] == (f"Origin {site['origin_id']} of distribution "
                               f"{site['distribution_id']} signs its requests to S3")
    assert message["found"] == found.format(never=never)
    assert message["next"] == checks.OAC_HINTS[hint]


def test_origin_https_only(session, site):
    change(session, site["distribution_id"], add_api)
    checks.origin_https_only(session, site["distribution_id"], alb_domain("api"))
    missing = failure(checks.origin_https_only, session, site["distribution_id"], "x.example.com")
    assert missing["found"] == "no origin with that domain name"


@pytest.mark.parametrize(("options", "found"), [
    pytest.param({"origin_policy": "match-viewer"}, "OriginProtocolPolicy match-viewer",
                 id="match-viewer"),
    pytest.param({"protocols": ("TLSv1.1", "TLSv1.2")},
                 "OriginSslProtocols ['TLSv1.1', 'TLSv1.2']", id="old-tls"),
])
def test_origin_https_only_failures(session, site, options, found):
    change(session, site["distribution_id"], lambda c: add_api(c, **options))
    message = failure(checks.origin_https_only, session, site["distribution_id"],
                      alb_domain("api"))
    assert message["what"] == (f"How distribution {site['distribution_id']} connects to origin "
                               f"{alb_domain('api')}")
    assert message["found"] == found


# -- the bucket policy -------------------------------------------------------------------------

def put_policy(session, policy):
    session.client("s3").put_bucket_policy(Bucket="shop", Policy=json.dumps(policy))


def test_bucket_private_to_passes_on_the_scenario(session, site):
    checks.bucket_private_to(session, "shop", site["distribution_id"])


def test_no_bucket_policy_leaves_cloudfront_out(session, site):
    session.client("s3").delete_bucket_policy(Bucket="shop")
    found = failure(checks.bucket_private_to, session, "shop", site["distribution_id"])
    assert found["what"] == "Who may read objects of bucket shop"
    assert found["expected"] == f"only distribution {site['distribution_id']}, through CloudFront"
    assert found["found"] == "no bucket policy: nobody, CloudFront included"


def test_a_policy_for_another_distribution_leaves_this_one_out(session, site):
    put_policy(session, oac_read_policy("shop", site["arn"].replace(site["distribution_id"], "E9")))
    found = failure(checks.bucket_private_to, session, "shop", site["distribution_id"])
    assert found["found"].startswith(f"distribution {site['distribution_id']} cannot read")
    assert site["arn"] in found["next"]


def test_the_old_public_statement_left_in_place_is_named(session, site):
    policy = oac_read_policy("shop", site["arn"])
    policy["Statement"] += public_read_policy("shop")["Statement"]
    put_policy(session, policy)
    found = failure(checks.bucket_private_to, session, "shop", site["distribution_id"])
    assert found["found"] == "an anonymous caller on the internet can read"
    assert found["next"] == ("The bucket policy still lets anyone on the internet read the bucket, "
                             "around CloudFront (statement 1 (PublicRead) of resource policy 1). "
                             "Replace the whole policy; do not add to the old one.")


def test_cloudfront_without_source_arn_lets_any_account_in(session, site):
    policy = oac_read_policy("shop", site["arn"])
    del policy["Statement"][0]["Condition"]
    put_policy(session, policy)
    found = failure(checks.bucket_private_to, session, "shop", site["distribution_id"])
    assert found["found"] == "a distribution of another AWS account can read"
    assert found["next"].startswith("Any CloudFront distribution in any AWS account can read")


def test_source_account_alone_lets_every_distribution_of_the_account_in(session, site):
    policy = oac_read_policy("shop", site["arn"])
    policy["Statement"][0]["Condition"] = {"StringEquals": {"AWS:SourceAccount": "123456789012"}}
    put_policy(session, policy)
    found = failure(checks.bucket_private_to, session, "shop", site["distribution_id"])
    assert found["found"] == "another distribution of this account can read"
    assert found["next"].startswith("Any CloudFront distribution of this account can read")


def test_another_account_named_in_the_policy(session, site):
    policy = oac_read_policy("shop", site["arn"])
    policy["Statement"].append({"Effect": "Allow", "Principal": {"AWS": "210987654321"},
                                "Action": "s3:*", "Resource": "arn:aws:s3:::shop/*"})
    policy["Statement"].append({"Effect": "Allow", "Principal": {"AWS": "123456789012"},
                                "Action": "s3:*", "Resource": "arn:aws:s3:::shop/*"})
    put_policy(session, policy)
    found = failure(checks.bucket_private_to, session, "shop", site["distribution_id"])
    assert found["found"] == "account 210987654321 can read"


def test_block_public_access_must_be_on(session, site):
    session.client("s3").delete_public_access_block(Bucket="shop")
    found = failure(checks.bucket_private_to, session, "shop", site["distribution_id"])
    assert found["what"] == "Block Public Access of bucket shop"


# -- invalidations -----------------------------------------------------------------------------

def invalidate(session, site, paths):
    return session.client("cloudfront").create_invalidation(
        DistributionId=site["distribution_id"], InvalidationBatch={
            "Paths": {"Quantity": len(paths), "Items": paths},
            "CallerReference": str(uuid.uuid4())})["Invalidation"]["Id"]


def test_invalidation_covers_passes_exact_paths(session, site):
    made = invalidate(session, site, ["/a.css", "/js/*"])
    checks.invalidation_covers(session, site["distribution_id"], made, ["/a.css", "/js/x.js"],
                               untouched=["/b.css"])


@pytest.mark.parametrize(("paths", "expected", "found", "hint"), [
    pytest.param(["a.css"], "paths covering /a.css", "paths ['a.css']", "slash", id="slash"),
    pytest.param(["/b.css"], "paths covering /a.css", "paths ['/b.css']", "uncovered",
                 id="uncovered"),
    pytest.param(["/*"], "/b.css left in the cache", "paths ['/*'], which also invalidate them",
                 "too_much", id="too-much"),
])
def test_invalidation_covers_failures(session, site, paths, expected, found, hint):
    made = invalidate(session, site, paths)
    message = failure(checks.invalidation_covers, session, site["distribution_id"], made,
                      ["/a.css"], untouched=["/b.css"])
    assert message["what"] == f"Invalidation {made} of distribution {site['distribution_id']}"
    assert (message["expected"], message["found"]) == (expected, found)
    assert message["next"] == checks.INVALIDATION_HINTS[hint]


def test_an_invalidation_that_does_not_exist(session, site):
    found = failure(checks.invalidation_covers, session, site["distribution_id"], None, ["/a"])
    assert found["found"] == "no such invalidation"


# -- the learner's log analysis -----------------------------------------------------------------

LOG = pd.DataFrame([{"cs-uri-stem": p, "x-edge-result-type": r} for p, r in [
    ("/a/1", "Hit"), ("/a/2", "RefreshHit"), ("/a/3", "Miss"), ("/a/4", "Redirect"),
    ("/b.html", "Miss"), ("/x/y", "Error")]])


def test_hit_ratio_agrees_passes_the_reference_and_a_prefix_column():
    checks.hit_ratio_agrees(hit_ratio_by_prefix, LOG)
    checks.hit_ratio_agrees(hit_ratio_by_prefix, LOG, columns=("hit_ratio",))
    checks.hit_ratio_agrees(lambda log: hit_ratio_by_prefix(log).reset_index(), LOG)


def broken(column, value):
    def report(log):
        table = hit_ratio_by_prefix(log)
        table.loc["/a", column] = value
        return table
    return report


@pytest.mark.parametrize(("function", "columns", "found", "hint"), [
    pytest.param(lambda log: None, ("requests",), "None (a NoneType)", "shape", id="none"),
    pytest.param(lambda log: hit_ratio_by_prefix(log).drop(columns="misses"), ("misses",),
                 "columns ['requests', 'hits', 'hit_ratio'], index 'prefix'", "shape",
                 id="missing-column"),
    pytest.param(lambda log: hit_ratio_by_prefix(log).rename(index={"/": "/b.html"}),
                 ("requests",), "prefixes ['/a', '/b.html', '/x']", "prefixes", id="prefixes"),
    pytest.param(broken("hits", 1), ("hits",), "hits 1", "counts", id="counts"),
    pytest.param(broken("hit_ratio", 0.5), ("hit_ratio",), "hit_ratio 0.5", "ratio", id="ratio"),
    pytest.param(broken("hit_ratio", math.nan), ("hit_ratio",), "hit_ratio nan", "ratio",
                 id="nan-for-a-number"),
])
def test_hit_ratio_agrees_failures(function, columns, found, hint):
    message = failure(checks.hit_ratio_agrees, function, LOG, columns=columns)
    assert message["found"] == found
    assert message["next"] == checks.REPORT_HINTS[hint]


def test_hit_ratio_agrees_names_the_row_and_the_expected_value():
    message = failure(checks.hit_ratio_agrees, broken("misses", 3), LOG)
    assert (message["what"], message["expected"]) == ("Row '/a' of your report", "misses 1")
