"""Find a cohort's notebooks in what a teacher has: nbgrader's folders, a flat folder, a zip.

- nbgrader's ``submitted/<student>/<assignment>/<notebook>.ipynb`` (what ``nbgrader collect``
  leaves);
- a flat folder (or a zip, unpacked with nbgrader's own extractor plugin) of LMS downloads,
  whose file names carry the learner: Canvas's ``<name>_[LATE_]<user id>_<submission id>_<file>``
  is read with nbgrader's file-name collector; other names give the learner from the file name.

Every notebook is matched to its topic by its content (its nbgrader cell ids), so a renamed
notebook is still graded; one that belongs to no topic is reported, not dropped.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.plugins import ExtractorPlugin, FileNameCollectorPlugin

from grader.autograde import grade_ids
from grader.cache import fingerprint
from grader.course import Topic, topic_of

CANVAS_NAME = (r"^(?P<student_id>[^_]+)_(?:LATE_|late_)?(?P<user_id>\d+)_(?P<submission_id>\d+)_"
               r"(?P<file_id>.+)$")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.@-]+")
_quiet = logging.getLogger("grader.batch.quiet")
_quiet.addHandler(logging.NullHandler())
_quiet.propagate = False


@dataclass
class Submission:
    student: str
    path: Path
    assignment: str = ""  # the assignment folder it was handed in under (nbgrader's layout)
    topic: Topic | None = None
    digest: str = ""
    problem: str = ""  # why it cannot be graded; "" when it can
    note: str = ""  # something the teacher should know, though it is graded


def discover(inputs: Path, root: Path, scratch: Path) -> list[Submission]:
    """Every notebook under ``inputs`` (a folder or a zip), with its learner and topic."""
    if inputs.is_file():
        inputs = _extracted(inputs, scratch)
    if _is_nbgrader_layout(inputs):
        found = [Submission(_safe(p.parts[-3]), p, assignment=p.parts[-2]) for p in _notebooks(inputs)]
    else:
        names = FileNameCollectorPlugin(named_regexp=CANVAS_NAME, log=_quiet)
        found = [Submission(_student_of(p, inputs, names), p) for p in _notebooks(inputs)]
    for submission in found:
        _identify(submission, root)
    return _newest_per_learner_and_topic(found)


def _extracted(archive: Path, scratch: Path) -> Path:
    """Unpack with nbgrader's extractor (it walks a folder of archives: give it one holding
    just this one) and step into the folders that only wrap others, down to nbgrader's layout
    if the archive has it."""
    holder = Path(tempfile.mkdtemp(prefix="archive-", dir=scratch))
    (holder / archive.name).symlink_to(archive.resolve())
    folder = Path(tempfile.mkdtemp(prefix="extracted-", dir=scratch))
    ExtractorPlugin(log=_quiet).extract(str(holder), str(folder))
    while not _is_nbgrader_layout(folder) and len(entries := list(folder.iterdir())) == 1 \
            and entries[0].is_dir():
        folder = entries[0]
    return folder


def _is_nbgrader_layout(folder: Path) -> bool:
    notebooks = list(_notebooks(folder))
    return bool(notebooks) and all(_depth(p, folder) == 3 for p in notebooks)


def _notebooks(folder: Path):
    return sorted(p for p in folder.rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts and "__MACOSX" not in p.parts)


def _depth(path: Path, folder: Path) -> int:
    return len(path.relative_to(folder).parts)


def _student_of(path: Path, folder: Path, names: FileNameCollectorPlugin) -> str:
    match = names.collect(path.name)
    if match:
        return _safe(match["student_id"])
    relative = path.relative_to(folder)
    return _safe(relative.parts[0] if len(relative.parts) > 1 else path.stem)


def _safe(name: str) -> str:
    return _UNSAFE.sub("-", name).strip("-.") or "unnamed"


def _identify(submission: Submission, root: Path) -> None:
    data = submission.path.read_bytes()
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as error:  # nbformat raises several unrelated types for bad files
        submission.problem = f"not a readable notebook ({type(error).__name__}): it was not graded"
        return
    submission.topic = topic_of(grade_ids(nb), root)
    if submission.topic is None:
        submission.problem = "not a notebook of this course: it has no graded cells of any topic"
        return
    submission.digest = hashlib.sha256(data + fingerprint(submission.topic).encode()).hexdigest()
    if submission.assignment and submission.assignment != submission.topic.slug:
        submission.note = (f"handed in as {submission.assignment}, but it is the notebook of "
                           f"{submission.topic.slug}: graded as {submission.topic.slug}")


def _newest_per_learner_and_topic(found: list[Submission]) -> list[Submission]:
    """Two notebooks of one learner for one topic: grade the newest, report the other."""
    kept: dict[tuple[str, str], Submission] = {}
    for submission in found:
        if submission.topic is None:
            continue
        key = (submission.student, submission.topic.slug)
        other = kept.get(key)
        if other is None or submission.path.stat().st_mtime > other.path.stat().st_mtime:
            if other is not None:
                _superseded(other, submission)
            kept[key] = submission
        else:
            _superseded(submission, other)
    return found


def _superseded(older: Submission, newer: Submission) -> None:
    older.problem = (f"{older.student} handed in another notebook of {older.topic.slug} "
                     f"({newer.path.name}), which is newer: only that one was graded")
