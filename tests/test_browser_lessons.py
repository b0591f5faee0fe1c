"""Real browser, lessons 02, 05 and 06: JupyterLab (Chinese UI) in headless chromium runs their widgets.

The browser tests carry the ``slow`` and ``browser`` marks one by one (no ``pytestmark``), so that
:func:`test_every_widget_lesson_has_a_browser_test` runs in the fast parallel phase.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import re
from pathlib import Path

import pytest

from cslab.evaluation import CRITERIA
from tests.browser import (browser_page, chromium_path, jupyterlab, keep_evidence, open_and_run_all, screenshot,
                           send_chat_reply)

ROOT = Path(__file__).resolve().parents[1]
BROWSER_MARKS = (
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None,
                       reason="chromium is not installed (.ci/run installs Debian's chromium)"),
)


def browser_test(func):
    """Mark ``func`` as a real-browser test (the marks ``pytestmark`` would give the whole module)."""
    for mark in reversed(BROWSER_MARKS):
        func = mark(func)
    return func


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One JupyterLab server for the module's browser tests (each test opens its own page)."""
    tmp = tmp_path_factory.mktemp("lab")
    with jupyterlab(tmp) as (base, token):
        yield base, token, tmp


def _button(page, label: str):
    """The first widget button whose whole text is ``label`` (icons have no text)."""
    return page.locator("button.jupyter-button", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")).first


def _widget_with(page, inner):
    """The innermost ``.widget-vbox`` (a widget's own box) that holds ``inner``."""
    return page.locator(".widget-vbox", has=inner).last


def _scroll_to(locator, timeout: int = 60_000) -> None:
    locator.wait_for(state="attached", timeout=timeout)
    locator.evaluate("e => e.scrollIntoView({block: 'center'})")
    locator.wait_for(timeout=10_000)


def _start_scenario(page, label: str):
    """In a lesson's ScenarioPicker choose the scenario shown as ``label`` and open it; returns the simulator box."""
    start = _button(page, "开始对话")
    _scroll_to(start)
    picker = _widget_with(page, start)
    # the option's value is its label (the shown text has &nbsp; around the dot)
    picker.locator(".widget-dropdown select").first.select_option(value=label)
    page.wait_for_function(
        "(l) => [...document.querySelectorAll('.widget-dropdown select')].some(s => s.value === l)",
        arg=label, timeout=10_000)
    start.click()
    log = page.locator(".cslab-chat-log").first  # a lesson shows one simulator
    log.wait_for(state="attached", timeout=30_000)
    log.evaluate("e => e.scrollIntoView({block: 'center'})")
    return _widget_with(page, log)


def _mood(sim) -> int:
    """The customer's mood (0–100) shown in the simulator's mood bar."""
    text = sim.locator(".cslab-mood").inner_text()
    return int(re.findall(r"\d+", text)[-1])


@browser_test
def test_workbench_auto_reply_and_bot_in_jupyterlab(lab):
    """Lesson 02: the auto-reply tester and the 店小蜜 tester answer from the settings the lesson's cells saved."""
    base, token, tmp = lab
    with browser_page() as page, keep_evidence(page, tmp, "lesson02"):
        open_and_run_all(page, base, token, "lessons/02_pre_job.ipynb")

        # 自动回复测试: "包邮吗" at 20:32 fires the 包邮 keyword rule the lesson's cell added
        test_button = _button(page, "测试")
        _scroll_to(test_button)
        tester = _widget_with(page, test_button)
        message, when = tester.locator(".widget-text input").nth(0), tester.locator(".widget-text input").nth(1)
        message.click()
        page.keyboard.type("包邮吗", delay=60)
        when.fill("20:32")
        page.wait_for_timeout(500)
        test_button.click()
        result = tester.locator(".widget-html", has_text="自动回复：")
        result.wait_for(timeout=30_000)
        text = result.inner_text()
        assert "全店包邮" in text, f"not the lesson's 包邮 reply: {text}"
        assert "原因：" in text and "包邮" in text.split("原因：", 1)[1] and "关键词" in text, text
        screenshot(page, "lesson02_auto_reply")

        # 试一试机器人: the custom entry saved by the lesson answers; a complaint goes to a person
        clear = _button(page, "清空对话")
        _scroll_to(clear)
        bot = _widget_with(page, clear)
        box = bot.locator(".widget-text input").first
        box.click()
        page.keyboard.type("可以寄到学校吗", delay=60)
        page.wait_for_timeout(500)
        box.press("Enter")
        meta = bot.locator(".cslab-bot-meta")
        meta.first.wait_for(timeout=30_000)
        first = meta.first.inner_text()
        assert "话题：签收问题" in first and "来源：自定义知识" in first, first
        assert "可以寄到学校的" in bot.inner_text(), "the bot's answer (the lesson's custom entry) is missing"
        box.click()
        page.keyboard.type("我要去12315投诉你们", delay=30)
        page.wait_for_timeout(500)
        box.press("Enter")
        meta.nth(1).wait_for(timeout=30_000)
        second = meta.nth(1).inner_text()
        assert "转人工" in second and "紧急情况" in second, second
        bot.evaluate("e => e.scrollIntoView({block: 'end'})")
        screenshot(page, "lesson02_bot")


@browser_test
def test_closing_deals_angry_buyer_in_jupyterlab(lab):
    """Lesson 05: the angry buyer blames the shop; a sincere apology with a concrete guarantee calms her down."""
    base, token, tmp = lab
    with browser_page() as page, keep_evidence(page, tmp, "lesson05"):
        open_and_run_all(page, base, token, "lessons/05_closing_deals.ipynb")
        sim = _start_scenario(page, "上次被坑过、一开口就指责的易怒型买家（易怒型 · 促成交易）")
        header = sim.locator("h4").first.inner_text()
        assert "上次被坑过" in header, header
        assert "易怒型" in sim.inner_text()
        opener = sim.locator(".cslab-customer").first.inner_text()
        assert "风衣" in opener, f"the buyer does not bring up last time's coat: {opener}"
        mood = _mood(sim)

        feedback = send_chat_reply(page, sim, (
            "非常抱歉！上次风衣开线是我们质检没把好关，退款也处理慢了，让您受委屈了。这次的大衣我亲自跟进，"
            "发货前专门检查做工、拍照给您确认；收到有质量问题包退包换，来回运费我们承担。"))
        assert "买家的反应" in feedback and "火气降下来" in feedback, feedback[:300]
        assert "✓" in feedback and "道歉" in feedback, feedback[:400]
        assert _mood(sim) > mood, f"the mood did not rise from {mood}"
        assert sim.locator(".cslab-agent").count() >= 1
        screenshot(page, "lesson05_angry_buyer")


@browser_test
def test_enquiries_phone_call_and_evaluation_form_in_jupyterlab(lab):
    """Lesson 06: a phone enquiry answered with the phone greeting; the group evaluation form filled and saved."""
    from playwright.sync_api import expect

    base, token, tmp = lab
    with browser_page() as page, keep_evidence(page, tmp, "lesson06"):
        open_and_run_all(page, base, token, "lessons/06_enquiries.ipynb")
        sim = _start_scenario(page, "不会用手机的阿姨来电问退货（犹豫型 · 受理咨询）")
        assert "电话" in sim.locator(".widget-html").first.inner_text(), "not shown as a phone call"
        assert "悦衣小铺" in sim.locator(".cslab-customer").first.inner_text()

        feedback = send_chat_reply(page, sim, "您好，这里是悦衣小铺，我是客服小林，工号1024，请问有什么可以帮您？")
        assert "买家的反应" in feedback and "打对了电话" in feedback, feedback[:300]
        assert "合格" in feedback, feedback[:300]
        screenshot(page, "lesson06_phone")

        # 小组自评表与交叉互评表: submitting it empty is refused; rated in full it is saved
        submit = _button(page, "提交评价")
        _scroll_to(submit)
        form = _widget_with(page, submit)
        submit.click()
        status = form.locator(".widget-html", has_text="还有没评的项")
        status.wait_for(timeout=30_000)
        rows = form.locator(".widget-toggle-buttons")
        assert rows.count() == 3 * 6, f"expected 3 members × 6 criteria, got {rows.count()} rows of scores"
        for row in range(3 * 6):
            score = "5" if row < 6 else "4"  # self first: 5; the two peers: 4
            button = rows.nth(row).locator(f'button[data-value="{score}"]')
            button.click()
            expect(button).to_have_class(re.compile("mod-active"), timeout=10_000)
        form.locator(".widget-textarea textarea").nth(1).fill("分工清楚，角色扮演时说话很有礼貌。")
        page.wait_for_timeout(500)
        submit.click()
        saved = form.locator(".widget-html", has_text="已保存到作业文件夹")
        saved.wait_for(timeout=30_000)
        assert "evaluation/项目一_受理客户咨询/2024001.json" in saved.inner_text()
        screenshot(page, "lesson06_evaluation")
        data = json.loads((tmp / "work" / "evaluation" / "项目一_受理客户咨询" / "2024001.json").read_text("utf-8"))
        criteria = [c.key for c in CRITERIA]
        assert data["ratings"]["2024001"]["scores"] == dict.fromkeys(criteria, 5)
        for peer in ("2024002", "2024003"):
            assert data["ratings"][peer]["scores"] == dict.fromkeys(criteria, 4), peer
        assert data["ratings"]["2024002"]["comment"] == "分工清楚，角色扮演时说话很有礼貌。"


# --------------------------------------------------------------------------- coverage of the lessons
BROWSER_TEST_FILES = ("tests/test_browser.py", "tests/test_browser_lessons.py")


def _widget_classes_used(source: str) -> set:
    """Names of ipywidgets classes a notebook's code uses (imported from cslab/ipywidgets, or reached as attributes)."""
    import ipywidgets

    def is_widget(obj) -> bool:
        return isinstance(obj, type) and issubclass(obj, ipywidgets.Widget)

    modules, used = {}, set()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "ipywidgets":
                    used.add(alias.name)
                if alias.name.split(".")[0] in ("cslab", "ipywidgets"):
                    module = importlib.import_module(alias.name)  # loads the submodules too
                    top = alias.name.split(".")[0]
                    modules[alias.asname or top] = module if alias.asname else importlib.import_module(top)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("cslab", "ipywidgets"):
            if node.module.split(".")[0] == "ipywidgets":
                used.add(node.module)
            module = importlib.import_module(node.module)
            for alias in node.names:
                obj = getattr(module, alias.name, None)
                if obj is None:  # a submodule: ``from cslab import chat``
                    obj = importlib.import_module(f"{node.module}.{alias.name}")
                if is_widget(obj):
                    used.add(alias.name)
                elif inspect.ismodule(obj):
                    modules[alias.asname or alias.name] = obj
    for node in ast.walk(tree):  # ``chat.widget.ChatSimulator`` and the like
        if isinstance(node, ast.Attribute):
            chain, inner = [node.attr], node.value
            while isinstance(inner, ast.Attribute):
                chain.insert(0, inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name) and inner.id in modules:
                obj = modules[inner.id]
                for part in chain:
                    obj = getattr(obj, part, None)
                if is_widget(obj):
                    used.add(".".join([inner.id, *chain]))
    return used


def _notebook_code(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = ("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    # IPython magics and shell lines are not Python
    return "\n".join("\n".join(line for line in cell.splitlines() if not line.lstrip().startswith(("%", "!")))
                     for cell in code)


def _notebooks_opened_by_browser_tests() -> set:
    """File names of the notebooks the browser tests open with ``open_and_run_all``."""
    opened = set()
    for file in BROWSER_TEST_FILES:
        for node in ast.walk(ast.parse((ROOT / file).read_text(encoding="utf-8"))):
            func = getattr(node, "func", None)
            if isinstance(node, ast.Call) and getattr(func, "id", getattr(func, "attr", "")) == "open_and_run_all":
                opened |= {Path(a.value).name for a in node.args
                           if isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value.endswith(".ipynb")}
    return opened


def _lessons_with_widgets() -> dict:
    """{lesson file name: widget classes its code uses} for the lessons that use any."""
    found = {}
    for path in sorted((ROOT / "lessons").glob("*.ipynb")):
        used = _widget_classes_used(_notebook_code(path))
        if used:
            found[path.name] = used
    return found


def test_widget_lessons_are_detected():
    """The detection on today's lessons: the course map (00) has no widgets, each other lesson has some."""
    lessons = {p.name for p in (ROOT / "lessons").glob("*.ipynb")}
    found = _lessons_with_widgets()
    assert "00_index.ipynb" in lessons and "00_index.ipynb" not in found, found.get("00_index.ipynb")
    expected = {"01_cs_basics.ipynb": {"TypingPractice", "Quiz"},
                "02_pre_job.ipynb": {"AutoReplyTester", "BotTester", "ChatSimulator", "RoutingPanel"},
                "03_communication.ipynb": {"ReplyPractice"},
                "04_pre_sales.ipynb": {"ChatSimulator"},
                "05_closing_deals.ipynb": {"ScenarioPicker", "ReplyPractice", "Quiz"},
                "06_enquiries.ipynb": {"ScenarioPicker", "ReplyPractice", "EvaluationForm"}}
    for name, classes in expected.items():
        if name in lessons:
            assert classes <= found.get(name, set()), f"{name}: found only {sorted(found.get(name, ()))}"


def test_every_widget_lesson_has_a_browser_test():
    """Each lesson whose code shows an ipywidget is opened by a real-browser test (open_and_run_all)."""
    found = _lessons_with_widgets()
    assert found, "no lesson with widgets found: is the detection broken?"
    missing = sorted(set(found) - _notebooks_opened_by_browser_tests())
    assert not missing, (f"lessons with widgets but no real-browser test: {missing}; add one to "
                         f"tests/test_browser_lessons.py (open_and_run_all(page, base, token, 'lessons/…'))")
