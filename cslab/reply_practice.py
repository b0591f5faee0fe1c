"""Reply practice views for lesson 03_communication (有效沟通与话术): thin ipywidgets over
:mod:`cslab.scoring` and :mod:`cslab.zhtext`.

* :func:`load_situations` – the practice situations of ``data/reply_situations.yaml``
  (plain dicts: ``stage``, ``customer``, ``context``, ``hint`` …, built from the shop data).
* :class:`ReplyPractice` – shows a situation, takes the student's reply, scores it with
  :func:`cslab.scoring.score_reply` and shows the checkpoint table; every attempt is saved in
  the work folder (``replies/attempts.json``), so the history survives a restart.
* :class:`BannedWordCleaner` – a product description with its banned advertising words
  highlighted; the student rewrites it and checks what is left.
* :func:`highlight_html` – the pure function behind the highlighting.

Every widget has a headless API, so tests (and nbval) drive it without a browser:

>>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
>>> w = ReplyPractice()
>>> w.reply = "亲，您好！我是客服小林，很高兴为您服务。请问您想了解这条连衣裙的尺码、颜色还是面料呢？"
>>> score = w.submit()
>>> 0 <= score.total <= 100 and "总分" in w.result_html
True
>>> len(load_attempts())
1
"""

from __future__ import annotations

import html
import time

import ipywidgets as widgets
import traitlets

from . import scoring, workspace, zhtext
from .situations import MOODS, check_situation, load_situations, situation_html
from .errors import CslabError, InputError

__all__ = [
    "ATTEMPTS_FILE", "FLAG_NAMES", "MOODS", "load_situations", "check_situation", "situation_html",
    "highlight_html", "banned_table_html", "load_attempts", "attempts_frame",
    "ReplyPractice", "BannedWordCleaner",
]

#: where :class:`ReplyPractice` keeps the attempts, inside the work folder
ATTEMPTS_FILE = "replies/attempts.json"
#: attempts kept (the oldest are dropped beyond this)
MAX_ATTEMPTS = 2000
_RED = "#c62828"
_GREEN = "#2e7d32"
_ORANGE = "#e65100"
_GREY = "#666"
#: the Chinese meaning of the flags a :class:`cslab.scoring.ReplyScore` may raise
FLAG_NAMES = {
    "stuffing": "关键词堆砌：把评分关键词硬凑在一起，不是在回答顾客",
    "copying": "照抄顾客的话：复述太多，没有给出新的信息",
    "no_answer": "没有完成这个环节的核心任务：客套话代替不了回答",
    "banned": "含有广告法禁止或平台限制的用语",
    "not_chinese": "不是中文回复",
    "too_long": "篇幅过长：只留回答和下一步",
    "empty": "回复是空的",
}
def load_attempts() -> list:
    """The saved attempts of :class:`ReplyPractice` (oldest first), from the work folder.

    >>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
    >>> load_attempts()
    []
    """
    items = workspace.load_json(ATTEMPTS_FILE, default=[])
    return items if isinstance(items, list) else []


def attempts_frame():
    """The saved attempts as a table (时间, 情境, 阶段, 得分, 达标, 提醒, 回复), newest last.

    >>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
    >>> list(attempts_frame().columns)
    ['时间', '情境', '阶段', '得分', '达标', '提醒', '回复']
    """
    import pandas as pd

    rows = [{
        "时间": a.get("time"), "情境": f"{a.get('situation', '')} {a.get('title', '')}".strip(),
        "阶段": scoring.STAGES.get(a.get("stage"), a.get("stage")), "得分": a.get("total"),
        "达标": "✓" if a.get("passed") else "✗",
        "提醒": "、".join(FLAG_NAMES.get(f, f).split("：")[0] for f in a.get("flags") or []),
        "回复": a.get("reply"),
    } for a in load_attempts()]
    return pd.DataFrame(rows, columns=["时间", "情境", "阶段", "得分", "达标", "提醒", "回复"])


