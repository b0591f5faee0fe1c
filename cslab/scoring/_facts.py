"""Context handling: the customer's intent, the facts a reply needs, and claims that contradict the data."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime

from ..errors import InputError

__all__ = ["Context", "parse_context", "intents", "expected_facts", "wrong_claims", "number_equal"]

MOODS = ("calm", "upset", "angry")
_NUM = re.compile(r"\d+(?:\.\d+)?")
_PRICE_CLAIM = re.compile(r"(?:活动价|到手价|现价|售价|原价|优惠价|价格|只要|仅需|仅要|¥|￥)\s*(?:是|为|只要|:|：)?\s*(\d+(?:\.\d+)?)")
_PURE_COTTON = re.compile(r"纯棉|全棉|100\s*%\s*棉|棉\s*100\s*%|100\s*%\s*纯棉")
_FIBRES = {"真丝": "丝", "桑蚕丝": "丝", "羊毛": "羊毛", "羊绒": "羊绒", "亚麻": "麻", "真皮": "皮", "羽绒": "绒"}
_SIZE_TOKEN = re.compile(r"(?<![A-Za-z])(XXXL|XXL|XL|XS|[2-4]XL|S|M|L)(?![A-Za-z])")
_NUM_SIZE = re.compile(r"(\d{2,3})\s*码")
_IN_STOCK = re.compile(r"(?<![没无不缺])(?<!暂无)(有货|现货|库存充足|今天拍今天发|可以拍|能拍)")
_NO_STOCK = re.compile(r"(?<!不会)(缺货|没货|售罄|卖完了|断货|无货)")
_CARRIERS = ("中通", "圆通", "韵达", "申通", "极兔", "顺丰", "邮政", "EMS", "京东", "德邦", "百世")
_TRACKING = re.compile(r"(?<![A-Za-z0-9])[A-Z]{0,4}\d{8,}(?![0-9])")
_SHIPPED_CLAIM = re.compile(r"已(经)?发(货|出)|单号(是|为)")
_COLOURS = re.compile(r"(雾霾蓝|藏青|燕麦|酒红|卡其|咖啡|焦糖|奶油白|米白|浅粉|浅灰|浅蓝|深蓝|天蓝|军绿|草绿|墨绿|鹅黄|"
                      r"[黑白灰蓝红粉绿黄紫杏米棕银金])色?")
# a colour said in a reply: a name of two characters, or one character followed by 色 or by a size (白M码)
_COLOUR_CLAIM = re.compile(r"(雾霾蓝|藏青|燕麦|酒红|卡其|咖啡|焦糖|奶油白|米白|浅粉|浅灰|浅蓝|深蓝|天蓝|军绿|草绿|墨绿|鹅黄)色?"
                           r"|[黑白灰蓝红粉绿黄紫杏棕]色|[黑白灰蓝红粉绿黄紫杏棕](?=(XXXL|XXL|XL|XS|[2-4]XL|S|M|L)(?![A-Za-z])|\d{2,3}码)")
# a claim is not made when it is denied just before it: “不是纯棉的”“并非真丝”
_DENIED = re.compile(r"(不是|并非|并不是|没有|不算|非|不|没|比|不如|相比|像)\s*$")
# clauses that suggest a change rather than restate the order: “平时穿L的话现在改XL还来得及”
_SUGGESTION = re.compile(r"改|换|建议|推荐|如果|要是|的话|平时|想要|考虑|还有|也有|可选")
_CLAUSE_END = re.compile(r"[，,。！!？?；;～~\n]")
_QTY = re.compile(r"(\d+)\s*件")
_METRES = re.compile(r"(\d+(?:\.\d+)?)\s*(?:米|m)(?![A-Za-z])")
_BACKGROUND = re.compile(r"[：:]")
_HAN_CHAR = re.compile(r"[\u4e00-\u9fff]")
_CN_NUM = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五"}


@dataclass
class Context:
    product: dict = field(default_factory=dict)
    order: dict = field(default_factory=dict)
    facts: list = field(default_factory=list)     # required facts: lists of alternatives
    notes: list = field(default_factory=list)     # background notes (long facts), not required
    response_seconds: float | None = None
    customer_name: str = ""
    mood: str | None = None
    now: datetime | None = None
    rating: int | None = None


def _num(v):
    """``v`` as a float, or None when it is not a number."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or str(v) in ("", "nan", "NaT", "<NA>", "None")


