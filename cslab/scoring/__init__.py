"""回复评分 (reply rubric): score one customer-service reply 0–100 with checkpoints that explain themselves.

Used by lesson ``03_communication`` (沟通话术: the reply checker of :mod:`cslab.reply_practice`),
the chat-simulator lessons 04–06 (售前接待) and 09–11 (售后、投诉、评价), where every agent
turn is scored and :meth:`ReplyScore.dimensions` feeds the end-of-session chart, and the nbgrader
assignments that grade written replies.

>>> s = score_reply("answer", "这条裙子多少钱？", "亲，这款活动价96.90元，喜欢可以直接拍下哦～",
...                 {"product": {"price": 129.0, "promo_price": 96.9}})
>>> s.total >= PASS_MARK, s.flags
(True, ())

How a reply is scored
---------------------
Commercial trainers compare a reply with a standard script by keywords, so students learn to
stuff keywords. Here, as in weighted-checkpoint schemes, a reply earns points for *positive
checkpoints* and loses points for *deductions*; unlike them, every checkpoint says in Chinese
why it passed or failed (quoting the words found) and what would fix it.

* The stages (:data:`STAGES`), their checkpoints, weights and word lists live in
  ``data/rubric.yaml``, written for this course and documented in Chinese for teachers.
* Positive checkpoints depend on the stage: e.g. 疑问解答 checks that the *question's intent*
  (尺码/价格/材质/发货/物流/退换/优惠/库存 …, detected in the customer's message) is answered
  with *concrete evidence* for its type (a size → S/M/L/XL, a 数字码 or a measurement; a price →
  a number with 元; a time → a date, day count or hour; a material → a fibre or a %; stock →
  有货/现货/缺货/a count), with the right facts when ``context`` has the product or order. Clauses
  that only send the buyer elsewhere (“详情页有的，您看下尺码表”“以页面为准”) are dropped
  before this check; asking for height/weight counts only when the buyer has not given them.
  A reply in mid-conversation needs no greeting, and 可以退订 applies only to messages the shop
  sends first (an empty customer message). 投诉处理 checks apology,
  empathy, ownership, a concrete remedy and a time commitment. Conditional checkpoints appear
  only when they apply (安抚情绪 when the customer is upset, 响应时间 when
  ``response_seconds`` is given, 信息准确 when there are facts to check); the weights of the
  positive checkpoints shown are scaled to add up to 100.
* Deductions (negative weights): banned advertising words (:func:`cslab.zhtext.find_banned`,
  context-aware), rudeness, blame-shifting (“这是快递的问题，不关我们的事”), refusing the legal
  7-day no-reason return (《消费者权益保护法》第二十五条; not when the reply or message names a
  legal exclusion such as 定制 or 鲜活易腐 — an exclusion word that is negated, “没穿过”, or a
  try-on, “试穿过”, does not count; the refusals recognised include 不退不换、概不退换、一经售出、
  没有质量问题不退、只有质量问题才能退、特价/打折…不退、拆封不退), wrong facts against the
  product/order (a claim denied or compared — “不是纯棉的”“比纯棉更滑” — is not a claim; a
  confirmation is checked against the order's ``spec`` or, without one, against the colour and
  size among the ``facts``, skipping clauses that suggest a change such as “改XL也来得及”; a sentence
  about another item — rubric ``item_nouns``, e.g. 关联推荐 “配一条围巾，羊毛的” — is not checked
  against the product, nor a worked-out total (券后、合计、5条) against its list price, nor a named
  colour or size's stock (“黑色M码卖完了”), nor a 补发 by another courier against the order), wrong policy
  (a “15天无理由”, a refund later than 7 days after the goods come back, the buyer paying
  return postage for a quality fault), 好评返现, pressure, false urgency (“只剩最后2件” when
  stock says otherwise), and per stage: 夜间催付, 评价里争辩, 刷屏营销, 推荐与需求相反 (including
  every quoted price above a budget the buyer stated — “预算500以内” — without a word about it).
* Other stage rules: 催付 also accepts help with the buyer's reason for not paying (payment
  method, size doubt) as the reason to pay; 评价回复 ignores clauses copied from a negative
  review, so repeating the complaint back is not a response, and a short positive review may
  be answered briefly when the reply names the product or the relationship (老顾客、回购);
  礼貌告别 accepts a response to the buyer's thanks (不客气、能帮到您就好).
* ``total`` = the sum of points, kept within 0–100, then capped; ``passed`` = ``total >= 60``.
* Red lines (``red_lines`` in the rubric: banned words, rudeness, blame-shifting, refusing legal
  rights, wrong facts or policy, 好评返现, false urgency, night-time reminders, arguing with a
  reviewer): any one caps the total at 55, so an otherwise excellent reply with one of them
  still fails, as a teacher would fail it.

Anti-gaming caps (each is a row of the table, so the student sees why):

* **Keyword stuffing** → flag ``"stuffing"``, total ≤ 30. A reply is stuffed when any of these
  holds (thresholds in ``rubric.yaml`` → ``anti_gaming``): a rubric word of two or more
  characters occurs 3 times or more (in a reply of 40+ characters only if those occurrences make
  up 20 % of it); a 2–4 character piece repeats back to back 3 times (您好您好您好) or one 汉字
  4 times (亲亲亲亲); *adjacent doubling*: 3 or more places where a piece of 2–6 汉字 is said
  twice in a row or one 汉字 3 times (欢迎光临欢迎光临…在的在的…帮您帮您…亲亲亲), or 2 such places
  making up 20 % of the reply (a single “有的有的” or “好的好的” is natural speech and passes);
  *repeated material*: half of the reply consists of 4-character runs already said earlier in
  it (the same sentence twice); another segmented word (rjieba) occurs 3 times and makes up a
  quarter of the reply; the same clause occurs 3 times; 6 or more clauses of which 75 % are fragments of
  at most 4 characters (keywords listed with punctuation, no sentence structure); or 85 % of
  the reply is rubric words, with topic keywords from 3 or more topics (尺码、价格、物流 …).
* **Copying** → flag ``"copying"``, total ≤ 30. Every run of 3 or more letters/digits/汉字 that
  also occurs in the customer's message marks its characters as copied; when copied characters
  are at least 6 and 60 % of the reply's letters/digits/汉字, the reply is a copy. Clauses that
  repeat the customer's *question* (70 % copied and a question form such as 吗/呢/是不是) are
  also ignored when the checkpoints look for an answer, so echoing a question never answers it.
* **Polite words without an answer**: each stage has *core* checkpoints (疑问解答: the intent is
  answered; 物流查询: tracking facts; 投诉处理: a remedy …); when all of them score 0 the total is
  capped at 45 (flag ``"no_answer"``), however polite the reply.
* A reply mainly in English → flag ``"not_chinese"``, total ≤ 20; a reply over 1.4 times the
  stage's length limit (210 characters for most stages: rambling) → flag ``"too_long"``,
  total ≤ 50; an empty (or emoticon-only) reply → total 0, flag ``"empty"``.

How well it agrees with teachers, and its limits
-------------------------------------------------
* ``tests/data/reply_validation.yaml`` (268 labelled replies; the scorer was tuned on it):
  100 % agreement. 48 of them (``fresh-*``) were written before the last round of changes and
  first run after it: 48/48 (the previous scorer: 47/48), so that set was not a hard test.
* ``tests/data/reply_blind.yaml`` (96 replies by an independent teacher): 82.3 % (79/96) on
  the first, blind run; 100 % after the general fixes above — but those fixes were made while
  looking at its disagreements, so it is now a regression set, not a blind measurement. Expect
  lower agreement (roughly the blind 80–90 %) on new replies written by someone else.
* It matches words and patterns, it does not understand: a paraphrase outside the word lists
  (a remedy, an apology, a refusal worded in a new way) is missed; facts are checked only for
  price, material, size, stock, carrier, tracking number and the colour/size/quantity of an
  order; a budget is checked only against prices written in the reply; repetition further
  apart than adjacent doubling or repeated 4-character runs (a synonym-stuffed reply) is not
  caught; and a teacher's ``facts`` written as a sentence are matched loosely (every number
  and 80 % of their 汉字).

Scoring is deterministic and pure (no randomness, no files written); the rubric file is read
once per process. A call takes about a millisecond once the segmenter is loaded.
"""

