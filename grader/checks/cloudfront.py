"""Learner-facing checks on CloudFront: distributions judged by the requests they answer
(``grader.sim.cdn``; moto stores distributions but serves nothing), origin access control and the
bucket policy behind it (``grader.sim.iam``), invalidations, and learners' cache evaluator and
log analysis compared with the references.

Each check returns None when the requirement holds and raises ``CheckFailed`` otherwise, naming
the learner's real distribution, behaviours and origins. Notebooks use them as
``from grader.checks import cloudfront as check``. Importing this module makes the mock keep an
origin's ``OriginAccessControlId``, which moto 5.2.5 drops (see ``grader.state.cloudfront``).
"""

from __future__ import annotations

import json
import math
import re

from botocore.exceptions import ClientError

from grader.checks import s3
from grader.checks.base import Message
from grader.checks.reference import sequence_agrees_with_reference
from grader.sandbox import REGION
from grader.sim import cdn as sim
from grader.sim import cdn_logs
from grader.sim.iam import Request, evaluate
from grader.state import cloudfront as state

state.keep_origin_access_control()

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
SERVICE = "cloudfront.amazonaws.com"
request = sim.request
cache_policy = sim.policy_config


def describe_request(r: dict) -> str:
    """``GET https://.../css/site.css?v=2 from DE at t=30s [...]``, the parts a test set."""
    r = {**sim.request(r["path"]), **r}
    query = "&".join(f"{k}={v}" for k, v in r["query"].items())
    text = (f"{r['method']} {r['protocol']}://…{r['path']}{'?' + query if query else ''} "
            f"from {r['country']} at t={r['time']:g}s")
    extras = [f"header {k}: {v}" for k, v in r["headers"].items()]
    extras += [f"cookie {k}={v}" for k, v in r["cookies"].items()]
    if r["max_age"] is not None:
        extras.append(f"origin max-age {r['max_age']}")
    return f"{text} [{'; '.join(extras)}]" if extras else text


# -- the learner's cache evaluator --------------------------------------------------------------

CACHE_HINT = ("Replay the sequence by hand: is this method cached, what is this request's cache "
              "key under the policy, is a response stored under that key, and has its TTL run "
              "out at this time?")


def cache_evaluator_agrees(function, policy: dict, requests) -> None:
    """A learner's ``cache_results(policy, requests)`` says Hit or Miss like the simulator for
    every request of the sequence."""
    requests = [sim.request(**{**{"path": "/"}, **r}) for r in requests]
    sequence_agrees_with_reference(
        function, lambda p, rs: sim.cache_results(p, rs), (policy, requests),
        name="cache_results", describe=lambda i: f"request #{i}, {describe_request(requests[i])}",
        hint=CACHE_HINT)


# -- a distribution read back from the mock -----------------------------------------------------

NOT_A_DISTRIBUTION_ID = Message(
    "{what}", "a distribution id, a string like 'E2QWRUHAPOMQZL'", "{value!r:.80} (a {type})",
    "Return create_distribution(...)['Distribution']['Id'].")
DISTRIBUTION_MISSING = Message(
    "Distribution {distribution_id} exists", "a distribution with that id in this mock account",
    "no such distribution ({code})",
    "Return the id of the distribution your function created or changed.")
REFUSED = Message(
    "Distribution {distribution_id} is one the real CloudFront would accept",
    "a configuration CloudFront accepts (this mock accepts more than AWS does)", "{problem}",
    "Fix what the message names: in a real account the create or update call would fail.")


def require_distribution_id(value, what: str = "The value your function returned") -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z0-9]{10,20}", value):
        raise NOT_A_DISTRIBUTION_ID.fail(what=what, value=value, type=type(value).__name__)
    return value


def read_distribution(session, distribution_id) -> dict:
    """The distribution's config, checked to exist and to be one AWS would accept."""
    require_distribution_id(distribution_id)
    try:
        config = state.distribution_config(session, distribution_id)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code != "NoSuchDistribution":
            raise
        raise DISTRIBUTION_MISSING.fail(distribution_id=distribution_id, code=code) from None
    problems = sim.config_problems(config)
    if problems:
        raise REFUSED.fail(distribution_id=distribution_id, problem="; ".join(problems))
    return config


