"""Starting states for topic 07: a database with a history (created weeks ago, backups on),
a pre-migration snapshot, a customer managed KMS key another account may use. boto3 only, except
:func:`backdate`, which moves an instance's creation time in moto (time never passes in a mock).
"""

from __future__ import annotations

import json
from datetime import timedelta

from moto.core.utils import utcnow
from moto.rds.models import rds_backends

ACCOUNT = "123456789012"
PASSWORD = "not-a-real-password-7"


def database(session, identifier: str, *, region: str | None = None, engine: str = "postgres",
             retention_days: int = 7, age_days: int = 30, encrypted: bool = True,
             public: bool = False, kms_key_id: str | None = None) -> dict:
    """A DB instance created ``age_days`` ago with automated backups kept ``retention_days``;
    the create call's DBInstance (its InstanceCreateTime is the real one, not the moved one)."""
    rds = session.client("rds", region_name=region) if region else session.client("rds")
    extra = {"KmsKeyId": kms_key_id} if kms_key_id else {}
    created = rds.create_db_instance(
        DBInstanceIdentifier=identifier, Engine=engine, DBInstanceClass="db.t3.micro",
        AllocatedStorage=20, MasterUsername="app", MasterUserPassword=PASSWORD,
        BackupRetentionPeriod=retention_days, StorageEncrypted=encrypted,
        PubliclyAccessible=public, Tags=[{"Key": "app", "Value": identifier}], **extra)
    backdate(identifier, age_days, region=region or session.region_name)
    return created["DBInstance"]


def backdate(identifier: str, days: float, *, region: str) -> None:
    """Make moto believe the instance was created ``days`` ago."""
    instance = rds_backends[ACCOUNT][region].databases[identifier]
    instance.created = instance.instance_create_time = utcnow() - timedelta(days=days)


def snapshot(session, instance_id: str, snapshot_id: str, *, region: str | None = None) -> str:
    """A manual snapshot of an instance; its ARN."""
    rds = session.client("rds", region_name=region) if region else session.client("rds")
    return rds.create_db_snapshot(DBInstanceIdentifier=instance_id,
                                  DBSnapshotIdentifier=snapshot_id)["DBSnapshot"]["DBSnapshotArn"]


def customer_key(session, region: str, *, share_with: str | None = None) -> str:
    """A customer managed KMS key in ``region`` whose key policy lets ``share_with`` (an account
    id) use it, as a snapshot shared with that account needs; its ARN."""
    statements = [{"Sid": "Owner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                   "Action": "kms:*", "Resource": "*"}]
    if share_with:
        statements.append({"Sid": "SharedSnapshotAccount", "Effect": "Allow",
                           "Principal": {"AWS": f"arn:aws:iam::{share_with}:root"},
                           "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant",
                                      "kms:ReEncrypt*", "kms:GenerateDataKey*"], "Resource": "*"})
    policy = json.dumps({"Version": "2012-10-17", "Statement": statements})
    return session.client("kms", region_name=region).create_key(
        Description="RDS snapshots", Policy=policy)["KeyMetadata"]["Arn"]
