"""After-sales and complaint tickets (tickets.csv): who handled them, how fast, how they ended."""

from __future__ import annotations

import random

from . import agents
from ._base import NOW, fmt_dt, minutes, stream, write_csv, yuan
from .orders import is_promo

__all__ = ["HEADER", "TYPES", "STATUSES", "make_tickets", "rows", "write"]

HEADER = [
    "ticket_id", "order_id", "customer_id", "type", "reason", "responsibility", "created_at",
    "first_response_at", "resolved_at", "status", "resolution", "refund_amount", "satisfaction",
    "agent_id", "sku",
]
TYPES = ["退款", "退货", "换货", "投诉"]
STATUSES = ["待处理", "处理中", "已解决", "已关闭"]


def _resolution(rng: random.Random, case: dict) -> tuple[str, str]:
    """(status, resolution text) of a finished case."""
    kind, reason, out = case["type"], case["reason"], case["outcome"]
    if out == "rejected":
        return "已关闭", rng.choice(["拒绝退货：吊牌已拆，影响二次销售", "拒绝退货：商品已洗涤穿着，不符合七天无理由"])
    if out == "exchange":
        return "已解决", rng.choice(["已换货，新尺码已寄出", "已换货，新商品已签收", "已换货（运费险承担来回运费）"])
    if out == "partial":
        return "已解决", f"部分退款补偿{yuan(case['refund'])}元，买家保留商品"
    if out == "complaint":
        if case["resp"] == "买家":
            return "已关闭", "已解释活动规则，买家撤销投诉"
        extra = f"，补偿{yuan(case['refund'])}元" if case["refund"] else ""
        text = {
            "物流": "已联系快递催件并向买家致歉",
            "平台": "已协助买家联系平台客服处理",
        }.get(case["resp"], rng.choice(["已致歉并整改", "已补发漏发商品并致歉", "主管回访致歉"]))
        return "已解决", text + extra
    if reason == "快递丢件":
        return "已解决", "已全额退款（快递丢件，已向快递公司索赔）"
    if reason in ("买家拒收", "地址错误，联系不上", "超出派送范围"):
        return "已解决", "退回件已入库，已全额退款"
    if kind == "退货":
        return "已解决", rng.choice(["已退货退款", "退货已入库，已全额退款", "已退货退款（运费险已赔付）"])
    return "已解决", rng.choice(["已全额退款", "已同意仅退款", "极速退款已到账"])


def _satisfaction(rng: random.Random, case: dict, hours: float) -> str:
    """A 1–5 score (as text) or '' when the buyer did not rate."""
    if rng.random() < 0.45:
        return ""
    if case["outcome"] == "rejected":
        w = [5, 3, 1, 0.5, 0.5]
    elif case["outcome"] == "complaint":
        w = [2, 2, 3, 3, 2]
    elif hours > 120:
        w = [1, 2, 3, 4, 3]
    else:
        w = [0.3, 0.5, 1.5, 4, 8]
    return str(rng.choices([1, 2, 3, 4, 5], weights=w)[0])


def make_tickets(cases: list[dict]) -> list[dict]:
    """One ticket per after-sales case, numbered by creation time."""
    rng = stream("tickets")
    ordered = sorted(
        cases,
        key=lambda k: (k["created"], k["order"]["order_id"], k["line"]["line_no"] if k["line"] else 0),
    )
    out = []
    for i, case in enumerate(ordered, start=1):
        created = case["created"]
        group = "主管" if case["type"] == "投诉" and rng.random() < 0.4 else "售后"
        agent, avail = agents.pick_agent(rng, group, created)
        wait = minutes(rng, 1, 45 if is_promo(created.date()) else 20)
        first = max(avail, created) + wait
        done = case["done"]
        if done is not None and first >= done:
            first = created + (done - created) / 2
            first = first.replace(microsecond=0)
        if first >= NOW:
            first = None
        if done is not None:
            status, resolution = _resolution(rng, case)
            sat = _satisfaction(rng, case, (done - created).total_seconds() / 3600)
            refund = yuan(case["refund"])
        else:
            status = "处理中" if first is not None else "待处理"
            resolution, sat, refund = "", "", ""
        line = case["line"]
        out.append({
            "ticket_id": f"TK{i:05d}", "order_id": case["order"]["order_id"],
            "customer_id": case["order"]["customer"]["customer_id"], "type": case["type"],
            "reason": case["reason"], "responsibility": case["resp"], "created": created,
            "first": first, "done": done, "status": status, "resolution": resolution,
            "refund": refund, "satisfaction": sat, "agent_id": agent,
            "sku": line["product"]["sku"] if line else "", "_case": case,
        })
    return out


def rows(tickets: list[dict]) -> list[list]:
    """tickets.csv rows, by ticket_id."""
    return [
        [t["ticket_id"], t["order_id"], t["customer_id"], t["type"], t["reason"], t["responsibility"],
         fmt_dt(t["created"]), fmt_dt(t["first"]), fmt_dt(t["done"]), t["status"], t["resolution"],
         t["refund"], t["satisfaction"], t["agent_id"], t["sku"]]
        for t in tickets
    ]


def write(out_dir, tickets: list[dict]) -> dict:
    """Write tickets.csv."""
    return {"tickets": write_csv(out_dir / "tickets.csv", HEADER, rows(tickets))}

