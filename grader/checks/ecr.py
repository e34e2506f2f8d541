"""Checks on Amazon ECR: a repository's protections, an image pushed and found by tag and
digest, lifecycle policies judged by ``grader.sim.ecr_lifecycle`` (moto never applies them),
scan-finding triage against ``grader.sim.ecr_scan``, and who a repository policy lets in
(``grader.sim.iam``: moto stores repository policies and enforces none of them).
"""

from __future__ import annotations

import math

import pandas as pd
from botocore.exceptions import ClientError

from grader.checks.base import Message, require_dict
from grader.checks.reference import agrees_with_reference
from grader.sim import ecr_lifecycle as lifecycle
from grader.sim import ecr_scan as scan
from grader.sim.iam import Request, evaluate
from grader.state.ecr import read_policy, read_repository

NO_REPOSITORY = Message(
    "Repository {name} exists", "a private repository named {name}", "no such repository",
    "Call create_repository(repositoryName=...) with the name you were given.")
NOT_PROTECTED = Message(
    "Repository {name} refuses tag overwrites and scans every push", "{expected}", "{found}",
    "{hint}")
HINT_MUTABLE = ("With MUTABLE tags anyone who can push can move v1.2.0 to a different image, and "
                "what you deploy is no longer what you tested: pass imageTagMutability=\"IMMUTABLE\".")
HINT_SCAN = "Pass imageScanningConfiguration={\"scanOnPush\": True}."
NOT_ENCRYPTED = Message(
    "Repository {name} is encrypted with the team's KMS key", "encryptionType KMS, kmsKey {key}",
    "encryptionType {kind}, kmsKey {found}",
    "Encryption is fixed when the repository is created: pass encryptionConfiguration="
    "{{\"encryptionType\": \"KMS\", \"kmsKey\": ...}} to create_repository.")
RETURNED = Message("{what}", "{expected}", "{found}", "{hint}")
NOT_FOUND_BY = Message(
    "The image is found by {how} in {name}", "{expected}", "{found}",
    "Push the manifest once per tag with put_image (same manifest, another imageTag) and return "
    "the imageDigest ECR answered with.")
NO_POLICY = Message(
    "Repository {name} has a lifecycle policy", "a policy set with put_lifecycle_policy", "none",
    "Call put_lifecycle_policy(repositoryName=..., lifecyclePolicyText=json.dumps(policy)).")
REJECTED = Message(
    "AWS would accept the lifecycle policy of {name}", "a valid policy", "{problems}",
    "moto accepted it, but AWS would reject it: see the rules table of section 1.")
BEHAVES = Message(
    "The lifecycle policy of {name} expires what was asked on {cases} image lists; first miss: {case}",
    "expired: {expected}", "expired: {found}",
    "Expire untagged images after the given days, keep only the newest releases, touch nothing else.")
FIX_FIRST = Message("fix_first's table for {name}:{tag}", "{expected}", "{found}", "{hint}")
ACCESS = Message(
    "{who} may {verb} {name}", "{expected}", "{found}", "{hint}")
HINT_PULL = ("Allow ecr:BatchGetImage, ecr:GetDownloadUrlForLayer and ecr:BatchCheckLayerAvailability "
             "to each account's root principal (arn:aws:iam::<account>:root).")
HINT_OPEN = ("A repository policy is a door into your account: name the accounts you were given as "
             "Principal (never \"*\") and grant only the three pull actions.")

PULL_ACTIONS = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability")
PUSH_ACTIONS = ("ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
                "ecr:CompleteLayerUpload", "ecr:BatchDeleteImage", "ecr:SetRepositoryPolicy",
                "ecr:DeleteRepository", "ecr:PutLifecyclePolicy")
ANYTHING = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def _repository(session, name: str) -> dict:
    repository = read_repository(session, name)
    if repository is None:
        raise NO_REPOSITORY.fail(name=name)
    return repository


def repository_protected(session, name: str) -> None:
    """Tags cannot be overwritten (IMMUTABLE) and every push is scanned."""
    repository = _repository(session, name)
    mutability = repository.get("imageTagMutability")
    if mutability != "IMMUTABLE":
        raise NOT_PROTECTED.fail(name=name, expected="imageTagMutability IMMUTABLE",
                                 found=f"imageTagMutability {mutability}", hint=HINT_MUTABLE)
    if not repository.get("imageScanningConfiguration", {}).get("scanOnPush"):
        raise NOT_PROTECTED.fail(name=name, expected="scanOnPush True", found="scanOnPush False",
                                 hint=HINT_SCAN)


