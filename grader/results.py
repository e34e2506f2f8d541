"""What grading a notebook produces: the stable shape behind ``grader check --json``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class TestResult:
    grade_id: str
    score: float
    max_score: float
    passed: bool
    message: str


@dataclass
class NotebookResult:
    notebook: str
    score: float = 0.0
    max_score: float = 0.0
    tests: list[TestResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    graded: bool = False  # False: nothing could be graded; the problems say why

    def to_json(self) -> dict:
        data = asdict(self)
        del data["graded"]
        return data
