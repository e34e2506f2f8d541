"""Read AWS WAF configuration from a boto3 session into the plain data ``grader.sim.waf`` takes.

A web ACL is kept in the shape ``get_web_acl`` returns (its ``WebACL``), with the one change
that byte strings (a ``ByteMatchStatement``'s ``SearchString``, which boto3 returns as
``bytes``) become ``str``; IP sets become ``{ip_set_arn: [cidr, ...]}``.
"""

from __future__ import annotations

#: The scope word in a WAF ARN (``.../regional/webacl/...``) -> the API's ``Scope``.
SCOPES = {"regional": "REGIONAL", "global": "CLOUDFRONT"}


def parse_arn(arn: str) -> dict:
    """``{"Scope", "Name", "Id"}`` of a WAF resource ARN, the arguments its ``get_*`` call takes.

    ``arn:aws:wafv2:us-east-1:123456789012:regional/webacl/web/1a2b...`` names a regional web ACL
    ``web``; CloudFront ones say ``global``. Raises ValueError for anything else.
    """
    parts = arn.split(":", 5) if isinstance(arn, str) else []
    if len(parts) != 6 or parts[2] != "wafv2":
        raise ValueError(f"not an AWS WAF ARN: {arn!r}")
    path = parts[5].split("/")
    if len(path) != 4 or path[0] not in SCOPES:
        raise ValueError(f"not an AWS WAF ARN: {arn!r}")
    return {"Scope": SCOPES[path[0]], "Name": path[2], "Id": path[3]}


def plain(value):
    """``value`` with every ``bytes`` decoded to ``str`` (in dicts and lists, recursively)."""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def get_web_acl(session, arn: str) -> dict:
    """The web ACL ``arn`` (``get_web_acl``'s ``WebACL``, byte strings decoded). Raises
    ValueError for a malformed ARN and botocore's ``ClientError`` (``WAFNonexistentItemException``)
    for one that does not exist."""
    return plain(session.client("wafv2").get_web_acl(**parse_arn(arn))["WebACL"])


def web_acl_for_resource(session, resource_arn: str) -> dict | None:
    """The web ACL associated with a protected resource (an ALB, ...), or None."""
    found = session.client("wafv2").get_web_acl_for_resource(ResourceArn=resource_arn)
    return plain(found["WebACL"]) if found.get("WebACL") else None


def ip_sets(session, scope: str = "REGIONAL") -> dict[str, list[str]]:
    """Every IP set of ``scope`` in the region, as ``{arn: addresses}``."""
    waf = session.client("wafv2")
    found, marker = {}, {}
    while True:
        page = waf.list_ip_sets(Scope=scope, **marker)
        for summary in page.get("IPSets", []):
            ip_set = waf.get_ip_set(Scope=scope, Name=summary["Name"], Id=summary["Id"])["IPSet"]
            found[ip_set["ARN"]] = list(ip_set["Addresses"])
        if not page.get("NextMarker") or not page.get("IPSets"):
            return found
        marker = {"NextMarker": page["NextMarker"]}


def referenced_ip_sets(web_acl: dict) -> list[str]:
    """The ARNs of the IP sets a web ACL's rules reference, nested statements included."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "IPSetReferenceStatement" in node:
                found.append(node["IPSetReferenceStatement"]["ARN"])
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(web_acl.get("Rules", []))
    return list(dict.fromkeys(found))


def _details(kind: str, body: dict) -> str:
    if kind == "IPSetReferenceStatement":
        return f"IP set {body['ARN'].split('/')[-2]}"
    if kind == "GeoMatchStatement":
        return ", ".join(body["CountryCodes"])
    if kind == "ByteMatchStatement":
        field = next(iter(body["FieldToMatch"]))
        steps = "+".join(t["Type"] for t in sorted(body.get("TextTransformations", []),
                                                    key=lambda t: t["Priority"]))
        return f"{field} ({steps}) {body['PositionalConstraint']} {plain(body['SearchString'])!r}"
    if kind == "RateBasedStatement":
        scope = " (scoped down)" if "ScopeDownStatement" in body else ""
        return (f"over {body['Limit']} per {body.get('EvaluationWindowSec', 300)} s per "
                f"{body.get('AggregateKeyType', 'IP')}{scope}")
    if kind == "ManagedRuleGroupStatement":
        overrides = [f"{o['Name']} -> {next(iter(o['ActionToUse']))}"
                     for o in body.get("RuleActionOverrides", [])]
        overrides += [f"{r['Name']} -> Count" for r in body.get("ExcludedRules", [])]
        return f"{body.get('VendorName', '?')} {body['Name']}" + (
            f"; {', '.join(overrides)}" if overrides else "")
    if kind in ("AndStatement", "OrStatement"):
        return f"{len(body['Statements'])} statements"
    return ""


def summarise_rules(web_acl: dict) -> list[dict]:
    """One row per rule, in priority order: Priority, Name, Statement, Action, Details."""
    rows = []
    for rule in sorted(web_acl.get("Rules", []), key=lambda r: r["Priority"]):
        (kind, body), = rule["Statement"].items()
        action = (next(iter(rule["Action"])) if "Action" in rule
                  else f"OverrideAction {next(iter(rule.get('OverrideAction', {'?': 0})))}")
        rows.append({"Priority": rule["Priority"], "Name": rule["Name"],
                     "Statement": kind.removesuffix("Statement"), "Action": action,
                     "Details": _details(kind, body)})
    return rows
