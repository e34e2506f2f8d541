"""The topic 20 starting states build what their docstrings promise, read back with boto3."""

from __future__ import annotations

import json

from grader.scenarios.cdn import (
    SITE_FILES,
    alb_domain,
    bucket_domain,
    private_site,
    public_website_bucket,
)
from grader.sim.cdn import CACHING_OPTIMIZED, items
from grader.state.cloudfront import distribution_config, origin_access_controls

BLOCK_SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                  "RestrictPublicBuckets")


def test_domains():
    assert bucket_domain("site") == "site.s3.us-east-1.amazonaws.com"
    assert alb_domain("api") == "api-1234567890.us-east-1.elb.amazonaws.com"


def test_public_website_bucket_is_open_to_anyone(session):
    s3 = session.client("s3")
    assert public_website_bucket(session, "old-site") == "old-site"
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket="old-site")["Contents"]}
    assert keys == set(SITE_FILES)
    [statement] = json.loads(s3.get_bucket_policy(Bucket="old-site")["Policy"])["Statement"]
    assert (statement["Sid"], statement["Principal"]) == ("PublicRead", "*")
    config = s3.get_public_access_block(Bucket="old-site")["PublicAccessBlockConfiguration"]
    assert not any(config[k] for k in BLOCK_SETTINGS)
    assert s3.get_bucket_website(Bucket="old-site")["IndexDocument"] == {"Suffix": "index.html"}


def test_private_site_is_what_a_correct_exercise_2_leaves(session):
    site = private_site(session, "shop", blocked=("KP", "IR"), json_ttl=90)
    config = distribution_config(session, site["distribution_id"])
    [origin] = items(config["Origins"])
    assert origin["DomainName"] == bucket_domain("shop")
    assert origin["OriginAccessControlId"] == site["oac_id"] in origin_access_controls(session)
    assert config["DefaultCacheBehavior"]["CachePolicyId"] == CACHING_OPTIMIZED
    [json_behavior] = items(config["CacheBehaviors"])
    assert (json_behavior["PathPattern"], json_behavior["DefaultTTL"]) == ("*.json", 90)
    assert items(config["Restrictions"]["GeoRestriction"]) == ["KP", "IR"]
    s3 = session.client("s3")
    [statement] = json.loads(s3.get_bucket_policy(Bucket="shop")["Policy"])["Statement"]
    assert statement["Condition"] == {"StringEquals": {"AWS:SourceArn": site["arn"]}}
    config = s3.get_public_access_block(Bucket="shop")["PublicAccessBlockConfiguration"]
    assert all(config[k] for k in BLOCK_SETTINGS)


def test_private_site_without_blocked_countries_restricts_nothing(session):
    site = private_site(session, "open", blocked=())
    geo = distribution_config(session, site["distribution_id"])["Restrictions"]["GeoRestriction"]
    assert geo["RestrictionType"] == "none"
