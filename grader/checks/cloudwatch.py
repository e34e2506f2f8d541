"""Learner-facing checks on CloudWatch alarms: stored alarms judged by what they would do, worked
out by ``grader.sim.cloudwatch`` (moto stores alarms but never evaluates one), and learners'
evaluators compared with that simulator on many cases.

Each check returns None when the requirement holds and raises ``CheckFailed`` otherwise.
Notebooks use them as ``from grader.checks import cloudwatch as check``.
"""

from __future__ import annotations

import itertools
import random

from grader.checks.base import Message
from grader.checks.reference import agrees_with_reference
from grader.sim import cloudwatch as sim
from grader.state import cloudwatch as state

# -- Exercise 1: the learner's evaluator --------------------------------------------------------


def config(operator: str = "GreaterThanThreshold", threshold: float = 80, n: int = 3,
           m: int | None = None, treat: str = "missing", current: str = "OK") -> dict:
    """An alarm configuration in ``describe_alarms`` shape, as the evaluators take it."""
    return {"ComparisonOperator": operator, "Threshold": threshold, "EvaluationPeriods": n,
            "DatapointsToAlarm": m or n, "TreatMissingData": treat, "StateValue": current}


def cases(configs, rows) -> list[tuple]:
    """Every ``(config, datapoints)`` pair: ``rows`` are doc-table strings (``"0 - X - X"``,
    turned into values for each config) or lists of values."""
    return [(c, sim.series(row, c) if isinstance(row, str) else list(row))
            for c in configs for row in rows]


def random_cases(seed: int, count: int, *, missing: bool = True, exact: bool = True,
                 treat=sim.TREAT_MISSING_DATA) -> list[tuple]:
    """``count`` random alarms and evaluation ranges (N+2 periods), reproducible from ``seed``;
    ``missing`` allows empty periods, ``exact`` values equal to the threshold, ``treat`` the
    TreatMissingData modes to draw from."""
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        n = rng.randint(1, 5)
        c = config(rng.choice(list(sim.OPERATORS)), rng.choice([0, 1, 50, 80, 99.5]), n,
                   rng.randint(1, n), rng.choice(list(treat)),
                   rng.choice([s.value for s in sim.State]))
        t = c["Threshold"]
        values = [t - 7, t - 0.5, t + 0.5, t + 12] + ([t] if exact else [])
        chance = rng.choice([0.0, 0.3, 0.7, 1.0]) if missing else 0.0
        found.append((c, [None if rng.random() < chance else rng.choice(values)
                          for _ in range(n + 2)]))
    return found


def describe_case(case) -> str:
    c, points = case
    marks = " ".join("-" if v is None else f"{v:g}" for v in points)
    return (f"{c['ComparisonOperator']} {c['Threshold']:g}, {c['DatapointsToAlarm']} of "
            f"{c['EvaluationPeriods']}, TreatMissingData={c['TreatMissingData']}, "
            f"current state {c['StateValue']}, datapoints (oldest first) [{marks}]")


HINT_EVALUATOR = ("Count first how many real (not None) datapoints there are: with at least N, "
                  "judge the N most recent real ones and ignore TreatMissingData; with fewer, "
                  "follow the TreatMissingData table of the exercise.")


def evaluator_agrees(function, cases) -> None:
    """``function(config, datapoints)`` gives the simulator's state on every case."""
    agrees_with_reference(function, sim.evaluate_alarm, cases, name="evaluate_alarm",
                          describe=describe_case, hint=HINT_EVALUATOR)


# -- Exercise 2: the CPU alarm ------------------------------------------------------------------

NO_ALARM = Message(
    "An alarm named {name!r} exists", "the alarm your function created, by the name it returned",
    "no metric alarm named {name!r} (alarms in this account: {names})",
    "Return the AlarmName you passed to put_metric_alarm.")
WRONG_METRIC = Message(
    "Alarm {name!r} watches the CPU of instance {instance_id}",
    "{expected}", "{found}",
    "A metric is its namespace, its name and its exact set of dimensions: pass "
    "Namespace='AWS/EC2', MetricName='CPUUtilization' and one dimension InstanceId.")
