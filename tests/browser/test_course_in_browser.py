"""The course in a real browser, as a learner meets it: `make lab`, open the VPC exercise, run it, Validate.

Needs Debian's chromium (/usr/bin/chromium) and the `playwright` package (dev extra); skipped without them
or with SKIP_BROWSER_TESTS=1. Screenshots go to $BROWSER_ARTIFACTS (default .test-output/browser/).
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from ..notebooks import ROOT
from ..servers import TOKEN, course_copy, get, serve

CHROMIUM = Path("/usr/bin/chromium")
NOTEBOOK = "06-secure-vpc/06-secure-vpc.ipynb"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MS = 1000

if os.environ.get("SKIP_BROWSER_TESTS"):
    pytest.skip("SKIP_BROWSER_TESTS is set", allow_module_level=True)
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is missing (pip install -e .[dev])")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`make lab` on a copy of the course, so running and saving cells never touches the repo's notebooks."""
    course = course_copy(tmp_path_factory.mktemp("course"))
    (course / "exercises" / "served-from-copy").touch()
    with serve("lab", cwd=course) as base:
        listing = json.loads(get(f"{base}/api/contents?token={TOKEN}")[1])["content"]
        assert "served-from-copy" in {item["name"] for item in listing}, "not serving the copy"
        yield base


@pytest.fixture
def page(tmp_path):
    artifacts = Path(os.environ.get("BROWSER_ARTIFACTS") or ROOT / ".test-output" / "browser")
    artifacts.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
            headless=True, viewport={"width": 1400, "height": 900})
        page = browser.pages[0] if browser.pages else browser.new_page()
        page.set_default_timeout(60 * MS)
        page.errors, page.misses = [], []
        page.on("pageerror", lambda error: page.errors.append(f"pageerror: {error}"))
        page.on("console", lambda msg: _console_error(page, msg))
        page.on("response", lambda r: _failed_response(page, r))
        page.shoot = lambda name: page.screenshot(path=str(artifacts / f"{name}.png"))
        try:
            yield page
        finally:
            browser.close()


def _wait_idle(page) -> None:
    # The toolbar says idle before the kernel connects; the status bar's "| Idle" is the real signal.
    page.locator("#jp-main-statusbar").get_by_text(re.compile(r"\|\s*Idle")).wait_for()


def test_learner_runs_and_validates_the_vpc_exercise(lab, page):
    timings, start = {}, time.monotonic()
    page.goto(f"{lab}/lab/tree/{NOTEBOOK}?token={TOKEN}")
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    notebook.locator(".jp-Cell").first.wait_for()
    _wait_idle(page)
    timings["open until idle"] = time.monotonic() - start
    page.shoot("1-notebook-loaded")

    concept = notebook.locator(".jp-MarkdownCell").filter(has_text="Concept").first
    diagram = notebook.locator(".jp-MarkdownCell .jp-RenderedMermaid img[src^='data:image/svg']").first
    diagram.wait_for()
    assert concept.bounding_box()["y"] < diagram.bounding_box()["y"], "no Mermaid diagram in the concept"

    start = time.monotonic()
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item", has_text=re.compile(r"^Run All Cells")).click()
    setup = notebook.locator(".jp-CodeCell").filter(has_text="from grader.sandbox import start").first
    setup.locator(".jp-InputPrompt", has_text=re.compile(r"\[\d+\]")).wait_for()
    notebook.locator(".jp-InputPrompt", has_text="[*]").first.wait_for(state="detached")
    _wait_idle(page)
    timings["run all"] = time.monotonic() - start
    setup.evaluate("cell => cell.scrollIntoView({block: 'center'})")
    page.shoot("2-after-run-all")
    errors = setup.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, errors.all_inner_texts()

    start = time.monotonic()
    page.locator(".jp-NotebookPanel-toolbar").get_by_role("button", name="Validate").click()
    dialog = page.locator(".jp-Dialog").filter(has_text="Validation Results")
    dialog.wait_for(timeout=180 * MS)
    dialog.locator(".jp-Dialog-body").filter(has_text=re.compile(r"\S")).wait_for()
    timings["validate"] = time.monotonic() - start
    page.shoot("3-validation-dialog")
    report = dialog.inner_text()
    assert "The following cell failed" in report and "NotImplementedError" in report, report
    assert "Success!" not in report, report
    dialog.locator(".jp-Dialog-footer button").last.click()
    dialog.wait_for(state="detached")

    menu = page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Nbgrader$"))
    if menu.count():
        menu.click()
        page.locator(".lm-Menu .lm-Menu-itemLabel").first.wait_for()
        entries = " | ".join(page.locator(".lm-Menu .lm-Menu-itemLabel").all_inner_texts())
        page.keyboard.press("Escape")
        assert "Assignment List" in entries, entries
        for tool in ("Formgrader", "Course List", "Create Assignment"):
            assert tool.lower() not in entries.lower(), entries
    right_tabs = page.locator(".jp-SideBar.jp-mod-right .lm-TabBar-tab")
    assert not right_tabs.filter(has_text="Create Assignment").count()
    assert not page.locator("[title*='Create Assignment']").count()
    assert page.request.get(f"{lab}/formgrader?token={TOKEN}").status == 404

    print("timings (s):", {step: round(seconds, 1) for step, seconds in timings.items()})
    print("requests that failed without breaking the page:", page.misses)
    assert not page.errors, page.errors


#: Requests whose failure a learner would notice: the notebook, its kernel, nbgrader's endpoints.
ESSENTIAL = ("/api/contents/", "/api/kernels", "/api/sessions", "/assignments", "/nbgrader_version")


def _console_error(page, message) -> None:
    """JavaScript errors fail the test; "Failed to load resource" lines are judged by their
    response below, which names the URL (an optional asset can 404 on a slow machine)."""
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        page.errors.append(f"console: {message.text}")


def _failed_response(page, response) -> None:
    if response.status < 400:
        return
    essential = response.status >= 500 or any(part in response.url for part in ESSENTIAL)
    (page.errors if essential else page.misses).append(f"http {response.status}: {response.url}")
