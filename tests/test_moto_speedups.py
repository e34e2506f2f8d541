"""grader.moto_speedups: moto answers the same with them, only sooner."""

from __future__ import annotations

import json

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.serialize import AttributePicker, XFormedAttributePicker

from grader import sandbox
from grader.scenarios.vpc import web_app

TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
READ_BUCKET = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::speedups/*"}]}
#: (service, operation, parameters): reads whose answers are many models' fields, over every
#: protocol the course meets (EC2 query, query, REST-XML, JSON, REST-JSON).
READS = [
    ("ec2", "describe_vpcs", {}), ("ec2", "describe_subnets", {}),
    ("ec2", "describe_route_tables", {}), ("ec2", "describe_network_acls", {}),
    ("ec2", "describe_security_groups", {}), ("ec2", "describe_security_group_rules", {}),
    ("ec2", "describe_internet_gateways", {}), ("ec2", "describe_instances", {}),
    ("iam", "get_role", {"RoleName": "app"}), ("iam", "list_role_policies", {"RoleName": "app"}),
    ("s3", "get_bucket_tagging", {"Bucket": "speedups"}),
    ("s3", "get_bucket_versioning", {"Bucket": "speedups"}),
    ("rds", "describe_db_instances", {}),
    ("elbv2", "describe_target_groups", {}), ("ecs", "describe_clusters", {"clusters": ["c"]}),
    ("cloudwatch", "describe_alarms", {}),
]


@pytest.fixture(scope="module")
def session():
    session = sandbox.start(prewarm=("ec2",))
    sandbox.fresh_state()
    network = web_app(session, "10.5.0.0/16", ["us-east-1a", "us-east-1b"], app_port=8080,
                      db_port=5432)
    session.client("ec2").run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1,
                                        SubnetId=network["subnets"]["app"]["us-east-1a"])
    iam = session.client("iam")
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps(TRUST),
                    Tags=[{"Key": "team", "Value": "web"}])
    iam.put_role_policy(RoleName="app", PolicyName="inline", PolicyDocument=json.dumps(READ_BUCKET))
    s3 = session.client("s3")
    s3.create_bucket(Bucket="speedups")
    s3.put_bucket_tagging(Bucket="speedups", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    s3.put_bucket_versioning(Bucket="speedups", VersioningConfiguration={"Status": "Enabled"})
    session.client("rds").create_db_instance(
        DBInstanceIdentifier="db", DBInstanceClass="db.t3.micro", Engine="postgres",
        MasterUsername="admin", MasterUserPassword="password123", AllocatedStorage=20,
        BackupRetentionPeriod=7, MultiAZ=True)
    session.client("elbv2").create_target_group(Name="tg", Protocol="HTTP", Port=80,
                                                VpcId=network["vpc_id"])
    session.client("ecs").create_cluster(clusterName="c")
    session.client("cloudwatch").put_metric_alarm(
        AlarmName="cpu", MetricName="CPUUtilization", Namespace="AWS/EC2", Statistic="Average",
        Period=60, EvaluationPeriods=3, Threshold=80.0, ComparisonOperator="GreaterThanThreshold")
    return session


def _answers(session) -> list[dict]:
    answers = []
    for service, operation, parameters in READS:
        answer = getattr(session.client(service), operation)(**parameters)
        answer.pop("ResponseMetadata", None)
        for instance in answer.get("DBInstances", []):
            instance.pop("LatestRestorableTime")  # "now", which moves between the two reads
        answers.append(answer)
    return answers


def test_every_answer_is_the_same_as_without_the_speedups(session, monkeypatch):
    fast = _answers(session)
    assert XFormedAttributePicker.__call__ is not AttributePicker.__call__  # the speed-up is on
    monkeypatch.delattr(XFormedAttributePicker, "__call__")  # moto's own picker again
    assert _answers(session) == fast
    assert all(fast), "every read found something to compare"


def test_kms_keys_work_without_paying_for_unused_key_pairs(session):
    """Symmetric keys get their RSA pair (moto's, ~0.5 s each) only if something asks for it."""
    from moto.kms.models import kms_backends

    kms = session.client("kms")
    symmetric = kms.create_key()["KeyMetadata"]["KeyId"]
    assert kms_backends[DEFAULT_ACCOUNT_ID][sandbox.REGION].keys[symmetric].private_key._pair is None
    blob = kms.encrypt(KeyId=symmetric, Plaintext=b"secret")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"secret"
    signing = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    signature = kms.sign(KeyId=signing, Message=b"m", SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256")
    assert kms.verify(KeyId=signing, Message=b"m", Signature=signature["Signature"],
                      SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256")["SignatureValid"]
