"""Real browser: JupyterLab (Chinese UI) in headless Debian chromium runs the lessons' widgets."""

from __future__ import annotations

import pytest

from tests.browser import (browser_page, chromium_path, jupyterlab, keep_evidence, open_and_run_all, screenshot,
                           send_chat_reply)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None,
                       reason="chromium is not installed (.ci/run installs Debian's chromium)"),
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One JupyterLab server for the module's tests (each test opens its own page)."""
    tmp = tmp_path_factory.mktemp("lab")
    with jupyterlab(tmp) as (base, token):
        yield base, token, tmp


def test_typing_practice_in_jupyterlab(lab):
    """The UI is Chinese; typing the shown phrase by hand and pressing Enter shows a scored result."""
    base, token, tmp = lab
    with browser_page() as page, keep_evidence(page, tmp, "lesson01"):
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


def test_reply_practice_in_jupyterlab(lab):
    """Lesson 03: a reply typed into the practice widget comes back scored, checkpoint by checkpoint."""
    base, token, tmp = lab
    with browser_page() as page, keep_evidence(page, tmp, "lesson03"):
        open_and_run_all(page, base, token, "lessons/03_communication.ipynb")
        button = page.locator("button.jupyter-button", has_text="提交评分").first
        button.wait_for(state="attached", timeout=60_000)
        button.evaluate("e => e.scrollIntoView({block: 'center'})")
        widget = page.locator(".widget-vbox", has=button).last
        widget.locator(".widget-textarea textarea").first.fill("在")  # a poor, one-word reply
        button.click()
        verdict = widget.locator(".cslab-reply-verdict")
        verdict.wait_for(timeout=30_000)
        assert "总分" in verdict.inner_text()
        result = verdict.locator("xpath=..").inner_text()  # the verdict and the checkpoint table
        assert "检查点" in result or "✓" in result or "✗" in result, f"no checkpoint table: {result[:200]}"
        assert "✗" in result, f"a one-word reply must fail some checkpoints: {result[:300]}"
        screenshot(page, "lesson03_reply")


def test_chat_simulator_in_jupyterlab(lab):
    """Lesson 04: a reply typed into the chat simulator and sent with Enter gets the customer's answer and feedback."""
    base, token, tmp = lab
    with browser_page() as page, keep_evidence(page, tmp, "lesson04"):
        open_and_run_all(page, base, token, "lessons/04_pre_sales.ipynb")
        log = page.locator(".cslab-chat-log").first
        log.wait_for(state="attached", timeout=60_000)
        log.evaluate("e => e.scrollIntoView({block: 'center'})")
        sim = page.locator(".widget-vbox", has=page.locator(".cslab-chat-log")).last
        before = sim.locator(".cslab-customer").count()
        assert before >= 1, "the customer has not opened the conversation"
        timer = sim.locator(".cslab-timer")
        timer.wait_for(timeout=20_000)                       # the response-time timer ticks in the page
        page.wait_for_function("() => /已等待 [1-9]/.test(document.querySelector('.cslab-timer').textContent)",
                               timeout=20_000)
        feedback = send_chat_reply(page, sim, "亲，您好！欢迎光临悦衣小铺，我是客服小林，请问有什么可以帮您？", delay=20)
        assert "分" in feedback and ("✓" in feedback or "✗" in feedback), feedback[:300]
        assert "买家的反应" in feedback, feedback[:300]
        assert sim.locator(".cslab-agent").count() >= 1
        screenshot(page, "lesson04_chat")
