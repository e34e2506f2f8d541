"""Checks on EC2 instances (grader/checks/ec2/instances.py): instance profiles, IMDS settings,
swaps without a gap, and learners' IMDS evaluators and exposure reviews against grader.sim.imds.
They pass on correct answers and fail with messages naming the learner's real instances."""

from __future__ import annotations

import pandas as pd
import pytest

from grader.checks import ec2 as checks
from grader.scenarios.ec2 import (
    IMDSV1_ALLOWED,
    IMDSV2_ONLY,
    course_image,
    default_subnet,
    imds_fleet,
    launch,
    profile_swap,
    set_metadata_options,
)
from grader.scenarios.iam import instance_role, objects_policy
from grader.sim import imds
from grader.sim.imds import exposure
from grader.state.ec2 import instance_views, profile_association

from .failures import failure


@pytest.fixture
def web(session):
    return instance_role(session, "web", objects_policy("acme-site", "static/"))


def _replace(session, instance_id, profile_name):
    association = profile_association(session, instance_id)
    return session.client("ec2").replace_iam_instance_profile_association(
        AssociationId=association["AssociationId"], IamInstanceProfile={"Name": profile_name})


# -- uses_instance_profile, returned_association, launched_as -------------------------------------

def test_uses_instance_profile_by_name_or_arn(session, web):
    instance_id = launch(session, "web-1", profile=web["profile_name"])
    checks.uses_instance_profile(session, instance_id, web["profile_name"])
    checks.uses_instance_profile(session, instance_id, web["profile_arn"])


def test_uses_instance_profile_follows_a_replace(session, web):
    """moto's describe_instances keeps the old profile after a replace; the association is right."""
    swap = profile_swap(session, "reports")
    first = swap["instances"][0]
    _replace(session, first, swap["new"]["profile_name"])
    checks.uses_instance_profile(session, first, swap["new"]["profile_name"])
    message = failure(checks.uses_instance_profile, session, first, swap["old"]["profile_name"])
    assert message["found"] == swap["new"]["profile_arn"]
    assert message["next"].startswith("Swap it in place: replace_iam_instance_profile_association")


def test_an_instance_without_a_profile(session, web):
    instance_id = launch(session, "web-1")
    message = failure(checks.uses_instance_profile, session, instance_id, web["profile_name"])
    assert message["what"] == f"Instance {instance_id} uses instance profile {web['profile_arn']}"
    assert message["found"] == "no instance profile"
    assert message["next"].endswith("Pass the profile, not the role.")


def test_a_stopped_instance_is_not_running(session, web):
    instance_id = launch(session, "web-1", profile=web["profile_name"])
    session.client("ec2").stop_instances(InstanceIds=[instance_id])
    message = failure(checks.uses_instance_profile, session, instance_id, web["profile_name"])
    assert message["found"] == "stopped"


@pytest.mark.parametrize("value, found", [
    (None, "None (a NoneType)"),
    ({"InstanceId": "i-1"}, "{'InstanceId': 'i-1'} (a dict)"),
])
def test_an_instance_id_must_be_an_id(session, web, value, found):
    message = failure(checks.uses_instance_profile, session, value, web["profile_name"])
    assert message["what"] == "The instance id" and message["found"] == found
    assert message["next"] == ("Return the id from the create call's response, e.g. "
                               "response[\"Instances\"][0][\"InstanceId\"].")


def test_a_made_up_instance_does_not_exist(session, web):
    message = failure(checks.uses_instance_profile, session, "i-0123456789abcdef0", web["profile_name"])
    assert message["found"].startswith("i-0123456789abcdef0 does not exist (InvalidInstanceID.")


def test_returned_association(session, web):
    instance_id = launch(session, "web-1", profile=web["profile_name"])
    association_id = profile_association(session, instance_id)["AssociationId"]
    checks.returned_association(session, instance_id, association_id)
    message = failure(checks.returned_association, session, instance_id, instance_id)
    assert message["found"] == repr(instance_id)
    assert message["expected"].startswith(f"the id of {instance_id}'s profile association, iip-assoc-")


def test_launched_as(session):
    instance_id = launch(session, "web-1")
    image = course_image(session)
    checks.launched_as(session, instance_id, image_id=image, subnet_id=default_subnet(session))
    other = default_subnet(session, "us-east-1c")
    message = failure(checks.launched_as, session, instance_id, image_id=image, subnet_id=other)
    assert message["what"] == f"Instance {instance_id}'s SubnetId"
    assert message["expected"] == other and message["found"] == default_subnet(session)


