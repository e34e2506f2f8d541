"""Learner-facing checks on Lambda functions and their triggers (topic 08).

moto stores a function's configuration, package, resource policy, URL and event source
mappings, but runs no code and validates few limits; so these checks hold the configuration to
AWS's documented limits, run handlers through ``grader.state.awslambda`` (the in-process
harness), and judge resource policies with ``grader.sim.iam``. Notebooks use them as
``from grader.checks import awslambda as check``. Each check returns None when the requirement
holds and raises ``CheckFailed`` otherwise.
"""

from __future__ import annotations

import json
import math

import pandas as pd
from botocore.exceptions import ClientError

from grader.checks.base import Message
from grader.scenarios.awslambda import ACCOUNT_ID, sales_csv, sales_summary
from grader.sim import iam as iam_sim
from grader.sim import lambda_cost
from grader.sim.lambda_harness import notification_matches
from grader.state import awslambda as state

#: Python runtimes Lambda supports for new functions (Lambda Developer Guide, "Lambda runtimes",
#: as of 2026-11; python3.9 was deprecated on 15 December 2025).
PYTHON_RUNTIMES = ("python3.12", "python3.13", "python3.14")
MAX_TIMEOUT_S = 900
STRANGER_ACCOUNT = "999988887777"

# -- Exercise 1: a function from a .zip --------------------------------------------------------

NOT_AN_ARN = Message(
    "The value your function returned", "the new function's ARN, like "
    "'arn:aws:lambda:us-east-1:123456789012:function:{name}'", "{value!r} (a {type})",
    "Return create_function(...)['FunctionArn'].")
FUNCTION_MISSING = Message(
    "Function {name} exists", "a Lambda function named {name!r}", "{found}",
    "Create it with lambda.create_function(FunctionName=name, ...), using the name you were given.")
SETTING = Message("Setting {setting} of function {name}", "{expected}", "{found}", "{hint}")
SETTING_HINTS = {
    "MemorySize": "Pass MemorySize in MB (128 to 10,240); more memory also means more CPU.",
    "Timeout": "Pass Timeout in seconds (1 to 900), not milliseconds.",
    "Environment": "Pass Environment={'Variables': {...}} with exactly the variables you were given.",
    "Runtime": "Use a current Python runtime identifier, e.g. Runtime='python3.13'.",
    "Handler": "The handler is 'file.function' without '.py': Handler='app.handler' for app.py.",
}
PACKAGE_RUNS = Message(
    "Function {name}'s package runs on an event (in the course's harness)", "{expected}", "{found}",
    "{hint}")


def function_configured(session, value, name: str, *, memory_mb: int, timeout_s: int,
                        variables: dict, handler: str = "app.handler") -> None:
    """``value`` is the ARN of function ``name``, whose memory, timeout, environment, runtime
    and handler are as asked, within AWS's limits (moto accepts memory 20,000 or timeout 1,000)."""
    if not isinstance(value, str) or not value.startswith("arn:aws:lambda:") or ":function:" not in value:
        raise NOT_AN_ARN.fail(name=name, value=value, type=type(value).__name__)
    lam = session.client("lambda")
    try:
        config = lam.get_function_configuration(FunctionName=value)
    except ClientError:
        names = [f["FunctionName"] for f in lam.list_functions()["Functions"]]
        raise FUNCTION_MISSING.fail(name=name, found=f"functions: {', '.join(names)}" if names
                                    else "no functions at all") from None
    if config["FunctionName"] != name:
        raise FUNCTION_MISSING.fail(name=name, found=f"the ARN names {config['FunctionName']!r}")
    wanted = {"MemorySize": memory_mb, "Timeout": timeout_s, "Environment": dict(variables),
              "Handler": handler}
    found = {"MemorySize": config.get("MemorySize"), "Timeout": config.get("Timeout"),
             "Environment": (config.get("Environment") or {}).get("Variables", {}),
             "Handler": config.get("Handler")}
    for setting, expected in wanted.items():
        if found[setting] != expected:
            raise SETTING.fail(setting=setting, name=name, expected=repr(expected),
                               found=repr(found[setting]), hint=SETTING_HINTS[setting])
    if config.get("Runtime") not in PYTHON_RUNTIMES:
        raise SETTING.fail(setting="Runtime", name=name, expected=f"one of {', '.join(PYTHON_RUNTIMES)}",
                           found=repr(config.get("Runtime")), hint=SETTING_HINTS["Runtime"])


