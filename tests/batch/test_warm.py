"""Warm kernels: a notebook's cells run in a fork of a warmed process, isolated, bounded."""

from __future__ import annotations

import re

import pytest

from grader.batch.warm import WarmKernel


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    warm = WarmKernel("import math\nWARMED = True", str(tmp_path_factory.mktemp("warm")), timeout=2)
    yield warm
    warm.close()


def outputs(kernel, tmp_path, *cells):
    return [result["outputs"] for result in kernel.run(list(cells), str(tmp_path))]


def test_outputs_have_the_kernel_message_shapes(kernel, tmp_path):
    printed, shown, result, failed = outputs(
        kernel, tmp_path, "print('hi')",
        "from IPython.display import display, HTML\ndisplay(HTML('<b>x</b>'))", "6 * 7", "1 / 0")
    assert printed == [{"output_type": "stream", "name": "stdout", "text": "hi\n"}]
    assert shown[0]["output_type"] == "display_data" and shown[0]["data"]["text/html"] == "<b>x</b>"
    assert result[0]["output_type"] == "execute_result" and result[0]["data"]["text/plain"] == "42"
    assert failed[0]["output_type"] == "error" and failed[0]["ename"] == "ZeroDivisionError"
    shown = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(failed[0]["traceback"]))
    assert "----> 1 1 / 0" in shown  # the full traceback, as a kernel shows it


def test_each_notebook_starts_from_the_warm_state_and_leaves_nothing_behind(kernel, tmp_path):
    outputs(kernel, tmp_path, "import math\nleaked = 1\nmath.leaked = 2")
    after = outputs(kernel, tmp_path, "import math\nprint('leaked' in dir(), hasattr(math, 'leaked'))")
    assert after[0][0]["text"] == "False False\n"


def test_the_setup_cell_runs_once_before_forking_and_its_names_are_cleared(kernel, tmp_path):
    """Nor is anything left of the traceback warm-up that runs after it."""
    shown = outputs(kernel, tmp_path, "print('WARMED' in dir(), 'warm_up' in dir())")
    assert shown[0][0]["text"] == "False False\n"


def test_cells_run_in_the_notebook_folder(kernel, tmp_path):
    (tmp_path / "asset.txt").write_text("data")
    assert outputs(kernel, tmp_path, "print(open('asset.txt').read())")[0][0]["text"] == "data\n"


def test_an_endless_loop_is_stopped_and_the_next_cells_still_run(kernel, tmp_path):
    loop, after = outputs(kernel, tmp_path, "while True:\n    pass", "print('after')")
    assert loop[0]["ename"] == "CellTimeoutError"
    assert after[0]["text"] == "after\n"


def test_a_loop_that_swallows_the_interrupt_is_killed_and_the_rest_is_run_again(kernel, tmp_path):
    before, loop, after = outputs(kernel, tmp_path, "x = 1",
                                  "while True:\n    try:\n        while True:\n            pass\n"
                                  "    except BaseException:\n        pass",
                                  "print(x + 1)")
    assert loop[0]["ename"] == "KernelDied" and "killed" in loop[0]["evalue"]
    assert after[0]["text"] == "2\n"  # state from the cells before was rebuilt


def test_a_dying_kernel_fails_only_its_cell(kernel, tmp_path):
    died, after = outputs(kernel, tmp_path, "import os\nos._exit(7)", "print('still here')")
    assert died[0]["ename"] == "KernelDied" and "exit code 7" in died[0]["evalue"]
    assert after[0]["text"] == "still here\n"


def test_memory_is_limited_per_notebook(kernel, tmp_path):
    hog, after = outputs(kernel, tmp_path, "hog = bytearray(64 * 1024**3)", "print('fine')")
    assert hog[0]["ename"] == "MemoryError"
    assert after[0]["text"] == "fine\n"


def test_huge_outputs_are_cut(kernel, tmp_path):
    spam = outputs(kernel, tmp_path, "for n in range(50_000):\n    print('spam', n)")[0]
    assert len(spam[0]["text"]) < 210_000 and "output cut" in spam[0]["text"]


def test_the_kernel_keeps_serving_after_all_that(kernel, tmp_path):
    assert outputs(kernel, tmp_path, "import math\nprint(math.pi > 3)")[0][0]["text"] == "True\n"
