"""What every service's checks share: the message shape and checks of a learner's return value.

A service module (``ec2.py``, ``iam.py``, ...) declares its templates as :class:`Message`
constants beside the check that raises them; these three are the ones every module needs.
"""

from __future__ import annotations

from typing import NamedTuple

from grader.errors import CheckFailed


class Message(NamedTuple):
    """Templates for the four lines of a ``CheckFailed``, filled in with ``str.format``."""

    what: str
    expected: str
    found: str
    hint: str

    def fail(self, **values) -> CheckFailed:
        what, expected, found, hint = (part.format(**values) for part in self)
        return CheckFailed(what, expected=expected, found=found, hint=hint)


NOT_A_DICT = Message(
    "{what}", "a dict {shape}", "{value!r} (a {type})",
    "End your function with `return` and the dict: a function without return gives None.")
NOT_AN_ID = Message(
    "{what}", "{article} {kind} id, a string like '{prefix}-0123456789abcdef0'", "{value!r} (a {type})",
    "Return the id from the create call's response, e.g. response{path}.")
NOT_FOUND = Message(
    "{kind} {resource_id} exists", "the id of a {kind} in this mock AWS account",
    "{resource_id} does not exist ({code})",
    "Return the id your function created, taken from the create call's response.")


def require_dict(value, what: str, shape: str) -> dict:
    """``value`` itself, or a learner message when a function returned something else (None)."""
    if not isinstance(value, dict):
        raise NOT_A_DICT.fail(what=what, shape=shape, value=value, type=type(value).__name__)
    return value
