"""The dialogue engine: a :class:`Session` plays one scenario, scoring every agent reply and moving the customer.

Pure and deterministic for a given scenario, seed and reply times; writes no files (saving is in
:mod:`cslab.chat._store`). The widget (:mod:`cslab.chat.widget`) only renders a Session.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..errors import InputError
from ..scoring import STAGES, score_reply
from ._scenario import OUTCOMES, PERSONA_TYPES, Scenario, parse, problems, shared_intents

__all__ = ["MAX_CHARS", "TRANSCRIPT_FORMAT", "SENDERS", "Turn", "Session", "load_scenario", "validate_scenario"]

#: the longest reply accepted (a chat message, not an essay)
MAX_CHARS = 500
TRANSCRIPT_FORMAT = "cslab-chat-transcript"
#: transcript sender keys → Chinese labels
SENDERS = {"customer": "买家", "agent": "客服", "auto": "自动回复", "system": "系统"}
DEFAULT_START = "2026-11-10 20:30:00"
_MOOD_GOOD_SCORE = 80
_GENERIC_RETRY = {
    "greet": ("在吗？有人吗", "怎么不理人呀"),
    "answer": ("你还没回答我的问题呢", "所以到底是怎样的？说清楚点呗"),
    "recommend": ("那我到底选哪个好？", "你推荐的和我说的不太一样啊"),
    "close": ("我再考虑考虑吧……", "嗯……还是有点犹豫"),
    "confirm": ("信息没问题吧？帮我再核对一下", "你确认一下我的订单呀"),
    "remind_pay": ("嗯？", "知道了"),
    "logistics": ("我的快递到底到哪了？", "你还没告诉我物流情况"),
    "refund": ("那我的问题怎么解决？", "退还是不退，给个准话"),
    "complaint": ("你们到底管不管？", "我要的是解决办法！"),
    "review_reply": ("……", "就这？"),
    "farewell": ("嗯", "好吧"),
    "care": ("嗯？", "有什么事吗"),
}
_GIVE_UP = {
    "流失": ("算了，我去别家看看吧。", "不用了，我再看看别的店。"),
    "投诉": ("你们这服务太差了，我要投诉！", "不想跟你说了，我直接找平台投诉。"),
    "差评": ("算了，我直接给差评。", "这体验太差了，差评。"),
    "未解决": ("算了，问了也白问。",),
}
_TEMPLATE = re.compile(r"\{([^{}\s]{1,12})\}")
#: a customer who has to ask at the same node this many times gives up
_MAX_VISITS = 5
#: score flags that make a reply unacceptable even as a probing question
_SEVERE = {"red_line", "stuffing", "copying", "not_chinese", "empty"}


def load_scenario(scenario_id) -> Scenario:
    """Load and validate a scenario by id (or path); a Chinese DataError lists its problems.

    >>> sc = load_scenario("presales_dress_size")
    >>> sc.persona.type in PERSONA_TYPES and sc.start in sc.nodes
    True
    """
    from ..errors import DataError

    sc = parse(scenario_id)
    found = problems(sc)
    if found:
        more = f"（另有 {len(found) - 5} 处）" if len(found) > 5 else ""
        raise DataError("场景文件有问题，请修改：\n" + "\n".join(found[:5]) + more)
    return sc


def validate_scenario(scenario_id) -> list:
    """The Chinese list of problems of a scenario (an id or a path): empty when it is valid.

    >>> validate_scenario("presales_dress_size")
    []
    """
    from ..errors import DataError

    try:
        return problems(parse(scenario_id))
    except (DataError, InputError) as exc:
        return [str(exc)]


@dataclass(frozen=True)
class Turn:
    """One agent reply: where it was said, its score, what it did (intents) and how the customer took it."""

    node: str
    stage: str
    customer: str
    reply: str
    score: object
    response_seconds: float
    intents: tuple
    needs_found: tuple
    mood_before: int
    mood_after: int
    why: str
    target: str
    probe: bool = False

    @property
    def passed(self) -> bool:
        """True when the reply scored at least the pass mark (60)."""
        return bool(self.score.passed)

    @property
    def graded(self) -> bool:
        """False for a fair probing question (``probe: true``), which is left out of the averages."""
        return not self.probe


def _when(value) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"时间 {value!r} 看不懂：请写成 \"2026-11-10 20:30\"。") from None


def _plain_row(df, column: str, value) -> dict:
    rows = df[df[column].astype(str) == str(value)]
    if rows.empty:
        return {}
    return {k: v for k, v in rows.iloc[0].to_dict().items()}


class Session:
    """One practice conversation with a simulated customer (headless; the widget is a view over it).

    ``scenario`` is an id of :func:`cslab.chat.list_scenarios` (or a parsed scenario); ``seed``
    picks the customer's wording (same seed → same session); ``mode`` is ``"practice"`` (hints and
    feedback at once) or ``"exam"`` (feedback only in the final report); ``auto_reply`` is an
    optional function ``(message, when, first_contact) -> str | None`` (the student's workbench
    auto reply, sent after the customer's first message and not scored).

    >>> s = Session("presales_dress_size", seed=1)
    >>> t = s.send("亲，您好！欢迎光临悦衣小铺，我是客服小林，请问有什么可以帮您？", at=8)
    >>> t.score.total >= 60 and not s.finished and len(s.transcript) >= 3
    True
    """

    def __init__(self, scenario, seed: int = 0, *, mode: str = "practice", start=None, auto_reply=None):
        if mode not in ("practice", "exam"):
            raise InputError(f"mode 只能是 \"practice\"（练习）或 \"exam\"（考核），现在是 {mode!r}。")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise InputError(f"seed 应是整数（例如 0），现在是 {seed!r}。")
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        sc = self.scenario
        self.seed = seed
        self.mode = mode
        self._rng = random.Random(f"{sc.id}:{seed}")
        self._auto_reply = auto_reply
        self.mood = sc.persona.mood
        self.started = _when(start or sc.context.get("start") or DEFAULT_START)
        self.clock = self.started
        self.transcript: list = []
        self.turns: list = []
        self.visits: Counter = Counter()
        self.needs_found: list = []
        self.fails = 0
        self.finished = False
        self.outcome: str | None = None
        self.node_id = sc.start
        self._reveal: list = []
        self._shown_at = time.monotonic()
        self._context = self._base_context()
        self._enter(sc.start)

    # ------------------------------------------------------------------ context
    def _base_context(self) -> dict:
        from .. import datasets

        ctx = self.scenario.context
        out = {"product": {}, "order": {}, "customer": {}}
        if ctx.get("product"):
            out["product"] = _plain_row(datasets.load_products(), "sku", ctx["product"])
        if ctx.get("order"):
            out["order"] = _plain_row(datasets.load_orders(), "order_id", ctx["order"])
        if ctx.get("customer"):
            out["customer"] = _plain_row(datasets.load_customers(), "customer_id", ctx["customer"])
        return out

    def variables(self) -> dict:
        """The quick-phrase variables of this conversation ({商品名} {订单号} {买家昵称} …), for ``phrases.fill``.

        >>> Session("presales_dress_size").variables()["买家昵称"]
        '西瓜呀'
        """
        from ..phrases import variables_from

        c = self._context
        values = variables_from(c["product"] or None, c["order"] or None, c["customer"] or None)
        if c["product"].get("subcategory"):
            values["商品名"] = c["product"]["subcategory"]   # buyers say 连衣裙, not the listing title
        values["买家昵称"] = self.scenario.persona.name
        values.setdefault("店铺名", "悦衣小铺")
        extra = self.scenario.context.get("variables") or {}
        values.update({k: v for k, v in extra.items()})
        return values

    def _fill(self, line: str) -> str:
        values = self.variables()
        return _TEMPLATE.sub(lambda m: str(values.get(m.group(1), m.group(0))), line)

    # ------------------------------------------------------------------ customer side
    @property
    def node(self):
        """The current dialogue node."""
        return self.scenario.nodes[self.node_id]

    @property
    def last_customer_message(self) -> str:
        """What the customer said last (the message the agent is answering); "" when the shop speaks first."""
        for m in reversed(self.transcript):
            if m["sender"] == "customer":
                return m["text"]
            if m["sender"] == "agent":
                return ""
        return ""

    @property
    def hint(self) -> str:
        """The teacher's hint for the current node (shown in practice mode only)."""
        return "" if self.finished or self.mode == "exam" else self.node.hint

    def _say(self, sender: str, text: str, **extra) -> dict:
        msg = {"seq": len(self.transcript) + 1, "sender": sender, "text": text,
               "time": self.clock.isoformat(sep=" ", timespec="seconds"), **extra}
        self.transcript.append(msg)
        return msg

    def _pick(self, lines: tuple, avoid: str = "") -> str:
        options = [ln for ln in lines if ln != avoid] or list(lines)
        return self._rng.choice(options)

    def _enter(self, node_id: str, retry: bool = False, line: str | None = None) -> None:
        self.node_id = node_id
        self.visits[node_id] += 1
        node = self.node
        if line is None:
            if retry:
                pool = node.retry or _GENERIC_RETRY.get(node.stage, ("嗯？",))
                line = self._pick(pool, self.last_customer_message)
            elif node.customer:
                line = self._pick(node.customer)
        text = self._fill(line) if line else ""
        if node.narration and not retry:
            self._say("system", self._fill(node.narration), node=node_id, narration=True)
        if self._reveal:
            text = "".join(r.rstrip("。") + "。" if not r.endswith(("。", "～", "！", "？", "~")) else r
                           for r in self._reveal) + text
            self._reveal = []
        first = not any(m["sender"] == "customer" for m in self.transcript)
        if text:
            self._say("customer", text, node=node_id)
        if node.is_end:
            self._finish(node.end, node_id)
            return
        # the shop's auto reply answers typed chats; a phone call has none
        if first and self._auto_reply is not None and text and self.scenario.channel != "电话":
            auto = self._auto_reply(text, self.clock, True)
            if auto:
                self._say("auto", str(auto), node=node_id)
        self._shown_at = time.monotonic()

    def _finish(self, outcome: str, node_id: str) -> None:
        self.finished = True
        self.outcome = outcome
        self._say("system", f"对话结束：{outcome}。", node=node_id, outcome=outcome)

    # ------------------------------------------------------------------ agent side
    def _response_seconds(self, at, shown_at: datetime) -> float:
        if at is None:
            return max(0.0, time.monotonic() - self._shown_at)
        if isinstance(at, datetime):
            sec = (at - shown_at).total_seconds()
            if sec < 0:
                raise InputError(f"回复时间 {at} 早于买家消息的时间 {shown_at}：请检查 at。")
            return sec
        if isinstance(at, bool) or not isinstance(at, (int, float)) or not at >= 0:
            raise InputError(f"at 应是买家消息之后的秒数（不小于 0）或一个时间，现在是 {at!r}。")
        return float(at)

    def _intents(self, reply: str) -> tuple:
        from ..zhtext import normalize

        text = normalize(reply).lower()
        table = {**shared_intents(), **self.scenario.intents}
        return tuple(sorted(name for name, pat in table.items() if pat.search(text)))

    def _mood_label(self) -> str:
        if self.node.mood_label:
            return self.node.mood_label
        return "angry" if self.mood < 30 else "upset" if self.mood < 50 else "calm"

    def _score(self, reply: str, response: float, now: datetime):
        node = self.node
        ctx = {"product": self._context["product"] or None, "order": self._context["order"] or None,
               "customer_name": self.scenario.persona.name, "customer_mood": self._mood_label(),
               "response_seconds": response, "now": now}
        facts = list(self.scenario.context.get("facts") or []) + list(node.facts)
        if facts:
            ctx["facts"] = facts
        return score_reply(node.stage, self.last_customer_message, reply, {k: v for k, v in ctx.items()
                                                                          if v is not None})

    def _holds(self, cond: dict, score, intents: tuple, response: float, reply: str) -> bool:
        from ..zhtext import normalize

        text = normalize(reply).lower()
        bar = self.scenario.persona.bar
        listify = (lambda v: v if isinstance(v, list) else [v])
        for key, value in cond.items():
            ok = {
                "passed": lambda v: (score.total >= bar) == bool(v),
                "score_at_least": lambda v: score.total >= v,
                "score_below": lambda v: score.total < v,
                "intent": lambda v: any(i in intents for i in listify(v)),
                "not_intent": lambda v: not any(i in intents for i in listify(v)),
                "mentions": lambda v: any(str(w).lower() in text for w in v),
                "mentions_all": lambda v: all(str(w).lower() in text for w in v),
                "checkpoint": lambda v: any(c.key == v and c.weight > 0 and c.passed for c in score.checkpoints),
                "missed": lambda v: any(c.key == v and c.weight > 0 and not c.passed for c in score.checkpoints),
                "flag": lambda v: any(f in score.flags for f in listify(v)),
                "slow": lambda v: response > v,
                "fast": lambda v: response <= v,
                "mood_below": lambda v: self.mood < v,
                "mood_at_least": lambda v: self.mood >= v,
                "visits_at_least": lambda v: self.visits[self.node_id] >= v,
                "needs_found": lambda v: len(self.needs_found) >= v,
            }[key](value)
            if not ok:
                return False
        return True

    def _mood_delta(self, score, response: float, extra: int) -> int:
        kind = PERSONA_TYPES[self.scenario.persona.type]
        bar = self.scenario.persona.bar
        total = score.total
        d = 8 if total >= max(bar, _MOOD_GOOD_SCORE) else 4 if total >= bar else -10 if total >= 40 else -18
        if "red_line" in score.flags:
            d -= 15
        if response > 180:
            d -= 12
        elif response > 60:
            d -= 5
        d = d * kind["gain"] if d > 0 else d * kind["loss"]
        return int(round(d)) + extra

    def send(self, text: str, at=None) -> Turn:
        """Send the agent's reply; the customer answers (or the session ends). Returns the scored :class:`Turn`.

        ``at`` is when the reply was sent: seconds after the customer's message, or a datetime
        on the session clock; ``None`` measures the real time since the message was shown.
        """
        if self.finished:
            raise InputError(f"这次对话已经结束（结局：{self.outcome}），不能再发送。"
                             f"要再练一次，请新建一个 Session，或在模拟器里点“重新开始”。")
        if not isinstance(text, str):
            raise InputError(f"回复必须是文字（str），现在收到的是 {type(text).__name__}。")
        reply = text.strip()
        if not reply:
            raise InputError("回复是空的：请先输入要发给买家的话，再发送。")
        if len(reply) > MAX_CHARS:
            raise InputError(f"回复太长（{len(reply)} 字）：一条消息请控制在 {MAX_CHARS} 字以内，"
                             f"把要点分成几条短消息发送。")
        shown = self.clock
        response = self._response_seconds(at, shown)
        now = shown + timedelta(seconds=response)
        node = self.node
        customer = self.last_customer_message
        score = self._score(reply, response, now)
        intents = self._intents(reply)
        found = []
        for need in self.scenario.persona.hidden_needs:
            if need.need not in self.needs_found and any(w in reply for w in need.ask):
                self.needs_found.append(need.need)
                self._reveal.append(need.reveal)
                found.append(need.need)
        chosen = next(t for t in node.transitions if self._holds(t.when, score, intents, response, reply))
        probe = chosen.probe and not set(score.flags) & _SEVERE
        before = self.mood
        delta = self._mood_delta(score, response, chosen.mood)
        self.mood = max(0, min(100, self.mood + (max(delta, 2) if probe else delta)))
        if score.total >= self.scenario.persona.bar:
            self.fails = 0
        elif not probe:
            self.fails += 1
        self.clock = now
        self._say("agent", reply, node=node.id, stage=node.stage, response_seconds=round(response, 1),
                  score=int(score.total), passed=bool(score.passed), flags=list(score.flags),
                  summary=score.summary, dimensions=score.dimensions(), intents=list(intents),
                  needs_found=found, mood=self.mood, why=chosen.why, probe=probe)
        turn = Turn(node.id, node.stage, customer, reply, score, response, intents, tuple(found), before,
                    self.mood, chosen.why, chosen.target, probe)
        self.turns.append(turn)
        lo, hi = PERSONA_TYPES[self.scenario.persona.type]["delay"]
        self.clock += timedelta(seconds=self._rng.randint(lo, hi))
        target = chosen.target
        going_to_end = target != "stay" and self.scenario.nodes[target].is_end
        if not going_to_end and (self.mood <= 0 or self.fails >= self.scenario.persona.patience
                                 or len(self.turns) >= self.scenario.max_turns):
            self._give_up()
        elif target == "stay" and self.visits[node.id] >= _MAX_VISITS:
            self._give_up()              # asked the same thing again and again: the customer leaves
        elif target == "stay":
            self._enter(node.id, retry=True)
        else:
            self._enter(target)
        return turn

    def _give_up(self) -> None:
        sc = self.scenario
        lines = sc.give_up_lines or _GIVE_UP.get(sc.give_up, ("算了。",))
        self._reveal = []
        self._say("customer", self._fill(self._pick(lines)), node=self.node_id, give_up=True)
        self._finish(sc.give_up, self.node_id)

    # ------------------------------------------------------------------ results
    @property
    def good_outcome(self) -> bool | None:
        """True/False for a good/bad end state, None while the conversation goes on."""
        return None if self.outcome is None else OUTCOMES[self.outcome]

    def report(self):
        """The end-of-session report (:class:`cslab.chat.SessionReport`); also available mid-session."""
        from ._report import SessionReport

        return SessionReport.from_session(self)

    def to_dict(self) -> dict:
        """The transcript as plain data (format ``cslab-chat-transcript`` version 1): replay it with ``chat.replay``."""
        return {"format": TRANSCRIPT_FORMAT, "version": 1, "scenario": self.scenario.id,
                "title": self.scenario.title, "seed": self.seed, "mode": self.mode,
                "started": self.started.isoformat(sep=" ", timespec="seconds"), "finished": self.finished,
                "outcome": self.outcome, "mood": self.mood, "needs_found": list(self.needs_found),
                "messages": [dict(m) for m in self.transcript]}

    def transcript_json(self) -> str:
        """The transcript as a JSON string (UTF-8 text, Chinese kept readable)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    def stage_name(self) -> str:
        """The Chinese name of the current node's scoring stage ('' at the end)."""
        return "" if self.finished else STAGES.get(self.node.stage, "")

    def __repr__(self) -> str:
        state = f"结束：{self.outcome}" if self.finished else f"进行中：节点 {self.node_id}"
        return f"<chat.Session {self.scenario.id} seed={self.seed} 回合 {len(self.turns)} {state}>"
