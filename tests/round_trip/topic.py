"""One course topic as the round-trip tests see it: its files, points, fixtures and hidden lines.

A fixture under tests/fixtures/<slug>/ is a plausible wrong answer: ``# loses:`` names the
tests it must fail (ids without the slug), ``# cell:`` lines start the replacement cells. A
fixture without ``# loses:`` is bad input that a topic's own tests use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import nbformat

from ..notebooks import ROOT, check_json, fixture_answers, with_answers

LOSES = "# loses: "


@dataclass(frozen=True)
class TopicUnderTest:
    slug: str

    @property
    def source(self) -> Path:
        return ROOT / "course" / self.slug / f"{self.slug}.ipynb"

    @property
    def exercise(self) -> Path:
        return ROOT / "exercises" / self.slug / f"{self.slug}.ipynb"

    @property
    def solution(self) -> Path:
        return ROOT / "solutions" / self.slug / f"{self.slug}.ipynb"

    @property
    def fixtures(self) -> Path:
        return ROOT / "tests" / "fixtures" / self.slug

    @cached_property
    def points(self) -> dict[str, float]:
        """grade_id -> points of every test cell."""
        return {cell.metadata["nbgrader"]["grade_id"]: cell.metadata["nbgrader"]["points"]
                for cell in nbformat.read(self.source, as_version=4).cells
                if cell.metadata.get("nbgrader", {}).get("grade")}

    def fixture(self, name: str) -> dict[str, str]:
        return fixture_answers(self.fixtures / f"{name}.py")

    @cached_property
    def wrong_answers(self) -> dict[str, set[str]]:
        """fixture name -> the test cells it must fail; every other test keeps full marks."""
        found = {}
        for path in sorted(self.fixtures.glob("*.py")):
            header = next((line for line in path.read_text().splitlines() if line.startswith(LOSES)), None)
            if header:
                found[path.stem] = {f"{self.slug}-{name}" for name in header[len(LOSES):].split()}
        return found

    def expected_scores(self, lost: set[str]) -> dict[str, float]:
        return {gid: 0 if gid in lost else points for gid, points in self.points.items()}

    @cached_property
    def hidden_lines(self) -> set[str]:
        """Code lines that exist only inside hidden-test blocks of the source notebook."""
        hidden, visible = set(), set()
        for cell in nbformat.read(self.source, as_version=4).cells:
            inside = False
            for line in cell.source.splitlines():
                text = line.strip()
                if "BEGIN HIDDEN TESTS" in text or "END HIDDEN TESTS" in text:
                    inside = "BEGIN" in text
                    continue
                (hidden if inside else visible).add(text)
        return {line for line in hidden - visible if len(line) > 12 and not line.startswith("#")}

    def submissions(self) -> dict[str, dict[str, str] | Path]:
        """What the round trip grades: the answer key, the untouched exercise, every wrong answer."""
        return {"solution": self.solution, "stub": self.exercise,
                **{name: self.fixture(name) for name in self.wrong_answers}}

    def write(self, folder: Path, name: str, answers: dict[str, str | None] | Path) -> Path:
        """A submission file: a copy of a notebook, or the answer key with ``answers`` put in."""
        path = folder / f"{self.slug}--{name}.ipynb"
        if isinstance(answers, Path):
            path.write_bytes(answers.read_bytes())
            return path
        return with_answers(self.solution, path, answers)

    def grade(self, out: Path, submissions: dict[str, dict[str, str | None] | Path]):
        """Grade submissions in one ``grader check`` run: each is a path, or answers to put
        into the answer key. Returns ({name: result}, the finished process)."""
        paths = {name: answers if isinstance(answers, Path) else
                 with_answers(self.solution, out / f"{name}.ipynb", answers)
                 for name, answers in submissions.items()}
        results, process = check_json(list(paths.values()))
        return dict(zip(paths, results, strict=True)), process
