"""Read S3 state from a session into plain data for ``grader.sim.s3_lifecycle``, and the few
things a test needs that moto does not do by itself: leave an archive restore in progress, and
record the restore requests a learner's code sends (moto drops their retrieval tier).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import ClientError
from moto.moto_api import state_manager
from moto.s3.models import s3_backends
from moto.s3.responses import S3Response

ACCOUNT = "123456789012"
_RESTORE_MODEL = "s3::keyrestore"


def lifecycle_rules(session, bucket: str) -> list[dict]:
    """The bucket's lifecycle rules, as ``get_bucket_lifecycle_configuration`` returns them
    (empty when it has none)."""
    try:
        return session.client("s3").get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchLifecycleConfiguration":
            raise
        return []


def object_classes(session, bucket: str) -> dict[str, str]:
    """Every object's storage class, by key, in one listing."""
    pages = session.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {o["Key"]: o.get("StorageClass", "STANDARD") for page in pages for o in page.get("Contents", [])}


def put_archived(session, bucket: str, key: str, body: bytes, storage_class: str,
                 restore: str | None = None) -> None:
    """Put an object in ``storage_class``; for an archive class, ``restore`` leaves a restore
    ``"in-progress"`` (as AWS does for hours) or ``"done"`` (a restored copy to read)."""
    session.client("s3").put_object(Bucket=bucket, Key=key, Body=body, StorageClass=storage_class)
    if restore is None:
        return
    fake = s3_backends[ACCOUNT]["aws"].get_object(bucket, key)
    fake.restore(1)
    if restore == "in-progress":
        # moto finishes a restore at once; a manual transition that never fires keeps it going
        # until release_restores().
        state_manager.set_transition(_RESTORE_MODEL, {"progression": "manual", "times": 10**9})
        fake.status = "IN_PROGRESS"


def release_restores() -> None:
    """Let moto finish restores at once again (undoes ``put_archived(..., "in-progress")``)."""
    state_manager.unset_transition(_RESTORE_MODEL)


@contextmanager
def restore_requests() -> Iterator[list[dict]]:
    """``with restore_requests() as sent: ...``: afterwards ``sent`` lists every RestoreObject
    request made in the block, in order: ``{"bucket", "key", "days", "tier"}`` (days and tier
    None when the request left them out)."""
    sent: list[dict] = []
    original = S3Response._key_response_post

    def post(self, request, body, bucket_name, query, key_name):
        if "restore" in query:
            sent.append(_restore_request(body, bucket_name, key_name))
        return original(self, request, body, bucket_name, query, key_name)

    S3Response._key_response_post = post
    try:
        yield sent
    finally:
        S3Response._key_response_post = original


def _restore_request(body, bucket: str, key: str) -> dict:
    import xmltodict

    request = (xmltodict.parse(body) or {}).get("RestoreRequest") or {}
    days = request.get("Days")
    tier = (request.get("GlacierJobParameters") or {}).get("Tier") or request.get("Tier")
    return {"bucket": bucket, "key": key, "days": int(days) if days else None, "tier": tier}
