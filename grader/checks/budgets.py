"""Learner-facing checks for topic 09 (cloud spend): a cost budget and its alerts read back from
the mock, the SNS topic policy that lets AWS Budgets deliver them (judged with
``grader.sim.iam``), and learners' alert evaluator and Cost Explorer, tag-compliance and
usage-report analyses compared with ``grader.sim.cost_report``.

Each check returns None when the requirement holds and raises ``CheckFailed`` otherwise, naming
the learner's real budget, topic, service, resource or team. Notebooks use them as
``from grader.checks import budgets as check``.
"""

from __future__ import annotations

import math

from grader.checks.base import Message
from grader.checks.reference import agrees_with_reference
from grader.scenarios import cost as scenario
from grader.sim import cost_report as sim
from grader.sim.iam import Request, evaluate
from grader.state import budgets as state

OTHER_ACCOUNT = "210987654321"
BUDGETS = "budgets.amazonaws.com"
#: The two alerts every cost budget of this course has: (type, threshold in percent).
ALERTS = (("ACTUAL", 80.0), ("FORECASTED", 100.0))

# -- the budget ------------------------------------------------------------------------------

BUDGET = Message("Budget {name!r} of account {account_id}", "{expected}", "{found}", "{hint}")
BUDGET_HINTS = {
    "missing": "Call budgets.create_budget(AccountId=account_id, Budget={{'BudgetName': name, ...}}) "
               "with the name you were given.",
    "kind": "A spend budget has BudgetType 'COST' and TimeUnit 'MONTHLY' (it resets on the 1st).",
    "limit": "Set BudgetLimit={{'Amount': str(amount), 'Unit': 'USD'}} from the amount argument.",
}


def _read(session, account_id: str, name: str) -> dict:
    found = state.budget(session, account_id, name)
    if found is None:
        raise BUDGET.fail(name=name, account_id=account_id, expected="a budget with this name",
                          found="no such budget", hint=BUDGET_HINTS["missing"])
    return found


def cost_budget(session, account_id: str, name: str, amount: float) -> None:
    """Budget ``name`` exists, tracks cost (``COST``) per month (``MONTHLY``) and has a limit of
    ``amount`` USD."""
    budget = _read(session, account_id, name)["Budget"]
    labels = {"name": name, "account_id": account_id}
    kind = (budget.get("BudgetType"), budget.get("TimeUnit"))
    if kind != ("COST", "MONTHLY"):
        raise BUDGET.fail(**labels, expected="BudgetType COST, TimeUnit MONTHLY",
                          found=f"BudgetType {kind[0]}, TimeUnit {kind[1]}", hint=BUDGET_HINTS["kind"])
    limit = budget.get("BudgetLimit") or {}
    try:
        same = math.isclose(float(limit.get("Amount")), float(amount), abs_tol=0.005)
    except (TypeError, ValueError):
        same = False
    if not same or limit.get("Unit") != "USD":
        raise BUDGET.fail(**labels, expected=f"a limit of {amount:g} USD",
                          found=f"a limit of {limit.get('Amount')} {limit.get('Unit')}",
                          hint=BUDGET_HINTS["limit"])


ALERT = Message("The alerts of budget {name!r}", "{expected}", "{found}", "{hint}")
ALERT_HINTS = {
    "none": "Without notifications a budget notifies no one: pass NotificationsWithSubscribers "
            "to create_budget (or call create_notification once per alert).",
    "set": "One notification per alert: NotificationType ACTUAL with Threshold 80 and FORECASTED "
           "with Threshold 100, both ComparisonOperator GREATER_THAN.",
    "percent": "ThresholdType 'PERCENTAGE' makes 80 mean 80 % of the limit; 'ABSOLUTE_VALUE' "
               "would mean $80, whatever the budget.",
    "who": "Each notification takes up to 10 EMAIL subscribers and one SNS subscriber (the topic "
           "ARN): list them all in its Subscribers.",
}


def _describe_alert(notification: dict) -> str:
    return (f"{notification.get('NotificationType')} {notification.get('ComparisonOperator')} "
            f"{notification.get('Threshold')} {notification.get('ThresholdType', 'PERCENTAGE')}")


