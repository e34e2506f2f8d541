"""Checks on EC2 purchase options: a learner's cost model and choice against
``grader.sim.ec2_pricing``, a one-time Spot request, an EC2 Fleet mixing On-Demand and Spot,
and which tiers of an application run on Spot.

moto launches Spot and fleet instances (``InstanceLifecycle`` is ``spot``) but has no prices, no
interruptions and no capacity: costs are judged against the course's dated table, and the
launches by their configuration. Notebooks use them as
``from grader.checks.ec2 import purchase as check``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from itertools import product

from botocore.exceptions import ClientError

from grader.checks.base import Message
from grader.sim import ec2_pricing as sim

# -- tables between pandas and the simulator --------------------------------------------------------


def price_frame(prices: Mapping[str, Mapping[str, float]] | None = None):
    """The price table as a DataFrame: one row per instance type, one column per model."""
    import pandas as pd

    frame = pd.DataFrame.from_dict(prices or sim.price_table(), orient="index")[list(sim.MODELS)]
    frame.index.name = "instance_type"
    return frame


def profile_frame(profiles: Iterable[Mapping]):
    """Workload profiles as a DataFrame with the columns of ``sim.PROFILE_KEYS``."""
    import pandas as pd

    return pd.DataFrame([dict(p) for p in profiles], columns=list(sim.PROFILE_KEYS))


def _prices_of(table) -> dict[str, dict[str, float]]:
    """A price DataFrame (or dict) as the simulator's ``{instance_type: {model: rate}}``."""
    if isinstance(table, Mapping):
        return {t: dict(row) for t, row in table.items()}
    return {t: {m: float(v) for m, v in row.items()} for t, row in table.to_dict("index").items()}


def profiles(instance_types=("m7i.large",), baselines=(2,), bursts=(0,), burst_hours=(0,),
             interruptible=(False,), max_term_years=(1,), flexible=(False,)) -> list[dict]:
    """Every profile combining the values given, each with a unique name."""
    combos = product(instance_types, baselines, bursts, burst_hours, interruptible,
                     max_term_years, flexible)
    return [dict(zip(sim.PROFILE_KEYS, (f"w{n}", *combo), strict=True))
            for n, combo in enumerate(combos)]


# -- Exercise: the yearly cost table ----------------------------------------------------------------

COSTS_RAISED = Message(
    "yearly_costs on {count} profiles", "a DataFrame of yearly costs", "raised {error}",
    "Run it on the try-it cell's profiles and read the traceback.")
COSTS_SHAPE = Message(
    "The table yearly_costs returned", "{expected}", "{found}",
    "Build one dict per profile, {{model: cost}}, and return pd.DataFrame.from_dict(rows, "
    "orient='index'): the index is the profile name, the columns are the models of MODELS.")
COST_WRONG = Message(
    "Yearly cost of profile {name!r} under {model} ({agree} of {total} cells agree)",
    "${expected:,.2f}", "{found}", "{hint}")
COST_HINTS = {
    "used": "On-Demand and Spot bill the hours used: (baseline x 8,760 + burst x burst_hours) "
            "x the rate of the profile's instance type.",
    "commitment": "A commitment covers the baseline instances and is paid for all 8,760 hours "
                  "of the year, used or not; burst hours above it still bill at On-Demand.",
}


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def cost_table_agrees(function, prices, profile_table) -> None:
    """A learner's ``yearly_costs(prices, profiles)`` returns, for every profile (index: its
    name) and every model (columns), the yearly cost ``grader.sim.ec2_pricing`` computes, to
    the cent. The learner gets copies, so a function that edits its inputs changes nothing."""
    reference_prices = _prices_of(prices)
    rows = profile_table.to_dict("records")
    expected = sim.yearly_costs(reference_prices, rows)
    try:
        table = function(prices.copy(), profile_table.copy())
    except Exception as error:  # noqa: BLE001 -- the learner's error is the answer shown
        raise COSTS_RAISED.fail(count=len(rows), error=f"{type(error).__name__}: {error}") from None
    if not hasattr(table, "columns") or not hasattr(table, "index"):
        raise COSTS_SHAPE.fail(expected="a pandas DataFrame",
                               found=f"{table!r:.80} (a {type(table).__name__})")
    if "name" in table.columns and set(table.index) != set(expected):
        table = table.set_index("name")
    missing_models = [m for m in sim.MODELS if m not in table.columns]
    missing_rows = [n for n in expected if n not in table.index]
    if missing_models or missing_rows:
        found = (f"no column {missing_models[0]!r} (columns: {list(table.columns)})" if missing_models
                 else f"no row {missing_rows[0]!r} (index: {list(table.index)[:6]})")
        raise COSTS_SHAPE.fail(expected=f"{len(expected)} rows indexed by profile name and the "
                               f"{len(sim.MODELS)} columns of MODELS", found=found)
    misses = [(name, model, cost, table.loc[name, model])
              for name, costs in expected.items() for model, cost in costs.items()
              if _number(table.loc[name, model]) is None
              or abs(_number(table.loc[name, model]) - cost) > 0.011]
    if misses:
        name, model, cost, found = misses[0]
        total = len(expected) * len(sim.MODELS)
        number = _number(found)
        raise COST_WRONG.fail(name=name, model=model, agree=total - len(misses), total=total,
                              expected=cost, found=f"${number:,.2f}" if number is not None else repr(found),
                              hint=COST_HINTS["used" if model in ("on_demand", "spot") else "commitment"])


