"""grader.checks.cfn_lint: cfn-lint on template dicts, and the checks of topic 05's Exercise 4."""

from __future__ import annotations

import copy

import pytest

from grader.checks import cfn_lint
from grader.scenarios.cloudformation import broken_template, web_template

from .failures import failure


def fixed(variant):
    """The fix Exercise 4 asks for, by hand."""
    template = copy.deepcopy(broken_template(variant))
    if variant == 1:
        del template["Parameters"]["KeyName"]
        vpc = template["Resources"]["Vpc"]["Properties"]
        vpc["EnableDnsHostnames"] = vpc.pop("EnableDnsHostname")
        template["Resources"]["Logs"]["UpdateReplacePolicy"] = "Retain"
    else:
        del template["Parameters"]["Owner"], template["Parameters"]["AmiId"]
        resources = template["Resources"]
        resources["AppSg"]["Properties"]["GroupDescription"] = resources["AppSg"]["Properties"].pop(
            "GroupDescripton"
        )
        resources["Archive"]["Properties"]["Tags"] = resources["Archive"]["Properties"].pop("Tag")
        resources["Archive"]["UpdateReplacePolicy"] = "Retain"
        resources["Raw"]["Properties"]["ObjectLockEnabled"] = resources["Raw"]["Properties"].pop(
            "ObjectLockEnable"
        )
    return template


@pytest.mark.parametrize("variant", [1, 2])
def test_broken_templates_have_the_three_kinds_of_finding(variant):
    rules = {f.rule for f in cfn_lint.findings(broken_template(variant))}
    assert {"E3002", "W2001", "W3011"} <= rules <= {"E3002", "W2001", "W3011", "E3003"}


def test_findings_read_yaml_and_sort_by_path():
    found = cfn_lint.findings(
        "Parameters:\n  Unused:\n    Type: String\nResources:\n  B:\n    Type: AWS::S3::Bucket\n"
    )
    assert found == [cfn_lint.Finding("W2001", "warning", "Parameters/Unused", "Parameter Unused not used.")]
    assert list(cfn_lint.findings_table(web_template()).columns) == ["rule", "level", "path", "message"]


@pytest.mark.parametrize("variant", [1, 2])
def test_hand_fix_is_clean_and_loses_nothing(variant):
    cfn_lint.lint_clean(fixed(variant))
    cfn_lint.fixed_without_loss(broken_template(variant), fixed(variant))


def test_lint_clean_names_the_first_finding():
    message = failure(cfn_lint.lint_clean, broken_template(1))
    assert message["found"].startswith("3 finding(s), first: W2001 at Parameters/KeyName")


def test_dropping_the_deletion_policy_is_a_loss():
    template = fixed(1)
    del template["Resources"]["Logs"]["DeletionPolicy"], template["Resources"]["Logs"]["UpdateReplacePolicy"]
    message = failure(cfn_lint.fixed_without_loss, broken_template(1), template)
    assert message["what"] == "Resource Logs keeps its DeletionPolicy"
    assert message["found"] == "None"


def test_deleted_resource_value_and_output_are_losses():
    template = fixed(2)
    del template["Resources"]["Raw"]
    assert (
        "keeps every resource" in failure(cfn_lint.fixed_without_loss, broken_template(2), template)["what"]
    )
    template = fixed(2)
    del template["Resources"]["Archive"]["Properties"]["Tags"]
    assert failure(cfn_lint.fixed_without_loss, broken_template(2), template)["what"].startswith(
        "Resource Archive"
    )
    template = fixed(1)
    template["Outputs"] = {}
    assert failure(cfn_lint.fixed_without_loss, broken_template(1), template)["found"] == "[]"
