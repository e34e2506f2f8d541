"""What the mock's STS remembers about a role session, for checks that grade a session.

AWS has no API that returns a session's session policy or its external id: they live inside the
credentials. moto keeps every ``AssumeRole`` it answered (role, session name, the inline session
policy text, external id, expiry) and this module reads that record back by access key id, so a
check can judge the credentials a learner's function returned, however it built the request.
moto does not keep managed session policies (``PolicyArns``): exercises ask for ``Policy``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from moto.sts.models import sts_backends

from grader.sim.iam import load


@dataclass(frozen=True)
class SessionRecord:
    """One answered AssumeRole: the role, the session's own ARN
    (``arn:aws:sts::<account>:assumed-role/<role>/<session name>``), the inline session policy
    as sent (None when none was passed), the external id and the expiry."""

    role_arn: str
    session_name: str
    arn: str
    policy_text: str | None
    external_id: str | None
    expiration: datetime

    @property
    def policy(self) -> dict | None:
        """The session policy as a dict (``PolicyError`` when it is not a policy document)."""
        return load(self.policy_text) if self.policy_text else None


def session_record(credentials) -> SessionRecord | None:
    """The record of the session these credentials (AssumeRole's ``Credentials`` dict, or an
    access key id) belong to; None for keys no AssumeRole handed out."""
    key = credentials.get("AccessKeyId") if isinstance(credentials, Mapping) else credentials
    for _, by_partition in list(sts_backends.items()):
        for _, backend in list(by_partition.items()):
            for assumed in backend.assumed_roles:
                if assumed.access_key_id == key:
                    return SessionRecord(
                        role_arn=assumed.role_arn, session_name=assumed.session_name, arn=assumed.arn,
                        policy_text=assumed.policy, external_id=assumed.external_id,
                        expiration=assumed.expiration)
    return None
