"""Tests of cslab.scoring: agreement with teacher labels, anti-gaming caps, explanations, bad input."""

import re
import time
from pathlib import Path

import pytest
import yaml

from cslab import datasets, scoring
from cslab.errors import DataError, InputError

VALIDATION = Path(__file__).parent / "data" / "reply_validation.yaml"
BLIND = Path(__file__).parent / "data" / "reply_blind.yaml"
ITEMS = yaml.safe_load(VALIDATION.read_text(encoding="utf-8"))["items"]
HAN = re.compile(r"[\u4e00-\u9fff]")


def _score(item):
    return scoring.score_reply(item["stage"], item["customer"], item["reply"], item.get("context"))


@pytest.fixture(scope="module")
def scored():
    return [(item, _score(item)) for item in ITEMS]


# ------------------------------------------------------------------ the validation set itself
def test_validation_set_covers_every_stage_and_kind():
    """The labelled set has ≥ 100 items, ≥ 6 per stage, ≥ 10 stuffed and ≥ 8 copied replies."""
    assert len(ITEMS) >= 100
    ids = [i["id"] for i in ITEMS]
    assert len(set(ids)) == len(ids)
    for stage in scoring.STAGES:
        assert sum(i["stage"] == stage for i in ITEMS) >= 6, stage
    assert sum(i["kind"] == "stuffed" for i in ITEMS) >= 10
    assert sum(i["kind"] == "copied" for i in ITEMS) >= 8
    for i in ITEMS:
        assert i["label"] in ("good", "poor") and HAN.search(i["reason"]), i["id"]
        assert (i["kind"] == "good") == (i["label"] == "good"), i["id"]


def test_agreement_with_teacher_labels(scored):
    """At least 90 % of the replies are judged as the teacher judged them (pass mark 60)."""
    wrong = [(i, s) for i, s in scored if s.passed != (i["label"] == "good")]
    for i, s in wrong:
        print(f"DISAGREE {i['id']} label={i['label']} total={s.total} flags={s.flags}: {i['reply']}")
        print(f"         {s.summary}")
    agreement = 1 - len(wrong) / len(scored)
    print(f"agreement {agreement:.1%} over {len(scored)} replies")
    assert agreement >= 0.90


def test_agreement_on_the_regression_set():
    """At least 90 % agreement on tests/data/reply_blind.yaml (96 replies, 8 per stage, 4 good + 4 poor).

    The set was written by a teacher independently of the scorer, as a BLIND test: the first run agreed
    82.3 % (79/96). The scorer was then improved with general rules (repetition stuffing, refusals of
    the 7-day return, wrong confirmation facts, budgets, deflection, mid-conversation replies …) while
    looking at its disagreements, so it is NO LONGER BLIND: it is a regression set now, and a new
    blind set is needed to measure agreement honestly.
    """
    items = yaml.safe_load(BLIND.read_text(encoding="utf-8"))["items"]
    assert len(items) == 96
    for stage in scoring.STAGES:
        assert sum(i["stage"] == stage for i in items) == 8, stage
    wrong = []
    for i in items:
        s = _score(i)
        if s.passed != (i["label"] == "good"):
            wrong.append(i["id"])
            print(f"DISAGREE {i['id']} label={i['label']} total={s.total} flags={s.flags}: {s.summary}")
    assert 1 - len(wrong) / len(items) >= 0.90, wrong


@pytest.mark.parametrize("kind,flag", [("stuffed", "stuffing"), ("copied", "copying")])
def test_stuffed_and_copied_replies_score_at_most_30(scored, kind, flag):
    """Every keyword-stuffed or copied reply is flagged and scores ≤ 30."""
    items = [(i, s) for i, s in scored if i["kind"] == kind]
    assert items
    for i, s in items:
        assert s.total <= 30, (i["id"], s.total, s.summary)
        assert flag in s.flags, (i["id"], s.flags)


def test_good_replies_are_not_flagged_as_gaming(scored):
    """No reply a teacher accepts is called stuffed or copied."""
    for i, s in scored:
        if i["label"] == "good":
            assert not {"stuffing", "copying", "empty", "not_chinese"} & set(s.flags), (i["id"], s.flags)