# -- swaps_without_gap ------------------------------------------------------------------------------

def test_a_replace_has_no_gap_and_returns_the_functions_answer(session):
    swap = profile_swap(session, "reports")
    response = checks.swaps_without_gap(_replace, session, swap["instances"][0], swap["new"]["profile_name"])
    association = response["IamInstanceProfileAssociation"]
    assert association["IamInstanceProfile"]["Arn"] == swap["new"]["profile_arn"]


def test_disassociating_first_is_a_gap(session):
    swap = profile_swap(session, "reports")

    def detach_then_attach(session, instance_id, profile_name):
        ec2 = session.client("ec2")
        association_id = profile_association(session, instance_id)["AssociationId"]
        ec2.disassociate_iam_instance_profile(AssociationId=association_id)
        ec2.associate_iam_instance_profile(InstanceId=instance_id, IamInstanceProfile={"Name": profile_name})

    first = swap["instances"][0]
    new = swap["new"]["profile_name"]
    message = failure(checks.swaps_without_gap, detach_then_attach, session, first, new)
    assert message["what"] == (f"detach_then_attach swaps {first}'s profile without a moment with no "
                               "credentials")
    assert message["found"] == ("DescribeIamInstanceProfileAssociations, DisassociateIamInstanceProfile, "
                                "AssociateIamInstanceProfile")
    assert message["next"].startswith("Disassociating first leaves the instance's applications without")


# -- requires_imdsv2 -----------------------------------------------------------------------------

def test_requires_imdsv2_passes_with_any_valid_hop_limit_unless_one_is_asked(session):
    instance_id = launch(session, "web-1", options={**IMDSV2_ONLY, "HttpPutResponseHopLimit": 2})
    checks.requires_imdsv2(session, instance_id)
    checks.requires_imdsv2(session, instance_id, hop_limit=2)
    message = failure(checks.requires_imdsv2, session, instance_id, hop_limit=1)
    assert (message["what"], message["expected"], message["found"]) == (
        f"Instance {instance_id}'s metadata option HttpPutResponseHopLimit", "1", "2")
    assert message["next"].startswith("1 keeps tokens on the instance itself; containers")


def test_imdsv1_allowed_is_named_with_the_ssrf_risk(session):
    instance_id = launch(session, "web-1", options=IMDSV1_ALLOWED)
    message = failure(checks.requires_imdsv2, session, instance_id)
    assert (message["expected"], message["found"]) == ("'required'", "'optional'")
    assert "anyone who makes the instance send one GET (an SSRF) reads its role's credentials" in \
        message["next"]


def test_a_disabled_endpoint_is_not_a_fix(session):
    instance_id = launch(session, "web-1")
    set_metadata_options(session, instance_id, {**IMDSV2_ONLY, "HttpEndpoint": "disabled"})
    message = failure(checks.requires_imdsv2, session, instance_id)
    assert message["what"].endswith("metadata option HttpEndpoint") and message["found"] == "'disabled'"


def test_a_hop_limit_aws_would_refuse(session):
    """moto accepts a hop limit of 99; AWS allows 1 to 64."""
    instance_id = launch(session, "web-1", options={**IMDSV2_ONLY, "HttpPutResponseHopLimit": 99})
    message = failure(checks.requires_imdsv2, session, instance_id)
    assert (message["expected"], message["found"]) == ("'1 to 64'", "99")


def test_a_partial_modify_is_read_as_aws_would_keep_it(session):
    """moto drops HttpEndpoint when a modify call leaves it out; AWS keeps it enabled."""
    instance_id = launch(session, "web-1")
    session.client("ec2").modify_instance_metadata_options(InstanceId=instance_id, HttpTokens="required")
    checks.requires_imdsv2(session, instance_id, hop_limit=1)


# -- imds_agrees, imds_requests, imds_settings -------------------------------------------------------

def test_imds_cases_build_every_combination():
    settings = checks.imds_settings(hop_limits=(1, 2))
    requests = checks.imds_requests("PUT", hops=(1, 2), ttls=(None, 60))
    assert len(settings) == 8 and len(requests) == 4
    assert requests[0] == {"method": "PUT", "hops": 1, "ttl": None, "token": None, "forwarded_for": False}
    assert len(checks.imds_cases(settings, requests)) == 32


