"""Reference Instance Metadata Service (IMDS): what an instance's metadata endpoint answers.

moto stores an instance's ``MetadataOptions`` but runs no metadata service, so nothing in the
mock answers ``http://169.254.169.254``. This module does, from the instance's options and a
description of one HTTP request. Pure: plain data in, an answer and its reason out.

Model (Amazon EC2 User Guide, "How Instance Metadata Service Version 2 works" and "Responses
and error messages", as of 2026), checked in this order:

1. A ``PUT`` (asking for an IMDSv2 session token) is answered with an IP time-to-live of
   ``HttpPutResponseHopLimit``: a caller more network hops away than that never gets any
   answer (``no response``). A process on the instance is 1 hop away; a container behind a
   bridge network, 2. ``GET`` answers carry no such limit.
2. ``HttpEndpoint`` disabled: ``403`` to everything.
3. ``PUT``: a request carrying an ``X-Forwarded-For`` header (it came through a proxy) is
   refused, ``403``; a missing or out-of-range TTL header (1 to 21,600 seconds) is ``400``;
   otherwise ``200`` and a token.
4. ``GET``: a valid token, ``200``; a token that is expired or not valid, ``401``, whatever
   ``HttpTokens`` says; no token at all, ``401`` when ``HttpTokens`` is ``required`` and ``200``
   (an IMDSv1 request) when it is ``optional``.

:func:`sdk_fetch` plays an AWS SDK's credential lookup on top of it: IMDSv2 first, IMDSv1 when
the token request gets no answer or a 403 (as botocore does), nothing after a 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

MIN_TOKEN_TTL, MAX_TOKEN_TTL = 1, 21_600  # seconds: one second to six hours
MIN_HOP_LIMIT, MAX_HOP_LIMIT = 1, 64
TOKEN_STATES = (None, "valid", "expired")


class Status(Enum):
    """What the caller sees: an HTTP status, or nothing at all."""

    OK = "200"
    BAD_REQUEST = "400"
    UNAUTHORIZED = "401"
    FORBIDDEN = "403"
    NO_RESPONSE = "no response"


@dataclass(frozen=True)
class MetadataOptions:
    """An instance's IMDS settings, named as in ``describe_instances()`` ``MetadataOptions``."""

    http_endpoint: str = "enabled"
    http_tokens: str = "optional"
    hop_limit: int = 1

    @classmethod
    def from_api(cls, options: Mapping) -> MetadataOptions:
        """From the API's dict (``HttpEndpoint``, ``HttpTokens``, ``HttpPutResponseHopLimit``);
        a missing key takes AWS's launch default."""
        return cls(http_endpoint=options.get("HttpEndpoint") or "enabled",
                   http_tokens=options.get("HttpTokens") or "optional",
                   hop_limit=int(options.get("HttpPutResponseHopLimit") or 1))

    def as_api(self) -> dict:
        return {"HttpEndpoint": self.http_endpoint, "HttpTokens": self.http_tokens,
                "HttpPutResponseHopLimit": self.hop_limit}


@dataclass(frozen=True)
class MetadataRequest:
    """One HTTP request to the IMDS. ``hops``: network hops between the caller and the IMDS.
    ``ttl``: the ``X-aws-ec2-metadata-token-ttl-seconds`` header of a ``PUT`` (None: absent).
    ``token``: the ``X-aws-ec2-metadata-token`` header of a ``GET``: None (absent),
    ``"valid"`` or ``"expired"``. ``forwarded_for``: an ``X-Forwarded-For`` header is present."""

    method: str
    hops: int = 1
    ttl: int | None = None
    token: str | None = None
    forwarded_for: bool = False

    @classmethod
    def from_dict(cls, request: Mapping) -> MetadataRequest:
        """From the dict the notebook's exercise uses (same keys as the fields)."""
        return cls(method=str(request["method"]).upper(), hops=int(request.get("hops", 1)),
                   ttl=request.get("ttl"), token=request.get("token"),
                   forwarded_for=bool(request.get("forwarded_for", False)))


@dataclass(frozen=True)
class Response:
    """The answer and the rule that produced it."""

    status: Status
    reason: str

    @property
    def value(self) -> str:
        return self.status.value


