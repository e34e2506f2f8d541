"""`make lab` serves the course as a learner sees it; `make teach` adds the instructor tools."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from .servers import TOKEN, serve
from .servers import get as _get


@pytest.fixture(scope="module")
def lab():
    with serve("lab") as base:
        yield base


@pytest.fixture(scope="module")
def teach():
    with serve("teach") as base:
        yield base


def _nbgrader_plugins(base: str) -> dict[str, bool]:
    """Which of nbgrader's lab plugins the page loads (False: disabled)."""
    extensions = json.loads(_get(f"{base}/lab/api/extensions?token={TOKEN}")[1])
    nbgrader = next(e for e in extensions if e["name"] == "jupyter-nbgrader")
    assert nbgrader["enabled"] and nbgrader["status"] == "ok"
    page = _get(f"{base}/lab?token={TOKEN}")[1]
    config = json.loads(page.split('id="jupyter-config-data" type="application/json">')[1]
                        .split("</script>")[0])
    disabled = set(config.get("disabledExtensions", []))
    plugins = ("formgrader", "course-list", "create-assignment", "assignment-list",
               "validate-assignment")
    return {name: f"@jupyter/nbgrader:{name}" not in disabled for name in plugins}


def _status(url: str) -> int:
    try:
        return _get(url)[0]
    except urllib.error.HTTPError as error:
        return error.code


def test_lab_opens_on_the_exercises(lab):
    status, body = _get(f"{lab}/api/contents?token={TOKEN}")
    assert status == 200
    assert "06-secure-vpc" in {item["name"] for item in json.loads(body)["content"]}
    assert _get(f"{lab}/lab?token={TOKEN}")[0] == 200


def test_learners_get_validate_and_assignments_but_no_instructor_tools(lab):
    assert _nbgrader_plugins(lab) == {"formgrader": False, "course-list": False,
                                      "create-assignment": False, "assignment-list": True,
                                      "validate-assignment": True}
    assert _status(f"{lab}/formgrader?token={TOKEN}") == 404


def test_teachers_get_every_nbgrader_tool(teach):
    assert all(_nbgrader_plugins(teach).values())
    assert _status(f"{teach}/formgrader?token={TOKEN}") == 200



def test_validate_button_runs_the_visible_tests(lab):
    """What the notebook toolbar's Validate button asks the server for, on the untouched stub."""
    request = urllib.request.Request(
        f"{lab}/assignments/validate", method="POST",
        data=urllib.parse.urlencode({"path": "06-secure-vpc/06-secure-vpc.ipynb"}).encode(),
        headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        result = json.loads(response.read())
    assert result["success"], result
    assert "NotImplementedError" in json.dumps(result["value"])
