"""Read a failed check's message back by its labels, for tests that pin the learner's text."""

from __future__ import annotations

import pytest

from grader.errors import CheckFailed


def failure(check, *args, **kwargs) -> dict[str, str]:
    """Run a check that must fail; return its message's lines by label."""
    with pytest.raises(CheckFailed) as caught:
        check(*args, **kwargs)
    what, expected, found, hint = str(caught.value).splitlines()
    assert expected.startswith("  Expected: ") and found.startswith("  Found:    ")
    assert hint.startswith("  Next:     ")
    return {"what": what, "expected": expected[12:], "found": found[12:], "next": hint[12:],
            "error": caught.value}