BEHAVES = Message("Distribution {distribution_id} answers {request}", "{expected}", "{found}",
                  "{hint}")
HINTS = {
    "redirect": "Plain HTTP must get a 301 to the HTTPS URL: set ViewerProtocolPolicy "
                "'redirect-to-https' on cache behaviour {behavior}.",
    "refuse_http": "Plain HTTP must be refused (403), not served nor redirected: set "
                   "ViewerProtocolPolicy 'https-only' on cache behaviour {behavior}.",
    "geo_block": "Viewers in {country} must get 403: list the country in the distribution's "
                 "geo restriction (RestrictionType 'blacklist'), with the countries already "
                 "there.",
    "geo_allow": "The geo restriction refuses viewers in {country}: block only the countries "
                 "you were given, keep RestrictionType 'blacklist' and the countries already "
                 "listed.",
    "method": "Cache behaviour {behavior} does not allow {method}: AllowedMethods must list "
              "all seven methods (GET, HEAD, OPTIONS, PUT, PATCH, POST, DELETE) for an API.",
    "origin": "The request matched cache behaviour {behavior}, which targets {found_domain}. "
              "CloudFront tries behaviours in the order they are listed and the first matching "
              "pattern wins: check the pattern, its target origin and its place in the list.",
    "cached": "Cache behaviour {behavior} cached a response this request must not get from the "
              "cache: give it the managed CachingDisabled cache policy.",
    "not_cached": "Cache behaviour {behavior} did not serve this from its cache: give it the "
                  "managed CachingOptimized cache policy.",
    "origin_protocol": "CloudFront reaches {found_domain} over {protocol}: set the origin's "
                       "OriginProtocolPolicy to 'https-only'.",
    "other": "Work through the distribution's settings for this request: geo restriction, "
             "behaviour, viewer protocol policy, allowed methods, cache policy.",
}


def describe_response(response: sim.Response) -> str:
    if response.status == 301:
        return f"301 redirect to HTTPS (cache behaviour {response.behavior})"
    if response.status != 200:
        where = f", cache behaviour {response.behavior}" if response.behavior else ""
        return f"{response.status} ({response.reason}{where})"
    return (f"200 {response.result} from {response.domain} over {response.origin_protocol} "
            f"(cache behaviour {response.behavior})")


def _expected_text(expected: dict) -> str:
    status = expected.get("status", 200)
    if status == 301:
        return "301 redirect to HTTPS"
    if status != 200:
        return f"{status} (refused)"
    parts = [str(status), expected.get("result", "")]
    if "domain" in expected:
        parts.append(f"from {expected['domain']}")
    if "origin_protocol" in expected:
        parts.append(f"over {expected['origin_protocol']}")
    return " ".join(p for p in parts if p)


def _hint(r: dict, expected: dict, response: sim.Response) -> str:
    status = expected.get("status", 200)
    values = {"behavior": response.behavior, "country": r["country"], "method": r["method"],
              "found_domain": response.domain, "protocol": response.origin_protocol}
    if status == 301 and response.status != 301:
        kind = "redirect"
    elif status == 403 and r["protocol"] == "http" and response.status in (200, 301):
        kind = "refuse_http"
    elif status == 403 and response.status == 200:
        kind = "geo_block"
    elif status == 200 and response.reason.startswith("geo"):
        kind = "geo_allow"
    elif status == 200 and response.reason.endswith("not allowed"):
        kind = "method"
    elif response.status == 200 and expected.get("domain", response.domain) != response.domain:
        kind = "origin"
    elif response.status == 200 and expected.get("result", response.result) != response.result:
        kind = "cached" if response.result == sim.HIT else "not_cached"
    elif response.status == 200 and "origin_protocol" in expected:
        kind = "origin_protocol"
    else:
        kind = "other"
    return HINTS[kind].format(**values)