# -- Exercise: the cheapest model a workload may use -----------------------------------------------

CHEAPEST_WRONG = Message(
    "cheapest agrees with the course's reference on {agree} of {total} profiles; first miss: {profile}",
    "{expected!r} (${cost:,.2f} a year)", "{found}", "{hint}")


def _choice_hint(choice: sim.Choice, answer) -> str:
    if answer in choice.excluded:
        return f"{answer} is not allowed for this profile: {choice.excluded[answer]}."
    if answer in choice.costs:
        return (f"{answer} costs ${choice.costs[answer]:,.2f} a year here, "
                + ("more than the answer." if choice.costs[answer] > choice.cost else
                   "the same: on a tie, return the model that comes first in MODELS."))
    return "Return one of the names in MODELS, a string."


def cheapest_agrees(function, prices, profile_list) -> None:
    """A learner's ``cheapest(prices, profile)`` names the model ``grader.sim.ec2_pricing.choose``
    picks, for every profile (a dict); the first disagreement is explained (excluded, or dearer)."""
    reference_prices = _prices_of(prices)
    agree, first_miss = 0, None
    for profile in profile_list:
        choice = sim.choose(reference_prices, profile)
        try:
            answer = function(prices, dict(profile))
        except Exception as error:  # noqa: BLE001 -- the learner's error is the answer shown
            answer, found = None, f"raised {type(error).__name__}: {error}"
        else:
            found = repr(answer)
        if answer == choice.model:
            agree += 1
        elif first_miss is None:
            first_miss = profile, choice, answer, found
    if first_miss:
        profile, choice, answer, found = first_miss
        raise CHEAPEST_WRONG.fail(agree=agree, total=len(profile_list), profile=dict(profile),
                                  expected=choice.model, cost=choice.cost, found=found,
                                  hint=_choice_hint(choice, answer))


# -- reading instances ------------------------------------------------------------------------------

NOT_REQUEST_ID = Message(
    "The value your function returned", "a Spot Instance request id, a string like 'sir-0123abcd'",
    "{value!r}", "{hint}")
NOT_REQUEST_HINTS = {
    "instance": "That is an instance id. Make the request with request_spot_instances and return "
                "SpotInstanceRequests[0]['SpotInstanceRequestId'] from its response.",
    "other": "Return SpotInstanceRequests[0]['SpotInstanceRequestId'] from the response of "
             "request_spot_instances.",
}
REQUEST_MISSING = Message(
    "Spot Instance request {request_id} exists", "a request in this mock account", "none ({code})",
    "Return the id from the response of the request your function made.")


def _instances(ec2, instance_ids) -> dict[str, dict]:
    pages = ec2.get_paginator("describe_instances").paginate(InstanceIds=list(instance_ids))
    return {i["InstanceId"]: i for page in pages for r in page["Reservations"] for i in r["Instances"]}


def lifecycle(instance: Mapping) -> str:
    """``spot`` or ``on-demand``: EC2 sets ``InstanceLifecycle`` only on Spot (and Scheduled)."""
    return instance.get("InstanceLifecycle") or "on-demand"


