"""Reference analyses of CloudFront access logs, the answers learners' pandas code is compared with.

Pure: it takes the DataFrame that ``grader.scenarios.cdn_logs.read_access_log`` makes (one row
per request, the standard log's columns) and returns plain pandas objects.

A request served from the cache is a hit: ``x-edge-result-type`` ``Hit``, or ``RefreshHit``
(the cached copy had expired, and the origin confirmed it was still current). ``Miss`` is a
miss. Redirects (HTTP to HTTPS), errors (geo blocks, 4xx and 5xx) and requests refused for
capacity (``LimitExceeded``, ``CapacityExceeded``) are neither: they count as requests but stay
out of the hit ratio. (CloudFront's own ``CacheHitRate`` metric also leaves out errors, and POST
and PUT requests, as of 2026.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the functions only call DataFrame methods; importing pandas costs ~0.3 s
    import pandas as pd

#: The standard (legacy) log format's fields, in file order (as of 2026).
FIELDS = ("date", "time", "x-edge-location", "sc-bytes", "c-ip", "cs-method", "cs(Host)",
          "cs-uri-stem", "sc-status", "cs(Referer)", "cs(User-Agent)", "cs-uri-query",
          "cs(Cookie)", "x-edge-result-type", "x-edge-request-id", "x-host-header",
          "cs-protocol", "cs-bytes", "time-taken", "x-forwarded-for", "ssl-protocol",
          "ssl-cipher", "x-edge-response-result-type", "cs-protocol-version", "fle-status",
          "fle-encrypted-fields", "c-port", "time-to-first-byte", "x-edge-detailed-result-type",
          "sc-content-type", "sc-content-len", "sc-range-start", "sc-range-end")
HITS = ("Hit", "RefreshHit")
MISSES = ("Miss",)
COLUMNS = ("requests", "hits", "misses", "hit_ratio")


def prefix(uri_stem: str) -> str:
    """The first segment of a path: ``/static/css/site.css`` -> ``/static``; a file at the root
    (``/index.html``) and the root itself -> ``/``."""
    head, slash, _ = uri_stem.lstrip("/").partition("/")
    return f"/{head}" if slash else "/"


def hit_ratio_by_prefix(log: pd.DataFrame) -> pd.DataFrame:
    """One row per path prefix (the index, named ``prefix``): ``requests`` (every request),
    ``hits``, ``misses`` and ``hit_ratio`` = hits / (hits + misses) (NaN when both are 0); the
    busiest prefix first, ties by prefix."""
    result = log["x-edge-result-type"]
    table = (log.assign(prefix=log["cs-uri-stem"].map(prefix), hits=result.isin(HITS),
                        misses=result.isin(MISSES))
             .groupby("prefix")
             .agg(requests=("hits", "size"), hits=("hits", "sum"), misses=("misses", "sum")))
    table = table.astype("int64")
    table["hit_ratio"] = table["hits"] / (table["hits"] + table["misses"])
    return table.sort_values(["requests"], ascending=False, kind="stable")
