"""A restored starting state is exactly the built one (resources, ids, the ids that follow), is
used only on a fresh mock, and is saved only by trusted code (prepare), never by a learner's."""

from __future__ import annotations

import json
import textwrap

import pytest

from grader import sandbox
from grader.batch.warm import WarmKernel
from grader.scenarios import snapshots
from grader.scenarios.vpc import web_app

ARGS = ("10.30.0.0/16", ("us-east-1a", "us-east-1b"), 8080, 5432)


@pytest.fixture(autouse=True)
def _nothing_saved(monkeypatch):
    monkeypatch.setattr(snapshots, "_saved", {})
    monkeypatch.setattr(snapshots, "requested", [])


@pytest.fixture
def restores(monkeypatch):
    """Restores counted from the first fresh_state after prepare (which restores moto's state too)."""
    count = []
    original = snapshots._Saved.restore
    monkeypatch.setattr(snapshots._Saved, "restore", lambda self: count.append(1) or original(self))
    return count


def everything(session) -> str:
    """What a test could read back, and the id the next resource would get (creation times
    aside: a restored resource keeps the time it was first built)."""
    ec2 = session.client("ec2")
    seen = [ec2.describe_vpcs()["Vpcs"], ec2.describe_subnets()["Subnets"],
            ec2.describe_route_tables()["RouteTables"], ec2.describe_security_groups()["SecurityGroups"],
            ec2.describe_nat_gateways()["NatGateways"], ec2.describe_internet_gateways()["InternetGateways"],
            ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]]
    return json.dumps(seen, default=lambda value: "a time", sort_keys=True)


def test_a_restored_state_is_the_built_state_with_the_same_ids(session, restores):
    built = web_app(session, *ARGS)
    expected = everything(session)
    snapshots.prepare(snapshots.requested)
    restores.clear()
    sandbox.fresh_state()
    assert web_app(session, *ARGS) == built
    assert everything(session) == expected
    assert restores == [1]


def test_only_a_fresh_mock_is_restored_and_nothing_already_there_is_lost(session, restores):
    web_app(session, *ARGS)
    snapshots.prepare(snapshots.requested)
    restores.clear()
    sandbox.fresh_state()
    session.client("s3").create_bucket(Bucket="learner-data")
    web_app(session, *ARGS)
    assert restores == []
    assert [b["Name"] for b in session.client("s3").list_buckets()["Buckets"]] == ["learner-data"]


def test_the_caller_gets_a_copy_of_the_result(session):
    web_app(session, *ARGS)
    snapshots.prepare(snapshots.requested)
    sandbox.fresh_state()
    web_app(session, *ARGS)["security_groups"].clear()
    sandbox.fresh_state()
    assert set(web_app(session, *ARGS)["security_groups"]) == {"alb", "app", "db"}


def test_a_learners_process_only_asks_and_prepare_leaves_moto_as_it_was(session):
    web_app(session, *ARGS)
    assert snapshots._saved == {} and len(snapshots.requested) == 1
    state = everything(session)
    sandbox.fresh_state()
    web_app(session, *ARGS)
    snapshots.prepare(snapshots.requested)
    assert everything(session) == state
    assert snapshots.requested == []


def test_a_bad_request_is_ignored(session):
    snapshots.prepare([("grader.scenarios.vpc.web_app", '[["not a cidr"], {}]'), ("os.system", "[[], {}]")])
    assert all(saved is None for saved in snapshots._saved.values())
    assert session.client("ec2").describe_vpcs()["Vpcs"][0]["IsDefault"]


def test_the_warm_kernel_saves_what_one_notebook_built_for_the_next(tmp_path):
    setup = "from grader.sandbox import start, fresh_state\nsession = start(prewarm=('ec2',))"
    cell = textwrap.dedent(f"""
        from grader.scenarios import snapshots
        from grader.scenarios.vpc import web_app
        fresh_state()
        print(len(snapshots._saved), web_app(session, *{ARGS!r})["vpc_id"])
    """)
    kernel = WarmKernel(setup, str(tmp_path), timeout=20)
    try:
        first, second = (kernel.run([setup, cell], str(tmp_path))[1]["outputs"][0]["text"] for _ in "12")
    finally:
        kernel.close()
    assert first.split()[0] == "0" and int(second.split()[0]) >= 1
    assert first.split()[1] == second.split()[1]