def package_runs(session, name: str, event, expected) -> None:
    """Running function ``name``'s deployed package on ``event`` returns ``expected``."""
    result = state.invoke(session, name, event)
    if not result.ok:
        hint = ("Put the source in the .zip as app.py, at the root (zipfile's writestr('app.py', source)), "
                "and set Handler='app.handler'." if result.error_type.startswith("Runtime.")
                else "Deploy the source you were given, unchanged.")
        raise PACKAGE_RUNS.fail(name=name, expected=f"a result: {expected!r}",
                                found=f"{result.error_type}: {result.error_message}", hint=hint)
    if result.payload != expected:
        raise PACKAGE_RUNS.fail(name=name, expected=repr(expected), found=repr(result.payload),
                                hint="Set the environment variables you were given; they reach the code "
                                     "through os.environ.")


# -- Exercise 2: S3 invokes the function for some keys ----------------------------------------

DELIVERIES = Message(
    "Objects uploaded to {bucket}: which ones invoke {function}?", "{expected}", "{found}", "{hint}")
PERMISSION = Message(
    "Function {function}'s resource policy: {question}", "{expected}", "{found}", "{hint}")


def _s3_config(prefix: str, suffix: str) -> dict:
    return {"Events": ["s3:ObjectCreated:Put"], "Filter": {"Key": {"FilterRules": [
        {"Name": "prefix", "Value": prefix}, {"Name": "suffix", "Value": suffix}]}}}


def s3_trigger_delivers(session, bucket: str, function: str, prefix: str, suffix: str, keys) -> None:
    """Uploading each of ``keys`` to ``bucket`` invokes ``function`` exactly for the keys that
    start with ``prefix`` and end with ``suffix`` (S3 checking the function's policy first)."""
    s3 = session.client("s3")
    state.clear(code=False)
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"a,b\n1,2\n")
    wanted = [k for k in keys if notification_matches(_s3_config(prefix, suffix), "s3:ObjectCreated:Put", k)]
    mine = [d for d in state.deliveries("s3") if d.function_name == function]
    refused = [d for d in mine if d.refused]
    if refused:
        raise DELIVERIES.fail(bucket=bucket, function=function, expected=f"invocations for {wanted}",
                              found=f"S3 was refused for {refused[0].detail!r}: {refused[0].refused}",
                              hint="S3 needs the function's permission: lambda.add_permission("
                                   "Principal='s3.amazonaws.com', Action='lambda:InvokeFunction', ...).")
    invoked = [d.detail for d in mine]
    if invoked != wanted:
        hint = ("No notification reached the function: put_bucket_notification_configuration with "
                "LambdaFunctionConfigurations naming its ARN." if not invoked else
                "Filter on both rules: Filter={'Key': {'FilterRules': [{'Name': 'prefix', ...}, "
                "{'Name': 'suffix', ...}]}} and Events=['s3:ObjectCreated:*'].")
        raise DELIVERIES.fail(bucket=bucket, function=function, expected=f"invocations for {wanted}",
                              found=f"invocations for {invoked}", hint=hint)


def _function_arn(session, function: str) -> str:
    return session.client("lambda").get_function_configuration(FunctionName=function)["FunctionArn"]


def _s3_may_invoke(document: dict, arn: str, bucket: str, account: str) -> bool:
    request = iam_sim.Request("lambda:InvokeFunction", arn, "s3.amazonaws.com",
                              {"aws:SourceArn": f"arn:aws:s3:::{bucket}", "aws:SourceAccount": account})
    return state.allows(document, request)


def s3_permission_scoped(session, function: str, bucket: str, *,
                         other_bucket: str = "someone-elses-uploads") -> None:
    """The function's policy lets S3 invoke it for ``bucket`` in this account, and not for any
    other bucket, nor for a bucket of the same name in another account (the confused deputy:
    bucket names are global, a deleted name can be taken by anyone)."""
    document, arn = state.resource_policy(session, function), _function_arn(session, function)
    cases = [
        (f"may S3 invoke it for bucket {bucket} of this account?", bucket, ACCOUNT_ID, True,
         "add_permission(Principal='s3.amazonaws.com', Action='lambda:InvokeFunction', "
         "SourceArn=the bucket's ARN, SourceAccount=the account id)."),
        (f"may S3 invoke it for another bucket, {other_bucket}?", other_bucket, ACCOUNT_ID, False,
         "Pass SourceArn='arn:aws:s3:::<bucket>': without it any bucket's notification can invoke "
         "your function."),
        (f"may S3 invoke it for a bucket named {bucket} in another account ({STRANGER_ACCOUNT})?",
         bucket, STRANGER_ACCOUNT, False,
         "Also pass SourceAccount (your account id): a bucket name can be deleted and re-created by "
         "another account, and the ARN of an S3 bucket carries no account."),
    ]
    for question, source_bucket, account, expected, hint in cases:
        if _s3_may_invoke(document, arn, source_bucket, account) != expected:
            raise PERMISSION.fail(function=function, question=question, expected="yes" if expected else "no",
                                  found="no" if expected else "yes", hint=hint)


