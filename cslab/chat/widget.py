"""聊天模拟器小部件: chat bubbles, Enter to send, quick phrases, timer, mood and per-reply feedback.

A thin ipywidgets view over :class:`cslab.chat.Session` (lessons 04–06, 09–11): everything it
does is a call on the session, and every turn is saved to the student's work folder at once
(``chats/<scenario>/…json``), so a kernel restart loses nothing — a new simulator for the same
scenario resumes an unfinished conversation.

>>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
>>> w = ChatSimulator("presales_dress_size", use_settings=False)
>>> w.reply = "亲，您好！欢迎光临悦衣小铺，请问有什么可以帮您？"
>>> w.send(at=10).score.total >= 60 and "ask_size" == w.session.node_id
True
"""

from __future__ import annotations

import html
import re
import time

import ipywidgets as widgets
import traitlets

from ..errors import CslabError, InputError
from ..situations import context_html
from ._scenario import PERSONA_TYPES
from ._session import SENDERS, Session
from ._store import load_transcript, resume, save_transcript, saved_transcripts

__all__ = ["ChatSimulator", "ScenarioPicker", "bubbles_html", "mood_html", "turn_feedback_html"]

_VAR = re.compile(r"\{([^{}\s]{1,12})\}")
_GREEN, _RED, _GREY, _ORANGE, _BLUE = "#1a7f37", "#cf222e", "#57606a", "#bc4c00", "#0969da"
_BUBBLE = {
    "customer": ("flex-start", "#f6f8fa", "#24292f"),
    "agent": ("flex-end", "#dbeafe", "#0b3d91"),
    "auto": ("flex-end", "#ede9fe", "#4c1d95"),
    "system": ("center", "transparent", _GREY),
}


def bubbles_html(session: Session, show_scores: bool = True) -> str:
    """The conversation as chat bubbles (customer left, agent right); scores only when ``show_scores``.

    >>> "cslab-bubble" in bubbles_html(Session("presales_dress_size"))
    True
    """
    name = html.escape(session.scenario.persona.name)
    parts = []
    for m in session.transcript:
        align, bg, fg = _BUBBLE.get(m["sender"], _BUBBLE["system"])
        who = name if m["sender"] == "customer" else SENDERS.get(m["sender"], m["sender"])
        meta = f'{html.escape(who)} · {html.escape(m["time"][11:16])}'
        if m["sender"] == "agent" and show_scores:
            colour = _GREEN if m.get("passed") else _RED
            meta += f' · <b style="color:{colour}">{m.get("score")} 分</b>'
            if m.get("response_seconds") is not None:
                meta += f' · 用时 {m["response_seconds"]:g} 秒'
        parts.append(
            f'<div style="display:flex;justify-content:{align};margin:3px 0">'
            f'<div class="cslab-bubble cslab-{m["sender"]}" style="max-width:78%;background:{bg};color:{fg};'
            f'border-radius:10px;padding:5px 10px"><div style="font-size:.75em;color:{_GREY}">{meta}</div>'
            f'{html.escape(m["text"])}</div></div>')
    return ('<div class="cslab-chat-log" style="border:1px solid #d0d7de;border-radius:6px;padding:6px;'
            'max-height:380px;overflow-y:auto;display:flex;flex-direction:column">' + "".join(parts) + "</div>")


def mood_html(mood: int) -> str:
    """The customer's mood as a coloured bar with a face (0–100).

    >>> "情绪" in mood_html(40)
    True
    """
    colour = _GREEN if mood >= 60 else _ORANGE if mood >= 30 else _RED
    face = "😊" if mood >= 60 else "😐" if mood >= 30 else "😠"
    return (f'<span class="cslab-mood">买家情绪 {face} <span style="display:inline-block;width:120px;height:10px;'
            f'background:#eee;border-radius:5px;vertical-align:middle"><span style="display:block;width:{mood}%;'
            f'height:10px;background:{colour};border-radius:5px"></span></span> {mood}</span>')


