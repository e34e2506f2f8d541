"""Synthetic CloudFront access logs: one day of a small shop's distribution, in the standard log
format.

moto stores distributions but serves no request, so no log is ever written. The analysis
exercise reads this data instead: the tab-separated text a standard (legacy) log delivers to
Amazon S3, two ``#`` header lines then one request per line, ``-`` where a field does not apply,
in the documented field order (33 fields, as of 2026).

The requests are replayed through ``grader.sim.cdn`` against :data:`SHOP`, one cache per edge
location, so hits and misses follow from the shop's cache behaviours and TTLs: static files are
cached for a year, product pages for five minutes, the API never, and images are keyed on every
query string while the shop's front end adds a cache-busting ``v`` parameter to most image URLs.
A miss for a response that edge location had cached before is logged as ``RefreshHit`` half of
the time (the origin answered "not modified"). Viewer addresses come from the RFC 5737
documentation ranges, so no real host is named. The same seed always gives the same text; the
topic ships it gzip-compressed (pandas reads ``.gz`` files directly). Regenerate it with::

    python -m grader.scenarios.cdn_logs course/20-cloudfront/access-log.tsv.gz
"""

from __future__ import annotations

import base64
import io
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from grader.scenarios.datasets import regenerate, write_reproducibly
from grader.sim import cdn
from grader.sim.cdn_logs import FIELDS

SEED = 20
RECORDS = 2000
DAY = datetime(2026, 3, 14, tzinfo=UTC)
DOMAIN = "d1f2e3a4b5c6d7.cloudfront.net"
HOST = "www.example.com"
IMAGES_POLICY = "course-images-all-query-strings"
#: A custom cache policy: images keyed on every query string (the mistake the data shows).
CACHE_POLICIES = {IMAGES_POLICY: cdn.policy_config(1, 86_400, 31_536_000, query="all",
                                                   name="images-all-query-strings")}


