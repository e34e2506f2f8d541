"""Short failure messages in a learner's notebook, with the full traceback one click away.

A failed check already says what was expected, what was found and what to try; forty lines of
traceback around it bury that. In an IPython kernel this shows the message alone (still as an
error, so nbgrader scores the cell as failed) and folds the traceback into a <details> block.
"""

from __future__ import annotations

import html
import re

from grader.errors import CheckFailed, NetworkBlocked

#: Marks the folded-traceback output, so feedback for teachers can drop it (it quotes hidden tests).
TRACEBACK_METADATA = {"grader": {"traceback": True}}
NOT_ANSWERED = "Not answered yet: replace `raise NotImplementedError()` with your code."
NOT_SUPPORTED = "This course's mock AWS does not support that call ({detail})."
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def install() -> None:
    """Use the short form for the errors a learner is meant to read; leave the rest alone."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to change
        return
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((CheckFailed, NetworkBlocked, NotImplementedError), _brief)


def summary(error: BaseException) -> str:
    """The one message to show for ``error``."""
    if isinstance(error, NotImplementedError) and not isinstance(error, CheckFailed):
        return NOT_ANSWERED if not str(error) else NOT_SUPPORTED.format(detail=error)
    return f"{type(error).__name__}: {error}"


def _brief(shell, etype, value, tb, tb_offset=None):
    from IPython.display import HTML, display

    full = _ANSI.sub("", "\n".join(
        shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)))
    display(HTML("<details><summary>Show the full traceback</summary>"
                 f"<pre>{html.escape(full)}</pre></details>"), metadata=TRACEBACK_METADATA)
    brief = [summary(value)]
    shell._showtraceback(etype, value, brief)  # IPython ignores what a handler returns here
    return brief