def distribution_behaves(session, distribution_id, probes) -> None:
    """The distribution answers each probe as expected. ``probes`` is one sequence, in time
    order, of ``(request, expected)``; ``expected`` names what matters, among ``status`` (200
    when left out), ``domain`` (the origin's domain name), ``result`` (Hit or Miss) and
    ``origin_protocol``. The cache carries over from probe to probe."""
    config = read_distribution(session, distribution_id)
    probes = [({**sim.request(r["path"]), **r}, expected) for r, expected in probes]
    responses = sim.serve(config, [r for r, _ in probes])
    for (r, expected), response in zip(probes, responses, strict=True):
        found = {"status": response.status, "domain": response.domain,
                 "result": response.result, "origin_protocol": response.origin_protocol}
        wanted = {"status": 200, **expected}
        if all(found[key] == value for key, value in wanted.items()):
            continue
        raise BEHAVES.fail(distribution_id=distribution_id, request=describe_request(r),
                           expected=_expected_text(wanted), found=describe_response(response),
                           hint=_hint(r, wanted, response))


# -- origins --------------------------------------------------------------------------------------

def bucket_domains(bucket: str) -> tuple[str, str]:
    """The REST endpoints of a bucket CloudFront accepts as an S3 origin's domain name."""
    return f"{bucket}.s3.{REGION}.amazonaws.com", f"{bucket}.s3.amazonaws.com"


NO_BUCKET_ORIGIN = Message(
    "An origin of distribution {distribution_id} is bucket {bucket}",
    "an S3 origin whose DomainName is {domain}", "{found}", "{hint}")
NO_BUCKET_ORIGIN_HINTS = {
    "website": "{found_domain} is the bucket's website endpoint, which CloudFront can only use "
               "as a custom origin, without origin access control: use the REST endpoint "
               "{domain} with an S3OriginConfig.",
    "other": "Add an origin with DomainName {domain} and S3OriginConfig "
             "{{'OriginAccessIdentity': ''}}.",
}
OAC = Message("Origin {origin} of distribution {distribution_id} signs its requests to S3",
              "{expected}", "{found}", "{hint}")
OAC_HINTS = {
    "none": "Create an origin access control (create_origin_access_control, origin type 's3', "
            "signing 'always' with 'sigv4') and put its Id in the origin's "
            "OriginAccessControlId.",
    "missing": "Use the Id that create_origin_access_control returned.",
    "settings": "Create the origin access control with OriginAccessControlOriginType 's3', "
                "SigningBehavior 'always' and SigningProtocol 'sigv4'.",
    "oai": "Origin access identities are the legacy way: leave OriginAccessIdentity empty "
           "('') and use OriginAccessControlId instead.",
}
OAC_SETTINGS = {"OriginAccessControlOriginType": "s3", "SigningBehavior": "always",
                "SigningProtocol": "sigv4"}


def bucket_origin(session, distribution_id, bucket: str) -> dict:
    """The distribution's origin for ``bucket``'s REST endpoint."""
    config = read_distribution(session, distribution_id)
    origins = sim.items(config.get("Origins"))
    for origin in origins:
        if origin.get("DomainName") in bucket_domains(bucket):
            return origin
    domains = [o.get("DomainName") for o in origins]
    website = next((d for d in domains if d.startswith(f"{bucket}.s3-website")), None)
    hint = NO_BUCKET_ORIGIN_HINTS["website" if website else "other"].format(
        found_domain=website, domain=bucket_domains(bucket)[0])
    raise NO_BUCKET_ORIGIN.fail(distribution_id=distribution_id, bucket=bucket,
                                domain=bucket_domains(bucket)[0],
                                found="origins " + ", ".join(map(str, domains)), hint=hint)


def origin_access_control(session, distribution_id, bucket: str) -> None:
    """The distribution's origin for ``bucket`` signs every request with an origin access
    control (type s3, always, SigV4) and uses no legacy origin access identity."""
    origin = bucket_origin(session, distribution_id, bucket)
    labels = {"origin": origin["Id"], "distribution_id": distribution_id}
    identity = (origin.get("S3OriginConfig") or {}).get("OriginAccessIdentity")
    if identity:
        raise OAC.fail(**labels, expected="an origin access control, no origin access identity",
                       found=f"origin access identity {identity}", hint=OAC_HINTS["oai"])
    oac_id = origin.get("OriginAccessControlId")
    if not oac_id:
        raise OAC.fail(**labels, expected="an OriginAccessControlId",
                       found="no origin access control", hint=OAC_HINTS["none"])
    known = state.origin_access_controls(session)
    if oac_id not in known:
        raise OAC.fail(**labels, expected="the id of an origin access control of this account",
                       found=f"{oac_id}, which does not exist", hint=OAC_HINTS["missing"])
    wrong = {k: known[oac_id].get(k) for k, v in OAC_SETTINGS.items() if known[oac_id].get(k) != v}
    if wrong:
        raise OAC.fail(**labels, expected=", ".join(f"{k} {v}" for k, v in OAC_SETTINGS.items()),
                       found=f"origin access control {oac_id} with "
                             + ", ".join(f"{k} {v}" for k, v in wrong.items()),
                       hint=OAC_HINTS["settings"])