def _behavior(pattern, origin, policy, viewer, methods=("GET", "HEAD")):
    return {"PathPattern": pattern, "TargetOriginId": origin, "ViewerProtocolPolicy": viewer,
            "CachePolicyId": policy,
            "AllowedMethods": {"Quantity": len(methods), "Items": list(methods),
                               "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}}}


#: The shop's distribution, in the shape of ``get_distribution_config``'s ``DistributionConfig``.
SHOP = {
    "DefaultRootObject": "index.html",
    "Origins": {"Quantity": 2, "Items": [
        {"Id": "site", "DomainName": "shop-site.s3.us-east-1.amazonaws.com",
         "S3OriginConfig": {"OriginAccessIdentity": ""}, "OriginAccessControlId": "E2QWRUHAPOMQZL"},
        {"Id": "api", "DomainName": "shop-api-1234567890.us-east-1.elb.amazonaws.com",
         "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                "OriginProtocolPolicy": "https-only"}}]},
    "CacheBehaviors": {"Quantity": 2, "Items": [
        _behavior("/api/*", "api", cdn.CACHING_DISABLED, "https-only",
                  ("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE")),
        _behavior("/images/*", "site", IMAGES_POLICY, "redirect-to-https")]},
    "DefaultCacheBehavior": _behavior("*", "site", cdn.CACHING_OPTIMIZED, "redirect-to-https"),
    "Restrictions": {"GeoRestriction": {"RestrictionType": "blacklist", "Quantity": 2,
                                        "Items": ["KP", "IR"]}},
}
#: Edge locations, their share of the traffic and the countries of their viewers (with shares).
EDGES = {"FRA56-P1": (30, {"DE": 50, "FR": 30, "NL": 18, "IR": 2}),
         "IAD89-P2": (35, {"US": 85, "CA": 15}), "NRT57-P3": (15, {"JP": 70, "KR": 29, "KP": 1}),
         "GRU3-C1": (10, {"BR": 80, "AR": 20}), "BOM78-P1": (10, {"IN": 100})}
STATIC = ("/static/css/site.css", "/static/js/app.4f9c2b.js", "/static/js/vendor.81d07e.js",
          "/static/fonts/inter.woff2", "/favicon.ico")
AGENTS = ("Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)",
          "Mozilla/5.0%20(Macintosh;%20Intel%20Mac%20OS%20X%2014_4)",
          "Mozilla/5.0%20(iPhone;%20CPU%20iPhone%20OS%2017_4%20like%20Mac%20OS%20X)",
          "curl/8.5.0")
CONTENT_TYPES = {".css": "text/css", ".js": "application/javascript", ".woff2": "font/woff2",
                 ".ico": "image/x-icon", ".jpg": "image/jpeg", ".html": "text/html",
                 ".php": "text/html", ".env": "text/plain"}


def synthetic_requests(rng: random.Random, records: int) -> list[dict]:
    """``records`` viewer requests over one day, sorted by time, each with its ``edge``."""
    edges = list(EDGES)
    weights = [EDGES[e][0] for e in edges]
    products = [f"p-{n:04d}" for n in rng.sample(range(1, 10_000), 40)]
    kinds = [(22, _static), (18, _page), (24, lambda r: _image(r, products)),
             (20, lambda r: _api(r, products)), (2, _scanner)]
    rows = []
    for _ in range(records):
        maker = rng.choices([m for _, m in kinds], [w for w, _ in kinds])[0]
        edge = rng.choices(edges, weights)[0]
        countries = EDGES[edge][1]
        r = {**maker(rng), "time": rng.uniform(0, 86_400), "edge": edge,
             "country": rng.choices(list(countries), list(countries.values()))[0]}
        r["protocol"] = "http" if rng.random() < 0.05 else "https"
        rows.append(cdn.request(**{k: v for k, v in r.items() if k != "edge"}) | {"edge": edge})
    return sorted(rows, key=lambda r: r["time"])


def _static(rng):
    return {"path": rng.choice(STATIC), "max_age": 31_536_000}


def _page(rng):
    path = rng.choice(["/", "/", "/index.html", "/about.html", "/products/list.html"])
    return {"path": path, "max_age": 300}


def _image(rng, products):
    query = {"v": str(rng.randrange(10**6))} if rng.random() < 0.85 else {}
    return {"path": f"/images/{rng.choice(products[:12])}.jpg", "query": query,
            "max_age": 604_800}


def _api(rng, products):
    if rng.random() < 0.35:
        return {"path": "/api/cart", "method": "POST", "cookies": {"session": f"s{rng.randrange(500)}"}}
    return {"path": f"/api/products/{rng.choice(products)}", "query": {"lang": "en"}}


def _scanner(rng):
    return {"path": rng.choice(["/wp-login.php", "/.env", "/admin/config.php"]), "max_age": None}


def synthetic_access_log(seed: int = SEED, records: int = RECORDS) -> str:
    """One day of access-log text, two header lines first, requests in time order."""
    rng = random.Random(seed)
    requests = synthetic_requests(rng, records)
    results = {}
    for edge in EDGES:
        mine = [r for r in requests if r["edge"] == edge]
        responses = cdn.serve(SHOP, mine, cache_policies=CACHE_POLICIES)
        seen = set()
        for r, response in zip(mine, responses, strict=True):
            results[id(r)] = _logged_result(rng, r, response, seen)
    lines = ["#Version: 1.0", "#Fields: " + " ".join(FIELDS)]
    lines += ["\t".join(str(v) for v in _record(rng, r, *results[id(r)])) for r in requests]
    return "\n".join(lines) + "\n"


def _logged_result(rng, r, response, seen) -> tuple[str, int]:
    """(x-edge-result-type, sc-status): the simulator's answer, with scanners' requests turned
    into 404 errors and some re-fetches of expired responses into RefreshHit."""
    if response.status != 200:
        return response.result, response.status
    if any(r["path"].endswith(s) for s in (".php", ".env")):
        return cdn.ERROR, 404
    path = "/" + SHOP["DefaultRootObject"] if r["path"] == "/" else r["path"]
    policy = cdn.cache_policy(cdn.behavior_for(SHOP, path), CACHE_POLICIES)
    if r["method"] not in ("GET", "HEAD") or cdn.ttl(policy, r["max_age"]) == 0:
        return response.result, 200
    key = cdn.cache_key(policy, {**r, "path": path})
    refreshed = response.result == cdn.MISS and key in seen and rng.random() < 0.5
    seen.add(key)
    return ("RefreshHit" if refreshed else response.result), 200


def _record(rng, r, result, status) -> tuple:
    when = DAY + timedelta(seconds=r["time"])
    path = r["path"]
    suffix = Path(path).suffix or ".html"
    if path.startswith("/api/"):
        content, size = "application/json", rng.randint(300, 6000)
    else:
        content = CONTENT_TYPES.get(suffix, "text/html")
        size = rng.randint(20_000, 400_000) if suffix == ".jpg" else rng.randint(1_000, 90_000)
    if status != 200:
        content, size = "text/html", rng.randint(400, 1200)
    cached = result in ("Hit", "RefreshHit")
    taken = round(rng.uniform(0.001, 0.02) if cached else rng.uniform(0.05, 0.4), 3)
    https = r["protocol"] == "https"
    query = "&".join(f"{k}={v}" for k, v in r["query"].items()) or "-"
    cookie = "; ".join(f"{k}={v}" for k, v in r["cookies"].items()) or "-"
    detailed = "ClientGeoBlocked" if status == 403 and r.get("country") in ("KP", "IR") \
        else result
    return (when.strftime("%Y-%m-%d"), when.strftime("%H:%M:%S"), r["edge"], size + 300,
            _client_ip(rng), r["method"], DOMAIN, path, status, "-", rng.choice(AGENTS), query,
            cookie, result, _request_id(rng), HOST, r["protocol"], rng.randint(150, 900),
            taken, "-", "TLSv1.3" if https else "-",
            "TLS_AES_128_GCM_SHA256" if https else "-", result, "HTTP/2.0" if https else
            "HTTP/1.1", "-", "-", rng.randint(1024, 65535), round(taken * 0.8, 3), detailed,
            content, size, "-", "-")


def _client_ip(rng) -> str:
    return f"{rng.choice(('192.0.2', '198.51.100', '203.0.113'))}.{rng.randint(1, 254)}"


def _request_id(rng) -> str:
    """56 characters of URL-safe base64, like CloudFront's request ids."""
    return base64.urlsafe_b64encode(rng.getrandbits(320).to_bytes(40, "big")).decode()


def read_access_log(source):
    """The requests of a standard access-log file (a path, ``.gz`` or not, or a file object) as
    a DataFrame, one column per field: ``-`` becomes missing; sizes, status and port are
    nullable integers (``Int64``), times in seconds are floats."""
    import pandas as pd

    integers = ("sc-bytes", "sc-status", "cs-bytes", "c-port", "sc-content-len")
    floats = ("time-taken", "time-to-first-byte")
    return pd.read_csv(source, sep="\t", skiprows=2, names=list(FIELDS), na_values="-",
                       keep_default_na=False,
                       dtype={**{f: str for f in FIELDS if f not in integers + floats},
                              **dict.fromkeys(integers, "Int64"), **dict.fromkeys(floats, float)})


def synthetic_log(seed: int = SEED, records: int = RECORDS):
    """``synthetic_access_log`` read by ``read_access_log``: the DataFrame the exercise takes."""
    return read_access_log(io.StringIO(synthetic_access_log(seed, records)))


def write(path, seed: int = SEED, records: int = RECORDS) -> None:
    """Write ``synthetic_access_log`` to ``path``, gzip-compressed when it ends in ``.gz`` (with
    no timestamp or name in the gzip header, so the same seed gives the same bytes)."""
    write_reproducibly(path, synthetic_access_log(seed, records))


def main(argv: list[str]) -> int:
    return regenerate(argv, "grader.scenarios.cdn_logs", write)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