def budget_alerts(session, account_id: str, name: str) -> None:
    """Budget ``name`` has exactly two notifications: actual spend above 80 % and forecast spend
    above 100 % of its limit (``GREATER_THAN``, ``PERCENTAGE``)."""
    notifications = [n["Notification"] for n in _read(session, account_id, name)["Notifications"]]
    expected = "ACTUAL GREATER_THAN 80 PERCENTAGE and FORECASTED GREATER_THAN 100 PERCENTAGE"
    found = "; ".join(_describe_alert(n) for n in notifications) or "no notifications"
    if not notifications:
        raise ALERT.fail(name=name, expected=expected, found=found, hint=ALERT_HINTS["none"])
    if any(n.get("ThresholdType", "PERCENTAGE") != "PERCENTAGE" for n in notifications):
        raise ALERT.fail(name=name, expected=expected, found=found, hint=ALERT_HINTS["percent"])
    got = sorted((n.get("NotificationType"), n.get("ComparisonOperator"), float(n.get("Threshold", -1)))
                 for n in notifications)
    if got != sorted((kind, "GREATER_THAN", threshold) for kind, threshold in ALERTS):
        raise ALERT.fail(name=name, expected=expected, found=found, hint=ALERT_HINTS["set"])


def budget_subscribers(session, account_id: str, name: str, emails, topic_arn: str) -> None:
    """Every notification of budget ``name`` goes to each of ``emails`` and to SNS topic
    ``topic_arn``, and to no one else."""
    notifications = _read(session, account_id, name)["Notifications"]
    if not notifications:
        raise ALERT.fail(name=name, expected="notifications with subscribers",
                         found="no notifications", hint=ALERT_HINTS["none"])
    wanted = {("EMAIL", e) for e in emails} | {("SNS", topic_arn)}
    for entry in notifications:
        got = {(s.get("SubscriptionType"), s.get("Address")) for s in entry["Subscribers"]}
        if got != wanted:
            show = lambda pairs: ", ".join(f"{k} {a}" for k, a in sorted(pairs)) or "no one"  # noqa: E731
            raise ALERT.fail(name=name, expected=f"{_describe_alert(entry['Notification'])} sent to "
                             f"{show(wanted)}", found=f"sent to {show(got)}", hint=ALERT_HINTS["who"])


# -- the SNS topic the alerts go to ----------------------------------------------------------

