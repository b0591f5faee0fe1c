"""The day simulation and charts behind :mod:`cslab.workbench.routing` (lesson 02_pre_job 客服岗前知识准备).

Private: use them through ``routing`` (``routing.simulate_day`` …). The event loop replays the
chats of one day in arrival order. Events at the same second run in this order: a chat ends, a
shift starts, a chat arrives; after each event the waiting queue (first come, first served) is
offered to :func:`routing.route` until nobody has room.

>>> from cslab.workbench import routing
>>> r = routing.simulate_day("2025-11-11", "group")
>>> r.summary()["chats"]
70
"""

from __future__ import annotations

import datetime as _dt
import heapq
import itertools
from collections import deque
from dataclasses import dataclass, field

from ..errors import InputError

__all__ = ["SimulationResult", "simulate_day", "compare_strategies", "plot_simulation", "plot_comparison"]

_MAX_LOAD_FACTOR = 20


def _quantile(values, q):
    """Linear-interpolation quantile (numpy's default) of a non-empty list."""
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


@dataclass
class SimulationResult:
    """One simulated day: ``rows`` (one dict per chat) and ``accounts`` (one dict per sub-account)."""

    date: _dt.date
    strategy: str
    rows: list = field(default_factory=list)
    accounts: list = field(default_factory=list)

    def chats_frame(self):
        """Per-chat table: session_id, arrival, topic, source, account, assigned_at, wait_seconds, offline, queued …"""
        import pandas as pd

        cols = ["session_id", "arrival", "topic", "source", "account", "nickname", "assigned_at",
                "wait_seconds", "handle_seconds", "offline", "queued", "matched", "reason"]
        return pd.DataFrame(self.rows, columns=cols)

    def accounts_frame(self):
        """Per-account load: handled, peak_concurrent, busy_minutes, chat_minutes, shift_minutes, utilisation."""
        import pandas as pd

        cols = ["account", "nickname", "group", "enabled", "max_concurrent", "handled", "peak_concurrent",
                "busy_minutes", "chat_minutes", "shift_minutes", "utilisation"]
        return pd.DataFrame(self.accounts, columns=cols)

    def summary(self) -> dict:
        """Mean / p90 / max wait (seconds), share answered within 3 minutes, offline and queued counts, matched share."""
        from .routing import STRATEGIES

        waits = [r["wait_seconds"] for r in self.rows]
        online = [r["wait_seconds"] for r in self.rows if not r["offline"]]
        n = len(waits)
        return {
            "strategy": self.strategy, "name": STRATEGIES[self.strategy], "date": self.date.isoformat(),
            "chats": n, "offline": sum(r["offline"] for r in self.rows),
            "queued": sum(r["queued"] and not r["offline"] for r in self.rows),
            "mean_wait_s": round(sum(waits) / n, 1), "p90_wait_s": round(_quantile(waits, 0.9), 1),
            "max_wait_s": round(max(waits), 1),
            "within_3min": round(sum(w <= 180 for w in waits) / n, 4),
            "online_mean_wait_s": round(sum(online) / len(online), 1) if online else 0.0,
            "matched_share": round(sum(r["matched"] for r in self.rows) / n, 4),
        }

    def __repr__(self):
        s = self.summary()
        return (f"SimulationResult({s['date']}, {s['strategy']}: {s['chats']} chats, "
                f"mean wait {s['mean_wait_s']} s, offline {s['offline']})")


# --------------------------------------------------------------------------- input
def _parse_dt(value, what):
    from .routing import _parse_when, _present

    if not _present(value):
        return None
    if isinstance(value, _dt.datetime):
        return value.replace(tzinfo=None)
    parsed = _parse_when(value, what) if isinstance(value, str) else None
    if not isinstance(parsed, _dt.datetime):
        raise InputError(f"{what} {value!r} 看不懂：请写成 \"2025-11-11 10:30:00\"（日期和时间）。")
    return parsed


