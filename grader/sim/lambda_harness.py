"""Run a Lambda handler in this Python process, the way the Lambda runtime would.

moto stores functions, their code and their triggers, but without Docker it never runs a
handler: ``invoke`` echoes the payload, and S3 or SQS triggers fail silently (see
shared/research/moto-5.2.5.md, row 8). This module is the course's stand-in for the runtime. It
is pure (no boto3, no moto): it takes the deployment package's bytes and the function's
configuration, and returns what Lambda would report. ``grader.state.awslambda`` feeds it from
the mock and hooks it into S3 notifications and SQS event source mappings.

What it models (AWS Lambda Developer Guide, "Define Lambda function handler in Python" and
"Invoke", as of 2026): the handler setting ``module.function`` names a file at the root of the
.zip and a function in it; environment variables are set for the call; the handler gets the
event and a context object (request id, function name and ARN, memory, remaining time); an
exception becomes a function error with ``errorType`` and ``errorMessage``; a run longer than
the function's timeout is reported as timed out (checked after the run: nothing is interrupted).
What it does not: memory limits, CPU share, cold starts, concurrency, layers, retries.
"""

from __future__ import annotations

import io
import os
import time
import traceback
import types
import uuid
import zipfile
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote_plus

#: Errors the Python runtime reports before the handler runs (errorType values).
IMPORT_ERROR = "Runtime.ImportModuleError"
HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
BAD_PACKAGE = "Runtime.InvalidEntrypoint"
TIMED_OUT = "Sandbox.Timedout"


@dataclass
class LambdaContext:
    """The ``context`` argument of a Python handler: the attributes handlers commonly read."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    timeout_s: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    _deadline: float = 0.0

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass
class Invocation:
    """What one run returned: the handler's value, or the error Lambda would report."""

    function_name: str
    payload: object = None
    error_type: str | None = None
    error_message: str | None = None
    duration_ms: float = 0.0
    logs: str = ""

    @property
    def ok(self) -> bool:
        return self.error_type is None

    @property
    def function_error(self) -> str | None:
        """``Unhandled`` when the run failed, as in the ``X-Amz-Function-Error`` header."""
        return None if self.ok else "Unhandled"


class HandlerLoadError(Exception):
    """The package or the handler setting does not lead to a callable (``error_type`` says why)."""

    def __init__(self, error_type: str, message: str):
        self.error_type = error_type
        super().__init__(message)


def load_handler(code_bytes: bytes, handler: str) -> Callable:
    """The function that ``handler`` (``module.function``) names inside the .zip ``code_bytes``.

    The module is run in a fresh namespace each time, like a new execution environment;
    packages (``pkg/mod.py`` for ``pkg.mod.func``) are resolved by path.
    """
    module_path, _, function_name = (handler or "").rpartition(".")
    if not module_path or not function_name:
        raise HandlerLoadError(BAD_PACKAGE, f"Bad handler {handler!r}: expected 'module.function'")
    try:
        archive = zipfile.ZipFile(io.BytesIO(code_bytes))
    except zipfile.BadZipFile:
        raise HandlerLoadError(BAD_PACKAGE, "The deployment package is not a .zip archive") from None
    filename = module_path.replace(".", "/") + ".py"
    names = archive.namelist()
    if filename not in names:
        found = ", ".join(sorted(names)[:5]) or "an empty archive"
        raise HandlerLoadError(IMPORT_ERROR, f"Unable to import module '{module_path}': "
                                             f"no {filename} at the root of the .zip (found {found})")
    module = types.ModuleType(module_path)
    module.__file__ = f"/var/task/{filename}"
    try:
        exec(compile(archive.read(filename), module.__file__, "exec"), module.__dict__)  # noqa: S102
    except Exception as error:  # noqa: BLE001 -- the runtime reports any import failure
        raise HandlerLoadError(IMPORT_ERROR, f"Unable to import module '{module_path}': "
                                             f"{type(error).__name__}: {error}") from None
    function = module.__dict__.get(function_name)
    if not callable(function):
        raise HandlerLoadError(HANDLER_NOT_FOUND,
                               f"Handler '{function_name}' missing on module '{module_path}'")
    return function