def respond(options: MetadataOptions, request: MetadataRequest) -> Response:
    """What the IMDS answers ``request`` on an instance with ``options`` (module docstring)."""
    if request.method not in ("GET", "PUT"):
        raise ValueError(f"method is GET or PUT, not {request.method!r}")
    if request.token not in TOKEN_STATES:
        raise ValueError(f"token is one of {TOKEN_STATES}, not {request.token!r}")
    if request.method == "PUT" and request.hops > options.hop_limit:
        return Response(Status.NO_RESPONSE, f"the token response may travel {options.hop_limit} "
                                            f"hop(s); the caller is {request.hops} away")
    if options.http_endpoint != "enabled":
        return Response(Status.FORBIDDEN, "the metadata endpoint is disabled")
    if request.method == "PUT":
        if request.forwarded_for:
            return Response(Status.FORBIDDEN, "token requests with X-Forwarded-For are refused")
        if request.ttl is None or not MIN_TOKEN_TTL <= request.ttl <= MAX_TOKEN_TTL:
            return Response(Status.BAD_REQUEST, f"the token TTL must be {MIN_TOKEN_TTL} to "
                                                f"{MAX_TOKEN_TTL} seconds, got {request.ttl}")
        return Response(Status.OK, "a session token (IMDSv2)")
    if request.token == "valid":
        return Response(Status.OK, "metadata, with a valid token (IMDSv2)")
    if request.token is not None:
        return Response(Status.UNAUTHORIZED, f"the token is {request.token}")
    if options.http_tokens == "required":
        return Response(Status.UNAUTHORIZED, "IMDSv2 is required and the request has no token")
    return Response(Status.OK, "metadata, without a token (IMDSv1)")


def response_code(options: Mapping, request: Mapping) -> str:
    """:func:`respond` on the API-shaped dicts of the exercise, as its answer string."""
    return respond(MetadataOptions.from_api(options), MetadataRequest.from_dict(request)).value


@dataclass(frozen=True)
class Fetch:
    """How a caller fared fetching role credentials: ``IMDSv2``, ``IMDSv1`` or None (none)."""

    version: str | None
    trail: tuple[str, ...]


def sdk_fetch(options: MetadataOptions, *, hops: int = 1, forwarded_for: bool = False,
              can_put: bool = True, ttl: int = MAX_TOKEN_TTL) -> Fetch:
    """An AWS SDK (or an attacker) reading the role's credentials: a token ``PUT`` first when
    ``can_put`` (a server-side request forgery usually only makes plain ``GET``\\ s), then
    ``GET`` with the token; without a token after a 403 or no answer, a tokenless ``GET``."""
    trail = []
    if can_put:
        put = respond(options, MetadataRequest("PUT", hops, ttl=ttl, forwarded_for=forwarded_for))
        trail.append(f"PUT token: {put.value} ({put.reason})")
        if put.status is Status.OK:
            got = respond(options, MetadataRequest("GET", hops, token="valid",
                                                   forwarded_for=forwarded_for))
            trail.append(f"GET with token: {got.value} ({got.reason})")
            return Fetch("IMDSv2" if got.status is Status.OK else None, tuple(trail))
        if put.status is Status.BAD_REQUEST:
            return Fetch(None, tuple(trail))
    got = respond(options, MetadataRequest("GET", hops, forwarded_for=forwarded_for))
    trail.append(f"GET without token: {got.value} ({got.reason})")
    return Fetch("IMDSv1" if got.status is Status.OK else None, tuple(trail))


@dataclass(frozen=True)
class InstanceView:
    """What an exposure review needs to know of one instance: its state name, its IMDS
    options, and the role its instance profile holds (None: no profile, or an empty one)."""

    instance_id: str
    state: str
    options: MetadataOptions
    role: str | None


def ssrf_exposed(instance: InstanceView) -> bool:
    """Whether a forged ``GET`` from the instance itself (no headers, no ``PUT``) can read role
    credentials: a pending or running instance whose profile holds a role, with the endpoint
    enabled and IMDSv1 allowed."""
    return (instance.state in ("pending", "running") and instance.role is not None
            and sdk_fetch(instance.options, can_put=False).version is not None)


def exposure(instances) -> list[tuple[str, str]]:
    """``(instance id, role name)`` of every exposed instance, sorted."""
    return sorted((i.instance_id, i.role) for i in instances if ssrf_exposed(i))
