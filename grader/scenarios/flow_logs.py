"""Synthetic VPC flow logs: one day of a small web VPC, in AWS's default record format.

moto stores flow-log configuration but no packet ever flows, so no record is ever written. The
analysis exercises read this data instead: the same space-separated text a flow log delivers
to Amazon S3 (a header line, then one record per line, ``-`` where a field does not apply),
in the default format's field order (version 2 fields, as of 2026). Every address outside the
VPC comes from ranges that are never routed on the internet (RFC 5737 documentation ranges and
the RFC 2544 benchmarking range), so no real host is named.

The same seed always gives the same text. The topic ships it gzip-compressed, as S3 delivery
does (pandas reads ``.gz`` files directly); regenerate it with::

    python -m grader.scenarios.flow_logs course/21-vpc-defence-in-depth/flow-logs.log.gz
"""

from __future__ import annotations

import io
import random
import sys
from datetime import UTC, datetime

from grader.scenarios.datasets import regenerate, write_reproducibly
from grader.sim.flow_logs import DEFAULT_FIELDS

#: Fields that are ``-`` in NODATA and SKIPDATA records, read as nullable integers.
NULLABLE_INTEGERS = ("srcport", "dstport", "protocol", "packets", "bytes")
SEED = 21
RECORDS = 3000
ACCOUNT = "123456789012"
DAY = int(datetime(2026, 3, 14, tzinfo=UTC).timestamp())
TCP, UDP, ICMP = 6, 17, 1

#: The VPC's interfaces: name -> (ENI id, private address).
INTERFACES = {
    "web-a": ("eni-0a1f3c5e7d9b2a401", "10.0.1.10"),
    "web-b": ("eni-0b2e4d6f8a0c3b502", "10.0.2.10"),
    "app-a": ("eni-0c3d5e7f9b1d4c603", "10.0.11.20"),
    "db-a": ("eni-0d4c6f8a0c2e5d704", "10.0.21.30"),
    "nat-a": ("eni-0e5b7a9c1d3f6e805", "10.0.1.5"),
}
#: Ports that internet background noise knocks on: telnet, SSH, SMB, RDP, MySQL, Redis, ...
NOISE_PORTS = (23, 22, 445, 3389, 3306, 6379, 8080, 5900, 1433, 25, 80, 8443)


def synthetic_flow_log(seed: int = SEED, records: int = RECORDS) -> str:
    """One day of flow-log text (header line first), ``records`` records sorted by start time."""
    rng = random.Random(seed)
    attackers = _attackers(rng)
    makers = [
        (30, _web_client), (10, _app_to_db), (8, _app_to_internet),
        (22, lambda r: _brute_force(r, attackers["ssh"], 22)),
        (6, lambda r: _brute_force(r, attackers["rdp"], 3389)),
        (6, lambda r: _port_scan(r, attackers["scanner"])),
        (16, _background_noise), (1, _no_data),
    ]
    weights = [weight for weight, _ in makers]
    rows = [rng.choices(makers, weights)[0][1](rng) for _ in range(records)]
    rows.sort(key=lambda row: (row[10], row[2]))
    lines = [" ".join(DEFAULT_FIELDS)] + [" ".join(str(value) for value in row) for row in rows]
    return "\n".join(lines) + "\n"


def read_flow_logs(source):
    """The records of a flow-log text file (a path or a file object) as a DataFrame: ``-``
    becomes missing, ports, protocol, packets and bytes are nullable integers (``Int64``)."""
    import pandas as pd

    return pd.read_csv(source, sep=" ", na_values="-", keep_default_na=False,
                       dtype={"account-id": str, "interface-id": str, "srcaddr": str,
                              "dstaddr": str, "action": str, "log-status": str,
                              **dict.fromkeys(NULLABLE_INTEGERS, "Int64")})


def synthetic_flows(seed: int = SEED, records: int = RECORDS):
    """``synthetic_flow_log`` read by ``read_flow_logs``: the DataFrame the exercises take."""
    return read_flow_logs(io.StringIO(synthetic_flow_log(seed, records)))


# -- the kinds of traffic ------------------------------------------------------------------------

def _attackers(rng: random.Random) -> dict:
    """A few persistent attackers per kind, with uneven appetites, so some clearly lead."""
    ssh = zip(rng.sample(range(1, 255), 6), (40, 25, 15, 10, 6, 4), strict=True)
    return {
        "ssh": [(f"203.0.113.{host}", weight) for host, weight in ssh],
        "rdp": [(f"192.0.2.{rng.randint(1, 254)}", weight) for weight in (60, 30, 10)],
        "scanner": [(f"198.51.100.{rng.randint(1, 254)}", weight) for weight in (70, 30)],
    }


