"""A synthetic cohort in nbgrader's submitted/ layout: correct, partial, stub and broken notebooks.

Used by the batch-grading tests and by benchmarks/grading.py. Deterministic for a seed; every
notebook differs from the others (a learner comment), as real submissions do.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from .notebooks import ROOT, fixture_answers

#: Share of each kind in a cohort; "broken" cycles through BROKEN.
MIX = {"correct": 0.35, "partial": 0.3, "stub": 0.2, "broken": 0.15}
#: Broken submissions nbgrader and grader grade alike (kernel deaths are graded differently:
#: nbgrader gives up on the notebook, grader grades the other cells).
BROKEN = ("invalid-json", "endless-loop", "deleted-test-cell", "huge-output")


def make_cohort(submitted: Path, learners: int, topics: list[str], seed: int = 0) -> dict[tuple, str]:
    """Write ``learners`` x ``topics`` notebooks under ``submitted``; return {(learner, topic): kind}."""
    pick = random.Random(seed)
    kinds, broken = {}, 0
    for number in range(1, learners + 1):
        learner = f"learner{number:03d}"
        for topic in topics:
            kind = pick.choices(list(MIX), weights=list(MIX.values()))[0]
            if kind == "broken":
                kind, broken = BROKEN[broken % len(BROKEN)], broken + 1
            elif kind == "partial":
                kind = f"partial:{pick.choice(_wrong_answers(topic)).stem}"
            path = submitted / learner / topic / f"{topic}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(notebook(topic, kind, learner))
            kinds[learner, topic] = kind
    return kinds


def notebook(topic: str, kind: str, learner: str) -> str:
    """The text of one submission of ``kind`` for ``topic``."""
    base = "exercises" if kind == "stub" else "solutions"
    nb = json.loads((ROOT / base / topic / f"{topic}.ipynb").read_text())
    answers = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
    _set(answers[0], f"# {learner}\n" + _text(answers[0]))
    if kind.startswith("partial:"):
        fixture = ROOT / "tests" / "fixtures" / topic / f"{kind.split(':', 1)[1]}.py"
        for cell in nb["cells"]:
            replacement = fixture_answers(fixture).get(cell["metadata"].get("nbgrader", {}).get("grade_id"))
            if replacement is not None:
                _set(cell, replacement)
    elif kind == "endless-loop":
        _set(answers[0], "while True:\n    pass\n")
    elif kind == "huge-output":
        _set(answers[0], "for n in range(300_000):\n    print('line', n)\n" + _text(answers[0]))
    elif kind == "deleted-test-cell":
        tests = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
        nb["cells"].remove(tests[0])
    text = json.dumps(nb, indent=1)
    return text[: len(text) // 2] if kind == "invalid-json" else text


def _wrong_answers(topic: str) -> list[Path]:
    """The topic's wrong-answer fixtures, except those that only wait out the time limit."""
    return sorted(p for p in (ROOT / "tests" / "fixtures" / topic).glob("*.py") if "endless" not in p.stem)


def _text(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _set(cell, text: str) -> None:
    cell["source"] = text