# ------------------------------------------------------------------ shape of every result
def test_every_checkpoint_explains_itself(scored):
    """Each checkpoint has a Chinese name and explanation, a fix when failed, and points within its weight."""
    for i, s in scored:
        assert isinstance(s.total, int) and 0 <= s.total <= 100
        assert s.passed == (s.total >= scoring.PASS_MARK)
        assert HAN.search(s.summary) and str(s.total) in s.summary
        assert s.total == max(0, sum(c.points for c in s.checkpoints)), i["id"]
        for c in s.checkpoints:
            assert c.dimension in scoring.DIMENSIONS
            assert HAN.search(c.name) and HAN.search(c.explanation), (i["id"], c)
            if not c.passed:
                assert HAN.search(c.fix), (i["id"], c)
            else:
                assert c.fix == ""
            if c.weight > 0:
                assert 0 <= c.points <= c.weight
            else:
                assert c.weight <= c.points <= 0
        positive = sum(c.weight for c in s.checkpoints if c.weight > 0)
        assert positive == 100 or [c.key for c in s.checkpoints] == ["empty"], i["id"]


def test_dimensions_are_five_values_in_range(scored):
    """dimensions() gives 礼貌/专业/及时/促成/合规, each 0–100."""
    for i, s in scored:
        d = s.dimensions()
        assert list(d) == ["礼貌", "专业", "及时", "促成", "合规"]
        assert all(isinstance(v, int) and 0 <= v <= 100 for v in d.values()), (i["id"], d)
        if "stuffing" in s.flags or "copying" in s.flags:
            assert max(d.values()) <= s.total


def test_frame_and_html():
    """to_frame() has the Chinese headers; the HTML shows ✓/✗ and escapes the text."""
    s = scoring.score_reply("answer", "<b>多少钱</b>", "亲，<script>活动价96元</script>哦")
    df = s.to_frame()
    assert list(df.columns) == ["检查点", "维度", "权重", "得分", "结果", "说明", "改进建议"]
    assert len(df) == len(s.checkpoints)
    html = s._repr_html_()
    assert "✓" in html and "<script>" not in html and "<table" in html


# ------------------------------------------------------------------ determinism and speed
def test_deterministic_and_order_independent():
    """The same input gives the same result, whatever was scored before."""
    first = [_score(i) for i in ITEMS]
    again = [_score(i) for i in reversed(ITEMS)][::-1]
    assert first == again
    assert [c.key for c in first[0].checkpoints] == [c.key for c in _score(ITEMS[0]).checkpoints]


def test_fast_enough():
    """Scoring the whole validation set takes well under a second once the segmenter is loaded."""
    _score(ITEMS[0])
    start = time.perf_counter()
    for item in ITEMS:
        _score(item)
    assert (time.perf_counter() - start) / len(ITEMS) < 0.05


# ------------------------------------------------------------------ the API contract
def test_stages_and_pass_mark():
    """STAGES has the twelve stages with Chinese names; the rubric file defines each of them."""
    assert scoring.PASS_MARK == 60
    assert list(scoring.STAGES) == ["greet", "answer", "recommend", "close", "confirm", "remind_pay", "logistics",
                                    "refund", "complaint", "review_reply", "farewell", "care"]
    rubric = scoring.load_rubric()
    for key, name in scoring.STAGES.items():
        assert rubric.stages[key].name == name


def test_chinese_stage_name_is_accepted():
    a = scoring.score_reply("催付", "", "亲，您拍下的宝贝还没付款哦，今天付款今天发～")
    b = scoring.score_reply("remind_pay", "", "亲，您拍下的宝贝还没付款哦，今天付款今天发～")
    assert a == b and a.stage == "remind_pay"


@pytest.mark.parametrize("stage,message,reply,context", [
    ("nothing", "在吗", "您好", None),
    (None, "在吗", "您好", None),
    ("greet", None, "您好", None),
    ("greet", "在吗", None, None),
    ("greet", "在吗", 123, None),
    ("greet", "在吗", "您好", "calm"),
    ("greet", "在吗", "您好", {"customer_mood": "happy"}),
    ("greet", "在吗", "您好", {"response_seconds": -3}),
    ("greet", "在吗", "您好", {"response_seconds": "fast"}),
    ("greet", "在吗", "您好", {"facts": "96.9"}),
    ("greet", "在吗", "您好", {"product": ["SP0001"]}),
    ("remind_pay", "", "您好", {"now": "昨天晚上"}),
])
def test_bad_input_raises_input_error_in_chinese(stage, message, reply, context):
    with pytest.raises(InputError) as exc:
        scoring.score_reply(stage, message, reply, context)
    assert HAN.search(str(exc.value))


