"""cfn-lint (1.x) on a template dict, fast enough to grade with, and the checks of Exercise 4
of topic 05: a template fixed so that cfn-lint reports nothing, without losing anything.

cfn-lint's own ``cfnlint.api.lint`` loads its ~340 rules on every call (0.4-0.5 s); here the
rules are loaded once per process (:func:`load_rules`, which topic 05's setup cell calls, so a
grading process loads them before it forks), and each template costs ~0.1 s. Informational findings
(``I...``) are off, as in cfn-lint's default run; the region is the course's, us-east-1.
"""

from __future__ import annotations

import functools
import json
from typing import NamedTuple

from grader.checks.base import Message
from grader.state.cloudformation import parse_template

REGION = "us-east-1"


class Finding(NamedTuple):
    """One cfn-lint match: rule id (``E3002``), level (error / warning), path and message."""

    rule: str
    level: str
    path: str
    message: str


@functools.cache
def _runner():
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    runner = Runner(ConfigMixIn(regions=[REGION]))
    return runner


def load_rules() -> None:
    """Load cfn-lint's rules now rather than at the first lint."""
    _runner()


def findings(template) -> list[Finding]:
    """cfn-lint's findings for ``template`` (a dict, or a JSON or YAML string), sorted by path."""
    from cfnlint.runner import run_template_by_data

    data = parse_template(template)
    runner = _runner()
    matches = run_template_by_data(data, runner.config, runner.rules)
    found = {Finding(m.rule.id, m.rule.severity, "/".join(str(p) for p in m.path or ()), m.message)
             for m in matches}
    return sorted(found, key=lambda f: (f.path, f.rule))


def findings_table(template):
    """:func:`findings` as a pandas DataFrame (one row per finding)."""
    import pandas as pd

    return pd.DataFrame(findings(template), columns=list(Finding._fields))


# -- checks -------------------------------------------------------------------------------------

NOT_CLEAN = Message(
    "cfn-lint reports nothing on your fixed template", "no errors and no warnings",
    "{count} finding(s), first: {rule} at {path}: {message}",
    "Read the rule id and the path: the message says what cfn-lint expects there. "
    "Fix the template (rename, add, remove), never the linter's settings.")
RESOURCES_LOST = Message(
    "Your fixed template keeps every resource of the original, with its type",
    "{expected}", "{found}",
    "A finding is fixed by correcting the resource, not by deleting it.")
VALUE_LOST = Message(
    "Resource {logical_id} keeps every property value of the original (a misspelt name may be "
    "corrected)", "the value {value} under some property", "no property with that value: {found}",
    "Rename the misspelt property to the name cfn-lint suggests and keep its value.")
POLICY_LOST = Message(
    "Resource {logical_id} keeps its {attribute}", "{attribute}: {expected!r}", "{found!r}",
    "Keep the protection the original asked for; add what cfn-lint says is missing beside it.")
OUTPUTS_LOST = Message(
    "Your fixed template keeps the original's outputs", "{expected}", "{found}",
    "Fix the outputs' values; do not delete them.")


def lint_clean(template) -> None:
    """No cfn-lint errors or warnings."""
    found = findings(template)
    if found:
        first = found[0]
        raise NOT_CLEAN.fail(count=len(found), rule=first.rule, path=first.path or "(template)",
                             message=first.message[:160])


def fixed_without_loss(original, fixed) -> None:
    """``fixed`` keeps the resources (ids and types), their property values (names may be
    corrected), deletion and replace policies set in ``original``, and its outputs."""
    original, fixed = parse_template(original), parse_template(fixed)
    before, after = original.get("Resources", {}), fixed.get("Resources", {})
    types = lambda resources: {k: v.get("Type") for k, v in resources.items()}  # noqa: E731
    if {k: t for k, t in types(after).items() if k in before} != types(before):
        raise RESOURCES_LOST.fail(expected=types(before), found=types(after))
    for logical_id, resource in before.items():
        values = [_canonical(v) for v in (after[logical_id].get("Properties") or {}).values()]
        for name, value in (resource.get("Properties") or {}).items():
            if _canonical(value) not in values:
                raise VALUE_LOST.fail(logical_id=logical_id, value=f"{value!r:.80} (was {name})",
                                      found=f"{sorted(after[logical_id].get('Properties') or {})}")
        for attribute in ("DeletionPolicy", "UpdateReplacePolicy"):
            if attribute in resource and after[logical_id].get(attribute) != resource[attribute]:
                raise POLICY_LOST.fail(logical_id=logical_id, attribute=attribute,
                                       expected=resource[attribute], found=after[logical_id].get(attribute))
    if set(fixed.get("Outputs", {})) != set(original.get("Outputs", {})):
        raise OUTPUTS_LOST.fail(expected=sorted(original.get("Outputs", {})),
                                found=sorted(fixed.get("Outputs", {})))


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, default=str)
