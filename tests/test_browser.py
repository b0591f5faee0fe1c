"""Real browser: JupyterLab (Chinese UI) in headless Debian chromium runs lesson 01's typing widget."""

from __future__ import annotations

import pytest

from tests.browser import browser_page, chromium_path, jupyterlab, keep_evidence, open_and_run_all, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.browser]

needs_chromium = pytest.mark.skipif(
    chromium_path() is None, reason="chromium is not installed (.ci/run installs Debian's chromium)")


@needs_chromium
def test_typing_practice_in_jupyterlab(tmp_path):
    """The UI is Chinese; typing the shown phrase by hand and pressing Enter shows a scored result."""
    with jupyterlab(tmp_path) as (base, token), browser_page() as page, keep_evidence(page, tmp_path, "lesson01"):
        open_and_run_all(page, base, token, "lessons/01_cs_basics.ipynb")
        menubar = page.locator(".lm-MenuBar-content").inner_text()
        assert "文件" in menubar and "运行" in menubar, f"JupyterLab UI is not Chinese: {menubar!r}"

        phrase_view = page.locator(".cslab-typing-phrase").first
        phrase_view.wait_for(state="attached", timeout=60_000)
        phrase_view.evaluate("e => e.scrollIntoView({block: 'center'})")
        phrase_view.wait_for(timeout=10_000)
        phrase = phrase_view.inner_text().strip()
        assert phrase, "the typing widget shows no phrase"

        widget = page.locator(".widget-vbox", has=page.locator(".cslab-typing-phrase")).last
        box = widget.locator(".widget-text input").first
        box.click()
        page.keyboard.type(phrase, delay=120)  # by hand: one character at a time
        page.wait_for_timeout(800)
        box.press("Enter")

        result = widget.locator(".cslab-typing-result")
        result.wait_for(timeout=30_000)
        text = result.inner_text()
        screenshot(page, "lesson01_typing")
        assert "正确率" in text and "100" in text, text
        assert "粘贴" not in text, f"typing by hand was taken for a paste: {text}"
