"""Small practice widgets for the lessons (ipywidgets views over plain functions).

* :class:`TypingPractice` – 训练一：打字练习 of lesson ``01_cs_basics``; the scoring is
  :func:`cslab.typing_practice.score_attempt`, the history lives in the work folder.
* :class:`Quiz` – a self-check of multiple-choice / true-false questions given as plain
  data; shows ✓/✗ and the explanation at once.
* :func:`check_classification` – instant Chinese feedback on a "sort these tasks into
  categories" exercise written as a dict (lesson 01: 售前/售中/售后).

Every widget has a headless API, so tests (and nbval) drive it without a browser:

>>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
>>> w = TypingPractice(seed=0, show_chart=False)
>>> w.type_text(w.phrase, seconds=len(w.phrase))  # 60 字/分钟
>>> w.submit().passed
True
"""

from __future__ import annotations

import asyncio
import html
import random
import time
from dataclasses import dataclass

import ipywidgets as widgets
import traitlets

from . import typing_practice as tp
from .errors import CslabError, InputError

__all__ = ["TypingPractice", "Quiz", "QuizScore", "check_classification", "ClassificationCheck",
           "result_html"]

_RED = "#c62828"
_GREEN = "#2e7d32"
_ORANGE = "#e65100"
#: after Enter, wait this long for keystrokes the front end still holds back, then score
_ENTER_GRACE_SECONDS = 0.25


# --------------------------------------------------------------------------- typing practice
def _show(ch: str) -> str:
    return "␣" if ch == " " else html.escape(ch)


def result_html(result: tp.TypingResult) -> str:
    """HTML of a scored attempt: the typed text with wrong characters in red, then the feedback; lesson 01_cs_basics.

    >>> h = result_html(tp.score_attempt("您好！", "你好！", seconds=3))
    >>> 'class="cslab-typing-wrong"' in h and "你" in h
    True
    """
    if result.suspect_paste:
        return (f'<div class="cslab-typing-result" style="border-left:4px solid {_ORANGE};padding:4px 10px">'
                f'<b style="color:{_ORANGE}">⚠ {html.escape(result.feedback)}</b></div>')
    marked = []
    for seg in tp.segments(result.target, result.typed):
        if seg.kind == "equal":
            marked.append(f'<span class="cslab-typing-ok">{html.escape(seg.typed)}</span>')
        elif seg.kind == "wrong":
            marked.append(
                f'<span class="cslab-typing-wrong" title="应为“{html.escape(seg.expected)}”" '
                f'style="color:{_RED};font-weight:bold;background:#fdecea">{_show(seg.typed)}</span>')
        elif seg.kind == "missing":
            marked.append(
                f'<span class="cslab-typing-missing" title="漏打" '
                f'style="color:{_RED};opacity:.55;text-decoration:underline wavy {_RED}">{_show(seg.expected)}</span>')
        else:
            marked.append(
                f'<span class="cslab-typing-extra" title="多打" '
                f'style="color:{_RED};text-decoration:line-through">{_show(seg.typed)}</span>')
    colour = _GREEN if result.passed else _RED
    verdict = "✓ 达标" if result.passed else "✗ 未达标"
    return (
        '<div class="cslab-typing-result" style="line-height:1.7">'
        f'<div style="font-size:1.3em;letter-spacing:.05em">你的输入：{"".join(marked)}</div>'
        f'<div style="font-size:.85em;color:#666">图例：<span style="color:{_RED};font-weight:bold">红字</span>=打错，'
        f'<span style="color:{_RED};opacity:.55;text-decoration:underline wavy {_RED}">浅红波浪线</span>=漏打，'
        f'<span style="color:{_RED};text-decoration:line-through">删除线</span>=多打</div>'
        f'<div><b style="color:{colour}">{verdict}</b>　速度 <b>{result.chars_per_minute:.1f}</b> 字/分钟　'
        f'正确率 <b>{result.accuracy:.1%}</b>　用时 {result.seconds:.1f} 秒</div>'
        f'<div>{html.escape(result.feedback)}</div></div>'
    )


