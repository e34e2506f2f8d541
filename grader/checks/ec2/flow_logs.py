"""Checks on VPC flow logs (destination, traffic, format, the delivery role, the log group) and
on learners' analyses of flow-log records, compared with ``grader.sim.flow_logs``.

moto stores a flow log's configuration but writes no record. It asks for a role ARN with a
CloudWatch Logs destination without checking the role, and reports ``DeliverLogsStatus`` FAILED
when the log group does not exist yet (AWS creates it on first delivery), so the checks read
the role themselves and ignore that status. The role's policies are read action by action: an
Allow statement whose Action matches, and no Deny whose Action matches (resources and
conditions are not weighed).
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

from botocore.exceptions import ClientError

from grader.checks.base import Message
from grader.sim import flow_logs as sim
from grader.sim.iam import action_matches

from .resources import missing, require_id

SERVICE = "vpc-flow-logs.amazonaws.com"
#: What the role of a flow log to CloudWatch Logs must allow (AWS's documented minimum).
ROLE_ACTIONS = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                "logs:DescribeLogGroups", "logs:DescribeLogStreams")

SETTING = Message("{setting} of flow log {flow_log_id}", "{expected}", "{found}", "{hint}")
SETTING_HINTS = {
    "resource": "Create the flow log with ResourceType='VPC' and ResourceIds=[vpc_id], the VPC "
                "your function received.",
    "cloudwatch": "Use LogDestinationType='cloud-watch-logs' with LogGroupName=log_group.",
    "traffic": "TrafficType='{traffic_type}' records {what}.",
    "s3": "Use LogDestinationType='s3' and LogDestination=f'arn:aws:s3:::{{bucket}}', the "
          "bucket's ARN (it holds no account and no Region).",
    "interval": "Pass MaxAggregationInterval={interval}: seconds, 60 or 600 (the default).",
}
TRAFFIC = {"ALL": "accepted and rejected traffic", "REJECT": "rejected traffic only",
           "ACCEPT": "accepted traffic only"}
FIELDS = Message("Record format of flow log {flow_log_id}", "{expected}", "{found}", "{hint}")
ROLE_MISSING = Message(
    "Role {role} of flow log {flow_log_id}", "a role in this account", "no such role",
    "Create the role with create_role and pass its Arn as DeliverLogsPermissionArn.")
ROLE_TRUST = Message(
    "Trust policy of role {role}", f"only the service {SERVICE} may assume it", "{found}",
    "{hint}")
ROLE_TRUST_HINTS = {
    "other": "Trust exactly the service: Principal {\"Service\": \"" + SERVICE + "\"}. Any "
             "other principal could take the role's permissions for itself.",
    "none": "Add a statement: Effect Allow, Principal {\"Service\": \"" + SERVICE + "\"}, "
            "Action sts:AssumeRole.",
}
ROLE_PERMISSIONS = Message(
    "Permissions of role {role}", "Allow {actions}", "{found}",
    "Give the role a policy (put_role_policy) with an Allow statement for these actions; "
    "Resource \"*\" is what AWS's documentation shows.")
RETENTION = Message("Retention of log group {log_group}", "{expected}", "{found}", "{hint}")
TOP_SHAPE = Message(
    "The value your function returned for column {column!r}, n={n}",
    "a pandas Series: values of {column} as its index, rejected-record counts as its values",
    "{found}", "{hint}")
TOP_SHAPE_HINTS = {
    "none": "End your function with `return` and the Series: a function without return gives "
            "None.",
    "other": "Group the rejected records by the column and count them: value_counts() returns "
             "exactly this Series, most frequent first.",
}
TOP_ROWS = Message("Rows returned for column {column!r}, n={n}", "{expected} rows", "{found}",
                   "Keep only the first n rows (head(n)); fewer only when the column has fewer "
                   "distinct rejected values.")
TOP_ORDER = Message("Order of the counts for column {column!r}", "most rejected first",
                    "{found}", "Sort by count, descending: value_counts() already does.")
TOP_COUNT = Message("Rejected records with {column} = {label}", "{expected}", "{found}",
                    "{hint}")
TOP_COUNT_HINTS = {
    "all": "You counted every record, accepted ones too: keep only action == 'REJECT' first.",
    "packets": "You added up packets: count records (rows), one per flow and interval.",
    "other": "Count the rows whose action is 'REJECT', grouped by {column}.",
}
TOP_MISSING = Message(
    "Top {n} values of {column} by rejected records", "{label} ({count} records) among them",
    "it is missing, yet {smallest} with {smaller} records is listed",
    "Sort by the count over all rejected records before taking the first n.")


def describe_flow_log(ec2, flow_log_id) -> dict:
    require_id(flow_log_id, "fl", "The flow log id")
    found = ec2.describe_flow_logs(FlowLogIds=[flow_log_id])["FlowLogs"]
    if not found:  # moto answers [] for an unknown id
        raise missing("fl", flow_log_id, "InvalidFlowLogId.NotFound")
    return found[0]


def _settings(flow_log_id, checks) -> None:
    for setting, expected, found, hint in checks:
        if expected != found:
            raise SETTING.fail(setting=setting, flow_log_id=flow_log_id, expected=expected,
                               found=found, hint=hint)


def _common(flow_log: dict, resource_id: str, traffic_type: str) -> list[tuple]:
    return [
        ("Resource", resource_id, flow_log["ResourceId"], SETTING_HINTS["resource"]),
        ("TrafficType", traffic_type, flow_log["TrafficType"], SETTING_HINTS["traffic"].format(
            traffic_type=traffic_type, what=TRAFFIC[traffic_type])),
    ]


def flow_log_to_cloudwatch(session, flow_log_id, resource_id: str, log_group: str,
                           traffic_type: str = "ALL") -> None:
    """The flow log records ``traffic_type`` of ``resource_id`` into CloudWatch Logs group
    ``log_group`` (its role is ``flow_log_role``'s business)."""
    flow_log = describe_flow_log(session.client("ec2"), flow_log_id)
    _settings(flow_log_id, _common(flow_log, resource_id, traffic_type) + [
        ("Destination", f"cloud-watch-logs, log group {log_group}",
         f"{flow_log['LogDestinationType']}, {_destination(flow_log)}",
         SETTING_HINTS["cloudwatch"]),
    ])


def flow_log_to_s3(session, flow_log_id, resource_id: str, bucket: str, *,
                   traffic_type: str = "ALL", max_aggregation_interval: int = 600) -> None:
    """The flow log records ``traffic_type`` of ``resource_id`` into the S3 bucket ``bucket``
    (its bare ARN) with the given maximum aggregation interval."""
    flow_log = describe_flow_log(session.client("ec2"), flow_log_id)
    _settings(flow_log_id, _common(flow_log, resource_id, traffic_type) + [
        ("Destination", f"s3, arn:aws:s3:::{bucket}",
         f"{flow_log['LogDestinationType']}, {_destination(flow_log)}", SETTING_HINTS["s3"]),
        ("MaxAggregationInterval", max_aggregation_interval,
         flow_log.get("MaxAggregationInterval"),
         SETTING_HINTS["interval"].format(interval=max_aggregation_interval)),
    ])


def _destination(flow_log: dict) -> str:
    return flow_log.get("LogDestination") or f"log group {flow_log.get('LogGroupName')}"


def flow_log_fields(session, flow_log_id, extra_fields) -> None:
    """The record format holds the default fields in their default order, and every field of
    ``extra_fields`` (anywhere)."""
    flow_log = describe_flow_log(session.client("ec2"), flow_log_id)
    fields = re.findall(r"\$\{([a-z0-9-]+)\}", flow_log.get("LogFormat", ""))
    wanted = " ".join(f"${{{f}}}" for f in (*sim.DEFAULT_FIELDS, *extra_fields))
    lacking = [f for f in (*sim.DEFAULT_FIELDS, *extra_fields) if f not in fields]
    default_order = [f for f in fields if f in sim.DEFAULT_FIELDS]
    if lacking:
        found, hint = (f"no {', '.join(lacking)} in {flow_log.get('LogFormat')!r}",
                       "Pass LogFormat: every field as ${name}, separated by spaces, the default "
                       "ones first.")
    elif default_order != list(sim.DEFAULT_FIELDS):
        found, hint = (f"default fields in the order {' '.join(default_order)}",
                       "Keep the default fields in their default order, so parsers of the "
                       "default format still read the first fourteen columns.")
    else:
        return
    raise FIELDS.fail(flow_log_id=flow_log_id, expected=wanted, found=found, hint=hint)


def flow_log_role(session, flow_log_id) -> None:
    """The flow log's role trusts only the flow-logs service and allows ``ROLE_ACTIONS``."""
    flow_log = describe_flow_log(session.client("ec2"), flow_log_id)
    role_arn = flow_log.get("DeliverLogsPermissionArn", "")
    name = role_arn.rsplit("/", 1)[-1]
    iam = session.client("iam")
    try:
        role = iam.get_role(RoleName=name)["Role"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchEntity":
            raise
        raise ROLE_MISSING.fail(role=role_arn or "(none)", flow_log_id=flow_log_id) from None
    _trusts_only_the_service(name, _document(role["AssumeRolePolicyDocument"]))
    allowed, denied = [], []
    for document in _role_policies(iam, name):
        for statement in _statements(document):
            (allowed if statement.get("Effect") == "Allow" else denied).extend(
                _listed(statement.get("Action", [])))
    lacking = [action for action in ROLE_ACTIONS
               if not any(action_matches(p, action) for p in allowed)
               or any(action_matches(p, action) for p in denied)]
    if lacking:
        found = f"no Allow for {', '.join(lacking)}" if allowed else "no permission policy"
        raise ROLE_PERMISSIONS.fail(role=name, actions=", ".join(ROLE_ACTIONS), found=found)


def _trusts_only_the_service(name: str, trust: dict) -> None:
    allows = [s for s in _statements(trust) if s.get("Effect") == "Allow"]
    for statement in allows:
        principal = statement.get("Principal")
        services = _listed(principal.get("Service", [])) if isinstance(principal, dict) else []
        if services != [SERVICE] or set(principal) != {"Service"}:
            raise ROLE_TRUST.fail(role=name, found=f"a statement trusts {json.dumps(principal)}",
                                  hint=ROLE_TRUST_HINTS["other"])
    if not any(action_matches(p, "sts:AssumeRole") for s in allows
               for p in _listed(s.get("Action", []))):
        raise ROLE_TRUST.fail(role=name, found="no statement allows sts:AssumeRole",
                              hint=ROLE_TRUST_HINTS["none"])


def _role_policies(iam, name: str) -> list[dict]:
    documents = [iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
                 for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]]
    for attached in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
        policy = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
        documents.append(iam.get_policy_version(
            PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])["PolicyVersion"][
                "Document"])
    return [_document(d) for d in documents]