from __future__ import annotations

from ..errors import DataError, InputError
from . import _checks, _deductions, _facts, _scene, _text
from ._model import CAP_KEYS, DIMENSIONS, Checkpoint, ReplyScore
from ._rubric import load_rubric

__all__ = ["STAGES", "PASS_MARK", "DIMENSIONS", "Checkpoint", "ReplyScore", "score_reply", "stage_key",
           "load_rubric"]

#: the reception stages, key → Chinese name (order of a service conversation)
STAGES = {
    "greet": "迎接问好", "answer": "疑问解答", "recommend": "产品推荐", "close": "促成订单",
    "confirm": "订单确认", "remind_pay": "催付", "logistics": "物流查询", "refund": "退款退货",
    "complaint": "投诉处理", "review_reply": "评价回复", "farewell": "礼貌告别", "care": "客户关怀",
}
#: a reply a teacher would accept scores at least this
PASS_MARK = 60

_CAP_NAMES = {"stuffing": "不堆砌关键词", "copying": "不照抄买家原话", "not_chinese": "非中文回复（封顶）",
              "too_long": "篇幅过长（封顶）", "no_answer": "核心任务未完成（封顶）", "red_line": "触犯红线（封顶）"}
_CAP_FIX = {"stuffing": "用完整的句子回答买家，每个意思说一次，不要罗列或重复关键词。",
            "copying": "不要复述买家的话，直接给出你的答复。",
            "not_chinese": "请用中文回复。",
            "too_long": "控制在一屏之内：只留回答和下一步。",
            "no_answer": "先完成本环节的核心任务（见上面未通过的检查点），客套话不能代替回答。",
            "red_line": "改掉上面扣分的说法：违禁词、不礼貌、推卸责任、拒绝法定权利、信息或政策错误等是红线。"}


