"""`make lab` serves the course in JupyterLab with nbgrader's extensions enabled."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from .notebooks import ROOT

TOKEN = "course-test-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


@pytest.fixture(scope="module")
def lab():
    port = _free_port()
    args = f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} --IdentityProvider.token={TOKEN}"
    server = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            _get(f"{base}/api/status?token={TOKEN}")
            break
        except OSError:
            time.sleep(0.5)
    else:
        os.killpg(server.pid, signal.SIGTERM)
        pytest.fail("JupyterLab did not answer within 90 s")
    yield base
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def test_lab_opens_on_the_exercises(lab):
    status, body = _get(f"{lab}/api/contents?token={TOKEN}")
    assert status == 200
    assert "06-secure-vpc" in {item["name"] for item in json.loads(body)["content"]}
    assert _get(f"{lab}/lab?token={TOKEN}")[0] == 200


def test_nbgrader_lab_extension_is_enabled(lab):
    extensions = json.loads(_get(f"{lab}/lab/api/extensions?token={TOKEN}")[1])
    nbgrader = [e for e in extensions if e["name"] == "jupyter-nbgrader"]
    assert nbgrader and nbgrader[0]["enabled"] and nbgrader[0]["status"] == "ok"



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