def _document(document) -> dict:
    """IAM returns policy documents URL-encoded; boto3 usually decodes them to a dict."""
    return json.loads(unquote(document)) if isinstance(document, str) else document


def _statements(document: dict) -> list[dict]:
    statements = document.get("Statement", [])
    return [statements] if isinstance(statements, dict) else list(statements)


def _listed(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def log_group_retention(session, log_group: str, days: int) -> None:
    """The log group exists and keeps events for ``days`` days."""
    groups = session.client("logs").describe_log_groups(logGroupNamePrefix=log_group)
    group = next((g for g in groups["logGroups"] if g["logGroupName"] == log_group), None)
    if group is None:
        raise RETENTION.fail(log_group=log_group, expected=f"{days} days",
                             found="no log group of that name",
                             hint="Create it with create_log_group(logGroupName=log_group).")
    if group.get("retentionInDays") != days:
        kept = group.get("retentionInDays")
        raise RETENTION.fail(log_group=log_group, expected=f"{days} days",
                             found=f"{kept} days" if kept else "never expire (the default)",
                             hint="Call put_retention_policy(logGroupName=..., "
                                  "retentionInDays=retention_days).")


# -- analyses -------------------------------------------------------------------------------------

def top_rejected_agrees(function, flows, column: str, n: int) -> None:
    """``function(flows, column, n)`` returns the ``n`` values of ``column`` with the most
    rejected records and their counts, most first. Ties at the cut may be broken either way."""
    import pandas as pd

    answer = function(flows.copy(), column, n)
    if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
        answer = answer.iloc[:, 0]
    if not isinstance(answer, pd.Series):
        found = (f"a DataFrame with columns {list(answer.columns)}"
                 if isinstance(answer, pd.DataFrame)
                 else f"{answer!r:.60} (a {type(answer).__name__})")
        raise TOP_SHAPE.fail(column=column, n=n, found=found,
                             hint=TOP_SHAPE_HINTS["none" if answer is None else "other"])
    counts = {_label(k): int(v) for k, v in sim.rejected_counts(flows, column).items()}
    expected_rows = min(n, len(counts))
    if len(answer) != expected_rows:
        raise TOP_ROWS.fail(column=column, n=n, expected=expected_rows, found=len(answer))
    values = [int(v) for v in answer.to_numpy()]
    if values != sorted(values, reverse=True):
        raise TOP_ORDER.fail(column=column, found=", ".join(map(str, values)))
    for label, value in zip(map(_label, answer.index), values, strict=True):
        if counts.get(label) != value:
            raise TOP_COUNT.fail(column=column, label=label, expected=counts.get(label, 0),
                                 found=value, hint=_count_hint(flows, column, label, value))
    listed = {_label(k) for k in answer.index}
    better = [(label, count) for label, count in counts.items()
              if label not in listed and count > min(values, default=0)]
    if better:
        label, count = max(better, key=lambda pair: pair[1])
        smallest = min(zip(values, map(_label, answer.index), strict=True))
        raise TOP_MISSING.fail(n=n, column=column, label=label, count=count,
                               smallest=smallest[1], smaller=smallest[0])


def _label(value) -> str:
    """22, 22.0, "22" and numpy's 22 are one label; addresses stay as they are."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(number)) if number.is_integer() else str(value)


def _count_hint(flows, column: str, label: str, value: int) -> str:
    same = flows[column].map(_label) == label
    if value == int(same.sum()):
        return TOP_COUNT_HINTS["all"]
    if value == int(flows.loc[same & (flows["action"] == sim.REJECT), "packets"].sum()):
        return TOP_COUNT_HINTS["packets"]
    return TOP_COUNT_HINTS["other"].format(column=column)
