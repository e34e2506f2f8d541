"""The ``Condition`` element of an IAM policy statement, decided against a request context.

Used by ``grader.sim.iam``; pure (no boto3, no moto). Semantics, as documented by AWS (IAM User
Guide, "Condition operators" and "Conditions with multiple context keys or values", as of 2026):

- Operators in one block are ANDed, keys under one operator are ANDed, the values listed for one
  key are ORed; for a negated operator (``StringNotEquals``, ``NotIpAddress``, ...) they are NORed.
- A key missing from the request makes a positive operator false and a negated one true.
  ``...IfExists`` makes the operator true when the key is missing; ``Null`` tests presence only.
- ``ForAnyValue:`` holds if at least one request value matches (false when the key is missing or
  empty); ``ForAllValues:`` if every request value matches (true when missing or empty).
- Condition keys are case-insensitive; values follow the operator (``StringEquals`` is case
  sensitive, ``StringEqualsIgnoreCase`` is not). Policy variables are substituted in string,
  ARN and Bool values only.

Not modelled: ``BinaryEquals``, and keys whose values AWS derives from the resource itself
(tags of the resource are read from the request context like any other key).
"""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime
from functools import lru_cache

from grader.errors import PolicyError

_NEGATED = {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "NumericNotEquals",
            "DateNotEquals", "NotIpAddress", "ArnNotEquals", "ArnNotLike"}
_STRING = {"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
           "StringLike", "StringNotLike"}
_NUMERIC = {"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
            "NumericGreaterThan", "NumericGreaterThanEquals"}
_DATE = {op.replace("Numeric", "Date") for op in _NUMERIC}
_ARN = {"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"}
_IP = {"IpAddress", "NotIpAddress"}
OPERATORS = frozenset(_STRING | _NUMERIC | _DATE | _ARN | _IP | {"Bool", "Null"})
#: Operators whose values may hold policy variables (``${aws:username}``).
TAKES_VARIABLES = frozenset(_STRING | _ARN | {"Bool"})


#: Around a substituted policy variable's value (see ``grader.sim.iam.substitute``): matched
#: literally, so a ``*`` in a tag value is not a wildcard.
LITERAL_START, LITERAL_END = "\0", "\1"


def glob(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    """IAM wildcard match: ``*`` any run of characters (``/`` and ``:`` included), ``?`` one."""
    return _compiled(pattern, ignore_case).fullmatch(text) is not None


def plain(value: str) -> str:
    """A substituted value without its literal markers, for exact comparisons."""
    return value.replace(LITERAL_START, "").replace(LITERAL_END, "")


@lru_cache(maxsize=4096)
def _compiled(pattern: str, ignore_case: bool) -> re.Pattern:
    parts = re.split(f"{LITERAL_START}|{LITERAL_END}", pattern)  # odd indexes: literal values
    body = "".join(re.escape(part) if i % 2 else
                   "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in part)
                   for i, part in enumerate(parts))
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def split_operator(name: str) -> tuple[str | None, str, bool]:
    """``"ForAllValues:StringLikeIfExists"`` -> ``("ForAllValues", "StringLike", True)``;
    a PolicyError for an operator AWS does not know."""
    qualifier, _, operator = name.rpartition(":")
    if qualifier not in ("", "ForAnyValue", "ForAllValues"):
        raise PolicyError(f"Unknown set operator {qualifier!r} in condition {name!r}")
    if_exists = operator.endswith("IfExists") and operator != "IfExists"
    base = operator[: -len("IfExists")] if if_exists else operator
    if base not in OPERATORS or (base == "Null" and if_exists):
        raise PolicyError(f"Unknown condition operator {name!r}")
    return qualifier or None, base, if_exists


def _as_list(value) -> list:
    return list(value) if isinstance(value, list | tuple) else [value]


def _text(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _date(value) -> datetime | None:
    """ISO 8601 (a trailing Z accepted, naive means UTC) or epoch seconds."""
    number = _number(value)
    if number is not None:
        return datetime.fromtimestamp(number, UTC)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _ip_in(address, network) -> bool:
    try:
        return ipaddress.ip_address(str(address)) in ipaddress.ip_network(str(network), strict=False)
    except ValueError:  # not an address, or IPv4 against an IPv6 range
        return False


def _arn_like(pattern: str, arn: str) -> bool:
    """ARN operators compare the six colon-separated parts one by one, wildcards allowed."""
    want, have = pattern.split(":", 5), str(arn).split(":", 5)
    return len(want) == len(have) == 6 and all(glob(w, h) for w, h in zip(want, have, strict=True))


_COMPARE = {"Equals": lambda a, b: a == b, "LessThan": lambda a, b: a < b,
            "LessThanEquals": lambda a, b: a <= b, "GreaterThan": lambda a, b: a > b,
            "GreaterThanEquals": lambda a, b: a >= b}


def _positive(base: str, policy_value, request_value) -> bool:
    """Whether one request value matches one policy value, before negation."""
    if policy_value is None:  # a policy variable the request cannot fill
        return False
    positive = base.replace("Not", "", 1) if base in _NEGATED else base
    if positive == "StringEquals":
        return _text(request_value) == plain(_text(policy_value))
    if positive in ("StringEqualsIgnoreCase", "Bool"):
        return _text(request_value).lower() == plain(_text(policy_value)).lower()
    if positive == "StringLike":
        return glob(_text(policy_value), _text(request_value))
    if positive in ("ArnEquals", "ArnLike"):
        return _arn_like(_text(policy_value), _text(request_value))
    if positive == "IpAddress":
        return _ip_in(request_value, policy_value)
    kind, convert = ("Numeric", _number) if positive.startswith("Numeric") else ("Date", _date)
    a, b = convert(request_value), convert(policy_value)
    return a is not None and b is not None and _COMPARE[positive[len(kind):]](a, b)


def operator_holds(name: str, policy_values, request_values: list | None) -> bool:
    """One ``operator: {key: values}`` entry for one key. ``request_values`` is None when the
    key is missing from the request, else the list of its values (one for a single-valued key);
    ``policy_values`` have their variables substituted already (None: unresolvable)."""
    qualifier, base, if_exists = split_operator(name)
    wanted = _as_list(policy_values)
    if base == "Null":
        return any(_text(v).lower() == ("true" if request_values is None else "false") for v in wanted)
    if request_values is None or (qualifier and not request_values):
        if if_exists:
            return True
        if qualifier:
            return qualifier == "ForAllValues"
        return base in _NEGATED

    def one(value) -> bool:
        hit = any(_positive(base, policy_value, value) for policy_value in wanted)
        return not hit if base in _NEGATED else hit

    if qualifier == "ForAllValues":
        return all(one(value) for value in request_values)
    if qualifier == "ForAnyValue":
        return any(one(value) for value in request_values)
    # A single-valued operator on a multivalued key: any value for a positive operator,
    # none for a negated one (AWS policy validation warns against this shape).
    return (all if base in _NEGATED else any)(one(value) for value in request_values)
