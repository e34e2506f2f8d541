"""What a teacher reads after ``grader grade``: grades.csv, problems.csv, summary.json, report.html.

grades.csv has one row per learner and topic (a topic a learner did not hand in is a row too,
marked ``not submitted``) and a ``TOTAL`` row per learner. A notebook that could not be graded
says ``not graded``, never a silent 0. report.html is one page with plots, readable in a minute.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from collections import Counter
from pathlib import Path

import pandas as pd

from grader.batch.run import Cohort

TOTAL = "TOTAL"
_TEST_SUFFIX = re.compile(r"-test-\d+$")


def write(out: Path, cohort: Cohort) -> None:
    grades = grade_table(cohort)
    grades.to_csv(out / "grades.csv", index=False)
    problem_table(cohort).to_csv(out / "problems.csv", index=False)
    summary = summarise(cohort, grades)
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    (out / "report.html").write_text(_page(summary, grades, tests_table(cohort)))


def grade_table(cohort: Cohort) -> pd.DataFrame:
    rows = [{"student": o.job.student, "topic": o.job.topic, "score": o.result.score,
             "max_score": o.result.max_score, "status": "graded" if o.result.graded else "not graded",
             "seconds": round(o.seconds, 2), "feedback": o.feedback, "notebook": o.job.notebook}
            for o in cohort.outcomes]
    table = pd.DataFrame(rows, columns=["student", "topic", "score", "max_score", "status", "seconds",
                                        "feedback", "notebook"])
    maxima = table[table.status == "graded"].groupby("topic").max_score.max()
    table["max_score"] = table.topic.map(maxima).fillna(table.max_score)
    students = sorted(set(table.student) | {s.student for s in cohort.rejected})
    missing = [{"student": s, "topic": t, "score": 0.0, "max_score": maxima.get(t, 0.0),
                "status": "not submitted"}
               for s in students for t in maxima.index
               if not ((table.student == s) & (table.topic == t)).any()]
    table = pd.concat([table, pd.DataFrame(missing, columns=table.columns)], ignore_index=True)
    totals = table.groupby("student", as_index=False)[["score", "max_score"]].sum()
    totals["topic"], totals["status"] = TOTAL, ""
    table = pd.concat([table, totals], ignore_index=True)
    table["percent"] = (100 * table.score / table.max_score.where(table.max_score > 0)).round(1)
    table = table.sort_values(["student", "topic"], key=lambda c: c.replace(TOTAL, "~"))
    return table[["student", "topic", "score", "max_score", "percent", "status", "seconds",
                  "feedback", "notebook"]].reset_index(drop=True)


def problem_table(cohort: Cohort) -> pd.DataFrame:
    rows = [(s.student, s.topic.slug if s.topic else "", str(s.path), s.problem) for s in cohort.rejected]
    rows += [(s.student, s.topic.slug, str(s.path), s.note) for s in cohort.notes]
    rows += [(o.job.student, o.job.topic, o.job.notebook, problem)
             for o in cohort.outcomes for problem in o.result.problems]
    return pd.DataFrame(rows, columns=["student", "topic", "notebook", "problem"])


def tests_table(cohort: Cohort) -> pd.DataFrame:
    """One row per graded test cell of every graded notebook."""
    rows = [{"student": o.job.student, "topic": o.job.topic, "test": t.grade_id,
             "exercise": _TEST_SUFFIX.sub("", t.grade_id.removeprefix(o.job.topic + "-")),
             "passed": t.passed, "message": t.message}
            for o in cohort.outcomes if o.result.graded for t in o.result.tests]
    columns = ["student", "topic", "test", "exercise", "passed", "message"]
    return pd.DataFrame(rows, columns=columns).astype({"passed": bool})  # bool even when empty


def summarise(cohort: Cohort, grades: pd.DataFrame) -> dict:
    tests = tests_table(cohort)
    per_topic = grades[(grades.topic != TOTAL) & (grades.status == "graded")]
    topics = {}
    for topic, rows in per_topic.groupby("topic"):
        topic_tests = tests[tests.topic == topic]
        topics[topic] = {
            "graded": len(rows), "max_score": float(rows.max_score.max()),
            "mean": round(float(rows.score.mean()), 2), "median": float(rows.score.median()),
            "full_marks": int((rows.score == rows.max_score).sum()),
            "scores": sorted(rows.score.tolist()),
            "exercise_pass_rate": {name: round(float(group.passed.mean()), 3)
                                   for name, group in topic_tests.groupby("exercise", sort=False)},
        }
    failures = Counter(zip(tests[~tests.passed].topic, tests[~tests.passed].message, strict=True))
    slowest = sorted(cohort.outcomes, key=lambda o: o.seconds, reverse=True)[:10]
    status = Counter(grades[grades.topic != TOTAL].status)
    return {
        "learners": int(grades.student.nunique()),
        "notebooks_found": len(cohort.outcomes) + len(cohort.rejected),
        "graded": status["graded"], "not_graded": status["not graded"] + len(cohort.rejected),
        "not_submitted": status["not submitted"], "reused_from_earlier_run": cohort.reused,
        "problems": len(problem_table(cohort)),
        "topics": topics,
        "common_failures": [{"topic": t, "message": m, "count": n} for (t, m), n in failures.most_common(10)],
        "slowest": [{"student": o.job.student, "topic": o.job.topic, "seconds": round(o.seconds, 2)}
                    for o in slowest],
    }


def _page(summary: dict, grades: pd.DataFrame, tests: pd.DataFrame) -> str:
    figures = "".join(f'<img alt="{alt}" src="data:image/png;base64,{png}">'
                      for alt, png in _figures(summary, tests))
    overview = pd.DataFrame([{"topic": t, "graded": d["graded"], "mean": d["mean"], "median": d["median"],
                              "max": d["max_score"], "full marks": d["full_marks"]}
                             for t, d in summary["topics"].items()])
    shown = grades.percent.map("{:.0f} %".format).where(grades.status.isin(["graded", ""]), grades.status)
    board = grades.assign(shown=shown).pivot(index="student", columns="topic", values="shown")
    sections = [
        ("Overview", f"<p>{summary['learners']} learners, {summary['graded']} notebooks graded, "
                     f"{summary['not_graded']} not graded, {summary['not_submitted']} not submitted, "
                     f"{summary['problems']} problems listed in <code>problems.csv</code>.</p>"
                     + overview.to_html(index=False)),
        ("Scores and pass rates", figures),
        ("Most common failure messages", pd.DataFrame(summary["common_failures"]).to_html(index=False)),
        ("Slowest notebooks", pd.DataFrame(summary["slowest"]).to_html(index=False)),
        ("Percent per learner and topic", board.to_html(na_rep="-")),
    ]
    body = "".join(f"<h2>{html.escape(title)}</h2>{content}" for title, content in sections)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Grading report</title>"
            f"<style>{_CSS}</style></head><body><h1>Grading report</h1>{body}</body></html>")


def _figures(summary: dict, tests: pd.DataFrame):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    topics = summary["topics"]
    if not topics:
        return
    fig, axes = plt.subplots(1, len(topics), figsize=(4 * len(topics), 3), squeeze=False)
    for ax, (topic, data) in zip(axes[0], topics.items(), strict=True):
        ax.hist(data["scores"], bins=min(10, int(data["max_score"]) + 1), range=(0, data["max_score"]),
                color="#3b6ea5")
        ax.set(title=topic, xlabel="score", ylabel="learners")
    yield "score distribution per topic", _png(fig)
    rates = tests.groupby(["topic", "exercise"], sort=False).passed.mean()
    fig, ax = plt.subplots(figsize=(8, 0.3 * len(rates) + 1))
    labels = [f"{topic}: {exercise}" for topic, exercise in rates.index]
    ax.barh(labels[::-1], (100 * rates.values)[::-1], color="#5a9e6f")
    ax.set(xlabel="tests passed (%)", xlim=(0, 100), title="pass rate per exercise")
    yield "pass rate per exercise", _png(fig)


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=80)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


_CSS = ("body{font-family:sans-serif;max-width:70em;margin:2em auto;color:#222}"
        "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em}"
        "img{max-width:100%;display:block;margin:1em 0}")