# -- Exercise 3: the handler, run by S3 uploads -------------------------------------------------

SUMMARY = Message(
    "Summary of s3://{bucket}/{key} written by {function}", "{expected}", "{found}", "{hint}")


def pipeline_summarises(session, pipeline: dict, files: dict[str, list]) -> None:
    """Uploading each sales file (key -> rows) to the pipeline's bucket makes the function (its
    :func:`grader.state.awslambda.use_code` stand-in) write the reference summary as JSON to
    ``<output bucket>/<output prefix><key>.json``."""
    s3, source = session.client("s3"), pipeline["source_bucket"]
    state.clear(code=False)
    for key, rows in files.items():
        text = sales_csv(rows)
        s3.put_object(Bucket=source, Key=key, Body=text.encode())
        message = {"bucket": source, "key": key, "function": pipeline["function"]}
        run = next((d for d in reversed(state.deliveries("s3")) if d.detail == key), None)
        expected = sales_summary(source, key, text)
        if run is not None and run.result is not None and not run.result.ok:
            raise SUMMARY.fail(**message, expected=json.dumps(expected),
                               found=f"the handler raised {run.result.error_type}: "
                                     f"{run.result.error_message}",
                               hint="Read the bucket and key from event['Records'][i]['s3']; keys arrive "
                                    "URL-encoded, decode them with urllib.parse.unquote_plus.")
        out_key = f"{pipeline['output_prefix']}{key}.json"
        try:
            body = s3.get_object(Bucket=pipeline["output_bucket"], Key=out_key)["Body"].read()
        except ClientError:
            contents = s3.list_objects_v2(Bucket=pipeline["output_bucket"]).get("Contents", [])
            listed = [o["Key"] for o in contents]
            raise SUMMARY.fail(**message, expected=f"an object {out_key!r} in {pipeline['output_bucket']}",
                               found=f"objects: {listed}" if listed else "an empty output bucket",
                               hint="Write to os.environ['OUTPUT_BUCKET'] under os.environ['OUTPUT_PREFIX'] "
                                    "+ key + '.json', with the decoded key.") from None
        try:
            found = json.loads(body)
        except ValueError:
            found = body[:80]
        if found != expected:
            raise SUMMARY.fail(**message, expected=json.dumps(expected), found=repr(found),
                               hint="Count data rows (not the header), add up qty, and revenue = sum of "
                                    "qty x unit_price rounded to 2 decimals.")


# -- Exercise 4: an SQS queue feeding the function ---------------------------------------------

QUEUE = Message("Queue {queue} feeding function {function}: {what}", "{expected}", "{found}", "{hint}")


def _queue_attributes(session, queue_url: str) -> dict:
    sqs = session.client("sqs")
    return sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]


def _mapping(session, function: str, queue_arn: str) -> dict | None:
    lam = session.client("lambda")
    mappings = lam.list_event_source_mappings(FunctionName=function)["EventSourceMappings"]
    return next((m for m in mappings if m["EventSourceArn"] == queue_arn), None)


def queue_trigger(session, function: str, queue_url: str, batch_size: int, value=None) -> None:
    """An enabled event source mapping from the queue to the function, with ``batch_size`` and
    partial batch responses (``ReportBatchItemFailures``); ``value`` (if given) is its UUID."""
    queue_arn = _queue_attributes(session, queue_url)["QueueArn"]
    queue = queue_arn.rsplit(":", 1)[-1]
    mapping = _mapping(session, function, queue_arn)
    if mapping is None:
        raise QUEUE.fail(queue=queue, function=function, what="an event source mapping",
                         expected=f"a mapping with EventSourceArn {queue_arn}", found="none",
                         hint="lambda.create_event_source_mapping(EventSourceArn=<queue ARN>, "
                              "FunctionName=...).")
    checks = [("batch size", mapping.get("BatchSize"), batch_size, "Pass BatchSize=batch_size."),
              ("partial batch responses", mapping.get("FunctionResponseTypes", []),
               ["ReportBatchItemFailures"],
               "Pass FunctionResponseTypes=['ReportBatchItemFailures'] so one bad message does not send "
               "the whole batch back."),
              ("state", mapping.get("State"), "Enabled", "Leave the mapping enabled.")]
    if value is not None:
        checks.append(("the value returned", value, mapping["UUID"], "Return the mapping's UUID."))
    for what, found, expected, hint in checks:
        if found != expected:
            raise QUEUE.fail(queue=queue, function=function, what=what, expected=repr(expected),
                             found=repr(found), hint=hint)


