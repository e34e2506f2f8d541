# ruff: noqa: E501 -- one case a line
"""Tests for grader/sim/ecr_scan.py: the fix-first triage of scan findings."""

import math

from grader.scenarios.ecr import finding
from grader.sim.ecr_scan import attribute, fix_first


def test_fix_first_counts_distinct_cves_and_sorts():
    findings = [finding("CVE-1", "HIGH", "curl", "8", 7.5), finding("CVE-1", "HIGH", "curl", "8", 7.5),
                finding("CVE-2", "CRITICAL", "zlib", "1", 9.1), finding("CVE-3", "MEDIUM", "glibc", "2", 5.0),
                finding("CVE-4", "HIGH", "zlib", "1", 8.0), finding("CVE-5", "HIGH", "bash", "5", 7.5)]
    assert fix_first(findings) == [
        {"package": "zlib", "version": "1", "critical": 1, "high": 1, "worst_score": 9.1},
        {"package": "bash", "version": "5", "critical": 0, "high": 1, "worst_score": 7.5},
        {"package": "curl", "version": "8", "critical": 0, "high": 1, "worst_score": 7.5},
    ]


def test_fix_first_without_scores_or_urgent_findings():
    unscored = {"name": "CVE-9", "severity": "CRITICAL", "attributes": [{"key": "package_name", "value": "x"}]}
    [row] = fix_first([unscored, finding("CVE-8", "LOW", "y", "1", 1.0)])
    assert (row["package"], row["version"], row["critical"]) == ("x", None, 1) and math.isnan(row["worst_score"])
    assert fix_first([]) == []
    assert attribute(unscored, "CVSS3_SCORE") is None
