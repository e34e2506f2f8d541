"""Print the course engine's speed figures (issue 2, section 9): median of 5 runs each.

    .venv/bin/python benchmarks/engine.py [--runs 5] [--topic 06-secure-vpc]

1. the setup cell, in a fresh interpreter (imports, moto start, pre-warm);
2. the topic's answer key top to bottom, kernel start included (nbclient);
3. `grader check` on that notebook (a fresh CLI process, as a learner runs it);
4. plain `nbgrader autograde` of the same notebook, default settings, in the same run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from grader.nbconfig import put_tools_on_path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SETUP_CELL = "from grader.sandbox import start\nstart(prewarm=('ec2',))"


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def run(*command, cwd=ROOT) -> None:
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)


def setup_cell() -> float:
    code = f"import time; t = time.perf_counter()\n{SETUP_CELL}\nprint(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(out.stdout.split()[-1])


def answer_key(topic: str) -> float:
    nb = nbformat.read(ROOT / "solutions" / topic / f"{topic}.ipynb", 4)
    client = NotebookClient(nb, timeout=60, kernel_name="python3")
    return timed(client.execute)


def grader_check(topic: str) -> float:
    notebook = ROOT / "solutions" / topic / f"{topic}.ipynb"
    return timed(lambda: run(str(BIN / "grader"), "check", str(notebook)))


def plain_course(topic: str) -> Path:
    """An nbgrader course with default settings, the answer key submitted by one student."""
    course = Path(tempfile.mkdtemp(prefix="plain-nbgrader-"))
    shutil.copytree(ROOT / "course" / topic, course / "source" / topic)
    submitted = course / "submitted" / "s1" / topic
    submitted.mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / topic / f"{topic}.ipynb", submitted)
    (course / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = 'plain'\n")
    run(str(BIN / "nbgrader"), "generate_assignment", topic, cwd=course)
    return course


def plain_autograde(topic: str, course: Path) -> float:
    command = [str(BIN / "nbgrader"), "autograde", topic, "--student=s1", "--force"]
    return timed(lambda: run(*command, cwd=course))


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=5)
    options.add_argument("--topic", default="06-secure-vpc")
    args = options.parse_args()
    put_tools_on_path()  # plain nbgrader runs `alembic` from PATH
    course = plain_course(args.topic)
    figures = {
        "setup cell (fresh interpreter)": setup_cell,
        f"{args.topic} answer key, kernel start included": lambda: answer_key(args.topic),
        "grader check, one notebook (CLI)": lambda: grader_check(args.topic),
        "plain nbgrader autograde, same notebook (CLI)": lambda: plain_autograde(args.topic, course),
    }
    grader_check(args.topic)  # the first check ever prepares a cached gradebook: not what we measure
    print(f"median of {args.runs} runs, seconds")
    for name, measure in figures.items():
        samples = [measure() for _ in range(args.runs)]
        print(f"{statistics.median(samples):7.2f}  [{min(samples):.2f}-{max(samples):.2f}]  {name}")
    shutil.rmtree(course)


if __name__ == "__main__":
    main()