TOPIC = Message("Who may publish to topic {topic_arn}", "{expected}", "{found}", "{hint}")
TOPIC_HINTS = {
    "missing": "Create the topic first (sns.create_topic) and pass its ARN.",
    "budgets": "Add a statement allowing Principal {{'Service': 'budgets.amazonaws.com'}} the action "
               "sns:Publish on the topic ARN, and set it with sns.set_topic_attributes("
               "AttributeName='Policy', ...).",
    "anyone": "{statement} lets {who} publish: name the service principal "
              "budgets.amazonaws.com instead of '*'.",
    "deputy": "{statement} lets AWS Budgets publish for any account's budget (the confused "
              "deputy): add a Condition, StringEquals aws:SourceAccount {account_id} (or ArnLike "
              "aws:SourceArn arn:aws:budgets::{account_id}:budget/*).",
}
ADMIN_POLICY = {"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def _budget_context(account_id: str) -> dict:
    return {"aws:SourceAccount": account_id,
            "aws:SourceArn": f"arn:aws:budgets::{account_id}:budget/monthly-cost"}


def _publish(policy, topic_arn: str, account_id: str, principal, context: dict, identity=()):
    return evaluate(Request("sns:Publish", topic_arn, principal, context, resource_account=account_id),
                    resource=policy, identity=identity)


def _policy(session, topic_arn: str) -> dict:
    policy = state.topic_policy(session, topic_arn)
    if policy is None:
        raise TOPIC.fail(topic_arn=topic_arn, expected="an SNS topic", found="no such topic",
                         hint=TOPIC_HINTS["missing"])
    return policy


def budgets_can_publish(session, topic_arn: str, account_id: str) -> None:
    """AWS Budgets, acting for a budget of ``account_id``, may publish to the topic."""
    verdict = _publish(_policy(session, topic_arn), topic_arn, account_id, BUDGETS,
                       _budget_context(account_id))
    if not verdict.allowed:
        raise TOPIC.fail(topic_arn=topic_arn, expected=f"AWS Budgets of account {account_id} may "
                         "publish", found=f"it may not ({'; '.join(verdict.trail)}): the budget "
                         "alerts would never arrive", hint=TOPIC_HINTS["budgets"])


def only_budgets_can_publish(session, topic_arn: str, account_id: str) -> None:
    """Nobody else may publish: no anonymous caller, no other account, no other service of this
    account, and no budget of another account through AWS Budgets."""
    policy = _policy(session, topic_arn)
    intruders = [  # (hint, who, caller, context, the caller's own IAM policies)
        ("anyone", "anyone on the internet", None, {}, ()),
        ("anyone", f"account {OTHER_ACCOUNT}", f"arn:aws:iam::{OTHER_ACCOUNT}:user/someone", {},
         ADMIN_POLICY),
        ("anyone", "another AWS service (EventBridge)", "events.amazonaws.com",
         {"aws:SourceAccount": account_id}, ()),
        ("deputy", f"AWS Budgets acting for account {OTHER_ACCOUNT}", BUDGETS,
         _budget_context(OTHER_ACCOUNT), ()),
    ]
    for kind, who, principal, context, identity in intruders:
        verdict = _publish(policy, topic_arn, account_id, principal, context, identity)
        if verdict.allowed:
            raise TOPIC.fail(topic_arn=topic_arn, expected="only AWS Budgets, for this account's "
                             "budgets", found=f"{who} may publish",
                             hint=TOPIC_HINTS[kind].format(statement=verdict.statement or "a statement",
                                                           who=who, account_id=account_id))


def publishers(session, topic_arn: str, account_id: str) -> dict[str, str]:
    """What ``grader.sim.iam`` decides for each caller that might publish to the topic (AWS
    Budgets for this account and for another one, another service, another account, anyone):
    ``{caller: "allowed" | "implicitDeny" | "explicitDeny"}``, for the notebook's try-it cell."""
    policy = _policy(session, topic_arn)
    callers = {
        "AWS Budgets, this account": (BUDGETS, _budget_context(account_id), ()),
        f"AWS Budgets, account {OTHER_ACCOUNT}": (BUDGETS, _budget_context(OTHER_ACCOUNT), ()),
        "EventBridge, this account": ("events.amazonaws.com", {"aws:SourceAccount": account_id}, ()),
        f"a user of account {OTHER_ACCOUNT}": (f"arn:aws:iam::{OTHER_ACCOUNT}:user/someone", {},
                                               ADMIN_POLICY),
        "anyone (anonymous)": (None, {}, ()),
    }
    return {name: _publish(policy, topic_arn, account_id, principal, context, identity).decision.value
            for name, (principal, context, identity) in callers.items()}


# -- the learner's alert evaluator -----------------------------------------------------------

ALERT_EVALUATOR_HINT = ("Pick the spend by NotificationType (ACTUAL: actual, FORECASTED: "
                        "forecasted); the amount is Threshold % of the limit unless ThresholdType "
                        "is ABSOLUTE_VALUE; compare both rounded to the cent with the operator "
                        "(GREATER_THAN is strictly greater).")


def alert_cases(limits, notifications, spends) -> list[tuple]:
    """Every ``(limit, notification, actual, forecasted)`` over the given limits, notifications
    and ``(actual, forecasted)`` pairs."""
    return [(limit, dict(n), actual, forecasted) for limit in limits for n in notifications
            for actual, forecasted in spends]


def alert_evaluator_agrees(function, cases) -> None:
    """A learner's ``alert_fires(limit, notification, actual, forecasted)`` says True or False
    like :func:`sim.alert_fires` on every case."""
    def describe(case):
        limit, n, actual, forecasted = case
        kind = n.get("ThresholdType", "(no ThresholdType)")
        return (f"limit ${limit:g}, {n['NotificationType']} {n['ComparisonOperator']} "
                f"{n['Threshold']:g} {kind}, actual ${actual:g}, forecasted ${forecasted:g}")

    agrees_with_reference(lambda lim, n, a, f: function(lim, dict(n), a, f), sim.alert_fires,
                          cases, name="alert_fires", describe=describe, hint=ALERT_EVALUATOR_HINT)


# -- the learner's analyses ------------------------------------------------------------------

TABLE = Message("{what}", "{expected}", "{found}", "{hint}")
TABLE_HINTS = {
    "frame": "Return a pandas DataFrame (pd.DataFrame(...) or a pivot), not {type}.",
    "rows": "Build one row per {row}; {extra}",
    "value": "{advice}",
}


def _frame(answer, what: str):
    import pandas as pd

    if not isinstance(answer, pd.DataFrame):
        raise TABLE.fail(what=what, expected="a pandas DataFrame",
                         found=f"{answer!r:.60} (a {type(answer).__name__})",
                         hint=TABLE_HINTS["frame"].format(type=type(answer).__name__))
    return answer


def _same(want, got, tolerance=1e-6) -> bool:
    try:
        got = float(got)
    except (TypeError, ValueError):
        return False
    if math.isnan(want) or math.isnan(got):
        return math.isnan(want) and math.isnan(got)
    return math.isclose(want, got, rel_tol=tolerance, abs_tol=tolerance)


def _rows(expected, answer, what: str, row: str, extra: str) -> None:
    want, got = [str(i) for i in expected.index], [str(i) for i in answer.index]
    if set(want) != set(got):
        lost, more = sorted(set(want) - set(got)), sorted(set(got) - set(want))
        found = "; ".join(part for part in (f"missing {lost}" if lost else "",
                                            f"unexpected {more}" if more else "") if part)
        raise TABLE.fail(what=what, expected=f"{len(want)} rows, one per {row}", found=found,
                         hint=TABLE_HINTS["rows"].format(row=row, extra=extra))


def _columns(answer, columns, what, advice) -> None:
    lost = [c for c in columns if c not in answer.columns]
    if lost:
        raise TABLE.fail(what=what, expected=f"columns {list(columns)}",
                         found=f"columns {[str(c) for c in answer.columns]}", hint=advice)


def _values(expected, answer, columns, what, advice, label=str) -> None:
    rows = {str(i): r for i, r in answer.iterrows()}
    for index, row in expected.iterrows():
        for column in columns:
            if not _same(float(row[column]), rows[str(index)][column]):
                raise TABLE.fail(what=f"{what}, row {label(index)!r}",
                                 expected=f"{column} = {float(row[column]):.4f}",
                                 found=f"{column} = {rows[str(index)][column]!r}", hint=advice)


COST_ADVICE = {
    "months": "Sum float(group['Metrics']['UnblendedCost']['Amount']) per service and month "
              "(the amount is a string), over every page: call again with NextPageToken until the "
              "answer has none. A service absent in a month costs 0.0 there.",
    "columns": "Name the month columns 'YYYY-MM' (TimePeriod Start[:7]) and add 'change' and "
               "'change_pct'; index the rows by service name.",
    "changes": "change is the last month minus the one before; change_pct is 100 * change / the "
               "month before, NaN when that month was 0.",
    "order": "Sort the rows by the last month's cost, highest first (ties by service name).",
}


def cost_table_agrees(function, session, rows, start: str, end: str, *, page_size=None,
                      part: str = "months") -> None:
    """A learner's ``cost_by_service(session, start, end)``, run against a Cost Explorer seeded
    with ``rows`` (``page_size`` groups a page), matches :func:`sim.cost_by_service`: ``part``
    ``"months"`` checks services and monthly amounts, ``"changes"`` the change columns and the
    row order."""
    from grader.sandbox import fresh_state

    fresh_state()
    scenario.seed_cost_explorer(rows, page_size=page_size)
    wanted = scenario.seed_answer_pages(rows, start, end)
    expected = sim.cost_by_service(wanted)
    what = f"cost_by_service(session, {start!r}, {end!r})"
    answer = _frame(function(session, start, end), what)
    months = [c for c in expected.columns if c not in ("change", "change_pct")]
    _columns(answer, months + (["change", "change_pct"] if part == "changes" else []), what,
             COST_ADVICE["columns"])
    _rows(expected, answer, what, "service with a cost in the period", COST_ADVICE["months"])
    if part == "months":
        _values(expected, answer, months, what, COST_ADVICE["months"])
        return
    _values(expected, answer, ["change", "change_pct"], what, COST_ADVICE["changes"])
    order = [str(i) for i in answer.index]
    if order != [str(i) for i in expected.index]:
        raise TABLE.fail(what=f"{what}: the row order", expected=f"{list(expected.index)[:4]} ...",
                         found=f"{order[:4]} ...", hint=COST_ADVICE["order"])


TAG_ADVICE = {
    "rows": "one row per resource, indexed by its ResourceARN.",
    "missing": "A required key is missing when no tag has exactly that key (tag keys are "
               "case-sensitive: 'Team' is not 'team') or its value is empty or blank.",
    "invalid": "A key is invalid when present with a non-blank value outside its allowed list "
               "(exact match; None allows any value).",
    "compliant": "compliant is True only when both lists are empty.",
}


def tag_report_agrees(function, resources, required) -> None:
    """A learner's ``tag_report(resources, required)`` has, for every resource, the reference's
    ``missing`` and ``invalid`` keys (any order) and ``compliant`` flag."""
    expected = sim.tag_compliance(resources, required)
    what = "tag_report(resources, required)"
    answer = _frame(function([dict(r) for r in resources], dict(required)), what)
    if "ResourceARN" in answer.columns:
        answer = answer.set_index("ResourceARN")
    _columns(answer, ["missing", "invalid", "compliant"], what, "Columns missing, invalid and "
             "compliant, one row per resource indexed by ResourceARN.")
    _rows(expected, answer, what, "resource", TAG_ADVICE["rows"])
    tags = {r["ResourceARN"]: r.get("Tags", []) for r in resources}
    rows = {str(i): r for i, r in answer.iterrows()}
    for arn, row in expected.iterrows():
        for column in ("missing", "invalid"):
            got = rows[arn][column]
            got = sorted(got) if isinstance(got, list | tuple | set) else got
            if got != row[column]:
                raise TABLE.fail(what=f"{what}, resource {arn} with tags "
                                 f"{[(t['Key'], t.get('Value')) for t in tags[arn]]}",
                                 expected=f"{column} = {row[column]}", found=f"{column} = {got!r}",
                                 hint=TAG_ADVICE[column])
        if bool(rows[arn]["compliant"]) != bool(row["compliant"]):
            raise TABLE.fail(what=f"{what}, resource {arn}", expected=f"compliant = {row['compliant']}",
                             found=f"compliant = {rows[arn]['compliant']!r}", hint=TAG_ADVICE["compliant"])


TEAM_ADVICE = {
    "rows": f"one row per value of the tag, plus '{sim.UNTAGGED}' for usage without it "
            "(groupby drops missing keys unless you fill them in first).",
    "value": "Charge Usage lines their line_item_unblended_cost and SavingsPlanCoveredUsage lines "
             "their savings_plan_savings_plan_effective_cost; leave out negations, fees, tax "
             "and credits. The tag sits in resource_tags (JSON) under 'user_<tag>'.",
    "columns": "One column per usage month, 'YYYY-MM' (line_item_usage_start_date[:7]).",
}


def team_costs_agrees(function, cur, tag: str = "team") -> None:
    """A learner's ``team_costs(cur, tag)`` has the reference's rows (tag values and
    ``(untagged)``), month columns and chargeback amounts (to 1e-6)."""
    expected = sim.team_costs(cur, tag)
    what = f"team_costs(cur, {tag!r})"
    answer = _frame(function(cur.copy(), tag), what)
    answer = answer.rename(columns=str)
    months = [str(c) for c in expected.columns]
    _columns(answer, months, what, TEAM_ADVICE["columns"])
    _rows(expected, answer, what, f"value of tag {tag!r}", TEAM_ADVICE["rows"])
    _values(expected.rename(columns=str), answer, months, what, TEAM_ADVICE["value"])