def _plain(obj, name: str) -> dict:
    if obj is None:
        return {}
    if hasattr(obj, "to_dict") and not isinstance(obj, dict):
        obj = obj.to_dict()
    if not isinstance(obj, dict):
        raise InputError(f"context[\"{name}\"] 应是一个字典（例如 load_{name}s() 的一行），现在是 {type(obj).__name__}。")
    return {str(k): v for k, v in obj.items() if not _missing(v)}


def _time(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    try:
        return datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"context[\"now\"] 应是时间，例如 \"2026-10-30 09:00:00\"，现在是 {value!r}。") from None


def parse_context(context) -> Context:
    """Check ``context`` and turn it into plain data; a bad value raises :class:`InputError` in Chinese."""
    if context is None:
        return Context()
    if not isinstance(context, dict):
        raise InputError(f"context 应是字典（dict）或 None，现在是 {type(context).__name__}。")
    ctx = Context(product=_plain(context.get("product"), "product"), order=_plain(context.get("order"), "order"))
    facts = context.get("facts")
    if facts is not None:
        if isinstance(facts, str) or not isinstance(facts, (list, tuple)):
            raise InputError("context[\"facts\"] 应是列表，例如 [\"96.90\", \"纯棉\"]；一项有几种说法时写成列表。")
        for f in facts:
            alts = [str(a) for a in f] if isinstance(f, (list, tuple)) else [str(f)]
            alts = [a.strip() for a in alts if str(a).strip()]
            if not alts:
                continue
            # a long sentence or a "标签：内容" line is background for the student, not a fact to quote
            if len(alts) == 1 and (len(alts[0]) > 16 or _BACKGROUND.search(alts[0])):
                ctx.notes.append(alts[0])
            else:
                ctx.facts.append(alts)
    rs = context.get("response_seconds")
    if rs is not None:
        if isinstance(rs, bool) or not isinstance(rs, (int, float)) or math.isnan(rs) or rs < 0:
            raise InputError(f"context[\"response_seconds\"] 应是不小于 0 的秒数，现在是 {rs!r}。")
        ctx.response_seconds = float(rs)
    name = context.get("customer_name")
    ctx.customer_name = "" if _missing(name) else str(name).strip()
    mood = context.get("customer_mood")
    if mood is not None:
        if mood not in MOODS:
            raise InputError(f"context[\"customer_mood\"] 应是 calm（平静）、upset（着急不满）或 angry（生气），现在是 {mood!r}。")
        ctx.mood = mood
    ctx.now = _time(context.get("now"))
    rating = context.get("rating")
    if rating is None:
        for note in ctx.notes:
            m = re.search(r"([1-5])\s*星", note)
            if m:
                rating = int(m.group(1))
    if rating is not None:
        try:
            ctx.rating = int(rating)
        except (TypeError, ValueError):
            raise InputError(f"context[\"rating\"] 应是 1–5 的星级，现在是 {rating!r}。") from None
    return ctx


def intents(customer: str, rubric) -> list:
    """The keys of the question types in the customer's message, in rubric order."""
    found = [k for k, (_, ask, _) in rubric.intents.items() if ask.search(customer)]
    if "stock" in found:  # "37码还有货吗": the size or colour only says which item is asked about
        found = [k for k in found if k not in ("size", "color")]
    if "logistics" in found and "shipping" in found:
        found = [k for k in found if k != "shipping"]
    return found


def number_equal(a: str, b) -> bool:
    try:
        return abs(float(a) - float(b)) < 0.005
    except (TypeError, ValueError):
        return False