@contextmanager
def environment(variables: Mapping[str, str] | None):
    """Set the function's environment variables for the duration of one run, then restore."""
    saved = {name: os.environ.get(name) for name in (variables or {})}
    os.environ.update({name: str(value) for name, value in (variables or {}).items()})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def invoke(handler: Callable, event, *, function_name: str, function_arn: str = "",
           memory_mb: int = 128, timeout_s: int = 3, variables: Mapping[str, str] | None = None,
           clock: Callable[[], float] = time.monotonic) -> Invocation:
    """Run ``handler(event, context)`` with the function's settings and report like Lambda."""
    context = LambdaContext(function_name, function_arn, memory_mb, timeout_s)
    start = clock()
    context._deadline = start + timeout_s
    result = Invocation(function_name)
    with environment(variables):
        try:
            result.payload = handler(event, context)
        except Exception as error:  # noqa: BLE001 -- a handler's exception is a function error
            result.error_type, result.error_message = type(error).__name__, str(error)
            result.logs = traceback.format_exc(limit=-3)
    result.duration_ms = (clock() - start) * 1000
    if result.duration_ms > timeout_s * 1000:
        result.payload = None
        result.error_type = TIMED_OUT
        result.error_message = f"Task timed out after {timeout_s:.2f} seconds"
    return result


def invoke_package(code_bytes: bytes, config: Mapping, event, **kwargs) -> Invocation:
    """Load the handler from a .zip and run it with ``config`` (a ``get_function_configuration``
    response: FunctionName, FunctionArn, Handler, MemorySize, Timeout, Environment)."""
    name = config.get("FunctionName", "")
    try:
        handler = load_handler(code_bytes, config.get("Handler", ""))
    except HandlerLoadError as error:
        return Invocation(name, error_type=error.error_type, error_message=str(error))
    return invoke(handler, event, function_name=name, function_arn=config.get("FunctionArn", ""),
                  memory_mb=config.get("MemorySize", 128), timeout_s=config.get("Timeout", 3),
                  variables=(config.get("Environment") or {}).get("Variables"), **kwargs)


# -- events ----------------------------------------------------------------------------------

def s3_event(bucket: str, key: str, *, size: int = 0, etag: str = "", region: str = "us-east-1",
             event_name: str = "ObjectCreated:Put", configuration_id: str = "") -> dict:
    """The event S3 sends a function for one object: note the key is URL-encoded (a space
    becomes ``+``, slashes stay), as in real notifications (Amazon S3 User Guide, "Event
    message structure")."""
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": region,
        "eventName": event_name,
        "s3": {"s3SchemaVersion": "1.0", "configurationId": configuration_id,
               "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
               "object": {"key": event_key(key), "size": size, "eTag": etag}},
    }]}


def event_key(key: str) -> str:
    """An object key as S3 writes it in an event: URL-encoded, ``/`` kept."""
    return quote_plus(key, safe="/")


def notification_matches(configuration: Mapping, event_name: str, key: str) -> bool:
    """Whether one ``LambdaFunctionConfigurations`` entry fires for ``event_name`` (``s3:`` form,
    e.g. ``s3:ObjectCreated:Put``) on ``key``: an event pattern ending in ``*`` covers its family,
    and the key must start with the ``prefix`` rule and end with the ``suffix`` rule, if any."""
    events = configuration.get("Events", [])
    if not any(event_name == e or (e.endswith("*") and event_name.startswith(e[:-1])) for e in events):
        return False
    rules = configuration.get("Filter", {}).get("Key", {}).get("FilterRules", [])
    values = {rule["Name"].lower(): rule["Value"] for rule in rules}
    return key.startswith(values.get("prefix", "")) and key.endswith(values.get("suffix", ""))


def sqs_event(queue_arn: str, bodies: list[str], *, region: str = "us-east-1") -> dict:
    """The event an SQS event source mapping passes for one batch of message bodies."""
    return {"Records": [{
        "messageId": str(uuid.UUID(int=i + 1)), "receiptHandle": f"handle-{i}", "body": body,
        "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {},
        "eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": region,
    } for i, body in enumerate(bodies)]}
