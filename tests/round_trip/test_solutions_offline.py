"""Every answer key runs top to bottom without one network connection leaving the machine.

An audit hook (sys.addaudithook) sees every DNS lookup and connect the kernel makes, below
the sandbox's socket guard, so it would also catch a path the guard does not cover.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

from ..notebooks import ROOT

AUDIT = '''
import ipaddress, sys
_outside = []
def _audit(event, args):
    if event in ("socket.getaddrinfo", "socket.connect"):
        host = args[0] if event == "socket.getaddrinfo" else args[1]
        host = host[0] if isinstance(host, tuple) else host
        try:
            local = host in (None, "localhost") or ipaddress.ip_address(str(host).split("%")[0]).is_loopback
        except ValueError:
            local = False
        if not local:
            _outside.append(f"{event} {host}")
sys.addaudithook(_audit)
'''
REPORT = "import json; print(json.dumps(_outside))"
KEYS = sorted((ROOT / "solutions").glob("*/*.ipynb"))


@pytest.mark.parametrize("answer_key", KEYS, ids=[key.parent.name for key in KEYS])
def test_answer_key_makes_no_outside_connection(answer_key):
    nb = nbformat.read(answer_key, as_version=4)
    nb.cells = [new_code_cell(AUDIT), *nb.cells, new_code_cell(REPORT)]
    NotebookClient(nb, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(answer_key.parent)}}).execute()
    assert json.loads(nb.cells[-1].outputs[0]["text"]) == []


def test_the_audit_hook_sees_a_connection_attempt():
    """The hook must be able to fail. The event is raised by hand (sys.audit), as socket.connect
    raises it, so no packet is sent."""
    nb = nbformat.v4.new_notebook(cells=[
        new_code_cell(AUDIT),
        new_code_cell("import socket\nwith socket.socket() as s:\n"
                      "    sys.audit('socket.connect', s, ('192.0.2.1', 443))\n"
                      "    sys.audit('socket.connect', s, ('127.0.0.1', 8888))"),
        new_code_cell(REPORT)])
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    assert json.loads(nb.cells[-1].outputs[0]["text"]) == ["socket.connect 192.0.2.1"]
