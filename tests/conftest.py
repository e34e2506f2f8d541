"""Fixtures for every test: nothing from the machine's AWS setup leaks in; a fresh mock cloud.

Before each test every ``AWS_*`` variable is removed and replaced by fake credentials and empty
config files (moto's recommended test setup), so no test can find real credentials, and a
boto3 session made in any test resolves credentials without probing the instance metadata
service (which the sandbox's socket guard would block).
"""

from __future__ import annotations

import os

import pytest

from grader import sandbox

FAKE_AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": sandbox.REGION,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture(autouse=True)
def _no_aws_environment(monkeypatch):
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        monkeypatch.delenv(name)
    for name, value in FAKE_AWS_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(scope="session")
def _mock_cloud() -> None:
    sandbox.start(prewarm=("ec2",))


@pytest.fixture
def session(_mock_cloud, _no_aws_environment):
    """A boto3 session on an empty mock cloud (moto's default VPC aside)."""
    sandbox.fresh_state()
    return sandbox.new_session()
