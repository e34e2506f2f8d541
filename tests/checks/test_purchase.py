"""Checks on EC2 purchase options (grader/checks/ec2/purchase.py): learners' cost tables and
choices against grader.sim.ec2_pricing, one-time Spot requests, EC2 Fleets, Spot tiers.
They pass on correct answers and fail with messages naming what differs."""

from __future__ import annotations

import pandas as pd
import pytest

from grader.checks.ec2 import purchase as check
from grader.scenarios.ec2 import course_image, default_subnet
from grader.scenarios.ec2_purchase import launch_template
from grader.sim import ec2_pricing as sim

from .failures import failure

PRICES = check.price_frame()
PROFILES = check.profiles(instance_types=["m7i.large", "t3.medium"], baselines=[0, 2], bursts=[0, 3],
                          burst_hours=[1000], interruptible=[False, True], max_term_years=[0, 1, 3],
                          flexible=[False, True])


def reference_costs(prices, profiles):
    return pd.DataFrame.from_dict(sim.yearly_costs(check._prices_of(prices), profiles.to_dict("records")),
                                  orient="index")


# -- tables -----------------------------------------------------------------------------------------

def test_price_frame_has_models_as_columns_in_order():
    assert list(PRICES.columns) == list(sim.MODELS) and PRICES.index.name == "instance_type"
    assert PRICES.loc["c7i.large", "on_demand"] == 0.08925


def test_profiles_combine_every_value_with_unique_names():
    assert len(PROFILES) == 2 * 2 * 2 * 2 * 3 * 2
    assert len({p["name"] for p in PROFILES}) == len(PROFILES)
    assert set(PROFILES[0]) == set(sim.PROFILE_KEYS)


# -- cost table -------------------------------------------------------------------------------------

def test_cost_table_agrees_with_the_reference():
    check.cost_table_agrees(reference_costs, PRICES, check.profile_frame(PROFILES))


def test_cost_table_accepts_a_name_column_and_other_column_order():
    def with_name_column(prices, profiles):
        return reference_costs(prices, profiles)[list(reversed(sim.MODELS))].reset_index(names="name")
    check.cost_table_agrees(with_name_column, PRICES, check.profile_frame(PROFILES))


def test_cost_table_miss_names_profile_model_and_commitment_hint():
    def commits_bursts(prices, profiles):
        table = reference_costs(prices, profiles)
        table.loc["w1", "compute_sp_1y"] += 5
        return table
    found = failure(check.cost_table_agrees, commits_bursts, PRICES, check.profile_frame(PROFILES))
    assert found["what"].startswith("Yearly cost of profile 'w1' under compute_sp_1y")
    assert "used or not" in found["next"]


def test_cost_table_missing_column_and_not_a_frame():
    found = failure(check.cost_table_agrees, lambda p, q: reference_costs(p, q).drop(columns="spot"),
                    PRICES, check.profile_frame(PROFILES))
    assert found["found"].startswith("no column 'spot'")
    found = failure(check.cost_table_agrees, lambda p, q: None, PRICES, check.profile_frame(PROFILES))
    assert found["expected"] == "a pandas DataFrame"


def test_cost_table_learner_error_is_reported():
    found = failure(check.cost_table_agrees, lambda p, q: 1 / 0, PRICES, check.profile_frame(PROFILES))
    assert found["found"] == "raised ZeroDivisionError: division by zero"


# -- cheapest ---------------------------------------------------------------------------------------

def reference_cheapest(prices, profile):
    return sim.cheapest(check._prices_of(prices), profile)


def test_cheapest_agrees_with_the_reference():
    check.cheapest_agrees(reference_cheapest, PRICES, PROFILES)


def test_cheapest_miss_explains_an_excluded_answer():
    found = failure(check.cheapest_agrees, lambda prices, profile: "spot", PRICES, PROFILES)
    assert found["found"] == "'spot'" and "two minutes" in found["next"]


def test_cheapest_miss_explains_a_tie():
    def last_of_ties(prices, profile):
        choice = sim.choose(check._prices_of(prices), profile)
        ties = [m for m in sim.MODELS if m not in choice.excluded and choice.costs[m] == choice.cost]
        return ties[-1]
    found = failure(check.cheapest_agrees, last_of_ties, PRICES, PROFILES)
    assert "first in MODELS" in found["next"]


# -- Spot requests ----------------------------------------------------------------------------------

@pytest.fixture
def where(session):
    return {"image_id": course_image(session), "subnet_id": default_subnet(session)}


def request(session, where, kind="one-time", **extra):
    return session.client("ec2").request_spot_instances(
        InstanceCount=1, Type=kind, LaunchSpecification={**{
            "ImageId": where["image_id"], "SubnetId": where["subnet_id"]}, "InstanceType": "m7i.large"},
        **extra)["SpotInstanceRequests"][0]["SpotInstanceRequestId"]


def test_one_time_request_passes_and_persistent_fails(session, where):
    check.one_time_spot_request(session, request(session, where), instance_type="m7i.large", **where)
    found = failure(check.one_time_spot_request, session, request(session, where, "persistent"),
                    instance_type="m7i.large", **where)
    assert found["what"].endswith(": Type") and found["found"] == "'persistent'"


def test_request_of_other_type_names_the_field(session, where):
    found = failure(check.one_time_spot_request, session, request(session, where),
                    instance_type="c7i.large", **where)
    assert found["what"].endswith(": InstanceType") and found["expected"] == "'c7i.large'"


