"""agrees_with_reference compares a learner's function with the reference, case by case."""

from __future__ import annotations

import pytest

from grader.checks.reference import DEFAULT_HINT, agrees_with_reference, sequence_agrees_with_reference
from grader.errors import CheckFailed
from grader.scenarios.vpc import web_app
from grader.sim.network import INTERNET, can_reach
from grader.state.ec2 import endpoint, read_network

CASES = [(1, 2), (2, 2), (3, 4)]


def reference_max(a, b):
    return max(a, b)


def lines(error: CheckFailed) -> list[str]:
    return str(error).splitlines()


def test_agrees_with_reference_passes_when_every_case_agrees():
    agrees_with_reference(lambda a, b: b if b > a else a, reference_max, CASES, name="bigger")


def test_agrees_with_reference_names_the_first_miss_and_counts_agreeing_cases():
    with pytest.raises(CheckFailed) as caught:
        agrees_with_reference(lambda a, b: a, reference_max, CASES, name="bigger",
                              describe=lambda case: f"bigger{case}")
    assert lines(caught.value) == [
        "bigger agrees with the course's reference on 1 of 3 cases; first miss: bigger(1, 2)",
        "  Expected: 2",
        "  Found:    1",
        f"  Next:     {DEFAULT_HINT}",
    ]


def test_agrees_with_reference_reports_a_learner_exception_as_the_answer():
    def learner(a, b):
        if a == 3:
            raise ValueError("no such port")
        return max(a, b)

    with pytest.raises(CheckFailed) as caught:
        agrees_with_reference(learner, reference_max, CASES, name="bigger")
    assert caught.value.found == "raised ValueError: no such port"
    assert caught.value.expected == "4"
    assert caught.value.what.endswith("on 2 of 3 cases; first miss: (3, 4)")


def test_agrees_with_reference_reports_a_stub_that_is_not_implemented():
    def stub(a, b):
        raise NotImplementedError

    with pytest.raises(CheckFailed) as caught:
        agrees_with_reference(stub, reference_max, CASES, name="bigger")
    assert caught.value.found == "raised NotImplementedError: "
    assert "on 0 of 3 cases" in caught.value.what


def test_agrees_with_reference_shows_none_when_the_learner_forgot_to_return():
    with pytest.raises(CheckFailed) as caught:
        agrees_with_reference(lambda a, b: None, reference_max, [(5, 1)], name="bigger")
    assert (caught.value.expected, caught.value.found) == ("5", "None")


def test_agrees_with_reference_treats_an_answer_that_cannot_compare_as_a_miss():
    class Odd:
        def __eq__(self, other):
            raise TypeError("cannot compare")

        __hash__ = None

        def __repr__(self):
            return "Odd()"

    with pytest.raises(CheckFailed) as caught:
        agrees_with_reference(lambda a, b: Odd(), reference_max, [(5, 1)], name="bigger")
    assert caught.value.found == "Odd()"


def test_agrees_with_reference_uses_the_hint_it_is_given():
    with pytest.raises(CheckFailed) as caught:
        agrees_with_reference(lambda a, b: a, reference_max, CASES, name="bigger",
                              hint="Compare both arguments.")
    assert lines(caught.value)[-1] == "  Next:     Compare both arguments."


def test_agrees_with_reference_lets_a_reference_error_propagate():
    def broken(a, b):
        raise KeyError("grader bug")

    with pytest.raises(KeyError):
        agrees_with_reference(reference_max, broken, CASES, name="bigger")


def test_agrees_with_reference_refuses_an_empty_case_list():
    with pytest.raises(ValueError, match="at least one case"):
        agrees_with_reference(reference_max, reference_max, [], name="bigger")


def test_agrees_with_reference_compares_a_can_reach_answer_with_the_simulator(session):
    """The shape of exercise 5: a learner's reachability function against grader.sim."""
    net = web_app(session, "10.20.0.0/16", ["us-east-1a", "us-east-1b"], 8080, 5432)
    groups, subnets = net["security_groups"], net["subnets"]
    alb = {"subnet_id": subnets["public"]["us-east-1a"], "group_id": groups["alb"]}
    app = {"subnet_id": subnets["app"]["us-east-1b"], "group_id": groups["app"]}
    db = {"subnet_id": subnets["db"]["us-east-1a"], "group_id": groups["db"]}

    def reference(source, target, port):
        network = read_network(session, net["vpc_id"])
        source = INTERNET if source == "internet" else endpoint(**source)
        return can_reach(network, source, endpoint(**target), port).reachable

    def learner(source, target, port):  # only looks at the port
        return port in (443, 8080, 5432)

    cases = [("internet", alb, 443), (alb, app, 8080), (app, db, 5432), ("internet", db, 5432)]
    with pytest.raises(CheckFailed) as caught:
        agrees_with_reference(learner, reference, cases, name="can_reach",
                              describe=lambda c: f"{c[0] if c[0] == 'internet' else 'alb'} "
                                                 f"-> db:{c[2]}")
    assert caught.value.what == ("can_reach agrees with the course's reference on 3 of 4 cases; "
                                 "first miss: internet -> db:5432")
    assert (caught.value.expected, caught.value.found) == ("False", "True")


# -- sequences ----------------------------------------------------------------------------------

def running_total(values):
    total, out = 0, []
    for value in values:
        total += value
        out.append(total)
    return out


def test_sequence_agrees_passes_when_every_item_agrees():
    sequence_agrees_with_reference(lambda v: tuple(running_total(v)), running_total, ([1, 2, 3],),
                                   name="total", describe=str)


def test_sequence_agrees_names_the_first_item_that_differs_and_counts_the_rest():
    with pytest.raises(CheckFailed) as caught:
        sequence_agrees_with_reference(lambda v: [1, 2, 4, 6], running_total, ([1, 1, 1, 1],),
                                       name="total", describe=lambda i: f"item #{i}")
    assert lines(caught.value) == [
        "total agrees with the course's reference on 2 of 4 items of one sequence; first miss: "
        "item #2",
        "  Expected: 3",
        "  Found:    4",
        f"  Next:     {DEFAULT_HINT}",
    ]


def test_sequence_agrees_reports_a_learner_exception():
    def learner(values):
        raise KeyError("rate")

    with pytest.raises(CheckFailed) as caught:
        sequence_agrees_with_reference(learner, running_total, ([1],), name="total", describe=str)
    assert caught.value.what == "total returns one answer per item of the sequence (1 items)"
    assert caught.value.found == "raised KeyError: 'rate'"


@pytest.mark.parametrize(("answer", "found"), [
    pytest.param(None, "None (a NoneType)", id="no-return"),
    pytest.param(3, "3 (a int)", id="a-number"),
    pytest.param([1], "1 answers", id="too-short"),
])
def test_sequence_agrees_wants_one_answer_per_item(answer, found):
    with pytest.raises(CheckFailed) as caught:
        sequence_agrees_with_reference(lambda v: answer, running_total, ([1, 2],), name="total",
                                       describe=str)
    assert caught.value.found == found
    assert caught.value.expected == "a list of 2 answers"