class TypingPractice(widgets.VBox):
    """训练一：打字练习 (lesson 01_cs_basics). Headless: ``type_text(...)``, ``paste_text(...)``, ``submit()``.

    The timer starts at the first keystroke and stops at 提交 (or Enter in the box).
    A single change that adds :data:`cslab.typing_practice.PASTE_JUMP_CHARS` or more
    characters marks the attempt as pasted. Every scored attempt is saved to the work
    folder at once, so the widget never holds the only copy of the history.

    >>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
    >>> w = TypingPractice(seed=0, show_chart=False)
    >>> w.paste_text(w.phrase); w.submit().suspect_paste
    True
    """

    phrase = traitlets.Unicode(help="当前练习的句子")
    stage = traitlets.Unicode(allow_none=True, default_value=None, help="只练这个阶段的话术（None = 全部）")
    level = traitlets.Int(allow_none=True, default_value=None, help="只练这个难度（1–3，None = 全部）")
    typed = traitlets.Unicode(help="输入框里现在的文字")
    feedback = traitlets.Unicode(help="上一次提交的中文反馈")
    result_html = traitlets.Unicode(help="上一次提交的结果（HTML，错字标红）")

    def __init__(self, seed=None, stage=None, level=None, *, show_chart=True,
                 min_cpm=tp.PASS_CPM, min_accuracy=tp.PASS_ACCURACY, clock=time.monotonic, **kwargs):
        self._rng = random.Random(seed)
        self._clock = clock
        self._show_chart = show_chart
        self.min_cpm, self.min_accuracy = min_cpm, min_accuracy
        self._started = None
        self._pasted = False
        self._submitted = False
        #: the last :class:`~cslab.typing_practice.TypingResult` (None before a valid submit)
        self.result = None

        self._phrase_view = widgets.HTML()
        self._box = widgets.Text(
            placeholder="在这里照着上面的句子打字，打完按回车或点“提交”",
            continuous_update=True, layout=widgets.Layout(width="95%"))
        self._start_button = widgets.Button(description="开始", icon="play", tooltip="清空输入框，重新计时")
        self._submit_button = widgets.Button(description="提交", icon="check", button_style="success",
                                             tooltip="评分并保存到练习记录")
        self._next_button = widgets.Button(description="换一句", icon="refresh", tooltip="换一句新的话术")
        self._status = widgets.HTML()
        self._result_view = widgets.HTML()
        self._summary = widgets.HTML()
        self._chart = widgets.Image(format="png", layout=widgets.Layout(max_width="640px"))

        super().__init__(children=[
            self._phrase_view, self._box,
            widgets.HBox([self._start_button, self._submit_button, self._next_button]),
            self._status, self._result_view, self._summary, self._chart,
        ], **kwargs)
        self.stage, self.level = stage, level
        traitlets.link((self._box, "value"), (self, "typed"))
        self._box.on_msg(self._on_box_msg)
        self._start_button.on_click(lambda _b: self.restart())
        self._submit_button.on_click(lambda _b: self.submit())
        self._next_button.on_click(lambda _b: self.next_phrase())
        self.next_phrase()
        self._refresh_history()

    # -- trait handlers ---------------------------------------------------------------
    @traitlets.validate("stage")
    def _valid_stage(self, proposal):
        value = proposal["value"]
        if value is not None and value not in tp.STAGES:
            raise InputError(f"没有“{value}”这个阶段：请从 {'、'.join(tp.STAGES)} 中选择。")
        return value

    @traitlets.observe("phrase")
    def _on_phrase_change(self, change):
        p = change["new"]
        info = next((x for x in tp.load_phrases() if x.text == p), None)
        label = f"{info.stage} · 难度 {info.level}" if info else ""
        self._phrase_view.value = (
            f'<div style="color:#666;font-size:.9em">请照着打（{html.escape(label)}）：</div>'
            f'<div class="cslab-typing-phrase" style="font-size:1.7em;line-height:1.6;'
            f'letter-spacing:.06em;margin:4px 0 8px">{html.escape(p)}</div>')
        self._result_view.value = ""
        self.restart()

    @traitlets.observe("typed")
    def _on_typed_change(self, change):
        old, new = change["old"], change["new"]
        if not new:
            self._started, self._pasted = None, False
            self._status.value = '<span style="color:#666">计时从你打第一个字开始。</span>'
            return
        if self._started is None:
            self._started = self._clock()
            self._status.value = '<span style="color:#666">⏱ 正在计时……打完按回车或点“提交”。</span>'
        if tp.is_paste_jump(old, new):
            self._pasted = True
            self._status.value = (f'<span style="color:{_ORANGE}">⚠ 检测到一次输入了很多字，像是粘贴。'
                                  '请清空后手动输入。</span>')
        self._submitted = False

    def _on_box_msg(self, _widget, content, _buffers):
        # Enter in the box: the ipywidgets 8 front end sends {"event": "submit"} at once, but
        # it may still hold back the last keystrokes while the kernel is busy (its sync
        # throttle). So stop the clock now and score a moment later, after they arrive.
        if content.get("event") != "submit":
            return
        seconds = self.elapsed()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # headless, no event loop: score now
            self._submit(seconds)
            return
        loop.call_later(_ENTER_GRACE_SECONDS, self._submit, seconds)

    # -- actions ----------------------------------------------------------------------
    def next_phrase(self):
        """Pick another phrase (same stage/level filter) and reset the box and timer."""
        self.phrase = tp.pick_phrase(self._rng, self.stage, self.level, exclude=self.phrase or None).text
        return self.phrase

    def restart(self):
        """Clear the box and the timer for the current phrase (the 开始 button)."""
        self._started, self._pasted, self._submitted = None, False, False
        self.typed = ""
        self._box.disabled = False
        self._status.value = '<span style="color:#666">计时从你打第一个字开始。</span>'

    def type_text(self, text: str, seconds=None):
        """Headless: type ``text`` one character per change; ``seconds`` sets the time since the first keystroke."""
        if not isinstance(text, str):
            raise InputError("type_text 需要一段文字（字符串）。")
        base = self.typed
        for i in range(1, len(text) + 1):
            self.typed = base + text[:i]
        if seconds is not None and self._started is not None:
            self._started = self._clock() - float(seconds)

    def paste_text(self, text: str):
        """Headless: paste ``text`` into the box in one change (as Ctrl+V would)."""
        self.typed = self.typed + text

    def elapsed(self):
        """Seconds since the first keystroke, or None when nothing was typed."""
        return None if self._started is None else self._clock() - self._started

    def submit(self):
        """Score, show and save the attempt; returns the result, or None with the reason in ``feedback``."""
        return self._submit(self.elapsed())

    def _submit(self, seconds):
        if self._submitted and self.result is not None:
            self.feedback = "这一句已经提交过了：点“开始”再练一次，或点“换一句”。"
            self._status.value = f'<span style="color:{_ORANGE}">{html.escape(self.feedback)}</span>'
            return self.result
        try:
            result = tp.score_attempt(self.phrase, self.typed, seconds, pasted=self._pasted,
                                      min_cpm=self.min_cpm, min_accuracy=self.min_accuracy)
        except InputError as exc:
            self.feedback = str(exc)
            self.result_html = f'<div style="color:{_RED}">✗ {html.escape(self.feedback)}</div>'
            self._result_view.value = self.result_html
            return None
        note = ""
        try:
            saved = tp.record_attempt(result)
            note = "（已保存到练习记录）" if saved else "（未记入练习记录）"
        except CslabError as exc:
            note = f"（保存失败：{exc}）"
        self.result = result
        self._submitted = True
        self._box.disabled = True
        self.feedback = result.feedback + note
        self.result_html = result_html(result)
        self._result_view.value = self.result_html + f'<div style="color:#666">{html.escape(note)}</div>'
        self._status.value = '<span style="color:#666">点“开始”再练这一句，或点“换一句”。</span>'
        self._refresh_history()
        return result

    def _refresh_history(self):
        history = tp.load_history()
        if history:
            best = max(r["chars_per_minute"] for r in history)
            passed = sum(1 for r in history if r.get("passed"))
            self._summary.value = (f'<div style="color:#444">已练习 {len(history)} 次，达标 {passed} 次，'
                                   f'最好成绩 {best:.1f} 字/分钟。记录保存在作业文件夹的 '
                                   f'{tp.HISTORY_FILE}。</div>')
        else:
            self._summary.value = '<div style="color:#444">还没有练习记录。</div>'
        if self._show_chart:
            import io

            fig = tp.history_chart(history, min_cpm=self.min_cpm, min_accuracy=self.min_accuracy)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=96)
            self._chart.value = buf.getvalue()
            self._chart.layout.display = None
        else:
            self._chart.layout.display = "none"


