"""Starting states for topic 20: a bucket serving a website publicly (the state before the
migration), and the private site behind CloudFront that a correct first exercise leaves behind.
boto3 only.

Like ``grader.scenarios.vpc``, each one is what a correct earlier exercise leaves behind, so a
test of a later exercise starts from a known state whatever the learner's earlier answer did.
"""

from __future__ import annotations

import json

from grader.sandbox import REGION
from grader.scenarios.snapshots import remembered
from grader.sim.cdn import CACHING_OPTIMIZED
from grader.state.cloudfront import keep_origin_access_control

#: The site's files: key -> content type.
SITE_FILES = {"index.html": "text/html", "about.html": "text/html", "css/site.css": "text/css",
              "js/app.js": "application/javascript", "images/logo.png": "image/png",
              "data/prices.json": "application/json"}
READ_ONLY = "s3:GetObject"


def bucket_domain(bucket: str, region: str = REGION) -> str:
    """The bucket's regional REST endpoint, the origin domain name CloudFront uses with OAC."""
    return f"{bucket}.s3.{region}.amazonaws.com"


def public_read_policy(bucket: str) -> dict:
    """The bucket policy of an old-style public website: anyone may read any object."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": READ_ONLY,
        "Resource": f"arn:aws:s3:::{bucket}/*"}]}


def oac_read_policy(bucket: str, distribution_arn: str) -> dict:
    """A bucket policy that lets only one CloudFront distribution read objects (through OAC)."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "AllowCloudFrontServicePrincipalReadOnly", "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": READ_ONLY,
        "Resource": f"arn:aws:s3:::{bucket}/*",
        "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}}}]}


def _upload_site(s3, bucket: str) -> None:
    s3.create_bucket(Bucket=bucket)
    for key, content_type in SITE_FILES.items():
        s3.put_object(Bucket=bucket, Key=key, Body=f"{key}\n".encode(), ContentType=content_type)


def public_website_bucket(session, bucket: str) -> str:
    """A bucket serving the site the old way: website hosting on, Block Public Access off and a
    bucket policy letting anyone read. Returns the bucket's name."""
    s3 = session.client("s3")
    _upload_site(s3, bucket)
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=dict.fromkeys(
        ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"),
        False))
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}})
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read_policy(bucket)))
    return bucket


def json_behavior(origin_id: str, ttl: int, pattern: str = "*.json") -> dict:
    """A cache behaviour for data files with the legacy cache settings: query strings in the
    cache key, ``ttl`` seconds at most."""
    return {"PathPattern": pattern, "TargetOriginId": origin_id,
            "ViewerProtocolPolicy": "redirect-to-https",
            "ForwardedValues": {"QueryString": True, "Cookies": {"Forward": "none"}},
            "MinTTL": 0, "DefaultTTL": ttl, "MaxTTL": ttl}


@remembered
def private_site(session, bucket: str, *, blocked=("KP",), json_ttl: int = 60,
                 comment: str = "site") -> dict:
    """The site behind CloudFront, as a correct first exercise leaves it, plus a ``*.json``
    behaviour and a geo block list: a private bucket (Block Public Access on) that only this
    distribution may read, through an origin access control; HTTP redirected to HTTPS; the
    managed CachingOptimized policy; ``index.html`` as default root object.

    Returns ``{"distribution_id", "arn", "domain_name", "bucket", "origin_id", "oac_id"}``.
    """
    keep_origin_access_control()
    s3, cloudfront = session.client("s3"), session.client("cloudfront")
    _upload_site(s3, bucket)
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=dict.fromkeys(
        ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"),
        True))
    oac_id = cloudfront.create_origin_access_control(OriginAccessControlConfig={
        "Name": f"{bucket}-oac", "SigningProtocol": "sigv4", "SigningBehavior": "always",
        "OriginAccessControlOriginType": "s3"})["OriginAccessControl"]["Id"]
    origin_id = f"s3-{bucket}"
    geo = ({"RestrictionType": "blacklist", "Quantity": len(blocked), "Items": list(blocked)}
           if blocked else {"RestrictionType": "none", "Quantity": 0})
    distribution = cloudfront.create_distribution(DistributionConfig={
        "CallerReference": f"{bucket}-site", "Comment": comment, "Enabled": True,
        "DefaultRootObject": "index.html",
        "Origins": {"Quantity": 1, "Items": [{
            "Id": origin_id, "DomainName": bucket_domain(bucket),
            "OriginAccessControlId": oac_id, "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": origin_id,
                                 "ViewerProtocolPolicy": "redirect-to-https",
                                 "CachePolicyId": CACHING_OPTIMIZED, "Compress": True},
        "CacheBehaviors": {"Quantity": 1, "Items": [json_behavior(origin_id, json_ttl)]},
        "Restrictions": {"GeoRestriction": geo},
        "PriceClass": "PriceClass_100",
    })["Distribution"]
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(
        oac_read_policy(bucket, distribution["ARN"])))
    return {"distribution_id": distribution["Id"], "arn": distribution["ARN"],
            "domain_name": distribution["DomainName"], "bucket": bucket, "origin_id": origin_id,
            "oac_id": oac_id}


def alb_domain(name: str, region: str = REGION) -> str:
    """The DNS name an internet-facing Application Load Balancer called ``name`` would have."""
    return f"{name}-1234567890.{region}.elb.amazonaws.com"
