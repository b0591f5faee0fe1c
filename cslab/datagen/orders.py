"""Order lines (orders.csv): seasonality and peaks, payment, dispatch, delivery and after-sales outcomes."""

from __future__ import annotations

import bisect
import random
from datetime import date, datetime, timedelta

from . import _geo, logistics
from ._base import DAYS, NOW, Picker, fmt_dt, minutes, stream, write_csv, yuan
from .products import recommend_size

__all__ = [
    "HEADER", "STATUSES", "TARGET_ORDERS", "CLOSE_AFTER", "day_weight", "is_promo", "make_orders",
    "rows", "write",
]

HEADER = [
    "order_id", "line_no", "customer_id", "sku", "quantity", "unit_price", "amount", "status",
    "created_at", "paid_at", "shipped_at", "signed_at", "province", "city", "address", "carrier",
    "tracking_no", "buyer_remark", "seller_remark", "spec",
]
STATUSES = ["待付款", "已关闭", "已付款", "已发货", "已签收", "退款中", "已退款"]
TARGET_ORDERS = 22000
#: unpaid orders close automatically after this long
CLOSE_AFTER = timedelta(hours=48)

_MONTH = {11: 1.0, 12: 1.05, 1: 0.9, 2: 0.75, 3: 1.0, 4: 0.95, 5: 1.0, 6: 1.0, 7: 0.85, 8: 0.85,
          9: 0.95, 10: 1.05}
_WEEKDAY = [0.93, 0.93, 0.95, 1.0, 1.05, 1.15, 1.2]
_HOURS = [2.0, 1.0, 0.5, 0.3, 0.2, 0.3, 0.8, 1.8, 3.0, 4.5, 5.5, 5.0, 4.5, 5.0, 5.5, 5.5, 5.0, 4.5,
          4.5, 5.5, 7.0, 8.0, 7.5, 4.5]
_RUSH = {date(2025, 11, 11): {0: 20.0, 1: 4.0}, date(2026, 6, 1): {20: 8.0},
         date(2026, 6, 18): {0: 12.0, 20: 3.0}, date(2026, 10, 20): {20: 16.0, 21: 4.0},
         date(2026, 10, 31): {20: 10.0, 21: 3.0}, date(2025, 12, 12): {0: 6.0}}
_RETURN = {"女装": 0.13, "男装": 0.08, "童装": 0.08, "鞋靴": 0.10, "箱包配饰": 0.05, "家居日用": 0.04,
           "美妆个护": 0.02}
_BUYER_REMARKS = [
    "请尽快发货，谢谢", "送人的，不要放价格单和发票", "请发顺丰，运费差价可以补", "麻烦发货前检查一下有没有线头",
    "周末不在家，工作日送", "放菜鸟驿站就行", "不要发极兔", "能帮忙写个生日贺卡吗？祝妈妈生日快乐", "和上次买的同一个颜色",
    "急用！周五前能到吗", "请多包一层，怕压坏", "尺码拿不准，先拍M，不合适再换", "赠品可以选白色吗",
]
_PROVINCE = _geo.province_picker()
_SELLER_REMARKS = [
    "VIP客户，优先发货", "已备注加急", "赠品：袜子一双", "老客户，多送一个小样", "大促订单，按付款顺序发货",
    "已核对尺码，买家确认无误", "已电话确认颜色",
]


def _event(d: date) -> float:
    """The promotion calendar: 双11, 双12, 年货节, Spring Festival, 38节, 618, 99, 双11 again."""
    y, m, dd = d.year, d.month, d.day
    if y == 2025 and m == 11:
        return {1: 3.0, 11: 6.5}.get(dd, 2.3 if dd <= 10 else 1.3 if dd <= 14 else 1.0)
    if m == 12 and 10 <= dd <= 12:
        return 2.6 if dd == 12 else 1.4
    if m == 1 and 5 <= dd <= 15:
        return 1.2
    if m == 2:
        return 0.8 if 2 <= dd <= 9 else 0.35 if 10 <= dd <= 24 else 0.95
    if m == 3 and 3 <= dd <= 8:
        return 2.2 if dd == 8 else 1.5
    if (m == 5 and dd >= 20) or (m == 6 and dd <= 18):
        if m == 5:
            return 1.3
        return {1: 3.5, 18: 4.5}.get(dd, 2.2)
    if m == 6 and dd <= 22:
        return 1.1
    if m == 9 and dd == 9:
        return 1.6
    if y == 2026 and m == 10 and dd >= 20:
        return {20: 4.0, 31: 3.5}.get(dd, 2.2)
    return 1.0


