"""Multi-turn conversations: the bot asks for the order number, then answers from the shop data (private).

:class:`Conversation` wraps a :class:`~cslab.bot.KnowledgeBase`. When a question is about one
order (an entry marked ``ask_order``: 物流到哪了, 退款到哪一步了, 怎么还没发货) and no order
number is known yet, the bot asks for one; the next message with an order number (``D`` + 12
digits) or a tracking number is answered from ``orders`` and ``logistics`` (by default
:func:`cslab.datasets.load_orders` and :func:`cslab.datasets.load_logistics`, loaded on first
use): status, carrier, tracking number and the latest tracking event. An unknown number gets
a clear answer. The order stays remembered for later questions in the same conversation.

>>> c = Conversation()
>>> c.ask("我的快递到哪了").text
'亲，麻烦发一下订单号～我马上帮您查物流。'
>>> c.ask("D202610200102").text[:45]
'亲，订单 D202610200102 已经发出：邮政快递，单号 9803764774587'
>>> len(c.history)
2
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError
from ._model import Answer, parse_date

__all__ = ["Conversation", "Turn"]

#: topics answered from the order data once an order number is known
ORDER_TOPICS = ("物流查询", "退款进度", "催发货")
_WHAT = {"物流查询": "物流", "退款进度": "退款进度", "催发货": "发货进度"}
_ORDER_ID = re.compile(r"(?<![0-9a-z])d\s*(\d{12})(?!\d)", re.IGNORECASE)
_TRACKING = re.compile(r"(?<![0-9a-z])((?:jt)?\d{12,15})(?!\d)", re.IGNORECASE)
ASK_TEXT = "亲，麻烦发一下订单号～我马上帮您查{what}。"
ASK_AGAIN_TEXT = "亲，还没看到订单号哦～订单号是 D 开头的 13 位编号，在“我的订单—订单详情”里可以复制。"


@dataclass(frozen=True)
class Turn:
    """One exchange: the buyer's ``question`` and the bot's :class:`~cslab.bot.Answer`."""

    question: str
    answer: Answer


class Conversation:
    """A chat with the bot that remembers what it asked (the order number) and the order found.

    ``kb`` defaults to :meth:`KnowledgeBase.default`; ``orders`` / ``logistics`` are DataFrames
    shaped like :func:`cslab.datasets.load_orders` / :func:`~cslab.datasets.load_logistics`.
    """

    def __init__(self, kb=None, orders=None, logistics=None, *, product=None):
        from ._kb import KnowledgeBase

        self.kb = kb if kb is not None else KnowledgeBase.default()
        self.product = product
        self._orders, self._logistics = orders, logistics
        self._by_order = self._by_tracking = self._events = None
        self._pending = None  # the topic waiting for an order number
        self._asked = 0
        self._order = None  # the order number found in this conversation
        self._history: list = []

    @property
    def history(self) -> tuple:
        """Every :class:`Turn` so far, oldest first.

        >>> Conversation().history
        ()
        """
        return tuple(self._history)

    def ask(self, text: str, now=None) -> Answer:
        """The bot's answer to the buyer's next message (``now`` as in :meth:`KnowledgeBase.answer`).

        >>> Conversation().ask("包邮吗").topic
        '运费'
        """
        if not isinstance(text, str) or not text.strip():
            raise InputError("请输入买家的消息（一段文字），例如 \"我的快递到哪了\"。")
        answer = self._reply(text, now)
        self._history.append(Turn(text, answer))
        return answer

    # -- the dialogue -----------------------------------------------------------------
    def _reply(self, text, now) -> Answer:
        number = _find_number(text)
        rest = _ORDER_ID.sub("", _TRACKING.sub("", text)).strip(" ，,。.！!？?~～:：")
        if number and not rest:  # only a number: the answer to our question, or a look-up
            want = self._pending or "物流查询"
            self._pending, self._asked = None, 0
            return self._from_data(number, want, None, now)
        a = self.kb.answer(text, now=now, product=self.product)
        if a.source == "emergency" or (a.handoff and a.source != "fallback"):
            self._pending = None
            return a
        topic = a.topic if a.topic in ORDER_TOPICS and a.source != "fallback" else None
        if number:
            want = self._pending or topic or ("物流查询" if a.source == "fallback" else None)
            if want:
                self._pending, self._asked = None, 0
                return self._from_data(number, want, a, now)
            return a
        if self._pending and ("单号" in text or "订单" in text):
            self._asked += 1
            return Answer(ASK_AGAIN_TEXT, None, self._pending, 1.0, False,
                          "买家在说订单号，但消息里没有：告诉买家在哪里找订单号。", "official", ())
        if topic and self._needs_order(a):
            if self._order is not None:
                return self._from_data(self._order, topic, a, now)
            self._pending, self._asked = topic, 1
            return Answer(ASK_TEXT.format(what=_WHAT[topic]), a.entry_id, topic, a.confidence, False,
                          f"{a.reason.rstrip('。')}；这个问题要查具体订单：先请买家发订单号。", a.source, ())
        if self._pending and a.source == "fallback":
            if self._asked < 2:
                self._asked += 1
                return Answer(ASK_AGAIN_TEXT, None, self._pending, a.confidence, False,
                              "还在等买家的订单号，这条消息里没有：再请买家发一次。", "official", ())
            self._pending = None
        elif a.source != "fallback":
            self._pending = None
        return a

    def _needs_order(self, a: Answer) -> bool:
        try:
            return bool(a.entry_id) and self.kb.get(a.entry_id).ask_order
        except InputError:
            return False

    # -- the shop data ----------------------------------------------------------------
    def _tables(self):
        if self._by_order is None:
            from .. import datasets

            orders = self._orders if self._orders is not None else datasets.load_orders()
            logistics = self._logistics if self._logistics is not None else datasets.load_logistics()
            for name, df, cols in (("orders", orders, ("order_id", "status", "amount", "carrier", "tracking_no",
                                                       "signed_at")),
                                   ("logistics", logistics, ("tracking_no", "event_time", "status",
                                                             "description"))):
                missing = [c for c in cols if c not in getattr(df, "columns", ())]
                if missing:
                    raise InputError(f"{name} 表缺少列 {', '.join(missing)}：请传入 datasets.load_{name}() 那样的表。")
            self._orders, self._logistics = orders, logistics
            self._by_order = orders.groupby("order_id", sort=False, observed=True).indices
            tracked = orders.dropna(subset=["tracking_no"])
            self._by_tracking = dict(zip(tracked["tracking_no"].astype(str).str.upper(), tracked["order_id"]))
            self._events = logistics.groupby("tracking_no", sort=False, observed=True).indices
        return self._by_order, self._by_tracking, self._events

    def _from_data(self, number: str, topic: str, a: Answer, now) -> Answer:
        by_order, by_tracking, events = self._tables()
        order_id = number if number in by_order else by_tracking.get(number)
        if order_id is None:
            return Answer(f"亲，没有查到单号 {number} 的订单，麻烦核对一下：订单号是 D 开头的 13 位编号，"
                          "在“我的订单—订单详情”里可以复制～", None, topic, 1.0, False,
                          f"订单数据里没有 {number}：请买家核对订单号。", "official", ())
        self._order = order_id
        rows = self._orders.iloc[by_order[order_id]]
        first = rows.iloc[0]
        info = {"id": order_id, "status": str(first["status"]), "amount": float(rows["amount"].sum()),
                "carrier": _value(first["carrier"]), "tracking": _value(first["tracking_no"]),
                "signed": first["signed_at"]}
        trail = None
        if info["tracking"] and info["tracking"] in events:
            trail = self._logistics.iloc[events[info["tracking"]]].sort_values(["event_time", "seq"])
        if trail is not None and now is not None:
            limit = parse_date(now, "当前时间 now")
            trail = trail[trail["event_time"].dt.date <= limit]
        last = trail.iloc[-1] if trail is not None and len(trail) else None
        text = _order_text(topic, info, last)
        return Answer(text, a.entry_id if a is not None and a.topic == topic else None, topic, 1.0, False,
                      f"根据订单数据回答（订单 {order_id}，状态：{info['status']}）。", "official", ())


def _find_number(text: str):
    m = _ORDER_ID.search(text)
    if m:
        return "D" + m.group(1)
    m = _TRACKING.search(text)
    return m.group(1).upper() if m else None


def _value(v):
    return None if v is None or (isinstance(v, float) and v != v) or str(v) in ("", "nan", "<NA>", "NaT") else str(v)


def _parcel(info, last, signed=False) -> str:
    if not info["tracking"]:
        return "已经发出，快递单号稍后会显示在订单详情里"
    out = f"{'' if signed else '已经发出：'}{info['carrier']}快递，单号 {info['tracking']}"
    if last is None:
        return out if signed else out + "，物流轨迹暂时还没更新，揽收后几小时内就能看到"
    out += f"。最新物流（{last['event_time']:%m月%d日 %H:%M}）：{last['description']}"
    if str(last["status"]) in ("异常", "退回"):
        out += "。包裹状态异常，我们已经在联系快递核实，有结果第一时间告诉您"
    return out


def _order_text(topic: str, info: dict, last) -> str:
    oid, status = info["id"], info["status"]
    if status == "待付款":
        return f"亲，订单 {oid} 还没有付款哦，15:00前付款当天发出，发出后就能查到物流啦～"
    if status == "已关闭":
        return f"亲，订单 {oid} 已经关闭（没有付款或已取消），没有物流和退款信息；还需要的话可以重新下单哦～"
    if topic == "退款进度":
        if status == "退款中":
            return (f"亲，订单 {oid} 的退款正在处理中（订单金额 {info['amount']:.2f} 元）：仓库收到退货后48小时内"
                    "为您退款，原路退回，我帮您盯着进度～")
        if status == "已退款":
            return (f"亲，订单 {oid} 已经退款成功（订单金额 {info['amount']:.2f} 元），钱原路退回：支付宝余额"
                    "即时到账，银行卡1-3个工作日到账哦～")
        return f"亲，订单 {oid} 目前没有退款（订单状态：{status}）；需要退款的话在订单里点“退款/售后”申请就可以哦～"
    if status == "已付款":
        extra = "我已经为您备注加急，" if topic == "催发货" else ""
        return f"亲，订单 {oid} 已付款，仓库正在打包，{extra}发出后订单里会显示快递单号，我们会尽快为您发出～"
    if status == "已签收":
        when = info["signed"]
        signed = f"已于 {when:%m月%d日 %H:%M} 签收" if when is not None and when == when else "已经签收"
        return f"亲，订单 {oid} {signed}（{_parcel(info, last, signed=True)}）。如果没有收到，请告诉我，我马上帮您核实。"
    if status in ("退款中", "已退款"):
        return f"亲，订单 {oid} 正在售后处理中（状态：{status}），{_parcel(info, last)}。"
    return f"亲，订单 {oid} {_parcel(info, last)}。"