def turn_feedback_html(turn) -> str:
    """Feedback on one reply: verdict, the customer's reaction and the checkpoint table."""
    colour = _GREEN if turn.passed else _RED
    probe = "（合理追问，不计入平均分）" if turn.probe else ""
    why = f'<div>买家的反应：{html.escape(turn.why)}</div>' if turn.why else ""
    return (f'<div class="cslab-chat-feedback"><div style="color:{colour}"><b>{html.escape(turn.score.summary)}'
            f'</b>{probe}</div>{why}{turn.score._repr_html_()}</div>')


def _message(text: str, colour: str = _RED) -> str:
    return f'<div class="cslab-chat-message" style="color:{colour}">{html.escape(text)}</div>'


class ChatSimulator(widgets.VBox):
    """The simulator: a Session rendered as a chat; type a reply and press Enter (or 发送).

    ``mode="practice"`` shows the hint and the scored checkpoints after every reply;
    ``mode="exam"`` shows them only in the final report. With ``use_settings`` the student's
    workbench (auto replies, quick phrases) and 店小蜜 bot suggestions are used when present.
    Headless: set ``reply`` and call :meth:`send`; :meth:`restart` starts over.
    """

    reply = traitlets.Unicode("", help="输入框里客服要发送的回复")
    mode = traitlets.Unicode("practice", help="practice = 练习（每条回复后显示评分）；exam = 考核（结束后才显示）")
    feedback_html = traitlets.Unicode("", help="上一条回复的评分反馈（HTML）")

    def __init__(self, scenario, seed: int = 0, mode: str = "practice", use_settings: bool = True,
                 resume_unfinished: bool = True, **kwargs):
        self._scenario_ref = scenario
        self._seed = seed
        self._use_settings = use_settings
        self._phrases = self._load_phrases() if use_settings else self._library_phrases()
        self._header = widgets.HTML()
        self._status = widgets.HTML()
        self._timer = widgets.HTML()
        self._log = widgets.HTML()
        self._hint = widgets.HTML()
        self._suggestion = widgets.HTML()
        self._input = widgets.Text(placeholder="输入回复，按 Enter 发送；输入快捷编码（如 /hy）按 Enter 展开",
                                   continuous_update=True, layout=widgets.Layout(width="70%"))
        self._send_button = widgets.Button(description="发送", icon="paper-plane", button_style="primary",
                                           tooltip="发送给买家（也可以按 Enter）")
        self._picker = widgets.Dropdown(options=self._phrase_options(), description="快捷短语",
                                        layout=widgets.Layout(width="60%"))
        self._insert_button = widgets.Button(description="插入", icon="paste", tooltip="把选中的短语填入输入框")
        self._restart_button = widgets.Button(description="重新开始", icon="refresh",
                                              tooltip="放弃当前对话，从头再练一次（换一种说法）")
        self._feedback = widgets.HTML()
        self._report_view = widgets.HTML()
        self._info = widgets.HTML()
        self._info_box = widgets.Accordion(children=[self._info], titles=("商品、订单与可查信息（千牛侧边栏）",))
        self._report = widgets.Output()
        self._clock = widgets.Play(value=0, min=0, max=3600, interval=1000, show_repeat=False,
                                   layout=widgets.Layout(display="none"))
        super().__init__(children=[
            self._header, self._info_box, widgets.HBox([self._status, self._timer]), self._log, self._hint, self._suggestion,
            widgets.HBox([self._input, self._send_button]),
            widgets.HBox([self._picker, self._insert_button, self._restart_button]),
            self._feedback, self._report_view, self._report, self._clock], **kwargs)
        traitlets.link((self._input, "value"), (self, "reply"))
        self._input.on_msg(self._on_input_msg)
        self._send_button.on_click(lambda _b: self.send())
        self._insert_button.on_click(lambda _b: self.insert_phrase(self._picker.value))
        self._restart_button.on_click(lambda _b: self.restart())
        self._clock.observe(self._on_clock_change, "value")
        self.mode = mode
        self.session = self._open(resume_unfinished)
        self._render()
        self._kick_clock_later()

    # -- set-up ----------------------------------------------------------------------
    def _auto_reply(self):
        if not self._use_settings:
            return None
        try:
            from .. import workbench

            wb = workbench.load()
        except CslabError:
            return None

        def reply(message, when, first_contact):
            found = wb.reply_for(message, when=when, first_contact=first_contact, first_today=first_contact,
                                 online=True)
            return getattr(found, "text", None) if found else None
        return reply

    @staticmethod
    def _library_phrases() -> list:
        from ..phrases import load_quick_phrases

        return list(load_quick_phrases())

    def _load_phrases(self) -> list:
        try:
            from .. import workbench

            return list(workbench.load().quick_phrases())
        except CslabError:
            return self._library_phrases()

    def _phrase_options(self) -> list:
        return [("（选择一条快捷短语）", "")] + [(f"{p.shortcode} {p.group}·{p.title}", p.shortcode)
                                           for p in self._phrases]

    def _open(self, resume_unfinished: bool) -> Session:
        sid = getattr(self._scenario_ref, "id", self._scenario_ref)
        if resume_unfinished and isinstance(sid, str):
            for item in saved_transcripts(sid):
                if not item["finished"] and item.get("turns"):
                    try:
                        data = load_transcript(item["name"])
                        if data.get("mode", "practice") == self.mode:
                            self._resumed = item["name"]
                            return resume(item["name"], auto_reply=self._auto_reply())
                    except CslabError:
                        break
                break
        self._resumed = ""
        return Session(self._scenario_ref, seed=self._seed, mode=self.mode, auto_reply=self._auto_reply())

    # -- trait handlers --------------------------------------------------------------
    @traitlets.validate("mode")
    def _valid_mode(self, proposal):
        if proposal["value"] not in ("practice", "exam"):
            raise InputError(f"mode 只能是 \"practice\"（练习）或 \"exam\"（考核），现在是 {proposal['value']!r}。")
        return proposal["value"]

    @traitlets.observe("feedback_html")
    def _on_feedback_html_change(self, change):
        self._feedback.value = change["new"]

    def _on_input_msg(self, _widget, content, _buffers):
        if content.get("event") == "submit":
            self.submit()

    def _kick_clock_later(self, delay: float = 2.0) -> None:
        """Start the ticking timer once the view exists: the browser's Play only animates on a False→True change."""
        try:
            from IPython import get_ipython

            if getattr(get_ipython(), "kernel", None) is None:
                return                       # headless (tests, scripts): nothing to tick
        except ImportError:
            return
        import threading

        timer = threading.Timer(delay, self._restart_clock)
        timer.daemon = True
        timer.start()

    def _restart_clock(self) -> None:
        if self.session.finished:
            return
        self._clock.playing = False
        self._clock.playing = True

    def _on_clock_change(self, change):
        if self.session.finished:
            return
        sec = time.monotonic() - self.session._shown_at
        colour = _GREEN if sec <= 30 else _ORANGE if sec <= 180 else _RED
        self._timer.value = f'<span class="cslab-timer" style="color:{colour}">　⏱ 已等待 {int(sec)} 秒</span>'

    # -- views -----------------------------------------------------------------------
    def _render(self) -> None:
        s = self.session
        sc = s.scenario
        p = sc.persona
        kind = "练习" if self.mode == "practice" else "考核"
        resumed = (f'<div style="color:{_GREY}">已恢复上次没有完成的对话（{len(s.turns)} 条回复）；'
                   f'点“重新开始”可以从头练。</div>' if self._resumed and not s.turns == [] else "")
        self._header.value = (
            f'<h4 style="margin:4px 0">{html.escape(sc.title)}（{kind}）</h4>'
            f'<div style="color:{_GREY}">{html.escape(sc.category)} · {html.escape(sc.channel)} · 买家“{html.escape(p.name)}”'
            f'：{html.escape(p.type)}（{html.escape(PERSONA_TYPES[p.type]["desc"])}）'
            + (f" · 预算约 {p.budget:g} 元" if p.budget else "") + f'</div>{resumed}')
        ctx = s._context
        self._info.value = context_html(ctx["product"], ctx["order"], sc.context.get("facts") or ())
        self._info_box.layout.display = "" if self._info.value else "none"
        stage = f"　本回合：{html.escape(s.stage_name())}" if not s.finished else ""
        self._status.value = mood_html(s.mood) + stage
        self._log.value = bubbles_html(s, show_scores=self.mode == "practice" or s.finished)
        self._hint.value = (f'<div class="cslab-chat-hint" style="color:{_BLUE}">提示：{html.escape(s.hint)}</div>'
                            if s.hint else "")
        self._suggestion.value = self._bot_suggestion_html()
        done = s.finished
        for w in (self._input, self._send_button, self._picker, self._insert_button):
            w.disabled = done
        if done:
            self._clock.playing = False
        else:
            self._restart_clock()
        self._on_clock_change({"new": 0})
        if done:
            self._timer.value = ""
            self._show_report()

    def _bot_suggestion_html(self) -> str:
        if not self._use_settings or self.session.finished:
            return ""
        try:
            from .. import bot

            if not bot.load_settings().enabled:
                return ""
            answer = bot.student_kb().answer(self.session.last_customer_message)
        except CslabError:
            return ""
        if answer.handoff:
            return (f'<div class="cslab-bot" style="color:{_GREY}">店小蜜：这个问题需要人工处理'
                    f'（{html.escape(answer.reason)}）。</div>')
        return (f'<div class="cslab-bot" style="color:#4c1d95">店小蜜建议回复（{html.escape(answer.topic)}，'
                f'置信度 {answer.confidence:.0%}）：{html.escape(answer.text)}</div>')

    def _show_report(self) -> None:
        from IPython.display import display

        report = self.session.report()
        self._report_view.value = report._repr_html_()
        self._report.clear_output()
        with self._report:
            try:
                import matplotlib.pyplot as plt

                ax = report.plot()
                plt.show()
                plt.close(ax.figure)
            except Exception as exc:  # a chart failure must not hide the report
                display(widgets.HTML(_message(f"图表没有画出来：{exc}", _ORANGE)))

    # -- actions ---------------------------------------------------------------------
    def expand(self, text: str) -> str:
        """The phrase for a shortcode such as ``/hy``, filled with this conversation's variables; else ``text``.

        Variables without a value here (e.g. {客服昵称}) stay in the text for the student to replace.
        """
        from ..phrases import VARIABLES, fill

        code = text.strip()
        if not code.startswith("/"):
            return text
        for p in self._phrases:
            if p.shortcode == code:
                known = {k: v for k, v in self.session.variables().items() if k in VARIABLES}
                return _VAR.sub(lambda m: fill(m.group(0), known) if m.group(1) in known else m.group(0), p.text)
        raise InputError(f"没有快捷编码 {code}：在“快捷短语”下拉框里可以看到全部编码。")

    def insert_phrase(self, shortcode: str) -> str:
        """Put the filled phrase for ``shortcode`` into the input box (to edit before sending)."""
        if not shortcode:
            self.feedback_html = _message("请先在“快捷短语”里选一条。", _ORANGE)
            return self.reply
        try:
            self.reply = self.expand(shortcode)
        except InputError as exc:
            self.feedback_html = _message(f"✗ {exc}")
            return self.reply
        left = _VAR.findall(self.reply)
        self.feedback_html = (_message(f"已插入短语，请把 {'、'.join('{' + v + '}' for v in left)} 改成实际内容再发送。",
                                       _ORANGE) if left else "")
        return self.reply

    def submit(self):
        """What Enter does: expand a shortcode into the box, otherwise send the reply."""
        if self.reply.strip().startswith("/") and " " not in self.reply.strip():
            self.insert_phrase(self.reply.strip())
            return None
        return self.send()

    def send(self, at=None):
        """Send the reply in the box; returns the scored Turn, or None with a Chinese message."""
        left = _VAR.findall(self.reply)
        if left:
            self.feedback_html = _message(f"✗ 回复里还有没填的变量 {'{' + left[0] + '}'}：改成实际内容再发送。")
            return None
        try:
            turn = self.session.send(self.reply, at=at)
        except InputError as exc:
            self.feedback_html = _message(f"✗ {exc}")
            return None
        self.reply = ""
        note = ""
        try:
            save_transcript(self.session)
        except CslabError as exc:
            note = _message(f"对话记录没有保存：{exc}", _ORANGE)
        except OSError as exc:
            note = _message(f"对话记录没有保存（作业文件夹不可写：{exc}），请告诉老师。", _ORANGE)
        if self.mode == "practice":
            self.feedback_html = turn_feedback_html(turn) + note
        else:
            self.feedback_html = _message("已发送（考核模式：结束后显示评分）。", _GREY) + note
        self._render()
        return turn

    def restart(self, seed: int | None = None) -> Session:
        """Start the scenario again (next seed: the customer words things differently)."""
        self._seed = self._seed + 1 if seed is None else seed
        self._resumed = ""
        self.session = Session(self.session.scenario, seed=self._seed, mode=self.mode,
                               auto_reply=self._auto_reply())
        try:
            save_transcript(self.session)   # so a kernel restart does not bring back the abandoned one
        except (CslabError, OSError):
            pass
        self.reply = ""
        self.feedback_html = ""
        self._report_view.value = ""
        self._report.clear_output()
        self._render()
        return self.session


