"""The ECR checks of topic 24 against real moto: repository protections, images by tag and
digest, lifecycle policies and evaluators judged by the simulator, scan triage, and repository
policies judged by the IAM simulator; learner messages pinned."""

# ruff: noqa: E501 -- table rows pin whole learner messages, one case a line
from __future__ import annotations

import json

import pandas as pd
import pytest

from grader.checks import ecr as checks
from grader.scenarios import ecr as scenario
from grader.sim import ecr_lifecycle, ecr_scan

from .failures import failure

PARTNERS = ["111122223333", "444455556666"]


@pytest.fixture
def ecr(session):
    return session.client("ecr")


def test_repository_checks_pass_a_protected_repository(session, ecr):
    key = session.client("kms").create_key()["KeyMetadata"]["KeyId"]
    uri = ecr.create_repository(repositoryName="shop/web", imageTagMutability="IMMUTABLE",
                                imageScanningConfiguration={"scanOnPush": True},
                                encryptionConfiguration={"encryptionType": "KMS", "kmsKey": key})["repository"]["repositoryUri"]
    checks.returns_uri(uri, session, "shop/web")
    checks.repository_protected(session, "shop/web")
    checks.repository_encrypted(session, "shop/web", key)


def test_mutable_repository_fails_with_the_reason(session, ecr):
    ecr.create_repository(repositoryName="shop/web", imageScanningConfiguration={"scanOnPush": True})
    message = failure(checks.repository_protected, session, "shop/web")
    assert message["found"] == "imageTagMutability MUTABLE"
    assert message["next"].startswith("With MUTABLE tags anyone who can push can move v1.2.0")
    assert failure(checks.returns_uri, None, session, "shop/web")["found"] == "None"


def test_missing_repository_and_default_encryption(session, ecr):
    assert failure(checks.repository_protected, session, "nope")["found"] == "no such repository"
    key = session.client("kms").create_key()["KeyMetadata"]["KeyId"]
    ecr.create_repository(repositoryName="shop/web")
    message = failure(checks.repository_encrypted, session, "shop/web", key)
    assert message["found"] == "encryptionType AES256, kmsKey None"


def test_image_pushed_and_pinned(session, ecr):
    ecr.create_repository(repositoryName="shop/web")
    body = scenario.manifest("web")
    digest = ecr.put_image(repositoryName="shop/web", imageManifest=body, imageTag="v1")["image"]["imageId"]["imageDigest"]
    uri = ecr.describe_repositories()["repositories"][0]["repositoryUri"]
    checks.image_pushed(session, "shop/web", {"digest": digest}, ["v1"])
    checks.pinned_uri(session, "shop/web", {"digest": digest, "uri": f"{uri}@{digest}"})
    assert failure(checks.image_pushed, session, "shop/web", {"digest": digest}, ["v1", "git-1"])["found"] == "tags ['v1']"
    assert failure(checks.image_pushed, session, "shop/web", {"digest": "sha256:x"}, ["v1"])["what"] == \
        "The image is found by the digest returned in shop/web"
    message = failure(checks.pinned_uri, session, "shop/web", {"digest": digest, "uri": f"{uri}:v1"})
    assert message["next"] == "Join the repository URI and the digest with '@' (not ':' and a tag)."
    assert failure(checks.image_pushed, session, "shop/web", None, ["v1"])["found"] == "None (a NoneType)"


def test_lifecycle_policy_checks(session, ecr):
    ecr.create_repository(repositoryName="shop/web")
    assert failure(checks.lifecycle_policy_valid, session, "shop/web")["found"] == "none"
    good = ecr_lifecycle.release_policy(7, 2, "v")
    ecr.put_lifecycle_policy(repositoryName="shop/web", lifecyclePolicyText=json.dumps(good))
    checks.lifecycle_policy_valid(session, "shop/web")
    cases = [(scenario.image_list(seed), scenario.NOW) for seed in range(5)]
    checks.lifecycle_policy_behaves(session, "shop/web", 7, 2, "v", cases)
    message = failure(checks.lifecycle_policy_behaves, session, "shop/web", 7, 3, "v", cases)
    assert message["what"].startswith("The lifecycle policy of shop/web expires what was asked on 5 image lists; first miss:")
    tagged = {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "tagged", "countType": "imageCountMoreThan",
                                                          "countNumber": 1}, "action": {"type": "expire"}}]}
    ecr.put_lifecycle_policy(repositoryName="shop/web", lifecyclePolicyText=json.dumps(tagged))
    message = failure(checks.lifecycle_policy_valid, session, "shop/web")
    assert message["found"] == 'rule 1: tagStatus "tagged" needs exactly one of tagPrefixList or tagPatternList'


