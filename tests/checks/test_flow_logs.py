"""The flow-log checks of topic 21 against real moto (destination, traffic, format, role, log
group), and the comparison of a learner's top_rejected with the reference, messages pinned."""

from __future__ import annotations

import json

import pytest

from grader.checks import ec2 as checks
from grader.checks.ec2.flow_logs import ROLE_ACTIONS, SERVICE
from grader.scenarios.flow_logs import synthetic_flows

from .failures import failure

VERSION = "2012-10-17"
TRUST = {"Version": VERSION, "Statement": [{
    "Effect": "Allow", "Principal": {"Service": SERVICE}, "Action": "sts:AssumeRole"}]}
DEFAULT = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
           "start end action log-status").split()


@pytest.fixture
def vpc_id(session):
    return session.client("ec2").create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]


def role(session, name="flow-logs", trust=TRUST, actions=ROLE_ACTIONS) -> str:
    iam = session.client("iam")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    if actions:
        iam.put_role_policy(RoleName=name, PolicyName="deliver", PolicyDocument=json.dumps({
            "Version": VERSION, "Statement": [{"Effect": "Allow", "Action": list(actions),
                                               "Resource": "*"}]}))
    return arn


def to_cloudwatch(session, vpc_id, role_arn, traffic="ALL", group="/vpc/flow-logs") -> str:
    return session.client("ec2").create_flow_logs(
        ResourceType="VPC", ResourceIds=[vpc_id], TrafficType=traffic,
        LogDestinationType="cloud-watch-logs", LogGroupName=group,
        DeliverLogsPermissionArn=role_arn)["FlowLogIds"][0]


def to_s3(session, vpc_id, bucket="flow-archive", **extra) -> str:
    session.client("s3").create_bucket(Bucket=bucket)
    return session.client("ec2").create_flow_logs(
        ResourceType="VPC", ResourceIds=[vpc_id], TrafficType="ALL", LogDestinationType="s3",
        LogDestination=f"arn:aws:s3:::{bucket}", **extra)["FlowLogIds"][0]


# -- destinations ---------------------------------------------------------------------------------

def test_cloudwatch_flow_log_passes_even_before_its_log_group_exists(session, vpc_id):
    """Regression: moto reports DeliverLogsStatus FAILED for a missing group; AWS creates it."""
    flow_log_id = to_cloudwatch(session, vpc_id, role(session))
    checks.flow_log_to_cloudwatch(session, flow_log_id, vpc_id, "/vpc/flow-logs")


def test_cloudwatch_flow_log_fails_on_rejected_traffic_only(session, vpc_id):
    flow_log_id = to_cloudwatch(session, vpc_id, role(session), traffic="REJECT")
    found = failure(checks.flow_log_to_cloudwatch, session, flow_log_id, vpc_id, "/vpc/flow-logs")
    assert found["what"] == f"TrafficType of flow log {flow_log_id}"
    assert (found["expected"], found["found"]) == ("ALL", "REJECT")
    assert found["next"] == "TrafficType='ALL' records accepted and rejected traffic."


def test_cloudwatch_check_fails_on_an_s3_flow_log_naming_its_destination(session, vpc_id):
    flow_log_id = to_s3(session, vpc_id)
    found = failure(checks.flow_log_to_cloudwatch, session, flow_log_id, vpc_id, "/vpc/flow-logs")
    assert found["expected"] == "cloud-watch-logs, log group /vpc/flow-logs"
    assert found["found"] == "s3, arn:aws:s3:::flow-archive"


def test_flow_log_of_another_resource_fails(session, vpc_id):
    other = session.client("ec2").create_vpc(CidrBlock="10.51.0.0/16")["Vpc"]["VpcId"]
    flow_log_id = to_cloudwatch(session, other, role(session))
    found = failure(checks.flow_log_to_cloudwatch, session, flow_log_id, vpc_id, "/vpc/flow-logs")
    assert (found["expected"], found["found"]) == (vpc_id, other)


def test_unknown_and_missing_flow_log_ids_say_so(session, vpc_id):
    found = failure(checks.flow_log_to_cloudwatch, session, "fl-0123456789abcdef0", vpc_id, "g")
    assert found["found"] == "fl-0123456789abcdef0 does not exist (InvalidFlowLogId.NotFound)"
    found = failure(checks.flow_log_to_s3, session, None, vpc_id, "b")
    assert found["next"] == ('Return the id from the create call\'s response, e.g. '
                             'response["FlowLogIds"][0].')


