"""The Lambda checks pass on the course's answers and fail with messages naming the real resources.

They run against real moto with the in-process harness installed, as in the notebook.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from grader.checks import awslambda as checks
from grader.scenarios.awslambda import (
    ECHO_SOURCE,
    deployed_function,
    lambda_role,
    random_sales,
    sales_pipeline,
    usage_frame,
    zip_source,
)
from grader.sim import lambda_cost
from grader.state import awslambda as state

from .failures import failure


@pytest.fixture
def lam(session):
    state.install()
    state.clear()
    return session.client("lambda")


def _create(lam, session, name="fn", *, timeout=30, filename="app.py"):
    return lam.create_function(FunctionName=name, Runtime="python3.13", Role=lambda_role(session),
                               Handler="app.handler", Code={"ZipFile": zip_source(ECHO_SOURCE, filename)},
                               MemorySize=512, Timeout=timeout,
                               Environment={"Variables": {"STAGE": "dev"}})["FunctionArn"]


# -- function_configured, package_runs -------------------------------------------------------------

def test_function_configured_passes_on_the_settings_asked_for(session, lam):
    arn = _create(lam, session)
    assert checks.function_configured(session, arn, "fn", memory_mb=512, timeout_s=30,
                                      variables={"STAGE": "dev"}) is None


def test_function_configured_names_a_timeout_in_milliseconds(session, lam):
    arn = _create(lam, session, timeout=30_000)
    message = failure(checks.function_configured, session, arn, "fn", memory_mb=512, timeout_s=30,
                      variables={"STAGE": "dev"})
    assert message["what"] == "Setting Timeout of function fn"
    assert (message["expected"], message["found"]) == ("30", "30000")
    assert message["next"] == "Pass Timeout in seconds (1 to 900), not milliseconds."


def test_function_configured_wants_the_arn_returned(session, lam):
    _create(lam, session)
    message = failure(checks.function_configured, session, None, "fn", memory_mb=512, timeout_s=30,
                      variables={})
    assert message["found"] == "None (a NoneType)"
    assert message["next"] == "Return create_function(...)['FunctionArn']."


def test_package_runs_reports_the_import_error_of_a_misnamed_file(session, lam):
    _create(lam, session, filename="lambda_function.py")
    message = failure(checks.package_runs, session, "fn", {}, {})
    assert message["found"].startswith("Runtime.ImportModuleError: Unable to import module 'app'")
    assert "app.py, at the root" in message["next"]


def test_package_runs_passes_when_the_code_returns_the_expected_value(session, lam):
    _create(lam, session)
    assert checks.package_runs(session, "fn", {"x": 1},
                               {"function": "fn", "stage": "dev", "event": {"x": 1}}) is None


# -- S3 trigger -------------------------------------------------------------------------------

def _notify(session, bucket, arn, rules):
    session.client("s3").put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"],
                                          "Filter": {"Key": {"FilterRules": rules}}}]})


RULES = [{"Name": "prefix", "Value": "in/"}, {"Name": "suffix", "Value": ".csv"}]
KEYS = ["in/a.csv", "in/a.txt", "out/a.csv"]


def test_s3_trigger_without_permission_is_refused_by_the_harness(session, lam):
    arn = deployed_function(session, "fn")
    session.client("s3").create_bucket(Bucket="drop")
    _notify(session, "drop", arn, RULES)
    message = failure(checks.s3_trigger_delivers, session, "drop", "fn", "in/", ".csv", KEYS)
    assert message["found"].startswith("S3 was refused for 'in/a.csv'")
    assert "add_permission(Principal='s3.amazonaws.com'" in message["next"]


def test_s3_trigger_and_scoped_permission_pass(session, lam):
    arn = deployed_function(session, "fn")
    session.client("s3").create_bucket(Bucket="drop")
    lam.add_permission(FunctionName="fn", StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::drop",
                       SourceAccount="123456789012")
    _notify(session, "drop", arn, RULES)
    assert checks.s3_trigger_delivers(session, "drop", "fn", "in/", ".csv", KEYS) is None
    assert checks.s3_permission_scoped(session, "fn", "drop") is None
    assert [d.detail for d in state.deliveries("s3")] == ["in/a.csv"]


def test_s3_trigger_names_the_keys_a_prefix_only_filter_lets_through(session, lam):
    arn = deployed_function(session, "fn")
    session.client("s3").create_bucket(Bucket="drop")
    lam.add_permission(FunctionName="fn", StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com")
    _notify(session, "drop", arn, RULES[:1])
    message = failure(checks.s3_trigger_delivers, session, "drop", "fn", "in/", ".csv", KEYS)
    assert (message["expected"], message["found"]) == ("invocations for ['in/a.csv']",
                                                       "invocations for ['in/a.csv', 'in/a.txt']")


@pytest.mark.parametrize(("extra", "question"), [
    pytest.param({}, "may S3 invoke it for another bucket, someone-elses-uploads?", id="no-source-arn"),
    pytest.param({"SourceArn": "arn:aws:s3:::drop"},
                 "may S3 invoke it for a bucket named drop in another account (999988887777)?",
                 id="no-source-account"),
])
def test_s3_permission_scoped_catches_the_confused_deputy(session, lam, extra, question):
    deployed_function(session, "fn")
    lam.add_permission(FunctionName="fn", StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", **extra)
    message = failure(checks.s3_permission_scoped, session, "fn", "drop")
    assert message["what"] == f"Function fn's resource policy: {question}"
    assert (message["expected"], message["found"]) == ("no", "yes")


# -- the pipeline --------------------------------------------------------------------------------

def test_pipeline_reports_the_handlers_error(session, lam):
    pipeline = sales_pipeline(session, "in-bkt", "out-bkt")
    message = failure(checks.pipeline_summarises, session, pipeline, {"incoming/a.csv": random_sales(1)})
    assert message["found"] == "the handler raised NotImplementedError: "
    assert "unquote_plus" in message["next"]


def test_pipeline_passes_with_a_stand_in_that_writes_the_summary(session, lam):
    pipeline = sales_pipeline(session, "in-bkt", "out-bkt")
    s3 = session.client("s3")

    def handler(event, context):
        from urllib.parse import unquote_plus

        from grader.scenarios.awslambda import sales_summary
        record = event["Records"][0]["s3"]
        key = unquote_plus(record["object"]["key"])
        text = s3.get_object(Bucket=record["bucket"]["name"], Key=key)["Body"].read().decode()
        s3.put_object(Bucket="out-bkt", Key=f"summaries/{key}.json",
                      Body=json.dumps(sales_summary(record["bucket"]["name"], key, text)))

    state.use_code(pipeline["function"], handler)
    assert checks.pipeline_summarises(session, pipeline, {"incoming/a b.csv": random_sales(2)}) is None


# -- the queue -----------------------------------------------------------------------------------

def _queues(session):
    sqs = session.client("sqs")
    urls = [sqs.create_queue(QueueName=n)["QueueUrl"] for n in ("work", "work-dlq")]
    arns = [sqs.get_queue_attributes(QueueUrl=u, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            for u in urls]
    return sqs, urls, arns


def test_queue_failures_kept_explains_that_sqs_mappings_have_no_failure_destination(session, lam):
    deployed_function(session, "fn", timeout_s=10)
    sqs, (queue, dlq), (queue_arn, dlq_arn) = _queues(session)
    lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName="fn",
                                    DestinationConfig={"OnFailure": {"Destination": dlq_arn}})
    message = failure(checks.queue_failures_kept, session, "fn", queue, dlq, 5)
    assert message["what"] == "Queue work feeding function fn: where failed messages go"
    assert message["next"].startswith("An on-failure destination is for stream and Kafka mappings")


def test_queue_checks_pass_and_name_a_short_visibility_timeout(session, lam):
    deployed_function(session, "fn", timeout_s=10)
    sqs, (queue, dlq), (queue_arn, dlq_arn) = _queues(session)
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5})})
    uuid = lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName="fn", BatchSize=10,
                                           FunctionResponseTypes=["ReportBatchItemFailures"])["UUID"]
    assert checks.queue_trigger(session, "fn", queue, 10, uuid) is None
    message = failure(checks.queue_failures_kept, session, "fn", queue, dlq, 5)
    assert (message["expected"], message["found"]) == (
        "at least 6 x the function's timeout (10 s) = 60 s", "30 s")
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"VisibilityTimeout": "60"})
    assert checks.queue_failures_kept(session, "fn", queue, dlq, 5) is None


def test_a_message_on_a_mapped_queue_runs_the_function_in_the_harness(session, lam):
    deployed_function(session, "fn", timeout_s=10)
    sqs, (queue, _), (queue_arn, _) = _queues(session)
    lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName="fn")
    sqs.send_message(QueueUrl=queue, MessageBody="hello")
    (run,) = state.deliveries("sqs")
    assert run.ok and run.result.payload["event"]["Records"][0]["body"] == "hello"


# -- the cost ------------------------------------------------------------------------------------

def test_cost_agrees_accepts_the_reference_and_names_the_first_wrong_cell():
    usage = usage_frame(3)
    assert checks.cost_agrees(lambda_cost.monthly_cost, usage) is None

    def all_x86(frame):
        return lambda_cost.monthly_cost(frame.assign(architecture="x86_64"))

    message = failure(checks.cost_agrees, all_x86, usage)
    assert "column duration_usd" in message["what"] or "column total_usd" in message["what"]


def test_cost_agrees_wants_a_dataframe_indexed_by_function():
    message = failure(checks.cost_agrees, lambda frame: frame, usage_frame(1))
    assert message["next"] == "Index the result by the 'function' column (set_index('function'))."
    message = failure(checks.cost_agrees, lambda frame: None, pd.DataFrame(usage_frame(1)))
    assert message["found"] == "a NoneType"


# -- the function URL ---------------------------------------------------------------------------

PARTNER = "111122223333"


def test_url_for_the_partner_only_passes(session, lam):
    deployed_function(session, "hook")
    url = lam.create_function_url_config(FunctionName="hook", AuthType="AWS_IAM")["FunctionUrl"]
    lam.add_permission(FunctionName="hook", StatementId="u", Action="lambda:InvokeFunctionUrl",
                       Principal=PARTNER, FunctionUrlAuthType="AWS_IAM")
    lam.add_permission(FunctionName="hook", StatementId="i", Action="lambda:InvokeFunction",
                       Principal=PARTNER)
    assert checks.url_partner_can_call(session, "hook", PARTNER, url) is None
    assert checks.url_only_for_partner(session, "hook", PARTNER) is None


def test_public_url_is_the_trap(session, lam):
    deployed_function(session, "hook")
    url = lam.create_function_url_config(FunctionName="hook", AuthType="NONE")["FunctionUrl"]
    lam.add_permission(FunctionName="hook", StatementId="u", Action="lambda:InvokeFunctionUrl",
                       Principal="*", FunctionUrlAuthType="NONE")
    lam.add_permission(FunctionName="hook", StatementId="i", Action="lambda:InvokeFunction", Principal="*")
    assert checks.url_partner_can_call(session, "hook", PARTNER, url) is None
    message = failure(checks.url_only_for_partner, session, "hook", PARTNER)
    assert message["what"] == "Function hook's URL: may anyone on the internet call it, without signing?"
    assert message["found"] == "yes: AuthType NONE and a policy allowing Principal '*'"


def test_url_needs_both_permissions_since_october_2025(session, lam):
    deployed_function(session, "hook")
    url = lam.create_function_url_config(FunctionName="hook", AuthType="AWS_IAM")["FunctionUrl"]
    lam.add_permission(FunctionName="hook", StatementId="u", Action="lambda:InvokeFunctionUrl",
                       Principal=PARTNER, FunctionUrlAuthType="AWS_IAM")
    message = failure(checks.url_partner_can_call, session, "hook", PARTNER, url)
    assert (message["expected"], message["found"]) == ("yes", "no")
    assert "both lambda:InvokeFunctionUrl" in message["next"]


def test_invoke_granted_to_everyone_is_caught_even_with_an_iam_url(session, lam):
    deployed_function(session, "hook")
    lam.create_function_url_config(FunctionName="hook", AuthType="AWS_IAM")
    lam.add_permission(FunctionName="hook", StatementId="i", Action="lambda:InvokeFunction", Principal="*")
    message = failure(checks.url_only_for_partner, session, "hook", PARTNER)
    assert "999988887777" in message["what"]
