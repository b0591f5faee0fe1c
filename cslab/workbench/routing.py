"""旺旺分流: route buyer chats to sub-accounts, and replay a day of the shop's chats (lesson 02_pre_job 客服岗前知识准备).

Accounts are plain dicts (what ``SubAccount.to_dict()`` gives, or :func:`accounts_from_agents`):
``name`` "悦衣小铺:小美", ``nickname``, ``group`` (售前/售后/主管 …), ``role``, ``enabled``,
``max_concurrent``, ``weight`` (default 1), ``products`` (bound SKUs, default []), ``sources``
(bound page sources, default []), ``shift_hours`` "08:00-16:30" (may cross midnight).

* :data:`STRATEGIES` – the five ways to route; :func:`route` – one chat, one :class:`Decision`.
* :func:`simulate_day` – replay every chat of a day with queues → :class:`SimulationResult`;
  :func:`compare_strategies` – one row per strategy; :func:`plot_simulation`, :func:`plot_comparison`.

Rules shared by every strategy: only enabled accounts on shift receive chats, never more open
chats than ``max_concurrent``; when the target group is busy or off shift the chat goes to another
online account with room (the least loaded one); when every online account is full the chat
queues; when nobody is on shift it is a 离线留言 and waits until someone comes online.

>>> accounts = [
...     {"name": "店:小美", "group": "售前", "enabled": True, "max_concurrent": 2, "shift_hours": "08:00-16:30"},
...     {"name": "店:安安", "group": "售后", "enabled": True, "max_concurrent": 2, "shift_hours": "08:00-16:30"},
... ]
>>> route({"topic": "物流", "started_at": "2025-11-11 10:00"}, accounts, "group").account
'店:安安'
>>> route({"topic": "物流", "started_at": "2025-11-11 03:00"}, accounts, "group").offline
True
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from dataclasses import dataclass

from ..errors import InputError
from ._settings import parse_hours

__all__ = [
    "STRATEGIES", "TOPIC_GROUPS", "PAGE_SOURCES", "SOURCE_GROUPS", "DEFAULT_DATE", "HANDLE_CAP_SECONDS",
    "DEFAULT_HANDLE_SECONDS", "MIN_HANDLE_SECONDS", "MISMATCH_FACTOR", "LABELS",
    "check_accounts", "accounts_from_agents", "parse_shift", "on_shift", "page_source",
    "RoutingState", "Decision", "route",
    "SimulationResult", "simulate_day", "compare_strategies", "plot_simulation", "plot_comparison",
]

#: strategy key → Chinese name (the order the lesson presents them)
STRATEGIES = {
    "group": "按分组",
    "weight": "按权重",
    "product": "按商品绑定",
    "source": "按页面来源",
    "least_busy": "最空闲优先",
}
#: chat topic → the groups that handle it, first choice first
TOPIC_GROUPS = {
    "售前咨询": ("售前",), "活动优惠": ("售前",), "催付": ("售前",),
    "退换货": ("售后",), "物流": ("售后",), "修改地址": ("售后",), "发票": ("售后",),
    "投诉": ("主管", "售后"),
}
#: the pages a buyer can start a chat from
PAGE_SOURCES = ("商品详情页", "订单页", "店铺首页", "活动页")
#: page source → the group that takes it when no account has bound that source
SOURCE_GROUPS = {"商品详情页": "售前", "店铺首页": "售前", "活动页": "售前", "订单页": "售后"}
#: the busiest day in chats.csv (70 chats, 双11), used when no date is given
DEFAULT_DATE = "2025-11-11"
#: handling time: the recorded talk time after the first human reply, capped at 40 minutes …
HANDLE_CAP_SECONDS = 40 * 60
#: … at least 30 seconds, and 5 minutes when the chat's times are missing
MIN_HANDLE_SECONDS = 30
DEFAULT_HANDLE_SECONDS = 5 * 60
#: a chat that lands outside its topic's groups (a 售前 account answering 退换货) takes 1.5× as long;
#: 主管 accounts answer every topic at normal speed
MISMATCH_FACTOR = 1.5
#: column → Chinese label, for showing the frames to students: ``frame.rename(columns=LABELS)``
LABELS = {
    "strategy": "策略代码", "name": "策略", "date": "日期", "chats": "会话数", "offline": "离线留言",
    "queued": "排队", "mean_wait_s": "平均等待（秒）", "p90_wait_s": "90%等待（秒）",
    "max_wait_s": "最长等待（秒）", "within_3min": "3分钟内接入占比", "online_mean_wait_s": "在线时段平均等待（秒）",
    "matched_share": "专业对口占比", "session_id": "会话", "arrival": "到达时间", "topic": "主题",
    "source": "页面来源", "account": "接待子账号", "assigned_at": "接入时间", "wait_seconds": "等待（秒）",
    "handle_seconds": "接待时长（秒）", "matched": "专业对口", "reason": "分流原因", "nickname": "昵称",
    "group": "分组", "handled": "接待会话", "peak_concurrent": "最高同时接待", "max_concurrent": "最大接待量",
    "busy_minutes": "忙碌分钟", "chat_minutes": "会话分钟", "shift_minutes": "当日在班分钟",
    "utilisation": "接待饱和度",
}

_REQUIRED = ("name", "group", "enabled", "max_concurrent", "shift_hours")
_GREETING_RE = re.compile(r"^(亲|hello|hi|你好|您好|在吗|在不在|有人吗|请问一下|请问|客服)+$")


# --------------------------------------------------------------------------- accounts
def parse_shift(text) -> tuple:
    """Start and end minute of a shift like ``"16:00-00:30"`` (end ≤ start means it crosses midnight).

    The grammar is the workbench's (:func:`cslab.workbench.parse_hours`): ``～`` and ``至`` work
    too, and an empty text means all day.

    >>> parse_shift("08:00-16:30"), parse_shift("16:00-00:30"), parse_shift("00:00-24:00")
    ((480, 990), (960, 30), (0, 1440))
    """
    if text is not None and not isinstance(text, str):
        parse_hours(text, "班次时间")  # raises the workbench's Chinese error
    return _parse_shift(text)


@functools.lru_cache(maxsize=256)
def _parse_shift(text) -> tuple:
    r = parse_hours(text, "班次时间")
    return r.start, r.end


def on_shift(shift_hours: str, minute_of_day: float) -> bool:
    """Whether a shift covers a minute of the day (0–1439.99); handles shifts that cross midnight.

    >>> on_shift("16:00-00:30", 0 * 60 + 10), on_shift("16:00-00:30", 8 * 60)
    (True, False)
    """
    start, end = parse_shift(shift_hours)
    m = minute_of_day % 1440
    return start <= m < end if start < end else (m >= start or m < end)


def _shift_minutes(shift_hours: str) -> int:
    start, end = parse_shift(shift_hours)
    return end - start if start < end else 1440 - start + end


def check_accounts(accounts) -> list:
    """Validated copies of account dicts with defaults filled in (nickname, role, weight, products, sources).

    >>> check_accounts([{"name": "店:小美", "group": "售前", "enabled": True, "max_concurrent": 3,
    ...                  "shift_hours": "08:00-16:30"}])[0]["weight"]
    1
    """
    if not isinstance(accounts, (list, tuple)) or not accounts:
        raise InputError("请给出子账号列表（至少一个），每个子账号是一个字典，例如 "
                         "{\"name\": \"悦衣小铺:小美\", \"group\": \"售前\", \"enabled\": True, "
                         "\"max_concurrent\": 8, \"shift_hours\": \"08:00-16:30\"}。")
    out, seen = [], set()
    for n, acct in enumerate(accounts, 1):
        if not isinstance(acct, dict):
            raise InputError(f"第 {n} 个子账号应该是字典（dict），现在是 {type(acct).__name__}。")
        missing = [k for k in _REQUIRED if k not in acct]
        who = acct.get("name", f"第 {n} 个子账号")
        if missing:
            raise InputError(f"子账号 {who} 缺少 {'、'.join(missing)}：请补上这些键。")
        a = dict(acct)
        if not isinstance(a["name"], str) or not a["name"].strip():
            raise InputError(f"第 {n} 个子账号的 name 应该是“店铺名:昵称”这样的文字。")
        if a["name"] in seen:
            raise InputError(f"子账号 {a['name']} 出现了两次：每个子账号的 name 必须不同。")
        seen.add(a["name"])
        if not isinstance(a["enabled"], bool):
            raise InputError(f"子账号 {who} 的 enabled 应该是 True 或 False，现在是 {a['enabled']!r}。")
        mc = a["max_concurrent"]
        if isinstance(mc, bool) or not isinstance(mc, int) or mc < 1:
            raise InputError(f"子账号 {who} 的最大接待量 max_concurrent 应该是不小于 1 的整数，现在是 {mc!r}。")
        a.setdefault("weight", 1)
        w = a["weight"]
        if isinstance(w, bool) or not isinstance(w, int) or w < 0:
            raise InputError(f"子账号 {who} 的权重 weight 应该是不小于 0 的整数，现在是 {w!r}。")
        parse_shift(a["shift_hours"])
        for key, label in (("products", "绑定商品"), ("sources", "绑定页面来源")):
            value = a.get(key) or []
            if isinstance(value, str) or not all(isinstance(x, str) for x in value):
                raise InputError(f"子账号 {who} 的{label} {key} 应该是文字列表，例如 [\"SP0001\"]。")
            a[key] = list(value)
        bad = [s for s in a["sources"] if s not in PAGE_SOURCES]
        if bad:
            raise InputError(f"子账号 {who} 绑定了未知的页面来源 {'、'.join(bad)}：可选 {'、'.join(PAGE_SOURCES)}。")
        a.setdefault("nickname", a["name"].split(":", 1)[-1])
        a.setdefault("role", "")
        out.append(a)
    return out


def _to_date(value, label="日期") -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InputError(f"{label} {value!r} 看不懂：请写成 \"2025-11-11\" 这样的 年-月-日。") from None


def accounts_from_agents(agents_df=None, on=None) -> list:
    """Account dicts from ``datasets.load_agents()``: 离职 → disabled; with ``on`` a date, only staff employed that day are enabled.

    >>> [a["nickname"] for a in accounts_from_agents(on="2025-11-11") if a["enabled"]]
    ['小美', '小雅', '阿杰', '安安', '小舟', '米粒', '林姐']
    """
    if agents_df is None:
        from .. import datasets

        agents_df = datasets.load_agents()
    day = None if on is None else _to_date(on)
    out = []
    for row in agents_df.to_dict("records"):
        enabled = str(row.get("status", "在职")) != "离职"
        if day is not None:
            hired, left = row.get("hired_date"), row.get("left_date")
            enabled = ((hired is None or hired != hired or hired.date() <= day)
                       and (left is None or left != left or day <= left.date()))
        name = str(row["account"])
        out.append({
            "name": name, "nickname": name.split(":", 1)[-1], "group": str(row["group"]),
            "role": "主管" if str(row["group"]) == "主管" else "客服", "enabled": bool(enabled),
            "max_concurrent": int(row["max_concurrent"]), "weight": 1, "products": [], "sources": [],
            "shift_hours": str(row["shift_hours"]), "agent_id": str(row["agent_id"]),
        })
    return check_accounts(out)


# --------------------------------------------------------------------------- chats
def _present(value) -> bool:
    return value is not None and value == value and str(value).strip() != ""


def page_source(chat: dict) -> str:
    """The page a chat started from, derived from the data when the chat has no ``page_source``.

    Rules, first match wins: topic 活动优惠 → 活动页; topic 售前咨询 → 店铺首页 when the
    buyer's first message (``opening``) is only a greeting such as “在吗”, else 商品详情页;
    a chat with an ``order_id`` → 订单页; with a ``sku`` → 商品详情页; otherwise 店铺首页.

    >>> page_source({"topic": "物流", "order_id": "D1", "sku": "SP0001"})
    '订单页'
    >>> page_source({"topic": "售前咨询", "sku": "SP0001", "opening": "亲，在吗？"})
    '店铺首页'
    """
    given = chat.get("page_source")
    if _present(given):
        if given not in PAGE_SOURCES:
            raise InputError(f"页面来源 {given!r} 不认识：可选 {'、'.join(PAGE_SOURCES)}。")
        return given
    topic = chat.get("topic")
    if topic == "活动优惠":
        return "活动页"
    if topic == "售前咨询":
        opening = re.sub(r"[\s，,。.？?！!~、]", "", str(chat.get("opening") or "")).lower()
        if opening and _GREETING_RE.match(opening):
            return "店铺首页"
        return "商品详情页" if _present(chat.get("sku")) else "店铺首页"
    if _present(chat.get("order_id")):
        return "订单页"
    return "商品详情页" if _present(chat.get("sku")) else "店铺首页"


_DATETIME_RE = re.compile(r"^(?:(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+|$))?(?:(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?$")


def _parse_when(value, what="时间"):
    """A datetime (with a date) or a time (without) from text like "2025-11-11 9:30" or "10:30"."""
    m = _DATETIME_RE.match(value.strip()) if isinstance(value, str) else None
    if m and any(m.groups()):
        y, mo, d, h, mi, sec = (int(x) if x else None for x in m.groups())
        try:
            t = _dt.time(h or 0, mi or 0, sec or 0)
            return _dt.datetime.combine(_dt.date(y, mo, d), t) if y else t if h is not None else None
        except ValueError:
            pass
    raise InputError(f"{what} {value!r} 看不懂：请写成 \"10:30\" 或 \"2025-11-11 10:30:00\"。")


def _seconds_of_day(value) -> float:
    """Seconds since midnight of a time given as "HH:MM", a datetime, a time or a number of seconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value) % 86400
    t = _parse_when(value) if isinstance(value, str) else value
    if isinstance(t, _dt.datetime):
        t = t.time()
    if not isinstance(t, _dt.time):
        raise InputError(f"时间 {value!r} 看不懂：请写成 \"10:30\" 或 \"2025-11-11 10:30:00\"。")
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


