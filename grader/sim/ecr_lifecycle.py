"""Reference Amazon ECR lifecycle policies: would AWS accept a policy, and which images would
it expire on a given day.

moto stores a lifecycle policy (after a partial schema check: ``tagged`` without a tag list and
two ``untagged`` rules are both accepted) and never applies it; its preview API is not
implemented. This module answers what AWS would do. It is pure: a policy is the dict of
``get_lifecycle_policy(...)["lifecyclePolicyText"]`` parsed, images are items of
``describe_images(...)["imageDetails"]`` (``imageDigest``, ``imageTags``, ``imagePushedAt``).

Evaluation model (Amazon ECR User Guide, "How lifecycle policies work" and "Lifecycle policy
properties", as of 2026; ``SOURCES``):

1. Rules are read by ``rulePriority``, lowest first.
2. A rule *selects* images by tag: ``untagged`` (no tag), ``any`` (every image), or ``tagged``
   with ``tagPrefixList`` (some tag starts with each prefix) or ``tagPatternList`` (some tag
   matches each pattern, ``*`` a wildcard): with several entries, an image needs all of them.
3. Of the selected images, ``imageCountMoreThan: N`` keeps the N most recently pushed and marks
   the rest; ``sinceImagePushed: N`` (days) marks those pushed more than N x 24 h before now.
4. An image is expired by one rule at most, and never by a rule after one whose tag selection
   it matched: higher-priority rules protect what they select even when they keep it. A rule
   still *counts* images that earlier rules marked (``imageCountMoreThan`` looks at the whole
   selection).

Only ``expire`` actions are modelled here; the archive storage class (``transition`` actions,
``sinceImagePulled``, ``sinceImageTransitioned``, added in 2025) is validated but not applied.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

AS_OF = "2026-11"
SOURCES = {
    "lifecycle": "https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html",
    "properties": "https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html",
    "examples": "https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html",
    "archive": "https://docs.aws.amazon.com/AmazonECR/latest/userguide/archive-image.html",
    "quotas": "https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html",
    "pricing": "https://aws.amazon.com/ecr/pricing/",
}
TAG_STATUSES = ("tagged", "untagged", "any")
COUNT_TYPES = ("imageCountMoreThan", "sinceImagePushed", "sinceImagePulled", "sinceImageTransitioned")
ACTIONS = ("expire", "transition")
MAX_WILDCARDS = 4
MAX_POLICY_CHARACTERS = 30_720

#: Dated facts the notebook shows as a table (us-east-1; checked against ``SOURCES``).
FACTS = (
    ("Private storage", "$0.10 per GB-month", "pricing"),
    ("Data transfer to AWS compute in the same Region", "free", "pricing"),
    ("Basic scanning", "free; Amazon Inspector bills enhanced scanning", "pricing"),
    ("Images per repository", "100,000 (adjustable)", "quotas"),
    ("Basic scans per 24 hours per Region", "100,000; one manual scan per image a day", "quotas"),
    ("Lifecycle policy length", "30,720 characters", "quotas"),
    ("Wildcards per tagPatternList entry", "at most 4", "properties"),
    ("Archived images", "cannot be pulled; 90-day minimum storage", "archive"),
)


def facts_rows() -> list[dict]:
    """``FACTS`` as rows for a DataFrame; ``source`` is a key of ``SOURCES``."""
    return [{"fact": fact, f"value (as of {AS_OF})": value, "source": source}
            for fact, value, source in FACTS]


# -- validation --------------------------------------------------------------------------------

def problems(policy) -> list[str]:
    """What AWS would reject in ``policy`` (empty when it would accept it)."""
    if not isinstance(policy, dict) or not isinstance(policy.get("rules"), list) or not policy["rules"]:
        return ['a lifecycle policy is {"rules": [...]} with at least one rule']
    found, priorities, untagged = [], [], 0
    for index, rule in enumerate(policy["rules"]):
        where = f"rule {index + 1}"
        if not isinstance(rule, dict):
            found.append(f"{where} is not an object")
            continue
        priority = rule.get("rulePriority")
        if not isinstance(priority, int) or isinstance(priority, bool) or priority < 1:
            found.append(f"{where}: rulePriority must be a whole number from 1")
        priorities.append(priority)
        selection, action = rule.get("selection") or {}, rule.get("action") or {}
        found += [f"{where}: {p}" for p in _selection_problems(selection)]
        if action.get("type") not in ACTIONS:
            found.append(f"{where}: action type must be one of {', '.join(ACTIONS)}")
        untagged += selection.get("tagStatus") == "untagged"
    if len(set(map(repr, priorities))) != len(priorities):
        found.append("every rule needs its own rulePriority")
    if untagged > 1:
        found.append("only one rule may select untagged images")
    rules = [r for r in policy["rules"] if isinstance(r, dict) and isinstance(r.get("rulePriority"), int)]
    anys = [r["rulePriority"] for r in rules if (r.get("selection") or {}).get("tagStatus") == "any"]
    if anys and max(anys) < max(r["rulePriority"] for r in rules):
        found.append('a rule with tagStatus "any" must have the highest rulePriority')
    return found


def _selection_problems(selection: dict) -> list[str]:
    found = []
    status = selection.get("tagStatus")
    lists = [key for key in ("tagPrefixList", "tagPatternList") if key in selection]
    if status not in TAG_STATUSES:
        found.append(f"tagStatus must be one of {', '.join(TAG_STATUSES)}")
    elif status == "tagged" and len(lists) != 1:
        found.append('tagStatus "tagged" needs exactly one of tagPrefixList or tagPatternList')
    elif status != "tagged" and lists:
        found.append(f'tagStatus "{status}" takes no tagPrefixList or tagPatternList')
    for key in lists:
        values = selection[key]
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
            found.append(f"{key} must be a non-empty list of strings")
        elif key == "tagPatternList" and any(v.count("*") > MAX_WILDCARDS for v in values):
            found.append(f"a tagPatternList entry may hold at most {MAX_WILDCARDS} wildcards")
    count_type, number = selection.get("countType"), selection.get("countNumber")
    if count_type not in COUNT_TYPES:
        found.append(f"countType must be one of {', '.join(COUNT_TYPES)}")
    elif count_type == "imageCountMoreThan" and "countUnit" in selection:
        found.append("imageCountMoreThan takes no countUnit")
    elif count_type != "imageCountMoreThan" and selection.get("countUnit") != "days":
        found.append(f'{count_type} needs countUnit "days"')
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        found.append("countNumber must be a whole number from 1")
    return found


# -- evaluation --------------------------------------------------------------------------------

def _pattern(text: str) -> re.Pattern:
    return re.compile(".*".join(re.escape(part) for part in text.split("*")))


def selects(selection: dict, tags) -> bool:
    """Whether a rule's selection picks an image with these tags."""
    tags = list(tags or ())
    status = selection.get("tagStatus")
    if status == "any":
        return True
    if status == "untagged":
        return not tags
    if "tagPrefixList" in selection:
        return all(any(t.startswith(p) for t in tags) for p in selection["tagPrefixList"])
    patterns = [_pattern(p) for p in selection.get("tagPatternList", ())]
    return bool(patterns) and all(any(p.fullmatch(t) for t in tags) for p in patterns)