def _verdict_html(score) -> str:
    colour = _GREEN if score.passed else _RED
    verdict = "✓ 达标" if score.passed else "✗ 未达标"
    flags = [f for f in score.flags if f in FLAG_NAMES]
    warn = "".join(f'<div style="color:{_ORANGE}">⚠ {html.escape(FLAG_NAMES[f])}</div>' for f in flags)
    return (f'<div class="cslab-reply-verdict" style="font-size:1.15em;margin:6px 0">'
            f'<b style="color:{colour}">{verdict}</b>　总分 <b>{score.total}</b> / 100'
            f'<span style="color:{_GREY};font-size:.85em">（{scoring.PASS_MARK} 分达标）</span></div>{warn}')


def _message_html(text: str, colour: str = _RED) -> str:
    return f'<div class="cslab-reply-message" style="color:{colour}">{html.escape(text)}</div>'


# --------------------------------------------------------------------------- ReplyPractice
class ReplyPractice(widgets.VBox):
    """话术练习 (lesson 03_communication): write a reply to a situation, get it scored checkpoint by checkpoint.

    ``situations`` is a list of dicts (``stage``, ``customer``, ``context``, ``hint``; see
    :func:`check_situation`), default :func:`load_situations`. ``mode="practice"`` shows the
    hints; ``mode="exam"`` hides them. Headless: set ``reply``, call ``submit()``; move with
    ``next()`` / ``previous()`` or by setting ``index``.

    >>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
    >>> w = ReplyPractice([{"stage": "farewell", "customer": "好的，谢谢",
    ...                     "context": {"customer_name": "小鱼"}}])
    >>> w.submit() is None and "回复是空的" in w.result_html
    True
    >>> w.reply = "不客气，小鱼！感谢您的支持，有问题随时找我，祝您生活愉快！"
    >>> w.submit().total == w.score.total
    True
    """

    index = traitlets.Int(0, help="当前情境的序号（从 0 开始）")
    reply = traitlets.Unicode("", help="输入框里学生写给顾客的回复")
    mode = traitlets.Unicode("practice", help="practice = 练习（显示提示）；exam = 考核（隐藏提示）")
    result_html = traitlets.Unicode("", help="上一次提交的评分结果（HTML：总分、是否达标、逐项评分表）")

    def __init__(self, situations=None, mode="practice", **kwargs):
        if situations is None:
            situations = load_situations()
        if not isinstance(situations, (list, tuple)) or not situations:
            raise InputError("ReplyPractice 需要一个情境列表，例如 [{\"stage\": \"answer\", \"customer\": \"有货吗？\"}]。")
        self.situations = [check_situation(s, n) for n, s in enumerate(situations, 1)]
        #: the last :class:`cslab.scoring.ReplyScore` (None before a scored submit)
        self.score = None

        self._header = widgets.HTML()
        self._situation_view = widgets.HTML()
        self._box = widgets.Textarea(placeholder="在这里写给顾客的回复，写好后点“提交评分”",
                                     rows=4, layout=widgets.Layout(width="95%"))
        self._prev_button = widgets.Button(description="上一题", icon="arrow-left", tooltip="回到上一个情境")
        self._submit_button = widgets.Button(description="提交评分", icon="check", button_style="success",
                                             tooltip="按评分规则逐项打分，并保存到练习记录")
        self._next_button = widgets.Button(description="下一题", icon="arrow-right", tooltip="换到下一个情境")
        self._result_view = widgets.HTML()
        self._history_view = widgets.HTML()
        super().__init__(children=[
            self._header, self._situation_view, self._box,
            widgets.HBox([self._prev_button, self._submit_button, self._next_button]),
            self._result_view, self._history_view,
        ], **kwargs)
        traitlets.link((self._box, "value"), (self, "reply"))
        self._prev_button.on_click(lambda _b: self.previous())
        self._submit_button.on_click(lambda _b: self.submit())
        self._next_button.on_click(lambda _b: self.next())
        self.mode = mode
        self._show_situation()

    # -- trait handlers ---------------------------------------------------------------
    @traitlets.validate("index")
    def _valid_index(self, proposal):
        value = proposal["value"]
        if not 0 <= value < len(self.situations):
            raise InputError(f"没有第 {value + 1} 题：题号请用 0 到 {len(self.situations) - 1}（第 1 题是 0）。")
        return value

    @traitlets.validate("mode")
    def _valid_mode(self, proposal):
        if proposal["value"] not in ("practice", "exam"):
            raise InputError(f"mode 只能是 \"practice\"（练习）或 \"exam\"（考核），现在是 {proposal['value']!r}。")
        return proposal["value"]

    @traitlets.observe("index")
    def _on_index_change(self, change):
        self.reply = ""
        self.score = None
        self.result_html = ""
        self._show_situation()

    @traitlets.observe("mode")
    def _on_mode_change(self, change):
        if hasattr(self, "_header"):
            self._show_situation()

    @traitlets.observe("result_html")
    def _on_result_html_change(self, change):
        self._result_view.value = change["new"]

    # -- views ------------------------------------------------------------------------
    @property
    def situation(self) -> dict:
        """The current situation (a dict)."""
        return self.situations[self.index]

    def _show_situation(self):
        n = len(self.situations)
        kind = "练习" if self.mode == "practice" else "考核"
        self._header.value = (f'<h4 style="margin:4px 0">话术{kind}　第 {self.index + 1} / {n} 题</h4>')
        self._situation_view.value = situation_html(self.situation, show_hint=self.mode == "practice")
        self._prev_button.disabled = self.index == 0
        self._next_button.disabled = self.index == n - 1
        self._refresh_history()

    def _refresh_history(self):
        sid = self.situation["id"]
        mine = [a for a in load_attempts() if a.get("situation") == sid and a.get("stage") == self.situation["stage"]]
        if not mine:
            self._history_view.value = f'<div style="color:{_GREY}">这一题还没有提交过。</div>'
            return
        best = max(a.get("total", 0) for a in mine)
        last = mine[-1]
        self._history_view.value = (
            f'<div style="color:#444">这一题已提交 {len(mine)} 次，最高 {best} 分；'
            f'上一次（{html.escape(str(last.get("time", "")))}，{last.get("total")} 分）的回复：'
            f'<i>{html.escape(str(last.get("reply", "")))}</i>'
            f'<br><span style="color:{_GREY};font-size:.85em">练习记录保存在作业文件夹的 {ATTEMPTS_FILE}，'
            f'重启内核也不会丢。</span></div>')

    # -- actions ----------------------------------------------------------------------
    def next(self) -> int:
        """Go to the next situation (stays on the last one); returns the new index."""
        if self.index < len(self.situations) - 1:
            self.index += 1
        return self.index

    def previous(self) -> int:
        """Go to the previous situation (stays on the first one); returns the new index."""
        if self.index > 0:
            self.index -= 1
        return self.index

    def submit(self):
        """Score the reply, show the checkpoint table and save the attempt; returns the ReplyScore, or None with a Chinese message."""
        s = self.situation
        if not self.reply.strip():
            self.score = None
            self.result_html = _message_html(
                "✗ 回复是空的：请先在输入框里写好给顾客的回复，再点“提交评分”。")
            return None
        try:
            score = scoring.score_reply(s["stage"], s["customer"], self.reply, s["context"] or None)
        except InputError as exc:
            self.score = None
            self.result_html = _message_html(f"✗ {exc}")
            return None
        self.score = score
        record = {
            "time": time.strftime("%Y-%m-%d %H:%M:%S"), "situation": s["id"], "title": s["title"],
            "stage": s["stage"], "customer": s["customer"], "reply": self.reply, "total": int(score.total),
            "passed": bool(score.passed), "flags": list(score.flags),
            "dimensions": {k: int(v) for k, v in score.dimensions().items()},
        }
        try:
            workspace.append_json(ATTEMPTS_FILE, record, limit=MAX_ATTEMPTS)
            note = _message_html("已保存到练习记录。", _GREY)
        except CslabError as exc:
            note = _message_html(f"保存失败：{exc}", _ORANGE)
        self.result_html = _verdict_html(score) + score._repr_html_() + note
        self._refresh_history()
        return score


