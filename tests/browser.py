"""Real-browser helpers: JupyterLab (Chinese UI) served on loopback, driven in Debian's chromium.

Playwright drives the system browser through ``executable_path``; no browser is downloaded.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
#: Run menu → Run All, independent of the UI language
RUN_ALL = '.lm-Menu-item[data-command="runmenu:run-all"]'
KERNEL_IDLE = '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status="idle"]'


def chromium_path() -> str | None:
    """The system chromium, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(tmp_path: Path, folders=("lessons",)):
    """Start JupyterLab on loopback with the Chinese UI; yield its base URL with token.

    It serves a throw-away copy of ``folders``: JupyterLab autosaves notebooks it runs,
    and the repository's notebooks must stay without outputs.
    """
    root_dir = tmp_path / "course"
    for folder in folders:
        shutil.copytree(ROOT / folder, root_dir / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    config = tmp_path / "jupyter-config"
    (config / "labconfig").mkdir(parents=True)
    from cslab.labsetup import OVERRIDES

    # Render every cell (no windowing), so that widgets far down a lesson are in the DOM.
    overrides = dict(OVERRIDES, **{"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}})
    (config / "labconfig" / "default_setting_overrides.json").write_text(
        json.dumps(overrides), encoding="utf-8")
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               CSLAB_WORKDIR=str(tmp_path / "work"), MPLBACKEND="module://matplotlib_inline.backend_inline")
    log = open(tmp_path / "jupyterlab.log", "w", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root_dir}", "--LabApp.news_url=", "--ServerApp.port_retries=0"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start:\n" + (tmp_path / "jupyterlab.log").read_text())
                time.sleep(0.25)
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextlib.contextmanager
def browser_page():
    """A Playwright page in headless Debian chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            yield page
        finally:
            browser.close()


#: input prompts of the notebook in the visible tab (JupyterLab may restore other tabs)
_PROMPTS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt"


def _all_cells_ran(page) -> bool:
    """True when every code cell shows an execution count (none pending ``[*]`` or unrun ``[ ]``)."""
    return page.evaluate("""(CELLS) => {
        const prompts = [...document.querySelectorAll(CELLS)];
        const ran = p => /\\[\\d+\\]/.test(p.textContent);
        // a cell whose input is collapsed shows an empty prompt
        return prompts.some(ran) && prompts.every(p => ran(p) || p.textContent.trim() === '');
    }""", _PROMPTS)


def _any_cell_started(page) -> bool:
    """True when some code cell is running or has run (``[*]`` or ``[n]``)."""
    return page.evaluate("""(CELLS) => [...document.querySelectorAll(CELLS)]
        .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))""", _PROMPTS)


def _accept_dialogs(page, state: dict) -> None:
    """Accept a modal dialog (e.g. 选择内核 when a slow kernel start timed out), but not in a rush.

    Accepting 选择内核 starts a new kernel; accepting again while that kernel is still starting
    replaces it once more (seen under CI load: a kernel started and shut down every second). So a
    dialog is accepted only after it has stayed open 3 s, at most once every 20 s, four times in all.
    """
    accept = page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")
    if not accept.count() or state["left"] <= 0 or time.monotonic() - state["last"] < 20:
        return
    page.wait_for_timeout(3000)
    if accept.count():
        state["left"] -= 1
        state["last"] = time.monotonic()
        accept.first.click()
        page.wait_for_timeout(1000)


def open_and_run_all(page, base: str, token: str, notebook: str, timeout_ms: int = 180_000) -> None:
    """Open ``notebook`` (path under the server root), run all its cells and wait until each has run.

    Run All is clicked again if the kernel was not ready to take it (seen under CPU load).
    """
    # ``reset`` drops the tabs an earlier test left in the workspace; the waits are scoped to the
    # visible panel anyway (a restored tab's cells are in the DOM but never visible)
    page.goto(f"{base}/lab/tree/{notebook}?token={token}&reset", timeout=timeout_ms)
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell", timeout=timeout_ms)
    page.wait_for_selector(KERNEL_IDLE, timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    state = {"left": 4, "last": 0.0}
    while True:
        _accept_dialogs(page, state)
        page.locator(".lm-MenuBar-item").nth(3).click()  # 运行 / Run
        page.locator(RUN_ALL).click()
        clicked = time.monotonic()
        while time.monotonic() < deadline:
            page.wait_for_timeout(300)
            _accept_dialogs(page, state)
            if _all_cells_ran(page) and page.locator(KERNEL_IDLE).count():
                return
            # the kernel did not take the request: click Run All again, but only once the kernel is
            # idle and no dialog is open (a Run All while a kernel starts queues one more 选择内核)
            if not _any_cell_started(page) and time.monotonic() - clicked > 10 \
                    and not page.locator(".jp-Dialog").count() and page.locator(KERNEL_IDLE).count():
                break
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{notebook}: not every cell ran within {timeout_ms / 1000:.0f} s")


def send_chat_reply(page, sim, reply: str, delay: int = 15) -> str:
    """Type ``reply`` by hand into a chat simulator, send it with Enter, wait for the customer's answer;
    return the checkpoint feedback shown under the reply."""
    before = sim.locator(".cslab-customer").count()
    box = sim.locator(".widget-text input").first
    box.click()
    page.keyboard.type(reply, delay=delay)
    page.wait_for_timeout(500)
    box.press("Enter")
    sim.locator(".cslab-chat-feedback").wait_for(timeout=30_000)
    page.wait_for_function(
        "([n]) => document.querySelectorAll('.cslab-chat-log .cslab-customer').length > n", arg=[before],
        timeout=30_000)
    return sim.locator(".cslab-chat-feedback").inner_text()


def screenshot(page, name: str) -> Path:
    """Keep a screenshot as a test artefact."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


@contextlib.contextmanager
def keep_evidence(page, tmp_path: Path, name: str):
    """On failure, keep a screenshot and the server log in test-artifacts/ for the CI reader."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}-failure.png"))
        except Exception:  # the page may be gone; the log still helps
            pass
        log = tmp_path / "jupyterlab.log"
        if log.exists():
            shutil.copy(log, ARTIFACTS / f"{name}-jupyterlab.log")
        raise