# --------------------------------------------------------------------------- routing
class RoutingState:
    """The live state routing needs: the clock (``now``), open chats per account, round-robin credit.

    ``now`` may be "HH:MM", a datetime or seconds since midnight; None means “use the chat's
    ``started_at``”. :func:`route` only changes the round-robin credit; call :meth:`start` /
    :meth:`finish` when a chat opens or closes.

    >>> s = RoutingState(now="10:00"); s.start("店:小美"); s.open_chats
    {'店:小美': 1}
    """

    def __init__(self, now=None, open_chats=None):
        self.second_of_day = None if now is None else _seconds_of_day(now)
        self.open_chats = dict(open_chats or {})
        self.credit = {}

    @property
    def now(self):
        """The clock as seconds since midnight (None: take the chat's own ``started_at``)."""
        return self.second_of_day

    @now.setter
    def now(self, value):
        self.second_of_day = None if value is None else _seconds_of_day(value)

    def start(self, name: str) -> None:
        """One more open chat for ``name``."""
        self.open_chats[name] = self.open_chats.get(name, 0) + 1

    def finish(self, name: str) -> None:
        """One open chat of ``name`` ends."""
        self.open_chats[name] = max(0, self.open_chats.get(name, 0) - 1)


@dataclass(frozen=True)
class Decision:
    """Where a chat goes: ``account`` (None while it waits), a Chinese ``reason``, ``queued``, ``offline`` (离线留言)."""

    account: str | None
    reason: str
    queued: bool
    offline: bool = False