def test_imds_agrees_with_the_reference_itself():
    cases = checks.imds_cases(checks.imds_settings(hop_limits=(1, 2)),
                              checks.imds_requests("GET", tokens=(None, "valid", "expired"))
                              + checks.imds_requests("PUT", hops=(1, 3), ttls=(None, 1, 21601),
                                                     forwarded_for=(False, True)))
    checks.imds_agrees(imds.response_code, cases)


def test_an_evaluator_that_ignores_the_hop_limit_is_shown_the_first_miss():
    def no_hops(options, request):
        return imds.response_code({**options, "HttpPutResponseHopLimit": 64}, request)

    cases = checks.imds_cases(checks.imds_settings(endpoints=("enabled",), tokens=("required",)),
                              checks.imds_requests("PUT", hops=(1, 2), ttls=(60,)))
    message = failure(checks.imds_agrees, no_hops, cases)
    assert message["what"] == (
        "imds_response agrees with the course's reference on 1 of 2 cases; first miss: options "
        "{'HttpEndpoint': 'enabled', 'HttpTokens': 'required', 'HttpPutResponseHopLimit': 1}, request "
        "{'method': 'PUT', 'hops': 2, 'ttl': 60, 'token': None, 'forwarded_for': False}")
    assert (message["expected"], message["found"]) == ("'no response'", "'200'")
    assert message["next"].startswith("Apply the rules in order: a PUT answer travels at most")


# -- exposure_agrees -----------------------------------------------------------------------------------

def reference_review(session):
    rows = [{"instance_id": i, "role": r} for i, r in exposure(instance_views(session))]
    return pd.DataFrame(rows, columns=["instance_id", "role"])


def test_exposure_agrees_with_the_reference(session):
    imds_fleet(session, "acme", tricky=True)
    checks.exposure_agrees(reference_review, session)


def test_a_missed_instance_is_named_with_why_it_is_exposed(session):
    fleet = imds_fleet(session, "acme")
    message = failure(checks.exposure_agrees, lambda s: reference_review(s).iloc[1:], session)
    missed = reference_review(session).iloc[0]
    assert message["what"] == "Exposed instances found by your review (1 of 2)"
    assert message["expected"] == f"{missed['instance_id']} (role {missed['role']})"
    assert message["next"].startswith("It is running, allows IMDSv1 (HttpTokens 'optional') with its "
                                      "endpoint enabled, and its profile holds")
    assert missed["instance_id"] in fleet.values()


def test_reporting_the_profile_name_is_named(session):
    imds_fleet(session, "acme")

    def profile_names(session):
        table = reference_review(session)
        return table.assign(role=table["role"] + "-profile")

    message = failure(checks.exposure_agrees, profile_names, session)
    assert "Your table names it with role 'acme-" in message["next"]
    assert message["next"].endswith("not the profile's.")


@pytest.mark.parametrize("name, hint", [
    ("acme-old-1", "It is stopped: only a pending or running instance serves metadata."),
    ("acme-empty-1", "Its instance has no profile, or a profile holding no role: there are no credentials."),
    ("acme-off-1", "Its metadata endpoint is disabled: nothing answers."),
    ("acme-fixed-1", "It requires IMDSv2: a GET without a token gets 401."),
])
def test_an_extra_instance_says_why_it_is_safe(session, name, hint):
    fleet = imds_fleet(session, "acme", tricky=True)

    def too_many(session):
        extra = pd.DataFrame([{"instance_id": fleet[name], "role": "acme-web"}])
        return pd.concat([reference_review(session), extra], ignore_index=True)

    message = failure(checks.exposure_agrees, too_many, session)
    assert message["found"] == f"{fleet[name]} (role 'acme-web')"
    assert message["next"] == hint


@pytest.mark.parametrize("review, found", [
    (lambda s: None, "None (a NoneType)"),
    (lambda s: pd.DataFrame({"instance": []}), "a DataFrame with columns ['instance']"),
])
def test_a_review_must_return_a_table(session, review, found):
    assert failure(checks.exposure_agrees, review, session)["found"] == found


def test_a_review_that_raises_is_reported(session):
    imds_fleet(session, "acme")

    def crashes(session):
        return {}["MetadataOptions"]

    message = failure(checks.exposure_agrees, crashes, session)
    assert message["found"] == "raised KeyError: 'MetadataOptions'"