def queue_failures_kept(session, function: str, queue_url: str, dlq_url: str, max_receive_count: int) -> None:
    """Failed messages end in the dead-letter queue after ``max_receive_count`` receives (the
    source queue's redrive policy: SQS mappings have no on-failure destination), and the queue's
    visibility timeout is at least six times the function's timeout."""
    attributes = _queue_attributes(session, queue_url)
    queue = attributes["QueueArn"].rsplit(":", 1)[-1]
    dlq_arn = _queue_attributes(session, dlq_url)["QueueArn"]
    redrive = json.loads(attributes.get("RedrivePolicy", "{}") or "{}")
    mapping = _mapping(session, function, attributes["QueueArn"]) or {}
    if redrive.get("deadLetterTargetArn") != dlq_arn:
        on_failure = mapping.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
        hint = ("An on-failure destination is for stream and Kafka mappings and asynchronous invocations; "
                "for SQS set the source queue's RedrivePolicy instead." if on_failure else
                "sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={'RedrivePolicy': json.dumps("
                "{'deadLetterTargetArn': <DLQ ARN>, 'maxReceiveCount': ...})}).")
        raise QUEUE.fail(queue=queue, function=function, what="where failed messages go",
                         expected=f"a RedrivePolicy to {dlq_arn}",
                         found=f"RedrivePolicy {redrive or 'not set'}", hint=hint)
    if int(redrive.get("maxReceiveCount", 0)) != max_receive_count:
        raise QUEUE.fail(queue=queue, function=function, what="receives before the dead-letter queue",
                         expected=str(max_receive_count), found=str(redrive.get("maxReceiveCount")),
                         hint="Set maxReceiveCount in the RedrivePolicy to the number you were given.")
    timeout = session.client("lambda").get_function_configuration(FunctionName=function)["Timeout"]
    visibility = int(attributes.get("VisibilityTimeout", 30))
    if visibility < 6 * timeout:
        raise QUEUE.fail(queue=queue, function=function, what="visibility timeout",
                         expected=f"at least 6 x the function's timeout ({timeout} s) = {6 * timeout} s",
                         found=f"{visibility} s",
                         hint="Read the function's Timeout and set the queue's VisibilityTimeout to six "
                              "times it, so a throttled batch is not redelivered while still in flight.")


# -- Exercise 5: a monthly cost estimate --------------------------------------------------------

COST = Message("monthly_cost on {case}", "{expected}", "{found}", "{hint}")
COST_HINT = ("GB-seconds = invocations x ceil(avg_duration_ms) / 1000 x memory_mb / 1024; duration "
             "price by architecture; storage only above 512 MB.")


def cost_agrees(monthly_cost, usage: pd.DataFrame, *, case: str = "a month of usage") -> None:
    """The learner's ``monthly_cost(usage)`` equals the reference (``grader.sim.lambda_cost``)
    on every function and column, to a millionth of a cent."""
    expected = lambda_cost.monthly_cost(usage)
    try:
        answer = monthly_cost(usage.copy())
    except Exception as error:  # noqa: BLE001 -- the learner's error is the answer shown
        raise COST.fail(case=case, expected="a DataFrame", found=f"raised {type(error).__name__}: {error}",
                        hint=COST_HINT) from None
    if not isinstance(answer, pd.DataFrame):
        raise COST.fail(case=case, expected="a DataFrame indexed by function",
                        found=f"a {type(answer).__name__}",
                        hint="End with `return` and the DataFrame.")
    missing = [c for c in lambda_cost.COLUMNS if c not in answer.columns]
    if missing or set(answer.index) != set(expected.index):
        raise COST.fail(case=case,
                        expected=f"index {sorted(expected.index)} and columns {lambda_cost.COLUMNS}",
                        found=f"index {sorted(map(str, answer.index))} and columns {list(answer.columns)}",
                        hint="Index the result by the 'function' column (set_index('function')).")
    for function in expected.index:
        for column in lambda_cost.COLUMNS:
            want, got = expected.at[function, column], answer.at[function, column]
            if not isinstance(got, int | float) or not math.isclose(want, got, rel_tol=1e-9, abs_tol=1e-8):
                row = usage.set_index("function").loc[function].to_dict()
                raise COST.fail(case=f"{case}, function {function} {row}, column {column}",
                                expected=f"{want:.10g}", found=repr(got), hint=COST_HINT)


