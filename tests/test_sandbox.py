"""The sandbox keeps learners' code on this machine and their ids reproducible."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import urllib.request

import pytest
import requests

from grader import sandbox
from grader.errors import NetworkBlocked


@pytest.fixture(scope="module")
def session():
    return sandbox.start(prewarm=("ec2",))


def run_fresh_python(code: str, env: dict[str, str] | None = None) -> str:
    """Run ``code`` in a new interpreter (the sandbox starts once per process) and return stdout."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=120, check=True,
    )
    return result.stdout


def test_guard_blocks_urllib_and_names_the_host(session):
    with pytest.raises(NetworkBlocked, match="example.com"):
        urllib.request.urlopen("https://example.com", timeout=5)


def test_guard_blocks_requests_to_a_non_aws_host(session):
    with pytest.raises(NetworkBlocked, match="example.org"):
        requests.get("https://example.org", timeout=5)


def test_guard_blocks_a_client_with_a_custom_endpoint_url(session):
    client = session.client("s3", endpoint_url="https://proxy.example.net")
    with pytest.raises(Exception, match="proxy.example.net") as caught:
        client.list_buckets()
    assert "Blocked a connection" in str(caught.value)


def test_guard_blocks_a_service_moto_does_not_mock(session):
    """bcm-data-exports lives on *.api.aws, which moto does not intercept (research, section e)."""
    with pytest.raises(Exception, match=r"bcm-data-exports\.us-east-1\.api\.aws"):
        session.client("bcm-data-exports").list_exports()


def test_guard_blocks_a_raw_socket_to_an_ip_address(session):
    import socket

    with socket.socket() as sock, pytest.raises(NetworkBlocked, match="203.0.113.9:443"):
        sock.connect(("203.0.113.9", 443))


def test_loopback_stays_open_for_jupyter(session):
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=5):
            pass


def test_mocked_calls_work_and_never_touch_the_network(session):
    ec2 = session.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    assert vpc_id.startswith("vpc-")


def test_fresh_state_wipes_resources(session):
    s3 = session.client("s3")
    s3.create_bucket(Bucket="left-over")
    sandbox.fresh_state()
    assert s3.list_buckets()["Buckets"] == []


def test_start_twice_keeps_state(session):
    session.client("s3").create_bucket(Bucket="kept")
    again = sandbox.start()
    assert [b["Name"] for b in again.client("s3").list_buckets()["Buckets"]] == ["kept"]


def test_real_looking_credentials_are_cleared_before_boto3_sees_them():
    out = run_fresh_python(
        """
        import json, os
        from grader import sandbox
        session = sandbox.start()
        creds = session.get_credentials()
        env = os.environ
        print(json.dumps({"key": creds.access_key, "env": sorted(k for k in env if k.startswith("AWS_")),
                          "profile": env.get("AWS_PROFILE"), "imds": env["AWS_EC2_METADATA_DISABLED"],
                          "config": open(env["AWS_CONFIG_FILE"]).read()}))
        """,
        env={"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG",
             "AWS_PROFILE": "production", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/admin"},
    )
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["key"] != "AKIAIOSFODNN7EXAMPLE"
    assert seen["profile"] is None and "AWS_ROLE_ARN" not in seen["env"]
    assert seen["imds"] == "true" and seen["config"] == ""


def test_two_runs_give_the_same_resource_ids():
    code = """
        from grader import sandbox
        ec2 = sandbox.start(prewarm=("ec2",)).client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        sandbox.fresh_state()
        again = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        print(vpc, subnet, again)
        """
    first, second = run_fresh_python(code), run_fresh_python(code)
    assert first == second
    assert first.split()[0].startswith("vpc-")



def test_session_reuses_clients_per_service_and_settings(session):
    """Creating a client costs ~30 ms; learners' functions create one per call."""
    assert session.client("ec2") is session.client("ec2")
    assert session.client("ec2", region_name="eu-west-1") is not session.client("ec2")
    assert session.client("ec2", region_name="eu-west-1").meta.region_name == "eu-west-1"