WRONG_STAT = Message(
    "Alarm {name!r} judges the {statistic} over {period}-second periods",
    "Statistic {statistic!r}, Period {period}", "Statistic {found_stat!r}, Period {found_period}",
    "Basic monitoring reports EC2 metrics every 5 minutes: use Period=300 and Statistic='Average'.")
WRONG_CONDITION = Message(
    "Alarm {name!r} goes to ALARM when CPU is above {threshold:g} for {m} of {n} periods",
    "{expected} on [{marks}]", "{found}",
    "Threshold, ComparisonOperator, DatapointsToAlarm (M) and EvaluationPeriods (N) decide "
    "this: M is how many breaching periods, N how many periods are looked at.")
NOT_NOTIFYING = Message(
    "Alarm {name!r} notifies {topic} when it goes to {state}",
    "{topic} in {field} and ActionsEnabled true", "{found}",
    "Pass the topic ARN in both AlarmActions and OKActions (each a list), and leave actions "
    "enabled.")


def metric_alarm(session, name) -> dict:
    """The stored alarm named ``name`` or a learner message saying it does not exist."""
    found = state.alarm(session, name) if isinstance(name, str) and name else None
    if found is None:
        names = sorted(a["AlarmName"] for a in state.alarms(session)) or "none"
        raise NO_ALARM.fail(name=name, names=names)
    return found


def _single_stat(alarm: dict) -> tuple:
    if alarm.get("MetricName"):
        return alarm.get("Statistic") or alarm.get("ExtendedStatistic"), alarm.get("Period")
    stats = [q["MetricStat"] for q in alarm.get("Metrics") or () if q.get("MetricStat")]
    return (stats[0]["Stat"], stats[0]["Period"]) if len(stats) == 1 else (None, None)


def watches_instance_cpu(session, name, instance_id: str, *, statistic: str = "Average",
                         period: int = 300) -> None:
    """The alarm reads exactly ``instance_id``'s CPUUtilization, ``statistic`` over ``period``."""
    alarm = metric_alarm(session, name)
    expected = sim.metric_key("AWS/EC2", "CPUUtilization", [{"Name": "InstanceId",
                                                            "Value": instance_id}])
    watched = sim.watched_metrics(alarm)
    if watched != [expected]:
        raise WRONG_METRIC.fail(name=name, instance_id=instance_id,
                                expected=sim.describe_metric(expected),
                                found=", ".join(map(sim.describe_metric, watched)) or "no metric")
    found_stat, found_period = _single_stat(alarm)
    if (found_stat, found_period) != (statistic, period):
        raise WRONG_STAT.fail(name=name, statistic=statistic, period=period,
                              found_stat=found_stat, found_period=found_period)


def fires_like(session, name, threshold: float, m: int, n: int) -> None:
    """On every complete series around ``threshold``, the stored alarm reaches the state an
    "above ``threshold`` for ``m`` of ``n`` periods" alarm reaches."""
    alarm = metric_alarm(session, name)
    wanted = config("GreaterThanThreshold", threshold, n, m)
    stored = {**wanted, **{k: alarm.get(k) for k in ("ComparisonOperator", "Threshold",
                                                     "EvaluationPeriods", "DatapointsToAlarm")}}
    stored["DatapointsToAlarm"] = stored["DatapointsToAlarm"] or stored["EvaluationPeriods"]
    values = (threshold - 5, threshold, threshold + 0.5)
    for points in itertools.product(values, repeat=n):
        expected = sim.evaluate_alarm(wanted, points)
        try:
            found = sim.evaluate_alarm(stored, points)
        except (ValueError, KeyError, TypeError) as error:
            found = f"an alarm the course cannot evaluate ({error})"
        if found != expected:
            raise WRONG_CONDITION.fail(name=name, threshold=threshold, m=m, n=n, expected=expected,
                                       marks=", ".join(f"{v:g}" for v in points),
                                       found=f"{found} with {stored['ComparisonOperator']} "
                                             f"{stored['Threshold']}, {stored['DatapointsToAlarm']}"
                                             f" of {stored['EvaluationPeriods']}")