def day_weight(d: date) -> float:
    """Relative order volume of a day: month × weekday × promotion calendar."""
    return _MONTH[d.month] * _WEEKDAY[d.weekday()] * _event(d)


def is_promo(d: date) -> bool:
    """Whether the day has the shop's extra promotion discount (15% off the promo price)."""
    return (
        (d.year == 2025 and d.month == 11 and d.day <= 11)
        or (d.month == 12 and d.day == 12)
        or (d.month == 3 and 3 <= d.day <= 8)
        or (d.month == 6 and d.day <= 18)
        or (d.year == 2026 and d.month == 10 and d.day >= 20)
    )


def _season_factor(month: int, season: str) -> float:
    if season == "春夏":
        return 1.6 if 4 <= month <= 8 else 0.9 if month in (3, 9) else 0.2
    if season == "秋冬":
        return 1.8 if month in (10, 11, 12, 1) else 0.9 if month in (2, 9) else 0.12
    return 1.0


def _ship_time(rng: random.Random, paid: datetime) -> datetime:
    """When the warehouse hands the parcel over: afternoon batches, peaks and the New-Year pause."""
    d = paid.date()
    day = d if paid.hour < 15 else d + timedelta(days=1)
    if datetime(2026, 2, 9, 16) <= paid < datetime(2026, 2, 25):
        day = date(2026, 2, 25) + timedelta(days=rng.randint(0, 2))
    elif logistics.is_peak(d) and d.month != 2:
        day += timedelta(days=rng.randint(0, 3) if d.month == 11 else rng.randint(0, 2))
    t = datetime(day.year, day.month, day.day, 16, 30) + minutes(rng, 0, 180)
    return max(t, paid + timedelta(hours=1))


def _spec(rng: random.Random, p: dict, c: dict) -> tuple[str, bool]:
    """The chosen variant text and whether the size differs from the chart's advice."""
    color = rng.choice(p["colors"])
    kind = p["_kind"]
    if kind in ("W", "M"):
        advice = recommend_size(p, c["_height"], c["_weight"]) or "M"
        sizes = p["sizes"]
        i = sizes.index(advice)
        off = rng.random() < 0.18
        if off:
            i = max(0, min(len(sizes) - 1, i + rng.choice([-1, 1])))
        size = sizes[i]
        return f"颜色:{color};尺码:{size}", size != advice
    if kind in ("SW", "SM", "SU"):
        h = c["_height"]
        base = 36 + (h - 155) // 5 if c["gender"] != "男" else 39 + (h - 165) // 5
        size = str(max(int(p["sizes"][0]), min(int(p["sizes"][-1]), base + rng.choice([0, 0, 0, 1, -1]))))
        return f"颜色:{color};尺码:{size}", False
    if kind == "K":
        return f"颜色:{color};尺码:{rng.choice(p['sizes'])}", False
    return f"颜色:{color};规格:{rng.choice(p['sizes'])}", False


