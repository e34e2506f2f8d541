"""Compare a learner's function with the course's reference implementation, case by case or
along one sequence whose items depend on the ones before (a rate counted over time).

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


SEQUENCE_LENGTH = "{name} returns one answer per item of the sequence ({total} items)"
SEQUENCE_DISAGREES = ("{name} agrees with the course's reference on {agree} of {total} items "
                      "of one sequence; first miss: {item}")


def sequence_agrees_with_reference(function, reference, args, *, name: str, describe,
                                   hint: str = DEFAULT_HINT) -> None:
    """Call ``function(*args)`` and ``reference(*args)`` once each, where both answer a whole
    sequence at once (state carries from item to item, e.g. a rate counted over time), and fail
    on the first position where their answers differ, named through ``describe(index)``.
    An exception from ``function`` or an answer of the wrong length is reported as such."""
    expected = list(reference(*args))
    what = SEQUENCE_LENGTH.format(name=name, total=len(expected))
    try:
        answer = function(*args)
    except Exception as error:  # noqa: BLE001 -- the learner's error is the answer shown
        raise CheckFailed(what, expected=f"a list of {len(expected)} answers",
                          found=f"raised {type(error).__name__}: {error}", hint=hint) from None
    if not isinstance(answer, (list, tuple)):
        raise CheckFailed(what, expected=f"a list of {len(expected)} answers",
                          found=f"{answer!r:.80} (a {type(answer).__name__})",
                          hint="End your function with `return` and the list of answers.")
    if len(answer) != len(expected):
        raise CheckFailed(what, expected=f"a list of {len(expected)} answers",
                          found=f"{len(answer)} answers", hint=hint)
    misses = [i for i, (a, e) in enumerate(zip(answer, expected, strict=True)) if not _same(a, e)]
    if misses:
        first = misses[0]
        raise CheckFailed(
            SEQUENCE_DISAGREES.format(name=name, agree=len(expected) - len(misses),
                                      total=len(expected), item=describe(first)),
            expected=repr(expected[first]), found=repr(answer[first]), hint=hint)
