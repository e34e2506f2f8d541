"""Batch grading: a cohort's notebooks in, an nbgrader gradebook, reports and feedback out.

nbgrader still does the grading (cell restoring, scoring, gradebook, feedback); what this
package changes is how the cells run. Instead of a new Jupyter kernel per notebook, which
spends most of its time starting, importing boto3 and moto and shutting down, each worker
keeps a warm process per topic and forks it for every notebook (:mod:`grader.batch.warm`).
"""
