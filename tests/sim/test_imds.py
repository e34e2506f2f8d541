"""Tests for grader/sim/imds.py: the reference Instance Metadata Service.

Cases follow the Amazon EC2 User Guide ("How Instance Metadata Service Version 2 works",
"Responses and error messages", as of 2026): token TTL 1-21,600 s, PUT answers limited by the
hop limit, X-Forwarded-For refused on PUT, 401 for missing (required) or bad tokens.
"""

import pytest

from grader.sim.imds import (
    InstanceView,
    MetadataOptions,
    MetadataRequest,
    Status,
    exposure,
    respond,
    response_code,
    sdk_fetch,
    ssrf_exposed,
)

V1_OK = MetadataOptions()                                     # AWS's old launch default
V2 = MetadataOptions(http_tokens="required")
V2_CONTAINERS = MetadataOptions(http_tokens="required", hop_limit=2)
OFF = MetadataOptions(http_endpoint="disabled")


@pytest.mark.parametrize(("options", "request_", "status"), [
    pytest.param(V1_OK, MetadataRequest("GET"), Status.OK, id="imdsv1-get-allowed-when-optional"),
    pytest.param(V2, MetadataRequest("GET"), Status.UNAUTHORIZED, id="imdsv1-get-refused-when-required"),
    pytest.param(V2, MetadataRequest("GET", token="valid"), Status.OK, id="valid-token"),
    pytest.param(V2, MetadataRequest("GET", token="expired"), Status.UNAUTHORIZED, id="expired-token"),
    pytest.param(V1_OK, MetadataRequest("GET", token="expired"), Status.UNAUTHORIZED,
                 id="bad-token-refused-even-when-optional"),
    pytest.param(V2, MetadataRequest("PUT", ttl=21600), Status.OK, id="token-six-hours"),
    pytest.param(V2, MetadataRequest("PUT", ttl=1), Status.OK, id="token-one-second"),
    pytest.param(V2, MetadataRequest("PUT", ttl=21601), Status.BAD_REQUEST, id="ttl-too-long"),
    pytest.param(V2, MetadataRequest("PUT", ttl=0), Status.BAD_REQUEST, id="ttl-zero"),
    pytest.param(V2, MetadataRequest("PUT"), Status.BAD_REQUEST, id="ttl-header-missing"),
    pytest.param(V2, MetadataRequest("PUT", ttl=60, forwarded_for=True), Status.FORBIDDEN,
                 id="put-through-a-proxy"),
    pytest.param(V1_OK, MetadataRequest("GET", forwarded_for=True), Status.OK,
                 id="get-through-a-proxy-is-not-refused"),
    pytest.param(V2, MetadataRequest("PUT", hops=2, ttl=60), Status.NO_RESPONSE,
                 id="container-beyond-hop-limit-1"),
    pytest.param(V2_CONTAINERS, MetadataRequest("PUT", hops=2, ttl=60), Status.OK,
                 id="container-within-hop-limit-2"),
    pytest.param(V2, MetadataRequest("GET", hops=5, token="valid"), Status.OK,
                 id="get-answers-carry-no-hop-limit"),
    pytest.param(OFF, MetadataRequest("GET"), Status.FORBIDDEN, id="endpoint-disabled-get"),
    pytest.param(OFF, MetadataRequest("PUT", ttl=60), Status.FORBIDDEN, id="endpoint-disabled-put"),
    pytest.param(OFF, MetadataRequest("PUT", hops=2, ttl=60), Status.NO_RESPONSE,
                 id="hop-limit-checked-before-the-endpoint"),
    pytest.param(V2, MetadataRequest("PUT", hops=2, ttl=0, forwarded_for=True), Status.NO_RESPONSE,
                 id="no-answer-at-all-beyond-the-hop-limit"),
])
def test_respond(options, request_, status):
    assert respond(options, request_).status is status


def test_response_code_reads_api_shaped_dicts():
    options = {"HttpEndpoint": "enabled", "HttpTokens": "required", "HttpPutResponseHopLimit": 2}
    assert response_code(options, {"method": "put", "hops": 2, "ttl": 300, "token": None,
                                   "forwarded_for": False}) == "200"
    assert response_code({}, {"method": "GET"}) == "200"  # missing keys: AWS's launch defaults


def test_options_round_trip_and_defaults():
    assert MetadataOptions.from_api(V2_CONTAINERS.as_api()) == V2_CONTAINERS
    assert MetadataOptions.from_api({"HttpTokens": None}) == MetadataOptions()


@pytest.mark.parametrize("bad", [MetadataRequest("POST"), MetadataRequest("GET", token="forged")])
def test_respond_refuses_requests_outside_the_model(bad):
    with pytest.raises(ValueError):
        respond(V2, bad)


@pytest.mark.parametrize(("options", "kwargs", "version"), [
    pytest.param(V2, {}, "IMDSv2", id="sdk-on-the-instance"),
    pytest.param(V1_OK, {"hops": 2}, "IMDSv1", id="container-falls-back-to-imdsv1"),
    pytest.param(V2, {"hops": 2}, None, id="container-stuck-without-imdsv1"),
    pytest.param(V2_CONTAINERS, {"hops": 2}, "IMDSv2", id="container-with-hop-limit-2"),
    pytest.param(V1_OK, {"can_put": False}, "IMDSv1", id="ssrf-steals-with-imdsv1"),
    pytest.param(V2, {"can_put": False}, None, id="ssrf-stopped-by-imdsv2"),
    pytest.param(V1_OK, {"forwarded_for": True}, "IMDSv1", id="open-proxy-steals-with-imdsv1"),
    pytest.param(V2_CONTAINERS, {"forwarded_for": True}, None, id="open-proxy-stopped-by-imdsv2"),
    pytest.param(V2, {"ttl": 0}, None, id="bad-ttl-no-fallback"),
    pytest.param(OFF, {}, None, id="endpoint-off"),
])
def test_sdk_fetch(options, kwargs, version):
    fetched = sdk_fetch(options, **kwargs)
    assert fetched.version == version
    assert fetched.trail


def test_exposure_needs_a_running_instance_a_role_and_imdsv1():
    fleet = [InstanceView("i-1", "running", V1_OK, "app"), InstanceView("i-2", "running", V2, "app"),
             InstanceView("i-3", "running", V1_OK, None), InstanceView("i-4", "stopped", V1_OK, "app"),
             InstanceView("i-5", "pending", V1_OK, "web"), InstanceView("i-6", "running", OFF, "app")]
    assert exposure(fleet) == [("i-1", "app"), ("i-5", "web")]
    assert not ssrf_exposed(InstanceView("i-7", "terminated", V1_OK, "app"))