# -- Exercise 6: a function URL for one partner -------------------------------------------------

URL = Message("Function {function}'s URL: {question}", "{expected}", "{found}", "{hint}")
ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def _url_allows(document: dict, arn: str, auth_type: str, caller: str | None) -> bool:
    """Whether a caller (an ARN with full rights in its own account, or None: anonymous) gets
    through the function URL: both lambda:InvokeFunctionUrl and lambda:InvokeFunction must be
    allowed (required for function URLs created since October 2025)."""
    if auth_type == "AWS_IAM" and caller is None:
        return False  # an unsigned request never reaches the policy
    context = {"lambda:FunctionUrlAuthType": auth_type, "lambda:InvokedViaFunctionUrl": "true"}
    for action in ("lambda:InvokeFunctionUrl", "lambda:InvokeFunction"):
        request = iam_sim.Request(action, arn, caller if auth_type == "AWS_IAM" else None, context,
                                  resource_account=ACCOUNT_ID)
        if not state.allows(document, request, ADMIN if auth_type == "AWS_IAM" else ()):
            return False
    return True


def _url_config(session, function: str) -> dict | None:
    try:
        return session.client("lambda").get_function_url_config(FunctionName=function)
    except ClientError:
        return None


def url_partner_can_call(session, function: str, partner_account: str, value) -> None:
    """The function has a URL, ``value`` is it, and a role in ``partner_account`` can call it."""
    config = _url_config(session, function)
    if config is None:
        raise URL.fail(function=function, question="does it exist?", expected="a function URL", found="none",
                       hint="lambda.create_function_url_config(FunctionName=..., AuthType=...).")
    if value != config["FunctionUrl"]:
        raise URL.fail(function=function, question="the value returned", expected=repr(config["FunctionUrl"]),
                       found=repr(value), hint="Return create_function_url_config(...)['FunctionUrl'].")
    caller = f"arn:aws:iam::{partner_account}:role/integration"
    document = state.resource_policy(session, function)
    if not _url_allows(document, config["FunctionArn"], config["AuthType"], caller):
        raise URL.fail(function=function,
                       question=f"may a role in the partner's account {partner_account} call it?",
                       expected="yes", found="no",
                       hint="Grant the partner's account both lambda:InvokeFunctionUrl (with "
                            "FunctionUrlAuthType) and lambda:InvokeFunction with add_permission.")


def url_only_for_partner(session, function: str, partner_account: str) -> None:
    """Nobody but the partner gets in: not an anonymous caller, not another account, whether
    through the URL or by calling Invoke directly."""
    config = (_url_config(session, function)
              or {"AuthType": "AWS_IAM", "FunctionArn": _function_arn(session, function)})
    document, arn = state.resource_policy(session, function), config["FunctionArn"]
    stranger = f"arn:aws:iam::{STRANGER_ACCOUNT}:user/mallory"
    if config["AuthType"] == "NONE" and _url_allows(document, arn, "NONE", None):
        raise URL.fail(function=function, question="may anyone on the internet call it, without signing?",
                       expected="no", found="yes: AuthType NONE and a policy allowing Principal '*'",
                       hint="Use AuthType='AWS_IAM' and grant only the partner's account.")
    if _url_allows(document, arn, config["AuthType"], stranger):
        raise URL.fail(function=function, question=f"may another account ({STRANGER_ACCOUNT}) call it?",
                       expected="no", found="yes",
                       hint="Name the partner's account as Principal, never '*'.")
    direct = iam_sim.Request("lambda:InvokeFunction", arn, stranger, {}, resource_account=ACCOUNT_ID)
    if state.allows(document, direct, ADMIN):
        raise URL.fail(function=function, question=f"may another account ({STRANGER_ACCOUNT}) invoke the "
                       "function directly (lambda:InvokeFunction)?", expected="no", found="yes",
                       hint="Name the partner's account as Principal, never '*'.")

