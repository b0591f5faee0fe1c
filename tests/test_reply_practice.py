"""Tests of cslab.reply_practice, driven headless: ReplyPractice, BannedWordCleaner, highlight_html, situations."""

import html
import json
import re
from types import SimpleNamespace

import pytest

from cslab import datasets, scoring, zhtext
from cslab.errors import InputError
from cslab.reply_practice import (ATTEMPTS_FILE, BannedWordCleaner, ReplyPractice, attempts_frame,
                                  check_situation, highlight_html, load_attempts, load_situations,
                                  situation_html)

GOOD_GREET = "亲，您好！我是客服小林，很高兴为您服务。请问您想了解这条连衣裙的尺码、颜色还是面料呢？"
SIZE = {
    "id": "T1", "stage": "answer", "customer": "我身高160，体重50公斤，穿什么码？",
    "context": {"customer_name": "小鱼", "customer_mood": "calm",
                "product": {"sku": "SP0001", "name": "温柔风针织连衣裙", "price": 129.0, "promo_price": 96.9,
                            "material": "棉60% 聚酯纤维40%", "size_options": "S/M/L/XL/XXL"},
                "facts": ["M 码 身高158–162cm、体重48–53kg"]},
    "hint": "查尺码表",
}
FAREWELL = {"id": "T2", "stage": "farewell", "customer": "好的，谢谢", "context": {"customer_name": "小鱼"}}


@pytest.fixture(autouse=True)
def workdir(tmp_path, monkeypatch):
    monkeypatch.setenv("CSLAB_WORKDIR", str(tmp_path))
    return tmp_path


def marked(fragment: str) -> list:
    """(start, end, shown text) of every <mark> in highlight HTML."""
    return [(int(a), int(b), html.unescape(t)) for a, b, t in
            re.findall(r'<mark class="cslab-banned" data-start="(\d+)" data-end="(\d+)"[^>]*>(.*?)</mark>', fragment)]


# --------------------------------------------------------------------------- situations
def test_situation_file_has_enough_situations_across_stages():
    situations = load_situations()
    assert len(situations) >= 12
    assert len({s["stage"] for s in situations}) >= 10
    assert len({s["id"] for s in situations}) == len(situations)
    for s in situations:
        assert s["stage"] in scoring.STAGES and s["customer"] and s["hint"] and s["context"]
        assert s["context"].get("customer_mood", "calm") in ("calm", "upset", "angry")


def test_situation_products_and_orders_match_the_shop_data():
    """The fields copied into the YAML are the shop data's real values."""
    products = datasets.load_products().set_index("sku")
    orders = datasets.load_orders().set_index(["order_id", "sku"])
    for s in load_situations():
        p = s["context"].get("product")
        if p:
            row = products.loc[p["sku"]]
            for key in ("name", "price", "promo_price", "stock", "material", "color_options", "size_options"):
                assert p[key] == row[key], (s["id"], key)
        o = s["context"].get("order")
        if o:
            row = orders.loc[(o["order_id"], o["sku"])]
            for key in ("spec", "quantity", "amount", "city"):
                assert o[key] == row[key], (s["id"], key)
            for key in ("created_at", "paid_at", "shipped_at"):
                if key in o:
                    assert o[key] == str(row[key]), (s["id"], key)


def test_check_situation_accepts_chinese_stage_names_and_explains_errors():
    assert check_situation({"stage": "礼貌告别", "customer": "谢谢"})["stage"] == "farewell"
    with pytest.raises(InputError, match="接待阶段"):
        check_situation({"stage": "聊天", "customer": "在吗"})
    with pytest.raises(InputError, match="customer"):
        check_situation({"stage": "greet"})
    with pytest.raises(InputError, match="情境列表"):
        ReplyPractice([])


def test_situation_html_shows_message_cards_facts_and_escapes():
    h = situation_html(dict(SIZE, customer="<b>在吗</b>"))
    assert "&lt;b&gt;在吗&lt;/b&gt;" in h and "<b>在吗</b>" not in h
    assert "96.90 元" in h and "棉60% 聚酯纤维40%" in h and "158–162cm" in h and "查尺码表" in h
    assert "查尺码表" not in situation_html(SIZE, show_hint=False)


# --------------------------------------------------------------------------- ReplyPractice
def test_submit_scores_and_shows_the_checkpoint_table():
    w = ReplyPractice([SIZE, FAREWELL])
    w.reply = "亲，按您身高160cm、体重50kg，建议选M码（158–162cm、48–53kg），喜欢宽松可以选L码哦～"
    score = w.submit()
    assert score is w.score and 0 <= score.total <= 100
    assert score._repr_html_() in w.result_html
    assert f"总分 <b>{score.total}</b>" in w.result_html
    assert ("✓ 达标" if score.passed else "✗ 未达标") in w.result_html
    assert w._result_view.value == w.result_html
    assert score.checkpoints and all(cp.name for cp in score.checkpoints)


def test_empty_reply_shows_a_chinese_message_and_saves_nothing(workdir):
    w = ReplyPractice([SIZE])
    for blank in ("", "   \n"):
        w.reply = blank
        assert w.submit() is None
        assert "回复是空的" in w.result_html and w.score is None
    assert load_attempts() == []
    assert not (workdir / ATTEMPTS_FILE).exists()


