"""The ``grader`` command line: one parser, one short function per command.

Exit codes: 0 done, 1 could not do it (``ErrorType: message`` on stderr), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from grader.errors import GraderError
from grader.startup import quiet_and_quick


def cmd_build(args) -> int:
    """Generate exercises/ and solutions/ from course/ (nbgrader), executing the solutions.

    With --check, change nothing: list the generated files that are stale and exit 1 if any.
    Example: grader build --check
    """
    from grader.build import build
    from grader.course import find_root

    report = build(find_root(), check=args.check)
    for path in report.changed:
        print(f"{'stale' if args.check else 'wrote'}  {path}")
    if args.check and report.changed:
        print("Generated files are stale: run `grader build` and commit the result.", file=sys.stderr)
        return 1
    print("up to date" if not report.changed else f"{len(report.changed)} file(s) written")
    return 0


def cmd_check(args) -> int:
    """Autograde notebooks as nbgrader would, without changing them, and show each test.

    Exits 0 when every notebook was graded (whatever the score), 1 when one could not be.
    Example: grader check exercises/06-secure-vpc/06-secure-vpc.ipynb
    """
    from grader.autograde import check
    from grader.course import find_root

    results = check([Path(p) for p in args.notebooks], find_root())
    if args.json:
        data = [r.to_json() for r in results]
        print(json.dumps(data[0] if len(data) == 1 else data, indent=2))
    else:
        for result in results:
            print(_table(result))
    return 0 if all(r.graded for r in results) else 1


def cmd_progress(args) -> int:
    """Show every topic with the points earned so far, graded from your saved notebooks.

    Results are cached by content: a second call is instant, and only changed notebooks are
    graded again. Example: grader progress
    """
    from dataclasses import asdict

    from grader.course import find_root
    from grader.progress import collect, table

    rows = collect(find_root(), Path(args.notebooks) if args.notebooks else None)
    print(json.dumps([asdict(r) for r in rows], indent=2) if args.json else table(rows))
    return 0


def _table(result) -> str:
    lines = [f"{result.notebook}: {result.score:g} / {result.max_score:g} points"]
    for test in result.tests:
        mark = "pass" if test.passed else "FAIL"
        lines.append(f"  {mark}  {test.score:g}/{test.max_score:g}  {test.grade_id}")
        lines.extend(f"          {line}" for line in test.message.splitlines())
    lines.extend(f"  problem: {problem}" for problem in result.problems)
    return "\n".join(lines)


def cmd_grade(args) -> int:
    """Grade a cohort: nbgrader's submitted/ folder, a folder or a zip of LMS downloads.

    Writes into OUT (an nbgrader course folder): the gradebook, autograded/ and feedback/, plus
    grades.csv, problems.csv, summary.json and report.html. Runs in parallel; a re-run grades
    only new or changed notebooks. Exits 0 when every notebook was graded, 1 when some could
    not be (problems.csv says why). Example: grader grade submitted --out grading
    """
    from grader.batch.run import grade_cohort

    try:
        cohort = grade_cohort(Path(args.submissions), Path(args.out), workers=args.workers,
                              db_url=args.db, scheduler=args.scheduler, progress=not args.quiet,
                              feedback=not args.no_feedback)
    except KeyboardInterrupt:
        print(f"Interrupted. Every notebook graded so far is kept in {args.out}: run the same "
              "command again to grade the rest.", file=sys.stderr)
        return 130
    graded = sum(o.result.graded for o in cohort.outcomes)
    failed = len(cohort.outcomes) - graded + len(cohort.rejected)
    print(f"{graded} notebook(s) graded ({cohort.reused} unchanged since the last run), "
          f"{failed} not graded. Report: {Path(args.out) / 'report.html'}")
    return 1 if failed else 0


COMMANDS = {"build": cmd_build, "check": cmd_check, "progress": cmd_progress, "grade": cmd_grade}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="grader", description="AWS Hands-On course tools.")
    sub = top.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="generate exercises/ and solutions/", description=cmd_build.__doc__)
    build.add_argument("--check", action="store_true", help="only report stale files")
    check = sub.add_parser("check", help="autograde notebooks", description=cmd_check.__doc__)
    check.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    check.add_argument("--json", action="store_true", help="print results as JSON")
    progress = sub.add_parser("progress", help="points per topic so far",
                              description=cmd_progress.__doc__)
    progress.add_argument("--notebooks", metavar="DIR", help="where your notebooks are (exercises/)")
    progress.add_argument("--json", action="store_true", help="print results as JSON")
    grade = sub.add_parser("grade", help="grade a cohort in parallel", description=cmd_grade.__doc__)
    grade.add_argument("submissions", metavar="SUBMISSIONS", help="submitted/ folder, folder or zip")
    grade.add_argument("--out", required=True, metavar="DIR", help="course folder for the results")
    grade.add_argument("--workers", type=int, metavar="N", help="parallel workers (default: cores)")
    grade.add_argument("--db", metavar="URL", help="SQLAlchemy URL of the gradebook "
                       "(default: sqlite in DIR), e.g. postgresql+psycopg://user@host/db")
    grade.add_argument("--scheduler", metavar="ADDRESS", help="grade on a Dask cluster (tcp://host:8786)")
    grade.add_argument("--quiet", action="store_true", help="no progress bar")
    grade.add_argument("--no-feedback", action="store_true",
                       help="grades only, no feedback pages (later: nbgrader generate_feedback)")
    return top


def main(argv: list[str] | None = None) -> int:
    quiet_and_quick()
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (GraderError, FileNotFoundError) as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
