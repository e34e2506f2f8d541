"""grader.state.cloudfront reads CloudFront configuration from the mock into grader.sim.cdn's
data, and makes moto keep what AWS returns about origin access control."""

from __future__ import annotations

import uuid

from grader.scenarios.cdn import alb_domain, private_site
from grader.state import cloudfront as state


def create(session, origins, **default):
    return session.client("cloudfront").create_distribution(DistributionConfig={
        "CallerReference": str(uuid.uuid4()), "Comment": "t", "Enabled": True,
        "Origins": {"Quantity": len(origins), "Items": origins},
        "DefaultCacheBehavior": {"TargetOriginId": origins[0]["Id"],
                                 "ViewerProtocolPolicy": "allow-all", **default}})["Distribution"]


def test_origins_keep_their_origin_access_control_as_aws_returns_it(session):
    state.keep_origin_access_control()
    state.keep_origin_access_control()  # idempotent
    s3_origin = {"Id": "s3", "DomainName": "b.s3.us-east-1.amazonaws.com",
                 "OriginAccessControlId": "E2QWRUHAPOMQZL",
                 "S3OriginConfig": {"OriginAccessIdentity": ""}}
    custom = {"Id": "web", "DomainName": alb_domain("web"),
              "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                     "OriginProtocolPolicy": "https-only"}}
    made = create(session, [s3_origin, custom])
    s3_back, custom_back = state.distribution_config(session, made["Id"])["Origins"]["Items"]
    assert s3_back["OriginAccessControlId"] == "E2QWRUHAPOMQZL"
    assert s3_back["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    assert custom_back["OriginAccessControlId"] == "" and "S3OriginConfig" not in custom_back


def test_arn_controls_and_invalidations(session):
    site = private_site(session, "shop")
    assert state.distribution_arn(session, site["distribution_id"]) == site["arn"]
    assert state.origin_access_controls(session) == {site["oac_id"]: {
        "Name": "shop-oac", "SigningProtocol": "sigv4", "SigningBehavior": "always",
        "OriginAccessControlOriginType": "s3"}}
    cloudfront = session.client("cloudfront")
    assert state.invalidations(session, site["distribution_id"]) == []
    for paths in (["/a"], ["/b", "/c/*"]):
        cloudfront.create_invalidation(DistributionId=site["distribution_id"], InvalidationBatch={
            "Paths": {"Quantity": len(paths), "Items": paths}, "CallerReference": str(paths)})
    assert sorted(state.invalidations(session, site["distribution_id"])) == [["/a"], ["/b", "/c/*"]]


def test_summarise_behaviors_lists_them_in_the_order_cloudfront_tries_them(session):
    site = private_site(session, "shop", json_ttl=45)
    rows = state.summarise_behaviors(state.distribution_config(session, site["distribution_id"]))
    assert [(r["PathPattern"], r["cache policy"]) for r in rows] == [
        ("*.json", "legacy TTL 0/45/45"), ("*", "Managed-CachingOptimized")]
    assert {r["origin"] for r in rows} == {"shop.s3.us-east-1.amazonaws.com"}
    assert rows[1]["AllowedMethods"] == "HEAD, GET"