# --------------------------------------------------------------------------- quiz
@dataclass(frozen=True)
class QuizScore:
    """Correct, answered and total questions of a :class:`Quiz`."""

    correct: int
    answered: int
    total: int

    def __str__(self) -> str:
        return f"答对 {self.correct}/{self.total} 题（已作答 {self.answered} 题）"


@dataclass(frozen=True)
class _Question:
    text: str
    choices: tuple
    answer: int
    explanation: str


_TRUE_FALSE = ("对", "错")


def _parse_question(n: int, item) -> _Question:
    where = f"第 {n} 题"
    if not isinstance(item, dict) or not isinstance(item.get("question"), str) or not item["question"].strip():
        raise InputError(f"{where} 需要写成字典，并有非空的 \"question\"（题目）。")
    choices = item.get("choices")
    answer = item.get("answer")
    if choices is None:  # 判断题
        if not isinstance(answer, bool):
            raise InputError(f"{where} 没有 choices，是判断题：\"answer\" 请写 True（对）或 False（错）。")
        return _Question(item["question"], _TRUE_FALSE, 0 if answer else 1, str(item.get("explanation", "")))
    if not isinstance(choices, (list, tuple)) or len(choices) < 2 or not all(isinstance(c, str) for c in choices):
        raise InputError(f"{where} 的 \"choices\" 需要至少两个文字选项。")
    if isinstance(answer, str) and answer in choices:
        index = list(choices).index(answer)
    elif isinstance(answer, int) and not isinstance(answer, bool) and 0 <= answer < len(choices):
        index = answer
    else:
        raise InputError(f"{where} 的 \"answer\" 应是正确选项的文字或序号（从 0 开始），现在是 {answer!r}。")
    return _Question(item["question"], tuple(choices), index, str(item.get("explanation", "")))


