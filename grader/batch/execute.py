"""nbgrader's Execute step, run in a warm forked process instead of a new Jupyter kernel.

Autograde's other steps are nbgrader's own, so restoring cells, scoring and the gradebook
behave exactly as with ``nbgrader autograde``; only where the cells run changes.
"""

from __future__ import annotations

import atexit

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from grader.batch.warm import WarmKernel
from grader.nbconfig import CELL_TIMEOUT

#: Warm kernels a worker keeps; jobs come sorted by topic, so older ones are rarely needed again.
MAX_KERNELS = 2
_kernels: dict[str, WarmKernel] = {}  # in order of last use


class WarmExecute(NbGraderPreprocessor):
    """Run every code cell of the notebook in a fork of the topic's warm kernel."""

    def preprocess(self, nb, resources):
        topic = resources["nbgrader"]["assignment"]
        code = [cell for cell in nb.cells if cell.cell_type == "code"]
        kernel = _kernels[topic]
        cwd = resources.get("metadata", {}).get("path") or "."
        for cell, result in zip(code, kernel.run([cell.source for cell in code], cwd), strict=True):
            cell.outputs = [nbformat.from_dict(output) for output in result["outputs"]]
            cell.execution_count = result["execution_count"]
        return nb, resources


def ensure_kernel(topic: str, setup_source: str, *, restart: bool = False) -> None:
    """Start this process's warm kernel for ``topic`` (once, or again after a failure)."""
    if restart and topic in _kernels:
        _kernels.pop(topic).close()
    kernel = _kernels.pop(topic, None) or WarmKernel(setup_source, ".", CELL_TIMEOUT)
    _kernels[topic] = kernel
    while len(_kernels) > MAX_KERNELS:
        _kernels.pop(next(iter(_kernels))).close()


@atexit.register
def close_kernels() -> None:
    while _kernels:
        _kernels.popitem()[1].close()
