"""Read CloudWatch (and the SNS/Lambda targets of its actions) into ``grader.sim.cloudwatch``'s
plain shapes: alarms as ``describe_alarms`` returns them, metrics as keys, targets as ARNs.

One call per page, so a test reads an account once and checks it in Python.
"""

from __future__ import annotations

from grader.sim import cloudwatch as sim


def alarms(session) -> list[dict]:
    """Every metric alarm of the account (``describe_alarms`` MetricAlarms), all pages."""
    pages = session.client("cloudwatch").get_paginator("describe_alarms").paginate(
        AlarmTypes=["MetricAlarm"])
    return [alarm for page in pages for alarm in page["MetricAlarms"]]


def alarm(session, name: str) -> dict | None:
    """One metric alarm by name, or None."""
    found = session.client("cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"]
    return found[0] if found else None


def metric_keys(session) -> set[tuple]:
    """The key (namespace, name, exact dimensions) of every metric that has data."""
    pages = session.client("cloudwatch").get_paginator("list_metrics").paginate()
    return {sim.metric_key(m["Namespace"], m["MetricName"], m.get("Dimensions"))
            for page in pages for m in page["Metrics"]}


def targets(session, arns=()) -> set[str]:
    """The ARNs among ``arns`` that exist: SNS topics, and Lambda functions if any is named."""
    found = {t["TopicArn"] for page in session.client("sns").get_paginator("list_topics").paginate()
             for t in page["Topics"]}
    if any(arn.split(":")[2] == "lambda" for arn in arns):
        found |= {f["FunctionArn"] for page in
                  session.client("lambda").get_paginator("list_functions").paginate()
                  for f in page["Functions"]}
    return found


def account(session) -> tuple[list[dict], set[tuple], set[str]]:
    """What :func:`grader.sim.cloudwatch.silent_alarms` needs: alarms, metric keys, targets."""
    found = alarms(session)
    actions = [arn for a in found for arn in a.get("AlarmActions") or ()]
    return found, metric_keys(session), targets(session, actions)
