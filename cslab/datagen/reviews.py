"""Buyer reviews and follow-ups (reviews.csv): ratings driven by quality, fit and delivery; shop replies."""

from __future__ import annotations

import random

from ._base import NOW, SHOP, fmt_dt, minutes, stream, write_csv
from .products import size_chart

__all__ = ["HEADER", "ASPECTS", "make_reviews", "rows", "write"]

HEADER = [
    "review_id", "order_id", "sku", "customer_id", "rating", "text", "created_at", "reply",
    "replied_at", "has_image", "is_followup",
]

#: aspect → (praise, complaints); {size} {color} {days} {sub} {jin} {height} are filled in
ASPECTS: dict[str, tuple[list[str], list[str]]] = {
    "质量": (["质量很好", "料子摸着很舒服", "质量超出这个价位", "面料厚实不透", "质感很好，不廉价"],
             ["质量一般", "有线头，做工粗糙", "洗了一次就起球了", "面料很薄，有点透", "和这个价格不匹配"]),
    "尺码": (["尺码标准，{height}/{jin}斤穿{size}刚好", "按客服推荐拍的{size}码，很合身", "码数正，放心拍",
              "大小合适，没有色差"],
             ["尺码偏小，建议拍大一码", "{size}码偏大，穿着晃荡", "尺码不准，{height}/{jin}斤穿{size}太紧了",
              "码数和尺码表对不上"]),
    "物流": (["物流很快，{days}天就到了", "发货速度快", "快递小哥服务好，送货上门", "包装完好，物流给力"],
             ["物流太慢了，等了{days}天", "快递一直不更新，等得着急", "快递没送上门，放驿站也没通知",
              "外包装破了"]),
    "客服": (["客服小姐姐很耐心", "客服推荐的尺码很准", "有问必答，服务态度好", "售后处理很及时"],
             ["客服回复太慢", "问客服半天不理人", "客服态度敷衍", "售后推来推去"]),
    "颜色": (["{color}很正，和图片一样", "颜色好看，很显白", "{color}很百搭", "没有色差"],
             ["色差有点大", "{color}比图片暗", "颜色和图片不一样", "颜色有点土"]),
    "性价比": (["性价比很高", "活动价买的，很划算", "这个价格真的值", "比实体店便宜多了"],
               ["不值这个价", "性价比不高", "刚买就降价了", "价格偏贵"]),
    "做工": (["做工精细，走线整齐", "没有线头，细节很好", "扣子缝得很牢"],
             ["走线歪歪扭扭", "有个扣子松了", "有小污渍"]),
    "包装": (["包装很用心，还有小礼物", "包装精致，送人很合适", "包装干净整洁"],
             ["包装太简陋了", "包装袋都破了", "没有包装盒"]),
}
_BY_CATEGORY = {
    "女装": (["上身效果很好，显瘦", "穿上很有气质", "同事都问链接"], ["上身效果一般，显胖", "版型不太好"]),
    "男装": (["老公穿着很精神", "版型挺括", "穿着舒服不闷"], ["版型有点怪", "穿着闷热"]),
    "童装": (["孩子很喜欢", "宝宝穿着舒服，不扎", "洗了不变形"], ["孩子说扎人", "洗了缩水了"]),
    "鞋靴": (["脚感很软，走路不累", "不磨脚，很舒服", "鞋底防滑"], ["有点磨脚", "鞋底太硬", "有胶味"]),
    "箱包配饰": (["容量很大，很实用", "五金件很有质感", "背着很好看"], ["五金件掉色", "比想象中小"]),
    "家居日用": (["很实用，家里人都说好", "吸水性好", "尺寸合适"], ["不太实用", "有异味", "尺寸比描述小"]),
    "美妆个护": (["用着很温和，不刺激", "味道很好闻", "保湿效果不错"], ["用了有点刺痛", "味道太冲", "效果不明显"]),
}
_OPEN = {True: ["", "", "很满意！", "第二次回购了，", "给家人买的，", "和图片一样，", "超出预期，"],
         False: ["", "", "有点失望，", "踩雷了，", "不推荐，"]}