# --------------------------------------------------------------------------- banned words
def highlight_html(text: str, matches) -> str:
    """``text`` as HTML with every match (``start``/``end`` index ``text``) marked in red, its category and suggestion as tooltip.

    Overlapping matches keep the first one. Works with any objects that have ``start``,
    ``end``, ``category`` and ``suggestion`` (such as :class:`cslab.zhtext.BannedMatch`).

    >>> from types import SimpleNamespace as M
    >>> m = M(word="最好", category="绝对化用语", start=2, end=4, suggestion="很好", basis="广告法第九条")
    >>> highlight_html("质量最好！", [m])  # doctest: +ELLIPSIS
    '<div class="cslab-highlight" ...>质量<mark class="cslab-banned" data-start="2" data-end="4" title="绝对化用语；建议：很好；依据：广告法第九条" ...>最好</mark>！</div>'
    """
    if not isinstance(text, str):
        raise InputError("highlight_html 需要一段文字（字符串）。")
    spans = sorted((m for m in matches or () if 0 <= m.start < m.end <= len(text)),
                   key=lambda m: (m.start, -m.end))
    out, pos = [], 0
    for m in spans:
        if m.start < pos:
            continue
        tip = [str(getattr(m, "category", "") or "违规用语")]
        suggestion = getattr(m, "suggestion", "")
        tip.append(f"建议：{suggestion}" if suggestion else "建议：删去")
        basis = getattr(m, "basis", "")
        if basis:
            tip.append(f"依据：{basis}")
        out.append(html.escape(text[pos:m.start]))
        out.append(f'<mark class="cslab-banned" data-start="{m.start}" data-end="{m.end}" '
                   f'title="{html.escape("；".join(tip))}" '
                   f'style="background:#fdecea;color:{_RED};font-weight:bold;border-bottom:2px solid {_RED}">'
                   f'{html.escape(text[m.start:m.end])}</mark>')
        pos = m.end
    out.append(html.escape(text[pos:]))
    return f'<div class="cslab-highlight" style="line-height:1.9;white-space:pre-wrap">{"".join(out)}</div>'


