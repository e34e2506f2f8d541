"""Tests for grader/sim/fargate.py: valid sizes, right-sizing and the cost model.

Sizes are AWS's table (ECS Developer Guide, as of 2026); prices are us-east-1 Linux as of
2026-11: x86 $0.04048 per vCPU-hour and $0.004445 per GB-hour, Spot the course's 70 % off.
"""

import pytest

from grader.sim import fargate as sim


@pytest.mark.parametrize(("cpu", "memory", "os_family", "valid"), [
    pytest.param(256, 512, "LINUX", True, id="smallest"),
    pytest.param(256, 1536, "LINUX", False, id="quarter-vcpu-has-no-1.5gb"),
    pytest.param(256, 4096, "LINUX", False, id="quarter-vcpu-max-2gb"),
    pytest.param(512, 4096, "LINUX", True, id="half-vcpu-max"),
    pytest.param(1024, 9216, "LINUX", False, id="one-vcpu-max-8gb"),
    pytest.param(2048, 16384, "LINUX", True, id="two-vcpu-max"),
    pytest.param(4096, 30720, "LINUX", True, id="four-vcpu-max"),
    pytest.param(4096, 31744, "LINUX", False, id="four-vcpu-over"),
    pytest.param(8192, 20480, "LINUX", True, id="eight-vcpu-4gb-step"),
    pytest.param(8192, 21504, "LINUX", False, id="eight-vcpu-off-step"),
    pytest.param(16384, 40960, "LINUX", True, id="sixteen-vcpu-8gb-step"),
    pytest.param(16384, 36864, "LINUX", False, id="sixteen-vcpu-off-step"),
    pytest.param(32768, 65536, "LINUX", False, id="no-32-vcpu"),
    pytest.param("1 vCPU", "2 GB", "LINUX", True, id="vcpu-and-gb-strings"),
    pytest.param(" 0.25 VCPU ", "0.5gb", "LINUX", True, id="case-and-spaces"),
    pytest.param("0.75 vCPU", "2 GB", "LINUX", False, id="fractional-row"),
    pytest.param("1 vCPU", "2.5 GB", "LINUX", False, id="fractional-memory-step"),
    pytest.param("1 vCPU", "0.3 GB", "LINUX", False, id="fraction-of-a-mib"),
    pytest.param(512, 1024, "WINDOWS_SERVER_2022_CORE", False, id="windows-needs-one-vcpu"),
    pytest.param(4096, 8192, "WINDOWS_SERVER_2019_FULL", True, id="windows-four-vcpu"),
    pytest.param(8192, 16384, "windows_server_2022_full", False, id="windows-max-four-vcpu"),
])
def test_valid_size(cpu, memory, os_family, valid):
    assert sim.valid_size(cpu, memory, os_family) is valid


def test_parse_cpu_and_memory_accept_units_and_plain_numbers():
    assert sim.parse_cpu("2 vCPU") == sim.parse_cpu("2048") == sim.parse_cpu(2048) == 2048
    assert sim.parse_memory("3GB") == sim.parse_memory(" 3072 ") == 3072
    with pytest.raises(ValueError):
        sim.parse_cpu("two")


@pytest.mark.parametrize(("vcpus", "gib", "size"), [
    pytest.param(0.1, 0.25, {"cpu": 256, "memory": 512}, id="tiny"),
    pytest.param(0.25, 2, {"cpu": 256, "memory": 2048}, id="row-max"),
    pytest.param(0.25, 3, {"cpu": 512, "memory": 3072}, id="memory-moves-row"),
    pytest.param(1, 20, {"cpu": 4096, "memory": 20480}, id="memory-skips-two-rows"),
    pytest.param(3, 8, {"cpu": 4096, "memory": 8192}, id="cpu-decides"),
    pytest.param(6, 17, {"cpu": 8192, "memory": 20480}, id="4gb-step-rounds-up"),
    pytest.param(8, 61, {"cpu": 16384, "memory": 65536}, id="over-eight-vcpu-row"),
    pytest.param(16, 120, {"cpu": 16384, "memory": 122880}, id="largest"),
    pytest.param(16, 121, None, id="too-much-memory"),
    pytest.param(17, 32, None, id="too-many-vcpus"),
])
def test_right_size(vcpus, gib, size):
    assert sim.right_size(vcpus, gib) == size


