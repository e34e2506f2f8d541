"""The mock cloud every notebook runs in: moto in-process, fake credentials, no network.

The locked setup cell of each topic calls :func:`start`; test cells call :func:`fresh_state`
before they exercise a learner's function, so each test sees only what it built.

Order matters and is the reason this module exists (see shared/research/moto-5.2.5.md, e):
the environment is scrubbed *before* boto3 builds a session, moto is imported before any
client exists, and a socket guard makes sure nothing leaves the machine even if a learner
points a client at a real endpoint or at a service moto does not mock.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import tempfile
import warnings

import boto3
import botocore.session
from moto import mock_aws
from moto.moto_api._internal import mock_random
from moto.moto_api._internal.models import moto_api_backend

from grader import feedback, moto_speedups
from grader.errors import NetworkBlocked

REGION = "us-east-1"
SEED = 2026
#: moto backend names (not boto3 names: Lambda is ``awslambda``) of every service the course uses.
COURSE_SERVICES = (
    "acm", "applicationautoscaling", "autoscaling", "awslambda", "budgets", "ce",
    "cloudformation", "cloudfront", "cloudtrail", "cloudwatch", "codebuild", "codecommit", "codedeploy",
    "codepipeline", "ebs", "ec2", "ecr", "ecs", "efs", "elb", "elbv2", "events", "iam", "kms",
    "logs", "organizations", "rds", "route53", "s3", "s3control", "secretsmanager", "shield",
    "sns", "sqs", "ssm", "sts", "wafv2",
)
#: One cheap call per backend that pays its import and model-loading cost up front.
_WARM_UP_CALLS = {
    "ec2": ("describe_vpcs", {}),
    "s3": ("list_buckets", {}),
    "iam": ("list_roles", {}),
    "sts": ("get_caller_identity", {}),
    "logs": ("describe_log_groups", {}),
    "wafv2": ("list_web_acls", {"Scope": "REGIONAL"}),
    "elbv2": ("describe_load_balancers", {}),
    "shield": ("list_protections", {}),
    "acm": ("list_certificates", {}),
    "route53": ("list_hosted_zones", {}),
    "cloudfront": ("list_distributions", {}),
    "kms": ("list_keys", {}),
    "autoscaling": ("describe_auto_scaling_groups", {}),
    "lambda": ("list_functions", {}),
    "sqs": ("list_queues", {}),
    "rds": ("describe_db_instances", {}),
    "efs": ("describe_file_systems", {}),
    "ecr": ("describe_repositories", {}),
    "cloudwatch": ("describe_alarms", {}),
    "sns": ("list_topics", {}),
    "budgets": ("describe_budgets", {"AccountId": "123456789012"}),
    "ce": ("get_cost_and_usage", {"TimePeriod": {"Start": "2026-01-01", "End": "2026-01-02"},
                                  "Granularity": "MONTHLY", "Metrics": ["UnblendedCost"]}),
    "ecs": ("list_clusters", {}),
    "secretsmanager": ("list_secrets", {}),
    "application-autoscaling": ("describe_scalable_targets", {"ServiceNamespace": "ecs"}),
    "ssm": ("describe_parameters", {}),
    "codebuild": ("list_projects", {}),
    "codedeploy": ("list_applications", {}),
    "codepipeline": ("list_pipelines", {}),
    "cloudformation": ("list_stacks", {}),
}
_NOISY_MODULES = r"(moto|botocore|boto3|responses|werkzeug|nbformat)(\.|$)"

_mock = None
_empty_config = None
_loader = None


def start(*, prewarm: tuple[str, ...] = (), default_amis: bool = False) -> boto3.Session:
    """Start the mock cloud for this kernel (once) and return a boto3 session bound to it.

    ``prewarm`` names the boto3 services the topic uses; their first call is made here so the
    learner's first call is instant. moto's catalogue of public AMIs is off unless a topic asks
    for it (``default_amis``): reloading it makes every :func:`fresh_state` ~20x slower.
    Calling ``start`` again is harmless and keeps the state.
    """
    global _mock
    if _mock is None:
        _scrub_environment()
        os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "true" if default_amis else "false"
        _silence_noise()
        moto_speedups.install()
        install_socket_guard()
        _mock = mock_aws(
            config={
                "core": {"service_whitelist": list(COURSE_SERVICES)},
                "lambda": {"use_docker": False},
            }
        )
        _mock.start()
        mock_random.seed(SEED)
        feedback.install()
    boto3.DEFAULT_SESSION = None
    session = new_session()
    for service in prewarm:
        operation, params = _WARM_UP_CALLS.get(service, (None, {}))
        client = session.client(service)
        if operation:
            getattr(client, operation)(**params)
    return session


def fresh_state() -> None:
    """Wipe every mock resource and re-seed ids, keeping the mock (and its network guard) on.

    Uses moto's API reset: ``mock_aws().reset()`` would also drop moto's interception of
    ``requests`` and let calls through to the real network.
    """
    if _mock is None:
        raise RuntimeError("Run the setup cell first: grader.sandbox.start() has not been called.")
    moto_api_backend.reset()
    mock_random.seed(SEED)


class CourseSession(boto3.Session):
    """A boto3 session that hands out one client per service and settings.

    Building a client costs ~30 ms, and learners (rightly) write functions that create their
    own client on every call: a test asking dozens of questions would spend seconds on it.
    """

    def client(self, *args, **kwargs):
        try:
            key = (args, tuple(sorted(kwargs.items())))
            hash(key)
        except TypeError:  # an unhashable argument: build a client, as boto3 would
            return super().client(*args, **kwargs)
        cache = self.__dict__.setdefault("_grader_clients", {})
        if key not in cache:
            cache[key] = super().client(*args, **kwargs)
        return cache[key]


def new_session() -> boto3.Session:
    """A session with the course's fake credentials and region.

    Sessions share one botocore data loader: each would otherwise read and parse the service
    models again (0.2-0.4 s for EC2's), and tests and the setup cell make new sessions often.
    """
    global _loader
    core = botocore.session.Session()
    if _loader is None:
        _loader = core.get_component("data_loader")
    core.register_component("data_loader", _loader)
    session = CourseSession(botocore_session=core, region_name=REGION)
    _loader.search_paths[:] = list(dict.fromkeys(_loader.search_paths))  # boto3 appends its own
    return session


def _scrub_environment() -> None:
    global _empty_config
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        del os.environ[name]
    if _empty_config is None:
        handle, _empty_config = tempfile.mkstemp(prefix="grader-aws-config-")
        os.close(handle)
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_SESSION_TOKEN="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=_empty_config,
        AWS_SHARED_CREDENTIALS_FILE=_empty_config,
        AWS_EC2_METADATA_DISABLED="true",
    )


def _silence_noise() -> None:
    """Hide warnings raised inside libraries: a learner can do nothing about them."""
    for category in (DeprecationWarning, PendingDeprecationWarning, UserWarning, FutureWarning):
        warnings.filterwarnings("ignore", category=category, module=_NOISY_MODULES)


# --- socket guard -------------------------------------------------------------------------

_real_getaddrinfo = socket.getaddrinfo
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if host in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guarded_getaddrinfo(host, *args, **kwargs):
    if not _is_local(host):
        raise NetworkBlocked(str(host))
    return _real_getaddrinfo(host, *args, **kwargs)


def _check_address(sock, address) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        raise NetworkBlocked(f"{address[0]}:{address[1]}")


def _guarded_connect(self, address):
    _check_address(self, address)
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    _check_address(self, address)
    return _real_connect_ex(self, address)


def install_socket_guard() -> None:
    """Refuse name lookups and connections to anything but this machine.

    Loopback stays open: Jupyter's debugger talks to the kernel over it, and nothing on
    loopback is AWS.
    """
    socket.getaddrinfo = _guarded_getaddrinfo
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
