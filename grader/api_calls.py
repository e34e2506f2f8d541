"""Which AWS operations a block of code called, recorded where moto receives them.

Some requirements are about *how* a result was reached, not only the state left behind:
swapping an instance's profile with ``ReplaceIamInstanceProfileAssociation`` keeps it supplied
with credentials, while disassociating first leaves a window with none, and both end in the same
state. :func:`recorded` sees every request moto handles inside the block, whichever boto3 client
or session made it, in the order they arrived (ones moto refuses before dispatch, such as a bad
signature under IAM enforcement, included).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from moto.core.responses import BaseResponse


@dataclass(frozen=True)
class Call:
    """One request: moto's service name (``ec2``, ``iam``, ...) and the API action
    (``DisassociateIamInstanceProfile``)."""

    service: str
    action: str


@contextmanager
def recorded() -> Iterator[list[Call]]:
    """``with recorded() as calls: ...``: afterwards ``calls`` lists every request, in order."""
    calls: list[Call] = []
    original = BaseResponse.call_action

    def call_action(self):
        calls.append(Call(str(self.service_name), self._get_action()))
        return original(self)

    BaseResponse.call_action = call_action
    try:
        yield calls
    finally:
        BaseResponse.call_action = original


def actions(calls, service: str | None = None) -> list[str]:
    """The action names of ``calls``, optionally of one service only."""
    return [c.action for c in calls if service is None or c.service == service]