def _fact_found(alt: str, text: str) -> bool:
    if _NUM.fullmatch(alt):
        return any(number_equal(n, alt) for n in _NUM.findall(text))
    if alt.lower() in text.lower():
        return True
    # a fact written as a phrase (“验货通过后24小时内退款”) may be said in other words: every number
    # of it, and 80 % of its distinct 汉字, in the reply
    han = set(_HAN_CHAR.findall(alt))
    if len(han) < 5:
        return False
    numbers = _NUM.findall(text)
    if not all(any(number_equal(n, a) for n in numbers) for a in _NUM.findall(alt)):
        return False
    return sum(1 for ch in han if ch in text) >= 0.8 * len(han)


def missing_facts(facts: list, text: str) -> tuple:
    """(found, missing): each fact is a list of alternatives; found ones give the alternative used."""
    found, missing = [], []
    for alts in facts:
        hit = next((a for a in alts if _fact_found(a, text)), None)
        (found if hit else missing).append(hit or "／".join(alts))
    return found, missing


def _material_names(material: str) -> list:
    names = []
    for part in re.split(r"[\s、，,]+", material):
        part = part.split(":")[-1].split("：")[-1]
        name = re.sub(r"\d+(\.\d+)?\s*%", "", part).strip()
        if name:
            names.append(name)
    out = []
    for n in names:
        out.append(n)
        if n == "聚酯纤维":
            out += ["聚酯", "涤纶"]
        elif n.endswith("牛皮"):
            out += ["牛皮", "真皮"]
        elif "鸭绒" in n:
            out += ["鸭绒", "羽绒"]
        elif n == "粘纤":
            out += ["粘胶"]
    return out


def _sizes(product: dict) -> list:
    return [s.strip() for s in str(product.get("size_options", "")).split("/") if s.strip()]


def _spec_values(order: dict) -> dict:
    out = {}
    for part in str(order.get("spec", "")).split(";"):
        if ":" in part:
            k, v = part.split(":", 1)
            out[k.strip()] = v.strip()
    return out


def expected_facts(stage: str, found_intents: list, ctx: Context) -> list:
    """Facts the reply should contain, from the product or order of the context (lists of alternatives)."""
    p, o, out = ctx.product, ctx.order, []
    if p:
        prices = [_num(p[k]) for k in ("promo_price", "price") if k in p]
        if "price" in found_intents and any(v is not None for v in prices):
            out.append([f"{v:.2f}" for v in prices if v is not None])
        if "material" in found_intents and p.get("material"):
            out.append(_material_names(str(p["material"])))
        if "size" in found_intents and (p.get("size_options") or p.get("size_tip")):
            alts = _sizes(p)
            tip = str(p.get("size_tip", ""))
            if "小" in tip:
                alts += ["偏小", "拍大", "大一码"]
            elif "大" in tip:
                alts += ["偏大", "拍小", "小一码"]
            elif tip:
                alts += ["标准", "正常", "平时"]
            out.append(alts)
        if "stock" in found_intents and _stock_value(p) is not None:
            out.append(["有货", "有的", "现货", "库存", "可以拍", "能拍"] if _stock_value(p) > 0
                       else ["缺货", "没货", "暂无", "售罄", "补货", "到货"])
        if "color" in found_intents and p.get("color_options"):
            out.append([c.strip() for c in str(p["color_options"]).split("/") if c.strip()])
        if "origin" in found_intents and p.get("origin"):
            origin = str(p["origin"])
            out.append([origin, origin[:2], origin[2:]] if len(origin) >= 4 else [origin])
    if o and stage == "confirm":
        spec = _spec_values(o)
        for v in spec.values():
            out.append([v, v.rstrip("色")] if v.endswith("色") else [v])
        if _num(o.get("quantity")) is not None:
            n = int(_num(o["quantity"]))
            out.append([f"{n}件", f"{n} 件", f"{_CN_NUM.get(n, n)}件", f"×{n}", f"x{n}"])
        if o.get("city"):
            out.append([str(o["city"])] + ([str(o["address"])[:3]] if o.get("address") else []))
    return [[a for a in alts if a] for alts in out if any(alts)]