def test_s3_flow_log_passes_and_fails_on_the_aggregation_interval(session, vpc_id):
    flow_log_id = to_s3(session, vpc_id, MaxAggregationInterval=60)
    checks.flow_log_to_s3(session, flow_log_id, vpc_id, "flow-archive", max_aggregation_interval=60)
    slow = to_s3(session, vpc_id, bucket="flow-archive-2")
    found = failure(checks.flow_log_to_s3, session, slow, vpc_id, "flow-archive-2",
                    max_aggregation_interval=60)
    assert (found["expected"], found["found"]) == ("60", "600")


# -- format -----------------------------------------------------------------------------------------

def test_fields_pass_with_extras_in_any_order(session, vpc_id):
    fields = DEFAULT + ["pkt-dstaddr", "vpc-id", "pkt-srcaddr"]
    flow_log_id = to_s3(session, vpc_id, LogFormat=" ".join("${" + f + "}" for f in fields))
    checks.flow_log_fields(session, flow_log_id, ["pkt-srcaddr", "pkt-dstaddr", "vpc-id"])


def test_fields_fail_on_the_default_format_naming_what_is_missing(session, vpc_id):
    flow_log_id = to_s3(session, vpc_id)
    found = failure(checks.flow_log_fields, session, flow_log_id, ["pkt-srcaddr", "pkt-dstaddr"])
    assert found["found"].startswith("no pkt-srcaddr, pkt-dstaddr in '${version} ")
    assert found["expected"].endswith("${log-status} ${pkt-srcaddr} ${pkt-dstaddr}")


def test_fields_fail_when_default_fields_are_reordered(session, vpc_id):
    fields = ["srcaddr", "version"] + [f for f in DEFAULT if f not in ("srcaddr", "version")]
    flow_log_id = to_s3(session, vpc_id, LogFormat=" ".join("${" + f + "}" for f in fields))
    found = failure(checks.flow_log_fields, session, flow_log_id, [])
    assert found["found"].startswith("default fields in the order srcaddr version account-id")


# -- the role -------------------------------------------------------------------------------------

def test_role_passes_with_the_documented_actions_or_a_wildcard(session, vpc_id):
    checks.flow_log_role(session, to_cloudwatch(session, vpc_id, role(session)))
    wide = role(session, "wide", actions=["logs:*"])
    checks.flow_log_role(session, to_cloudwatch(session, vpc_id, wide, group="other"))


@pytest.mark.parametrize("principal", [
    pytest.param("*", id="star"), pytest.param({"AWS": "*"}, id="aws-star"),
    pytest.param({"Service": [SERVICE, "ec2.amazonaws.com"]}, id="a-second-service")])
def test_role_trusting_anyone_else_fails(session, vpc_id, principal):
    trust = {"Version": VERSION, "Statement": [{"Effect": "Allow", "Principal": principal,
                                                "Action": "sts:AssumeRole"}]}
    flow_log_id = to_cloudwatch(session, vpc_id, role(session, trust=trust))
    found = failure(checks.flow_log_role, session, flow_log_id)
    assert found["what"] == "Trust policy of role flow-logs"
    assert found["found"] == f"a statement trusts {json.dumps(principal)}"
    assert found["next"].startswith('Trust exactly the service: Principal {"Service": ')


def test_role_without_assume_role_fails(session, vpc_id):
    trust = {"Version": VERSION, "Statement": [{"Effect": "Allow", "Principal": {"Service": SERVICE},
                                                "Action": "sts:TagSession"}]}
    found = failure(checks.flow_log_role, session, to_cloudwatch(session, vpc_id, role(session, trust=trust)))
    assert found["found"] == "no statement allows sts:AssumeRole"


def test_role_missing_actions_are_listed(session, vpc_id):
    partial = role(session, actions=["logs:CreateLogStream", "logs:PutLogEvents"])
    found = failure(checks.flow_log_role, session, to_cloudwatch(session, vpc_id, partial))
    assert found["found"] == ("no Allow for logs:CreateLogGroup, logs:DescribeLogGroups, "
                              "logs:DescribeLogStreams")
    bare = role(session, "bare", actions=())
    found = failure(checks.flow_log_role, session, to_cloudwatch(session, vpc_id, bare, group="g"))
    assert found["found"] == "no permission policy"