def _handle_seconds(c: dict, started):
    from .routing import DEFAULT_HANDLE_SECONDS, HANDLE_CAP_SECONDS, MIN_HANDLE_SECONDS, _present

    given = c.get("handle_seconds")
    if _present(given):
        if isinstance(given, bool) or not isinstance(given, (int, float)) or given <= 0:
            raise InputError(f"会话 {c.get('session_id')} 的 handle_seconds 应该是大于 0 的秒数，现在是 {given!r}。")
        return float(given)
    ended = _parse_dt(c.get("ended_at"), "结束时间 ended_at")
    if started is None or ended is None or ended < started:
        return float(DEFAULT_HANDLE_SECONDS)
    seconds = (ended - started).total_seconds()
    frs = c.get("first_response_seconds")
    if _present(frs) and 0 <= float(frs) <= seconds:
        seconds -= float(frs)  # the historical wait is replaced by the simulated one
    return float(min(max(seconds, MIN_HANDLE_SECONDS), HANDLE_CAP_SECONDS))


def _openings(session_ids) -> dict:
    """session_id → the buyer's first message, from chat_messages.csv."""
    from .. import datasets

    m = datasets.load_chat_messages()
    m = m[(m["sender"] == "买家") & m["session_id"].isin(set(session_ids))].sort_values(["session_id", "seq"])
    first = m.drop_duplicates("session_id")
    return dict(zip(first["session_id"], first["text"]))


def _no_chats(day, days: dict):
    if not days:
        return InputError("没有可以模拟的会话：会话都缺少开始时间 started_at。")
    busiest = max(sorted(days), key=days.get)
    return InputError(f"{day.isoformat()} 没有会话：请选 {min(days)} 至 {max(days)} 之间有会话的日期"
                      f"（最忙的是 {busiest}，{days[busiest]} 个会话）。")


def _select_frame(day, chats) -> list:
    """The rows of a chats DataFrame started on ``day``, as dicts (filtered in pandas: fast)."""
    import pandas as pd

    if "started_at" not in chats.columns:
        raise InputError("会话表缺少 started_at 列（会话开始时间）。")
    started = pd.to_datetime(chats["started_at"], errors="coerce")
    dates = started.dt.normalize()
    picked = chats[dates == pd.Timestamp(day)]
    if len(picked) == 0:
        counts = dates.dropna().value_counts()
        raise _no_chats(day, {ts.date(): int(n) for ts, n in counts.items()})
    return picked.to_dict("records")


def _prepare(day: _dt.date, chats, load_factor: int) -> list:
    """The chats started on ``day`` as dicts with ``t`` (seconds after midnight) and ``handle``."""
    from .routing import page_source

    if isinstance(load_factor, bool) or not isinstance(load_factor, int) or not 1 <= load_factor <= _MAX_LOAD_FACTOR:
        raise InputError(f"客流倍数 load_factor 应该是 1 到 {_MAX_LOAD_FACTOR} 的整数，现在是 {load_factor!r}。")
    if chats is None:
        from .. import datasets

        chats = datasets.load_chats()
    from_data = hasattr(chats, "columns") and "opening" not in chats.columns
    if hasattr(chats, "columns"):  # a DataFrame
        records = _select_frame(day, chats)
    elif isinstance(chats, (list, tuple)):
        records = list(chats)
    else:
        raise InputError("chats 应该是会话表（DataFrame）或会话字典的列表。")
    days, picked = {}, []
    for n, c in enumerate(records, 1):
        if not isinstance(c, dict):
            raise InputError(f"第 {n} 个会话应该是字典（dict）。")
        started = _parse_dt(c.get("started_at"), "开始时间 started_at")
        if started is None:
            continue  # a chat with no start time cannot be placed on the day
        days[started.date()] = days.get(started.date(), 0) + 1
        if started.date() == day:
            picked.append((started, c))
    if not picked:
        raise _no_chats(day, days)
    openings = _openings(str(c.get("session_id")) for _, c in picked) if from_data else {}
    midnight = _dt.datetime.combine(day, _dt.time())
    out = []
    for started, c in sorted(picked, key=lambda p: (p[0], str(p[1].get("session_id", "")))):
        chat = dict(c)
        sid = str(c.get("session_id") or f"S{len(out) + 1:04d}")
        chat.setdefault("opening", openings.get(sid))
        base = {**chat, "session_id": sid, "t": (started - midnight).total_seconds(),
                "handle": _handle_seconds(c, started), "source": page_source(chat)}
        out.append(base)
    if load_factor > 1:  # copy k of a chat arrives k minutes later: a crowd like a bigger sale
        out = [{**c, "session_id": f"{c['session_id']}#{k + 1}" if k else c["session_id"], "t": c["t"] + 60 * k}
               for c in out for k in range(load_factor)]
        out.sort(key=lambda c: (c["t"], c["session_id"]))
    return out