_CLOSE = {True: ["推荐购买！", "下次还来。", "五星好评！", "会回购的～", "值得入手。", ""],
          False: ["不会再买了。", "大家慎重。", "很失望。", "希望改进。", ""]}
_FOLLOW = {True: ["追评：洗了两次没有变形，还是很好看", "追评：穿了一个月了，依然很满意", "追评：已经回购第二件了",
                  "追评：朋友看了也想买，推荐", "追评：用完一瓶了，效果不错"],
           False: ["追评：穿了几次就起球了", "追评：洗后缩水严重", "追评：开胶了，质量不行", "追评：用了一段时间效果一般"]}
_REPLY_POS = ["感谢亲的好评与支持～{shop}会继续努力，期待您再次光临！", "谢谢亲的认可，穿得开心就是我们最大的动力～",
              "感谢您的喜欢！上新会第一时间通知老顾客哦～", "亲的满意是我们前进的动力，祝您生活愉快！"]
_REPLY_NEG = {
    "质量": "非常抱歉给您带来不好的体验，质量问题支持退换，请联系客服为您处理。",
    "尺码": "抱歉亲，尺码不合适可以申请换货，下次购买可以先咨询客服推荐尺码哦。",
    "物流": "非常抱歉让您久等了，近期快递件量大，我们已反馈快递公司改进。",
    "客服": "非常抱歉亲，我们已对客服进行培训，您的问题请联系主管林姐处理。",
    "颜色": "亲，实物拍摄不同屏幕会有少许色差，不满意支持七天无理由退换哦。",
    "性价比": "感谢您的反馈亲，我们会努力提供更实惠的商品，关注店铺可领专属券～",
    "做工": "抱歉亲，做工问题我们已反馈工厂整改，请联系客服为您补偿。",
    "包装": "感谢您的反馈，我们会改进包装，给您带来不便很抱歉。",
}


def _rating_weights(b: float) -> list[float]:
    """Weights of ratings 1–5 given how much went wrong (0 = nothing)."""
    return [0.03 + 0.3 * b, 0.02 + 0.15 * b, 0.04 + 0.2 * b, 0.14 + 0.05 * b, max(0.08, 0.77 - 0.45 * b)]


def _text(rng: random.Random, rating: int, bad: list[str], p: dict, slots: dict) -> tuple[str, str | None]:
    """Review text and the worst aspect mentioned (for the shop's reply)."""
    good = rating >= 4
    skip = {"尺码"} if p["_kind"] not in ("W", "M", "K", "SW", "SM", "SU") else set()
    if p["category"] in ("美妆个护", "家居日用"):
        skip.add("做工")
    aspects = [a for a in ASPECTS if a not in bad and a not in skip]
    rng.shuffle(aspects)
    parts, worst = [], None
    if not good or (rating == 4 and bad and rng.random() < 0.5):
        for a in bad[:2] or [rng.choice([a for a in ASPECTS if a not in skip])]:
            parts.append(rng.choice(ASPECTS[a][1]))
            worst = worst or a
    n_good = rng.choice([1, 2, 2, 3]) if good else rng.choice([0, 0, 1])
    for a in aspects[:n_good]:
        parts.append(rng.choice(ASPECTS[a][0]))
    cat_good, cat_bad = _BY_CATEGORY[p["category"]]
    if rng.random() < 0.5:
        parts.append(rng.choice(cat_good if good else cat_bad))
    rng.shuffle(parts)
    text = _OPEN[good][rng.randrange(len(_OPEN[good]))] + "，".join(parts)
    end = rng.choice(_CLOSE[good])
    text = f"{text}，{end}" if end else f"{text}。"
    for k, v in slots.items():
        text = text.replace("{" + k + "}", str(v))
    return text, worst