def stage_key(stage) -> str:
    """The stage key for a key or its Chinese name; anything else raises :class:`InputError`.

    >>> stage_key("催付"), stage_key("refund")
    ('remind_pay', 'refund')
    """
    if isinstance(stage, str):
        s = stage.strip()
        if s in STAGES:
            return s
        for key, name in STAGES.items():
            if s == name:
                return key
    names = "、".join(f"{k}（{v}）" for k, v in STAGES.items())
    raise InputError(f"没有这个接待环节：{stage!r}。可用的环节：{names}。")


def _text_arg(value, what: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{what}必须是文字（str），现在收到的是 {type(value).__name__}。"
                         f"请把内容写在引号里，例如 \"亲，您好！\"；没有买家消息时传入空字符串 \"\"。")
    return value


def _scale(weights: list) -> list:
    """Integer weights proportional to ``weights`` that add up to 100 (largest remainder)."""
    total = sum(weights)
    raw = [100 * w / total for w in weights]
    out = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))[:100 - sum(out)]:
        out[i] += 1
    return out


def _empty(stage: str) -> ReplyScore:
    cp = Checkpoint("empty", "回复不能为空", "专业", 100, False, 0,
                    "回复是空的（或只有表情），买家什么也收不到。", "写一句完整的回复：称呼 + 回答 + 下一步。")
    return ReplyScore(stage, 0, False, (cp,), "0 分，不合格：回复是空的。", ("empty",))


_CAP_ISSUES = {"stuffing": "关键词堆砌", "copying": "照抄买家原话", "not_chinese": "不是中文回复",
               "too_long": "篇幅过长", "no_answer": "没有完成本环节的核心任务", "red_line": "触犯红线"}
_COVERED_BY_CAP = {"chinese": "not_chinese", "length": "too_long"}


def _summary(total: int, passed: bool, rows: list, caps: dict, issue_names: dict) -> str:
    head = f"{total} 分，{'合格' if passed else '不合格'}"
    hit = {c.key for c in rows if c.key in CAP_KEYS and not c.passed}
    issues = [f"{_CAP_ISSUES[k]}（总分封顶 {caps[k]} 分）" for k in CAP_KEYS if k in hit]
    issues += [issue_names.get(c.key, c.name)
               for c in sorted((c for c in rows if c.weight < 0 and c.key not in CAP_KEYS and not c.passed),
                               key=lambda c: c.weight)]
    lacking = [c.name for c in sorted((c for c in rows if c.weight > 0 and not c.passed
                                       and _COVERED_BY_CAP.get(c.key) not in hit),
                                      key=lambda c: -(c.weight - c.points))]
    if passed:
        if not issues and not lacking:
            return f"{head}：各检查点都做到了。"
        return f"{head}。可以改进：{'；'.join((issues + lacking)[:2])}。"
    found = [i for i in issues if i][:2]
    text = "；".join(found + [f"没做到“{n}”" for n in lacking][:3 - len(found)])
    return f"{head}。主要问题：{text}。"


