"""In a learner's notebook a failed check shows its message, with the traceback folded away."""

from __future__ import annotations

from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from grader.feedback import NOT_ANSWERED, NOT_SUPPORTED, summary


def run(*sources: str):
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True).execute()
    return nb.cells


def test_failed_check_shows_its_message_and_folds_the_traceback():
    cells = run(
        "from grader.sandbox import start\nsession = start()",
        "from grader.errors import CheckFailed\n"
        "def helper():\n    raise CheckFailed('The VPC', expected='10.0.0.0/16', found='10.1.0.0/16', "
        "hint='Use vpc_cidr.')\nhelper()",
        "1 / 0",
    )
    folded, error = cells[1].outputs
    assert folded["output_type"] == "display_data" and folded["metadata"] == {"grader": {"traceback": True}}
    assert "<details>" in folded["data"]["text/html"] and "helper()" in folded["data"]["text/html"]
    assert error["ename"] == "CheckFailed"
    assert error["traceback"] == [
        "CheckFailed: The VPC\n  Expected: 10.0.0.0/16\n  Found:    10.1.0.0/16\n  Next:     Use vpc_cidr."]
    other = cells[2].outputs[0]
    assert other["ename"] == "ZeroDivisionError" and len(other["traceback"]) > 1  # untouched


def test_stub_and_unsupported_calls_read_differently():
    assert summary(NotImplementedError()) == NOT_ANSWERED
    assert summary(NotImplementedError("The ec2 action X has not been implemented")) == \
        NOT_SUPPORTED.format(detail="The ec2 action X has not been implemented")

