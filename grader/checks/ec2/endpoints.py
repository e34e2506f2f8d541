"""Checks on S3 gateway endpoints and on who can reach a bucket through or around them.

The endpoint and its routes are read from EC2; access is decided by ``s3_access.decide`` from
the endpoint's and the bucket's policies (moto applies neither). A probe is
``(action, target, allowed)`` with target ``"bucket"`` or ``"bucket/key"``.
"""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

from grader.checks.base import Message
from grader.errors import CheckFailed

from .resources import existing, require_id
from .s3_access import APP_ROLE, Decision, S3Request, UnsupportedPolicy, decide

NOT_GATEWAY = Message(
    "Endpoint {endpoint_id} is a gateway endpoint for S3 in {vpc_id}", "{expected}", "{found}",
    "{hint}")
NOT_GATEWAY_HINTS = {
    "type": "Create it with VpcEndpointType='Gateway': gateway endpoints for S3 cost nothing and "
            "work through route tables; interface endpoints are billed per hour in every AZ.",
    "service": "Use ServiceName=f'com.amazonaws.{{session.region_name}}.s3', the S3 service of "
               "the VPC's own Region.",
    "vpc": "Pass the vpc_id your function received as VpcId.",
}
NO_S3_ROUTE = Message(
    "Route table {table} sends S3 traffic to {endpoint_id}",
    "a route for prefix list {prefix_list} ({service}) with target {endpoint_id}", "{found}",
    "Give the endpoint every route table in RouteTableIds; AWS then adds the prefix-list route "
    "to each.")
ACCESS = Message("{who} {action} on {resource} {where}", "{expected}", "{found}", "{hint}")
ACCESS_HINTS = {
    "endpoint-allows": "{deciding} allows it: name only your bucket in the endpoint policy's "
                       "Resource, as arn:aws:s3:::NAME and arn:aws:s3:::NAME/* (a * straight "
                       "after the name also matches other buckets).",
    "bucket-allows": "Nothing denies it, and the role's own IAM policy allows it: an Allow in a "
                     "bucket policy adds access, it never takes any away. Add a Deny for every "
                     "principal on the bucket and its objects, with a condition that holds when "
                     "aws:SourceVpce is not your endpoint.",
    "endpoint-denies": "Allow {action} in the endpoint policy (Principal \"*\") on "
                       "arn:aws:s3:::{bucket} for bucket actions and arn:aws:s3:::{bucket}/* "
                       "for objects.",
    "bucket-denies": "Read the Deny's conditions against this request ({who}, {where}): a Deny "
                     "applies only when every one of its conditions holds, so an exception is "
                     "one more condition in the same statement.",
}
UNREADABLE = Message(
    "Reading the {kind} of {name}", "a policy this course's checks can evaluate", "{error}",
    "Keep to Principal \"*\", Action, Resource and conditions on aws:SourceVpce or "
    "aws:PrincipalArn with StringEquals/StringNotEquals or ArnEquals/ArnNotEquals.")
BUCKET_ACTIONS = ("s3:ListBucket", "s3:GetBucketPolicy", "s3:PutBucketPolicy",
                  "s3:DeleteBucketPolicy", "s3:GetBucketLocation")


def s3_prefix_list(ec2, region: str) -> str:
    service = f"com.amazonaws.{region}.s3"
    lists = ec2.describe_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": [service]}])
    return lists["PrefixLists"][0]["PrefixListId"]


def describe_endpoint(ec2, endpoint_id) -> dict:
    require_id(endpoint_id, "vpce", "The VPC endpoint id")
    with existing("vpce", endpoint_id):
        return ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]


def s3_gateway_endpoint(session, endpoint_id, vpc_id: str, route_table_ids) -> None:
    """A gateway endpoint for the Region's S3 in ``vpc_id``, routed from every table given."""
    ec2, region = session.client("ec2"), session.region_name
    endpoint = describe_endpoint(ec2, endpoint_id)
    service = f"com.amazonaws.{region}.s3"
    kind = endpoint.get("VpcEndpointType", "Gateway")  # moto omits it when the caller did
    problems = (("type", kind == "Gateway", "VpcEndpointType Gateway", f"an {kind} endpoint"),
                ("service", endpoint["ServiceName"] == service, service, endpoint["ServiceName"]),
                ("vpc", endpoint["VpcId"] == vpc_id, f"VpcId {vpc_id}",
                 f"an endpoint in {endpoint['VpcId']}"))
    for problem, ok, expected, found in problems:
        if not ok:
            raise NOT_GATEWAY.fail(endpoint_id=endpoint_id, vpc_id=vpc_id, expected=expected,
                                   found=found, hint=NOT_GATEWAY_HINTS[problem])
    prefix_list = s3_prefix_list(ec2, region)
    for table_id in route_table_ids:
        table = ec2.describe_route_tables(RouteTableIds=[table_id])["RouteTables"][0]
        routes = [r for r in table["Routes"] if r.get("DestinationPrefixListId") == prefix_list]
        if not any(r.get("GatewayId") == endpoint_id for r in routes):
            found = (f"its {prefix_list} route goes to {routes[0].get('GatewayId')}" if routes
                     else "no route for the S3 prefix list")
            raise NO_S3_ROUTE.fail(table=table_id, endpoint_id=endpoint_id,
                                   prefix_list=prefix_list, service=service, found=found)