def score_reply(stage: str, customer_message: str, reply: str, context: dict | None = None) -> ReplyScore:
    """Score ``reply`` to ``customer_message`` at ``stage`` (a key of :data:`STAGES` or its Chinese name).

    ``context`` (all optional): ``product`` (a row of ``datasets.load_products()``), ``order``
    (a row of ``load_orders()``), ``facts`` (strings the reply must contain; a list inside the
    list gives alternatives; long notes such as “尺码表：……” are background and not required),
    ``response_seconds``, ``customer_name``, ``customer_mood`` (calm/upset/angry), and for some
    stages ``now`` (send time, 催付/关怀 at night) and ``rating`` (评价回复, 1–5 stars).

    >>> score_reply("answer", "这件会起球吗？", "亲，您好！感谢您的支持，祝您购物愉快～").passed
    False
    >>> score_reply("farewell", "好的，谢谢你，拜拜", "好的，谢谢你，拜拜").flags
    ('copying',)
    >>> score_reply("greet", "在吗", "   ").total
    0
    """
    key = stage_key(stage)
    customer_message = _text_arg(customer_message, "买家消息 customer_message ")
    reply = _text_arg(reply, "回复 reply ")
    ctx = _facts.parse_context(context)
    rubric = load_rubric()
    if key not in rubric.stages:
        raise DataError(f"评分标准文件 rubric.yaml 里没有环节 {key}（{STAGES[key]}）。请补上或恢复原文件。")
    sdef = rubric.stages[key]
    text = _text.analyse(reply)
    if text.content == 0:
        return _empty(key)
    customer = _text.customer_text(customer_message)
    anti = rubric.anti
    mask = _text.copy_mask(text.text, customer, int(anti.get("copy_ngram", 3)))
    copied, share = _text.copy_share(text.text, mask)
    question = rubric.patterns["question"]
    answer = _text.without_echoes(text.text, mask, question)
    upset = ctx.mood in ("upset", "angry") if ctx.mood else bool(rubric.patterns["upset"].search(customer))
    found_excl = (_exclusions(text.text, rubric) or _exclusions(customer, rubric)
                  or [w for n in ctx.notes for w in _exclusions(n, rubric)])
    scene = _scene.Scene(key, rubric, sdef, text, answer, customer, ctx, _facts.intents(customer, rubric),
                          upset, found_excl[0] if found_excl else "",
                          _facts.wrong_claims(key, text.text, ctx, rubric))

    # positive checkpoints
    defs = list(sdef.checkpoints)
    if ctx.facts and not any(c.check == "facts" for c in defs):
        defs.append(_rubric_check("facts", "给出需要的信息", "facts", 20, "专业"))
    if ctx.response_seconds is not None:
        defs.append(_rubric_check("response_time", "响应及时", "response_time",
                                  int(rubric.response_time.get("weight", 10)), "及时"))
    progress = bool(rubric.patterns.get("refund_progress") and rubric.patterns["refund_progress"].search(customer))
    results = []
    for c in defs:
        if (c.na_if_exclusion and scene.exclusion) or (c.na_if_progress and progress) or \
                (c.na_if_reply and customer.strip()):
            continue
        res = _response_time(scene) if c.check == "response_time" else _checks.POSITIVE[c.check](scene, c)
        if res is not None:
            results.append((c, *res))
    rows = []
    for (c, frac, why, fix), w in zip(results, _scale([c.weight for c, *_ in results])):
        ok = frac >= 0.999
        rows.append(Checkpoint(c.key, c.name, c.dimension, w, ok, int(round(w * frac)), why,
                               "" if ok else (fix or c.fix or f"做到“{c.name}”。")))

    # deductions
    flags = []
    for d in sdef.deductions:
        spec = rubric.deductions[d]
        hit, why = _deductions.DEDUCTIONS[d](scene)
        rows.append(Checkpoint(d, spec["name"], spec["dimension"], spec["weight"], not hit,
                               spec["weight"] if hit else 0, why, spec["fix"] if hit else ""))
        if hit:
            flags.append(d)

    # caps
    caps = {k: int(v) for k, v in rubric.caps.items()}
    reason = _text.stuffing(text.text, rubric)
    cap_rows = {"stuffing": (bool(reason), f"关键词堆砌：{reason}。" if reason else "没有重复或罗列关键词。")}
    is_copy = copied >= int(anti.get("copy_min_chars", 6)) and share >= float(anti.get("copy_share", 0.6))
    cap_rows["copying"] = (is_copy, f"回复有 {share:.0%} 的内容（{copied} 个字）照抄买家的原话。" if is_copy
                           else f"与买家原话相同的部分占 {share:.0%}，不算照抄。")
    chinese = next((r for r in rows if r.key == "chinese"), None)
    if chinese is not None and chinese.points == 0:
        cap_rows["not_chinese"] = (True, "回复主要不是中文。")
    factor = float(anti.get("too_long_factor", 2))
    if text.chars > factor * sdef.max_chars:
        cap_rows["too_long"] = (True, f"共 {text.chars} 个字，超过本环节上限 {sdef.max_chars} 字的 {factor:g} 倍"
                                      f"（{int(factor * sdef.max_chars)} 字），像长篇大论。")
    core = [r for r in rows if r.key in sdef.core]
    if core and all(r.points == 0 for r in core):
        cap_rows["no_answer"] = (True, "本环节的核心检查点（" + "、".join(f"“{r.name}”" for r in core) + "）都没有做到。")
    red = [f for f in flags if f in rubric.red_lines]
    if red:
        names = "、".join(f"“{rubric.deductions[f]['issue']}”" for f in red)
        cap_rows["red_line"] = (True, f"出现{names}，属于红线。")
    raw = max(0, min(100, sum(r.points for r in rows)))
    active = {k: caps.get(k, 100) for k, (hit, _) in cap_rows.items() if hit}
    total = min([raw, *active.values()])
    worst = min(active, key=lambda k: (active[k], list(CAP_KEYS).index(k))) if active else None
    for k, (hit, why) in cap_rows.items():
        cap = caps.get(k, 100)
        taken = raw - total if k == worst else 0
        rows.append(Checkpoint(k, _CAP_NAMES[k], "专业", cap - 100, not hit, -taken,
                               why + (f"总分封顶 {cap} 分。" if hit else ""), _CAP_FIX[k] if hit else ""))
    flags = [k for k in CAP_KEYS if cap_rows.get(k, (False,))[0]] + flags
    passed = total >= PASS_MARK
    issue_names = {k: d["issue"] for k, d in rubric.deductions.items()}
    summary = _summary(int(total), passed, rows, caps, issue_names)
    return ReplyScore(key, int(total), passed, tuple(rows), summary, tuple(flags))