ORIGIN_TLS = Message("How distribution {distribution_id} connects to origin {domain}",
                     "{expected}", "{found}", "{hint}")
WEAK_PROTOCOLS = ("SSLv3", "TLSv1", "TLSv1.1")


def origin_https_only(session, distribution_id, domain: str) -> None:
    """The distribution has a custom origin for ``domain`` that it only reaches over HTTPS, with
    TLS 1.2 at least."""
    config = read_distribution(session, distribution_id)
    origin = next((o for o in sim.items(config.get("Origins")) if o.get("DomainName") == domain),
                  None)
    labels = {"distribution_id": distribution_id, "domain": domain}
    if origin is None or "CustomOriginConfig" not in origin:
        found = ("no origin with that domain name" if origin is None
                 else "an origin without CustomOriginConfig")
        raise ORIGIN_TLS.fail(**labels, expected="a custom origin (CustomOriginConfig)",
                              found=found, hint="Add the origin with a CustomOriginConfig: "
                              "HTTPPort 80, HTTPSPort 443, OriginProtocolPolicy 'https-only'.")
    custom = origin["CustomOriginConfig"]
    if custom.get("OriginProtocolPolicy") != "https-only":
        raise ORIGIN_TLS.fail(**labels, expected="OriginProtocolPolicy https-only",
                              found=f"OriginProtocolPolicy {custom.get('OriginProtocolPolicy')}",
                              hint="With 'http-only' or 'match-viewer' requests can cross the "
                                   "internet to the load balancer unencrypted: use "
                                   "'https-only'.")
    weak = [p for p in sim.items(custom.get("OriginSslProtocols")) if p in WEAK_PROTOCOLS]
    listed = sim.items(custom.get("OriginSslProtocols"))
    if weak or not listed:
        raise ORIGIN_TLS.fail(**labels, expected="OriginSslProtocols ['TLSv1.2'] only",
                              found=f"OriginSslProtocols {listed}",
                              hint="Pass OriginSslProtocols={'Quantity': 1, 'Items': "
                                   "['TLSv1.2']}: SSLv3, TLS 1.0 and 1.1 are broken or "
                                   "deprecated.")


# -- the bucket policy behind origin access control ----------------------------------------------

BUCKET_POLICY = Message("Who may read objects of bucket {bucket}",
                        "only distribution {distribution_id}, through CloudFront", "{found}",
                        "{hint}")
BUCKET_POLICY_HINTS = {
    "none": "CloudFront gets 403 from S3 without a bucket policy that allows it: allow "
            "s3:GetObject on arn:aws:s3:::{bucket}/* to the service principal " + SERVICE + ".",
    "cloudfront": "Allow s3:GetObject on arn:aws:s3:::{bucket}/* to Principal {{'Service': '"
                  + SERVICE + "'}} with the condition StringEquals AWS:SourceArn = {arn}.",
    "anyone": "The bucket policy still lets anyone on the internet read the bucket, around "
              "CloudFront ({statement}). Replace the whole policy; do not add to the old one.",
    "other_distribution": "Any CloudFront distribution {whose} can read the bucket "
                          "({statement}): add the condition StringEquals AWS:SourceArn = {arn}.",
    "other_account": "A principal of another account can read the bucket ({statement}): allow "
                     "only the CloudFront service principal.",
}


