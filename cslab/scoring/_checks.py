"""The checks behind the checkpoints: each returns a score fraction and a Chinese explanation."""

from __future__ import annotations

import re

from .. import zhtext
from . import _facts, _text
from ._deductions import budget_match as _budget_match
from ._deductions import over_budget
from ._scene import Scene
from ._scene import quote as _q

__all__ = ["POSITIVE"]


# ----------------------------------------------------------------------------- positive checks
# each: (scene, checkdef) -> None when not applicable, else (fraction, explanation, fix or None)

def _lexicon(s: Scene, c):
    found = [w for name in c.lexicons for w in s.lex(name).find(s.answer)]
    if found:
        return 1.0, f"找到{_q(dict.fromkeys(found))}。", None
    weak = [w for name in c.half for w in s.lex(name).find(s.answer)]
    if weak:
        return 0.5, f"只有{_q(dict.fromkeys(weak))}，说得不够具体，得一半分。", None
    return 0.0, f"回复里没有“{c.name}”的内容。", None


def _polite(s: Scene, c):
    addr = s.lex("address").find(s.answer)
    if s.ctx.customer_name and s.ctx.customer_name in s.answer:
        addr = [s.ctx.customer_name, *addr]
    words = s.lex("polite_words").find(s.answer) + s.lex("tone").find(s.answer)
    if addr and words:
        return 1.0, f"有称呼{_q(addr, 2)}，也有礼貌或亲切的用语{_q(words, 2)}。", None
    if addr or words:
        have = f"有称呼{_q(addr, 2)}" if addr else f"有{_q(words, 2)}"
        lack = "礼貌用语（请、谢谢、哦～）" if addr else "对买家的称呼（亲、您）"
        return 0.5, f"{have}，但缺少{lack}，得一半分。", f"再加上{lack}。"
    return 0.0, "没有称呼买家，也没有礼貌用语，语气生硬。", "用“亲”“您”称呼买家，加上“请”“谢谢”或语气词“哦～”。"


def _intent(s: Scene, c):
    r = s.rubric
    if not s.intents:
        if s.stage != "answer":
            return None
        ev = s.pat("answer_evidence")
        hit = re.search(r"\d+", s.answer) or (r.topic_words and r.topic_regex.search(s.answer)) \
            or s.lex("benefit").search(s.answer) or (ev is not None and ev.search(s.answer))
        if hit:
            return 1.0, f"买家的问题不属于常见类型；回复给出了具体答复（“{hit.group(0)}”）。", None
        return 0.0, "回复里没有具体内容，只有客套话。", "给出具体的答复：事实、数字、办法。"
    done, todo = [], []
    answer, deflected = _without_deflection(s)
    for k in s.intents:
        name, _, ans = r.intents[k]
        m = ans.search(answer)
        if not m and k in r.clarify and not r.clarify[k][1].search(s.customer):
            m = r.clarify[k][0].search(answer)   # asks for what it needs to answer
        (done if m else todo).append((name, m.group(0) if m else ""))
    frac = len(done) / len(s.intents)
    asked = "、".join(n for n, _ in done + todo)
    if not todo:
        return 1.0, f"买家问的是{asked}；回复都答到了（{_q(w for _, w in done)}）。", None
    miss = "、".join(n for n, _ in todo)
    if done:
        return frac, f"买家问的是{asked}；回答了{'、'.join(n for n, _ in done)}，没有回答{miss}。", f"把{miss}也答上。"
    if deflected:
        return 0.0, f"买家问的是{asked}，回复只让买家自己去看（{_q(deflected, 2)}），没有给出答案。", \
            "直接告诉买家答案（具体的尺码、价格、时间、材质……），不要让买家自己去查详情页。"
    return 0.0, f"买家问的是{asked}，回复没有回答。", None


def _without_deflection(s: Scene):
    """The answer without clauses that only send the buyer to the product page (“以页面为准”), and those clauses."""
    pat = s.pat("deflect")
    if pat is None or not pat.search(s.answer):
        return s.answer, []
    kept, gone = [], []
    for start, end in _text.clauses(s.answer):
        clause = s.answer[start:end]
        (gone if pat.search(clause) else kept).append(clause)
    return "，".join(kept), gone