def test_an_instance_id_is_not_a_request_id(session):
    found = failure(check.one_time_spot_request, session, "i-0123456789abcdef0",
                    image_id="ami-1", instance_type="m7i.large", subnet_id="subnet-1")
    assert "That is an instance id" in found["next"]


def test_max_price_given_or_absent(session, where):
    check.spot_max_price(session, request(session, where, SpotPrice="0.05"), 0.05)
    check.spot_max_price(session, request(session, where), None)
    found = failure(check.spot_max_price, session, request(session, where, SpotPrice="0.1"), None)
    assert found["expected"] == "no maximum price" and "AWS recommends" in found["next"]
    found = failure(check.spot_max_price, session, request(session, where), 0.04)
    assert found["found"] == "no maximum price"


# -- EC2 Fleet --------------------------------------------------------------------------------------

def fleet(session, on_demand, spot, types=("m7i.large",), **extra):
    ec2 = session.client("ec2")
    template = launch_template(session, f"fleet-{len(ec2.describe_launch_templates()['LaunchTemplates'])}")
    return ec2.create_fleet(
        Type="instant",
        LaunchTemplateConfigs=[{
            "LaunchTemplateSpecification": {"LaunchTemplateId": template, "Version": "$Latest"},
            "Overrides": [{"InstanceType": t} for t in types]}],
        TargetCapacitySpecification={"TotalTargetCapacity": on_demand + spot,
                                     "OnDemandTargetCapacity": on_demand,
                                     "DefaultTargetCapacityType": "spot"}, **extra)["FleetId"]


def test_fleet_mix_counts_lifecycles(session):
    fleet_id = fleet(session, 1, 3)
    check.fleet_mix(session, fleet_id, on_demand=1, spot=3)
    found = failure(check.fleet_mix, session, fleet_id, on_demand=2, spot=2)
    assert found["what"].endswith("TargetCapacitySpecification.OnDemandTargetCapacity")
    assert found["expected"] == "2" and found["found"] == "1"


def test_fleet_diversified_needs_strategy_and_every_type(session):
    types = ["c7i.large", "c6i.large"]
    good = fleet(session, 1, 2, types, SpotOptions={"AllocationStrategy": "price-capacity-optimized"})
    check.fleet_diversified(session, good, types)
    found = failure(check.fleet_diversified, session, fleet(session, 1, 2, types), types)
    assert found["found"] == "'lowest-price'" and "lowest-price" in found["next"]
    narrow = fleet(session, 2, 2, types[:1], SpotOptions={"AllocationStrategy": "capacity-optimized"})
    found = failure(check.fleet_diversified, session, narrow, types)
    assert found["found"] == "c7i.large" and "pool" in found["next"]


def test_not_a_fleet_id(session):
    found = failure(check.fleet_mix, session, None, on_demand=1, spot=1)
    assert found["found"] == "None"


# -- tiers on Spot ----------------------------------------------------------------------------------

TIERS = [{"role": "web", "count": 2, "stateful": False}, {"role": "db", "count": 1, "stateful": True}]


def launch_tiers(session, spot_roles, tagged=True):
    ec2, template, placed = session.client("ec2"), launch_template(session), {}
    for tier in TIERS:
        market = {"InstanceMarketOptions": {"MarketType": "spot"}} if tier["role"] in spot_roles else {}
        tags = {"TagSpecifications": [{"ResourceType": "instance", "Tags": [
            {"Key": "role", "Value": tier["role"]}]}]} if tagged else {}
        response = ec2.run_instances(LaunchTemplate={"LaunchTemplateId": template}, MinCount=tier["count"],
                                     MaxCount=tier["count"], **market, **tags)
        placed[tier["role"]] = [i["InstanceId"] for i in response["Instances"]]
    return placed


def test_right_markets_pass_both_checks(session):
    placed = launch_tiers(session, {"web"})
    check.stateless_tiers_on_spot(session, placed, TIERS)
    check.stateful_tiers_on_demand(session, placed, TIERS)


def test_database_on_spot_fails_the_trap_with_the_reason(session):
    placed = launch_tiers(session, {"web", "db"})
    check.stateless_tiers_on_spot(session, placed, TIERS)
    found = failure(check.stateful_tiers_on_demand, session, placed, TIERS)
    assert found["what"] == "Market of tier 'db' (stateful)"
    assert found["expected"] == "on-demand for all 1 instance(s)"
    assert "two minutes' notice" in found["next"] and found["found"].startswith("1 on spot")


def test_stateless_on_demand_fails_the_cost_check(session):
    found = failure(check.stateless_tiers_on_spot, session, launch_tiers(session, set()), TIERS)
    assert found["what"] == "Market of tier 'web' (stateless)" and found["found"].startswith("2 on on-demand")


def test_untagged_or_missing_instances_are_named(session):
    untagged = launch_tiers(session, {"web"}, tagged=False)
    found = failure(check.stateful_tiers_on_demand, session, untagged, TIERS)
    assert "without the tag" in found["found"]
    found = failure(check.stateless_tiers_on_spot, session, {"web": []}, TIERS)
    assert found["found"] == "0 id(s) returned"
    found = failure(check.stateless_tiers_on_spot, session, ["i-1"], TIERS)
    assert found["expected"].startswith("a dict")