def test_unknown_stage_lists_the_stages():
    with pytest.raises(InputError) as exc:
        scoring.score_reply("greeting", "在吗", "您好")
    assert all(name in str(exc.value) for name in scoring.STAGES.values())


@pytest.mark.parametrize("reply", ["", "   ", "\u3000\n", "[微笑]", "😊👍"])
def test_empty_reply_scores_zero_with_an_explanation(reply):
    s = scoring.score_reply("answer", "这件多少钱？", reply)
    assert s.total == 0 and not s.passed and s.flags == ("empty",)
    assert len(s.checkpoints) == 1 and HAN.search(s.checkpoints[0].explanation) and s.checkpoints[0].fix


def test_very_long_reply_is_scored_quickly():
    """A 10,000-character reply is scored, fails the readable-length checkpoint and is capped."""
    reply = ("亲，这款连衣裙的面料是棉和聚酯纤维混纺的，穿着透气舒服，" * 400)[:10000]
    start = time.perf_counter()
    s = scoring.score_reply("answer", "这是什么面料？", reply)
    assert time.perf_counter() - start < 1.0
    length = next(c for c in s.checkpoints if c.key == "length")
    assert not length.passed and "太长" in length.explanation
    assert s.total <= 50 and "too_long" in s.flags


@pytest.mark.parametrize("reply", [
    "It's cotton and polyester, very comfortable.",
    "亲，M size is available, you can order it now.",
    "亲，这款是cotton的，very soft哦",
    "96.9",
])
def test_english_and_mixed_replies_score_low(reply):
    s = scoring.score_reply("answer", "这是什么面料？", reply)
    chinese = next(c for c in s.checkpoints if c.key == "chinese")
    assert not chinese.passed and "中文" in chinese.fix
    assert s.total <= 20 and "not_chinese" in s.flags


def test_codes_and_sizes_in_latin_letters_are_fine():
    s = scoring.score_reply("answer", "有XL吗", "亲，XL码有货的，今天下单今天发哦～")
    assert next(c for c in s.checkpoints if c.key == "chinese").passed and s.passed


# ------------------------------------------------------------------ rubric behaviour
def test_polite_filler_without_an_answer_fails():
    s = scoring.score_reply("answer", "这件衣服会不会起球？", "亲，您好！非常感谢您的咨询，祝您购物愉快，有问题随时找我哦～")
    assert not s.passed and "no_answer" in s.flags


def test_echoing_the_question_does_not_answer_it():
    s = scoring.score_reply("answer", "这件是纯棉的吗？",
                            "亲，您好，感谢您的咨询！您是问这件是纯棉的吗？我们店的衣服都很受欢迎哦～")
    assert not next(c for c in s.checkpoints if c.key == "intent").passed and not s.passed


def test_facts_from_context_and_alternatives():
    product = datasets.load_products().set_index("sku").loc["SP0001"]  # a pandas row works as context
    good = scoring.score_reply("answer", "多少钱？", "亲，活动价96.9元，原价129元，直接拍就是这个价哦～", {"product": product})
    wrong = scoring.score_reply("answer", "多少钱？", "亲，活动价89元，直接拍就是这个价哦～", {"product": product})
    assert good.passed and not wrong.passed and "wrong_facts" in wrong.flags
    facts = {"facts": [["顺丰", "SF"], "48小时"]}
    ok = scoring.score_reply("answer", "发什么快递", "亲，默认发顺丰，付款后48小时内发出哦～", facts)
    half = scoring.score_reply("answer", "发什么快递", "亲，默认发顺丰，付款后尽快发出哦～", facts)
    f_ok = next(c for c in ok.checkpoints if c.key == "facts")
    f_half = next(c for c in half.checkpoints if c.key == "facts")
    assert f_ok.passed and not f_half.passed and 0 < f_half.points < f_half.weight and "48小时" in f_half.fix


