"""Run notebook cells in an IPython shell and record their outputs as a Jupyter kernel would.

The outputs are what nbgrader scores (a test cell fails when it has an ``error`` output) and
what feedback shows, so they follow the kernel's message shapes: ``stream``, ``display_data``,
``execute_result`` and ``error``. Used inside a forked, throw-away process (see ``warm``).
"""

from __future__ import annotations

import os
import signal
import sys
from contextlib import contextmanager

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

#: Text a cell may print before the rest is dropped: a runaway print loop must not eat memory.
MAX_OUTPUT_CHARS = 200_000


class CellTimeoutError(Exception):
    """Raised inside a cell that runs past its time limit."""


class _Recorder:
    """The outputs of the cell being run, capped in size. Stream text is kept in pieces and
    joined once at the end: a loop printing 100,000 lines must not cost quadratic time."""

    def __init__(self):
        self._outputs: list[dict] = []
        self.chars = 0

    @property
    def outputs(self) -> list[dict]:
        for output in self._outputs:
            if isinstance(output.get("text"), list):
                output["text"] = "".join(output["text"])
        return self._outputs

    def clear(self) -> None:
        self._outputs.clear()

    def error(self, output: dict) -> None:
        self._outputs.append(output)

    def stream(self, name: str, text: str) -> None:
        if self.chars >= MAX_OUTPUT_CHARS or not text:
            return
        room = MAX_OUTPUT_CHARS - self.chars
        if len(text) > room:
            text = text[:room] + f"\n[output cut at {MAX_OUTPUT_CHARS:,} characters]\n"
        self.chars += len(text)
        last = self._outputs[-1] if self._outputs else None
        if last and last["output_type"] == "stream" and last["name"] == name:
            last["text"].append(text)
        else:
            self._outputs.append({"output_type": "stream", "name": name, "text": [text]})

    def rich(self, output_type: str, data: dict, metadata: dict | None, **extra) -> None:
        self.chars += sum(len(str(value)) for value in data.values())
        if self.chars < MAX_OUTPUT_CHARS:
            self._outputs.append({"output_type": output_type, "data": data,
                                 "metadata": metadata or {}, **extra})


class _Stream:
    """A text file that appends to the recorder (what ipykernel's OutStream does)."""

    encoding = "utf-8"

    def __init__(self, recorder_of, name):
        self._recorder_of, self.name = recorder_of, name

    def write(self, text) -> int:
        self._recorder_of().stream(self.name, str(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class _Publisher(DisplayPublisher):
    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        self.shell.recorder.rich("display_data", data, metadata)

    def clear_output(self, wait=False):
        self.shell.recorder.clear()


class _DisplayHook(DisplayHook):
    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        self.shell.recorder.rich("execute_result", format_dict, md_dict,
                                 execution_count=self.shell.execution_count)


class RecordingShell(InteractiveShell):
    """An InteractiveShell whose outputs go to a recorder instead of the terminal."""

    display_pub_class = _Publisher
    displayhook_class = _DisplayHook

    def __init__(self, **kwargs):
        self.recorder = _Recorder()
        super().__init__(**kwargs)
        sys.stdout = _Stream(lambda: self.recorder, "stdout")
        sys.stderr = _Stream(lambda: self.recorder, "stderr")

    @contextmanager
    def _tee(self, channel):
        """IPython 9 also copies every printed line into its history, which costs more than
        the print itself and keeps a runaway loop's output in memory: not here."""
        yield

    def _format_exception_for_storage(self, exception, filename=None, running_compiled_code=False):
        """IPython 9 formats every error a second time for its history (``%history``), which
        nobody reads in a graded notebook: a failing cell's traceback costs half as much."""
        return {"ename": type(exception).__name__, "evalue": str(exception), "traceback": []}

    def _showtraceback(self, etype, evalue, stb):
        self.recorder.error({"output_type": "error", "ename": etype.__name__,
                                      "evalue": str(evalue), "traceback": list(stb)})

    def run(self, source: str, timeout: float) -> list[dict]:
        """Run one cell, interrupted after ``timeout`` seconds; return its outputs."""
        self.recorder = _Recorder()
        signal.signal(signal.SIGALRM, _time_is_up(timeout))
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            self.run_cell(source, store_history=True)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        return self.recorder.outputs


def _time_is_up(timeout: float):
    def handler(signum, frame):
        raise CellTimeoutError(f"this cell ran for more than {timeout:g} s and was stopped "
                               "(an endless loop, or a wait for something that never happens?)")
    return handler


def new_shell() -> RecordingShell:
    """A shell like a fresh kernel's: matplotlib draws inline, history stays in memory."""
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    return RecordingShell.instance(config=config)