def spot_request(session, request_id) -> dict:
    """The ``describe_spot_instance_requests`` entry of ``request_id`` (learner messages for a
    wrong value or a missing request)."""
    if not isinstance(request_id, str) or not request_id.startswith("sir-"):
        kind = "instance" if isinstance(request_id, str) and request_id.startswith("i-") else "other"
        raise NOT_REQUEST_ID.fail(value=request_id, hint=NOT_REQUEST_HINTS[kind])
    try:
        found = session.client("ec2").describe_spot_instance_requests(
            SpotInstanceRequestIds=[request_id])["SpotInstanceRequests"]
    except ClientError as error:
        raise REQUEST_MISSING.fail(request_id=request_id,
                                   code=error.response["Error"].get("Code", "")) from None
    if not found:
        raise REQUEST_MISSING.fail(request_id=request_id, code="not listed")
    return found[0]


# -- Exercise: a one-time Spot request ---------------------------------------------------------------

SPOT_REQUEST = Message(
    "Spot Instance request {request_id}: {field}", "{expected}", "{found}", "{hint}")
SPOT_REQUEST_HINTS = {
    "Type": "A one-time request is not re-opened after an interruption; a persistent one "
            "is. Pass Type='one-time' (the default) to request_spot_instances.",
    "InstanceType": "Put the function's instance_type and subnet_id in LaunchSpecification.",
    "SubnetId": "Put the function's instance_type and subnet_id in LaunchSpecification.",
    "ImageId": "Put the function's image_id in LaunchSpecification.",
    "State": "The request should be fulfilled: an instance launched for it.",
    "Lifecycle": "The instance a Spot request launches is a Spot Instance (InstanceLifecycle 'spot').",
    "SpotPrice": "Pass the maximum price as SpotPrice, a string of USD per hour: "
                 "SpotPrice=str(max_price). Leave it out when max_price is None.",
    "NoPrice": "With no max_price, pass no SpotPrice at all: you then pay the current Spot price, "
               "capped at On-Demand, and AWS recommends this because a low cap only adds "
               "interruptions.",
}


def _spot_fail(request_id, field, expected, found, hint_key=None):
    return SPOT_REQUEST.fail(request_id=request_id, field=field, expected=expected, found=found,
                             hint=SPOT_REQUEST_HINTS[hint_key or field])


def one_time_spot_request(session, request_id, *, image_id: str, instance_type: str,
                          subnet_id: str) -> None:
    """``request_id`` is a one-time Spot request for ``instance_type`` from ``image_id`` in
    ``subnet_id``, fulfilled by a running Spot Instance."""
    request = spot_request(session, request_id)
    spec = request.get("LaunchSpecification", {})
    for field, expected, found in (("Type", "one-time", request.get("Type")),
                                   ("ImageId", image_id, spec.get("ImageId")),
                                   ("InstanceType", instance_type, spec.get("InstanceType")),
                                   ("SubnetId", subnet_id, spec.get("SubnetId"))):
        if found != expected:
            raise _spot_fail(request_id, field, repr(expected), repr(found))
    instance_id = request.get("InstanceId")
    if request.get("State") != "active" or not instance_id:
        raise _spot_fail(request_id, "State", "active, with an instance", repr(request.get("State")))
    instance = _instances(session.client("ec2"), [instance_id])[instance_id]
    if lifecycle(instance) != "spot":
        raise _spot_fail(request_id, f"instance {instance_id}", "a Spot Instance",
                         lifecycle(instance), "Lifecycle")


def spot_max_price(session, request_id, max_price) -> None:
    """The request's maximum price is ``max_price`` (USD per hour), or unset when it is None."""
    found = spot_request(session, request_id).get("SpotPrice")
    if max_price is None:
        if found is not None:
            raise _spot_fail(request_id, "SpotPrice", "no maximum price", repr(found), "NoPrice")
        return
    if found is None or not math.isclose(float(found), float(max_price), abs_tol=1e-6):
        raise _spot_fail(request_id, "SpotPrice", f"{float(max_price):g}",
                         "no maximum price" if found is None else repr(found))


# -- Exercise: an EC2 Fleet with an On-Demand base -------------------------------------------------

NOT_FLEET_ID = Message(
    "The value your function returned", "an EC2 Fleet id, a string like 'fleet-0123...'",
    "{value!r}", "Return FleetId from the response of create_fleet.")