def test_lifecycle_evaluator_agrees_names_images_by_tag():
    cases = scenario.lifecycle_cases(3, 30)
    checks.lifecycle_evaluator_agrees(ecr_lifecycle.expired, cases)
    message = failure(checks.lifecycle_evaluator_agrees, lambda *case: [], cases)
    assert message["what"].startswith("expired_images agrees with the course's reference on ")
    assert " d, " in message["expected"] and message["found"] == "[]"


def test_triage_agrees(session, ecr):
    ecr.create_repository(repositoryName="shop/web")
    ecr.put_image(repositoryName="shop/web", imageManifest=scenario.manifest("web"), imageTag="v1")
    findings = scenario.random_findings(5)
    scenario.seed_findings(session, "shop/web", "v1", findings)
    read = ecr.describe_image_scan_findings(repositoryName="shop/web", imageId={"imageTag": "v1"})
    assert read["imageScanFindings"]["findings"] == findings

    def right(session, name, tag):
        return pd.DataFrame(ecr_scan.fix_first(findings), columns=list(ecr_scan.COLUMNS))

    checks.triage_agrees(right, session, "shop/web", "v1", findings)
    assert failure(checks.triage_agrees, lambda *a: None, session, "shop/web", "v1", findings)["found"] == "NoneType"
    message = failure(checks.triage_agrees, lambda *a: right(*a).iloc[::-1], session, "shop/web", "v1", findings)
    first = ecr_scan.fix_first(findings)[0]
    assert message["expected"] == f"{len(ecr_scan.fix_first(findings))} rows; row 0: {tuple(first.values())!r}"
    renamed = failure(checks.triage_agrees, lambda *a: right(*a).rename(columns={"high": "HIGH"}), session, "shop/web", "v1", findings)
    assert renamed["found"] == "columns ['package', 'version', 'critical', 'HIGH', 'worst_score']"


def _policy(principal, actions):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": actions}]})


def test_pull_checks_judge_the_repository_policy(session, ecr):
    ecr.create_repository(repositoryName="shop/web")
    assert failure(checks.pull_granted, session, "shop/web", PARTNERS)["found"] == "no policy"
    checks.pull_only(session, "shop/web", PARTNERS, ["999988887777"])
    roots = {"AWS": [f"arn:aws:iam::{a}:root" for a in PARTNERS]}
    ecr.set_repository_policy(repositoryName="shop/web", policyText=_policy(roots, list(checks.PULL_ACTIONS)))
    checks.pull_granted(session, "shop/web", PARTNERS)
    checks.pull_only(session, "shop/web", PARTNERS, ["999988887777"])
    ecr.set_repository_policy(repositoryName="shop/web", policyText=_policy("*", list(checks.PULL_ACTIONS)))
    message = failure(checks.pull_only, session, "shop/web", PARTNERS, ["999988887777"])
    assert message["what"] == "A role of account 999988887777 may pull from shop/web"
    assert message["next"].startswith("A repository policy is a door into your account")
    ecr.set_repository_policy(repositoryName="shop/web", policyText=_policy(roots, "ecr:*"))
    assert failure(checks.pull_only, session, "shop/web", PARTNERS, [])["expected"] == "ecr:PutImage denied"
    ecr.set_repository_policy(repositoryName="shop/web", policyText=_policy(roots, "ecr:BatchGetImage"))
    assert failure(checks.pull_granted, session, "shop/web", PARTNERS)["expected"] == "ecr:GetDownloadUrlForLayer allowed"
