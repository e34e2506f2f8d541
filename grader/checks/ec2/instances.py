"""Checks on EC2 instances: the instance profile they use, their instance metadata (IMDS)
settings, how a profile was swapped, and learners' IMDS evaluators and exposure reviews
against ``grader.sim.imds`` (moto stores metadata options but runs no metadata service).

An instance's profile is read from its live association, which moto keeps up to date through
a replace; its ``describe_instances`` entry is not (see ``grader.state.ec2``).
"""

from __future__ import annotations

from itertools import product

from grader.api_calls import actions, recorded
from grader.checks.base import Message
from grader.checks.reference import agrees_with_reference
from grader.sim import imds
from grader.state.ec2 import describe_instance, instance_views, metadata_options, profile_association
from grader.state.iam import instance_profile

from .resources import existing, require_id

# -- which profile an instance uses ---------------------------------------------------------------

NOT_RUNNING = Message(
    "Instance {instance_id} is running", "running (or pending)", "{state}",
    "Launch it with run_instances and return InstanceId from the response's Instances list.")
NO_PROFILE = Message(
    "Instance {instance_id} uses instance profile {profile}", "{profile}", "no instance profile",
    "Launch with IamInstanceProfile={{'Name': ...}} (or 'Arn'), or give a running instance one "
    "with associate_iam_instance_profile. Pass the profile, not the role.")
OTHER_PROFILE = Message(
    "Instance {instance_id} uses instance profile {profile}", "{profile}", "{found}",
    "Swap it in place: replace_iam_instance_profile_association with the association id from "
    "describe_iam_instance_profile_associations (filter instance-id).")
NOT_ASSOCIATION_ID = Message(
    "The value your function returned", "the id of {instance_id}'s profile association, "
    "{association_id} (IamInstanceProfileAssociation.AssociationId in the response)",
    "{value!r}", "Return the AssociationId of the association your function made or kept.")


def _instance(session, instance_id) -> dict:
    require_id(instance_id, "i", "The instance id")
    with existing("i", instance_id):
        return describe_instance(session, instance_id)


def uses_instance_profile(session, instance_id, profile: str) -> None:
    """``instance_id`` is running (or pending) and its live profile association names
    ``profile`` (a name or an ARN)."""
    state = _instance(session, instance_id)["State"]["Name"]
    if state not in ("pending", "running"):
        raise NOT_RUNNING.fail(instance_id=instance_id, state=state)
    wanted = instance_profile(session, profile)["Arn"]
    association = profile_association(session, instance_id)
    if association is None:
        raise NO_PROFILE.fail(instance_id=instance_id, profile=wanted)
    found = association["IamInstanceProfile"]["Arn"]
    if found != wanted:
        raise OTHER_PROFILE.fail(instance_id=instance_id, profile=wanted, found=found)


LAUNCHED_AS = Message(
    "Instance {instance_id}'s {field}", "{expected}", "{found}",
    "Pass the function's arguments to run_instances: ImageId=image_id, SubnetId=subnet_id.")


def launched_as(session, instance_id, *, image_id: str, subnet_id: str) -> None:
    """The instance runs the image ``image_id`` in the subnet ``subnet_id``."""
    instance = _instance(session, instance_id)
    for field, expected in (("ImageId", image_id), ("SubnetId", subnet_id)):
        if instance.get(field) != expected:
            raise LAUNCHED_AS.fail(instance_id=instance_id, field=field, expected=expected,
                                   found=instance.get(field))


def returned_association(session, instance_id, value) -> None:
    """``value`` is the id of the instance's live profile association."""
    association = profile_association(session, instance_id) or {}
    if value != association.get("AssociationId"):
        raise NOT_ASSOCIATION_ID.fail(instance_id=instance_id, value=value,
                                      association_id=association.get("AssociationId", "(none)"))


GAP = Message(
    "{function} swaps {instance_id}'s profile without a moment with no credentials",
    "one ReplaceIamInstanceProfileAssociation call", "{calls}",
    "Disassociating first leaves the instance's applications without credentials until the "
    "new association is in place: replace the association instead.")


