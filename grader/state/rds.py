"""Read RDS state from a boto3 session (instances, snapshots and who may restore them), and
record the RDS requests a block of code makes.

moto keeps no trace of a point-in-time restore's target time: the new instance looks like any
copy of its source. :func:`recorded` keeps every RDS request's parameters as moto received them,
so a check can judge the restore a learner asked for, whichever client made it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from botocore.exceptions import ClientError
from moto.core.responses import BaseResponse


@dataclass(frozen=True)
class Request:
    """One RDS request: the action (``RestoreDBInstanceToPointInTime``), its Region and its
    parameters as sent (query strings: every value a string)."""

    action: str
    region: str
    params: dict = field(default_factory=dict)


@contextmanager
def recorded() -> Iterator[list[Request]]:
    """``with recorded() as requests: ...``: afterwards ``requests`` lists every RDS request."""
    requests: list[Request] = []
    original = BaseResponse.call_action

    def call_action(self):
        if str(self.service_name) == "rds":
            params = {key: values[0] if isinstance(values, list) and len(values) == 1 else values
                      for key, values in (self.querystring or {}).items()}
            params.pop("Action", None)
            params.pop("Version", None)
            requests.append(Request(self._get_action(), str(self.region), params))
        return original(self)

    BaseResponse.call_action = call_action
    try:
        yield requests
    finally:
        BaseResponse.call_action = original


def instance(session, identifier: str, region: str | None = None) -> dict | None:
    """``describe_db_instances``' entry for ``identifier`` in ``region``, or None."""
    rds = session.client("rds", region_name=region) if region else session.client("rds")
    try:
        return rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "DBInstanceNotFound":
            raise
        return None


def instances(session, region: str | None = None) -> list[dict]:
    """Every DB instance of the account in ``region``."""
    rds = session.client("rds", region_name=region) if region else session.client("rds")
    return rds.describe_db_instances()["DBInstances"]


def snapshots(session, region: str | None = None, *, snapshot_type: str = "manual",
              attributes: bool = True) -> list[dict]:
    """The account's DB snapshots of one type in ``region``; with ``attributes``, each with
    ``restore``: the accounts allowed to restore it (``all`` when public), from
    describe_db_snapshot_attributes (one call per snapshot)."""
    rds = session.client("rds", region_name=region) if region else session.client("rds")
    found = []
    for snapshot in rds.describe_db_snapshots(SnapshotType=snapshot_type)["DBSnapshots"]:
        if not attributes:
            found.append(snapshot)
            continue
        result = rds.describe_db_snapshot_attributes(
            DBSnapshotIdentifier=snapshot["DBSnapshotIdentifier"])["DBSnapshotAttributesResult"]
        restore = next((a.get("AttributeValues", []) for a in result["DBSnapshotAttributes"]
                        if a["AttributeName"] == "restore"), [])
        found.append({**snapshot, "restore": list(restore)})
    return found


def snapshot(session, identifier: str, region: str | None = None) -> dict | None:
    """One manual snapshot (by identifier or ARN) with its ``restore`` list, or None."""
    rds = session.client("rds", region_name=region) if region else session.client("rds")
    name = identifier.rsplit(":", 1)[-1] if isinstance(identifier, str) else None
    if not name:
        return None
    try:
        found = rds.describe_db_snapshots(DBSnapshotIdentifier=name)["DBSnapshots"][0]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "DBSnapshotNotFound":
            raise
        return None
    result = rds.describe_db_snapshot_attributes(DBSnapshotIdentifier=name)["DBSnapshotAttributesResult"]
    restore = next((a.get("AttributeValues", []) for a in result["DBSnapshotAttributes"]
                    if a["AttributeName"] == "restore"), [])
    return {**found, "restore": list(restore)}


def key_arn(session, key_id: str | None, region: str) -> str | None:
    """The ARN of a KMS key (id, ARN or alias) in ``region``, or None when it does not exist."""
    if not key_id:
        return None
    try:
        return session.client("kms", region_name=region).describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]
    except ClientError:
        return None
