"""Project files that must agree with each other."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def _pyproject_requirements() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {Requirement(r).name: Requirement(r) for r in project["dependencies"]}


def _environment_requirements() -> dict[str, Requirement]:
    entries = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    specs = []
    for entry in entries:
        specs.extend(entry["pip"] if isinstance(entry, dict) else [entry])
    found = {}
    for spec in specs:
        if spec.startswith("-e") or spec.split(">")[0].split("=")[0] in ("python", "pip"):
            continue
        requirement = Requirement(spec)
        found[requirement.name] = requirement
    return found


def test_environment_yml_has_the_same_dependencies_as_pyproject():
    conda, pip = _environment_requirements(), _pyproject_requirements()
    assert sorted(conda) == sorted(pip)
    for name, requirement in pip.items():
        assert conda[name].specifier == requirement.specifier, name
        assert conda[name].extras == requirement.extras, name


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