def _stock_value(p: dict):
    v = _num(p.get("stock"))
    return None if v is None else int(v)


def _asserted(regex, text: str) -> bool:
    """Does ``text`` say ``regex`` without denying it just before (“面料不是纯棉的”)?"""
    return any(not _DENIED.search(text[max(0, m.start() - 4):m.start()]) for m in regex.finditer(text))


_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?\n]*")
#: a price worked out for this order (coupons, totals, several items) is not the product's list price
_COMPUTED = re.compile(r"券后|用券|用上|满减|满\d+减|合计|一共|总共|共计|实付|凑单|[两三四五六七八九十\d]+\s*[件套双条个支瓶]")
#: a new shipment (补发 by another courier) is not a claim about the order's first parcel
_NEW_SHIPMENT = re.compile(r"补发|重新发|重发|改发|换(个|成|一家)?快递|再发")
#: a colour or a size named in the sentence: stock may be per variant, which the data does not hold
_VARIANT = re.compile(r"码|色(?![^，,]{0,2}的?商品)|(?<![A-Za-z])(XS|S|M|L|XL|XXL)(?![A-Za-z])")


def _other_item(sentence: str, name: str, rubric) -> bool:
    """Does the sentence talk about another item (关联推荐: “配一条围巾”) than the context product?"""
    lex = rubric.lexicons.get("item_nouns")
    if lex is None or not name:
        return False
    return any(w not in name and w.rstrip("子") not in name for w in lex.find(sentence))


def _about_product(text: str, p: dict, rubric) -> tuple:
    """(text for list-price checks, text for other product checks, text for stock checks) of ``text``.

    Sentences about another item are left out of all three; sentences with a computed total or a
    coupon price are left out of the price check; sentences naming a colour or size are left out
    of the out-of-stock check.
    """
    name = str(p.get("name", "")) + str(p.get("subcategory", ""))
    own = [s for s in _SENTENCE.findall(text) if not _other_item(s, name, rubric)]
    return ("".join(s for s in own if not _COMPUTED.search(s)), "".join(own),
            "".join(s for s in own if not _VARIANT.search(s)))


