"""Starting states and reference answers for topic 08 (Lambda): an execution role, a .zip built
from source text, a deployed function, a sales pipeline (bucket in, bucket out, function,
trigger), sales files, the reference summary, and usage tables for the cost exercise. boto3 only.
"""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile

import pandas as pd

ACCOUNT_ID = "123456789012"  # moto's default account
TRUST_LAMBDA = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
LOGS = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
    "Resource": "arn:aws:logs:*:*:*"}]}
ECHO_SOURCE = '''import os


def handler(event, context):
    return {"function": context.function_name, "stage": os.environ.get("STAGE"), "event": event}
'''


def lambda_role(session, name: str = "lambda-basic") -> str:
    """An execution role Lambda may assume, allowed to write its logs; returns its ARN."""
    iam = session.client("iam")
    try:
        return iam.get_role(RoleName=name)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        pass
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="write-logs", PolicyDocument=json.dumps(LOGS))
    return arn


def zip_source(source: str, filename: str = "app.py") -> bytes:
    """A deployment package holding one file, ``filename``, at its root."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(filename, source)
    return buffer.getvalue()


def deployed_function(session, name: str, source: str = ECHO_SOURCE, *, memory_mb: int = 256,
                      timeout_s: int = 10, variables: dict | None = None) -> str:
    """A python3.13 function ``app.handler`` built from ``source``; returns its ARN."""
    response = session.client("lambda").create_function(
        FunctionName=name, Runtime="python3.13", Role=lambda_role(session), Handler="app.handler",
        Code={"ZipFile": zip_source(source)}, MemorySize=memory_mb, Timeout=timeout_s,
        Environment={"Variables": dict(variables or {})})
    return response["FunctionArn"]


def sales_pipeline(session, source_bucket: str, output_bucket: str, *, function: str = "summarise-sales",
                   watch_prefix: str = "incoming/", output_prefix: str = "summaries/") -> dict:
    """Two buckets and a function whose environment names the output; S3 invokes the function
    for every ``.csv`` object created under ``watch_prefix`` (permission scoped to the bucket).
    The function's code is a placeholder: ``grader.state.awslambda.use_code`` supplies it."""
    s3, lam = session.client("s3"), session.client("lambda")
    for bucket in (source_bucket, output_bucket):
        s3.create_bucket(Bucket=bucket)
    placeholder = "def handler(event, context):\n    raise NotImplementedError\n"
    arn = deployed_function(session, function, placeholder,
                            variables={"OUTPUT_BUCKET": output_bucket, "OUTPUT_PREFIX": output_prefix})
    lam.add_permission(FunctionName=function, StatementId="s3-invoke", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn=f"arn:aws:s3:::{source_bucket}",
                       SourceAccount=ACCOUNT_ID)
    s3.put_bucket_notification_configuration(Bucket=source_bucket, NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"],
                                          "Filter": {"Key": {"FilterRules": [
                                              {"Name": "prefix", "Value": watch_prefix},
                                              {"Name": "suffix", "Value": ".csv"}]}}}]})
    return {"function": function, "function_arn": arn, "source_bucket": source_bucket,
            "output_bucket": output_bucket, "watch_prefix": watch_prefix, "output_prefix": output_prefix}


def sales_csv(rows: list[tuple[str, int, float]]) -> str:
    """A sales file: header ``sku,qty,unit_price`` then one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["sku", "qty", "unit_price"])
    writer.writerows(rows)
    return buffer.getvalue()


def random_sales(seed: int, count: int | None = None) -> list[tuple[str, int, float]]:
    """Reproducible sales rows (SKU, quantity, unit price)."""
    rng = random.Random(seed)
    return [(f"SKU-{rng.randint(100, 999)}", rng.randint(1, 40), round(rng.uniform(0.5, 250), 2))
            for _ in range(count if count is not None else rng.randint(1, 12))]


def sales_summary(bucket: str, key: str, text: str) -> dict:
    """The summary the topic's handler writes for one sales file (the reference answer)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    return {"source": f"s3://{bucket}/{key}", "rows": len(rows),
            "units": sum(int(r["qty"]) for r in rows),
            "revenue": round(sum(int(r["qty"]) * float(r["unit_price"]) for r in rows), 2)}


FUNCTIONS = ("thumbnailer", "orders-api", "nightly-report", "audit-stream", "webhook", "resize",
             "fraud-score", "etl-step", "search-index", "mailer")


def usage_frame(seed: int, count: int = 6, *, simple: bool = False) -> pd.DataFrame:
    """A month of usage for ``count`` functions: invocations, average duration (fractions of a
    millisecond included), memory, architecture, and for some a larger /tmp. ``simple``: x86
    only, whole milliseconds, the free 512 MB of /tmp."""
    rng = random.Random(seed)
    rows = []
    for name in rng.sample(FUNCTIONS, count):
        duration = rng.uniform(0.4, 4000)
        rows.append({"function": name,
                     "architecture": "x86_64" if simple else rng.choice(["x86_64", "arm64"]),
                     "memory_mb": rng.choice([128, 256, 512, 1024, 1769, 2048, 3008, 10240]),
                     "invocations": rng.choice([1, 10, 1000]) * rng.randint(1, 90_000),
                     "avg_duration_ms": (float(round(duration)) if simple
                                         else round(duration, rng.choice([1, 3]))),
                     "ephemeral_mb": 512 if simple else rng.choice([512, 1024, 4096, 10240])})
    return pd.DataFrame(rows)