def _least_loaded(cands, state, by_ratio=True):
    def key(item):
        i, a = item
        n = state.open_chats.get(a["name"], 0)
        return (n / a["max_concurrent"] if by_ratio else n, n, i)

    return min(cands, key=key)[1]


def _in_groups(free, groups, state, reason):
    for g in groups:
        cands = [(i, a) for i, a in free if a["group"] == g]
        if cands:
            a = _least_loaded(cands, state, by_ratio=False)
            return Decision(a["name"], f"{reason} → {g}组，分给{a['nickname']}（组内当前接待最少）", False)
    return None


def _weighted(free, state):
    cands = [(i, a) for i, a in free if a["weight"] > 0]
    if not cands:
        return None
    total = sum(a["weight"] for _, a in cands)
    for _, a in cands:  # smooth weighted round robin (as in nginx): deterministic, evenly spread
        state.credit[a["name"]] = state.credit.get(a["name"], 0) + a["weight"]
    best = max(cands, key=lambda item: (state.credit[item[1]["name"]], -item[0]))[1]
    state.credit[best["name"]] -= total
    return Decision(best["name"], f"按权重轮流分配：{best['nickname']}（权重 {best['weight']}，"
                                  f"在线权重合计 {total}）", False)


def _route(chat: dict, accounts: list, strategy: str, state: RoutingState) -> Decision:
    """:func:`route` on accounts already checked by :func:`check_accounts`."""
    sec = state.second_of_day
    if sec is None:
        if not _present(chat.get("started_at")):
            raise InputError("不知道现在几点：请给会话加上 started_at（如 \"2025-11-11 10:00\"），"
                             "或用 RoutingState(now=\"10:00\")。")
        sec = _seconds_of_day(chat["started_at"])
    topic = chat.get("topic")
    if topic not in TOPIC_GROUPS:
        raise InputError(f"会话主题 {topic!r} 不认识：可选 {'、'.join(TOPIC_GROUPS)}。")
    minute = sec / 60
    online = [(i, a) for i, a in enumerate(accounts) if a["enabled"] and on_shift(a["shift_hours"], minute)]
    if not online:
        return Decision(None, "所有客服都不在班（或已停用）：买家离线留言，等第一位客服上线后接待", True, True)
    free = [(i, a) for i, a in online if state.open_chats.get(a["name"], 0) < a["max_concurrent"]]
    if not free:
        return Decision(None, f"在线的 {len(online)} 位客服都已接满（达到最大接待量）：排队等待", True)
    groups = TOPIC_GROUPS[topic]
    if strategy == "group":
        wanted = "、".join(groups)
        decision = _in_groups(free, groups, state, f"按分组：{topic}")
    elif strategy == "weight":
        wanted = "有权重的客服"
        decision = _weighted(free, state)
    elif strategy == "product":
        sku = chat.get("sku")
        bound = [(i, a) for i, a in free if _present(sku) and sku in a["products"]]
        wanted = f"绑定 {sku} 的客服"
        if bound:
            a = _least_loaded(bound, state, by_ratio=False)
            return Decision(a["name"], f"按商品绑定：{sku} 绑定给{a['nickname']}", False)
        some = any(_present(sku) and sku in a["products"] for a in accounts)
        why = f"绑定 {sku} 的客服都忙或不在班" if some else f"没有客服绑定商品 {sku}" if _present(sku) else "会话没有商品"
        wanted = "、".join(groups)
        decision = _in_groups(free, groups, state, f"{why}，改按分组：{topic}")
    elif strategy == "source":
        src = page_source(chat)
        bound = [(i, a) for i, a in free if src in a["sources"]]
        if bound:
            a = _least_loaded(bound, state, by_ratio=False)
            return Decision(a["name"], f"按页面来源：{src} 绑定给{a['nickname']}", False)
        some = any(src in a["sources"] for a in accounts)
        why = f"绑定{src}的客服都忙或不在班" if some else f"按页面来源：{src}"
        wanted = SOURCE_GROUPS[src]
        decision = _in_groups(free, (wanted,), state, why)
    elif strategy == "least_busy":
        a = _least_loaded(free, state)
        n = state.open_chats.get(a["name"], 0)
        return Decision(a["name"], f"最空闲优先：{a['nickname']} 当前接待 {n}/{a['max_concurrent']}", False)
    else:
        raise InputError(f"没有分流策略 {strategy!r}：可选 " + "、".join(f"{k}（{v}）" for k, v in STRATEGIES.items()) + "。")
    if decision is not None:
        return decision
    a = _least_loaded(free, state)
    return Decision(a["name"], f"{wanted}都忙或不在班：转给其他在线客服{a['nickname']}（当前最空闲）", False)


