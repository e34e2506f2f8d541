"""Tests for grader/sim/iam_conditions.py: one condition operator on one key.

Rows follow the IAM User Guide's "Condition operators" and "Conditions with multiple context keys
or values" (as of 2026): missing keys, IfExists, Null, negated operators (NOR over the policy's
values), ForAnyValue/ForAllValues over multivalued keys such as aws:TagKeys.
"""

import pytest

from grader.errors import PolicyError
from grader.sim.iam_conditions import glob, operator_holds, split_operator

MISSING = None


@pytest.mark.parametrize("operator, policy_values, request_values, expected", [
    # strings
    pytest.param("StringEquals", "eu-west-1", ["eu-west-1"], True, id="string-equals"),
    pytest.param("StringEquals", "EU-west-1", ["eu-west-1"], False, id="string-equals-case-sensitive"),
    pytest.param("StringEquals", "eu-*", ["eu-west-1"], False, id="string-equals-no-wildcards"),
    pytest.param("StringEqualsIgnoreCase", "EU-west-1", ["eu-west-1"], True, id="ignore-case"),
    pytest.param("StringLike", ["reports/*", ""], ["reports/2026/"], True, id="like-any-value"),
    pytest.param("StringLike", ["reports/*"], [""], False, id="like-empty-prefix"),
    pytest.param("StringNotEquals", ["a", "b"], ["c"], True, id="not-equals-nor-true"),
    pytest.param("StringNotEquals", ["a", "b"], ["b"], False, id="not-equals-nor-false"),
    pytest.param("StringNotLike", "tmp/*", ["tmp/x"], False, id="not-like"),
    # missing keys
    pytest.param("StringEquals", "x", MISSING, False, id="missing-key-positive-false"),
    pytest.param("StringNotEquals", "x", MISSING, True, id="missing-key-negated-true"),
    pytest.param("NotIpAddress", "203.0.113.0/24", MISSING, True, id="missing-ip-negated-true"),
    pytest.param("StringEqualsIfExists", "x", MISSING, True, id="ifexists-missing-true"),
    pytest.param("StringEqualsIfExists", "x", ["y"], False, id="ifexists-present-checked"),
    pytest.param("BoolIfExists", "false", MISSING, True, id="boolifexists-missing"),
    pytest.param("Bool", "false", MISSING, False, id="bool-missing"),
    pytest.param("Null", "true", MISSING, True, id="null-true-when-missing"),
    pytest.param("Null", "true", ["v"], False, id="null-true-when-present"),
    pytest.param("Null", "false", ["v"], True, id="null-false-when-present"),
    # booleans, numbers, dates
    pytest.param("Bool", "true", [True], True, id="bool-python-true"),
    pytest.param("Bool", "TRUE", ["true"], True, id="bool-ignores-case"),
    pytest.param("NumericLessThanEquals", "3600", ["3599"], True, id="numeric-le"),
    pytest.param("NumericLessThan", "3600", ["3600"], False, id="numeric-lt-strict"),
    pytest.param("NumericGreaterThan", "10", ["abc"], False, id="numeric-not-a-number"),
    pytest.param("NumericNotEquals", "10", ["11"], True, id="numeric-not-equals"),
    pytest.param("DateLessThan", "2026-12-31T23:59:59Z", ["2026-06-01T00:00:00Z"], True, id="date-lt"),
    pytest.param("DateGreaterThan", "2026-01-01T00:00:00Z", ["1767225601"], True, id="date-epoch"),
    pytest.param("DateEquals", "2026-01-01T00:00:00Z", ["2026-01-01T00:00:00+00:00"], True,
                 id="date-timezones"),
    # addresses and ARNs
    pytest.param("IpAddress", ["203.0.113.0/24", "198.51.100.7"], ["198.51.100.7"], True, id="ip-bare-is-32"),
    pytest.param("IpAddress", "203.0.113.0/24", ["2001:db8::1"], False, id="ip-other-family"),
    pytest.param("IpAddress", "203.0.113.0/24", ["not-an-ip"], False, id="ip-garbage"),
    pytest.param("ArnLike", "arn:aws:iam::*:role/ci-*", ["arn:aws:iam::111122223333:role/ci-deploy"], True,
                 id="arn-like"),
    pytest.param("ArnLike", "arn:aws:iam::*:role/ci-*", ["arn:aws:sts::111122223333:role/ci-x"], False,
                 id="arn-like-part-by-part"),
    pytest.param("ArnEquals", "arn:aws:sns:*:111122223333:alerts",
                 ["arn:aws:sns:eu-west-1:111122223333:alerts"], True, id="arn-equals-takes-wildcards"),
    pytest.param("ArnNotLike", "arn:aws:iam::*:role/admin", ["arn:aws:iam::1:role/ci"], True,
                 id="arn-not-like"),
    # multivalued keys (aws:TagKeys)
    pytest.param("ForAllValues:StringEquals", ["env", "team"], ["env"], True, id="for-all-subset"),
    pytest.param("ForAllValues:StringEquals", ["env", "team"], ["env", "owner"], False, id="for-all-extra"),
    pytest.param("ForAllValues:StringEquals", ["env", "team"], MISSING, True, id="for-all-missing-is-true"),
    pytest.param("ForAllValues:StringEquals", ["env", "team"], [], True, id="for-all-empty-is-true"),
    pytest.param("ForAnyValue:StringEquals", ["env", "team"], ["env", "owner"], True, id="for-any-one"),
    pytest.param("ForAnyValue:StringEquals", ["env", "team"], MISSING, False, id="for-any-missing-false"),
    pytest.param("ForAnyValue:StringEquals", ["env"], [], False, id="for-any-empty-false"),
    pytest.param("ForAllValues:StringNotLike", ["secret*"], ["env", "team"], True, id="for-all-negated"),
    pytest.param("ForAnyValue:StringNotEquals", ["env"], ["env", "team"], True, id="for-any-negated"),
    pytest.param("DateGreaterThan", "2026-01-01T00:00:00Z", ["1767225600"], False, id="date-epoch-equal"),
    # a single-valued operator on a multivalued key
    pytest.param("StringEquals", "env", ["team", "env"], True, id="multivalued-positive-any"),
    pytest.param("StringNotEquals", "env", ["team", "env"], False, id="multivalued-negated-none"),
    # an unresolvable policy variable matches nothing
    pytest.param("StringEquals", [None], ["x"], False, id="unresolved-variable"),
])
def test_operator(operator, policy_values, request_values, expected):
    assert operator_holds(operator, policy_values, request_values) is expected


