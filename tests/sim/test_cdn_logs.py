"""Tests for grader/sim/cdn_logs.py: the reference hit ratio per path prefix."""

import math

import pandas as pd
import pytest

from grader.sim.cdn_logs import FIELDS, hit_ratio_by_prefix, prefix


@pytest.mark.parametrize(("path", "expected"), [
    pytest.param("/static/css/site.css", "/static", id="first-segment"),
    pytest.param("/api/v2/orders", "/api", id="deep-path"),
    pytest.param("/index.html", "/", id="file-at-the-root"),
    pytest.param("/", "/", id="the-root"),
    pytest.param("/images/", "/images", id="folder-itself"),
])
def test_prefix(path, expected):
    assert prefix(path) == expected


def log(*rows):
    return pd.DataFrame([{"cs-uri-stem": path, "x-edge-result-type": result}
                         for path, result in rows])


def test_the_standard_log_has_33_fields():
    assert len(FIELDS) == 33 and FIELDS[13] == "x-edge-result-type"


def test_refresh_hits_are_hits_and_redirects_and_errors_stay_out_of_the_ratio():
    table = hit_ratio_by_prefix(log(("/a/1", "Hit"), ("/a/2", "RefreshHit"), ("/a/3", "Miss"),
                                    ("/a/4", "Redirect"), ("/a/5", "Error"),
                                    ("/a/6", "LimitExceeded")))
    assert table.loc["/a"].to_dict() == {"requests": 6, "hits": 2, "misses": 1,
                                         "hit_ratio": pytest.approx(2 / 3)}


def test_a_prefix_without_hits_or_misses_has_no_ratio():
    table = hit_ratio_by_prefix(log(("/admin/x.php", "Error"), ("/index.html", "Hit")))
    assert math.isnan(table.loc["/admin", "hit_ratio"]) and table.loc["/", "hit_ratio"] == 1


def test_busiest_prefix_first_ties_by_name_and_index_named_prefix():
    table = hit_ratio_by_prefix(log(("/b/1", "Hit"), ("/a/1", "Miss"), ("/c/1", "Hit"),
                                    ("/c/2", "Hit")))
    assert list(table.index) == ["/c", "/a", "/b"] and table.index.name == "prefix"
    assert list(table.columns) == ["requests", "hits", "misses", "hit_ratio"]
