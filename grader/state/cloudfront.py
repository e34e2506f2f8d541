"""Read CloudFront configuration from a boto3 session into the plain data ``grader.sim.cdn`` takes.

A distribution is kept in the shape ``get_distribution_config`` returns (its
``DistributionConfig``); origin access controls become ``{id: OriginAccessControlConfig}``.

moto 5.2.5 drops two fields of an origin from every response: ``OriginAccessControlId`` and
``S3OriginConfig`` (shared/research/moto-5.2.5.md, topic 20). :func:`keep_origin_access_control`
teaches moto's origin model to keep them, so that ``get_distribution_config`` answers as AWS
does; it must run before a distribution is created. moto also stores a legacy TTL the request
left out as 0 where AWS would use 86,400 (``DefaultTTL``) or 31,536,000 (``MaxTTL``): read
legacy TTLs with that in mind, or use cache policies.
"""

from __future__ import annotations

_patched = False


def keep_origin_access_control() -> None:
    """Make moto keep an origin's ``OriginAccessControlId`` and ``S3OriginConfig``, and return
    them as AWS does (``""`` when an origin has no origin access control). Idempotent."""
    global _patched
    if _patched:
        return
    from moto.cloudfront import models

    original = models.Origin.__init__

    def __init__(self, origin: dict) -> None:
        original(self, origin)
        self.origin_access_control_id = origin.get("OriginAccessControlId") or ""
        if "S3OriginConfig" in origin:
            identity = (origin["S3OriginConfig"] or {}).get("OriginAccessIdentity") or ""
            self.s3_origin_config = {"OriginAccessIdentity": identity}

    models.Origin.__init__ = __init__
    _patched = True


def distribution_config(session, distribution_id: str) -> dict:
    """The ``DistributionConfig`` of a distribution. Raises botocore's ``ClientError``
    (``NoSuchDistribution``) for one that does not exist."""
    return session.client("cloudfront").get_distribution_config(Id=distribution_id)[
        "DistributionConfig"]


def distribution_arn(session, distribution_id: str) -> str:
    return session.client("cloudfront").get_distribution(Id=distribution_id)["Distribution"]["ARN"]


def origin_access_controls(session) -> dict[str, dict]:
    """Every origin access control of the account, as ``{id: OriginAccessControlConfig}``."""
    cloudfront = session.client("cloudfront")
    found, marker = {}, {}
    while True:
        page = cloudfront.list_origin_access_controls(**marker)["OriginAccessControlList"]
        for summary in page.get("Items") or []:
            found[summary["Id"]] = {key: summary[key] for key in (
                "Name", "SigningProtocol", "SigningBehavior", "OriginAccessControlOriginType")
                if key in summary}
        if not page.get("IsTruncated"):
            return found
        marker = {"Marker": page["NextMarker"]}


def invalidations(session, distribution_id: str) -> list[list[str]]:
    """The paths of every invalidation of a distribution, one list per invalidation request."""
    cloudfront = session.client("cloudfront")
    summaries = cloudfront.list_invalidations(DistributionId=distribution_id)[
        "InvalidationList"].get("Items") or []
    batches = []
    for summary in summaries:
        batch = cloudfront.get_invalidation(DistributionId=distribution_id, Id=summary["Id"])[
            "Invalidation"]["InvalidationBatch"]
        batches.append(list(batch["Paths"].get("Items") or []))
    return batches


def summarise_behaviors(config: dict) -> list[dict]:
    """One row per cache behaviour, in the order CloudFront tries them (the default last): the
    path pattern, the origin's domain name, viewer protocol policy, allowed methods and cache
    policy (its managed name, or ``legacy TTL min/default/max``)."""
    from grader.sim import cdn

    rows = []
    for behavior in cdn.behaviors(config):
        target = cdn.origin(config, behavior["TargetOriginId"]) or {}
        policy_id = behavior.get("CachePolicyId")
        if policy_id:
            policy = cdn.MANAGED_CACHE_POLICIES.get(policy_id, {}).get("Name", policy_id)
        else:
            policy = (f"legacy TTL {behavior.get('MinTTL')}/{behavior.get('DefaultTTL')}/"
                      f"{behavior.get('MaxTTL')}")
        rows.append({"PathPattern": behavior["PathPattern"], "origin": target.get("DomainName"),
                     "ViewerProtocolPolicy": behavior.get("ViewerProtocolPolicy"),
                     "AllowedMethods": ", ".join(cdn.items(behavior.get("AllowedMethods"))),
                     "cache policy": policy})
    return rows
