"""ECR scenarios: image manifests to push, synthetic image lists and lifecycle policies for the
simulator, and scan findings seeded into moto (which scans nothing).

Everything random takes a seed, so a test's cases are the same on every run.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC, datetime, timedelta

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ecr.models import ecr_backends

from grader.sandbox import REGION

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"


def _sha(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def manifest(name: str, layers: int = 2) -> str:
    """An OCI image manifest (JSON text) whose config and layer digests derive from ``name``."""
    return json.dumps({
        "schemaVersion": 2, "mediaType": MANIFEST_TYPE,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 1469,
                   "digest": _sha(f"{name}/config")},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "size": 31_000_000 + i,
                    "digest": _sha(f"{name}/layer/{i}")} for i in range(layers)],
    }, indent=3)


# -- synthetic image lists and policies for the lifecycle simulator ---------------------------------

def image(number: int, tags, days_ago: float, now: datetime = NOW) -> dict:
    """One ``describe_images`` item: a digest from ``number``, pushed ``days_ago`` before now."""
    return {"imageDigest": _sha(f"image-{number}"), "imageTags": list(tags),
            "imagePushedAt": now - timedelta(days=days_ago)}


def image_list(seed: int, count: int = 14, now: datetime = NOW) -> list[dict]:
    """Images a CI pipeline leaves behind: releases, branch builds, git shas, untagged layers."""
    rng = random.Random(seed)
    images = []
    for n in range(count):
        kind = rng.choice(["release", "release", "dev", "sha", "untagged", "untagged", "multi"])
        tags = {"release": [f"v1.{n}.{rng.randint(0, 9)}"], "dev": [f"dev-{n:03d}"],
                "sha": [f"sha-{n:07x}"], "untagged": [],
                "multi": [f"v2.{n}.0", "latest" if n % 3 == 0 else f"prod-{n}"]}[kind]
        # push times never tie: AWS documents no order between images pushed at the same instant
        images.append(image(seed * 100 + n, tags, round(rng.uniform(0.2, 60), 2) + n / 100_000, now))
    return images


_SELECTIONS = (
    {"tagStatus": "untagged"},
    {"tagStatus": "tagged", "tagPrefixList": ["v1"]},
    {"tagStatus": "tagged", "tagPrefixList": ["v"]},
    {"tagStatus": "tagged", "tagPrefixList": ["dev-"]},
    {"tagStatus": "tagged", "tagPrefixList": ["v2", "prod"]},
    {"tagStatus": "tagged", "tagPatternList": ["v*.0"]},
    {"tagStatus": "tagged", "tagPatternList": ["sha-*"]},
    {"tagStatus": "tagged", "tagPatternList": ["*"]},
)


def random_policy(rng: random.Random) -> dict:
    """A policy AWS would accept: 1-3 rules from ``_SELECTIONS``, maybe an ``any`` rule last."""
    chosen = rng.sample(_SELECTIONS, rng.randint(1, 3))
    chosen = [s for i, s in enumerate(chosen) if s["tagStatus"] != "untagged"
              or all(c["tagStatus"] != "untagged" for c in chosen[:i])]
    if rng.random() < 0.35:
        chosen.append({"tagStatus": "any"})
    rules, priority = [], 0
    for selection in chosen:
        priority += rng.choice([1, 4, 10])
        if rng.random() < 0.5:
            count = {"countType": "imageCountMoreThan", "countNumber": rng.randint(1, 5)}
        else:
            count = {"countType": "sinceImagePushed", "countUnit": "days", "countNumber": rng.randint(1, 40)}
        rules.append({"rulePriority": priority, "selection": {**selection, **count},
                      "action": {"type": "expire"}})
    rng.shuffle(rules)  # the list order is not the priority order
    return {"rules": rules}


def lifecycle_cases(seed: int, count: int = 40) -> list[tuple]:
    """(policy, images, now) cases for comparing an evaluator with the simulator."""
    rng = random.Random(seed)
    return [(random_policy(rng), image_list(rng.randint(1, 10**6), rng.randint(3, 16)), NOW)
            for _ in range(count)]


# -- scan findings ------------------------------------------------------------------------------

PACKAGES = (("openssl", "3.0.13"), ("glibc", "2.36"), ("zlib", "1.2.13"), ("curl", "8.5.0"),
            ("libxml2", "2.9.14"), ("busybox", "1.36.1"), ("expat", "2.5.0"), ("sqlite", "3.40.1"))
SEVERITIES = ("CRITICAL", "HIGH", "HIGH", "MEDIUM", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED")


def finding(cve: str, severity: str, package: str, version: str, score: float) -> dict:
    """One basic-scanning finding, in ``describe_image_scan_findings`` shape."""
    return {"name": cve, "severity": severity, "uri": f"https://nvd.nist.gov/vuln/detail/{cve}",
            "attributes": [{"key": "package_name", "value": package},
                           {"key": "package_version", "value": version},
                           {"key": "CVSS3_SCORE", "value": f"{score:.1f}"}]}


def random_findings(seed: int, count: int = 30) -> list[dict]:
    """Findings over a few packages, some CVEs reported twice (two paths to one package)."""
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        package, version = rng.choice(PACKAGES)
        number = rng.randint(1000, 1040)
        facts = random.Random(number)  # a CVE has one severity and score wherever it is found
        severity = facts.choice(SEVERITIES)
        floor = {"CRITICAL": 9.0, "HIGH": 7.0, "MEDIUM": 4.0}.get(severity, 0.1)
        cve = f"CVE-2025-{number}"
        found.append(finding(cve, severity, package, version, facts.uniform(floor, floor + 0.9)))
        if rng.random() < 0.2:
            found.append(found[-1])
    return found


def seed_findings(session, repository_name: str, image_tag: str, findings: list[dict]) -> None:
    """Make ``describe_image_scan_findings`` of this image return ``findings``, however the
    learner names the image (tag, digest or both), as a completed basic scan."""
    ecr = session.client("ecr")
    digest = ecr.batch_get_image(repositoryName=repository_name,
                                 imageIds=[{"imageTag": image_tag}])["images"][0]["imageId"]["imageDigest"]
    ecr.start_image_scan(repositoryName=repository_name, imageId={"imageTag": image_tag})
    backend = ecr_backends[DEFAULT_ACCOUNT_ID][REGION]
    stored = backend._get_repository(repository_name)._get_image(image_tag, None)
    counts: dict[str, int] = {}
    for f in findings:
        counts[f["severity"]] = counts.get(f["severity"], 0) + 1
    response = {
        "registryId": DEFAULT_ACCOUNT_ID, "repositoryName": repository_name,
        "imageId": {"imageDigest": digest, "imageTag": image_tag},
        "imageScanStatus": {"status": "COMPLETE", "description": "The scan was completed successfully."},
        "imageScanFindings": {"findings": findings, "findingSeverityCounts": counts},
    }
    both = {"imageDigest": digest, "imageTag": image_tag}
    for image_id in ({"imageTag": image_tag}, {"imageDigest": digest}, both, dict(reversed(both.items()))):
        stored.scan_finding_results[json.dumps(image_id)] = response
