"""Widgets of the bot lesson: ``BotTester`` (试一试机器人) and ``KnowledgeBaseEditor`` (知识库管理).

Thin ipywidgets views over :mod:`cslab.bot`; everything they do is also a method, so tests and
nbval drive them without a browser:

>>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
>>> t = BotTester()
>>> t.send("啥时候发货").topic
'发货时间'
>>> "置信度" in t.transcript_html
True
>>> e = KnowledgeBaseEditor()
>>> e.form_topic.value, e.form_question.value, e.form_answer.value = "运费", "能寄到学校吗？", "亲，可以寄到学校～"
>>> e.save_entry().id, e.settings.custom_entries[0]["question"]
('CU001', '能寄到学校吗？')
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import traitlets

from ..errors import CslabError
from ._dialog import Conversation
from ._model import TOPICS
from ._settings import build_kb, load_settings, save_settings, student_kb

__all__ = ["BotTester", "KnowledgeBaseEditor", "answer_html"]

_RED = "#c62828"
_GREEN = "#2e7d32"
_GREY = "#666"
_SOURCES = {"emergency": "紧急情况", "official": "官方知识", "custom": "自定义知识", "fallback": "兜底回复"}
_NEW = "（新增一条）"
_ALL = "全部话题"


def _bubble(text: str, mine: bool) -> str:
    side, color = ("flex-end", "#95ec69") if mine else ("flex-start", "#f1f1f1")
    return (f'<div style="display:flex;justify-content:{side};margin:4px 0"><div style="max-width:75%;'
            f'background:{color};border-radius:8px;padding:6px 10px;white-space:pre-wrap">'
            f'{html.escape(text)}</div></div>')


def answer_html(answer) -> str:
    """One bot answer as a chat bubble plus a line with topic, confidence, source and 转人工 with the reason.

    >>> from cslab.bot import KnowledgeBase
    >>> "转人工" in answer_html(KnowledgeBase.default().answer("我要投诉"))
    True
    """
    meta = [f"话题：{answer.topic or '—'}", f"置信度 {answer.confidence:.2f}", f"来源：{_SOURCES[answer.source]}"]
    if answer.entry_id:
        meta.append(f"条目 {answer.entry_id}")
    flag = (f'<b style="color:{_RED}">⚠ 转人工</b> ' if answer.handoff else "")
    return (_bubble(answer.text, False)
            + f'<div class="cslab-bot-meta" style="font-size:.85em;color:{_GREY};margin:0 0 8px 4px">'
            + " · ".join(html.escape(m) for m in meta) + "<br>" + flag + html.escape(answer.reason) + "</div>")


class BotTester(widgets.VBox):
    """试一试机器人: a chat box; Enter or 发送 asks the bot. Headless: ``send("…")`` returns the Answer."""

    text = traitlets.Unicode(help="输入框里的买家消息")
    transcript_html = traitlets.Unicode(help="聊天记录（HTML）")

    def __init__(self, kb=None, *, orders=None, logistics=None, **kwargs):
        self.kb = kb if kb is not None else student_kb()
        self._orders, self._logistics = orders, logistics
        self.conversation = Conversation(self.kb, orders, logistics)
        card = self.kb.welcome_card()
        self._welcome = widgets.HTML(_bubble(card.text, False))
        self._chips = [widgets.Button(description=s, layout=widgets.Layout(width="auto")) for s in card.suggestions]
        for chip in self._chips:
            chip.on_click(lambda b: self.send(b.description))
        self._log = widgets.HTML(layout=widgets.Layout(max_height="420px", overflow="auto"))
        self._box = widgets.Text(placeholder="像买家一样输入问题，按回车发送", continuous_update=True,
                                 layout=widgets.Layout(width="70%"))
        self._send_button = widgets.Button(description="发送", icon="paper-plane", button_style="primary")
        self._clear_button = widgets.Button(description="清空对话", icon="eraser")
        self._status = widgets.HTML()
        super().__init__(children=[widgets.HTML("<b>试一试机器人</b>"), self._welcome,
                                   widgets.HBox(self._chips, layout=widgets.Layout(flex_flow="row wrap")),
                                   self._log, widgets.HBox([self._box, self._send_button, self._clear_button]),
                                   self._status], **kwargs)
        traitlets.link((self._box, "value"), (self, "text"))
        self._box.on_msg(self._on_box_msg)
        self._send_button.on_click(lambda _b: self.send())
        self._clear_button.on_click(lambda _b: self.clear())

    def _on_box_msg(self, _widget, content, _buffers):
        if content.get("event") == "submit":  # Enter in the box (ipywidgets 8)
            self.send()

    @traitlets.observe("transcript_html")
    def _on_transcript_html_change(self, change):
        self._log.value = change["new"]

    def send(self, text: str | None = None):
        """Ask the bot ``text`` (default: the box); show both bubbles; return the Answer (None on bad input)."""
        message = self.text if text is None else text
        try:
            answer = self.conversation.ask(message)
        except CslabError as exc:
            self._status.value = f'<span style="color:{_RED}">{html.escape(str(exc))}</span>'
            return None
        self._status.value = ""
        self.transcript_html += _bubble(message, True) + answer_html(answer)
        if text is None:
            self.text = ""
        return answer

    def clear(self):
        """Start a new conversation (the bot forgets the order number it asked for)."""
        self.conversation = Conversation(self.kb, self._orders, self._logistics)
        self.transcript_html = ""
        self._status.value = ""


class KnowledgeBaseEditor(widgets.VBox):
    """知识库管理: browse entries by topic; add, edit or delete custom entries; the bot switch and welcome card.

    Every change goes through :func:`cslab.bot.save_settings`; errors appear in red Chinese text.
    Headless: set the ``form_*`` widgets' ``.value`` and call ``save_entry()``, ``delete_entry()``,
    ``select_entry(id)``, ``save_welcome()``; set ``enabled``.
    """

    enabled = traitlets.Bool(False, help="机器人是否启用（买家咨询时先由机器人回答）")
    message = traitlets.Unicode(help="上一次操作的结果（中文）")

    def __init__(self, settings=None, **kwargs):
        self.settings = settings if settings is not None else load_settings()
        self.kb = build_kb(self.settings, strict=False)
        self._switch = widgets.Checkbox(description="启用机器人", indent=False)
        self._filter = widgets.Dropdown(options=[_ALL, *TOPICS], description="按话题")
        self._table = widgets.HTML(layout=widgets.Layout(max_height="360px", overflow="auto"))
        self._pick = widgets.Dropdown(description="编辑条目")
        self.form_topic = widgets.Dropdown(options=TOPICS, description="话题")
        self.form_question = widgets.Text(description="标准问题", layout=widgets.Layout(width="90%"))
        self.form_similar = widgets.Textarea(description="相似问题", placeholder="每行一个",
                                             layout=widgets.Layout(width="90%", height="80px"))
        self.form_answer = widgets.Textarea(description="答案", layout=widgets.Layout(width="90%", height="80px"))
        self.form_valid_from = widgets.Text(description="生效日期", placeholder="例如 2026-11-01，可不填")
        self.form_valid_to = widgets.Text(description="失效日期", placeholder="例如 2026-11-11，可不填")
        self.form_products = widgets.Text(description="适用商品", placeholder="SKU 或类目，用逗号隔开；不填=全店")
        self._save_button = widgets.Button(description="保存条目", icon="save", button_style="success")
        self._delete_button = widgets.Button(description="删除条目", icon="trash", button_style="danger")
        self.welcome_text = widgets.Textarea(description="欢迎语", layout=widgets.Layout(width="90%", height="60px"))
        self.welcome_suggestions = widgets.Textarea(description="推荐问题", placeholder="4–6 个，每行一个",
                                                    layout=widgets.Layout(width="90%", height="110px"))
        self._welcome_button = widgets.Button(description="保存欢迎语", icon="save")
        self._message = widgets.HTML()
        form = widgets.VBox([self._pick, self.form_topic, self.form_question, self.form_similar, self.form_answer,
                             widgets.HBox([self.form_valid_from, self.form_valid_to]), self.form_products,
                             widgets.HBox([self._save_button, self._delete_button])])
        super().__init__(children=[self._switch, self._message, self._filter, self._table,
                                   widgets.HTML("<b>自定义知识</b>"), form, widgets.HTML("<b>欢迎语</b>"),
                                   self.welcome_text, self.welcome_suggestions, self._welcome_button], **kwargs)
        self.enabled = bool(self.settings.enabled)
        self._switch.value = self.enabled
        traitlets.link((self._switch, "value"), (self, "enabled"))
        self.welcome_text.value = self.settings.welcome
        self.welcome_suggestions.value = "\n".join(self.settings.suggestions)
        self._filter.observe(lambda _c: self._refresh_table(), names="value")
        self._pick.observe(self._on_pick_change, names="value")
        self._save_button.on_click(lambda _b: self.save_entry())
        self._delete_button.on_click(lambda _b: self.delete_entry())
        self._welcome_button.on_click(lambda _b: self.save_welcome())
        self._refresh()

    # -- views --------------------------------------------------------------------------
    def _refresh(self):
        ids = [e.id for e in self.kb.entries if e.source == "custom"]
        current = self._pick.value
        self._pick.options = [_NEW, *ids]
        self._pick.value = current if current in ids else _NEW
        self._refresh_table()

    def _refresh_table(self):
        topic = self._filter.value
        rows = [e for e in self.kb.entries if topic == _ALL or e.topic == topic]
        head = "".join(f"<th style='text-align:left;padding:2px 6px'>{h}</th>"
                       for h in ("编号", "来源", "话题", "标准问题", "相似问题", "答案", "有效期", "适用商品"))
        body = []
        for e in rows:
            period = f"{e.valid_from or ''}～{e.valid_to or ''}" if e.valid_from or e.valid_to else "长期"
            cells = (e.id, "自定义" if e.source == "custom" else "官方", e.topic, e.question, f"{len(e.similar)} 个",
                     e.answer if len(e.answer) <= 40 else e.answer[:40] + "…", period, "、".join(e.products) or "全店")
            body.append("<tr>" + "".join(f"<td style='padding:2px 6px'>{html.escape(str(c))}</td>" for c in cells)
                        + "</tr>")
        self._table.value = (f"<div style='color:{_GREY}'>共 {len(rows)} 条</div><table class='cslab-bot-kb'>"
                             f"<tr>{head}</tr>{''.join(body)}</table>")

    def _say(self, text: str, ok: bool):
        self.message = text
        color = _GREEN if ok else _RED
        self._message.value = f'<span style="color:{color}">{"✓" if ok else "✗"} {html.escape(text)}</span>'

    def _on_pick_change(self, change):
        self.select_entry(change["new"])

    @traitlets.observe("enabled")
    def _on_enabled_change(self, change):
        if bool(self.settings.enabled) == bool(change["new"]):
            return
        self.settings.enabled = bool(change["new"])
        self._save("机器人已启用：买家咨询时先由机器人回答。" if change["new"] else "机器人已关闭：买家咨询直接由人工回答。")

    # -- actions --------------------------------------------------------------------------
    def select_entry(self, entry_id):
        """Fill the form with a custom entry (or clear it for a new one when ``entry_id`` is the 新增 option)."""
        if entry_id in (None, _NEW):
            self.form_question.value = self.form_similar.value = self.form_answer.value = ""
            self.form_valid_from.value = self.form_valid_to.value = self.form_products.value = ""
            return
        e = self.kb.get(entry_id)
        self.form_topic.value, self.form_question.value = e.topic, e.question
        self.form_similar.value, self.form_answer.value = "\n".join(e.similar), e.answer
        self.form_valid_from.value = e.valid_from.isoformat() if e.valid_from else ""
        self.form_valid_to.value = e.valid_to.isoformat() if e.valid_to else ""
        self.form_products.value = ", ".join(e.products)
        if self._pick.value != entry_id:
            self._pick.value = entry_id

    def _form(self) -> dict:
        return {"topic": self.form_topic.value, "question": self.form_question.value,
                "similar": self.form_similar.value, "answer": self.form_answer.value,
                "valid_from": self.form_valid_from.value.strip() or None,
                "valid_to": self.form_valid_to.value.strip() or None, "products": self.form_products.value}

    def save_entry(self):
        """Add the form as a new custom entry, or update the one being edited; returns the entry (None on error)."""
        editing = self._pick.value if self._pick.value != _NEW else None
        try:
            entry = self.kb.update(editing, **self._form()) if editing else self.kb.add(self._form())
        except CslabError as exc:
            self._say(str(exc), False)
            return None
        if not self._save(f"已保存自定义知识 {entry.id}「{entry.question}」。"):
            self.kb = build_kb(self.settings, strict=False)  # undo: the saved settings stay the truth
            self._refresh()
            return None
        self._refresh()
        self._pick.value = entry.id
        return entry

    def delete_entry(self):
        """Delete the custom entry being edited; returns it (None when none is selected)."""
        if self._pick.value in (None, _NEW):
            self._say("请先在“编辑条目”里选择要删除的自定义知识（官方知识不能删除）。", False)
            return None
        entry = self.kb.remove(self._pick.value)
        self._save(f"已删除自定义知识 {entry.id}「{entry.question}」。")
        self._refresh()
        self.select_entry(_NEW)
        return entry

    def save_welcome(self) -> bool:
        """Save the welcome text and suggested questions (4–6, one per line); True when saved."""
        try:
            card = self.kb.set_welcome(self.welcome_text.value, self.welcome_suggestions.value)
        except CslabError as exc:
            self._say(str(exc), False)
            return False
        self.settings.welcome, self.settings.suggestions = card.text, list(card.suggestions)
        return self._save("欢迎语和推荐问题已保存。")

    def _save(self, done: str) -> bool:
        before = self.settings.custom_entries
        self.settings.custom_entries = [e.to_record() for e in self.kb.entries if e.source == "custom"]
        try:
            save_settings(self.settings)
        except CslabError as exc:
            self.settings.custom_entries = before
            self._say(f"没有保存：{exc}", False)
            return False
        self._say(done, True)
        return True
