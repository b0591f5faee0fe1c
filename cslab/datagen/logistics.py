"""Parcels: carriers, tracking numbers, delivery outcomes (shipments.csv) and tracking events (logistics.csv)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from . import _geo
from ._base import NOW, Picker, fmt_dt, stream, write_csv

__all__ = [
    "HEADER", "SHIPMENT_HEADER", "CARRIERS", "OUTCOMES", "WINDOW", "choose_carrier", "tracking_no",
    "plan", "events", "is_peak", "in_window", "rows", "shipment_rows", "write",
]

HEADER = ["tracking_no", "order_id", "carrier", "seq", "event_time", "status", "location", "description"]
SHIPMENT_HEADER = [
    "tracking_no", "order_id", "carrier", "shipped_at", "promised_days", "outcome", "signed_at",
    "province", "city",
]
CARRIERS = ["中通", "圆通", "韵达", "申通", "极兔", "顺丰", "邮政"]
OUTCOMES = ["正常", "延误", "丢失", "退回"]
#: tracking detail is kept for parcels shipped in this window (every one has ended by the snapshot)
WINDOW = (datetime(2026, 9, 1), datetime(2026, 10, 11))

_MIX = Picker(CARRIERS, [34, 20, 15, 10, 10, 8, 3])
_REMOTE_MIX = Picker(CARRIERS, [15, 8, 6, 4, 2, 10, 55])
_PREFIX = {"中通": ("78", 12), "圆通": ("YT", 13), "韵达": ("43", 13), "申通": ("77", 13),
           "极兔": ("JT", 13), "顺丰": ("SF", 13), "邮政": ("98", 11)}
_BASE_HOURS = {1: 28, 2: 48, 3: 68, 4: 90, 5: 130}
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_SIGN = ["本人签收", "家门口", "菜鸟驿站代收", "快递柜", "门卫代收", "前台代收"]
_DELAY_WHY = ["大促期间件量激增", "受天气影响", "分拨中心处理量大", "道路管控", "春节前运力紧张"]


def choose_carrier(rng: random.Random, province: str, amount_cents: int) -> str:
    """The carrier the shop uses for a parcel (邮政 for remote regions, 顺丰 for dear orders)."""
    if _geo.ZONE[province] >= 4:
        return _REMOTE_MIX(rng)
    if amount_cents >= 60000 and rng.random() < 0.35:
        return "顺丰"
    return _MIX(rng)


def tracking_no(rng: random.Random, carrier: str, used: set) -> str:
    """A unique made-up tracking number in the carrier's style."""
    prefix, n = _PREFIX[carrier]
    while True:
        t = f"{prefix}{rng.randrange(10 ** n):0{n}d}"
        if t not in used:
            used.add(t)
            return t


def _daytime(rng: random.Random, t: datetime) -> datetime:
    """Move a doorstep moment into delivery hours (08:00–21:00)."""
    if t.hour < 8:
        return t.replace(hour=8 + rng.randint(0, 2), minute=rng.randint(0, 59))
    if t.hour >= 21:
        return (t + timedelta(days=1)).replace(hour=8 + rng.randint(0, 3), minute=rng.randint(0, 59))
    return t


def is_peak(d: date) -> bool:
    """Whether parcels sent that day meet peak-season congestion."""
    return (
        date(2025, 11, 1) <= d <= date(2025, 11, 20)
        or date(2026, 2, 2) <= d <= date(2026, 2, 9)
        or date(2026, 6, 14) <= d <= date(2026, 6, 22)
        or date(2026, 9, 29) <= d <= date(2026, 10, 7)
        or date(2026, 10, 20) <= d
    )


def _peak_extra(rng: random.Random, shipped: datetime) -> int:
    d = shipped.date()
    if not is_peak(d):
        return 0
    if d.month == 11:
        return rng.randint(8, 60)
    if d.month == 2:
        return rng.randint(24, 72)
    return rng.randint(0, 30)


def plan(rng: random.Random, carrier: str, province: str, shipped: datetime) -> dict:
    """Decide a parcel's fate: outcome, promised days, doorstep time, last-event time.

    ``signed`` is the doorstep time (None when lost or returned); ``end`` is the last event.
    """
    zone = _geo.ZONE[province]
    promised = _geo.PROMISED_DAYS[zone]
    hours = _BASE_HOURS[zone] * (0.7 if carrier == "顺丰" else 1.15 if carrier == "邮政" else 1.0)
    hours = max(14.0, hours * (1 + 0.18 * (rng.random() + rng.random() + rng.random() - 1.5)))
    hours += _peak_extra(rng, shipped)
    if rng.random() < 0.05:
        hours += rng.randint(24, 96)  # weather, road works
    arrive = _daytime(rng, shipped + timedelta(seconds=int(hours * 3600)))
    deadline = shipped + timedelta(days=promised)
    fate = rng.random()
    base = {"promised": promised, "arrive": arrive, "deadline": deadline, "signed": None}
    if fate < (0.010 if is_peak(shipped.date()) else 0.006):
        frac = 0.3 + 0.5 * rng.random()
        lost_at = shipped + timedelta(seconds=max(21600, int(hours * 3600 * frac)))
        return {**base, "outcome": "丢失", "end": lost_at}
    if fate < 0.022:
        back = arrive + timedelta(hours=hours * (0.9 + 0.3 * rng.random()) + rng.randint(6, 30))
        why = rng.choice(["收件人拒收", "收件人拒收", "地址不详，联系不上收件人", "超出派送范围"])
        return {**base, "outcome": "退回", "end": _daytime(rng, back), "why": why}
    outcome = "延误" if arrive > deadline else "正常"
    return {**base, "outcome": outcome, "signed": arrive, "end": arrive}