def make_reviews(orders: list[dict], cases: list[dict]) -> list[dict]:
    """Reviews of delivered lines (about one in four) and some follow-ups, numbered by time."""
    rng = stream("reviews")
    troubled = {(k["order"]["order_id"], k["line"]["line_no"]) for k in cases if k["line"] is not None}
    out = []
    for o in orders:
        if o["signed"] is None:
            continue
        plan = o["plan"]
        late = plan["outcome"] == "延误"
        for line in o["lines"]:
            if line["status"] != "已签收":
                continue
            p, c = line["product"], o["customer"]
            trouble = (o["order_id"], line["line_no"]) in troubled
            if rng.random() > (0.45 if trouble else 0.27):
                continue
            at = o["signed"] + minutes(rng, 60, 15 * 1440)
            if at >= NOW:
                continue
            bad = []
            if (1 - p["_quality"]) * 0.6 > rng.random():
                bad.append(rng.choice(["质量", "做工", "质量", "颜色"]))
            if (line["size_off"] and rng.random() < 0.6) or (p["_fit"] and rng.random() < 0.25):
                bad.append("尺码")
            if late:
                bad.append("物流")
            if trouble and rng.random() < 0.3:
                bad.append("客服")
            b = 0.5 * len(bad) + (0.5 if trouble else 0.0)
            rating = rng.choices([1, 2, 3, 4, 5], weights=_rating_weights(b))[0]
            days = max(1, (o["signed"] - o["shipped"]).days)
            size = line["spec"].split("尺码:")[-1] if "尺码:" in line["spec"] else ""
            slots = {"size": size, "color": line["spec"].split(";")[0].split(":")[-1], "days": days,
                     "jin": c["_weight"] * 2, "height": c["_height"]}
            if p["_kind"] == "K":  # the child's height and weight
                kid = next(r for r in size_chart(p) if r["size"] == size)
                slots["height"] = rng.randint(kid["height_min_cm"], kid["height_max_cm"])
                slots["jin"] = rng.randint(kid["weight_min_kg"], kid["weight_max_kg"]) * 2
            if rating == 5 and rng.random() < 0.06:
                text, worst = "此用户没有填写评价。", None
            else:
                text, worst = _text(rng, rating, bad, p, slots)
            base = {"order_id": o["order_id"], "sku": p["sku"], "customer_id": c["customer_id"],
                    "rating": rating, "line": line}
            out.append({**base, **_reply(rng, rating, worst, at), "text": text, "created": at,
                        "image": rng.random() < (0.45 if rating <= 2 else 0.25), "followup": False})
            if rng.random() < 0.10 and text != "此用户没有填写评价。":
                later = at + minutes(rng, 7 * 1440, 60 * 1440)
                if later < NOW:
                    ftext = rng.choice(_FOLLOW[rating >= 4])
                    out.append({**base, **_reply(rng, rating, worst, later), "text": ftext, "created": later,
                                "image": rng.random() < 0.2, "followup": True})
    out.sort(key=lambda r: (r["created"], r["order_id"], r["sku"], r["followup"]))
    for i, r in enumerate(out, start=1):
        r["review_id"] = f"RV{i:06d}"
    return out


def _reply(rng: random.Random, rating: int, worst: str | None, at) -> dict:
    """The shop's reply to a review, or none."""
    if rng.random() > (0.85 if rating <= 3 else 0.35):
        return {"reply": "", "replied": None}
    when = at + minutes(rng, 30, 3 * 1440)
    if when >= NOW:
        return {"reply": "", "replied": None}
    if rating <= 3:
        text = _REPLY_NEG.get(worst or "质量", _REPLY_NEG["质量"])
    else:
        text = rng.choice(_REPLY_POS).replace("{shop}", SHOP)
    return {"reply": text, "replied": when}


def rows(reviews: list[dict]) -> list[list]:
    """reviews.csv rows, by review_id."""
    return [
        [r["review_id"], r["order_id"], r["sku"], r["customer_id"], r["rating"], r["text"],
         fmt_dt(r["created"]), r["reply"], fmt_dt(r["replied"]), r["image"], r["followup"]]
        for r in reviews
    ]


def write(out_dir, reviews: list[dict]) -> dict:
    """Write reviews.csv."""
    return {"reviews": write_csv(out_dir / "reviews.csv", HEADER, rows(reviews))}

