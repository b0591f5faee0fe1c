"""The deductions and red lines: each returns (triggered, Chinese explanation)."""

from __future__ import annotations

import re

from .. import zhtext
from . import _facts
from ._scene import Scene
from ._scene import quote as _q

__all__ = ["DEDUCTIONS", "over_budget", "budget_match"]


# ----------------------------------------------------------------------------- deductions
# each: scene -> (triggered, explanation)

def _search_all(regex, text: str) -> list:
    return [m.group(0) for m in regex.finditer(text)] if regex is not None else []


def _banned(s: Scene):
    hits = zhtext.find_banned(s.reply.text)
    if not hits:
        return False, "没有广告违禁词。"
    desc = "；".join(f"“{h.word}”（{h.category}" + (f"，可改为“{h.suggestion}”）" if h.suggestion else "，建议删去）")
                    for h in hits[:3])
    return True, f"有违禁词：{desc}。"


def _simple(name: str, ok: str, bad: str):
    def check(s: Scene):
        found = _search_all(s.pat(name), s.reply.text)
        return (True, bad.format(_q(found, 2))) if found else (False, ok)
    return check


def _refuse(s: Scene):
    neg = s.pat("refuse_negators")
    for m in s.pat("refuse_rights").finditer(s.reply.text):
        before = s.reply.text[max(0, m.start() - 5):m.start()]
        if neg is not None and neg.search(before):
            continue
        if s.exclusion:
            return False, f"说了“{m.group(0)}”，但给出了法定例外（“{s.exclusion}”），可以不适用七天无理由。"
        return True, f"说了“{m.group(0)}”：网购商品收货 7 天内可以无理由退货（《消费者权益保护法》第二十五条），不能拒绝。"
    return False, "没有拒绝买家的法定权利。"


_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
       "十五": 15, "二十": 20, "三十": 30, "半个月": 15, "一个月": 30}
_DAYS = r"(\d+|十五|二十|三十|[一二两三四五六七八九十]|半个月|一个月)"
_NO_REASON = re.compile(_DAYS + r"\s*天\s*无理由")
_REFUND_DAYS = re.compile(_DAYS + r"\s*(?:[-–~到至]\s*(\d+))?\s*(个)?(工作日|天|日|月)?\s*(内|之内|左右|以内)?\s*"
                          r"(会|才能|才|就|可以)?\s*(给您|为您|帮您)?\s*(处理)?\s*(退款|到账|退回|返还|退钱)")


def _days(token: str, top: str | None, unit: str | None) -> int:
    value = int(top) if top and top.isdigit() else (int(token) if token.isdigit() else _CN.get(token, 0))
    return value * 30 if unit == "月" and token not in ("半个月", "一个月") else value


def _wrong_policy(s: Scene):
    t = s.reply.text
    for m in _NO_REASON.finditer(t):
        n = _days(m.group(1), None, None)
        if n < 7:
            return True, f"说“{m.group(0)}”：法定的无理由退货期是 7 天，店铺不能缩短（可以承诺更长）。"
    for m in _REFUND_DAYS.finditer(t):
        n = _days(m.group(1), m.group(2), m.group(4))
        if n > 7:
            return True, f"说“{m.group(0)}”：商家应当自收到退回商品之日起 7 日内返还价款。"
    qi, pays = s.pat("quality_issue"), s.pat("buyer_pays_shipping")
    if qi is not None and pays is not None and qi.search(s.customer) and pays.search(t):
        return True, (f"买家说的是质量问题（“{qi.search(s.customer).group(0)}”），回复却让买家承担运费"
                      f"（“{pays.search(t).group(0)}”）：质量问题的退货运费应由商家承担。")
    return False, "售后政策的说法没有错误。"


def _cashback(s: Scene):
    for m in s.pat("cashback").finditer(s.reply.text):
        before = s.reply.text[max(0, m.start() - 8):m.start()]
        if re.search(r"没有|不搞|不做|禁止|违规|不会", before):
            continue
        return True, f"说了“{m.group(0)}”：用返现、红包换好评违反平台规则。"
    return False, "没有用返现或红包诱导好评。"


