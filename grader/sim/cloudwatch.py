"""Reference CloudWatch alarm behaviour: what moto stores but never does.

moto keeps alarms, their actions and metric data, but never evaluates an alarm, has no composite
alarms and sends nothing to SNS (shared/research/moto-5.2.5.md, row 10). This module is the
course's honest stand-in, in plain Python:

* :func:`evaluate` / :func:`evaluate_alarm`: a metric alarm's next state from its configuration
  (``describe_alarms`` shape) and the datapoints of its evaluation range, oldest first, ``None``
  for a period with no data. M of N and every ``TreatMissingData`` mode follow the two example
  tables of the AWS page "Configuring how CloudWatch alarms treat missing data" (both reproduced
  in tests/sim/test_cloudwatch.py). Left out, and said so in the notebook: AWS's extra
  "premature alarm" guard for a lone, very recent breach, and the AWS/DynamoDB namespace that
  always ignores missing data.
* :func:`parse_rule` / :func:`rule_is_true` / :func:`composite_state`: a composite alarm's
  ``AlarmRule`` (``ALARM("a") AND NOT OK(b)``, TRUE, FALSE, parentheses).
* :func:`silent_reasons`: why an alarm could never tell anyone anything (no ALARM action,
  actions disabled, an action target that does not exist, a metric that has no data).

No boto3 or moto import here: ``grader.state.cloudwatch`` reads moto into these shapes.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from enum import StrEnum

AS_OF = "2026-11"
SOURCE_MISSING_DATA = ("https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/"
                       "alarms-and-missing-data.html")
_API = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"
_EC2 = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/manage-detailed-monitoring.html"
_ACTIONS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html"
_COMPOSITE = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html"

#: Limits the notebook shows (as of AS_OF, us-east-1), each with the page it was checked on.
LIMITS = [
    {"limit": "Period (seconds)", "value": "10, 20, 30 (high-resolution metrics only) or any multiple of 60",
     "source": _API},
    {"limit": "Period x EvaluationPeriods", "value": "at most 1 day for periods under 1 hour, else 7 days",
     "source": _API},
    {"limit": "DatapointsToAlarm (M)", "value": "1 to EvaluationPeriods (N); default N", "source": _API},
    {"limit": "TreatMissingData", "value": "missing (default), ignore, breaching, notBreaching; "
     "AWS/DynamoDB metrics always ignore", "source": SOURCE_MISSING_DATA},
    {"limit": "EC2 metric granularity", "value": "5 minutes (basic), 1 minute (detailed monitoring)",
     "source": _EC2},
    {"limit": "Actions repeated while the state lasts", "value": "Auto Scaling actions only",
     "source": _ACTIONS},
    {"limit": "ALARM-only actions", "value": "Systems Manager OpsItems and incidents, investigations",
     "source": _ACTIONS},
    {"limit": "Composite alarm rule", "value": "up to 100 underlying alarms; an alarm in at most 150 rules; "
     "actions: SNS, Lambda, OpsItems, incidents", "source": _COMPOSITE},
]
for _row in LIMITS:
    _row["as of"] = AS_OF


class State(StrEnum):
    OK = "OK"
    ALARM = "ALARM"
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA"


#: The static-threshold operators; the anomaly-band ones need a band, not a number.
OPERATORS = {
    "GreaterThanThreshold": operator.gt,
    "GreaterThanOrEqualToThreshold": operator.ge,
    "LessThanThreshold": operator.lt,
    "LessThanOrEqualToThreshold": operator.le,
}
TREAT_MISSING_DATA = ("missing", "ignore", "breaching", "notBreaching")


@dataclass(frozen=True)
class Evaluation:
    """The state an alarm moves to, and why; ``judged`` is what was counted, oldest first:
    ``X`` breaching, ``0`` not breaching, ``x``/``o`` a missing period filled as one."""

    state: State
    reason: str
    judged: str = ""


def breaches(config: dict, value: float) -> bool:
    """True if ``value`` is on the wrong side of the alarm's threshold."""
    compare = OPERATORS.get(config["ComparisonOperator"])
    if compare is None:
        raise ValueError(f"not a static-threshold operator: {config['ComparisonOperator']!r}")
    return compare(value, config["Threshold"])