def _facts_check(s: Scene, c):
    exp = list(s.ctx.facts) + _facts.expected_facts(s.stage, s.intents, s.ctx)
    if not exp:
        return None
    if s.wrong:
        return 0.0, f"信息有误：{s.wrong[0]}。", "先查商品详情或订单，再回答。"
    found, missing = _facts.missing_facts(exp, s.answer)
    frac = len(found) / len(exp)
    if not missing:
        return 1.0, f"给出了需要的信息{_q(found)}。", None
    fix = f"回复里应包含：{'；'.join(missing[:3])}。"
    if found:
        return frac, f"给出了{_q(found)}，还缺{_q(missing)}。", fix
    return 0.0, f"没有给出需要的信息（{'；'.join(missing[:3])}）。", fix


def _empathy(s: Scene, c):
    if not s.upset:
        return None
    apo = s.lex("apology").find(s.answer)
    emp = s.lex("empathy").find(s.answer)
    if apo and emp:
        return 1.0, f"买家情绪不好，回复先道歉{_q(apo, 2)}并表示理解{_q(emp, 2)}。", None
    if apo or emp:
        return 0.6, f"买家情绪不好，回复有{_q(apo or emp, 2)}，但{'没有表示理解' if apo else '没有道歉'}。", \
            "道歉和理解都要有：“抱歉让您久等了，理解您着急的心情”。"
    return 0.0, "买家着急或生气，回复没有道歉，也没有安抚情绪。", "先安抚情绪：“非常抱歉让您久等了，理解您着急的心情”。"


def _length(s: Scene, c):
    n, lo, hi = s.reply.chars, s.sdef.min_chars, s.sdef.max_chars
    if n < lo:
        return 0.0, f"只有 {n} 个字，太短（本环节建议 {lo}–{hi} 字）。", "把话说完整：称呼 + 回答 + 下一步。"
    if n > hi:
        return 0.0, f"共 {n} 个字，太长（本环节建议 {lo}–{hi} 字），买家难以在聊天窗口里读完。", \
            "只留回答和下一步，删掉与问题无关的介绍；内容多时分两条发。"
    return 1.0, f"共 {n} 个字，长度合适（建议 {lo}–{hi} 字）。", None


def _chinese(s: Scene, c):
    han, words, letters = _text.script(s.reply.text)
    if han == 0 or (len(words) >= 3 and letters >= 0.3 * (han + letters)):
        what = f"回复主要是英文（{_q(words, 4)}）" if words else "回复里没有汉字"
        return 0.0, f"{what}，本店买家是中文用户。", "请用中文回复；尺码、单号等代码可以保留英文字母。"
    if words:
        return 1.0, f"以中文为主，夹有少量英文{_q(words, 3)}。", None
    return 1.0, "使用中文。", None


def _product_words(s: Scene) -> list:
    """Words of the context product's name (two characters or more) that the answer repeats."""
    name = str(s.ctx.product.get("name", ""))
    return [w for w in zhtext.cut(name) if len(w) >= 2 and not w.isdigit() and w in s.answer] if name else []


def _product_named(s: Scene, c):
    found = s.lex("product_noun").find(s.answer) + _product_words(s)
    if found:
        return 1.0, f"说出了推荐的商品{_q(found, 2)}。", None
    return 0.0, "没有说清推荐的是哪件商品。", None


def _need_link(s: Scene, c):
    needs = [n for n in s.rubric.needs if n[0].search(s.customer)]
    if not needs:
        prompt = s.lex("need_prompt").find(s.answer)
        if prompt:
            return 1.0, f"买家没说具体需求，回复主动了解需求{_q(prompt, 2)}。", None
        if "适合" in s.answer:
            return 0.5, "买家没说具体需求，回复只泛泛地说“适合”。", "问问买家的场合、身材或预算，再说明为什么适合。"
        return 0.0, "买家没说具体需求，回复也没有了解需求。", "先问问买家的场合、身材或预算。"
    asked = [n[0].search(s.customer).group(0) for n in needs]
    # a price above the customer's budget does not meet the budget need
    bm = _budget_match(s) if over_budget(s) else None
    met = []
    for a, n in zip(asked, needs):
        am = n[0].search(s.customer)
        budget_need = bm is not None and am.start() < bm.end() + 4 and bm.start() < am.end() + 4
        met.append((a, None if budget_need else n[1].search(s.answer)))
    ok = [(a, m.group(0)) for a, m in met if m]
    miss = [a for a, m in met if not m]
    frac = len(ok) / len(needs)
    if not miss:
        return 1.0, "回应了买家的需求：" + "，".join(f"“{a}”→“{w}”" for a, w in ok) + "。", None
    if ok:
        return frac, f"回应了{_q(a for a, _ in ok)}，没有回应{_q(miss)}。", f"说明推荐的商品怎样满足{_q(miss)}。"
    return 0.0, f"买家说了需求{_q(miss)}，推荐理由没有对上。", None


