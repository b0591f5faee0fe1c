"""The dialogue engine: sessions, transitions, mood, validation, transcripts, replay and the widget."""

import json
import textwrap
from datetime import datetime

import pytest

from cslab import chat, workspace
from cslab.chat import widget as chat_widget
from cslab.errors import DataError, InputError

SID = "presales_dress_size"
GREETING = "亲，您好！欢迎光临悦衣小铺，我是客服小林，请问有什么可以帮您？"


def _write(tmp_path, body: str, name: str = "t_case.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


MINI = """
    id: t_case
    title: 测试场景
    category: 售前接待
    persona: {name: 小测, type: 理智型}
    context: {product: SP0001}
    start: a
    nodes:
      a:
        customer: ["在吗"]
        stage: greet
        next:
          - if: {passed: true}
            goto: win
            why: 问候得体
          - goto: stay
      win:
        end: 下单
        customer: ["好的"]
"""


# ------------------------------------------------------------------ scenarios and validation
def test_list_and_load():
    items = chat.list_scenarios()
    assert any(s["id"] == SID for s in items)
    sc = chat.load_scenario(SID)
    assert sc.persona.type == "犹豫型" and sc.context["product"] == "SP0001"
    assert chat.scenarios_frame().columns[0] == "编号"


def test_unknown_scenario_is_a_chinese_input_error():
    with pytest.raises(InputError, match="没有编号"):
        chat.load_scenario("no_such_scenario")
    with pytest.raises(InputError):
        chat.Session(42)


def test_minimal_valid_file(tmp_path):
    assert chat.validate_scenario(_write(tmp_path, MINI)) == []


@pytest.mark.parametrize("change, expected", [
    (("goto: win", "goto: nowhere"), "nowhere"),
    (("stage: greet", "stage: haggle"), "haggle"),
    (("product: SP0001", "product: SP9999"), "SP9999"),
    (("type: 理智型", "type: 佛系型"), "佛系型"),
    (("end: 下单", "end: 成交啦"), "成交啦"),
    (("if: {passed: true}", "if: {pased: true}"), "pased"),
    (("- goto: stay", "- if: {passed: false}\n            goto: stay"), "兜底"),
])
def test_problems_name_the_node_and_the_fault(tmp_path, change, expected):
    body = MINI.replace(*change)
    found = chat.validate_scenario(_write(tmp_path, body))
    assert found and any(expected in p for p in found), found


def test_unreachable_and_endless_nodes(tmp_path):
    body = MINI + """
      lost:
        customer: ["我是孤岛"]
        stage: greet
        next:
          - goto: lost
    """
    found = chat.validate_scenario(_write(tmp_path, body))
    assert any("lost" in p and "走不到" in p for p in found)
    loop = MINI.replace("goto: win", "goto: b") + """
      b:
        customer: ["还有吗"]
        stage: answer
        next:
          - goto: a
    """
    found = chat.validate_scenario(_write(tmp_path, loop, "t_loop.yaml"))
    assert any("永远走不到结局" in p for p in found) and any("win" in p for p in found)


def test_malformed_file_error_names_file_and_node(tmp_path):
    path = _write(tmp_path, MINI.replace("customer: [\"在吗\"]", "customer: 12"), "t_bad.yaml")
    with pytest.raises(DataError, match=r"t_bad\.yaml.*节点 a"):
        chat.load_scenario(path)
    broken = _write(tmp_path, "id: x\nnodes: [1, 2\n", "t_yaml.yaml")
    with pytest.raises(DataError, match="t_yaml.yaml"):
        chat.load_scenario(broken)
    assert chat.validate_scenario(broken)


# ------------------------------------------------------------------ the session
def test_send_scores_and_moves_on():
    s = chat.Session(SID, seed=0)
    first = s.last_customer_message
    t = s.send(GREETING, at=10)
    assert t.stage == "greet" and t.score.total >= 60 and t.node == "hello"
    assert s.node_id == "ask_size" and s.last_customer_message != first
    senders = [m["sender"] for m in s.transcript]
    assert senders == ["customer", "agent", "customer"]
    assert s.transcript[1]["score"] == t.score.total and s.transcript[1]["response_seconds"] == 10


def test_intent_decides_the_branch():
    naming = chat.Session(SID, seed=0)
    naming.send(GREETING, at=5)
    naming.send("亲，建议拍M码哦～", at=5)
    assert naming.node_id == "doubt_size"
    asking = chat.Session(SID, seed=0)
    asking.send(GREETING, at=5)
    asking.send("亲，麻烦说下您的身高体重，我帮您对照尺码表～", at=5)
    assert asking.node_id == "give_body"


def test_hidden_need_is_revealed_when_asked():
    s = chat.Session(SID, seed=0)
    for r in (GREETING, "亲，麻烦说下您的身高体重，我帮您对照尺码表～", "亲，按尺码表建议您拍M码，尺码标准～"):
        s.send(r, at=5)
    t = s.send("亲，请问您是穿去什么场合呀？", at=5)
    assert t.probe and t.needs_found == ("下周参加闺蜜婚礼",)
    assert "婚礼" in s.last_customer_message
    assert s.report().needs_missed == ()


def test_poor_replies_exhaust_patience_and_mood():
    s = chat.Session(SID, seed=0)
    while not s.finished:
        s.send("嗯", at=5)
    assert s.outcome == "流失" and len(s.turns) <= s.scenario.persona.patience
    assert s.mood == 0 or s.fails == s.scenario.persona.patience
    assert s.transcript[-2].get("give_up") and s.transcript[-1]["sender"] == "system"
    r = s.report()
    assert not r.passed and r.good is False and r.score < 60


def test_slow_replies_cost_mood():
    fast, slow = chat.Session(SID, seed=0), chat.Session(SID, seed=0)
    fast.send(GREETING, at=10)
    slow.send(GREETING, at=400)
    assert slow.mood < fast.mood
    assert slow.turns[0].score.total < fast.turns[0].score.total


def test_red_line_costs_more_than_a_poor_reply():
    a, b = chat.Session(SID, seed=0), chat.Session(SID, seed=0)
    a.send("亲，在的", at=5)
    b.send("亲，在的，我们家是全网最低价", at=5)
    assert "red_line" in b.turns[0].score.flags and b.mood < a.mood


def test_bad_input():
    s = chat.Session(SID)
    for bad, msg in (("", "空"), ("   ", "空"), ("好" * (chat.MAX_CHARS + 1), "太长"), (None, "文字")):
        with pytest.raises(InputError, match=msg):
            s.send(bad)
    with pytest.raises(InputError, match="秒数"):
        s.send(GREETING, at=-3)
    with pytest.raises(InputError, match="早于"):
        s.send(GREETING, at=datetime(2000, 1, 1))
    assert s.turns == []                       # nothing was recorded by the failed sends
    with pytest.raises(InputError, match="mode"):
        chat.Session(SID, mode="test")
    with pytest.raises(InputError, match="seed"):
        chat.Session(SID, seed="1")


def test_sending_after_the_end():
    s = chat.run(SID, agent=lambda m: "嗯")
    with pytest.raises(InputError, match="已经结束"):
        s.send(GREETING)


def test_datetime_at_and_clock():
    s = chat.Session(SID)
    t = s.send(GREETING, at=datetime.fromisoformat("2026-11-05 20:30:40"))
    assert t.response_seconds == 40


def test_same_seed_same_wording_other_seed_may_differ():
    lines = {chat.Session(SID, seed=n).last_customer_message for n in range(8)}
    assert chat.Session(SID, seed=3).last_customer_message == chat.Session(SID, seed=3).last_customer_message
    assert len(lines) > 1


def test_auto_reply_hook_is_shown_not_scored():
    seen = []

    def auto(message, when, first_contact):
        seen.append((message, first_contact))
        return "您好，欢迎光临悦衣小铺～客服马上就来！"
    s = chat.Session(SID, auto_reply=auto)
    assert [m["sender"] for m in s.transcript] == ["customer", "auto"] and seen[0][1] is True
    s.send(GREETING, at=5)
    assert len(seen) == 1 and len(s.turns) == 1


def test_run_validates_the_agent():
    with pytest.raises(InputError, match="函数"):
        chat.run(SID, agent="hello")
    with pytest.raises(InputError, match="返回文字"):
        chat.run(SID, agent=lambda m: 3)


# ------------------------------------------------------------------ transcripts and reports
def test_transcript_json_and_replay_rescore():
    s = chat.run(SID, agent=lambda m: GREETING, seed=4)
    data = json.loads(s.transcript_json())
    assert data["format"] == "cslab-chat-transcript" and data["scenario"] == SID and data["seed"] == 4
    again = chat.replay(data)
    assert [m["text"] for m in again.transcript] == [m["text"] for m in s.transcript]
    assert again.outcome == s.outcome
    partial = chat.replay(s.transcript_json(), upto=1)
    assert len(partial.turns) == 1 and not partial.finished
    with pytest.raises(InputError):
        chat.replay({"format": "other"})
    with pytest.raises(InputError, match="JSON"):
        chat.replay("{not json")


def test_report_content_and_chart():
    s = chat.Session(SID, seed=0)
    s.send(GREETING, at=5)
    r = s.report()
    assert list(r.dimensions) == ["礼貌", "专业", "及时", "促成", "合规"]
    assert r.outcome is None and "还没结束" in r.summary()
    frame = r.to_frame()
    assert list(frame["回合"]) == [1] and frame["得分"][0] == s.turns[0].score.total
    ax = r.plot()
    assert [t.get_text() for t in ax.get_yticklabels()][::-1] == list(r.dimensions)
    assert "cslab-chat-report" in r._repr_html_()


def test_save_and_resume_survive_a_restart(tmp_path, monkeypatch):
    monkeypatch.setenv("CSLAB_WORKDIR", str(tmp_path / "missing" / "work"))   # created on first save
    s = chat.Session(SID, seed=2)
    s.send(GREETING, at=5)
    name = chat.save_transcript(s)
    assert (tmp_path / "missing" / "work").is_dir()
    listed = chat.saved_transcripts(SID)
    assert listed[0]["name"] == name and listed[0]["finished"] is False and listed[0]["turns"] == 1
    back = chat.resume(name)
    assert back.node_id == s.node_id and back.transcript == s.transcript
    back.send("亲，麻烦说下您的身高体重～", at=5)
    assert chat.save_transcript(back) == name
    assert len(chat.load_transcript(name)["messages"]) == len(back.transcript)
    with pytest.raises(InputError, match="没有对话记录"):
        chat.load_transcript("chats/none/none.json")


# ------------------------------------------------------------------ widget (headless)
def test_widget_send_enter_and_feedback(tmp_path, monkeypatch):
    monkeypatch.setenv("CSLAB_WORKDIR", str(tmp_path))
    w = chat_widget.ChatSimulator(SID, use_settings=False)
    assert "cslab-bubble" in w._log.value and "提示" in w._hint.value
    w.reply = ""
    assert w.send() is None and "空" in w.feedback_html
    w.reply = GREETING
    w._on_input_msg(w._input, {"event": "submit"}, [])          # what Enter sends from the browser
    assert len(w.session.turns) == 1 and w.reply == ""
    assert "cslab-chat-feedback" in w.feedback_html and "买家的反应" in w.feedback_html
    assert chat.saved_transcripts(SID)[0]["turns"] == 1


def test_widget_quick_phrase_shortcode(tmp_path, monkeypatch):
    monkeypatch.setenv("CSLAB_WORKDIR", str(tmp_path))
    w = chat_widget.ChatSimulator(SID, use_settings=False)
    w.reply = "/hy"
    assert w.submit() is None and w.reply and not w.reply.startswith("/")   # expanded, not sent
    assert w.session.turns == [] and "{客服昵称}" in w.reply and "改成实际内容" in w.feedback_html
    assert w.send() is None and "没填的变量" in w.feedback_html               # placeholder left: not sent
    w.reply = w.reply.replace("{客服昵称}", "小林")
    assert w.send(at=5).score.total >= 60
    w.insert_phrase("/jg")
    assert "连衣裙" in w.reply and "96.90" in w.reply and w.feedback_html == ""
    w.insert_phrase("/nosuch")
    assert "没有快捷编码" in w.feedback_html


def test_widget_exam_mode_hides_scores_until_the_end(tmp_path, monkeypatch):
    monkeypatch.setenv("CSLAB_WORKDIR", str(tmp_path))
    w = chat_widget.ChatSimulator(SID, mode="exam", use_settings=False)
    assert w._hint.value == ""
    w.reply = GREETING
    w.send(at=5)
    assert " 分</b>" not in w._log.value and "考核模式" in w.feedback_html
    while not w.session.finished:
        w.reply = "嗯"
        w.send(at=5)
    assert " 分</b>" in w._log.value and w._input.disabled and "cslab-chat-report" in w._report_view.value


def test_widget_resumes_after_kernel_restart_and_restart_button(tmp_path, monkeypatch):
    monkeypatch.setenv("CSLAB_WORKDIR", str(tmp_path))
    w = chat_widget.ChatSimulator(SID, use_settings=False)
    w.reply = GREETING
    w.send(at=5)
    again = chat_widget.ChatSimulator(SID, use_settings=False)        # a new kernel, same work folder
    assert len(again.session.turns) == 1 and "已恢复" in again._header.value
    again.restart()
    assert again.session.turns == [] and again.session.seed == 1
    third = chat_widget.ChatSimulator(SID, use_settings=False)
    assert third.session.turns == []


def test_widget_save_failure_is_reported_not_raised(tmp_path, monkeypatch):
    monkeypatch.setenv("CSLAB_WORKDIR", str(tmp_path))
    w = chat_widget.ChatSimulator(SID, use_settings=False)

    def broken(_session):
        raise OSError("只读文件系统")
    monkeypatch.setattr(chat_widget, "save_transcript", broken)
    w.reply = GREETING
    assert w.send(at=5) is not None and "没有保存" in w.feedback_html


def test_workspace_is_the_only_store(tmp_path, monkeypatch):
    monkeypatch.setenv("CSLAB_WORKDIR", str(tmp_path))
    s = chat.Session(SID)
    s.send(GREETING, at=5)
    name = chat.save_transcript(s)
    assert workspace.path_for(name).exists()


AGENT_FIRST = """
    id: t_first
    title: 客服先开口
    category: 催付
    persona: {name: 小催, type: 理智型}
    context: {order: D202610300016, start: "2026-10-30 09:10:00"}
    intents:
      size_l: [L码]
    start: nudge
    nodes:
      nudge:
        narration: 买家 08:28 拍下订单 D202610300016，还没有付款。
        stage: remind_pay
        next:
          - if: {intent: size_l}
            goto: paid
          - if: {passed: true}
            goto: paid
          - goto: stay
      paid:
        end: 付款
        customer: ["好的，这就付"]
"""


def test_agent_speaks_first_after_a_narration(tmp_path):
    path = _write(tmp_path, AGENT_FIRST, "t_first.yaml")
    assert chat.validate_scenario(path) == []
    s = chat.Session(chat.load_scenario(path))
    assert [m["sender"] for m in s.transcript] == ["system"] and s.last_customer_message == ""
    assert "还没有付款" in s.transcript[0]["text"]
    t = s.send("亲，您拍的宝贝还没付款哦，今天15点前付款当天发出，有问题随时找我～", at=5)
    assert t.customer == "" and s.outcome == "付款"


def test_intent_words_match_without_case(tmp_path):
    s = chat.Session(chat.load_scenario(_write(tmp_path, AGENT_FIRST, "t_first.yaml")))
    assert "size_l" in s.send("建议换l码", at=5).intents


def test_regex_flags_in_intents_are_a_chinese_problem(tmp_path):
    body = AGENT_FIRST.replace("size_l: [L码]", "size_l: {words: [L码], patterns: ['(?i)xl码']}")
    found = chat.validate_scenario(_write(tmp_path, body, "t_flag.yaml"))
    assert found and "size_l" in found[0]


def test_asking_the_same_thing_again_and_again_ends(tmp_path):
    body = MINI.replace("if: {passed: true}", "if: {intent: ask_budget}")
    s = chat.Session(chat.load_scenario(_write(tmp_path, body)))
    while not s.finished:
        s.send("亲，您好，欢迎光临～", at=5)   # a good greeting, but not what this node waits for
    assert s.outcome == "流失" and len(s.turns) == 5 and s.mood > 50


def test_phone_call_gets_no_typed_auto_reply():
    """The shop's auto reply answers typed chats only: a caller on the phone hears a person first."""
    def auto(message, when, first):
        return "您好，欢迎光临！"

    phone = chat.Session("enquiry_phone_return_elder", seed=0, auto_reply=auto)
    assert phone.scenario.channel == "电话"
    assert not [m for m in phone.transcript if m["sender"] == "auto"]
    online = chat.Session("presales_dress_size", seed=0, auto_reply=auto)
    assert [m["text"] for m in online.transcript if m["sender"] == "auto"] == ["您好，欢迎光临！"]