# --------------------------------------------------------------------------- event loop
def _run(day: _dt.date, strategy: str, accounts: list, chats: list) -> SimulationResult:
    from .routing import (MISMATCH_FACTOR, TOPIC_GROUPS, Decision, RoutingState, _route, _shift_minutes,
                          parse_shift)

    if not any(a["enabled"] for a in accounts):
        raise InputError("没有启用的子账号：请至少把一个子账号的 enabled 设为 True。")
    by_name = {a["name"]: a for a in accounts}
    state = RoutingState(now=0)
    stats = {a["name"]: {"handled": 0, "peak": 0, "busy": 0.0, "since": None, "chat": 0.0} for a in accounts}
    heap, seq = [], itertools.count()
    for i, c in enumerate(chats):
        heapq.heappush(heap, (c["t"], 2, next(seq), "arrive", i))
    for a in accounts:
        if a["enabled"]:
            heapq.heappush(heap, (parse_shift(a["shift_hours"])[0] * 60.0, 1, next(seq), "shift", a["name"]))
    midnight = _dt.datetime.combine(day, _dt.time())
    rows = [None] * len(chats)
    waiting = {}
    queue = deque()
    remaining = len(chats)

    def assign(i, decision, t):
        c, a = chats[i], by_name[decision.account]
        matched = a["group"] == "主管" or a["group"] in TOPIC_GROUPS[c["topic"]]
        handle = c["handle"] * (1 if matched else MISMATCH_FACTOR)
        state.start(a["name"])
        st = stats[a["name"]]
        n_open = state.open_chats[a["name"]]
        st["handled"] += 1
        st["peak"] = max(st["peak"], n_open)
        st["chat"] += handle
        if n_open == 1:
            st["since"] = t
        heapq.heappush(heap, (t + handle, 0, next(seq), "finish", a["name"]))
        wait = waiting.pop(i, None)
        rows[i] = {
            "session_id": c["session_id"], "arrival": midnight + _dt.timedelta(seconds=c["t"]),
            "topic": c["topic"], "source": c["source"], "account": a["name"], "nickname": a["nickname"],
            "assigned_at": midnight + _dt.timedelta(seconds=t), "wait_seconds": round(t - c["t"], 1),
            "handle_seconds": round(handle, 1), "offline": bool(wait and wait.offline),
            "queued": wait is not None, "matched": matched,
            "reason": f"{wait.reason}；{decision.reason}" if wait else decision.reason,
        }

    def dispatch(t):
        while queue:
            decision = _route(chats[queue[0]], accounts, strategy, state)
            if decision.account is None:
                return
            assign(queue.popleft(), decision, t)

    while heap and remaining:
        t, _, _, kind, x = heapq.heappop(heap)
        state.now = t
        if kind == "arrive":
            decision = _route(chats[x], accounts, strategy, state)
            if decision.account is not None and not queue:
                assign(x, decision, t)
            else:  # nobody has room (or others are already waiting): wait in line
                waiting[x] = decision if decision.account is None else Decision(None, "前面还有买家在排队", True)
                queue.append(x)
        elif kind == "finish":
            state.finish(x)
            remaining -= 1
            st = stats[x]
            if state.open_chats[x] == 0:
                st["busy"] += t - st["since"]
        else:  # a shift starts: offline messages can be answered; the same shift starts tomorrow
            heapq.heappush(heap, (t + 86400, 1, next(seq), "shift", x))
        dispatch(t)

    loads = []
    for a in accounts:
        st = stats[a["name"]]
        shift = _shift_minutes(a["shift_hours"]) if a["enabled"] else 0
        chat_min = st["chat"] / 60
        loads.append({
            "account": a["name"], "nickname": a["nickname"], "group": a["group"], "enabled": a["enabled"],
            "max_concurrent": a["max_concurrent"], "handled": st["handled"], "peak_concurrent": st["peak"],
            "busy_minutes": round(st["busy"] / 60, 1), "chat_minutes": round(chat_min, 1),
            "shift_minutes": shift,
            "utilisation": round(chat_min / (a["max_concurrent"] * shift), 4) if shift else 0.0,
        })
    return SimulationResult(day, strategy, rows, loads)


