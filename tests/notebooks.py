"""Helpers shared by the grading tests: make submissions from a notebook, grade them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CELL_MARKER = "# cell: "


def with_answers(notebook: Path, out: Path, answers: dict[str, str | None]) -> Path:
    """Write ``notebook`` to ``out`` with the cells named in ``answers`` replaced (None: deleted)."""
    nb = json.loads(notebook.read_text())
    cells = []
    for cell in nb["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
        if grade_id in answers:
            if answers[grade_id] is None:
                continue
            cell["source"] = answers[grade_id]
        cells.append(cell)
    nb["cells"] = cells
    out.write_text(json.dumps(nb))
    return out


def fixture_answers(path: Path) -> dict[str, str]:
    """The cells of a fixture file: each starts with a ``# cell: <grade id>`` line."""
    answers, current = {}, None
    for line in path.read_text().splitlines(keepends=True):
        if line.startswith(CELL_MARKER):
            current = line[len(CELL_MARKER):].strip()
            answers[current] = ""
        elif current is not None:
            answers[current] += line
    return {grade_id: source.strip() + "\n" for grade_id, source in answers.items()}


def grader(*args, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the real ``grader`` command."""
    return subprocess.run([sys.executable, "-m", "grader", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=900, check=False)


def check_json(paths: list[Path], cwd: Path = ROOT) -> tuple[list[dict], subprocess.CompletedProcess]:
    """``grader check --json`` on several notebooks: one result per notebook, in order."""
    process = grader("check", "--json", *paths, cwd=cwd)
    results = json.loads(process.stdout)
    return (results if isinstance(results, list) else [results]), process


def scores(result: dict) -> dict[str, float]:
    return {test["grade_id"]: test["score"] for test in result["tests"]}