def swaps_without_gap(function, session, instance_id: str, *args):
    """Run ``function(session, instance_id, *args)`` and fail if it disassociated the
    instance's profile on the way; returns what the function returned."""
    with recorded() as calls:
        result = function(session, instance_id, *args)
    made = actions(calls, "ec2")
    if "DisassociateIamInstanceProfile" in made:
        profile_calls = [a for a in made if "IamInstanceProfile" in a]
        raise GAP.fail(function=getattr(function, "__name__", "your function"), instance_id=instance_id,
                       calls=", ".join(profile_calls))
    return result


# -- the instance metadata service settings -------------------------------------------------------

IMDS_SETTING = Message(
    "Instance {instance_id}'s metadata option {option}", "{expected}", "{found}", "{hint}")
IMDS_HINTS = {
    "HttpTokens": "Require session tokens: MetadataOptions={{'HttpTokens': 'required', ...}} at "
                  "launch, or modify_instance_metadata_options on a running instance. With IMDSv1 "
                  "allowed, anyone who makes the instance send one GET (an SSRF) reads its role's "
                  "credentials.",
    "HttpEndpoint": "A disabled endpoint takes the role's credentials away from your application "
                    "too: keep it enabled and require tokens instead.",
    "HttpPutResponseHopLimit": "1 keeps tokens on the instance itself; containers behind a "
                               "bridge network are one hop further and need 2 (AWS accepts 1 to 64).",
}


def requires_imdsv2(session, instance_id, hop_limit: int | None = None) -> None:
    """The instance's metadata endpoint is enabled, requires session tokens (IMDSv2), and its
    token hop limit is within 1-64 (and equal to ``hop_limit`` when given)."""
    _instance(session, instance_id)
    options = metadata_options(session, instance_id)
    found = {"HttpEndpoint": options.http_endpoint, "HttpTokens": options.http_tokens,
             "HttpPutResponseHopLimit": options.hop_limit}
    expected = {"HttpEndpoint": "enabled", "HttpTokens": "required",
                "HttpPutResponseHopLimit": hop_limit}
    for option in ("HttpEndpoint", "HttpTokens", "HttpPutResponseHopLimit"):
        wanted = expected[option]
        if option == "HttpPutResponseHopLimit" and wanted is None:
            if imds.MIN_HOP_LIMIT <= found[option] <= imds.MAX_HOP_LIMIT:
                continue
            wanted = f"{imds.MIN_HOP_LIMIT} to {imds.MAX_HOP_LIMIT}"
        elif found[option] == wanted:
            continue
        raise IMDS_SETTING.fail(instance_id=instance_id, option=option, expected=repr(wanted),
                                found=repr(found[option]), hint=IMDS_HINTS[option])


# -- a learner's IMDS evaluator -------------------------------------------------------------------

IMDS_HINT = ("Apply the rules in order: a PUT answer travels at most HttpPutResponseHopLimit hops; "
             "a disabled endpoint answers 403; a PUT through a proxy 403, with a bad TTL 400; a "
             "GET with a bad token 401, without one 401 only when tokens are required.")


def imds_requests(method: str, *, hops=(1,), ttls=(None,), tokens=(None,),
                  forwarded_for=(False,)) -> list[dict]:
    """Every request of ``method`` with the given hops, TTLs, tokens and proxy headers, as the
    dicts ``imds_response`` takes."""
    return [{"method": method, "hops": h, "ttl": ttl, "token": token, "forwarded_for": f}
            for h, ttl, token, f in product(hops, ttls, tokens, forwarded_for)]


def imds_settings(endpoints=("enabled", "disabled"), tokens=("optional", "required"),
                  hop_limits=(1,)) -> list[dict]:
    """Every ``MetadataOptions`` dict of the given endpoint states, token modes and hop limits."""
    return [{"HttpEndpoint": e, "HttpTokens": t, "HttpPutResponseHopLimit": h}
            for e, t, h in product(endpoints, tokens, hop_limits)]


def imds_cases(options_list, request_list) -> list[tuple[dict, dict]]:
    """Every ``(options, request)`` pair: each instance setting against each request."""
    return [(dict(o), dict(r)) for o, r in product(options_list, request_list)]