def marked(selection: dict, images: list[dict], now: datetime) -> list[dict]:
    """The images of ``images`` (already selected by the rule) its count criterion marks."""
    number = selection["countNumber"]
    if selection["countType"] == "imageCountMoreThan":
        newest_first = sorted(images, key=lambda i: (i["imagePushedAt"], i["imageDigest"]), reverse=True)
        return newest_first[number:]
    if selection["countType"] == "sinceImagePushed":
        return [i for i in images if now - i["imagePushedAt"] > timedelta(days=number)]
    return []  # sinceImagePulled / sinceImageTransitioned: archive rules, not modelled


def expired(policy: dict, images: list[dict], now: datetime) -> list[str]:
    """The digests the policy's ``expire`` rules would delete on ``now``, sorted."""
    protected: set[str] = set()
    gone: set[str] = set()
    for rule in sorted(policy["rules"], key=lambda r: r["rulePriority"]):
        selection = rule["selection"]
        chosen = [i for i in images if selects(selection, i.get("imageTags"))]
        if rule.get("action", {}).get("type") == "expire":
            gone |= {i["imageDigest"] for i in marked(selection, chosen, now)} - protected
        protected |= {i["imageDigest"] for i in chosen}
    return sorted(gone)


def release_policy(untagged_days: int, keep_releases: int, release_prefix: str) -> dict:
    """The course's answer to "expire untagged images after N days, keep the last N releases"."""
    return {"rules": [
        {"rulePriority": 1, "description": f"untagged images after {untagged_days} days",
         "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                       "countUnit": "days", "countNumber": untagged_days},
         "action": {"type": "expire"}},
        {"rulePriority": 2, "description": f"keep the last {keep_releases} {release_prefix}* releases",
         "selection": {"tagStatus": "tagged", "tagPrefixList": [release_prefix],
                       "countType": "imageCountMoreThan", "countNumber": keep_releases},
         "action": {"type": "expire"}},
    ]}
