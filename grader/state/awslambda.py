"""Lambda state read from the mock, and the in-process runtime hooked into moto's triggers.

moto keeps each function's .zip, configuration, resource policy, URL and event source mappings,
but without Docker it cannot run a handler: an S3 notification or an SQS message for a function
prints Docker errors and does nothing. :func:`install` replaces those two paths with
``grader.sim.lambda_harness``: S3 first checks the function's resource policy (as AWS does, with
``aws:SourceArn`` and ``aws:SourceAccount``), then the handler runs in this process with the
exact event moto built, its boto3 calls reaching the same mock. Every delivery is logged
(:func:`deliveries`), so tests and notebooks can see what ran.

:func:`use_code` lets a notebook function stand in for a deployed function's .zip: the learner
writes the handler in a cell, and the harness runs it as that function's code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote_plus

from moto.awslambda import models as lambda_models
from moto.awslambda.utils import get_backend
from moto.s3 import notifications as s3_notifications

from grader.sim import iam as iam_sim
from grader.sim import lambda_harness as harness

ACCOUNT_ID = "123456789012"  # moto's default account
REGION = "us-east-1"


@dataclass
class Delivery:
    """One event a trigger handed to a function, and what came of it."""

    source: str  # "s3" or "sqs"
    function_name: str
    detail: str  # the object key (decoded) or the number of messages
    event: dict
    result: harness.Invocation | None = None
    refused: str | None = None  # why the function was not invoked at all

    @property
    def ok(self) -> bool:
        return self.refused is None and self.result is not None and self.result.ok


_log: list[Delivery] = []
_code: dict[str, Callable] = {}


def deliveries(source: str | None = None) -> list[Delivery]:
    """Deliveries since the last :func:`clear`, oldest first (only ``source``'s, if given)."""
    return [d for d in _log if source in (None, d.source)]


def clear(*, code: bool = True) -> None:
    """Forget the delivery log and (unless ``code`` is False) every :func:`use_code` stand-in."""
    _log.clear()
    if code:
        _code.clear()


def use_code(function_name: str, handler: Callable | None) -> None:
    """Run ``handler`` (a notebook function) as ``function_name``'s code; None restores the .zip."""
    if handler is None:
        _code.pop(function_name, None)
    else:
        _code[function_name] = handler


# -- reading the mock --------------------------------------------------------------------------

def _backend(account_id: str = ACCOUNT_ID, region: str = REGION):
    return get_backend(account_id, region)  # moto's Docker-free backend in the sandbox


def function_code(name: str, *, account_id: str = ACCOUNT_ID, region: str = REGION) -> bytes:
    """The deployment package (.zip bytes) moto stores for ``name`` (a name or an ARN)."""
    return _backend(account_id, region).get_function(name).code_bytes


def resource_policy(session, name: str) -> dict:
    """The function's resource-based policy as a document ({"Statement": []} when it has none).

    moto stores ``FunctionUrlAuthType`` beside the statement; AWS writes it as a
    ``StringEquals`` condition on ``lambda:FunctionUrlAuthType``, so it is moved there."""
    client = session.client("lambda")
    try:
        document = json.loads(client.get_policy(FunctionName=name)["Policy"])
    except client.exceptions.ResourceNotFoundException:
        return {"Version": "2012-10-17", "Statement": []}
    return _as_aws_writes_it(document)


def _as_aws_writes_it(document: dict) -> dict:
    """moto's policy in AWS's form: an account id as Principal becomes ``{"AWS": "arn:aws:iam::
    <id>:root"}`` and ``FunctionUrlAuthType`` a ``lambda:FunctionUrlAuthType`` condition."""
    for statement in document.get("Statement", []):
        principal = statement.get("Principal")
        if isinstance(principal, str) and principal != "*":
            statement["Principal"] = ({"AWS": f"arn:aws:iam::{principal}:root"} if principal.isdigit()
                                      else {"AWS": principal} if principal.startswith("arn:")
                                      else {"Service": principal})
        auth_type = statement.pop("FunctionUrlAuthType", None)
        if auth_type:
            statement.setdefault("Condition", {}).setdefault("StringEquals", {})[
                "lambda:FunctionUrlAuthType"] = auth_type
    return document


def invoke(session, name: str, event) -> harness.Invocation:
    """Run the deployed function (its .zip, or its :func:`use_code` stand-in) on ``event``."""
    config = session.client("lambda").get_function_configuration(FunctionName=name)
    return _run(config, event)


def _run(config: dict, event) -> harness.Invocation:
    stand_in = _code.get(config["FunctionName"])
    if stand_in is None:
        return harness.invoke_package(function_code(config["FunctionName"]), config, event)
    return harness.invoke(stand_in, event, function_name=config["FunctionName"],
                          function_arn=config["FunctionArn"], memory_mb=config.get("MemorySize", 128),
                          timeout_s=config.get("Timeout", 3),
                          variables=(config.get("Environment") or {}).get("Variables"))


# -- the hooks ---------------------------------------------------------------------------------

def _policy_document(backend, function_name: str) -> dict:
    try:
        document = json.loads(json.loads(backend.get_policy(function_name))["Policy"])
    except Exception:  # noqa: BLE001 -- moto raises its own not-found error: no policy at all
        return {"Statement": []}
    return _as_aws_writes_it(document)


def allows(document: dict, request: iam_sim.Request, identity=()) -> bool:
    """Whether a function's resource policy (with the caller's ``identity`` policies, if any)
    allows ``request``; a function without a policy allows no one from outside."""
    if not document.get("Statement"):
        return False
    return iam_sim.evaluate(request, identity=identity, resource={"function policy": document},
                            require_resource_allow=not identity).allowed


def _deliver_s3(account_id: str, event_body: dict, fn_arn: str, region_name: str) -> None:
    record = event_body["Records"][0]
    bucket, key = record["s3"]["bucket"]["name"], unquote_plus(record["s3"]["object"]["key"])
    record["s3"]["object"]["key"] = harness.event_key(key)  # moto also encodes "/"; S3 does not
    name = fn_arn.split(":")[6] if fn_arn.count(":") >= 6 else fn_arn
    delivery = Delivery("s3", name, key, event_body)
    _log.append(delivery)
    backend = _backend(account_id, region_name)
    try:
        function = backend.get_function(fn_arn)
    except Exception:  # noqa: BLE001 -- the notification names a function that does not exist
        delivery.refused = f"function {fn_arn} does not exist"
        return
    request = iam_sim.Request("lambda:InvokeFunction", function.function_arn, "s3.amazonaws.com",
                              {"aws:SourceArn": f"arn:aws:s3:::{bucket}", "aws:SourceAccount": account_id})
    if not allows(_policy_document(backend, function.function_name), request):
        delivery.refused = ("the function's resource policy does not let S3 invoke it for "
                            f"bucket {bucket} (add_permission with Principal s3.amazonaws.com)")
        return
    try:
        delivery.result = _run(function.get_configuration(), event_body)
    except Exception as error:  # noqa: BLE001 -- S3 invokes asynchronously: the upload succeeds
        delivery.refused = f"the course's harness failed: {type(error).__name__}: {error}"


def _deliver_sqs(self, function_arn: str, messages, queue_arn: str) -> bool:
    bodies = [message.body for message in messages]
    event = harness.sqs_event(queue_arn, bodies, region=self.region_name)
    for record, message in zip(event["Records"], messages, strict=True):
        record["messageId"], record["receiptHandle"] = message.id, message.receipt_handle
    function = self.get_function(function_arn)
    delivery = Delivery("sqs", function.function_name, f"{len(bodies)} message(s)", event)
    _log.append(delivery)
    delivery.result = _run(function.get_configuration(), event)
    return delivery.result.ok


def install() -> None:
    """Route moto's S3-to-Lambda notifications and SQS event source mappings through the
    in-process harness (once per kernel; harmless to call again)."""
    s3_notifications._invoke_awslambda = _deliver_s3
    lambda_models.LambdaBackend.send_sqs_batch = _deliver_sqs