FLEET_MISSING = Message(
    "EC2 Fleet {fleet_id} exists", "a fleet in this mock account", "none",
    "Return FleetId from the response of the create_fleet call your function made.")
FLEET_SETTING = Message("EC2 Fleet {fleet_id}: {field}", "{expected}", "{found}", "{hint}")
FLEET_HINTS = {
    "Type": "An 'instant' fleet launches once and returns the instances in its response; "
            "'maintain' and 'request' fleets keep working after the call.",
    "capacity": "TargetCapacitySpecification={'TotalTargetCapacity': on_demand + spot, "
                "'OnDemandTargetCapacity': on_demand, 'DefaultTargetCapacityType': 'spot'}.",
    "instances": "The fleet's instances: its On-Demand target on-demand, the rest Spot. Check "
                 "TargetCapacitySpecification.",
    "strategy": "EC2 Fleet's default Spot strategy is lowest-price, which ignores capacity and "
                "is interrupted most. Set SpotOptions={'AllocationStrategy': "
                "'price-capacity-optimized'} (AWS's recommendation) or capacity-optimized.",
    "types": "Spot capacity is per pool (instance type x Availability Zone): give the fleet "
             "every instance type it may use, one Overrides entry each, so it can pick pools "
             "with spare capacity.",
}
GOOD_SPOT_STRATEGIES = ("price-capacity-optimized", "capacity-optimized", "capacity-optimized-prioritized")


def _fleet(session, fleet_id) -> dict:
    if not isinstance(fleet_id, str) or not fleet_id.startswith("fleet-"):
        raise NOT_FLEET_ID.fail(value=fleet_id)
    found = session.client("ec2").describe_fleets(FleetIds=[fleet_id])["Fleets"]
    if not found:
        raise FLEET_MISSING.fail(fleet_id=fleet_id)
    return found[0]


def _fleet_fail(fleet_id, field, expected, found, hint):
    return FLEET_SETTING.fail(fleet_id=fleet_id, field=field, expected=expected, found=found,
                              hint=FLEET_HINTS[hint])


def fleet_mix(session, fleet_id, *, on_demand: int, spot: int) -> None:
    """``fleet_id`` is an instant EC2 Fleet of ``on_demand + spot`` instances, ``on_demand`` of
    them On-Demand and the rest Spot, by its target and by its instances' lifecycles."""
    fleet = _fleet(session, fleet_id)
    if fleet.get("Type") != "instant":
        raise _fleet_fail(fleet_id, "Type", "'instant'", repr(fleet.get("Type")), "Type")
    target = fleet.get("TargetCapacitySpecification", {})
    wanted = {"TotalTargetCapacity": on_demand + spot, "OnDemandTargetCapacity": on_demand,
              "DefaultTargetCapacityType": "spot"}
    defaults = {"OnDemandTargetCapacity": 0, "DefaultTargetCapacityType": "on-demand"}
    for key, value in wanted.items():
        found = target.get(key, defaults.get(key))
        if found != value:
            raise _fleet_fail(fleet_id, f"TargetCapacitySpecification.{key}", repr(value),
                              repr(found), "capacity")
    ids = [i for group in fleet.get("Instances", []) for i in group.get("InstanceIds", [])]
    lifecycles = [lifecycle(i) for i in _instances(session.client("ec2"), ids).values()] if ids else []
    counts = {"on-demand": lifecycles.count("on-demand"), "spot": lifecycles.count("spot")}
    if counts != {"on-demand": on_demand, "spot": spot}:
        raise _fleet_fail(fleet_id, "instances launched",
                          f"{on_demand} on-demand and {spot} spot",
                          f"{counts['on-demand']} on-demand and {counts['spot']} spot", "instances")


def fleet_diversified(session, fleet_id, instance_types: Iterable[str]) -> None:
    """The fleet's Spot side uses a capacity-aware allocation strategy and may launch every
    type of ``instance_types`` (one override each, or the launch template's own type)."""
    fleet = _fleet(session, fleet_id)
    strategy = (fleet.get("SpotOptions") or {}).get("AllocationStrategy") or "lowest-price"
    if strategy not in GOOD_SPOT_STRATEGIES:
        raise _fleet_fail(fleet_id, "SpotOptions.AllocationStrategy",
                          "price-capacity-optimized (or capacity-optimized)", repr(strategy), "strategy")
    offered = {o.get("InstanceType") for config in fleet.get("LaunchTemplateConfigs", [])
               for o in config.get("Overrides", [])}
    missing = [t for t in instance_types if t not in offered]
    if missing:
        raise _fleet_fail(fleet_id, "instance types in LaunchTemplateConfigs[].Overrides",
                          ", ".join(instance_types), ", ".join(sorted(t for t in offered if t)) or "none",
                          "types")


