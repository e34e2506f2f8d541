"""The Lambda cost model: rounding, GB-seconds, architecture prices, /tmp, tiers and the free tier."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from grader.sim import lambda_cost as cost


@pytest.mark.parametrize(("measured", "billed"), [
    pytest.param(0.2, 1, id="under-a-millisecond"), pytest.param(100.0, 100, id="whole"),
    pytest.param(100.01, 101, id="rounds-up"),
])
def test_duration_is_billed_rounded_up_to_the_millisecond(measured, billed):
    assert cost.billed_ms(measured) == billed


def test_one_function_at_first_tier_prices():
    c = cost.function_cost(1_000_000, 200, 1024)  # 200,000 GB-s
    assert c["gb_seconds"] == pytest.approx(200_000)
    assert c["requests_usd"] == pytest.approx(0.20)
    assert c["duration_usd"] == pytest.approx(200_000 * 0.0000166667)
    assert c["storage_usd"] == 0


def test_arm_is_twenty_percent_cheaper_per_gb_second():
    x86, arm = (cost.function_cost(1e6, 100, 2048, a)["duration_usd"] for a in ("x86_64", "arm64"))
    assert arm / x86 == pytest.approx(0.8, abs=1e-4)


def test_only_tmp_above_512_mb_is_charged():
    assert cost.function_cost(1000, 1000, 128, ephemeral_mb=512)["storage_usd"] == 0
    assert cost.function_cost(1000, 1000, 128, ephemeral_mb=1536)["storage_usd"] == pytest.approx(
        1000 * 1.0 * 1.0 * cost.EPHEMERAL_PRICE_PER_GB_SECOND)


def test_monthly_cost_is_indexed_by_function_with_the_documented_columns():
    usage = pd.DataFrame([{"function": "a", "architecture": "arm64", "memory_mb": 512, "invocations": 10,
                           "avg_duration_ms": 99.5, "ephemeral_mb": 512}])
    table = cost.monthly_cost(usage)
    assert list(table.columns) == cost.COLUMNS and list(table.index) == ["a"]
    assert table.at["a", "gb_seconds"] == pytest.approx(10 * 0.1 * 0.5)


def test_tiers_apply_above_six_billion_gb_seconds_on_x86():
    assert cost.tiered_duration_usd(7e9, "x86_64") == pytest.approx(6e9 * 0.0000166667 + 1e9 * 0.000015)
    assert cost.tiered_duration_usd(20e9, "arm64") == pytest.approx(
        7.5e9 * 0.0000133334 + 11.25e9 * 0.0000120001 + 1.25e9 * 0.0000106667)


def test_account_bill_takes_the_free_tier_off_requests_and_gb_seconds():
    usage = pd.DataFrame([{"function": "a", "architecture": "x86_64", "memory_mb": 1024,
                           "invocations": 3_000_000, "avg_duration_ms": 200.0, "ephemeral_mb": 512}])
    bill = cost.account_bill(usage)
    assert bill["requests_usd"] == pytest.approx(0.40)
    assert bill["duration_usd"] == pytest.approx((600_000 - 400_000) * 0.0000166667)
    assert cost.account_bill(usage, free_tier=False)["requests_usd"] == pytest.approx(0.60)


def test_free_gb_seconds_go_to_x86_first():
    row = {"memory_mb": 1024, "invocations": 1000, "avg_duration_ms": 300_000.0}  # 300,000 GB-s each
    usage = pd.DataFrame([{"function": "x", "architecture": "x86_64", **row},
                          {"function": "y", "architecture": "arm64", **row}])
    bill = cost.account_bill(usage)
    assert bill["duration_usd"] == pytest.approx(200_000 * 0.0000133334)  # x86 all free, arm partly


@pytest.mark.parametrize(("memory", "vcpus"), [(1769, 1.0), (128, 128 / 1769), (10240, 5.79), (3538, 2.0)])
def test_cpu_grows_with_memory(memory, vcpus):
    assert math.isclose(cost.vcpus(memory), vcpus, abs_tol=0.01)


def test_price_table_lists_every_tier():
    table = cost.price_table()
    assert len(table) == 1 + 3 + 3 + 1 and set(table["architecture"]) == {"both", "x86_64", "arm64"}