def _setup(date, strategy, accounts):
    from .routing import DEFAULT_DATE, STRATEGIES, _to_date, accounts_from_agents, check_accounts

    if strategy not in STRATEGIES:
        raise InputError(f"没有分流策略 {strategy!r}：可选 " + "、".join(f"{k}（{v}）" for k, v in STRATEGIES.items()) + "。")
    day = _to_date(DEFAULT_DATE if date is None else date)
    accounts = accounts_from_agents(on=day) if accounts is None else check_accounts(accounts)
    return day, accounts


def simulate_day(date=None, strategy: str = "group", accounts=None, chats=None, load_factor: int = 1) -> SimulationResult:
    """Replay every chat started on ``date`` (default the busiest day, 2025-11-11) under one strategy.

    ``accounts`` default: :func:`routing.accounts_from_agents` for staff employed that day;
    ``chats`` default ``datasets.load_chats()`` (a DataFrame or a list of dicts also works; a dict
    may give ``handle_seconds`` directly). Handling time = ``ended_at − started_at`` minus the
    recorded first-response wait, between 30 s and 40 min; 5 min when times are missing; ×1.5
    when the chat lands outside its topic's group. ``load_factor`` k replays each chat k times,
    one minute apart, to imitate a bigger crowd. Deterministic.

    >>> s = simulate_day("2025-11-11", "least_busy").summary()
    >>> s["chats"], s["offline"] > 0, 0 <= s["within_3min"] <= 1
    (70, True, True)
    """
    day, accounts = _setup(date, strategy, accounts)
    return _run(day, strategy, accounts, _prepare(day, chats, load_factor))


def compare_strategies(date=None, accounts=None, chats=None, load_factor: int = 1):
    """One row per strategy (the :meth:`SimulationResult.summary` keys) for the same day, accounts and chats.

    >>> list(compare_strategies("2025-11-11")["strategy"])
    ['group', 'weight', 'product', 'source', 'least_busy']
    """
    import pandas as pd

    from .routing import STRATEGIES

    day, accounts = _setup(date, "group", accounts)
    prepared = _prepare(day, chats, load_factor)
    return pd.DataFrame([_run(day, key, accounts, prepared).summary() for key in STRATEGIES])


# --------------------------------------------------------------------------- charts
def plot_simulation(result: SimulationResult):
    """A Figure: mean wait by arrival hour (offline hours in red) and chats per sub-account with utilisation.

    >>> fig = plot_simulation(simulate_day("2025-11-11", "group"))
    >>> [ax.get_title() for ax in fig.axes]
    ['各时段平均等待', '各子账号接待量']
    """
    import matplotlib
    from matplotlib.figure import Figure

    from ..plotting import COURSE_COLORS, course_rc, use_chinese_font
    from .routing import STRATEGIES

    if not isinstance(result, SimulationResult):
        raise InputError("plot_simulation 需要 simulate_day(...) 的结果。")
    family = use_chinese_font()
    s = result.summary()
    hours = {h: [] for h in range(24)}
    offline_hours = set()
    for r in result.rows:
        h = r["arrival"].hour
        hours[h].append(r["wait_seconds"] / 60)
        if r["offline"]:
            offline_hours.add(h)
    means = [sum(v) / len(v) if v else 0 for v in hours.values()]
    with matplotlib.rc_context(course_rc()):
        fig = Figure(figsize=(11, 4.2), layout="constrained")
        ax1, ax2 = fig.subplots(1, 2, width_ratios=[3, 2])
        colors = [COURSE_COLORS[3] if h in offline_hours else COURSE_COLORS[0] for h in range(24)]
        online = [means[h] for h in range(24) if hours[h] and h not in offline_hours]
        top = max(5.0, 1.4 * max(online, default=0))  # offline waits (hours) would flatten the rest
        ax1.bar(range(24), [min(m, top) for m in means], color=colors)
        for h, v in hours.items():
            if v and means[h] > top:
                ax1.text(h, top * 0.97, f"{len(v)}个，平均{means[h] / 60:.1f}小时", rotation=90, ha="center",
                         va="top", fontsize=7, color="white", family=family)
            elif v:
                ax1.annotate(f"{len(v)}", (h, means[h]), ha="center", va="bottom", fontsize=7, color="0.35")
        ax1.set_ylim(0, top * 1.08)
        ax1.set_xticks(range(0, 24, 2))
        ax1.set_xlabel("买家到达时间（时）；柱上数字为会话数，红色为离线留言时段", family=family)
        ax1.set_ylabel("平均等待（分钟）", family=family)
        ax1.set_title("各时段平均等待", family=family)
        frame = [a for a in result.accounts if a["enabled"] or a["handled"]]
        names = [f"{a['nickname']}（{a['group']}）" for a in frame][::-1]
        handled = [a["handled"] for a in frame][::-1]
        ax2.barh(names, handled, color=COURSE_COLORS[2])
        for y, a in enumerate(frame[::-1]):
            ax2.annotate(f" 峰值 {a['peak_concurrent']}/{a['max_concurrent']}，饱和度 {a['utilisation']:.0%}",
                         (a["handled"], y), va="center", fontsize=8, color="0.3")
        ax2.set_xlim(0, max(handled + [1]) * 1.9)
        ax2.set_xlabel("接待会话数", family=family)
        ax2.set_title("各子账号接待量", family=family)
        for lab in ax2.get_yticklabels():
            lab.set_family(family)
        fig.suptitle(f"{s['date']} {STRATEGIES[result.strategy]}分流：{s['chats']} 个会话，平均等待 "
                     f"{s['mean_wait_s'] / 60:.1f} 分钟，3分钟内接入 {s['within_3min']:.0%}，离线留言 {s['offline']} 个",
                     family=family, fontsize=12)
    return fig


