"""Reference analyses of VPC flow-log records, the answers learners' pandas code is compared with.

Pure: it takes the DataFrame that ``grader.scenarios.flow_logs.read_flow_logs`` makes (one row
per record, the default format's columns) and returns plain pandas objects. A record counts
once, whatever its packets and bytes; NODATA and SKIPDATA records have no action and never count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the functions only call DataFrame methods; importing pandas costs ~0.3 s
    import pandas as pd

#: The default record format, ``${version} ${account-id} ... ${log-status}``: the version 2
#: fields in this order (as of 2026). A custom format names fields the same way.
DEFAULT_FIELDS = ("version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport",
                  "dstport", "protocol", "packets", "bytes", "start", "end", "action",
                  "log-status")
REJECT = "REJECT"


def rejected(flows: pd.DataFrame) -> pd.DataFrame:
    """The records of rejected traffic."""
    return flows[flows["action"] == REJECT]


def rejected_counts(flows: pd.DataFrame, column: str) -> pd.Series:
    """Rejected records per value of ``column``, most first (ties in any order)."""
    return rejected(flows)[column].value_counts()


def top_rejected(flows: pd.DataFrame, column: str, n: int) -> pd.Series:
    """The ``n`` values of ``column`` with the most rejected records, with their counts."""
    return rejected_counts(flows, column).head(n)