def evaluate(config: dict, datapoints) -> Evaluation:
    """The alarm's state after evaluating ``datapoints``, its evaluation range, oldest first.

    ``config`` holds ``ComparisonOperator``, ``Threshold``, ``EvaluationPeriods`` (N) and
    optionally ``DatapointsToAlarm`` (M, default N), ``TreatMissingData`` (default
    ``missing``) and ``StateValue`` (the current state, default ``INSUFFICIENT_DATA``).
    """
    n = config["EvaluationPeriods"]
    m = config.get("DatapointsToAlarm") or n
    treat = config.get("TreatMissingData") or "missing"
    if treat not in TREAT_MISSING_DATA:
        raise ValueError(f"TreatMissingData must be one of {TREAT_MISSING_DATA}, not {treat!r}")
    current = State(config.get("StateValue") or State.INSUFFICIENT_DATA)
    real = [breaches(config, v) for v in datapoints if v is not None]
    marks = "".join("X" if b else "0" for b in real)

    def decide(count: int, needed: int, judged: str, why: str) -> Evaluation:
        state = State.ALARM if count >= needed else State.OK
        return Evaluation(state, f"{count} of {len(judged)} breaching, {needed} needed; {why}", judged)

    if len(real) >= n:  # enough real datapoints: the missing ones do not matter
        window = real[-n:]
        return decide(sum(window), m, marks[-n:], f"the {n} most recent datapoints")
    fill = n - len(real)
    if treat == "breaching":
        return decide(sum(real) + fill, m, "x" * fill + marks, f"{fill} missing counted as breaching")
    if treat == "notBreaching":
        return decide(sum(real), m, "o" * fill + marks, f"{fill} missing counted as not breaching")
    if not real:
        if treat == "ignore":
            return Evaluation(current, "no data at all; ignore keeps the current state")
        return Evaluation(State.INSUFFICIENT_DATA, "no data at all in the evaluation range")
    if sum(real) >= m:
        return decide(sum(real), m, marks, "the real datapoints alone reach M")
    if sum(real) == len(real):  # every real point breaches, yet fewer than M of them
        if treat == "ignore":
            return Evaluation(current, "too few datapoints, all breaching; ignore keeps the "
                              "current state", marks)
        return Evaluation(State.ALARM, f"only {len(real)} datapoints, all breaching; missing "
                          "data judges on the datapoints it has", marks)
    return decide(sum(real), m, marks, "too few datapoints, not all breaching")


def evaluate_alarm(config: dict, datapoints) -> str:
    """:func:`evaluate`'s state as the string ``describe_alarms`` uses: ``"ALARM"``, ..."""
    return evaluate(config, datapoints).state.value


def series(marks: str, config: dict) -> list:
    """Datapoints from a doc-table row such as ``"0 - X - X"`` for ``config``'s threshold:
    ``X`` a breaching value, ``0`` a value within the threshold, ``-`` a missing period."""
    threshold = config["Threshold"]
    above = config["ComparisonOperator"].startswith("Greater")
    bad, good = (threshold + 1, threshold - 1) if above else (threshold - 1, threshold + 1)
    return [{"X": bad, "0": good, "-": None}[mark] for mark in marks.split()]


# -- composite alarms ---------------------------------------------------------------------------

_TOKEN = re.compile(r'\s*(?:(\()|(\))|"([^"]*)"|([A-Za-z_][\w:./\-]*))')
FUNCTIONS = {"ALARM": State.ALARM, "OK": State.OK, "INSUFFICIENT_DATA": State.INSUFFICIENT_DATA}


class RuleError(ValueError):
    """An AlarmRule that PutCompositeAlarm would reject."""


def _tokens(text: str) -> list[str]:
    found, at = [], 0
    text = text.rstrip()
    while at < len(text):
        match = _TOKEN.match(text, at)
        if not match:
            raise RuleError(f"cannot read the rule at {text[at:at + 20]!r}")
        opening, closing, quoted, word = match.groups()
        found.append("(" if opening else ")" if closing else ("name", quoted) if quoted is not None
                     else word)
        at = match.end()
    return found


def parse_rule(text: str):
    """An ``AlarmRule`` as a tree: ``("ALARM", name)``, ``("TRUE",)``, ``("NOT", t)``,
    ``("AND", a, b)``, ``("OR", a, b)``. NOT applies to what follows it. AND and OR mixed at
    one level without parentheses are refused: the course never guesses their precedence."""
    tokens = _tokens(text)
    at = 0

    def peek():
        return tokens[at] if at < len(tokens) else None

    def take(expected=None):
        nonlocal at
        token = peek()
        if token is None or (expected is not None and token != expected):
            raise RuleError(f"expected {expected or 'more'} in {text!r}")
        at += 1
        return token

    def unary():
        token = take()
        if token == "NOT":
            return ("NOT", unary())
        if token == "(":
            tree = binary()
            take(")")
            return tree
        if token in ("TRUE", "FALSE"):
            return (token,)
        if token in FUNCTIONS:
            take("(")
            name = take()
            name = name[1] if isinstance(name, tuple) else name
            if name in ("(", ")"):
                raise RuleError(f"{token}() needs an alarm name in {text!r}")
            take(")")
            return (token, name)
        raise RuleError(f"unexpected {token!r} in {text!r}")

    def binary():
        tree, joins = unary(), set()
        while peek() in ("AND", "OR"):
            joins.add(peek())
            if len(joins) > 1:
                raise RuleError(f"AND and OR mixed without parentheses in {text!r}")
            tree = (take(), tree, unary())
        return tree

    tree = binary()
    if peek() is not None:
        raise RuleError(f"unexpected {peek()!r} in {text!r}")
    return tree