def _after_sales(rng, o: dict, line: dict, cases: list) -> None:
    """Returns, exchanges and small compensations on a delivered line."""
    p = line["product"]
    fit = abs(p["_fit"]) * 0.6 + (0.5 if line["size_off"] else 0.0)
    risk = _RETURN[p["category"]] * (1 + fit) * (1.5 - 0.7 * p["_quality"])
    if is_promo(o["created"].date()):
        risk *= 1.3
    sized = p["_kind"] not in ("F",) and p["category"] in ("女装", "男装", "童装", "鞋靴")
    exchange = 0.03 * (1 + fit) if sized else 0.0
    partial = 0.012 * (1.5 - p["_quality"])
    u = rng.random()
    signed = o["signed"]
    base = {"order": o, "line": line, "resp": "商家"}
    if u < risk:
        asked = signed + minutes(rng, 120, 7 * 1440)
        if asked >= NOW:
            return
        if sized:
            reasons = ["尺码不合适", "不喜欢/七天无理由", "质量问题", "与描述不符", "颜色与图片不符", "做工有瑕疵", "发错货"]
            w = [3 + 8 * fit, 3, 3 * (1.3 - p["_quality"]), 1, 1, 1, 0.3]
        else:
            reasons = ["不喜欢/七天无理由", "质量问题", "运输途中破损", "与描述不符", "发错货"]
            w = [4, 3 * (1.3 - p["_quality"]), 1, 1, 0.3]
            if p["category"] == "美妆个护":
                reasons.append("使用后过敏")
                w.append(1)
        reason = rng.choices(reasons, weights=w)[0]
        resp = {"不喜欢/七天无理由": "买家", "运输途中破损": "物流", "使用后过敏": "买家"}.get(reason, "商家")
        if reason == "尺码不合适":
            resp = "商家" if p["_fit"] != 0 and not line["size_off"] else "买家"
        kind = "退款" if reason in ("运输途中破损", "发错货") and rng.random() < 0.5 else "退货"
        if kind == "退货" and line["amount"] < 3000 and rng.random() < 0.4:
            kind = "退款"
        done = asked + (minutes(rng, 3 * 1440, 8 * 1440) if kind == "退货" else minutes(rng, 60, 2 * 1440))
        rejected = resp == "买家" and rng.random() < 0.07
        case = {**base, "type": kind, "reason": reason, "resp": resp, "created": asked,
                "done": done if done < NOW else None, "refund": 0 if rejected else line["amount"],
                "outcome": "rejected" if rejected else "refund"}
        cases.append(case)
        if case["done"] is None:
            line["status"] = "退款中"
        elif not rejected:
            line["status"] = "已退款"
    elif u < risk + exchange:
        asked = signed + minutes(rng, 600, 5 * 1440)
        if asked < NOW:
            done = asked + minutes(rng, 4 * 1440, 9 * 1440)
            cases.append({**base, "type": "换货", "reason": rng.choice(["尺码不合适", "尺码不合适", "颜色与图片不符"]),
                          "resp": "买家" if line["size_off"] else "商家", "created": asked,
                          "done": done if done < NOW else None, "refund": 0, "outcome": "exchange"})
    elif u < risk + exchange + partial:
        asked = signed + minutes(rng, 600, 10 * 1440)
        if asked < NOW:
            share = rng.randint(5, 20)
            refund = max(500, line["amount"] * share // 100 // 100 * 100)
            done = asked + minutes(rng, 60, 1440)
            cases.append({**base, "type": "退款", "reason": rng.choice(["做工有瑕疵", "有色差", "轻微开线", "少发赠品"]),
                          "created": asked, "done": done if done < NOW else None,
                          "refund": min(refund, line["amount"]), "outcome": "partial"})


def _complaint(rng, o: dict, cases: list) -> None:
    """Complaints (投诉): late parcels mostly; service, description, coupons now and then."""
    plan = o["plan"]
    late = plan is not None and plan["outcome"] == "延误"
    if late and rng.random() < 0.10:
        at = plan["deadline"] + minutes(rng, 60, 2 * 1440)
        reason, resp = rng.choice([("物流延误", "物流"), ("物流信息长时间不更新", "物流")])
    elif rng.random() < 0.006 and o["paid"] is not None:
        reason, resp = rng.choices(
            [("客服回复慢", "商家"), ("客服态度差", "商家"), ("商品与描述不符", "商家"), ("少发漏发", "商家"),
             ("优惠券未生效", "平台"), ("大促价格变动要求退差价", "平台"), ("快递员未送货上门", "物流"),
             ("误解活动规则", "买家")],
            weights=[3, 2, 3, 2, 2, 2, 2, 1])[0]
        at = (o["signed"] or o["shipped"] or o["paid"]) + minutes(rng, 30, 3 * 1440)
    else:
        return
    if at >= NOW:
        return
    done = at + minutes(rng, 30, 3 * 1440)
    comp = rng.choice([0, 0, 500, 1000, 2000]) if resp in ("商家", "物流") else 0
    cases.append({"order": o, "line": None, "type": "投诉", "reason": reason, "resp": resp, "created": at,
                  "done": done if done < NOW else None, "refund": comp, "outcome": "complaint"})


def _settle(rng, o: dict, cases: list, shipments: list, used: set) -> None:
    """Walk one order through payment, dispatch, delivery and after-sales, setting every line's status."""
    created = o["created"]
    unpaid = rng.random() < (0.10 if is_promo(created.date()) else 0.07)
    r = rng.random()
    delay = (minutes(rng, 0, 10) if r < 0.80 else minutes(rng, 10, 60) if r < 0.92
             else minutes(rng, 60, 720) if r < 0.98 else minutes(rng, 720, 2820))
    o["pay_delay"] = delay
    if unpaid or created + delay >= NOW:
        status = "已关闭" if created + CLOSE_AFTER <= NOW else "待付款"
        o["status"] = status
        for line in o["lines"]:
            line["status"] = status
        return
    o["paid"] = created + delay
    shipped = _ship_time(rng, o["paid"])
    total = sum(line["amount"] for line in o["lines"])
    if rng.random() < 0.025:  # cancelled before dispatch
        asked = o["paid"] + minutes(rng, 5, 600)
        if asked < shipped and asked < NOW:
            done = asked + minutes(rng, 10, 1200)
            reason, resp = rng.choice([("拍错/多拍", "买家"), ("不想要了", "买家"), ("地址填写错误", "买家"),
                                       ("发货太慢", "商家"), ("商品缺货", "商家")])
            cases.append({"order": o, "line": None, "type": "退款", "reason": reason, "resp": resp,
                          "created": asked, "done": done if done < NOW else None, "refund": total,
                          "outcome": "refund"})
            for line in o["lines"]:
                line["status"] = "已退款" if done < NOW else "退款中"
            o["seller_remark"] = o["seller_remark"] or "买家申请退款，未发货，已同意"
            return
    if shipped >= NOW:
        for line in o["lines"]:
            line["status"] = "已付款"
        return
    o["shipped"] = shipped
    carrier = logistics.choose_carrier(rng, o["province"], total)
    if "顺丰" in o["buyer_remark"]:
        carrier = "顺丰"
    elif "极兔" in o["buyer_remark"] and carrier == "极兔":
        carrier = "中通"
    o["carrier"] = carrier
    o["tracking_no"] = logistics.tracking_no(rng, carrier, used)
    plan = logistics.plan(rng, carrier, o["province"], shipped)
    o["plan"] = plan
    shipments.append({"tracking_no": o["tracking_no"], "order_id": o["order_id"], "carrier": carrier,
                      "shipped": shipped, "plan": plan, "province": o["province"], "city": o["city"],
                      "district": o["district"]})
    if plan["outcome"] in ("丢失", "退回"):
        noticed = (plan["deadline"] + minutes(rng, 1440, 4 * 1440) if plan["outcome"] == "丢失"
                   else plan["arrive"] + minutes(rng, 30, 720))
        status = "已发货"
        if noticed < NOW:
            done = (noticed + minutes(rng, 1440, 3 * 1440) if plan["outcome"] == "丢失"
                    else max(noticed, plan["end"]) + minutes(rng, 120, 1440))
            why = plan.get("why", "")
            reason, resp = (("快递丢件", "物流") if plan["outcome"] == "丢失"
                            else ("超出派送范围", "物流") if why.startswith("超出")
                            else ("买家拒收", "买家") if "拒收" in why else ("地址错误，联系不上", "买家"))
            cases.append({"order": o, "line": None, "type": "退款", "reason": reason, "resp": resp,
                          "created": noticed, "done": done if done < NOW else None, "refund": total,
                          "outcome": "refund"})
            status = "已退款" if done < NOW else "退款中"
        for line in o["lines"]:
            line["status"] = status
        return
    if plan["signed"] >= NOW:
        for line in o["lines"]:
            line["status"] = "已发货"
        return
    o["signed"] = plan["signed"]
    for line in o["lines"]:
        line["status"] = "已签收"
        _after_sales(rng, o, line, cases)
    _complaint(rng, o, cases)


def make_orders(products: list[dict], customers: list[dict]) -> tuple[list, list, list]:
    """Orders (each with its lines), shipments and after-sales cases, in order-id order."""
    rng = stream("orders")
    by_join = sorted(customers, key=lambda c: (c["join"], c["customer_id"]))
    joins = [c["join"] for c in by_join]
    cum, total = [], 0.0
    for c in by_join:
        total += c["_w"]
        cum.append(total)
    weights = [day_weight(d) for d in DAYS]
    per_unit = TARGET_ORDERS / sum(weights)
    homes: dict[str, tuple] = {}
    used: set[str] = set()
    orders, shipments, cases = [], [], []
    for d, w in zip(DAYS, weights):
        n = int(per_unit * w * (0.88 + 0.24 * rng.random()) + 0.5)
        hw = list(_HOURS)
        for h, f in _RUSH.get(d, {}).items():
            hw[h] *= f
        hour = Picker(range(24), hw)
        listed = [p for p in products if p["listed"] <= d]
        pw = [p["_pop"] * _season_factor(d.month, p["season"])
              * (1.5 if (d - p["listed"]).days < 60 else 1.0) for p in listed]
        pick_product = Picker(listed, pw)
        k = bisect.bisect_right(joins, d)
        times = sorted(
            datetime(d.year, d.month, d.day, hour(rng), rng.randint(0, 59), rng.randint(0, 59))
            for _ in range(n)
        )
        for seq, created in enumerate(times, start=1):
            c = by_join[bisect.bisect(cum, rng.random() * cum[k - 1], 0, k - 1)]
            if c["customer_id"] not in homes:
                dist = _geo.district(rng, c["city"])
                homes[c["customer_id"]] = (c["province"], c["city"], dist, _geo.address(rng, c["city"]))
            if rng.random() < 0.1:  # a gift, or the office address
                pv = _PROVINCE(rng) if rng.random() < 0.5 else c["province"]
                city = _geo.pick_city(rng, pv)
                home = (pv, city, _geo.district(rng, city), _geo.address(rng, city))
            else:
                home = homes[c["customer_id"]]
            o = {"order_id": f"D{d.year}{d.month:02d}{d.day:02d}{seq:04d}", "customer": c,
                 "created": created, "paid": None, "shipped": None, "signed": None,
                 "province": home[0], "city": home[1], "district": home[2], "address": home[3],
                 "carrier": "", "tracking_no": "", "plan": None, "lines": [],
                 "buyer_remark": rng.choice(_BUYER_REMARKS) if rng.random() < 0.08 else "",
                 "seller_remark": rng.choice(_SELLER_REMARKS) if rng.random() < 0.04 else ""}
            n_lines = rng.choices([1, 2, 3, 4], weights=[68, 22, 7, 3])[0]
            chosen = []
            for _ in range(n_lines * 3):
                p = pick_product(rng)
                if all(p is not q for q in chosen):
                    chosen.append(p)
                if len(chosen) == n_lines:
                    break
            for i, p in enumerate(chosen, start=1):
                bulk = p["category"] in ("家居日用", "美妆个护", "箱包配饰")
                qty = rng.choices([1, 2, 3, 5], weights=[70, 20, 7, 3] if bulk else [92, 7, 1, 0])[0]
                unit = p["promo_price"]
                if is_promo(d):
                    unit = unit * 85 // 10000 * 100 + 90  # 15% off, ending in .90
                spec, off = _spec(rng, p, c)
                o["lines"].append({"line_no": i, "product": p, "qty": qty, "unit": unit,
                                   "amount": unit * qty, "spec": spec, "size_off": off, "status": ""})
            _settle(rng, o, cases, shipments, used)
            orders.append(o)
    return orders, shipments, cases


def rows(orders: list[dict]) -> list[list]:
    """orders.csv rows, by order_id and line_no."""
    out = []
    for o in orders:
        for line in o["lines"]:
            out.append([
                o["order_id"], line["line_no"], o["customer"]["customer_id"], line["product"]["sku"],
                line["qty"], yuan(line["unit"]), yuan(line["amount"]), line["status"],
                fmt_dt(o["created"]), fmt_dt(o["paid"]), fmt_dt(o["shipped"]), fmt_dt(o["signed"]),
                o["province"], o["city"], o["address"], o["carrier"], o["tracking_no"],
                o["buyer_remark"], o["seller_remark"], line["spec"],
            ])
    return out


def write(out_dir, orders: list[dict]) -> dict:
    """Write orders.csv."""
    return {"orders": write_csv(out_dir / "orders.csv", HEADER, rows(orders))}