def banned_table_html(text: str, matches) -> str:
    """A table of the matches: the words as written in ``text``, category, suggestion, basis.

    >>> from types import SimpleNamespace as M
    >>> "最好" in banned_table_html("质量最好", [M(word="最好", category="绝对化用语", start=2, end=4, suggestion="", basis="")])
    True
    """
    rows = "".join(
        f'<tr><td style="color:{_RED};font-weight:bold">{html.escape(text[m.start:m.end])}</td>'
        f'<td>{html.escape(str(m.category or ""))}</td>'
        f'<td>{html.escape(str(m.suggestion or "删去"))}</td>'
        f'<td style="font-size:.85em;color:#555">{html.escape(str(m.basis or ""))}</td></tr>'
        for m in sorted(matches, key=lambda m: m.start))
    return ('<table class="cslab-banned-table"><thead><tr><th>违规用语</th><th>类别</th><th>建议改为</th>'
            f'<th>依据</th></tr></thead><tbody>{rows}</tbody></table>')


class BannedWordCleaner(widgets.VBox):
    """违规用语清理 (lesson 03_communication): see the banned words of a description, rewrite it, check again.

    ``keep`` lists facts (exact text such as ``"棉100%"``) that the rewrite must still contain.
    Headless: set ``rewrite``, call ``check()`` (the matches still in the rewrite); ``passed``
    says whether the rewrite is clean and keeps every fact.

    >>> c = BannedWordCleaner("全网最低价！纯棉面料。", keep=["纯棉"])
    >>> c.rewrite = "活动价优惠！纯棉面料。"
    >>> c.check() == [] and c.passed
    True
    """

    text = traitlets.Unicode(help="要清理的商品描述（原文）")
    rewrite = traitlets.Unicode("", help="学生改写后的描述（输入框里的文字）")
    result_html = traitlets.Unicode("", help="上一次检查的结果（HTML）")

    def __init__(self, text: str, keep=(), **kwargs):
        if not isinstance(text, str) or not text.strip():
            raise InputError("BannedWordCleaner 需要一段商品描述（非空的文字）。")
        self.keep = [str(k) for k in keep]
        #: True when the last check found no violation and every fact in ``keep``
        self.passed = False
        self._original_view = widgets.HTML()
        self._box = widgets.Textarea(rows=6, layout=widgets.Layout(width="95%"),
                                     placeholder="在这里改写商品描述：去掉违规用语，保留真实的商品信息")
        self._check_button = widgets.Button(description="检查", icon="search", button_style="primary",
                                            tooltip="检查改写后的描述里还有没有违规用语")
        self._reset_button = widgets.Button(description="恢复原文", icon="undo", tooltip="把输入框恢复成原文")
        self._result_view = widgets.HTML()
        super().__init__(children=[
            self._original_view,
            widgets.HTML("<b>改写：</b>直接在下面的框里修改，然后点“检查”。"),
            self._box, widgets.HBox([self._check_button, self._reset_button]), self._result_view,
        ], **kwargs)
        traitlets.link((self._box, "value"), (self, "rewrite"))
        self._check_button.on_click(lambda _b: self.check())
        self._reset_button.on_click(lambda _b: self.reset())
        self.text = text

    @traitlets.observe("text")
    def _on_text_change(self, change):
        text = change["new"]
        found = zhtext.find_banned(text)
        self._original_view.value = (
            f'<div><b>原文</b>（<span style="color:{_RED}">红色</span>是违规用语，鼠标停在上面可以看到类别和建议）'
            f'：共发现 <b style="color:{_RED}">{len(found)}</b> 处</div>'
            + highlight_html(text, found) + banned_table_html(text, found))
        self.reset()

    @traitlets.observe("result_html")
    def _on_result_html_change(self, change):
        self._result_view.value = change["new"]

    def reset(self):
        """Put the original text back into the box and clear the result."""
        self.rewrite = self.text
        self.passed = False
        self.result_html = ""

    def missing_facts(self) -> list:
        """The facts of ``keep`` that the rewrite no longer contains."""
        return [k for k in self.keep if k not in self.rewrite]

    def check(self) -> list:
        """Check the rewrite: shows what is left (or ✓) and returns the banned-word matches still in it."""
        self.passed = False
        if not self.rewrite.strip():
            self.result_html = _message_html("✗ 改写的内容是空的：请在框里写出改好的商品描述，再点“检查”。")
            return []
        found = zhtext.find_banned(self.rewrite)
        missing = self.missing_facts()
        parts = []
        if found:
            parts.append(f'<div style="color:{_RED}"><b>✗ 还有 {len(found)} 处违规用语：</b></div>'
                         + highlight_html(self.rewrite, found) + banned_table_html(self.rewrite, found))
        else:
            parts.append(f'<div style="color:{_GREEN}"><b>✓ 没有发现违规用语。</b></div>')
        if missing:
            parts.append(f'<div style="color:{_ORANGE}">⚠ 这些真实的商品信息不见了，请补回来：'
                         f'{html.escape("、".join(missing))}</div>')
        elif self.keep:
            parts.append(f'<div style="color:{_GREEN}">✓ 关键商品信息（{html.escape("、".join(self.keep))}）都保留了。</div>')
        self.passed = not found and not missing
        if self.passed:
            parts.append("<div>很好！最后再通读一遍：句子通顺吗？每一句话都有事实依据吗？</div>")
        self.result_html = "".join(parts)
        return found
