# ruff: noqa: E501 -- table rows, one case a line
"""Tests for grader/sim/ecr_lifecycle.py: AWS's lifecycle-policy rules (validation, selection,
priority and protection), from tables."""

from datetime import UTC, datetime, timedelta

import pytest

from grader.sim.ecr_lifecycle import expired, facts_rows, problems, release_policy, selects

NOW = datetime(2026, 11, 2, tzinfo=UTC)
case = pytest.param


def img(name, tags=(), days=1.0):
    return {"imageDigest": f"sha256:{name}", "imageTags": list(tags), "imagePushedAt": NOW - timedelta(days=days)}


def rule(priority, count_type="imageCountMoreThan", number=1, action="expire", **selection):
    count = {"countType": count_type, "countNumber": number}
    if count_type != "imageCountMoreThan":
        count["countUnit"] = "days"
    return {"rulePriority": priority, "selection": {**selection, **count}, "action": {"type": action}}


@pytest.mark.parametrize(("selection", "tags", "expected"), [
    case({"tagStatus": "any"}, [], True, id="any-takes-untagged"),
    case({"tagStatus": "untagged"}, ["v1"], False, id="untagged-skips-tagged"),
    case({"tagStatus": "tagged", "tagPrefixList": ["v2", "prod"]}, ["v2.1", "prod-3"], True, id="prefixes-all-met"),
    case({"tagStatus": "tagged", "tagPrefixList": ["v2", "prod"]}, ["v2.1"], False, id="prefixes-are-and"),
    case({"tagStatus": "tagged", "tagPatternList": ["v*.0"]}, ["v1.2.0"], True, id="pattern-wildcard"),
    case({"tagStatus": "tagged", "tagPatternList": ["v*.0"]}, ["v1.2.01"], False, id="pattern-is-whole-tag"),
    case({"tagStatus": "tagged", "tagPatternList": ["a.c"]}, ["abc"], False, id="dot-is-literal"),
])
def test_selects(selection, tags, expected):
    assert selects(selection, tags) is expected


@pytest.mark.parametrize(("policy", "expected"), [
    case(release_policy(7, 5, "v"), [], id="course-answer-valid"),
    case({"rules": []}, ['a lifecycle policy is {"rules": [...]} with at least one rule'], id="no-rules"),
    case({"rules": [rule(1, tagStatus="tagged")]},
         ['rule 1: tagStatus "tagged" needs exactly one of tagPrefixList or tagPatternList'], id="tagged-needs-list"),
    case({"rules": [{**rule(1, tagStatus="any"), "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                                                               "countUnit": "days", "countNumber": 2}}]},
         ["rule 1: imageCountMoreThan takes no countUnit"], id="count-unit-on-count"),
    case({"rules": [rule(1, tagStatus="untagged"), rule(2, tagStatus="untagged")]},
         ["only one rule may select untagged images"], id="two-untagged"),
    case({"rules": [rule(5, tagStatus="any"), rule(9, tagStatus="untagged")]},
         ['a rule with tagStatus "any" must have the highest rulePriority'], id="any-not-last"),
    case({"rules": [rule(1, tagStatus="untagged"), rule(1, tagStatus="tagged", tagPrefixList=["v"])]},
         ["every rule needs its own rulePriority"], id="duplicate-priority"),
    case({"rules": [rule(1, number=0, tagStatus="any")]}, ["rule 1: countNumber must be a whole number from 1"],
         id="count-zero"),
    case({"rules": [rule(1, tagStatus="tagged", tagPatternList=["*a*b*c*d*"])]},
         ["rule 1: a tagPatternList entry may hold at most 4 wildcards"], id="five-wildcards"),
])
def test_problems(policy, expected):
    assert problems(policy) == expected


IMAGES = [img("u-old", days=10), img("u-new", days=2), img("v1", ["v1.0.0"], 30), img("v2", ["v1.1.0"], 20),
          img("v3", ["v1.2.0"], 10), img("dev", ["dev-7"], 40), img("both", ["v2.0.0", "prod"], 35)]


@pytest.mark.parametrize(("rules", "expected"), [
    case([rule(1, "sinceImagePushed", 7, tagStatus="untagged")], ["u-old"], id="untagged-by-age"),
    case([rule(1, number=2, tagStatus="tagged", tagPrefixList=["v1"])], ["v1"], id="keep-newest-two"),
    case([rule(1, number=2, tagStatus="tagged", tagPrefixList=["v"])], ["both", "v1"], id="prefix-v-takes-v2"),
    case([rule(2, number=1, tagStatus="any"), rule(1, number=9, tagStatus="tagged", tagPrefixList=["v"])],
         ["dev", "u-old"], id="earlier-rule-protects-what-it-keeps"),
    case([rule(1, number=1, tagStatus="tagged", tagPrefixList=["v"]), rule(2, number=4, tagStatus="any")],
         ["both", "dev", "v1", "v2"], id="later-rule-counts-protected-images"),
    case([rule(1, "sinceImagePushed", 30, tagStatus="any")], ["both", "dev"], id="exactly-30-days-stays"),
    case([rule(1, "sinceImagePulled", 1, tagStatus="any")], [], id="pull-based-not-modelled"),
    case([rule(1, "sinceImagePushed", 1, "transition", tagStatus="any")], [], id="transition-deletes-nothing"),
])
def test_expired(rules, expected):
    assert expired({"rules": rules}, IMAGES, NOW) == [f"sha256:{name}" for name in sorted(expected)]


def test_release_policy_keeps_other_tags():
    gone = expired(release_policy(7, 1, "v"), IMAGES, NOW)
    assert gone == sorted(f"sha256:{n}" for n in ("u-old", "v1", "v2", "both"))


def test_facts_rows_are_dated_with_a_source():
    rows = facts_rows()
    assert rows and all(set(r) == {"fact", "value (as of 2026-11)", "source"} for r in rows)
