"""Customer-service chat sessions (chats.csv), drawn from the orders, shipments and tickets they are about."""

from __future__ import annotations

import bisect
import random
from datetime import datetime, timedelta

from . import agents, chat_messages
from ._base import DAYS, NOW, SHOP, START, Picker, fmt_dt, minutes, stream, write_csv
from .orders import day_weight, is_promo
from .products import recommend_size, size_chart

__all__ = ["HEADER", "TOPICS", "make_chats", "rows", "write"]

HEADER = [
    "session_id", "customer_id", "agent_id", "started_at", "ended_at", "topic",
    "first_response_seconds", "ordered_within_24h", "order_id", "sku", "satisfaction",
]
TOPICS = ["售前咨询", "活动优惠", "催付", "物流", "修改地址", "发票", "退换货", "投诉"]
_GROUP = {"售前咨询": "售前", "活动优惠": "售前", "催付": "售前", "修改地址": "售前", "发票": "售前",
          "物流": "售后", "退换货": "售后", "投诉": "售后"}
_CHAT_HOURS = [1.5, 0.8, 0.4, 0.2, 0.2, 0.3, 0.6, 1.5, 3, 4.5, 5.5, 5, 4, 4.5, 5, 5, 4.5, 4, 4, 5, 6.5,
               7, 6, 3.5]


def _slots(rng: random.Random, p: dict | None, c: dict, o: dict | None) -> dict:
    """Values for the message templates from the product, buyer and order concerned."""
    s = {"shop": SHOP, "jin": c["_weight"] * 2, "height": c["_height"], "city": c["city"],
         "coupon": rng.choice([5, 10, 20]), "days": rng.choice([1, 2, 3]), "district": "",
         "order_id": o["order_id"] if o else "", "carrier": (o or {}).get("carrier") or "中通",
         "tracking": (o or {}).get("tracking_no", ""), "product": "", "name": "", "promo": "",
         "material": "", "origin": "", "color": "", "size": "", "tip": "", "bust": "", "reason": ""}
    if o is not None:
        s["city"], s["district"] = o["city"], o["district"]
    if p is not None:
        s.update(product=p["_short"], name=p["name"], promo=f"{p['promo_price'] // 100}",
                 material=p["material"], origin=p["origin"], color=rng.choice(p["colors"]),
                 size=rng.choice(p["sizes"]), tip=p["size_tip"] or "尺码标准",
                 sized=p["_kind"] in ("W", "M", "K", "SW", "SM", "SU"))
        if p["_kind"] == "K":  # asking for a child
            kid = size_chart(p)[rng.randrange(len(p["sizes"]))]
            s["height"] = rng.randint(kid["height_min_cm"], kid["height_max_cm"])
            s["jin"] = rng.randint(kid["weight_min_kg"], kid["weight_max_kg"]) * 2
            s["size"], s["bust"] = kid["size"], kid["bust_cm"]
            return s
        advice = recommend_size(p, c["_height"], c["_weight"])
        if advice:
            s["size"] = advice
            s["bust"] = next((r["bust_cm"] for r in size_chart(p) if r["size"] == advice), "") or 90
    return s


def _presale_kind(rng: random.Random, p: dict) -> str:
    if p["_kind"] == "K":
        return rng.choices(["售前咨询/童装尺码", "售前咨询/材质", "售前咨询/发货"], weights=[5, 3, 2])[0]
    sized = p["_kind"] in ("W", "M")
    return rng.choices(["售前咨询/尺码", "售前咨询/材质", "售前咨询/发货", "售前咨询/库存"],
                       weights=[5, 3, 3, 2] if sized else [0, 3, 3, 0])[0]


def _daytime(rng: random.Random, day) -> datetime:
    hour = Picker(range(24), _CHAT_HOURS)(rng)
    return datetime(day.year, day.month, day.day, hour, rng.randint(0, 59), rng.randint(0, 59))


