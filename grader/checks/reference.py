"""Compare a learner's function with the course's reference implementation, case by case.

Used where moto stores configuration but simulates no behaviour (reachability, alarm
evaluation, ...): the learner writes the evaluator, the test runs it next to ``grader.sim``.
"""

from __future__ import annotations

from grader.errors import CheckFailed

DISAGREES = ("{name} agrees with the course's reference on {agree} of {total} cases; "
             "first miss: {case}")
DEFAULT_HINT = ("Work through this case by hand, one layer at a time, and find where your "
                "function's answer departs from it.")


def agrees_with_reference(function, reference, cases, *, name: str, describe=repr,
                          hint: str = DEFAULT_HINT) -> None:
    """Call ``function(*case)`` and ``reference(*case)`` for every case (a tuple of arguments)
    and fail on any disagreement, naming the first case that disagrees (through ``describe``)
    and how many agree. An exception from ``function`` counts as an answer, reported as
    ``raised ValueError: ...``; one from ``reference`` is a grader bug and propagates."""
    cases = [tuple(case) for case in cases]
    if not cases:
        raise ValueError("agrees_with_reference needs at least one case")
    agree, first_miss = 0, None
    for case in cases:
        expected = reference(*case)
        try:
            answer = function(*case)
        except Exception as error:  # noqa: BLE001 -- the learner's error is the answer shown
            found, same = f"raised {type(error).__name__}: {error}", False
        else:
            found, same = repr(answer), _same(answer, expected)
        if same:
            agree += 1
        elif first_miss is None:
            first_miss = case, expected, found
    if first_miss is not None:
        case, expected, found = first_miss
        raise CheckFailed(
            DISAGREES.format(name=name, agree=agree, total=len(cases), case=describe(case)),
            expected=repr(expected), found=found, hint=hint)


def _same(answer, expected) -> bool:
    """Equal, without letting an odd ``__eq__`` (arrays, objects that raise) crash the check."""
    try:
        return bool(answer == expected)
    except Exception:  # noqa: BLE001 -- not comparable means not the same answer
        return False