@pytest.mark.parametrize("name, parsed", [
    ("StringLike", (None, "StringLike", False)),
    ("ForAllValues:StringLikeIfExists", ("ForAllValues", "StringLike", True)),
    ("BoolIfExists", (None, "Bool", True)),
])
def test_split_operator(name, parsed):
    assert split_operator(name) == parsed


@pytest.mark.parametrize("name", ["StringEqual", "ForEveryValue:StringEquals", "IfExists",
                                  "BinaryEquals", "NullIfExists"])
def test_unknown_operators_are_rejected(name):
    with pytest.raises(PolicyError):
        split_operator(name)


def test_literal_markers_escape_wildcards():
    assert glob("home/\0a*b\1/*", "home/a*b/x")
    assert not glob("home/\0a*b\1/*", "home/aXb/x")


@pytest.mark.parametrize(("pattern", "value", "ignore_case", "matches"), [
    ("s3:Get*", "s3:GetObject", True, True),
    ("S3:GETOBJECT", "s3:GetObject", True, True),
    ("arn:aws:s3:::Team/*", "arn:aws:s3:::team/x", False, False),
    ("arn:aws:s3:::team/?", "arn:aws:s3:::team/x", False, True),
    ("arn:aws:s3:::team.data", "arn:aws:s3:::teamXdata", False, False),
])
def test_wildcards_are_iam_wildcards_only(pattern, value, ignore_case, matches):
    """Moved from tests/checks/test_s3_access.py with topic 21's own wildcard matcher."""
    assert glob(pattern, value, ignore_case=ignore_case) is matches