def _record(rng, eni, src, dst, srcport, dstport, protocol, action, *, packets, size) -> tuple:
    start = DAY + rng.randrange(0, 86_400 - 60)
    count = rng.randint(*packets)
    return (2, ACCOUNT, eni, src, dst, srcport, dstport, protocol, count,
            count * rng.randint(*size), start, start + rng.randint(0, 59), action, "OK")


def _ephemeral(rng) -> int:
    return rng.randint(1024, 65535)


def _web_client(rng):
    """HTTPS from a client to a web server, or the server's reply (both recorded, accepted)."""
    eni, web = INTERFACES[rng.choice(("web-a", "web-b"))]
    client = f"{rng.choice(('192.0.2', '198.51.100'))}.{rng.randint(1, 254)}"
    if rng.random() < 0.5:
        return _record(rng, eni, client, web, _ephemeral(rng), 443, TCP, "ACCEPT",
                       packets=(4, 40), size=(60, 900))
    return _record(rng, eni, web, client, 443, _ephemeral(rng), TCP, "ACCEPT",
                   packets=(4, 60), size=(200, 1400))


def _app_to_db(rng):
    app_eni, app = INTERFACES["app-a"]
    db_eni, db = INTERFACES["db-a"]
    eni, src, dst = rng.choice(((app_eni, app, db), (db_eni, app, db)))
    return _record(rng, eni, src, dst, _ephemeral(rng), 5432, TCP, "ACCEPT",
                   packets=(2, 30), size=(80, 1200))


def _app_to_internet(rng):
    """The app calling an external HTTPS API through the NAT gateway."""
    eni, nat = INTERFACES["nat-a"]
    api = f"198.18.{rng.randint(0, 3)}.{rng.randint(1, 254)}"
    return _record(rng, eni, nat, api, _ephemeral(rng), 443, TCP, "ACCEPT",
                   packets=(4, 50), size=(100, 1400))


def _brute_force(rng, attackers, port):
    source = rng.choices([a for a, _ in attackers], [w for _, w in attackers])[0]
    eni, web = INTERFACES[rng.choice(("web-a", "web-b"))]
    return _record(rng, eni, source, web, _ephemeral(rng), port, TCP, "REJECT",
                   packets=(1, 3), size=(40, 60))


def _port_scan(rng, scanners):
    source = rng.choices([a for a, _ in scanners], [w for _, w in scanners])[0]
    eni, web = INTERFACES["web-a"]
    return _record(rng, eni, source, web, _ephemeral(rng), rng.randint(1, 1024), TCP, "REJECT",
                   packets=(1, 1), size=(40, 44))


def _background_noise(rng):
    """The internet's constant knocking: many sources, a few packets each, common ports."""
    source = f"198.{rng.randint(18, 19)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    eni, web = INTERFACES[rng.choice(("web-a", "web-b", "nat-a"))]
    if rng.random() < 0.15:
        return _record(rng, eni, source, web, 0, 0, ICMP, "REJECT", packets=(1, 2), size=(28, 84))
    if rng.random() < 0.2:
        return _record(rng, eni, source, web, _ephemeral(rng), rng.choice((53, 123, 161, 1900)),
                       UDP, "REJECT", packets=(1, 2), size=(40, 120))
    port = rng.choices(NOISE_PORTS, [9, 8, 7, 6, 4, 4, 4, 3, 3, 2, 2, 1])[0]
    return _record(rng, eni, source, web, _ephemeral(rng), port, TCP, "REJECT",
                   packets=(1, 2), size=(40, 60))


def _no_data(rng):
    """An interval without traffic (NODATA) or with records dropped (SKIPDATA)."""
    eni = rng.choice([eni for eni, _ in INTERFACES.values()])
    start = DAY + rng.randrange(0, 86_400 - 60)
    status = "NODATA" if rng.random() < 0.8 else "SKIPDATA"
    return (2, ACCOUNT, eni, "-", "-", "-", "-", "-", "-", "-", start, start + 59, "-", status)


def write(path, seed: int = SEED, records: int = RECORDS) -> None:
    """Write ``synthetic_flow_log`` to ``path``, gzip-compressed when it ends in ``.gz`` (with no
    timestamp or name in the gzip header, so the same seed gives the same bytes)."""
    write_reproducibly(path, synthetic_flow_log(seed, records))


def main(argv: list[str]) -> int:
    return regenerate(argv, "grader.scenarios.flow_logs", write)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