def make_chats(products: list[dict], customers: list[dict], orders: list[dict], tickets: list[dict]) -> list[dict]:
    """Chat sessions with their messages, numbered by start time."""
    rng = stream("chats")
    plans = []  # (start, topic, kind, customer, order, product, converted, ticket)
    for o in orders:
        c, p = o["customer"], o["lines"][0]["product"]
        if rng.random() < 0.035 and o["created"] - START > timedelta(hours=2):
            plans.append((o["created"] - minutes(rng, 3, 90), "售前咨询", _presale_kind(rng, p), c, o, p, True, None))
        if o["paid"] is not None and o["pay_delay"] > timedelta(minutes=30) and rng.random() < 0.18:
            at = o["created"] + minutes(rng, 12, min(25, int(o["pay_delay"].total_seconds()) // 60 - 3))
            soon = o["paid"] - at < timedelta(hours=1)
            plans.append((at, "催付", "催付", c, o, p, True if soon else "later", None))
        elif o.get("status") == "已关闭" and rng.random() < 0.12:
            plans.append((o["created"] + minutes(rng, 12, 40), "催付", "催付", c, o, p, False, None))
        plan = o["plan"]
        if plan is not None and (plan["outcome"] == "延误" and rng.random() < 0.25 or rng.random() < 0.01):
            lo = o["shipped"] + timedelta(days=1)
            hi = min(plan["end"], NOW)
            if hi > lo:
                at = lo + (hi - lo) * rng.random()
                plans.append((at.replace(microsecond=0), "物流", "物流", c, o, p, None, None))
        if o["shipped"] is not None and o["seller_remark"] == "" and rng.random() < 0.015:
            at = o["paid"] + minutes(rng, 3, 60)
            if at < o["shipped"]:
                o["seller_remark"] = "客户要求改地址：已修改"  # the chat leaves a trace on the order
                plans.append((at, "修改地址", "修改地址", c, o, p, None, None))
        if o["signed"] is not None and rng.random() < 0.008:
            plans.append((o["signed"] + minutes(rng, 600, 5 * 1440), "发票", "发票", c, o, p, None, None))
    for t in tickets:
        case = t["_case"]
        o = case["order"]
        p = case["line"]["product"] if case["line"] else o["lines"][0]["product"]
        if t["type"] == "投诉" and rng.random() < 0.7:
            plans.append((t["created"] - minutes(rng, 5, 30), "投诉", "投诉", o["customer"], o, p, None, t))
        elif t["type"] != "投诉" and case["line"] is not None and rng.random() < 0.3:
            plans.append((t["created"] - minutes(rng, 2, 20), "退换货", "退换货", o["customer"], o, p, None, t))
    # browsing buyers who ask and may not buy, and promotion questions
    by_join = sorted(customers, key=lambda c: (c["join"], c["customer_id"]))
    joins = [c["join"] for c in by_join]
    day_pick = Picker(DAYS, [day_weight(d) for d in DAYS])
    promo_days = [d for d in DAYS if is_promo(d)]
    for i in range(900):
        promo = i < 260
        day = rng.choice(promo_days) if promo else day_pick(rng)
        k = bisect.bisect_right(joins, day)
        c = by_join[rng.randrange(k)]
        listed = [p for p in products if p["listed"] <= day]
        p = rng.choice(listed)
        kind = "活动优惠" if promo else _presale_kind(rng, p)
        plans.append((_daytime(rng, day), kind.split("/")[0], kind, c, None, p, False, None))

    plans = [x for x in plans if START <= x[0] < NOW - timedelta(minutes=30)]
    plans.sort(key=lambda x: (x[0], x[3]["customer_id"], x[1]))
    history: dict[str, list] = {}
    for o in orders:
        history.setdefault(o["customer"]["customer_id"], []).append(o)
    boss_id = next(a[0] for a in agents.AGENTS if a[2] == "主管")
    out = []
    for start, topic, kind, c, o, p, converted, t in plans:
        aid, avail = agents.pick_agent(rng, _GROUP[topic], start)
        if topic == "催付" and avail > start:
            continue  # nobody nudges buyers at night
        boss = boss_id if agents.on_duty(boss_id, start) else aid
        slots = _slots(rng, p, c, o)
        slots["agent"] = agents.NICK[aid]
        slots["boss"] = agents.NICK[boss]
        if t is not None:
            slots["reason"] = t["reason"]
            slots["resp"] = t["responsibility"]
            slots["ticket_kind"] = "rejected" if t["_case"]["outcome"] == "rejected" else t["type"]
        turns = chat_messages.script_for(rng, kind, slots, converted)
        busy = is_promo(start.date())
        msgs, frt = chat_messages.render(rng, turns, start, aid, boss, avail, busy, SHOP)
        if not msgs:
            continue
        window_end = start + timedelta(hours=24)
        bought = any(
            start <= x["created"] <= window_end or (x["paid"] is not None and start <= x["paid"] <= window_end)
            for x in history.get(c["customer_id"], [])
        )
        sat = ""
        if rng.random() < 0.35:
            w = [0.5, 0.5, 1.5, 3, 6] if (frt or 0) < 120 else [2, 2, 3, 3, 2]
            if topic == "投诉":
                w = [3, 3, 3, 2, 1]
            sat = str(rng.choices([1, 2, 3, 4, 5], weights=w)[0])
        out.append({
            "session_id": f"CS{len(out) + 1:06d}", "customer_id": c["customer_id"], "agent_id": aid,
            "started": msgs[0][0], "ended": msgs[-1][0], "topic": topic, "frt": frt, "bought": bought,
            "order_id": o["order_id"] if o else "", "sku": p["sku"] if p else "", "satisfaction": sat,
            "messages": msgs,
        })
    return out


def rows(sessions: list[dict]) -> list[list]:
    """chats.csv rows, by session_id."""
    return [
        [s["session_id"], s["customer_id"], s["agent_id"], fmt_dt(s["started"]), fmt_dt(s["ended"]),
         s["topic"], "" if s["frt"] is None else s["frt"], s["bought"], s["order_id"], s["sku"],
         s["satisfaction"]]
        for s in sessions
    ]


def write(out_dir, sessions: list[dict]) -> dict:
    """Write chats.csv and chat_messages.csv."""
    return {
        "chats": write_csv(out_dir / "chats.csv", HEADER, rows(sessions)),
        **chat_messages.write(out_dir, sessions),
    }