def s3_request(action: str, target: str, via, *, principal: str = APP_ROLE,
               vpc: str | None = None) -> S3Request:
    bucket, _, key = target.partition("/")
    return S3Request(action, bucket, key if "/" in target else None, principal, via, vpc)


def s3_verdict(session, via, action: str, target: str, *, principal: str = APP_ROLE):
    """The ``s3_access.Verdict`` for one request, read from this account's state."""
    ec2, s3 = session.client("ec2"), session.client("s3")
    endpoint_policy, vpc = None, None
    if via:
        try:
            endpoint = ec2.describe_vpc_endpoints(VpcEndpointIds=[via])["VpcEndpoints"][0]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "InvalidVpcEndpointId.NotFound":
                raise
        else:  # an endpoint of this account; one it does not have keeps the default policy
            endpoint_policy = _json(endpoint.get("PolicyDocument"), "endpoint policy", via)
            vpc = endpoint["VpcId"]
    request = s3_request(action, target, via, principal=principal, vpc=vpc)
    bucket_policy, in_account = _bucket_policy(s3, request.bucket)
    try:
        return decide(request, endpoint_policy=endpoint_policy, bucket_policy=bucket_policy,
                      bucket_in_account=in_account)
    except UnsupportedPolicy as error:
        kind, name = ("policies", f"{via} and {request.bucket}") if via else \
            ("bucket policy", request.bucket)
        raise UNREADABLE.fail(kind=kind, name=name, error=error) from None


def s3_access(session, via, probes, *, principal: str = APP_ROLE) -> None:
    """Each probe ``(action, target, allowed)`` is decided as expected for requests by
    ``principal`` that come through endpoint ``via`` (None: from outside any endpoint)."""
    for action, target, allowed in probes:
        verdict = s3_verdict(session, via, action, target, principal=principal)
        if verdict.allowed == allowed:
            continue
        request = s3_request(action, target, via, principal=principal)
        where = f"through endpoint {via}" if via else "from outside any VPC endpoint"
        who = f"Role {principal.rsplit('/', 1)[-1]}"
        if allowed:
            key = ("endpoint-denies" if verdict.decision is Decision.DENIED_BY_ENDPOINT
                   else "bucket-denies")
        else:  # with no bucket policy to blame, only the endpoint policy could have stopped it
            has_policy = _bucket_policy(session.client("s3"), request.bucket)[0] is not None
            key = "endpoint-allows" if via and not has_policy else "bucket-allows"
        hint = ACCESS_HINTS[key].format(deciding=_deciding(verdict.reason), action=action,
                                        where=where, who=who.lower(), bucket=request.bucket)
        raise ACCESS.fail(who=who, action=action, resource=request.resource, where=where,
                          expected="allowed" if allowed else "denied",
                          found=f"{verdict.decision.value}: {verdict.reason}", hint=hint)


def s3_access_table(session, via, requests, *, principal: str = APP_ROLE) -> list[dict]:
    """One row per ``(action, target)``: the decision and its reason, for a DataFrame."""
    rows = []
    for action, target in requests:
        verdict = s3_verdict(session, via, action, target, principal=principal)
        rows.append({"request": f"{action} {target}", "through": via or "outside",
                     "decision": verdict.decision.value, "reason": verdict.reason})
    return rows


def _deciding(reason: str) -> str:
    """The statement named at the start of a reason, or the endpoint policy as a whole."""
    first = reason.split(" of ", 1)[0]
    return first[0].upper() + first[1:] if reason.startswith("statement") else \
        "The endpoint policy"


def _bucket_policy(s3, bucket: str) -> tuple[dict | None, bool]:
    """(its policy or None, whether the bucket is in this account)."""
    try:
        text = s3.get_bucket_policy(Bucket=bucket)["Policy"]
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code")
        if code == "NoSuchBucketPolicy":
            return None, True
        if code == "NoSuchBucket":
            return None, False
        raise
    return _json(text, "bucket policy", bucket), True


def _json(text, kind: str, name: str) -> dict | None:
    if text is None:
        return None
    try:
        return json.loads(text) if isinstance(text, str) else text
    except json.JSONDecodeError as error:
        raise CheckFailed(f"Reading the {kind} of {name}", expected="a JSON policy document",
                          found=f"not JSON ({error})", hint="Build the policy as a dict and "
                          "pass json.dumps(policy).") from None