def wrong_claims(stage: str, text: str, ctx: Context, rubric) -> list:
    """Claims in the reply that contradict the product or order of the context (Chinese descriptions)."""
    p, o, out = ctx.product, ctx.order, []
    full = text
    if p:
        price_text, text, stock_text = _about_product(full, p, rubric)
        prices = [v for v in (_num(p.get("price")), _num(p.get("promo_price"))) if v is not None]
        if prices:
            for m in _PRICE_CLAIM.finditer(price_text):
                if not any(number_equal(m.group(1), v) for v in prices):
                    said = "、".join(f"{v:.2f}" for v in dict.fromkeys(prices))
                    out.append(f"说价格是 {m.group(1)} 元，商品信息里的价格是 {said} 元")
                    break
        material = str(p.get("material", ""))
        if material:
            cotton = re.search(r"棉\s*(\d+)\s*%", material)
            if _asserted(_PURE_COTTON, text) and not (cotton and int(cotton.group(1)) == 100):
                out.append(f"说是纯棉，商品材质是“{material}”")
            for word, stem in _FIBRES.items():
                if _asserted(re.compile(word), text) and stem not in material:
                    out.append(f"说是{word}，商品材质是“{material}”")
                    break
        tip = str(p.get("size_tip", ""))
        if tip == "偏小一码" and _asserted(re.compile("偏大"), text):
            out.append("说尺码偏大，这款实际偏小一码")
        elif tip == "偏大一码" and _asserted(re.compile("偏小"), text):
            out.append("说尺码偏小，这款实际偏大一码")
        elif tip == "尺码标准" and _asserted(re.compile(r"(?<!不)偏(大|小)"), text):
            out.append("说尺码偏大或偏小，这款尺码标准")
        sizes = _sizes(p)
        letters = [s for s in sizes if _SIZE_TOKEN.fullmatch(s)]
        if letters:
            bad = [t for t in _SIZE_TOKEN.findall(text) if t not in letters and t.upper() not in letters]
            if bad:
                out.append(f"说到 {bad[0]} 码，这款只有 {'/'.join(sizes)}")
        elif sizes and all(s.isdigit() for s in sizes):
            bad = [n for n in _NUM_SIZE.findall(text) if n not in sizes]
            if bad:
                out.append(f"说到 {bad[0]} 码，这款只有 {'/'.join(sizes)}")
        else:
            metres = [float(m) for m in re.findall(r"(\d+(?:\.\d+)?)\s*m", " ".join(sizes))]
            if metres:
                bad = [n for n in _METRES.findall(text) if not any(number_equal(n, v) for v in metres)]
                if bad:
                    out.append(f"说到 {bad[0]} 米，这款只有 {'/'.join(sizes)}")
        stock = _stock_value(p)
        if stock is not None:
            if stock == 0 and _IN_STOCK.search(text):
                out.append(f"说“{_IN_STOCK.search(text).group(0)}”，这款库存是 0")
            elif stock > 0 and _NO_STOCK.search(stock_text):
                out.append(f"说“{_NO_STOCK.search(stock_text).group(0)}”，这款库存有 {stock} 件")
    text = full
    if o:
        carrier = str(o.get("carrier", ""))
        tracking = str(o.get("tracking_no", ""))
        shipped = bool(carrier or tracking) and str(o.get("status", "")) not in ("待付款", "已付款", "已关闭")
        first = "".join(s for s in _SENTENCE.findall(text) if not _NEW_SHIPMENT.search(s))
        named = [c for c in _CARRIERS if c in first]
        if carrier and named and carrier not in named:
            out.append(f"说是{named[0]}，订单的快递是{carrier}")
        numbers = [n for n in _TRACKING.findall(text) if n != str(o.get("order_id", ""))]
        if tracking and numbers and tracking not in numbers:
            out.append(f"单号 {numbers[0]} 与订单的运单号 {tracking} 不一致")
        if not shipped and str(o.get("status", "")) in ("待付款", "已付款") and _SHIPPED_CLAIM.search(text):
            out.append(f"说已经发货，订单状态是“{o['status']}”")
    if stage == "confirm":
        # the order's colour and size: from its spec, else from the facts the teacher gave (“浅蓝”, “L”)
        spec = _spec_values(o) if o else {}
        given = [a for alts in ctx.facts for a in alts]
        text = "，".join(c for c in _CLAUSE_END.split(text) if not _SUGGESTION.search(c))
        colour = spec.get("颜色", "") or next((a for a in given if _COLOURS.fullmatch(a)), "")
        if colour:
            said = [m.group(0) for m in _COLOUR_CLAIM.finditer(text)]
            if said and not any(c.rstrip("色") in colour or colour.rstrip("色") in c for c in said):
                out.append(f"说是{said[0]}，订单是{colour}")
        size = spec.get("尺码", "") or next((a for a in given if _SIZE_TOKEN.fullmatch(a.upper())), "")
        if size and _SIZE_TOKEN.fullmatch(size.upper()):
            bad = [t for t in _SIZE_TOKEN.findall(text) if t.upper() != size.upper()]
            if bad:
                out.append(f"说是 {bad[0]} 码，订单是 {size} 码")
        elif size and size.isdigit():
            bad = [n for n in _NUM_SIZE.findall(text) if n != size]
            if bad:
                out.append(f"说是 {bad[0]} 码，订单是 {size} 码")
    if o:
        if stage == "confirm":
            qty = _num(o.get("quantity"))
            if qty is not None:
                bad = [q for q in _QTY.findall(text) if int(q) != int(qty)]
                if bad:
                    out.append(f"说是 {bad[0]} 件，订单是 {int(qty)} 件")
    return out
