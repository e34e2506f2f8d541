"""Learner-facing checks on IAM: managed policies on groups, calls made with a user's, a role's
or an instance's own credentials under moto's enforcement, trust and permission policies of
roles, instance profiles, and policies judged by ``grader.sim.iam`` where moto does not act
(conditions), plus learners' evaluators and access reviews against the reference.

Each check returns None when the requirement holds and raises ``CheckFailed`` otherwise.
Notebooks use them as ``from grader.checks import iam as check``.
"""

from .calls import calls_behave, instance_calls_behave, role_calls_behave
from .policies import (
    ADMIN_ACCESS,
    SIGN_INS,
    customer_managed_on_group,
    decide_agrees,
    decides,
    document,
    group_decides,
    guard_behaves,
    guard_cases,
    guard_decisions,
    reference_decide,
    requests,
    review_agrees,
)
from .roles import (
    ASSUME_ANY_ROLE,
    instance_profile_holds,
    only_service_cases,
    role_and_profile,
    role_decides,
    role_not_broad,
    trust_decides,
    trust_decisions,
)

__all__ = [
    "ADMIN_ACCESS", "ASSUME_ANY_ROLE", "SIGN_INS", "calls_behave", "customer_managed_on_group",
    "decide_agrees", "decides", "document", "group_decides", "guard_behaves", "guard_cases",
    "guard_decisions", "instance_calls_behave", "instance_profile_holds", "only_service_cases",
    "reference_decide", "requests", "review_agrees", "role_and_profile", "role_calls_behave",
    "role_decides", "role_not_broad", "trust_decides", "trust_decisions",
]
