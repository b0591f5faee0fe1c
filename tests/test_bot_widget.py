"""cslab.bot.widget driven headless: the 试一试机器人 chat box and the knowledge-base editor."""

import json

import pytest

from cslab import bot
from cslab.bot.widget import BotTester, KnowledgeBaseEditor, answer_html


@pytest.fixture(autouse=True)
def workdir(tmp_path, monkeypatch):
    monkeypatch.setenv("CSLAB_WORKDIR", str(tmp_path / "work"))
    return tmp_path / "work"


def saved(workdir):
    return json.loads((workdir / "workbench" / "bot.json").read_text(encoding="utf-8"))


def enter(widget, text):
    """Type into the box and press Enter, as the browser does."""
    widget._box.value = text
    widget._on_box_msg(widget._box, {"event": "submit"}, [])


# --------------------------------------------------------------------------- BotTester
def test_enter_sends_and_shows_topic_confidence_and_source():
    """Enter in the box asks the bot; both bubbles and the answer's topic, confidence and source appear."""
    t = BotTester()
    enter(t, "啥时候法货")
    html = t.transcript_html
    assert "啥时候法货" in html and "话题：发货时间" in html and "置信度" in html and "来源：官方知识" in html
    assert t._box.value == "" and t.transcript_html == t._log.value
    assert "转人工" not in html


def test_handoff_is_flagged_with_its_reason():
    """An emergency and an out-of-scope question both show 转人工 and the reason."""
    t = BotTester()
    a = t.send("我要去12315投诉你们")
    assert a.handoff and "⚠ 转人工" in t.transcript_html and "12315" in t.transcript_html
    t.send("你们老板今天心情好吗")
    assert t.transcript_html.count("⚠ 转人工") == 2 and "没有足够相近的知识" in t.transcript_html


def test_empty_message_shows_a_red_chinese_error():
    """Sending nothing shows a red Chinese message and adds no bubble."""
    t = BotTester()
    assert t.send("   ") is None
    assert "请输入买家的消息" in t._status.value and "#c62828" in t._status.value
    assert t.transcript_html == ""


def test_suggestion_chips_and_multi_turn_order_lookup():
    """A welcome suggestion can be clicked; the chat asks for the order number and then answers it."""
    t = BotTester()
    assert [c.description for c in t._chips] == list(t.kb.welcome_card().suggestions)
    t._chips[0].click()
    assert t.conversation.history[0].question == t._chips[0].description
    t.send("我的快递到哪了")
    assert "麻烦发一下订单号" in t.conversation.history[-1].answer.text
    a = t.send("D209912310001")
    assert "没有查到" in a.text
    t.clear()
    assert t.transcript_html == "" and t.conversation.history == ()


def test_tester_uses_the_students_custom_knowledge(workdir):
    """With no kb given, the tester answers from the student's saved knowledge base."""
    s = bot.load_settings()
    s.custom_entries = [{"topic": "快递公司", "question": "可以寄到学校宿舍楼下的驿站吗？", "answer": "亲，可以的～"}]
    bot.save_settings(s)
    assert BotTester().send("可以寄到学校宿舍楼下的驿站吗").source == "custom"


def test_answer_html_escapes_text():
    """Buyer and bot text are HTML-escaped in the transcript."""
    t = BotTester()
    t.send("<b>包邮吗</b>")
    assert "<b>包邮吗</b>" not in t.transcript_html and "&lt;b&gt;" in t.transcript_html
    assert "cslab-bot-meta" in answer_html(bot.KnowledgeBase.default().answer("包邮吗"))


# --------------------------------------------------------------------------- KnowledgeBaseEditor
def test_topic_filter_limits_the_table():
    """Choosing a topic shows only that topic's entries."""
    e = KnowledgeBaseEditor()
    assert f"共 {len(e.kb)} 条" in e._table.value
    e._filter.value = "发票"
    n = sum(x.topic == "发票" for x in e.kb.entries)
    assert f"共 {n} 条" in e._table.value and "KB050" in e._table.value and "KB001" not in e._table.value


def test_add_edit_delete_a_custom_entry_saves_each_time(workdir):
    """The form adds, edits and deletes a custom entry; every change is in workbench/bot.json."""
    e = KnowledgeBaseEditor()
    e.form_topic.value = "快递公司"
    e.form_question.value = "可以寄到学校宿舍楼下的驿站吗？"
    e.form_similar.value = "能寄驿站吗\n学校驿站能收吗"
    e.form_answer.value = "亲，可以的，填写驿站地址就好～"
    entry = e.save_entry()
    assert entry.id == "CU001" and "已保存" in e.message
    assert saved(workdir)["custom_entries"][0]["similar"] == ["能寄驿站吗", "学校驿站能收吗"]
    assert bot.student_kb().answer("能寄到学校宿舍楼下的驿站吗").entry_id == "CU001"

    e.select_entry("CU001")
    assert e.form_question.value == "可以寄到学校宿舍楼下的驿站吗？"
    e.form_answer.value = "亲，可以寄到驿站，记得填写驿站地址哦～"
    e._save_button.click()
    assert saved(workdir)["custom_entries"][0]["answer"] == "亲，可以寄到驿站，记得填写驿站地址哦～"
    assert len(saved(workdir)["custom_entries"]) == 1

    e._delete_button.click()
    assert saved(workdir)["custom_entries"] == [] and "已删除" in e.message
    assert e._pick.options == ("（新增一条）",)


def test_form_errors_are_red_and_nothing_is_saved(workdir):
    """A banned word, an empty question or a bad date is shown in red Chinese text; the file is not written."""
    e = KnowledgeBaseEditor()
    e.form_question.value = "有优惠吗？"
    e.form_answer.value = "亲，这是全网最低价～"
    assert e.save_entry() is None
    assert "违禁词“全网最低价”" in e._message.value and "#c62828" in e._message.value
    e.form_answer.value = "亲，有满减券～"
    e.form_valid_from.value = "2026-11-11"
    e.form_valid_to.value = "2026-11-01"
    assert e.save_entry() is None and "早于生效日期" in e.message
    assert not (workdir / "workbench" / "bot.json").exists()
    e._pick.value = "（新增一条）"
    e._delete_button.click()
    assert "请先在“编辑条目”里选择" in e.message


def test_switch_and_welcome_are_saved(workdir):
    """The 启用机器人 switch and the welcome card are saved through save_settings."""
    e = KnowledgeBaseEditor()
    e._switch.value = True
    assert e.enabled and saved(workdir)["enabled"] is True and bot.load_settings().enabled
    e.welcome_suggestions.value = "发货\n快递"
    assert e.save_welcome() is False and "4–6 个" in e.message
    e.welcome_text.value = "亲，欢迎来到悦衣小铺～"
    e.welcome_suggestions.value = "什么时候发货？\n包邮吗？\n怎么选尺码？\n能退货吗？\n转人工"
    assert e.save_welcome() is True
    assert saved(workdir)["welcome"] == "亲，欢迎来到悦衣小铺～"
    assert bot.student_kb().welcome_card().suggestions[-1] == "转人工"
    again = KnowledgeBaseEditor()
    assert again._switch.value is True and again.welcome_text.value == "亲，欢迎来到悦衣小铺～"