def notifies(session, name, topic_arn: str, states=("ALARM", "OK")) -> None:
    """The alarm's actions are enabled and include ``topic_arn`` for each of ``states``."""
    alarm = metric_alarm(session, name)
    fields = {"ALARM": "AlarmActions", "OK": "OKActions",
              "INSUFFICIENT_DATA": "InsufficientDataActions"}
    for wanted in states:
        field = fields[wanted]
        actions = alarm.get(field) or []
        if topic_arn not in actions or alarm.get("ActionsEnabled") is False:
            found = (f"ActionsEnabled {alarm.get('ActionsEnabled')}, {field} {actions}")
            raise NOT_NOTIFYING.fail(name=name, topic=topic_arn, state=wanted, field=field,
                                     found=found)


# -- Exercise 3: a composite rule ---------------------------------------------------------------

BAD_RULE = Message(
    "Your AlarmRule is one CloudWatch would accept", "a rule made of ALARM(name), OK(name), "
    "INSUFFICIENT_DATA(name), TRUE, FALSE, AND, OR, NOT and parentheses", "{rule!r}: {problem}",
    "{hint}")
RULE_DISAGREES = Message(
    "Your AlarmRule puts the composite alarm in the right state for {agree} of {total} "
    "combinations of its alarms' states", "{expected} when {states}", "{found} from {rule!r}",
    "Read your rule aloud for this combination; with both AND and OR, parenthesise each group.")
HINT_RULE = "Return a string; names may be quoted: ALARM(\"name\") or ALARM(name)."
HINT_MIXED = "Put parentheses around each group when a rule mixes AND and OR."


def composite_rule_agrees(rule, expected, names, states=("OK", "ALARM", "INSUFFICIENT_DATA")) -> None:
    """The composite ``rule`` is ALARM exactly when ``expected(states_by_name)`` is true, for
    every combination of ``states`` of the alarms in ``names``."""
    try:
        tree = sim.parse_rule(rule)
    except (sim.RuleError, TypeError, AttributeError) as error:
        problem = str(error) if isinstance(error, sim.RuleError) else f"not a string ({type(rule).__name__})"
        raise BAD_RULE.fail(rule=rule, problem=problem,
                            hint=HINT_MIXED if "mixed" in problem else HINT_RULE) from None
    combos = [dict(zip(names, combo, strict=True)) for combo in itertools.product(states, repeat=len(names))]
    misses = [c for c in combos if sim.rule_is_true(tree, c) != bool(expected(c))]
    if misses:
        first = misses[0]
        wanted = "ALARM" if expected(first) else "OK"
        raise RULE_DISAGREES.fail(agree=len(combos) - len(misses), total=len(combos),
                                  expected=wanted, rule=rule,
                                  found=sim.composite_state(tree, first),
                                  states=", ".join(f"{k} is {v}" for k, v in first.items()))


# -- Exercise 4: alarms that tell nobody --------------------------------------------------------

NOT_A_LIST = Message(
    "silent_alarms returns the names of the silent alarms", "a list of alarm names",
    "{value!r:.80} (a {type})", "End your function with `return` and a list of names.")
SILENT_DISAGREES = Message(
    "silent_alarms finds every alarm that could never notify anyone, and only those",
    "{expected}", "{found}", "{hint}")


def silent_alarms_agree(function, session) -> None:
    """``function(session)`` names exactly the alarms the simulator finds silent."""
    alarms, metrics, targets = state.account(session)
    expected = sim.silent_alarms(alarms, metrics, targets)
    answer = function(session)
    if not isinstance(answer, (list, tuple, set, frozenset)):
        raise NOT_A_LIST.fail(value=answer, type=type(answer).__name__)
    found = sorted(answer)
    if found == expected:
        return
    by_name = {a["AlarmName"]: a for a in alarms}
    missed = [n for n in expected if n not in found]
    if missed:
        reasons = sim.silent_reasons(by_name[missed[0]], metrics, targets)
        hint = f"Look again at {missed[0]!r}: {reasons[0]}."
    else:
        extra = next(n for n in found if n not in expected)
        hint = (f"{extra!r} can notify someone: it has an enabled action on a target that "
                f"exists and watches a metric with data." if extra in by_name else
                f"{extra!r} is not an alarm in this account.")
    raise SILENT_DISAGREES.fail(expected=expected, found=found, hint=hint)