def test_background_notes_are_not_required_facts():
    ctx = {"facts": ["尺码表：S 码 身高150–157cm、体重40–47kg；M 码 身高158–162cm"]}
    s = scoring.score_reply("answer", "我160穿什么码", "亲，您160cm的话建议拍M码，穿着合身哦～", ctx)
    assert s.passed and "facts" not in [c.key for c in s.checkpoints]


def test_order_context_row_from_the_dataset():
    orders = datasets.load_orders()
    row = orders[orders["order_id"] == "D202610200102"].iloc[0]
    good = scoring.score_reply("logistics", "快递到哪了？", "亲，您的邮政包裹9803764774587已到乌鲁木齐，预计明天送达，我会帮您跟进～",
                               {"order": row})
    wrong = scoring.score_reply("logistics", "快递到哪了？", "亲，您的顺丰包裹已到乌鲁木齐，预计明天送达，我会帮您跟进～",
                                {"order": row})
    assert good.passed and not wrong.passed and "wrong_facts" in wrong.flags


@pytest.mark.parametrize("reply,flag", [
    ("这是快递的问题，不关我们的事，你自己去问快递吧。", "blame"),
    ("亲，特价商品不支持退货哦。", "refuse_rights"),
    ("亲，本店只支持3天无理由退货，您在订单里申请就行。", "wrong_policy"),
    ("亲，收到退货后一个月内给您退款，您在订单里申请就行。", "wrong_policy"),
    ("给五星好评截图发我，返现3元红包哦～", "cashback"),
    ("亲，这款是全网最低价，您放心拍～", "banned"),
])
def test_deductions(reply, flag):
    s = scoring.score_reply("refund", "这个能退吗？", reply)
    assert flag in s.flags and not s.passed
    row = next(c for c in s.checkpoints if c.key == flag)
    assert row.points == row.weight < 0 and HAN.search(row.fix)


def test_legal_exclusion_is_not_a_refusal():
    s = scoring.score_reply("refund", "定制的刻字杯子能退吗？",
                            "亲，理解您的心情，刻字定制的商品依法不适用七天无理由退货，所以不能退哦；有质量问题我们一定负责，您拍照发我看看～")
    assert "refuse_rights" not in s.flags and s.passed


def test_a_longer_return_promise_is_not_wrong():
    s = scoring.score_reply("refund", "能退吗", "亲，本店承诺15天无理由退货，您在订单里申请退货，寄回后3天内退款～")
    assert "wrong_policy" not in s.flags and s.passed


def test_quality_fault_postage_on_the_buyer_is_wrong_policy():
    s = scoring.score_reply("refund", "衣服开线了，我要退货", "亲，可以退的，您申请退货就行，来回运费需要您自己承担哦。")
    assert "wrong_policy" in s.flags


def test_urgency_is_false_only_when_stock_says_so():
    reply = "好的亲，这款库存只剩38套了，需要的话建议早点拍下，今天下单今天发～"
    few = scoring.score_reply("close", "我再看看", reply, {"product": {"stock": 38}})
    many = scoring.score_reply("close", "我再看看", reply, {"product": {"stock": 500}})
    unknown = scoring.score_reply("close", "我再看看", reply)
    assert "false_urgency" not in few.flags and "false_urgency" in many.flags
    assert "false_urgency" not in unknown.flags


def test_payment_reminder_at_night_is_deducted():
    reply = "亲，您拍下的宝贝还没付款哦，今天付款明天一早就发，有问题随时找我～"
    day = scoring.score_reply("remind_pay", "", reply, {"now": "2026-10-30 10:00:00"})
    night = scoring.score_reply("remind_pay", "", reply, {"now": "2026-10-30 23:30:00"})
    assert day.passed and not night.passed and "night" in night.flags


def test_upset_customer_adds_the_empathy_checkpoint():
    reply = "亲，您的包裹在中通转运中心，预计明天送达，我会帮您跟进～"
    calm = scoring.score_reply("logistics", "快递到哪了", reply, {"customer_mood": "calm"})
    angry = scoring.score_reply("logistics", "快递到哪了", reply, {"customer_mood": "angry"})
    assert "empathy" not in [c.key for c in calm.checkpoints]
    assert not next(c for c in angry.checkpoints if c.key == "empathy").passed
    assert angry.total < calm.total