def test_attempts_are_saved_and_survive_a_restart(workdir):
    w = ReplyPractice([SIZE, FAREWELL])
    w.reply = "M码"
    first = w.submit()
    w.reply = "亲，按您的身高体重，建议选M码，M码适合身高158–162cm、体重48–53kg的亲～"
    second = w.submit()
    saved = json.loads((workdir / ATTEMPTS_FILE).read_text(encoding="utf-8"))
    assert [a["total"] for a in saved] == [first.total, second.total]
    assert saved[-1]["situation"] == "T1" and saved[-1]["stage"] == "answer"
    assert saved[-1]["reply"] == w.reply and set(saved[-1]["dimensions"]) == set(second.dimensions())

    again = ReplyPractice([SIZE, FAREWELL])  # a new kernel: a new widget reading the work folder
    assert "已提交 2 次" in again._history_view.value
    assert f"最高 {max(first.total, second.total)} 分" in again._history_view.value
    table = attempts_frame()
    assert len(table) == 2 and list(table["得分"]) == [first.total, second.total]
    again.next()
    assert "还没有提交过" in again._history_view.value


def test_navigation_clears_the_reply_and_stays_in_range():
    w = ReplyPractice([SIZE, FAREWELL])
    assert w._prev_button.disabled and not w._next_button.disabled
    w.reply = "M码"
    w.submit()
    assert w.next() == 1 and w.reply == "" and w.result_html == "" and w.score is None
    assert "好的，谢谢" in w._situation_view.value and w._next_button.disabled
    assert w.next() == 1
    assert w.previous() == 0 and w.previous() == 0
    with pytest.raises(InputError, match="没有第 3 题"):
        w.index = 2


def test_the_text_box_is_linked_to_reply():
    w = ReplyPractice([FAREWELL])
    w._box.value = "不客气"
    assert w.reply == "不客气"
    w.reply = "感谢您"
    assert w._box.value == "感谢您"


def test_exam_mode_hides_the_hint():
    w = ReplyPractice([SIZE], mode="exam")
    assert "查尺码表" not in w._situation_view.value and "考核" in w._header.value
    w.mode = "practice"
    assert "查尺码表" in w._situation_view.value
    with pytest.raises(InputError):
        w.mode = "test"


def test_default_situations_load_and_every_one_can_be_scored():
    w = ReplyPractice()
    assert len(w.situations) >= 12
    for i in range(len(w.situations)):
        w.index = i
        w.reply = "您好，感谢您的耐心，我马上为您处理。"
        assert 0 <= w.submit().total <= 100


# --------------------------------------------------------------------------- highlight_html
def test_highlight_marks_exactly_the_given_spans():
    text = "国家级品质，<全网>最低价！"
    matches = [SimpleNamespace(word="国家级", category="国家级用语", start=0, end=3, suggestion="", basis="广告法第九条"),
               SimpleNamespace(word="最低价", category="绝对化用语", start=10, end=13, suggestion="优惠价", basis="")]
    h = highlight_html(text, matches)
    assert marked(h) == [(0, 3, "国家级"), (10, 13, "最低价")]
    assert "&lt;全网&gt;" in h and "建议：删去" in h and "建议：优惠价" in h and "依据：广告法第九条" in h
    plain = html.unescape(re.sub(r"<[^>]+>", "", h))
    assert plain == text, "highlighting must not add, drop or move characters"


def test_highlight_skips_overlaps_and_out_of_range_matches():
    text = "最高级最佳"
    m = lambda s, e: SimpleNamespace(word=text[s:e], category="绝对化用语", start=s, end=e, suggestion="", basis="")
    h = highlight_html(text, [m(3, 5), m(0, 3), m(1, 2), m(4, 9)])
    assert marked(h) == [(0, 3, "最高级"), (3, 5, "最佳")]
    assert highlight_html("没有问题", []).endswith("没有问题</div>")
    with pytest.raises(InputError):
        highlight_html(None, [])


def test_highlight_positions_agree_with_find_banned():
    text = "本店销量第一，全网最低价，国家级品质，顶级面料，第一时间发货。"
    found = zhtext.find_banned(text)
    assert found, "find_banned should find violations in this text"
    for start, end, shown in marked(highlight_html(text, found)):
        assert shown == text[start:end]
    assert {(m.start, m.end) for m in found} >= {(s, e) for s, e, _ in marked(highlight_html(text, found))}


# --------------------------------------------------------------------------- BannedWordCleaner
DESCRIPTION = "全网最低价！顶级纯棉面料，穿上立刻显瘦10斤，尺码S/M/L，到手价96.9元。"


def test_cleaner_highlights_the_original_and_prefills_the_box():
    c = BannedWordCleaner(DESCRIPTION, keep=["纯棉", "S/M/L", "96.9元"])
    found = zhtext.find_banned(DESCRIPTION)
    assert found and c._original_view.value.count('class="cslab-banned"') >= len(marked(highlight_html(DESCRIPTION, found)))
    assert c.rewrite == DESCRIPTION and c._box.value == DESCRIPTION
    assert c.check() and not c.passed and "✗ 还有" in c.result_html


def test_cleaner_accepts_a_clean_rewrite_that_keeps_the_facts():
    c = BannedWordCleaner(DESCRIPTION, keep=["纯棉", "S/M/L", "96.9元"])
    c.rewrite = "纯棉面料，柔软透气，尺码S/M/L，到手价96.9元。"
    assert c.check() == [] and c.passed and "✓ 没有发现违规用语" in c.result_html


def test_cleaner_warns_when_facts_are_lost_and_on_an_empty_rewrite():
    c = BannedWordCleaner(DESCRIPTION, keep=["纯棉", "96.9元"])
    c.rewrite = "面料舒服。"
    assert c.check() == [] and not c.passed and "96.9元" in c.result_html and "不见了" in c.result_html
    c.rewrite = "  "
    assert c.check() == [] and not c.passed and "改写的内容是空的" in c.result_html
    c.reset()
    assert c.rewrite == DESCRIPTION and c.result_html == ""
    with pytest.raises(InputError):
        BannedWordCleaner("")