class Quiz(widgets.VBox):
    """A self-check of choice / true-false questions (plain dicts); ✓/✗ and explanation at once. Headless: ``answer(i, choice)``.

    >>> q = Quiz([{"question": "售后客服也要礼貌告别。", "answer": True, "explanation": "每次服务都以礼貌告别结束。"}])
    >>> q.answer(0, "对"), str(q.score())
    (True, '答对 1/1 题（已作答 1 题）')
    """

    answers = traitlets.List(help="每题选中的选项序号（None = 未作答）")

    def __init__(self, questions, title="自我检测", **kwargs):
        if not isinstance(questions, (list, tuple)) or not questions:
            raise InputError("Quiz 需要一个题目列表，例如 [{\"question\": …, \"choices\": […], \"answer\": …}]。")
        self.questions = tuple(_parse_question(n, q) for n, q in enumerate(questions, 1))
        self._radios, self._notes = [], []
        rows = []
        for n, q in enumerate(self.questions):
            radio = widgets.RadioButtons(options=list(q.choices), value=None,
                                         layout=widgets.Layout(width="auto"))
            radio.observe(lambda change, n=n: self._on_choice_change(n, change), names="value")
            note = widgets.HTML()
            self._radios.append(radio)
            self._notes.append(note)
            kind = "判断题" if q.choices == _TRUE_FALSE else "选择题"
            rows.append(widgets.VBox([
                widgets.HTML(f"<b>{n + 1}. </b>{html.escape(q.text)} <span style='color:#888'>（{kind}）</span>"),
                radio, note]))
        self._score_view = widgets.HTML()
        super().__init__(children=[widgets.HTML(f"<h4>{html.escape(title)}</h4>"), *rows, self._score_view],
                         **kwargs)
        self.answers = [None] * len(self.questions)

    def _on_choice_change(self, n, change):
        if change["new"] is not None:
            self.answer(n, change["new"])

    @traitlets.observe("answers")
    def _on_answers_change(self, change):
        for n, (q, chosen) in enumerate(zip(self.questions, change["new"])):
            if chosen is None:
                self._notes[n].value = ""
            elif chosen == q.answer:
                self._notes[n].value = (f'<span style="color:{_GREEN}">✓ 回答正确。</span>'
                                        f'{html.escape(q.explanation)}')
            else:
                self._notes[n].value = (f'<span style="color:{_RED}">✗ 不对，正确答案是“{html.escape(q.choices[q.answer])}”。'
                                        f'</span>{html.escape(q.explanation)}')
        self._score_view.value = f"<b>{self.score()}</b>"

    def answer(self, i: int, choice) -> bool:
        """Answer question ``i`` (0-based) with a choice text, a choice index, or True/False; returns whether it is right."""
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(self.questions):
            raise InputError(f"题号 {i!r} 不存在：请用 0 到 {len(self.questions) - 1}（第 1 题是 0）。")
        q = self.questions[i]
        if isinstance(choice, bool) and q.choices == _TRUE_FALSE:
            index = 0 if choice else 1
        elif isinstance(choice, str) and choice in q.choices:
            index = q.choices.index(choice)
        elif isinstance(choice, int) and not isinstance(choice, bool) and 0 <= choice < len(q.choices):
            index = choice
        else:
            raise InputError(f"第 {i + 1} 题没有选项 {choice!r}：可选 {'、'.join(q.choices)}。")
        answers = list(self.answers)
        answers[i] = index
        self.answers = answers
        if self._radios[i].value != q.choices[index]:
            self._radios[i].value = q.choices[index]
        return index == q.answer

    def feedback(self, i: int) -> str:
        """The ✓/✗ text shown under question ``i`` (plain text)."""
        import re

        return html.unescape(re.sub(r"<[^>]+>", "", self._notes[i].value))

    def score(self) -> QuizScore:
        """How many questions are answered and how many are right."""
        done = [(a, q.answer) for a, q in zip(self.answers, self.questions) if a is not None]
        return QuizScore(sum(a == right for a, right in done), len(done), len(self.questions))


