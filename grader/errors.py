"""Every error the grader raises, in one place.

    GraderError                 base class; each subclass has a stable ``code``
    ├── CheckFailed             a learner's answer misses a requirement (also an AssertionError,
    │                           so nbgrader scores the test cell as failed)
    ├── NetworkBlocked          the sandbox refused a connection that would leave this machine
    ├── PolicyError             an IAM policy document AWS would reject (also a ValueError)
    ├── NoInstanceCredentials   an instance whose applications would get no role credentials
    ├── BuildError              ``grader build`` could not generate or execute the course
    └── GradingError            ``grader check`` could not grade a notebook at all

Messages are written for the person who will read them: a learner for ``CheckFailed`` and
``NetworkBlocked``, a teacher or maintainer for the others.
"""

from __future__ import annotations


class GraderError(Exception):
    """Base class: ``code`` is stable and machine-readable, ``str(err)`` is for people."""

    code = "grader-error"


class CheckFailed(GraderError, AssertionError):
    """A requirement of an exercise is not met.

    The message always has the same shape, so learners learn to read it once:
    what was checked, what was expected, what was found, and one next step.
    """

    code = "check-failed"
    template = "{what}\n  Expected: {expected}\n  Found:    {found}\n  Next:     {hint}"

    def __init__(self, what: str, *, expected: str, found: str, hint: str):
        self.what, self.expected, self.found, self.hint = what, expected, found, hint
        super().__init__(
            self.template.format(what=what, expected=expected, found=found, hint=hint)
        )


class NetworkBlocked(GraderError):
    """A connection to a host outside this machine was attempted inside the sandbox.

    Deliberately not an ``OSError``: HTTP libraries catch and retry those, which would bury
    the host name under a generic connection error.
    """

    code = "network-blocked"
    template = (
        "Blocked a connection to {host}: this course runs against a mock AWS on your machine and "
        "never contacts the internet or real AWS. Create clients from the `session` of the setup "
        "cell and do not pass `endpoint_url`."
    )

    def __init__(self, host: str):
        self.host = host
        super().__init__(self.template.format(host=host))


class PolicyError(GraderError, ValueError):
    """An IAM policy document that AWS would reject as ``MalformedPolicyDocument``.

    Raised by ``grader.sim.iam``; checks turn it into a ``CheckFailed`` naming the learner's
    policy, and keep this message as the "Found" line.
    """

    code = "policy-error"


class NoInstanceCredentials(GraderError):
    """An EC2 instance whose applications would get no credentials from its metadata service:
    no instance profile, an empty one, a role EC2 may not assume, or a disabled endpoint.

    Raised by ``grader.enforcement.as_instance``; ``reason`` says which, for a learner.
    """

    code = "no-instance-credentials"
    template = "Instance {instance_id} gets no role credentials: {reason}."

    def __init__(self, instance_id: str, reason: str):
        self.instance_id, self.reason = instance_id, reason
        super().__init__(self.template.format(instance_id=instance_id, reason=reason))


class BuildError(GraderError):
    """The course could not be generated from ``course/``."""

    code = "build-error"


class GradingError(GraderError):
    """A notebook could not be graded (not valid JSON, not a course notebook, ...)."""

    code = "grading-error"