def test_role_reads_attached_policies_and_denies(session, vpc_id):
    iam, arn = session.client("iam"), role(session, actions=())
    policy = iam.create_policy(PolicyName="deliver", PolicyDocument=json.dumps({
        "Version": VERSION, "Statement": [
            {"Effect": "Allow", "Action": "logs:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "logs:Describe*", "Resource": "*"}]}))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="flow-logs", PolicyArn=policy)
    found = failure(checks.flow_log_role, session, to_cloudwatch(session, vpc_id, arn))
    assert found["found"] == "no Allow for logs:DescribeLogGroups, logs:DescribeLogStreams"


def test_role_that_does_not_exist_fails(session, vpc_id):
    flow_log_id = to_cloudwatch(session, vpc_id, "arn:aws:iam::123456789012:role/nobody")
    found = failure(checks.flow_log_role, session, flow_log_id)
    assert found["what"] == f"Role arn:aws:iam::123456789012:role/nobody of flow log {flow_log_id}"


# -- the log group ----------------------------------------------------------------------------------

def test_log_group_retention(session):
    logs = session.client("logs")
    found = failure(checks.log_group_retention, session, "/vpc/flow-logs", 30)
    assert found["found"] == "no log group of that name"
    logs.create_log_group(logGroupName="/vpc/flow-logs")
    assert failure(checks.log_group_retention, session, "/vpc/flow-logs", 30)["found"] == \
        "never expire (the default)"
    logs.put_retention_policy(logGroupName="/vpc/flow-logs", retentionInDays=30)
    checks.log_group_retention(session, "/vpc/flow-logs", 30)
    assert failure(checks.log_group_retention, session, "/vpc/flow-logs", 90)["found"] == "30 days"


# -- top_rejected_agrees ------------------------------------------------------------------------

FLOWS = synthetic_flows(seed=3, records=1500)


def reference(flows, column, n):
    return flows[flows["action"] == "REJECT"][column].value_counts().head(n)


@pytest.mark.parametrize("answer", [
    pytest.param(reference, id="value-counts"),
    pytest.param(lambda f, c, n: f[f["action"] == "REJECT"].groupby(c).size().nlargest(n),
                 id="groupby-size"),
    pytest.param(lambda f, c, n: reference(f, c, n).to_frame(), id="one-column-frame"),
    pytest.param(lambda f, c, n: reference(f, c, n).set_axis(reference(f, c, n).index.astype(str)),
                 id="labels-as-strings"),
])
def test_top_rejected_accepts_any_correct_approach(answer):
    for column, n in (("srcaddr", 6), ("dstport", 4), ("protocol", 5)):
        checks.top_rejected_agrees(answer, FLOWS, column, n)


def test_top_rejected_accepts_either_side_of_a_tie_at_the_cut():
    counts = FLOWS[FLOWS["action"] == "REJECT"]["srcaddr"].value_counts()
    n = next(i for i in range(1, len(counts)) if counts.iloc[i - 1] == counts.iloc[i])
    swapped = counts.iloc[[*range(n - 1), n]]  # the n-th value replaced by its tied neighbour
    checks.top_rejected_agrees(lambda f, c, k: swapped, FLOWS, "srcaddr", n)


@pytest.mark.parametrize(("answer", "found", "next_"), [
    pytest.param(lambda f, c, n: f[c].value_counts().head(n), None,
                 "You counted every record, accepted ones too: keep only action == 'REJECT' first.",
                 id="all-records"),
    pytest.param(lambda f, c, n: f[f["action"] == "REJECT"].groupby(c)["packets"].sum()
                 .sort_values(ascending=False).head(n), None,
                 "You added up packets: count records (rows), one per flow and interval.",
                 id="packets"),
    pytest.param(lambda f, c, n: reference(f, c, n).sort_values(), None,
                 "Sort by count, descending: value_counts() already does.", id="ascending"),
    pytest.param(lambda f, c, n: None, "None (a NoneType)",
                 "End your function with `return` and the Series: a function without return gives "
                 "None.", id="no-return"),
    pytest.param(lambda f, c, n: reference(f, c, n).reset_index(),
                 "a DataFrame with columns ['srcaddr', 'count']", None, id="frame"),
    pytest.param(lambda f, c, n: reference(f, c, n).iloc[1:], "5", None, id="one-short"),
    pytest.param(lambda f, c, n: reference(f, c, n + 1).iloc[1:], None,
                 "Sort by the count over all rejected records before taking the first n.",
                 id="skips-the-top"),
])
def test_top_rejected_wrong_answers_get_a_pointed_message(answer, found, next_):
    message = failure(checks.top_rejected_agrees, answer, FLOWS, "srcaddr", 6)
    if found is not None:
        assert message["found"] == found
    if next_ is not None:
        assert message["next"] == next_


def test_top_rejected_gives_the_function_a_copy():
    """A learner's function that rewrites its argument cannot change the reference's answer."""
    def vandal(flows, column, n):
        flows["action"] = "ACCEPT"
        return reference(flows, column, n)
    with pytest.raises(AssertionError):
        checks.top_rejected_agrees(vandal, FLOWS, "srcaddr", 3)
    assert (FLOWS["action"] == "REJECT").sum() > 0