# --------------------------------------------------------------------------- classification
@dataclass(frozen=True)
class ClassificationCheck:
    """Result of :func:`check_classification`: counts and one Chinese line per task."""

    correct: int
    total: int
    lines: tuple

    def __str__(self) -> str:
        return "\n".join(self.lines)

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self))


def check_classification(answers, key, categories=None) -> ClassificationCheck:
    """Instant feedback on a dict {task: category} against ``key`` ({task: category or {"answer", "hint"}}); lesson 01_cs_basics.

    >>> key = {"解答尺码问题": "售前", "处理退货": {"answer": "售后", "hint": "商品已经签收"}}
    >>> print(check_classification({"解答尺码问题": "售前", "处理退货": "售中"}, key, ["售前", "售中", "售后"]))
    ✓ 解答尺码问题 → 售前
    ✗ 处理退货：你填了“售中”，再想想：商品已经签收
    答对 1/2 项，继续加油！
    """
    if not isinstance(answers, dict):
        raise InputError("请把答案写成字典，例如 {\"解答尺码问题\": \"售前\"}，每项工作对应一个类别。")
    if not isinstance(key, dict) or not key:
        raise InputError("参考答案 key 需要是非空字典：{工作内容: 类别}。")
    expected = {}
    for task, value in key.items():
        if isinstance(value, dict):
            expected[task] = (value["answer"], value.get("hint", ""))
        else:
            expected[task] = (value, "")
    cats = list(categories) if categories else list(dict.fromkeys(a for a, _ in expected.values()))
    lines, correct = [], 0
    for task, (right, hint) in expected.items():
        given = answers.get(task)
        given = given.strip() if isinstance(given, str) else given
        if not given:
            lines.append(f"… {task}：还没填，请填 {'、'.join(cats)} 之一。")
        elif given not in cats:
            lines.append(f"✗ {task}：“{given}”不是可选的类别，请填 {'、'.join(cats)} 之一。")
        elif given == right:
            correct += 1
            lines.append(f"✓ {task} → {right}")
        else:
            lines.append(f"✗ {task}：你填了“{given}”，再想想" + (f"：{hint}" if hint else "。"))
    for task in answers:
        if task not in expected:
            lines.append(f"? “{task}”不在题目里：请不要改动工作内容的文字，只修改冒号后面的类别。")
    total = len(expected)
    lines.append(f"答对 {correct}/{total} 项，" + ("全部正确，很棒！" if correct == total else "继续加油！"))
    return ClassificationCheck(correct, total, tuple(lines))
