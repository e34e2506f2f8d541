"""Learner-facing checks on EC2: VPCs, subnets, routes, security groups, network ACLs,
reachability, flow logs, VPC endpoints; instances' profiles and metadata settings.

Each check returns None when the requirement holds and raises ``CheckFailed`` otherwise,
naming the learner's real ids. Notebooks use them as ``from grader.checks import ec2 as check``.
"""

from .endpoints import s3_access, s3_access_table, s3_gateway_endpoint
from .flow_logs import (
    flow_log_fields,
    flow_log_role,
    flow_log_to_cloudwatch,
    flow_log_to_s3,
    log_group_retention,
    top_rejected_agrees,
)
from .instances import (
    exposure_agrees,
    imds_agrees,
    imds_cases,
    imds_requests,
    imds_settings,
    launched_as,
    requires_imdsv2,
    returned_association,
    swaps_without_gap,
    uses_instance_profile,
)
from .network_acls import (
    nacl_associated,
    nacl_behaves,
    nacl_evaluator_agrees,
    packets,
    reachable_from_internet,
    sg_evaluator_agrees,
)
from .reachability import (
    DIAGNOSES,
    diagnosis,
    diagnosis_agrees,
    explain,
    not_reachable_from_internet,
    reachability_agrees,
)
from .routes import subnet_is_isolated, subnet_is_public, subnet_uses_nat
from .s3_access import APP_ROLE
from .security_groups import sg_allows, sg_ingress_only
from .vpc import (
    MAP_PUBLIC_IP_HINTS,
    maps_public_ip,
    subnet_plan,
    subnets_cover,
    vpc_dns_enabled,
    vpc_has_cidr,
)

__all__ = [
    "APP_ROLE", "DIAGNOSES", "MAP_PUBLIC_IP_HINTS", "diagnosis", "diagnosis_agrees", "explain",
    "exposure_agrees", "flow_log_fields", "flow_log_role", "flow_log_to_cloudwatch",
    "flow_log_to_s3", "imds_agrees", "imds_cases", "imds_requests", "imds_settings", "launched_as",
    "log_group_retention", "maps_public_ip", "nacl_associated", "nacl_behaves",
    "nacl_evaluator_agrees", "not_reachable_from_internet", "packets", "reachability_agrees",
    "reachable_from_internet", "requires_imdsv2", "returned_association", "s3_access",
    "s3_access_table", "s3_gateway_endpoint", "sg_allows", "sg_evaluator_agrees", "sg_ingress_only",
    "subnet_is_isolated", "subnet_is_public", "subnet_plan", "subnet_uses_nat", "subnets_cover",
    "swaps_without_gap", "top_rejected_agrees", "uses_instance_profile", "vpc_dns_enabled",
    "vpc_has_cidr",
]
