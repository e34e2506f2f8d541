"""Learner-facing checks on Elastic Load Balancing: load balancers judged by what they do with
requests, answered by ``grader.sim.elb`` (moto stores listeners and rules but routes nothing),
and by where they sit, who may reach them and how their targets are checked.

Each check returns None when the requirement holds and raises ``CheckFailed`` otherwise, naming
the learner's real load balancer, listeners and target groups. Notebooks use them as
``from grader.checks import elbv2 as check``.
"""

from .load_balancers import admits, admits_only, placed, reachable_from_internet, tls_listener
from .resources import load_balancer, require_arn, target_group
from .routing import (
    Expect,
    answer_text,
    answers,
    describe_request,
    fixed_response,
    forward,
    http,
    https,
    redirect_to_https,
    refused,
    routes,
    tcp,
)
from .target_groups import health_check, registered, spreads_evenly, target_group_is, target_shares

__all__ = [
    "Expect", "admits", "admits_only", "answer_text", "answers", "describe_request",
    "fixed_response", "forward", "health_check", "http", "https", "load_balancer", "placed",
    "reachable_from_internet", "redirect_to_https", "refused", "registered", "require_arn",
    "routes", "spreads_evenly", "target_group", "target_group_is", "target_shares", "tcp",
    "tls_listener",
]