_PLACE = re.compile(r"[省市区县镇路街号]|^(北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|"
                    r"湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|内蒙古|广西|西藏|宁夏|新疆)")


def _essentials(s: Scene, c):
    o = s.ctx.order
    spec_values = [v for v in _facts._spec_values(o).values()] if o else []
    city = str(o.get("city", ""))
    # the teacher's facts of the order (“护手霜”“无香”“30g”) count as its spec, except the address
    given = [a for alts in s.ctx.facts for a in alts if a in s.answer and not _PLACE.search(a)]
    parts = {
        "规格": s.lex("confirm_spec").find(s.answer) + [v for v in spec_values if v in s.answer] + given,
        "数量": s.lex("confirm_qty").find(s.answer),
        "地址": s.lex("confirm_address").find(s.answer) + ([city] if city and city in s.answer else []),
    }
    have = [k for k, v in parts.items() if v]
    if len(have) >= 2:
        return 1.0, f"复述了订单的{'、'.join(have)}。", None
    if have:
        return 0.4, f"只复述了{have[0]}，还应复述{'、'.join(k for k in parts if k not in have)}。", None
    return 0.0, "没有复述订单的规格、数量和地址。", None


def _tracking(s: Scene, c):
    o = s.ctx.order
    if s.wrong:
        return 0.0, f"物流信息有误：{s.wrong[0]}。", "先在订单详情里查清快递公司和运单号。"
    carrier, no = str(o.get("carrier", "")), str(o.get("tracking_no", ""))
    status = str(o.get("status", ""))
    words = s.lex("tracking").find(s.answer)
    named = s.lex("carriers").find(s.answer)
    if "shipping" in s.intents and "logistics" not in s.intents:
        # the customer asks how or when it will be sent (“能发顺丰吗”), not where the parcel is
        m = s.rubric.intents["shipping"][2].search(s.answer)
        if m:
            return 1.0, f"买家问的是发货方式或时间，回复答到了（“{m.group(0)}”{'、' + _q(named, 2) if named else ''}）。", None
    if o and status in ("待付款", "已付款"):
        if words:
            return 1.0, f"订单还没发货，回复说明了情况{_q(words, 2)}。", None
        return 0.0, f"订单状态是“{status}”（还没发货），回复没有说明发货情况。", "说明订单在仓库的进度和预计发出时间。"
    if o and (carrier or no):
        facts = [x for x in (carrier, no) if x and x in s.answer]
        if facts and (words or no in facts):
            return 1.0, f"给出了订单的物流信息{_q(facts + words, 3)}。", None
        if facts or words:
            return 0.5, f"只给出了{_q(facts or words, 2)}。", f"告诉买家快递公司（{carrier}）、单号（{no}）和包裹现在的位置。"
        return 0.0, "没有给出快递公司、单号或包裹位置。", f"告诉买家快递公司（{carrier}）、单号（{no}）和包裹现在的位置。"
    if named or words:
        return 1.0, f"给出了物流信息{_q(named + words, 3)}。", None
    return 0.0, "没有给出快递公司、单号或包裹位置。", None


def _negative_review(s: Scene) -> str:
    """"pos", "neg" or "mixed" for a review."""
    r = s.ctx.rating
    bad = bool(s.pat("upset") and s.pat("upset").search(s.customer)) or \
        bool(re.search(r"不推荐|一般|偏小|偏大|色差|不符|慢|味道|不好|问题|就是|不太|有点", s.customer))
    if r is not None:
        if r <= 2:
            return "neg"
        if r >= 4 and not bad:
            return "pos"
        return "mixed"
    return "mixed" if bad else "pos"


def _review_tone(s: Scene, c):
    kind = _negative_review(s)
    thanks = s.lex("thanks").find(s.answer)
    sorry = s.lex("apology").find(s.answer)
    if kind == "neg":
        if sorry:
            return 1.0, f"差评先致歉{_q(sorry, 2)}。", None
        if thanks:
            return 0.5, "差评只道谢没有致歉。", "差评要先真诚道歉：“非常抱歉给您带来不好的体验”。"
        return 0.0, "差评没有致歉。", "差评要先真诚道歉：“非常抱歉给您带来不好的体验”。"
    if thanks or sorry:
        return 1.0, f"{'感谢' if thanks else '致歉'}{_q(thanks or sorry, 2)}。", None
    return 0.0, "没有感谢买家的评价。", "先感谢：“谢谢亲的认可～”。"