def _describe_imds(case) -> str:
    options, request = case
    return f"options {options}, request {request}"


def imds_agrees(function, cases) -> None:
    """A learner's ``imds_response(options, request)`` answers like ``grader.sim.imds``."""
    agrees_with_reference(function, imds.response_code, cases, name="imds_response",
                          describe=_describe_imds, hint=IMDS_HINT)


# -- a learner's exposure review --------------------------------------------------------------------

EXPOSURE_NOT_A_TABLE = Message(
    "The value your function returned", "a pandas DataFrame with columns 'instance_id' and 'role'",
    "{found}", "Build one dict per exposed instance and return pd.DataFrame(rows, "
               "columns=['instance_id', 'role']).")
EXPOSURE_RAISED = Message(
    "Your review of a seeded fleet", "a DataFrame of exposed instances", "raised {error}",
    "Not every instance has MetadataOptions fields, a profile, or a role in its profile: use .get.")
EXPOSURE_MISSED = Message(
    "Exposed instances found by your review ({found_count} of {total})",
    "{instance_id} (role {role})", "not in your table",
    "It is {state}, allows IMDSv1 (HttpTokens {tokens!r}) with its endpoint enabled, and its "
    "profile holds {role}. {hint}")
EXPOSURE_MISSED_HINTS = {
    "role": "Your table names it with role {reported!r}: report the name of the role inside the "
            "profile (iam.get_instance_profile(...)['InstanceProfile']['Roles']), not the profile's.",
    "other": "Look at every instance of every reservation.",
}
EXPOSURE_EXTRA = Message(
    "Rows of your review", "only instances whose role credentials a forged GET can read",
    "{instance_id} (role {role!r})", "{hint}")
EXPOSURE_EXTRA_HINTS = {
    "state": "It is {state}: only a pending or running instance serves metadata.",
    "role": "Its instance has no profile, or a profile holding no role: there are no credentials.",
    "endpoint": "Its metadata endpoint is disabled: nothing answers.",
    "tokens": "It requires IMDSv2: a GET without a token gets 401.",
    "other": "Compare the role you report with the role in the instance's profile.",
}


def exposure_agrees(review, session) -> None:
    """A learner's ``review(session)`` lists exactly the ``(instance_id, role)`` pairs that
    ``grader.sim.imds.exposure`` finds in the account."""
    try:
        table = review(session)
    except Exception as error:  # noqa: BLE001 -- the learner's error is the answer shown
        raise EXPOSURE_RAISED.fail(error=f"{type(error).__name__}: {error}") from None
    columns = getattr(table, "columns", None)
    if columns is None or not {"instance_id", "role"} <= set(columns):
        found = (f"a DataFrame with columns {list(columns)}" if columns is not None
                 else f"{table!r:.80} (a {type(table).__name__})")
        raise EXPOSURE_NOT_A_TABLE.fail(found=found)
    got = set(zip(table["instance_id"], table["role"], strict=True))
    views = {v.instance_id: v for v in instance_views(session)}
    expected = set(imds.exposure(views.values()))
    for instance_id, role in sorted(expected - got):
        view = views[instance_id]
        reported = [r for i, r in got if i == instance_id]
        hint = EXPOSURE_MISSED_HINTS["role" if reported else "other"]
        raise EXPOSURE_MISSED.fail(found_count=len(got & expected), total=len(expected),
                                   instance_id=instance_id, role=role, state=view.state,
                                   tokens=view.options.http_tokens,
                                   hint=hint.format(reported=reported[0] if reported else None))
    for instance_id, role in sorted(got - expected, key=str):
        view = views.get(instance_id)
        kind = ("other" if view is None
                else "state" if view.state not in ("pending", "running")
                else "role" if view.role is None
                else "endpoint" if view.options.http_endpoint != "enabled"
                else "tokens" if view.options.http_tokens == "required" else "other")
        raise EXPOSURE_EXTRA.fail(instance_id=instance_id, role=role,
                                  hint=EXPOSURE_EXTRA_HINTS[kind].format(state=getattr(view, "state", "")))