def route(chat: dict, accounts: list, strategy: str, state: RoutingState | None = None) -> Decision:
    """Pick the sub-account for one chat (``topic``, ``started_at``, optional ``sku``/``order_id``/``page_source``).

    Returns ``Decision(account=None, queued=True)`` when every online account is full, and with
    ``offline=True`` when nobody is on shift. Deterministic for the same inputs and state.

    >>> acc = [{"name": "店:林姐", "group": "主管", "enabled": True, "max_concurrent": 1, "shift_hours": "09:00-21:00"},
    ...        {"name": "店:安安", "group": "售后", "enabled": True, "max_concurrent": 2, "shift_hours": "08:00-16:30"}]
    >>> route({"topic": "投诉"}, acc, "group", RoutingState(now="10:00")).account
    '店:林姐'
    >>> route({"topic": "投诉"}, acc, "group", RoutingState(now="10:00", open_chats={"店:林姐": 1})).account
    '店:安安'
    """
    if strategy not in STRATEGIES:
        raise InputError(f"没有分流策略 {strategy!r}：可选 " + "、".join(f"{k}（{v}）" for k, v in STRATEGIES.items()) + "。")
    if not isinstance(chat, dict):
        raise InputError("会话 chat 应该是字典，例如 {\"topic\": \"物流\", \"started_at\": \"2025-11-11 10:00\"}。")
    return _route(chat, check_accounts(accounts), strategy, RoutingState() if state is None else state)


# --------------------------------------------------------------------------- simulation
from ._routing_sim import (  # noqa: E402  (the simulation needs the routing above)
    SimulationResult, compare_strategies, plot_comparison, plot_simulation, simulate_day,
)