def test_response_time_checkpoint_only_when_given():
    reply = "亲，您好！我是客服小林，请问有什么可以帮您？"
    plain = scoring.score_reply("greet", "在吗", reply)
    fast = scoring.score_reply("greet", "在吗", reply, {"response_seconds": 8})
    slow = scoring.score_reply("greet", "在吗", reply, {"response_seconds": 600})
    assert "response_time" not in [c.key for c in plain.checkpoints]
    assert next(c for c in fast.checkpoints if c.key == "response_time").passed
    assert not next(c for c in slow.checkpoints if c.key == "response_time").passed
    assert slow.dimensions()["及时"] < fast.dimensions()["及时"]


def test_broken_rubric_file_raises_data_error(tmp_path):
    bad = tmp_path / "rubric.yaml"
    bad.write_text("stages:\n  greet: {name: 迎接问好, checkpoints: [{key: a, name: 甲, check: lexicon, "
                   "lexicons: [nothing], weight: 10, dimension: 礼貌}]}\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        scoring.load_rubric(bad)
    assert "rubric.yaml" in str(exc.value) and "nothing" in str(exc.value)
    with pytest.raises(DataError):
        scoring.load_rubric(tmp_path / "missing.yaml")


# ------------------------------------------------------------------ general rules added after the blind set
def test_adjacent_repetition_is_stuffing_but_one_reduplication_is_not():
    stuffed = scoring.score_reply("greet", "在吗", "您好欢迎光临欢迎光临，在的在的，请问有什么可以帮您帮您的吗")
    assert "stuffing" in stuffed.flags and stuffed.total <= 30
    twice = scoring.score_reply("review_reply", "还不错", "谢谢亲的认可，欢迎下次再来哦。谢谢亲的认可，欢迎下次再来哦。")
    assert "stuffing" in twice.flags
    fine = scoring.score_reply("greet", "有人吗", "有的有的～亲，我是客服小美，很高兴为您服务，您看中哪款了呀？")
    assert "stuffing" not in fine.flags and fine.passed


@pytest.mark.parametrize("reply", [
    "亲，没有质量问题是不退不换的哦。",
    "亲，只有质量问题才能退哦。",
    "亲，打折商品一经售出概不退换。",
    "亲，拆封了就不能退了哦。",
])
def test_refusals_of_the_seven_day_return(reply):
    s = scoring.score_reply("refund", "收到了不太喜欢，能退吗？没穿过", reply)
    assert "refuse_rights" in s.flags and not s.passed


def test_a_negated_exclusion_is_not_an_exclusion():
    s = scoring.score_reply("refund", "吊牌还在，没穿过，能退吗", "亲，不好意思，这款不支持退货哦。")
    assert "refuse_rights" in s.flags


def test_a_denied_or_compared_claim_is_not_a_wrong_fact():
    ctx = {"product": {"material": "天丝60% 棉40%"}}
    s = scoring.score_reply("answer", "是纯棉的吗", "亲，面料不是纯棉的哦，是天丝60%+棉40%，比纯棉更滑更凉，您放心～", ctx)
    assert "wrong_facts" not in s.flags and s.passed
    wrong = scoring.score_reply("answer", "是纯棉的吗", "亲，是纯棉的哦，穿着很舒服～", ctx)
    assert "wrong_facts" in wrong.flags


def test_confirmation_against_the_order_spec_or_facts():
    order = {"order_id": "D1", "status": "已付款", "quantity": 1, "city": "蚌埠", "spec": "颜色:浅蓝;尺码:L"}
    bad = scoring.score_reply("confirm", "帮我看下对不对", "亲，您拍的是白色M码1件，寄到蚌埠，请核对一下哦～", {"order": order})
    good = scoring.score_reply("confirm", "帮我看下对不对", "亲，您拍的是浅蓝色L码1件，寄到蚌埠，请核对一下哦～", {"order": order})
    facts = scoring.score_reply("confirm", "帮我看下对不对", "亲，您拍的是白色M码，地址安徽蚌埠，请核对～",
                                {"facts": ["浅蓝", "L", "安徽蚌埠"]})
    suggestion = scoring.score_reply("confirm", "帮我看下对不对",
                                     "亲，您拍的是浅蓝色L码1件，寄到蚌埠；平时穿L喜欢宽松的话现在改XL也来得及，请核对一下～",
                                     {"order": order})
    assert "wrong_facts" in bad.flags and "wrong_facts" in facts.flags
    assert "wrong_facts" not in good.flags and good.passed and "wrong_facts" not in suggestion.flags


def test_a_recommendation_over_the_stated_budget():
    over = scoring.score_reply("recommend", "想要件羽绒服，预算500以内",
                               "亲，推荐这款加厚羽绒服，白鹅绒很保暖，现在663.9元，喜欢可以直接拍～")
    within = scoring.score_reply("recommend", "想要件羽绒服，预算500以内",
                                 "亲，推荐这款加厚羽绒服，白鸭绒很保暖，现在459元，在您预算内，喜欢可以直接拍～")
    assert "mismatch" in over.flags and not over.passed
    assert "mismatch" not in within.flags and within.passed


def test_sending_the_buyer_to_the_product_page_does_not_answer():
    s = scoring.score_reply("answer", "我160 100斤穿什么码", "亲，尺码详情页有的哦，您看下尺码表呢～")
    assert not s.passed and "no_answer" in s.flags
    ok = scoring.score_reply("answer", "我160 100斤穿什么码", "亲，您160cm、100斤建议拍S码，详情页也有尺码表可以参考哦～")
    assert ok.passed


def test_mid_conversation_replies_need_no_opt_out():
    s = scoring.score_reply("care", "收到了 挺好的", "太好了亲～合适就好！后面穿着有任何问题都可以来找我。")
    assert "opt_out" not in [c.key for c in s.checkpoints] and s.passed
    proactive = scoring.score_reply("care", "", "亲，您买的毛衣建议冷水手洗、平放晾干哦～")
    assert "opt_out" in [c.key for c in proactive.checkpoints]


# ---------------------------------------------------------------- facts about other items, totals, variants
_BOOTS = {"name": "加厚雪地靴", "subcategory": "雪地靴", "price": 259, "promo_price": 219,
          "material": "牛皮 羊毛内里", "stock": 50}
_TOWEL = {"name": "纯色毛巾", "subcategory": "毛巾", "price": 39.9, "promo_price": 35.9, "stock": 100}


@pytest.mark.parametrize("stage, message, reply, context", [
    # 关联推荐: the scarf's material is not a claim about the boots
    ("recommend", "还有啥推荐", "可以配一条格纹围巾，羊毛70%的，很保暖～", {"product": _BOOTS}),
    # a total after a coupon for several items is not the list price
    ("answer", "5条多少钱", "亲，5条用满199减20的券后到手价159.5元～", {"product": _TOWEL}),
    # one colour and size sold out: stock is per product in the data
    ("answer", "黑色M有吗", "亲，黑色M码卖完了，白色M码还有货～", {"product": _TOWEL}),
    # a replacement sent by another courier is not the first parcel's carrier
    ("complaint", "又错了", "非常抱歉！我今晚给您顺丰加急补发一件，明天给您单号。",
     {"order": {"order_id": "D1", "carrier": "申通", "tracking_no": "775620236293457", "status": "已签收"}}),
])
def test_claims_about_other_items_totals_variants_and_new_parcels_are_not_wrong_facts(stage, message, reply,
                                                                                       context):
    assert "wrong_facts" not in scoring.score_reply(stage, message, reply, context).flags


@pytest.mark.parametrize("stage, message, reply, context", [
    ("answer", "多少钱", "亲，这款到手价99元～", {"product": _TOWEL}),
    ("answer", "有货吗", "亲，这款卖完了～", {"product": _TOWEL}),
    ("answer", "啥材质", "亲，这双雪地靴是真丝的～", {"product": _BOOTS}),
    ("logistics", "啥快递", "亲，您的包裹走的顺丰哦～",
     {"order": {"order_id": "D1", "carrier": "申通", "tracking_no": "775620236293457", "status": "已发货"}}),
])
def test_claims_about_the_product_itself_are_still_checked(stage, message, reply, context):
    assert "wrong_facts" in scoring.score_reply(stage, message, reply, context).flags