# -- Exercise: which tiers run on Spot ----------------------------------------------------------------

TIERS_NOT_A_DICT = Message(
    "The value your function returned", "a dict {{role: [instance ids]}} with one key per tier",
    "{found}", "Collect the InstanceId of every instance each launch returns, under its role.")
TIER_COUNT = Message(
    "Tier {role!r}", "{count} instance(s) tagged role={role}", "{found}", "{hint}")
TIER_COUNT_HINTS = {
    "ids": "Return every id under its tier's role, and launch with "
           "TagSpecifications=[{'ResourceType': 'instance', 'Tags': [{'Key': 'role', 'Value': role}]}].",
    "tag": "Tag each instance with its tier: TagSpecifications=[{'ResourceType': 'instance', "
           "'Tags': [{'Key': 'role', 'Value': role}]}].",
}
TIER_MARKET = Message(
    "Market of tier {role!r} ({kind})", "{expected} for all {count} instance(s)",
    "{found}", "{hint}")
TIER_MARKET_HINTS = {
    "spot": "A stateless tier loses nothing when an instance is interrupted: run it on Spot, "
            "InstanceMarketOptions={'MarketType': 'spot'} in run_instances.",
    "on-demand": "A database on Spot can be reclaimed with two minutes' notice, mid-transaction, "
                 "and a persistent request or a 'stop' interruption behaviour only brings it back "
                 "when capacity returns. Launch stateful tiers without InstanceMarketOptions "
                 "(On-Demand, covered by a Savings Plan for the discount).",
}


def _tier_instances(session, placed, tiers) -> dict[str, list[dict]]:
    if not isinstance(placed, Mapping):
        raise TIERS_NOT_A_DICT.fail(found=f"{placed!r:.80} (a {type(placed).__name__})")
    ids = {r: list(placed.get(r) or []) for r in (t["role"] for t in tiers)}
    everything = [i for group in ids.values() for i in group if isinstance(i, str) and i.startswith("i-")]
    found = _instances(session.client("ec2"), everything) if everything else {}
    result = {}
    for tier in tiers:
        role, count = tier["role"], tier["count"]
        mine = [found[i] for i in ids[role] if i in found]
        if len(mine) != count or len(ids[role]) != count:
            raise TIER_COUNT.fail(role=role, count=count, found=f"{len(ids[role])} id(s) returned",
                                  hint=TIER_COUNT_HINTS["ids"])
        untagged = [i["InstanceId"] for i in mine
                    if {"Key": "role", "Value": role} not in i.get("Tags", [])]
        if untagged:
            raise TIER_COUNT.fail(role=role, count=count, found=f"{untagged[0]} without the tag",
                                  hint=TIER_COUNT_HINTS["tag"])
        result[role] = mine
    return result


def _tiers_on(session, placed, tiers, *, stateful: bool) -> None:
    wanted = "on-demand" if stateful else "spot"
    for role, instances in _tier_instances(session, placed, tiers).items():
        tier = next(t for t in tiers if t["role"] == role)
        if bool(tier["stateful"]) != stateful:
            continue
        wrong = [i["InstanceId"] for i in instances if lifecycle(i) != wanted]
        if wrong:
            raise TIER_MARKET.fail(role=role, kind="stateful" if stateful else "stateless",
                                   expected=wanted, count=len(instances),
                                   found=f"{len(wrong)} on {'spot' if stateful else 'on-demand'} "
                                         f"({wrong[0]})",
                                   hint=TIER_MARKET_HINTS[wanted])


def stateless_tiers_on_spot(session, placed, tiers) -> None:
    """Every tier has its instances, tagged ``role=<role>``; stateless tiers run on Spot."""
    _tiers_on(session, placed, tiers, stateful=False)


def stateful_tiers_on_demand(session, placed, tiers) -> None:
    """Every tier has its instances, tagged ``role=<role>``; stateful tiers never run on Spot."""
    _tiers_on(session, placed, tiers, stateful=True)
