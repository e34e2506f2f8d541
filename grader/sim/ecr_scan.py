"""Reference triage of Amazon ECR scan findings: which packages to fix first.

moto returns scan findings exactly as a test seeds them (``grader.scenarios.ecr``); it scans
nothing. A finding is one item of ``describe_image_scan_findings(...)["imageScanFindings"]
["findings"]`` (basic scanning): ``name`` (the CVE), ``severity``, ``uri`` and ``attributes``,
a list of ``{"key", "value"}`` pairs with ``package_name``, ``package_version`` and
``CVSS3_SCORE``. Pure: no boto3, no pandas (the check turns the rows into a DataFrame).
"""

from __future__ import annotations

URGENT = ("CRITICAL", "HIGH")
COLUMNS = ("package", "version", "critical", "high", "worst_score")


def attribute(finding: dict, key: str) -> str | None:
    """One attribute of a finding, None when it is missing."""
    return next((a["value"] for a in finding.get("attributes", ()) if a["key"] == key), None)


def fix_first(findings: list[dict]) -> list[dict]:
    """One row per package version with a CRITICAL or HIGH finding: distinct CVEs of each of
    the two severities, the worst CVSS3 score among them; most critical first, then most high,
    then worst score, then package name."""
    groups: dict[tuple[str, str], dict] = {}
    for finding in findings:
        if finding.get("severity") not in URGENT:
            continue
        key = (attribute(finding, "package_name"), attribute(finding, "package_version"))
        group = groups.setdefault(key, {"CRITICAL": set(), "HIGH": set(), "scores": []})
        group[finding["severity"]].add(finding["name"])
        score = attribute(finding, "CVSS3_SCORE")
        if score is not None:
            group["scores"].append(float(score))
    rows = [{"package": package, "version": version, "critical": len(g["CRITICAL"]),
             "high": len(g["HIGH"]), "worst_score": max(g["scores"], default=float("nan"))}
            for (package, version), g in groups.items()]
    return sorted(rows, key=lambda r: (-r["critical"], -r["high"], -r["worst_score"], r["package"]))
