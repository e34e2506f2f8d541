"""The synthetic flow-log day: deterministic, in the default record format, and the file the
topic ships is exactly what the generator makes."""

from __future__ import annotations

import gzip
import ipaddress

from grader.course import topics
from grader.scenarios import flow_logs as scenario
from grader.sim.flow_logs import DEFAULT_FIELDS

from ..notebooks import ROOT

SHIPPED = ROOT / "course" / "21-vpc-defence-in-depth" / "flow-logs.log.gz"
NEVER_ROUTED = [ipaddress.ip_network(n) for n in
                ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "198.18.0.0/15", "10.0.0.0/8")]


def test_the_shipped_file_is_the_generator_output_for_the_default_seed():
    """Regenerate with: python -m grader.scenarios.flow_logs <that path>."""
    assert gzip.decompress(SHIPPED.read_bytes()).decode() == scenario.synthetic_flow_log()
    assert any(t.slug == "21-vpc-defence-in-depth" for t in topics(ROOT))


def test_same_seed_same_text_other_seed_other_text():
    assert scenario.synthetic_flow_log(7, 300) == scenario.synthetic_flow_log(7, 300)
    assert scenario.synthetic_flow_log(7, 300) != scenario.synthetic_flow_log(8, 300)


def test_write_gives_identical_gzip_bytes(tmp_path):
    scenario.write(tmp_path / "a.log.gz", 4, 200)
    scenario.write(tmp_path / "b.log.gz", 4, 200)
    assert (tmp_path / "a.log.gz").read_bytes() == (tmp_path / "b.log.gz").read_bytes()
    scenario.write(tmp_path / "plain.log", 4, 200)
    assert (tmp_path / "plain.log").read_text() == scenario.synthetic_flow_log(4, 200)


def test_records_follow_the_default_format():
    lines = scenario.synthetic_flow_log(5, 500).splitlines()
    assert lines[0].split() == list(DEFAULT_FIELDS) and len(lines) == 501
    for line in lines[1:]:
        fields = dict(zip(DEFAULT_FIELDS, line.split(), strict=True))
        assert fields["version"] == "2" and fields["interface-id"].startswith("eni-")
        if fields["log-status"] == "OK":
            assert fields["action"] in ("ACCEPT", "REJECT") and fields["protocol"] in ("1", "6", "17")
            assert int(fields["start"]) <= int(fields["end"]) <= int(fields["start"]) + 60
        else:
            assert fields["log-status"] in ("NODATA", "SKIPDATA") and fields["srcaddr"] == "-"


def test_read_flow_logs_types_the_columns_and_counts_every_record():
    flows = scenario.synthetic_flows(6, 400)
    assert len(flows) == 400
    assert str(flows["dstport"].dtype) == "Int64" and flows["account-id"].iloc[0] == "123456789012"
    assert flows.loc[flows["log-status"] == "NODATA", "dstport"].isna().all()


def test_every_outside_address_is_never_routed_on_the_internet():
    flows = scenario.synthetic_flows(9, 1500)
    addresses = set(flows["srcaddr"].dropna()) | set(flows["dstaddr"].dropna())
    assert all(any(ipaddress.ip_address(a) in n for n in NEVER_ROUTED) for a in addresses)


def test_a_few_sources_lead_the_rejections():
    flows = scenario.synthetic_flows()
    counts = flows[flows["action"] == "REJECT"]["srcaddr"].value_counts()
    assert counts.iloc[0] > 2 * counts.iloc[5] and counts.index[0].startswith("203.0.113.")


def test_main_wants_one_path(tmp_path, capsys):
    assert scenario.main([]) == 2 and "usage" in capsys.readouterr().err
    assert scenario.main([str(tmp_path / "day.log.gz")]) == 0