def repository_encrypted(session, name: str, key_id: str) -> None:
    """Encrypted with the given customer managed key (an id, ARN or alias of it)."""
    encryption = _repository(session, name).get("encryptionConfiguration", {})
    kms = session.client("kms")
    wanted = kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]
    found = encryption.get("kmsKey")
    try:
        actual = kms.describe_key(KeyId=found)["KeyMetadata"]["Arn"] if found else None
    except ClientError:  # the AWS managed key aws/ecr, which moto names but does not create
        actual = found
    if encryption.get("encryptionType") != "KMS" or actual != wanted:
        raise NOT_ENCRYPTED.fail(name=name, key=wanted, kind=encryption.get("encryptionType"), found=found)


def returns_uri(value, session, name: str) -> None:
    """``value`` is the repository's URI, the address docker pushes to."""
    uri = _repository(session, name)["repositoryUri"]
    if value != uri:
        raise RETURNED.fail(what="create_app_repository returns the repository URI", expected=repr(uri),
                            found=repr(value), hint="Return response[\"repository\"][\"repositoryUri\"].")


def image_pushed(session, name: str, result, tags) -> None:
    """``result["digest"]`` names one image of the repository that carries every tag in ``tags``."""
    result = require_dict(result, "push_image's return value", '{"digest": ..., "uri": ...}')
    digest = result.get("digest")
    found = session.client("ecr").describe_images(repositoryName=name)["imageDetails"]
    by_digest = next((i for i in found if i["imageDigest"] == digest), None)
    if by_digest is None:
        raise NOT_FOUND_BY.fail(how="the digest returned", name=name,
                                expected=f"an image with digest {digest!r}",
                                found=", ".join(i["imageDigest"][:19] + "..." for i in found) or "no image")
    missing = sorted(set(tags) - set(by_digest.get("imageTags", ())))
    if missing:
        raise NOT_FOUND_BY.fail(how="every tag", name=name, expected=f"tags {sorted(tags)}",
                                found=f"tags {sorted(by_digest.get('imageTags', ()))}")


def pinned_uri(session, name: str, result) -> None:
    """``result["uri"]`` is the repository URI pinned by the image's digest (``repo@sha256:...``)."""
    result = require_dict(result, "push_image's return value", '{"digest": ..., "uri": ...}')
    uri = f"{_repository(session, name)['repositoryUri']}@{result.get('digest')}"
    if result.get("uri") != uri:
        raise RETURNED.fail(what="push_image returns a URI pinned by digest", expected=repr(uri),
                            found=repr(result.get("uri")),
                            hint="Join the repository URI and the digest with '@' (not ':' and a tag).")


def lifecycle_policy_valid(session, name: str) -> None:
    """The repository has a lifecycle policy, one AWS would accept."""
    policy = read_policy(session, name, "lifecycle")
    if policy is None:
        raise NO_POLICY.fail(name=name)
    found = lifecycle.problems(policy)
    if found:
        raise REJECTED.fail(name=name, problems="; ".join(found))


def lifecycle_policy_behaves(session, name: str, untagged_days: int, keep_releases: int,
                             release_prefix: str, cases) -> None:
    """On every ``(images, now)`` case the repository's policy expires exactly what the course's
    release policy expires."""
    policy = read_policy(session, name, "lifecycle")
    if policy is None:
        raise NO_POLICY.fail(name=name)
    reference = lifecycle.release_policy(untagged_days, keep_releases, release_prefix)
    cases = list(cases)
    for images, now in cases:
        expected, found = lifecycle.expired(reference, images, now), lifecycle.expired(policy, images, now)
        if expected != found:
            raise BEHAVES.fail(name=name, cases=len(cases), case=describe_images(images, now),
                               expected=_tags_of(expected, images), found=_tags_of(found, images))


def _tags_of(digests, images) -> str:
    names = {i["imageDigest"]: ",".join(i["imageTags"]) or "<untagged>" for i in images}
    return "[" + ", ".join(names[d] for d in digests) + "]" if digests else "nothing"


def describe_images(images, now) -> str:
    """Images as 'tags (age in days)', short enough for a message."""
    return ", ".join(f"{','.join(i['imageTags']) or '<untagged>'} ({(now - i['imagePushedAt']).days} d)"
                     for i in images)


def _describe_case(case) -> str:
    policy, images, now = case
    rules = "; ".join(f"{r['rulePriority']}: {_selection_text(r['selection'])}"
                      for r in sorted(policy["rules"], key=lambda r: r["rulePriority"]))
    return f"rules [{rules}] on images [{describe_images(images, now)}]"


def _selection_text(selection) -> str:
    lists = selection.get("tagPrefixList") or selection.get("tagPatternList") or ()
    count = (f"keep {selection['countNumber']}" if selection["countType"] == "imageCountMoreThan"
             else f"> {selection['countNumber']} d")
    return f"{selection['tagStatus']} {list(lists) if lists else ''} {count}".replace("  ", " ")


