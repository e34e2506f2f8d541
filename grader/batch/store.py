"""What has been graded so far, one small JSON file per learner and topic.

Written by the coordinating process as each notebook finishes, atomically, so an interrupted
run keeps everything it finished and a re-run grades only new or changed notebooks (same
content hash and course version: skipped).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from grader.batch.grading import Job, Outcome
from grader.results import NotebookResult, TestResult


class OutcomeStore:
    def __init__(self, out: Path):
        self.folder = out / ".grader" / "outcomes"
        self.folder.mkdir(parents=True, exist_ok=True)

    def save(self, outcome: Outcome) -> None:
        path = self._path(outcome.job)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(asdict(outcome), indent=1))
        partial.replace(path)

    def load(self, job: Job) -> Outcome | None:
        """The outcome recorded for exactly this notebook (same digest), if it was graded: one
        that could not be graded, or is now wanted with the feedback it lacks, is done again."""
        try:
            data = json.loads(self._path(job).read_text())
        except (OSError, ValueError):
            return None
        if data["job"]["digest"] != job.digest or not data["result"]["graded"] or \
                (job.feedback and not data["feedback"]):
            return None
        result = data["result"]
        result["tests"] = [TestResult(**test) for test in result["tests"]]
        return Outcome(job=Job(**data["job"]), result=NotebookResult(**result),
                       seconds=data["seconds"], feedback=data["feedback"])

    def _path(self, job: Job) -> Path:
        return self.folder / f"{job.student}--{job.topic}.json"
