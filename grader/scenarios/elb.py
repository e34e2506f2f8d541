"""Starting states for topic 03: a VPC whose public subnets reach the internet, a certificate in
ACM, app servers, then the HTTPS load balancer of Exercise 1 and the rules of Exercise 3.

Like ``grader.scenarios.vpc``, each function is what a correct earlier exercise leaves behind and
returns a dict that grows from one to the next. boto3 only, plus ``cryptography`` (a moto
dependency) to make the self-signed certificate that stands in for one ACM would issue.
"""

from __future__ import annotations

import datetime
import ipaddress
from functools import lru_cache

from grader.scenarios.snapshots import remembered

from .vpc import public_routed

#: The TLS policy the course recommends for HTTPS listeners (as of 2026: TLS 1.3 and 1.2 only,
#: hybrid post-quantum key exchange; the console's default).
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
HEALTH_CHECK = {"HealthCheckProtocol": "HTTP", "HealthCheckPath": "/health",
                "HealthCheckIntervalSeconds": 15, "Matcher": {"HttpCode": "200"}}
IMAGE_ID = "ami-0c0ffee0c0ffee000"


@lru_cache(maxsize=8)
def _self_signed(domain: str) -> tuple[bytes, bytes]:
    """(certificate PEM, private key PEM) for ``domain`` and ``*.domain``, valid 2026-2036."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(2026)
        .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName(
            [x509.DNSName(domain), x509.DNSName(f"*.{domain}")]), critical=False)
        .sign(key, hashes.SHA256()))
    return (certificate.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()))


def certificate(session, domain: str = "example.com") -> str:
    """An ISSUED certificate in ACM for ``domain`` and ``*.domain``; its ARN. (Imported: a real
    account would request one and validate it through DNS.)"""
    pem, key = _self_signed(domain)
    return session.client("acm").import_certificate(Certificate=pem, PrivateKey=key)[
        "CertificateArn"]


def launch(session, subnet_ids, name: str = "app") -> list[str]:
    """One t3.micro app server in each subnet; their instance ids, in subnet order."""
    ec2, ids = session.client("ec2"), []
    for subnet_id in subnet_ids:
        ids.append(ec2.run_instances(
            ImageId=IMAGE_ID, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=subnet_id,
            TagSpecifications=[{"ResourceType": "instance",
                                "Tags": [{"Key": "Name", "Value": name}]}],
        )["Instances"][0]["InstanceId"])
    return ids


@remembered
def web_network(session, vpc_cidr: str, azs, domain: str = "example.com") -> dict:
    """``public_routed`` plus a certificate for ``domain`` and one app server per app subnet.

    Adds ``certificate_arn`` and ``instance_ids``.
    """
    network = public_routed(session, vpc_cidr, azs)
    return {**network, "certificate_arn": certificate(session, domain),
            "instance_ids": launch(session, network["subnets"]["app"].values())}


def target_group(session, vpc_id: str, name: str, port: int, instance_ids=()) -> str:
    """An HTTP target group on ``port`` with the course's health check (GET /health every 15 s,
    200), the instances registered on that port; its ARN."""
    elbv2 = session.client("elbv2")
    arn = elbv2.create_target_group(Name=name, Protocol="HTTP", Port=port, VpcId=vpc_id,
                                    TargetType="instance", **HEALTH_CHECK)["TargetGroups"][0][
        "TargetGroupArn"]
    if instance_ids:
        elbv2.register_targets(TargetGroupArn=arn,
                               Targets=[{"Id": i, "Port": port} for i in instance_ids])
    return arn


@remembered
def https_alb(session, vpc_cidr: str, azs, app_port: int, *, name: str = "web",
              http_redirect: bool = False, domain: str = "example.com") -> dict:
    """``web_network`` plus Exercise 1 done right: a security group admitting tcp 443 from
    anywhere, an internet-facing ALB in the public subnets, a target group of the app servers,
    an HTTPS:443 listener (the certificate, ``TLS_POLICY``) forwarding to it. With
    ``http_redirect``, also Exercise 2: port 80 open and an HTTP:80 listener answering 301 to
    HTTPS:443.

    Adds ``security_group_id``, ``load_balancer_arn``, ``target_group_arn``,
    ``https_listener_arn`` and, with ``http_redirect``, ``http_listener_arn``.
    """
    network = web_network(session, vpc_cidr, azs, domain)
    ec2, elbv2, vpc_id = session.client("ec2"), session.client("elbv2"), network["vpc_id"]
    group_id = ec2.create_security_group(GroupName=f"{name}-alb", Description="load balancer",
                                         VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
        for port in ((443, 80) if http_redirect else (443,))])
    lb_arn = elbv2.create_load_balancer(
        Name=name, Subnets=list(network["subnets"]["public"].values()), SecurityGroups=[group_id],
        Scheme="internet-facing", Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
    tg_arn = target_group(session, vpc_id, name, app_port, network["instance_ids"])
    https = elbv2.create_listener(
        LoadBalancerArn=lb_arn, Protocol="HTTPS", Port=443, SslPolicy=TLS_POLICY,
        Certificates=[{"CertificateArn": network["certificate_arn"]}],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg_arn}])["Listeners"][0]
    found = {**network, "security_group_id": group_id, "load_balancer_arn": lb_arn,
             "target_group_arn": tg_arn, "https_listener_arn": https["ListenerArn"]}
    if http_redirect:
        found["http_listener_arn"] = elbv2.create_listener(
            LoadBalancerArn=lb_arn, Protocol="HTTP", Port=80, DefaultActions=[{
                "Type": "redirect", "RedirectConfig": {
                    "Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}],
        )["Listeners"][0]["ListenerArn"]
    return found


@remembered
def routed_alb(session, vpc_cidr: str, azs, app_port: int, api_port: int, *,
               admin_host: str | None = None, first_priority: int = 10, **options) -> dict:
    """``https_alb`` (with the HTTP redirect) plus an API target group (the same servers on
    ``api_port``) and Exercise 3's rules on the HTTPS listener: ``admin_host`` answered with a
    fixed 403 (only when given), then ``/api/*`` forwarded to the API group.

    Adds ``api_target_group_arn`` and ``rule_arns`` (in priority order).
    """
    alb = https_alb(session, vpc_cidr, azs, app_port, http_redirect=True, **options)
    elbv2 = session.client("elbv2")
    api = target_group(session, alb["vpc_id"], f"{options.get('name', 'web')}-api", api_port,
                       alb["instance_ids"])
    rules = []
    if admin_host:
        rules.append(([{"Field": "host-header", "HostHeaderConfig": {"Values": [admin_host]}}],
                      [{"Type": "fixed-response", "FixedResponseConfig": {
                          "StatusCode": "403", "ContentType": "text/plain",
                          "MessageBody": "Forbidden"}}]))
    rules.append(([{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/api/*"]}}],
                  [{"Type": "forward", "TargetGroupArn": api}]))
    arns = [elbv2.create_rule(ListenerArn=alb["https_listener_arn"], Priority=first_priority + i,
                              Conditions=conditions, Actions=actions)["Rules"][0]["RuleArn"]
            for i, (conditions, actions) in enumerate(rules)]
    return {**alb, "api_target_group_arn": api, "rule_arns": arns}


@remembered
def tcp_targets(session, vpc_cidr: str, azs, per_zone) -> dict:
    """``public_routed`` plus the private addresses of a TCP service's servers: ``per_zone[i]``
    addresses in the app subnet of ``azs[i]`` (from .10 up), so zones hold unequal numbers.

    Adds ``target_ips`` (in zone order) and ``target_zones`` ({ip: az}).
    """
    network = public_routed(session, vpc_cidr, azs)
    zones = {}
    for az, count in zip(azs, per_zone, strict=True):
        subnet = session.client("ec2").describe_subnets(
            SubnetIds=[network["subnets"]["app"][az]])["Subnets"][0]
        base = ipaddress.ip_network(subnet["CidrBlock"]).network_address
        zones.update({str(base + 10 + i): az for i in range(count)})
    return {**network, "target_ips": list(zones), "target_zones": zones}
