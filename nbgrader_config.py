"""nbgrader settings for instructors running nbgrader or formgrader from this folder.

The settings themselves live in grader/nbconfig.py, shared with `grader build` and `grader check`.
"""

import os

from grader.nbconfig import course_config

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)
c.merge(course_config(os.path.dirname(os.path.abspath(__file__))))
