"""Read ECR repositories and their policies from a session, in plain dicts for the checks."""

from __future__ import annotations

import json

from botocore.exceptions import ClientError


def read_repository(session, name: str) -> dict | None:
    """``describe_repositories`` for one repository, None when it does not exist."""
    try:
        return session.client("ecr").describe_repositories(repositoryNames=[name])["repositories"][0]
    except ClientError as error:
        if error.response["Error"]["Code"] == "RepositoryNotFoundException":
            return None
        raise


def read_policy(session, name: str, kind: str) -> dict | None:
    """The repository's ``"repository"`` or ``"lifecycle"`` policy, parsed; None when unset."""
    ecr = session.client("ecr")
    call, key = {"repository": (ecr.get_repository_policy, "policyText"),
                 "lifecycle": (ecr.get_lifecycle_policy, "lifecyclePolicyText")}[kind]
    try:
        return json.loads(call(repositoryName=name)[key])
    except ClientError as error:
        if error.response["Error"]["Code"].endswith("NotFoundException"):
            return None
        raise


def read_images(session, name: str) -> list[dict]:
    """Every image of the repository (``describe_images``, all pages)."""
    pages = session.client("ecr").get_paginator("describe_images").paginate(repositoryName=name)
    return [image for page in pages for image in page["imageDetails"]]