def plot_comparison(frame):
    """A Figure comparing strategies from :func:`compare_strategies`: wait while staff are online, 3-minute and matched shares.

    >>> fig = plot_comparison(compare_strategies("2025-11-11"))
    >>> fig.axes[0].get_title()
    '在线时段平均等待'
    """
    import matplotlib
    from matplotlib.figure import Figure

    from ..plotting import COURSE_COLORS, course_rc, use_chinese_font

    need = {"name", "online_mean_wait_s", "queued", "offline", "within_3min", "matched_share"}
    if not hasattr(frame, "columns") or not need <= set(frame.columns) or len(frame) == 0:
        raise InputError("plot_comparison 需要 compare_strategies(...) 返回的表格。")
    family = use_chinese_font()
    names = list(frame["name"])
    x = list(range(len(names)))
    with matplotlib.rc_context(course_rc()):
        fig = Figure(figsize=(11, 4.2), layout="constrained")
        ax1, ax2 = fig.subplots(1, 2)
        waits = list(frame["online_mean_wait_s"] / 60)
        ax1.bar(x, waits, 0.6, color=COURSE_COLORS[0])
        for i, (w, q) in enumerate(zip(waits, frame["queued"])):
            label = f"{w * 60:.0f} 秒" if w < 2 else f"{w:.1f} 分钟"
            ax1.annotate(f"{label}\n排队 {q} 个", (i, w), ha="center", va="bottom", fontsize=8, color="0.3",
                         family=family)
        ax1.set_ylim(0, max(waits + [0.5]) * 1.35)
        ax1.set_ylabel("分钟", family=family)
        ax1.set_title("在线时段平均等待", family=family)
        ax1.set_xlabel(f"离线留言 {int(frame['offline'].max())} 个不计入：它们要等客服上班，换分流策略也没用",
                       family=family, fontsize=9)
        w = 0.38
        ax2.bar([i - w / 2 for i in x], frame["within_3min"] * 100, w, label="3分钟内接入", color=COURSE_COLORS[2])
        ax2.bar([i + w / 2 for i in x], frame["matched_share"] * 100, w, label="专业对口", color=COURSE_COLORS[4])
        ax2.set_ylim(0, 119)
        ax2.set_yticks(range(0, 101, 20))
        ax2.set_ylabel("占比（%）", family=family)
        ax2.set_title("接入及时与专业对口", family=family)
        ax2.legend(prop={"family": family, "size": 9}, loc="upper center", ncols=2)
        for ax in (ax1, ax2):
            ax.set_xticks(x, names, family=family)
        day = frame["date"].iloc[0] if "date" in frame.columns else ""
        fig.suptitle(f"{day} 分流策略对比", family=family, fontsize=12)
    return fig