_FUNCTION_CHARS = set("的了是我你他她它们这那就都也还很太有没不在一点个些吧呢啊哦呀吗好得着过会要想说和与")


def _review_specific(s: Scene, c):
    kind = _negative_review(s)
    if kind != "pos":
        # repeating the complaint back (“颜色跟图片有色差。”) does not respond to it
        answer = _text.without_copied(s.answer, s.customer)
        if not answer.strip("，。！？～ "):
            return 0.0, "回复只是把评价里的问题照抄了一遍，没有解释，也没有办法。", \
                "不要复述买家的话：说明原因（例如拍摄光线）并给出办法（换货、退款、改进）。"
    else:
        answer = s.answer
    topics = []
    for name, ask, ans in s.rubric.intents.values():
        if ask.search(s.customer):
            m = ans.search(answer)
            topics.append((name, m.group(0) if m else ""))
    generic = {"满意", "不错", "好看", "很好", "喜欢", "挺好", "还行", "衣服", "商品", "宝贝", "东西", "下次", "推荐", "好评"}
    words = [w for w in zhtext.cut(s.customer) if len(w) >= 2 and w not in generic and w not in s.rubric.stopwords
             and re.search(r"[\u4e00-\u9fff]", w)]
    shared = [w for w in dict.fromkeys(words) if w in answer]
    answered = [(n, w) for n, w in topics if w]
    chars = {ch for w in zhtext.cut(s.customer) if w not in generic for ch in w
             if "\u4e00" <= ch <= "\u9fff" and ch not in _FUNCTION_CHARS}
    common = sorted(ch for ch in chars if ch in answer)
    if shared or answered or len(common) >= 2:
        said = shared or [w for _, w in answered] or common
        return 1.0, f"回应了评价里的内容{_q(said, 3)}。", None
    if kind == "pos" and len(words) <= 3:
        # a short positive review: a short reply is right when it names the product or the relationship
        named = s.lex("benefit").find(answer) + s.lex("product_noun").find(answer) + s.lex("regular").find(answer)
        if named:
            return 1.0, f"好评很简短，回复真诚而具体（{_q(named, 2)}）。", None
    if not words and not topics:
        return 0.5, "评价很简短，回复是通用的感谢。", "提一句商品本身（面料、版型、用法），显得真诚。"
    return 0.0, f"评价说的是{_q(words or [n for n, _ in topics], 3)}，回复没有回应，是万能套话。", None


def _review_follow(s: Scene, c):
    kind = _negative_review(s)
    fix = {"neg": "给出解决办法或改进：“可以联系客服免费换货”“我们已在详情页加了提醒”。",
           "pos": "邀请买家再来：“期待您下次光临，上新第一时间告诉您”。"}
    answer = _text.without_copied(s.answer, s.customer) if kind != "pos" else s.answer
    remedy = s.lex("review_remedy").find(answer) + s.lex("review_explain").find(answer)
    invite = s.lex("invite_back").find(answer)
    if kind == "neg":
        return (1.0, f"给出了办法或改进{_q(remedy, 2)}。", None) if remedy else \
            (0.0, "差评回复没有给出解决办法或改进措施。", fix["neg"])
    if kind == "pos":
        return (1.0, f"邀请买家再来{_q(invite, 2)}。", None) if invite else \
            (0.0, "没有邀请买家再次光临。", fix["pos"])
    if remedy or invite:
        return 1.0, f"给出了办法或邀请{_q(remedy or invite, 2)}。", None
    return 0.0, "没有给出办法，也没有邀请买家再来。", fix["neg"]


def _personal(s: Scene, c):
    name = s.ctx.customer_name
    if name and name in s.answer:
        return 1.0, f"称呼了买家的昵称“{name}”。", None
    ref = s.lex("purchase_ref").find(s.answer) + _product_words(s)
    if ref:
        return 1.0, f"提到了买家的购买或经历{_q(ref, 2)}。", None
    if s.lex("address").find(s.answer):
        return 0.4, "只用了通用称呼，没有个性化内容。", "称呼买家昵称，或提到他买的商品：“您上次买的雪地靴……”。"
    return 0.0, "没有个性化内容，像群发消息。", "称呼买家昵称，或提到他买的商品。"


POSITIVE = {
    "lexicon": _lexicon, "polite": _polite, "intent": _intent, "facts": _facts_check, "empathy": _empathy,
    "length": _length, "chinese": _chinese, "product_named": _product_named, "need_link": _need_link,
    "essentials": _essentials, "tracking": _tracking, "review_tone": _review_tone,
    "review_specific": _review_specific, "review_follow": _review_follow, "personal": _personal,
}