#: What another account's administrator can give its own users: everything.
ADMIN_POLICY = {"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def _reads(policy: dict, bucket: str, principal, context: dict, identity=()) -> object:
    return evaluate(Request("s3:GetObject", f"arn:aws:s3:::{bucket}/index.html", principal,
                            context, resource_account=ACCOUNT), resource=policy,
                    identity=identity)


def bucket_private_to(session, bucket: str, distribution_id) -> None:
    """Only this distribution can read the bucket: its bucket policy lets CloudFront read objects
    on behalf of this distribution, and no other distribution (of this account or another),
    anonymous caller or other account; Block Public Access is on (all four settings)."""
    require_distribution_id(distribution_id)
    arn = state.distribution_arn(session, distribution_id)
    labels = {"bucket": bucket, "distribution_id": distribution_id}
    try:
        policy = json.loads(session.client("s3").get_bucket_policy(Bucket=bucket)["Policy"])
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchBucketPolicy":
            raise
        raise BUCKET_POLICY.fail(**labels, found="no bucket policy: nobody, CloudFront included",
                                 hint=BUCKET_POLICY_HINTS["none"].format(bucket=bucket)) from None
    ours = _reads(policy, bucket, SERVICE, {"aws:SourceArn": arn, "aws:SourceAccount": ACCOUNT})
    if not ours.allowed:
        raise BUCKET_POLICY.fail(**labels, found=f"distribution {distribution_id} cannot read "
                                 f"({'; '.join(ours.trail)})",
                                 hint=BUCKET_POLICY_HINTS["cloudfront"].format(arn=arn,
                                                                               bucket=bucket))
    other_arn = f"arn:aws:cloudfront::{ACCOUNT}:distribution/EOTHERDIST0001"
    foreign_arn = f"arn:aws:cloudfront::{OTHER_ACCOUNT}:distribution/EFOREIGN00001"
    intruders = [  # (hint, caller, context keys, what it means, the caller's own IAM policies)
        ("anyone", None, {}, "an anonymous caller on the internet can read", ()),
        ("other_distribution", SERVICE, {"aws:SourceArn": foreign_arn,
                                         "aws:SourceAccount": OTHER_ACCOUNT},
         "a distribution of another AWS account can read", ()),
        ("other_distribution", SERVICE, {"aws:SourceArn": other_arn,
                                         "aws:SourceAccount": ACCOUNT},
         "another distribution of this account can read", ()),
        ("other_account", f"arn:aws:iam::{OTHER_ACCOUNT}:user/someone", {},
         f"account {OTHER_ACCOUNT} can read", ADMIN_POLICY),
    ]
    for kind, principal, context, found, identity in intruders:
        verdict = _reads(policy, bucket, principal, context, identity)
        if verdict.allowed:
            whose = "in any AWS account" if context.get("aws:SourceAccount") == OTHER_ACCOUNT \
                else "of this account"
            hint = BUCKET_POLICY_HINTS[kind].format(statement=verdict.statement, arn=arn,
                                                    whose=whose)
            raise BUCKET_POLICY.fail(**labels, found=found, hint=hint)
    s3.public_access_blocked(session, bucket)


# -- invalidations --------------------------------------------------------------------------------

INVALIDATION = Message("Invalidation {invalidation_id} of distribution {distribution_id}",
                       "{expected}", "{found}", "{hint}")
INVALIDATION_HINTS = {
    "missing": "Return create_invalidation(...)['Invalidation']['Id'].",
    "slash": "Invalidation paths are URL paths as viewers request them: they start with '/' "
             "('/css/site.css'), while S3 keys do not ('css/site.css').",
    "uncovered": "List the path of every changed object (or one path ending in '*' for a "
                 "folder whose files all changed).",
    "too_much": "Invalidate only what changed: every object you drop from the cache costs an "
                "origin fetch on its next request, and paths beyond the free 1,000 a month "
                "cost money.",
}


def invalidation_covers(session, distribution_id, invalidation_id, paths, untouched=()) -> None:
    """The invalidation exists, removes every object path of ``paths`` from the cache and none
    of ``untouched``."""
    require_distribution_id(distribution_id)
    labels = {"invalidation_id": invalidation_id, "distribution_id": distribution_id}
    try:
        batch = session.client("cloudfront").get_invalidation(
            DistributionId=distribution_id, Id=str(invalidation_id))["Invalidation"][
            "InvalidationBatch"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("NoSuchInvalidation",
                                                                "NoSuchDistribution"):
            raise
        raise INVALIDATION.fail(**labels, expected="an invalidation of this distribution",
                                found="no such invalidation",
                                hint=INVALIDATION_HINTS["missing"]) from None
    listed = sim.items(batch.get("Paths"))
    missed = [p for p in paths if not sim.invalidation_covers(listed, p)]
    if missed:
        hint = INVALIDATION_HINTS["slash" if any(not p.startswith("/") for p in listed)
                                  else "uncovered"]
        raise INVALIDATION.fail(**labels, expected=f"paths covering {', '.join(missed)}",
                                found=f"paths {listed}", hint=hint)
    dropped = [p for p in untouched if sim.invalidation_covers(listed, p)]
    if dropped:
        raise INVALIDATION.fail(**labels, expected=f"{', '.join(dropped)} left in the cache",
                                found=f"paths {listed}, which also invalidate them",
                                hint=INVALIDATION_HINTS["too_much"])


# -- the learner's log analysis -------------------------------------------------------------------

REPORT_SHAPE = Message("The value your function returned", "a pandas DataFrame indexed by "
                       "prefix with columns requests, hits, misses, hit_ratio", "{found}",
                       "{hint}")
REPORT_ROW = Message("Row {prefix!r} of your report", "{expected}", "{found}", "{hint}")
REPORT_HINTS = {
    "shape": "Group the log by prefix and aggregate: groupby(...).agg(requests=..., hits=..., "
             "misses=...), then add hit_ratio as a column.",
    "prefixes": "The prefix is the first segment of cs-uri-stem ('/static/css/a.css' -> "
                "'/static'); a file at the root, and '/' itself, are '/'.",
    "counts": "hits counts x-edge-result-type Hit and RefreshHit (both served from the cache); "
              "misses counts Miss; requests counts every row of the prefix.",
    "ratio": "hit_ratio is hits / (hits + misses): redirects and errors are neither, so they "
             "stay out of it (NaN when a prefix has neither).",
}


def _number(value) -> str:
    """1, 0.5 or nan: how a count or a ratio reads in a message."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return repr(value)
    if math.isnan(number):
        return "nan"
    return str(int(number)) if number.is_integer() else f"{number:g}"


def _report_rows(table) -> dict:
    return {str(k): row for k, row in table.iterrows()}


def hit_ratio_agrees(function, log, *, columns=("requests", "hits", "misses")) -> None:
    """A learner's ``cache_report(log)`` has the reference's prefixes and, for each, the same
    values in ``columns`` (``hit_ratio`` compared to within 1e-6, NaN equal to NaN)."""
    import pandas as pd

    answer = function(log.copy())
    if not isinstance(answer, pd.DataFrame):
        raise REPORT_SHAPE.fail(found=f"{answer!r:.60} (a {type(answer).__name__})",
                                hint=REPORT_HINTS["shape"])
    if answer.index.name != "prefix" and "prefix" in answer.columns:
        answer = answer.set_index("prefix")
    missing = [c for c in columns if c not in answer.columns]
    if missing:
        raise REPORT_SHAPE.fail(found=f"columns {list(answer.columns)}, index "
                                      f"{answer.index.name!r}", hint=REPORT_HINTS["shape"])
    expected = _report_rows(cdn_logs.hit_ratio_by_prefix(log))
    found = _report_rows(answer)
    if set(found) != set(expected):
        raise REPORT_ROW.fail(prefix=", ".join(sorted(set(found) ^ set(expected))),
                              expected=f"prefixes {sorted(expected)}",
                              found=f"prefixes {sorted(found)}", hint=REPORT_HINTS["prefixes"])
    for prefix, row in expected.items():
        for column in columns:
            want, got = row[column], found[prefix][column]
            if column == "hit_ratio":
                same = (pd.isna(want) and pd.isna(got)) or (
                    not pd.isna(got) and abs(float(got) - float(want)) < 1e-6)
            else:
                same = not pd.isna(got) and int(got) == int(want)
            if not same:
                raise REPORT_ROW.fail(prefix=prefix, expected=f"{column} {_number(want)}",
                                      found=f"{column} {_number(got)}",
                                      hint=REPORT_HINTS["ratio" if column == "hit_ratio"
                                                        else "counts"])