def _labels(digests, images, now) -> list[str]:
    """Digests as 'tags, age, short digest', so a learner can find the image in the case."""
    by_digest = {i["imageDigest"]: i for i in images}
    labels = []
    for digest in digests:
        image = by_digest.get(digest)
        if image is None:
            labels.append(f"{digest!r} (not an image of the case)")
        else:
            tags = ",".join(image["imageTags"]) or "<untagged>"
            labels.append(f"{tags} ({(now - image['imagePushedAt']).days} d, {digest[7:13]})")
    return labels


def lifecycle_evaluator_agrees(function, cases) -> None:
    """The learner's ``expired_images(policy, images, now)`` against the simulator."""
    agrees_with_reference(
        lambda policy, images, now: _labels(sorted(function(policy, images, now)), images, now),
        lambda policy, images, now: _labels(lifecycle.expired(policy, images, now), images, now),
        cases, name="expired_images",
        describe=_describe_case,
        hint="Walk the rules in rulePriority order; remember which images earlier rules selected.")


def triage_agrees(function, session, name: str, tag: str, findings) -> None:
    """The learner's ``fix_first(session, name, tag)`` table against the reference triage."""
    expected = pd.DataFrame(scan.fix_first(findings), columns=list(scan.COLUMNS))
    found = function(session, name, tag)
    if not isinstance(found, pd.DataFrame):
        raise FIX_FIRST.fail(name=name, tag=tag, expected="a DataFrame", found=type(found).__name__,
                             hint="Return the DataFrame you built (end with `return table`).")
    if list(found.columns) != list(scan.COLUMNS):
        raise FIX_FIRST.fail(name=name, tag=tag, expected=f"columns {list(scan.COLUMNS)}",
                             found=f"columns {list(found.columns)}",
                             hint="Name and order the columns as asked.")
    rows = [tuple(r) for r in found.reset_index(drop=True).itertuples(index=False)]
    want = [tuple(r) for r in expected.itertuples(index=False)]
    if len(rows) != len(want) or any(not _same_row(a, b) for a, b in zip(rows, want, strict=False)):
        first = next((i for i, (a, b) in enumerate(zip(rows, want, strict=False)) if not _same_row(a, b)),
                     min(len(rows), len(want)))
        raise FIX_FIRST.fail(
            name=name, tag=tag, expected=f"{len(want)} rows; row {first}: {_row(want, first)}",
            found=f"{len(rows)} rows; row {first}: {_row(rows, first)}",
            hint="Keep CRITICAL and HIGH only, count distinct CVE names per package version, "
                 "then sort: critical, high, worst_score (all descending), package.")


def _same_row(a, b) -> bool:
    return all(x == y or (isinstance(x, float) and isinstance(y, float) and math.isclose(x, y))
               for x, y in zip(a, b, strict=True)) and len(a) == len(b)


def _row(rows, index) -> str:
    return repr(tuple(rows[index])) if index < len(rows) else "none"


def _can(policy, action: str, principal: str | None, resource: str) -> bool:
    owner = resource.split(":")[4]
    request = Request(action, resource, principal, resource_account=owner)
    return evaluate(request, identity=[ANYTHING] if principal else (), resource=policy).allowed


def _principal(account: str) -> str:
    return f"arn:aws:iam::{account}:role/deployer"


def pull_granted(session, name: str, accounts) -> None:
    """A role in each account (whose own IAM policies allow everything) can pull from the
    repository, by the repository policy."""
    arn = _repository(session, name)["repositoryArn"]
    policy = read_policy(session, name, "repository")
    for account in accounts:
        for action in PULL_ACTIONS:
            if policy is None or not _can(policy, action, _principal(account), arn):
                raise ACCESS.fail(who=f"A role of account {account}", verb="pull from", name=name,
                                  expected=f"{action} allowed", found="denied" if policy else "no policy",
                                  hint=HINT_PULL)


def pull_only(session, name: str, accounts, outsiders) -> None:
    """Nobody else can pull, and nobody (the partners included) can push, delete or re-write
    the policy through it."""
    arn = _repository(session, name)["repositoryArn"]
    policy = read_policy(session, name, "repository") or {"Statement": []}
    callers = [(f"A role of account {a}", _principal(a)) for a in outsiders] + [("An anonymous caller", None)]
    for who, principal in callers:
        for action in PULL_ACTIONS:
            if _can(policy, action, principal, arn):
                raise ACCESS.fail(who=who, verb="pull from", name=name, expected=f"{action} denied",
                                  found="allowed", hint=HINT_OPEN)
    for account in accounts:
        for action in PUSH_ACTIONS:
            if _can(policy, action, _principal(account), arn):
                raise ACCESS.fail(who=f"A role of account {account}", verb="change", name=name,
                                  expected=f"{action} denied", found="allowed", hint=HINT_OPEN)

