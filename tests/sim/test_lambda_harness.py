"""The in-process Lambda runtime: packages, handler settings, environment, errors, timeouts, events."""

from __future__ import annotations

import os

import pytest

from grader.scenarios.awslambda import zip_source
from grader.sim import lambda_harness as harness

CONFIG = {"FunctionName": "f", "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f",
          "Handler": "app.handler", "MemorySize": 256, "Timeout": 3,
          "Environment": {"Variables": {"STAGE": "test"}}}
ECHO = ("import os\n\ndef handler(event, context):\n"
        "    return [event, os.environ['STAGE'], context.memory_limit_in_mb]\n")


def test_package_runs_with_its_environment_and_context():
    result = harness.invoke_package(zip_source(ECHO), CONFIG, {"a": 1})
    assert result.ok and result.payload == [{"a": 1}, "test", 256]
    assert result.function_error is None


def test_environment_is_restored_after_the_run(monkeypatch):
    monkeypatch.setenv("STAGE", "outside")
    harness.invoke_package(zip_source(ECHO), CONFIG, {})
    assert os.environ["STAGE"] == "outside"


@pytest.mark.parametrize(("package", "handler", "error_type"), [
    pytest.param(zip_source(ECHO, "lambda_function.py"), "app.handler", harness.IMPORT_ERROR,
                 id="file-not-named-app"),
    pytest.param(zip_source(ECHO), "app.main", harness.HANDLER_NOT_FOUND, id="function-missing"),
    pytest.param(zip_source("import not_a_module\n"), "app.handler", harness.IMPORT_ERROR, id="import-fails"),
    pytest.param(b"not a zip", "app.handler", harness.BAD_PACKAGE, id="not-a-zip"),
    pytest.param(zip_source(ECHO), "handler", harness.BAD_PACKAGE, id="no-module-in-setting"),
])
def test_package_errors_are_reported_like_the_runtime(package, handler, error_type):
    result = harness.invoke_package(package, {**CONFIG, "Handler": handler}, {})
    assert not result.ok and result.error_type == error_type and result.function_error == "Unhandled"


def test_package_in_a_folder_is_found_by_dotted_handler():
    config = {**CONFIG, "Handler": "pkg.mod.handler"}
    assert harness.invoke_package(zip_source(ECHO, "pkg/mod.py"), config, 1).payload == [1, "test", 256]


def test_exception_becomes_a_function_error():
    def handler(event, context):
        raise KeyError("Records")

    result = harness.invoke(handler, {}, function_name="f")
    assert (result.error_type, result.error_message) == ("KeyError", "'Records'")


def test_a_run_longer_than_the_timeout_is_reported_as_timed_out():
    ticks = iter([0.0, 4.5])
    result = harness.invoke(lambda e, c: "late", {}, function_name="f", timeout_s=3,
                            clock=lambda: next(ticks))
    assert result.error_type == harness.TIMED_OUT and result.payload is None
    assert result.error_message == "Task timed out after 3.00 seconds"


def test_context_reports_remaining_time():
    result = harness.invoke(lambda e, c: c.get_remaining_time_in_millis(), {}, function_name="f", timeout_s=2)
    assert 1900 < result.payload <= 2000


def test_s3_event_encodes_the_key_but_keeps_slashes():
    record = harness.s3_event("b", "images/my dog (1).jpg")["Records"][0]
    assert record["s3"]["object"]["key"] == "images/my+dog+%281%29.jpg"
    assert record["s3"]["bucket"]["arn"] == "arn:aws:s3:::b"


def _config(events, prefix=None, suffix=None):
    rules = [{"Name": n, "Value": v} for n, v in (("prefix", prefix), ("suffix", suffix)) if v is not None]
    return {"Events": events, "Filter": {"Key": {"FilterRules": rules}}}


JPG, PUT = _config(["s3:ObjectCreated:*"], "images/", ".jpg"), "s3:ObjectCreated:Put"


@pytest.mark.parametrize(("config", "event", "key", "fires"), [
    pytest.param(JPG, PUT, "images/a.jpg", True, id="prefix-and-suffix"),
    pytest.param(JPG, PUT, "images/a.png", False, id="wrong-suffix"),
    pytest.param(JPG, PUT, "docs/a.jpg", False, id="wrong-prefix"),
    pytest.param(_config(["s3:ObjectCreated:*"], "images/"), "s3:ObjectCreated:Copy", "images/x", True,
                 id="wildcard-covers-copy"),
    pytest.param(_config(["s3:ObjectCreated:Put"]), "s3:ObjectCreated:Copy", "a", False,
                 id="exact-event-only"),
    pytest.param(_config(["s3:ObjectCreated:*"], "Images/"), "s3:ObjectCreated:Put", "images/a", False,
                 id="case-sensitive"),
    pytest.param(_config(["s3:ObjectRemoved:*"]), "s3:ObjectCreated:Put", "a", False, id="other-family"),
])
def test_notification_filter(config, event, key, fires):
    assert harness.notification_matches(config, event, key) is fires


def test_sqs_event_has_one_record_per_body():
    event = harness.sqs_event("arn:aws:sqs:us-east-1:123456789012:q", ["a", "b"])
    assert [r["body"] for r in event["Records"]] == ["a", "b"]
    assert {r["eventSource"] for r in event["Records"]} == {"aws:sqs"}
