"""``grader build``: generate exercises/ and solutions/ from course/ with nbgrader.

Everything is generated into a scratch copy first, then either compared with the committed
folders (``check``) or synced into them. Solutions are executed only when their code changed,
so a second build rewrites nothing and ``git diff`` stays quiet.
"""

from __future__ import annotations

import filecmp
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbgrader.converters import GenerateAssignment, GenerateSolution

from grader.course import Topic, topics
from grader.errors import BuildError
from grader.nbconfig import CELL_TIMEOUT, course_config, put_tools_on_path, run_converter

GENERATED = ("exercises", "solutions")


@dataclass
class BuildReport:
    changed: list[str] = field(default_factory=list)  # repo-relative paths written or stale
    executed: list[str] = field(default_factory=list)


def build(root: Path, *, check: bool = False) -> BuildReport:
    """Regenerate (or, with ``check``, only compare) the generated folders under ``root``."""
    put_tools_on_path()
    report = BuildReport()
    with tempfile.TemporaryDirectory(prefix="grader-build-") as scratch:
        scratch_root = Path(scratch)
        shutil.copytree(root / "course", scratch_root / "course")
        all_topics = topics(root)
        generate(scratch_root, all_topics)
        for folder in GENERATED:
            _sync(scratch_root / folder, root / folder, root, report, check=check)
    return report


def generate(scratch_root: Path, course_topics: list[Topic]) -> None:
    """Run nbgrader's generate_assignment and generate_solution for every topic."""
    config = course_config(str(scratch_root), f"sqlite:///{scratch_root / 'gradebook.db'}")
    for topic in course_topics:
        for converter in (GenerateAssignment, GenerateSolution):
            ok, log = run_converter(converter, config, assignment_id=topic.slug)
            if not ok:
                raise BuildError(f"nbgrader {converter.__name__} failed for {topic.slug}:\n{log}")


def _sync(generated: Path, target: Path, root: Path, report: BuildReport, *, check: bool) -> None:
    wanted = {p.relative_to(generated) for p in generated.rglob("*") if p.is_file()}
    present = {p.relative_to(target) for p in target.rglob("*") if p.is_file()} if target.exists() else set()
    for rel in sorted(present - wanted):
        report.changed.append(str((target / rel).relative_to(root)))
        if not check:
            (target / rel).unlink()
    # Assets before notebooks: an answer key may read them when it is executed.
    for rel in sorted(wanted, key=lambda rel: (rel.suffix == ".ipynb", rel)):
        source, dest = generated / rel, target / rel
        answer_key = target.name == "solutions" and rel.suffix == ".ipynb"
        if _up_to_date(source, dest, answer_key=answer_key):
            continue
        report.changed.append(str(dest.relative_to(root)))
        if check:
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        if answer_key:
            execute_into(source, dest)
            report.executed.append(str(dest.relative_to(root)))
        else:
            shutil.copyfile(source, dest)


def _up_to_date(generated: Path, committed: Path, *, answer_key: bool) -> bool:
    """Byte-equal, or for an answer key: same cells, and already executed."""
    if not committed.exists():
        return False
    if not answer_key:
        return filecmp.cmp(generated, committed, shallow=False)
    fresh, executed = nbformat.read(generated, 4), nbformat.read(committed, 4)
    same_cells = _cell_sources(fresh) == _cell_sources(executed)
    return same_cells and executed.metadata.get("grader", {}).get("executed", False)


def _cell_sources(nb) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source) for cell in nb.cells]


def execute_into(notebook: Path, dest: Path) -> None:
    """Execute ``notebook`` top to bottom in its folder and write it, outputs included, to ``dest``."""
    nb = nbformat.read(notebook, 4)
    client = NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name="python3", record_timing=False,
        resources={"metadata": {"path": str(dest.parent)}},
    )
    try:
        client.execute()
    except CellExecutionError as error:
        raise BuildError(f"the answer key {dest.name} does not run cleanly:\n{error}") from None
    nb.metadata["grader"] = {"executed": True}
    nbformat.write(nb, dest)
