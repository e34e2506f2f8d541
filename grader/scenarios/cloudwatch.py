"""Build CloudWatch situations for tests and worked examples: SNS topics, CPU datapoints an
instance "reported", and alarms with or without the usual mistakes.

moto accepts every alarm below without a word, including those that could never notify anyone:
that is the point of the course's silent-alarm exercise.
"""

from __future__ import annotations

import datetime as dt

CPU = {"Namespace": "AWS/EC2", "MetricName": "CPUUtilization"}


def topic(session, name: str) -> str:
    """An SNS topic's ARN (created if needed)."""
    return session.client("sns").create_topic(Name=name)["TopicArn"]


def report_cpu(session, instance_id: str, values, *, period: int = 300, end=None) -> None:
    """Put one CPUUtilization datapoint per period for ``instance_id``, oldest first, the last
    one in the period that ends at ``end`` (default: now); ``None`` leaves a period empty."""
    end = end or dt.datetime.now(dt.UTC).replace(microsecond=0)
    points = [{**{"MetricName": CPU["MetricName"]},
               "Dimensions": [{"Name": "InstanceId", "Value": instance_id}],
               "Timestamp": end - dt.timedelta(seconds=period * (len(values) - 1 - i)),
               "Value": float(v), "Unit": "Percent"}
              for i, v in enumerate(values) if v is not None]
    if points:
        session.client("cloudwatch").put_metric_data(Namespace=CPU["Namespace"], MetricData=points)


def cpu_alarm(session, name: str, instance_id: str | None, *, actions=(), ok_actions=(),
              enabled: bool = True, threshold: float = 80, datapoints_to_alarm: int = 2,
              evaluation_periods: int = 3, math: bool = False) -> str:
    """A CPU alarm on ``instance_id`` (None: no dimension at all), returns its name.
    ``math`` defines the same metric through ``Metrics`` (a MetricStat query), as a
    metric-math alarm does."""
    dims = [{"Name": "InstanceId", "Value": instance_id}] if instance_id else []
    common = {"AlarmName": name, "ActionsEnabled": enabled, "AlarmActions": list(actions),
              "OKActions": list(ok_actions), "Threshold": threshold,
              "ComparisonOperator": "GreaterThanThreshold",
              "EvaluationPeriods": evaluation_periods, "DatapointsToAlarm": datapoints_to_alarm}
    cloudwatch = session.client("cloudwatch")
    if math:
        cloudwatch.put_metric_alarm(**common, Metrics=[{
            "Id": "cpu", "ReturnData": True,
            "MetricStat": {"Metric": {**CPU, "Dimensions": dims}, "Period": 300, "Stat": "Average"}}])
    else:
        cloudwatch.put_metric_alarm(**common, **CPU, Dimensions=dims, Statistic="Average", Period=300)
    return name