def _exclusions(text: str, rubric) -> list:
    """Legal exclusions from 7-day returns named in ``text``, unless negated (“没穿过”) or a try-on (“试穿过”)."""
    excl, neg = rubric.lexicons["legit_exclusion"], rubric.patterns.get("exclusion_negators")
    if excl.regex is None:
        return []
    return [m.group(0) for m in excl.regex.finditer(text)
            if m.group(0) and not (neg is not None and neg.search(text[max(0, m.start() - 3):m.start()]))]


def _rubric_check(key, name, check, weight, dimension):
    from ._rubric import CheckDef

    return CheckDef(key, name, check, weight, dimension, "", (), (), False)


def _response_time(s):
    rt = s.rubric.response_time
    sec, good, limit = s.ctx.response_seconds, float(rt.get("good_seconds", 30)), float(rt.get("max_seconds", 180))
    if sec <= good:
        return 1.0, f"{sec:.0f} 秒内回复，及时。", None
    if sec <= limit:
        return 0.5, f"{sec:.0f} 秒才回复，超过了 {good:.0f} 秒。", f"争取 {good:.0f} 秒内回复；可以先发快捷短语接住买家。"
    return 0.0, f"{sec:.0f} 秒才回复，超过了 3 分钟。", "3 分钟内必须回复；忙的时候先发一句“亲，稍等，马上为您查询”。"


