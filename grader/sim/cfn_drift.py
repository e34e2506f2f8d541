"""Reference drift detection for a CloudFormation stack: which resources no longer match the
template, and which properties differ.

moto 5.2.5 has no ``DetectStackDrift``: it creates a stack's resources and then forgets the
template. This module answers what CloudFormation's drift detection would, on the plain data
``grader.state.cloudformation`` reads from a session. It is pure: no boto3, no moto.

Model (the course's subset, as of 2026; AWS checks many more properties and types):
- Only properties **set in the template** are checked, as AWS does; a value may be a literal or
  ``{"Ref": "<parameter>"}``, resolved with the stack's parameter values.
- Checked types and properties (:data:`CHECKED`): a security group's ``SecurityGroupIngress``
  (IPv4 CIDR rules, compared as a set) and ``Tags``; a bucket's ``BucketEncryption`` (the
  default algorithm) and ``Tags``; a VPC's ``Tags``. Tag keys starting ``aws:`` are AWS's own and
  never count. Any other resource type is ``NOT_CHECKED``.
- A resource whose physical resource is gone is ``DELETED``; one with a differing checked
  property is ``MODIFIED`` (each difference reported as AWS does: ``ADD``, ``REMOVE`` or
  ``NOT_EQUAL`` with a property path); otherwise ``IN_SYNC``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

#: The properties checked per resource type (see the module docstring).
CHECKED = {
    "AWS::EC2::SecurityGroup": ("SecurityGroupIngress", "Tags"),
    "AWS::S3::Bucket": ("BucketEncryption", "Tags"),
    "AWS::EC2::VPC": ("Tags",),
}


class DriftStatus(Enum):
    """AWS's ``StackResourceDriftStatus`` values."""

    IN_SYNC = "IN_SYNC"
    MODIFIED = "MODIFIED"
    DELETED = "DELETED"
    NOT_CHECKED = "NOT_CHECKED"


@dataclass(frozen=True)
class PropertyDifference:
    """One difference, in the shape of AWS's ``PropertyDifferences`` entries."""

    path: str
    expected: object
    actual: object
    kind: str  # "ADD", "REMOVE" or "NOT_EQUAL"


@dataclass(frozen=True)
class ResourceDrift:
    status: DriftStatus
    differences: tuple[PropertyDifference, ...] = field(default=())


@dataclass(frozen=True)
class StackResource:
    """One resource of a stack: its template entry and, when it still exists, its live
    properties in the normalised shapes of :func:`normalise` (``actual`` is None when the
    physical resource is gone)."""

    logical_id: str
    resource_type: str
    properties: dict
    actual: dict | None


def resolve(value, parameters: dict[str, str]):
    """``value`` with every ``{"Ref": <parameter>}`` replaced by the parameter's value."""
    if isinstance(value, dict):
        if set(value) == {"Ref"} and value["Ref"] in parameters:
            return parameters[value["Ref"]]
        return {key: resolve(item, parameters) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, parameters) for item in value]
    return value


def ingress_rule(protocol, from_port=None, to_port=None, cidr=None) -> tuple:
    """A rule as compared: ``(protocol, from_port, to_port, cidr)``; ports are -1 for "-1"."""
    protocol = str(protocol).lower()
    if protocol in ("-1", "all"):
        return ("-1", -1, -1, cidr)
    return (protocol, int(from_port), int(to_port), cidr)


def normalise(name: str, value):
    """A checked property's template value (already resolved) in the shape it is compared in:
    ingress rules as a sorted list of :func:`ingress_rule` tuples, ``BucketEncryption`` as its
    algorithm, ``Tags`` as a dict without ``aws:`` keys."""
    if name == "SecurityGroupIngress":
        return sorted(ingress_rule(r.get("IpProtocol"), r.get("FromPort"), r.get("ToPort"), r.get("CidrIp"))
                      for r in value or [])
    if name == "BucketEncryption":
        rules = (value or {}).get("ServerSideEncryptionConfiguration") or [{}]
        return rules[0].get("ServerSideEncryptionByDefault", {}).get("SSEAlgorithm")
    if name == "Tags":
        return {t["Key"]: t["Value"] for t in value or [] if not t["Key"].startswith("aws:")}
    raise ValueError(f"{name} is not a checked property")


def expected_properties(resource_type: str, properties: dict, parameters: dict[str, str]) -> dict:
    """The checked properties the template sets, resolved and normalised."""
    return {name: normalise(name, resolve(properties[name], parameters))
            for name in CHECKED.get(resource_type, ()) if name in (properties or {})}


def resource_drift(resource: StackResource, parameters: dict[str, str]) -> ResourceDrift:
    if resource.resource_type not in CHECKED:
        return ResourceDrift(DriftStatus.NOT_CHECKED)
    if resource.actual is None:
        return ResourceDrift(DriftStatus.DELETED)
    expected = expected_properties(resource.resource_type, resource.properties, parameters)
    differences = []
    for name, want in expected.items():
        differences.extend(_differences(name, want, resource.actual.get(name)))
    return ResourceDrift(DriftStatus.MODIFIED if differences else DriftStatus.IN_SYNC, tuple(differences))


def detect(resources: list[StackResource], parameters: dict[str, str]) -> dict[str, ResourceDrift]:
    """Every resource's drift, by logical id."""
    return {r.logical_id: resource_drift(r, parameters) for r in resources}


def _differences(name: str, expected, actual) -> list[PropertyDifference]:
    if name == "SecurityGroupIngress":
        actual = sorted(actual or [])
        added = [PropertyDifference(f"/{name}", None, r, "ADD") for r in actual if r not in expected]
        removed = [PropertyDifference(f"/{name}", r, None, "REMOVE") for r in expected if r not in actual]
        return added + removed
    if name == "Tags":
        actual = actual or {}
        found = []
        for key in sorted(set(expected) | set(actual)):
            if key not in actual:
                found.append(PropertyDifference(f"/Tags/{key}", expected[key], None, "REMOVE"))
            elif key not in expected:
                found.append(PropertyDifference(f"/Tags/{key}", None, actual[key], "ADD"))
            elif expected[key] != actual[key]:
                found.append(PropertyDifference(f"/Tags/{key}", expected[key], actual[key], "NOT_EQUAL"))
        return found
    if expected != actual:
        return [PropertyDifference(f"/{name}", expected, actual, "NOT_EQUAL")]
    return []