def _false_urgency(s: Scene):
    claim = s.pat("urgency_claim").search(s.reply.text) if s.pat("urgency_claim") else None
    if not claim:
        return False, "没有“库存紧张、最后几件”一类的说法。"
    stock = _facts._stock_value(s.ctx.product) if s.ctx.product else None
    if stock is None:
        return False, f"说了“{claim.group(0)}”；没有库存数据可以核对，请确保属实。"
    n = claim.groupdict().get("n") or claim.groupdict().get("m")
    n = int(n) if n and n.isdigit() else _CN.get(n or "", None)
    if stock >= 50 or (n is not None and n < stock):
        return True, f"说“{claim.group(0)}”，但库存有 {stock} 件：这是虚假紧迫。"
    return False, f"说“{claim.group(0)}”，库存 {stock} 件，属实。"


def _night(s: Scene):
    if s.ctx.now is None:
        return False, "没有提供发送时间（context 的 now），不检查。"
    h = s.ctx.now.hour
    if (h >= 22 or h < 8) and s.customer.strip():
        return False, f"发送时间 {s.ctx.now:%H:%M} 虽在夜间，但这是回复买家自己发来的消息，不算打扰。"
    if h >= 22 or h < 8:
        return True, f"发送时间 {s.ctx.now:%H:%M} 在 22:00—8:00 之间，会打扰买家休息。"
    return False, f"发送时间 {s.ctx.now:%H:%M}，不在夜间。"


def _spam(s: Scene):
    t = s.reply.text
    marks = len(re.findall(r"[！!]", t))
    hype = _search_all(s.pat("spam_hype"), t)
    if marks >= 4 or len(hype) >= 2:
        return True, f"感叹号 {marks} 个，促销字眼{_q(hype, 3) if hype else '无'}：像刷屏广告，不是关怀。"
    return False, "语气克制，不是刷屏式营销。"


def budget_match(s: Scene):
    """The customer's budget: a number after 预算/不超过 or before 以内/左右 (“预算500以内”“300块左右”)."""
    b = s.pat("budget")
    if b is None:
        return None
    return next((m for m in b.finditer(s.customer) if m.group("b") or m.group("k")), None)


def over_budget(s: Scene):
    """(budget, price) when the customer gave a budget and every price the reply quotes is above it, else None."""
    said, ok = s.pat("price_said"), s.pat("over_budget_ok")
    m = budget_match(s)
    if m is None or said is None:
        return None
    budget = float(m.group("a") or m.group("b"))
    limit = budget * 1.15 if m.groupdict().get("k") in ("左右", "上下", "附近") else budget
    prices = [float(x.group("a") or x.group("b") or x.group("c")) for x in said.finditer(s.answer)]
    prices = [v for v in prices if v >= 0.2 * budget]       # not a 20元 coupon
    if not prices or min(prices) <= limit or (ok is not None and ok.search(s.answer)):
        return None
    return budget, min(prices)


def _mismatch(s: Scene):
    over = over_budget(s)
    if over:
        return True, f"买家的预算是 {over[0]:g} 元，推荐的价格是 {over[1]:g} 元，超出预算又没有说明。"
    for ask, answer, opposite in s.rubric.needs:
        if opposite is None:
            continue
        need = ask.search(s.customer)
        if need and opposite.search(s.answer) and not answer.search(s.answer):
            return True, f"买家要“{need.group(0)}”，却推荐了“{opposite.search(s.answer).group(0)}”的商品。"
    return False, "推荐方向与买家需求没有冲突。"


def _wrong_facts(s: Scene):
    if s.wrong:
        return True, "与商品/订单信息不符：" + "；".join(s.wrong[:2]) + "。"
    if s.ctx.product or s.ctx.order:
        return False, "提到的信息与商品/订单一致。"
    return False, "没有提供商品或订单信息，不核对。"


DEDUCTIONS = {
    "banned": _banned,
    "rude": _simple("rude", "没有不礼貌的话。", "有不礼貌、不耐烦的话：{}。"),
    "blame": _simple("blame", "没有推卸责任的话。", "推卸责任：{}。买家只想解决问题，不想听是谁的错。"),
    "refuse_rights": _refuse,
    "wrong_facts": _wrong_facts,
    "wrong_policy": _wrong_policy,
    "cashback": _cashback,
    "pressure": _simple("pressure", "没有催逼施压的话。", "催逼施压：{}。"),
    "false_urgency": _false_urgency,
    "night": _night,
    "arguing": _simple("arguing", "没有和买家争辩。", "和买家争辩或指责买家：{}。"),
    "spam": _spam,
    "mismatch": _mismatch,
}
