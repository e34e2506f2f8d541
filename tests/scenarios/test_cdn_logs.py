"""The synthetic CloudFront access-log day: deterministic, in the standard log format, consistent
with the simulator, and the file topic 20 ships is exactly what the generator makes."""

from __future__ import annotations

import gzip
import ipaddress

from grader.scenarios import cdn_logs as scenario
from grader.sim.cdn_logs import FIELDS, hit_ratio_by_prefix

from ..notebooks import ROOT

SHIPPED = ROOT / "course" / "20-cloudfront" / "access-log.tsv.gz"
DOCUMENTATION = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24",
                                                    "203.0.113.0/24")]


def test_the_shipped_file_is_the_generator_output_for_the_default_seed():
    """Regenerate with: python -m grader.scenarios.cdn_logs <that path>."""
    assert gzip.decompress(SHIPPED.read_bytes()).decode() == scenario.synthetic_access_log()


def test_same_seed_same_text_other_seed_other_text():
    assert scenario.synthetic_access_log(7, 200) == scenario.synthetic_access_log(7, 200)
    assert scenario.synthetic_access_log(7, 200) != scenario.synthetic_access_log(8, 200)


def test_write_gives_identical_gzip_bytes(tmp_path):
    scenario.write(tmp_path / "a.tsv.gz", 4, 100)
    scenario.write(tmp_path / "b.tsv.gz", 4, 100)
    assert (tmp_path / "a.tsv.gz").read_bytes() == (tmp_path / "b.tsv.gz").read_bytes()
    scenario.write(tmp_path / "plain.tsv", 4, 100)
    assert (tmp_path / "plain.tsv").read_text() == scenario.synthetic_access_log(4, 100)


def test_lines_follow_the_standard_format():
    lines = scenario.synthetic_access_log(5, 300).splitlines()
    assert lines[0] == "#Version: 1.0" and lines[1] == "#Fields: " + " ".join(FIELDS)
    rows = [line.split("\t") for line in lines[2:]]
    assert len(rows) == 300 and {len(row) for row in rows} == {33}
    assert [r[0] + r[1] for r in rows] == sorted(r[0] + r[1] for r in rows)
    assert all(any(ipaddress.ip_address(r[4]) in net for net in DOCUMENTATION) for r in rows)


def test_read_access_log_types_the_columns():
    log = scenario.synthetic_log(5, 200)
    assert list(log.columns) == list(FIELDS) and len(log) == 200
    assert str(log["sc-status"].dtype) == "Int64" and str(log["time-taken"].dtype) == "float64"
    assert log["cs(Referer)"].isna().all()


def test_the_day_tells_the_story_the_notebook_tells():
    """Images miss (cache-busting query strings), the API never hits, static files almost always."""
    table = hit_ratio_by_prefix(scenario.synthetic_log())
    assert table.loc["/api", "hits"] == 0
    assert table.loc["/images", "hit_ratio"] < 0.2 < 0.9 < table.loc["/static", "hit_ratio"]
    assert table.loc["/admin", "hits"] + table.loc["/admin", "misses"] == 0


def test_results_come_from_the_simulator_and_refresh_hits_only_for_cached_keys():
    log = scenario.synthetic_log(9, 800)
    results = set(log["x-edge-result-type"])
    assert results == {"Hit", "RefreshHit", "Miss", "Redirect", "Error"}
    api = log[log["cs-uri-stem"].str.startswith("/api/")]
    assert set(api["x-edge-result-type"]) <= {"Miss", "Error"}
    assert (log.loc[log["x-edge-result-type"] == "Redirect", "cs-protocol"] == "http").all()


def test_main_writes_the_file_and_refuses_bad_usage(tmp_path, capsys):
    assert scenario.main([]) == 2 and "usage" in capsys.readouterr().err
    assert scenario.main([str(tmp_path / "day.tsv")]) == 0
    assert (tmp_path / "day.tsv").read_text() == scenario.synthetic_access_log()