class ScenarioPicker(widgets.VBox):
    """选择训练项目: a list of scenarios (filtered by lesson or category) and the simulator for the chosen one.

    >>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
    >>> p = ScenarioPicker(lesson="04_pre_sales", use_settings=False)
    >>> p.start("presales_dress_size").session.scenario.id
    'presales_dress_size'
    """

    def __init__(self, lesson: str | None = None, category: str | None = None, mode: str = "practice",
                 use_settings: bool = True, **kwargs):
        from . import list_scenarios

        self.items = list_scenarios(category=category, lesson=lesson)
        if not self.items:
            raise InputError(f"没有找到符合条件的场景（lesson={lesson!r}, category={category!r}）："
                             f"用 chat.list_scenarios() 查看全部场景。")
        self._mode = mode
        self._use_settings = use_settings
        #: the simulator of the chosen scenario (None before one is opened)
        self.simulator = None
        self._choice = widgets.Dropdown(
            options=[(f"{s['title']}（{s['persona_type']} · {s['category']}）", s["id"]) for s in self.items],
            description="训练场景", layout=widgets.Layout(width="80%"))
        self._about = widgets.HTML()
        self._open_button = widgets.Button(description="开始对话", icon="comments", button_style="success")
        self._area = widgets.VBox()
        super().__init__(children=[widgets.HBox([self._choice, self._open_button]), self._about, self._area],
                         **kwargs)
        self._choice.observe(self._on_choice_change, "value")
        self._open_button.on_click(lambda _b: self.start(self._choice.value))
        self._on_choice_change({"new": self._choice.value})

    def _on_choice_change(self, change):
        item = next(s for s in self.items if s["id"] == change["new"])
        self._about.value = f'<div style="color:{_GREY}">练什么：{html.escape(item["summary"])}</div>'

    def start(self, scenario_id: str) -> "ChatSimulator":
        """Open the simulator for ``scenario_id`` (one of the listed scenarios)."""
        if scenario_id not in {s["id"] for s in self.items}:
            raise InputError(f"场景 {scenario_id!r} 不在这个列表里：可选 {'、'.join(s['id'] for s in self.items)}。")
        self._choice.value = scenario_id
        self.simulator = ChatSimulator(scenario_id, mode=self._mode, use_settings=self._use_settings)
        self._area.children = [self.simulator]
        return self.simulator