def test_right_size_is_the_cheapest_valid_covering_size():
    """Brute force over every valid size agrees with the row walk."""
    sizes = [(c, m) for c, ms in sim.SIZES.items() for m in ms]
    for vcpus in (0.1, 0.3, 0.6, 1.2, 2.5, 5, 9):
        for gib in (0.4, 1.1, 3, 7.5, 15, 29, 45, 90):
            covering = [(sim.hourly_rate(c, m), c, m) for c, m in sizes
                        if c >= vcpus * 1024 and m >= gib * 1024]
            best = min(covering) if covering else None
            assert sim.right_size(vcpus, gib) == ({"cpu": best[1], "memory": best[2]} if best else None)


def test_prices_are_dated_and_spot_is_seventy_percent_off():
    assert sim.AS_OF == "2026-11" and sim.REGION == "us-east-1"
    assert sim.ON_DEMAND["X86_64"] == (0.04048, 0.004445) and sim.ON_DEMAND["ARM64"] == (0.03238, 0.00356)
    assert sim.spot_rates() == (0.012144, 0.0013335)
    assert [r["capacity"] for r in sim.price_rows()] == ["FARGATE", "FARGATE", "FARGATE_SPOT (illustrative)"]
    assert [r["cpu (units)"] for r in sim.size_rows()] == list(sim.SIZES)


def test_hourly_rate_and_a_month_of_one_vcpu_two_gb():
    assert sim.hourly_rate(1024, 2048) == pytest.approx(0.04937)
    assert round(sim.hourly_rate("1 vCPU", "2 GB") * sim.HOURS_PER_MONTH, 2) == 36.04
    assert round(sim.hourly_rate(1024, 2048, architecture="ARM64") * 730, 2) == 28.84


def test_task_cost_bills_whole_seconds_with_a_one_minute_minimum():
    rate = sim.hourly_rate(512, 1024)
    assert sim.task_cost(512, 1024, 5) == pytest.approx(rate * 60 / 3600)
    assert sim.task_cost(512, 1024, 90.2) == pytest.approx(rate * 91 / 3600)
    assert sim.task_cost(512, 1024, 3600, "FARGATE_SPOT") == pytest.approx(
        0.5 * 0.012144 + 1 * 0.0013335)


@pytest.mark.parametrize(("cpu", "memory", "instance_type", "per_instance"), [
    pytest.param(256, 512, "m5.large", 8, id="cpu-bound"),
    pytest.param(512, 3072, "t3.medium", 1, id="memory-bound-after-reserve"),
    pytest.param(1024, 4096, "t3.medium", 0, id="reserve-leaves-no-room"),
    pytest.param(1024, 7680, "m5.large", 1, id="reserve-exactly-fits"),
    pytest.param(4096, 8192, "m5.large", 0, id="more-vcpus-than-the-instance"),
])
def test_tasks_per_instance(cpu, memory, instance_type, per_instance):
    assert sim.tasks_per_instance(cpu, memory, instance_type) == per_instance


def test_compare_launch_types_worked_by_hand():
    # 20 x (0.25 x 0.04048 + 0.5 x 0.004445) x 730 = 180.20; 8 per m5.large -> 3 x 0.096 x 730
    assert sim.compare_launch_types(256, 512, 20, "m5.large") == {
        "fargate": 180.2, "fargate_spot": 54.06, "instances": 3, "ec2": 210.24}
    assert sim.compare_launch_types(4096, 8192, 1, "m5.large", 10) == {
        "fargate": 1.97, "fargate_spot": 0.59, "instances": 0, "ec2": None}