def rule_alarms(rule) -> set[str]:
    """The names (or ARNs) of the alarms a rule reads."""
    tree = parse_rule(rule) if isinstance(rule, str) else rule
    if tree[0] in FUNCTIONS:
        return {tree[1]}
    return set().union(*(rule_alarms(part) for part in tree[1:])) if len(tree) > 1 else set()


def rule_is_true(rule, states: dict[str, str]) -> bool:
    """Whether ``rule`` (text or tree) holds when the alarms are in ``states`` (name -> state);
    an alarm not in ``states`` is taken as INSUFFICIENT_DATA."""
    tree = parse_rule(rule) if isinstance(rule, str) else rule
    kind = tree[0]
    if kind in FUNCTIONS:
        return State(states.get(tree[1], State.INSUFFICIENT_DATA)) == FUNCTIONS[kind]
    if kind in ("TRUE", "FALSE"):
        return kind == "TRUE"
    if kind == "NOT":
        return not rule_is_true(tree[1], states)
    left, right = rule_is_true(tree[1], states), rule_is_true(tree[2], states)
    return left and right if kind == "AND" else left or right


def composite_state(rule, states: dict[str, str]) -> str:
    """A composite alarm's state: ALARM while its rule is true, OK otherwise."""
    return (State.ALARM if rule_is_true(rule, states) else State.OK).value


# -- alarms that can tell nobody ----------------------------------------------------------------

def metric_key(namespace: str, name: str, dimensions) -> tuple:
    """A metric's identity: namespace, name and the exact set of dimensions (order free)."""
    return namespace, name, frozenset((d["Name"], d["Value"]) for d in dimensions or ())


def watched_metrics(alarm: dict) -> list[tuple]:
    """The metric keys an alarm (``describe_alarms`` shape) reads, single metric or math."""
    if alarm.get("MetricName"):
        return [metric_key(alarm.get("Namespace", ""), alarm["MetricName"], alarm.get("Dimensions"))]
    return [metric_key(q["MetricStat"]["Metric"].get("Namespace", ""),
                       q["MetricStat"]["Metric"]["MetricName"],
                       q["MetricStat"]["Metric"].get("Dimensions"))
            for q in alarm.get("Metrics") or () if q.get("MetricStat")]


#: One reason per problem, in the order :func:`silent_reasons` checks them.
SILENT = {
    "disabled": "its actions are disabled (ActionsEnabled is false)",
    "no-action": "it has no action for the ALARM state",
    "dangling": "an ALARM action points at {target}, which does not exist",
    "no-data": "it watches {metric}, a metric with no data: check the namespace, name and "
               "every dimension",
}


def describe_metric(key: tuple) -> str:
    namespace, name, dims = key
    inside = ", ".join(f"{k}={v}" for k, v in sorted(dims))
    return f"{namespace} {name} {{{inside}}}"


def silent_reasons(alarm: dict, metrics, targets) -> list[str]:
    """Why ``alarm`` would never notify anyone: ``[]`` if it can. ``metrics`` holds the keys
    (:func:`metric_key`) of every metric with data; ``targets`` the ARNs that exist (SNS topics,
    Lambda functions, ...). EC2, Systems Manager and other ``arn:aws:automate``/``ssm`` actions
    are not resources and always count as existing."""
    reasons = []
    if alarm.get("ActionsEnabled") is False:
        reasons.append(SILENT["disabled"])
    actions = alarm.get("AlarmActions") or []
    if not actions:
        reasons.append(SILENT["no-action"])
    for target in actions:
        if target.split(":")[2] in ("sns", "lambda") and target not in targets:
            reasons.append(SILENT["dangling"].format(target=target))
    metrics = set(metrics)
    reasons += [SILENT["no-data"].format(metric=describe_metric(key))
                for key in watched_metrics(alarm) if key not in metrics]
    return reasons


def silent_alarms(alarms, metrics, targets) -> list[str]:
    """The names of the alarms that could never notify anyone, sorted."""
    return sorted(a["AlarmName"] for a in alarms if silent_reasons(a, metrics, targets))