def _loc(province: str, city: str) -> str:
    return city if province == city else f"{province}{city}"


def events(rng: random.Random, s: dict) -> list[tuple]:
    """Tracking events of one shipment: (time, status, location, description), times increasing."""
    p, city, carrier, fate = s["province"], s["city"], s["carrier"], s["plan"]
    dest_hub = _geo.hub(p)
    hub_loc, here = _loc(p, dest_hub), _loc(p, city)
    arrive, end = fate["arrive"], fate["end"]
    g = min(1.0, (arrive - s["shipped"]).total_seconds() / 144000)  # squeeze short trips

    def step(lo, hi):
        return timedelta(seconds=int(rng.randint(lo * 60, hi * 60) * g))

    t = s["shipped"] + step(20, 180)
    ev = [(t, "已揽收", "浙江杭州", f"【杭州市】{carrier}快递 杭州余杭网点 已揽收")]
    t += step(60, 200)
    ev.append((t, "运输中", "浙江杭州", "快件已从杭州余杭网点发出，下一站【杭州转运中心】"))
    t += step(40, 150)
    ev.append((t, "到达分拨中心", "浙江杭州", "快件已到达【杭州转运中心】"))
    t += step(60, 240)
    ev.append((t, "运输中", "浙江杭州", f"快件已从【杭州转运中心】发出，下一站【{dest_hub}转运中心】"))
    hub_at = t + (arrive - t) * (0.55 + 0.2 * rng.random())
    hub_at = hub_at.replace(microsecond=0)
    if dest_hub != "杭州":
        ev.append((hub_at, "到达分拨中心", hub_loc, f"快件已到达【{dest_hub}转运中心】"))
    if fate["outcome"] == "延误" and rng.random() < 0.7:
        mid = (hub_at + (arrive - hub_at) * 0.4).replace(microsecond=0)
        ev.append((mid, "运输中", hub_loc,
                   f"{rng.choice(_DELAY_WHY)}，您的快件派送可能延迟，请耐心等待"))
    out_at = max(arrive - step(50, 240), arrive - (arrive - hub_at) / 3).replace(microsecond=0)
    if out_at.hour < 7:  # couriers start at seven
        out_at = out_at.replace(hour=7, minute=rng.randint(0, 40))
        out_at = min(out_at, arrive - timedelta(minutes=10))
    courier = f"{rng.choice(_SURNAMES)}师傅"
    ev.append((out_at, "派送中", here, f"【{city}{s['district']}】快递员 {courier} 正在为您派件（电话已隐藏）"))
    if fate["outcome"] == "丢失":
        ev = [e for e in ev if e[0] < end]
        where = ev[-1][2]
        ev.append((end, "异常", where, "快件异常：包裹在中转过程中下落不明，正在核实处理中"))
    elif fate["outcome"] == "退回":
        ev.append((arrive, "异常", here, f"派送不成功：{fate['why']}"))
        back = (arrive + (end - arrive) * (0.1 + 0.2 * rng.random())).replace(microsecond=0)
        ev.append((back, "退回", here, "快件已退回，正在返回寄件网点"))
        mid = (back + (end - back) * 0.6).replace(microsecond=0)
        ev.append((mid, "退回", "浙江杭州", "退回件已到达【杭州转运中心】"))
        ev.append((end, "退回", "浙江杭州", "退回件已签收，签收人：悦衣小铺仓库"))
    else:
        ev.append((arrive, "已签收", here, f"【{city}】您的快件已签收，签收方式：{rng.choice(_SIGN)}。"
                   f"感谢使用{carrier}快递，期待再次为您服务"))
    for i in range(len(ev) - 2, -1, -1):  # keep times strictly increasing, the last one fixed
        if ev[i][0] >= ev[i + 1][0]:
            ev[i] = (ev[i + 1][0] - timedelta(minutes=1), *ev[i][1:])
    return ev


def shipment_rows(shipments: list[dict]) -> list[list]:
    """shipments.csv rows, by tracking_no."""
    return [
        [s["tracking_no"], s["order_id"], s["carrier"], fmt_dt(s["shipped"]), s["plan"]["promised"],
         s["plan"]["outcome"], fmt_dt(s["plan"]["signed"]), s["province"], s["city"]]
        for s in sorted(shipments, key=lambda s: s["tracking_no"])
    ]


def rows(shipments: list[dict]) -> list[list]:
    """logistics.csv rows: each shipment's events, by tracking_no and seq."""
    rng = stream("logistics")
    out = []
    for s in sorted(shipments, key=lambda s: s["order_id"]):
        for seq, (t, status, loc, text) in enumerate(events(rng, s), start=1):
            out.append([s["tracking_no"], s["order_id"], s["carrier"], seq, fmt_dt(t), status, loc, text])
    out.sort(key=lambda r: (r[0], r[3]))
    return out


def in_window(s: dict) -> bool:
    """Whether a shipment's tracking detail is published (shipped inside :data:`WINDOW`)."""
    return WINDOW[0] <= s["shipped"] < WINDOW[1] and s["plan"]["end"] <= NOW


def write(out_dir, shipments: list[dict]) -> dict:
    """Write shipments.csv and logistics.csv for the shipments inside the window."""
    kept = [s for s in shipments if in_window(s)]
    return {
        "shipments": write_csv(out_dir / "shipments.csv", SHIPMENT_HEADER, shipment_rows(kept)),
        "logistics": write_csv(out_dir / "logistics.csv", HEADER, rows(kept)),
    }
