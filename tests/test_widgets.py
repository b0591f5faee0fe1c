"""Tests of cslab.widgets, driven headless (no browser): TypingPractice, Quiz, check_classification."""

import asyncio
import json

import pytest

from cslab import typing_practice as tp
from cslab.errors import InputError
from cslab.widgets import Quiz, TypingPractice, check_classification, result_html


@pytest.fixture(autouse=True)
def workdir(tmp_path, monkeypatch):
    monkeypatch.setenv("CSLAB_WORKDIR", str(tmp_path))
    return tmp_path


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def practice(**kwargs):
    kwargs.setdefault("show_chart", False)
    return TypingPractice(**kwargs)


# --------------------------------------------------------------------------- TypingPractice
def test_phrase_comes_from_the_phrase_list_and_seed_repeats():
    texts = {p.text for p in tp.PHRASES}
    a, b = practice(seed=0), practice(seed=0)
    assert a.phrase in texts and a.phrase == b.phrase
    assert a.phrase in a._phrase_view.value


def test_typed_attempt_is_scored_shown_and_saved(workdir):
    w = practice(seed=0)
    w.type_text(w.phrase, seconds=len(w.phrase))
    result = w.submit()
    assert result is w.result and result.passed and result.accuracy == 1.0
    assert "已保存到练习记录" in w.feedback
    assert "cslab-typing-wrong" not in w.result_html
    saved = json.loads((workdir / "typing" / "history.json").read_text(encoding="utf-8"))
    assert saved[-1]["phrase"] == w.phrase
    assert "已练习 1 次" in w._summary.value
    assert w._box.disabled


def test_result_html_marks_wrong_missing_and_extra_characters_in_red():
    w = practice(seed=0)
    target = w.phrase
    typed = "X" + target[1:-1] + "！！"  # first char wrong, last one missing, two extras
    w.type_text(typed, seconds=30)
    w.submit()
    assert '<span class="cslab-typing-wrong"' in w.result_html
    assert ">X</span>" in w.result_html
    assert "color:#c62828" in w.result_html
    assert "cslab-typing-missing" in w.result_html or "cslab-typing-extra" in w.result_html
    assert "应为“" in w.feedback


def test_result_html_escapes_text():
    r = tp.score_attempt("a<b>", "a<c>", seconds=5)
    html = result_html(r)
    assert "<c>" not in html and "&lt;" in html


def test_timer_starts_at_first_keystroke():
    clock = FakeClock()
    w = practice(seed=1, clock=clock)
    clock.now += 100  # reading the phrase does not count
    assert w.elapsed() is None
    w.type_text(w.phrase[:3])
    clock.now += 12
    w.type_text(w.phrase[3:])
    assert w.elapsed() == 12
    result = w.submit()
    assert result.seconds == 12


def test_empty_submit_explains_in_chinese_and_saves_nothing():
    w = practice(seed=0)
    assert w.submit() is None
    assert w.feedback.startswith("还没有输入内容")
    assert "还没有输入内容" in w.result_html
    assert tp.load_history() == []


def test_whitespace_only_submit():
    w = practice(seed=0)
    w.type_text("   ", seconds=3)
    assert w.submit() is None and "只有空格也不算" in w.feedback


def test_paste_is_detected_by_the_jump_and_not_saved():
    w = practice(seed=0, level=3)
    w.type_text(w.phrase[:2])
    w.paste_text(w.phrase[2:])
    assert "粘贴" in w._status.value
    w._started -= 60  # even a slow total time does not hide the jump
    result = w.submit()
    assert result.suspect_paste and not result.passed
    assert "检测到粘贴/速度异常，请手动输入" in w.feedback and "未记入练习记录" in w.feedback
    assert tp.load_history() == []


def test_clearing_the_box_forgets_a_paste():
    w = practice(seed=0, level=3)
    w.paste_text(w.phrase)
    w.typed = ""
    w.type_text(w.phrase, seconds=40)
    assert not w.submit().suspect_paste


def test_enter_in_the_box_submits():
    w = practice(seed=2)
    w.type_text(w.phrase, seconds=len(w.phrase))
    w._box._handle_custom_msg({"event": "submit"}, [])  # what the front end sends on Enter
    assert w.result is not None and w.result.passed


def test_enter_in_a_kernel_waits_for_keystrokes_still_in_flight():
    async def scenario():
        w = practice(seed=0)
        w.type_text(w.phrase[:-1], seconds=len(w.phrase))
        w._box._handle_custom_msg({"event": "submit"}, [])
        assert w.result is None  # scored a moment later, on the kernel's event loop
        w.typed = w.typed + w.phrase[-1]  # the front end sends the held-back keystroke
        await asyncio.sleep(0.4)
        return w

    w = asyncio.run(scenario())
    assert w.result.accuracy == 1.0 and w.result.seconds == len(w.phrase)


def test_buttons_drive_the_same_actions():
    w = practice(seed=2, stage="礼貌告别")
    first = w.phrase
    w._next_button.click()
    assert w.phrase != first and tp.pick_phrase(stage="礼貌告别").stage == "礼貌告别"
    assert any(p.text == w.phrase and p.stage == "礼貌告别" for p in tp.PHRASES)
    w.type_text(w.phrase, seconds=len(w.phrase))
    w._submit_button.click()
    assert w.result.passed
    w._start_button.click()
    assert w.typed == "" and w.elapsed() is None and not w._box.disabled


def test_double_submit_is_saved_once():
    w = practice(seed=0)
    w.type_text(w.phrase, seconds=len(w.phrase))
    first = w.submit()
    assert w.submit() is first
    assert "已经提交过了" in w.feedback
    assert len(tp.load_history()) == 1


def test_history_survives_a_restart():
    w = practice(seed=0)
    w.type_text(w.phrase, seconds=len(w.phrase))
    w.submit()
    w.close()
    again = practice(seed=5)  # a new kernel: a new widget reads the work folder
    assert "已练习 1 次" in again._summary.value
    assert len(tp.load_history()) == 1


def test_bad_stage_is_a_chinese_error():
    with pytest.raises(InputError, match="阶段"):
        practice(stage="售前")


def test_history_chart_image_is_rendered():
    w = TypingPractice(seed=0)
    assert w._chart.value[:8] == b"\x89PNG\r\n\x1a\n"
    before = w._chart.value
    w.type_text(w.phrase, seconds=len(w.phrase))
    w.submit()
    assert w._chart.value != before


# --------------------------------------------------------------------------- Quiz
QUESTIONS = [
    {"question": "顾客下单后未付款，客服提醒付款属于哪个阶段？", "choices": ["售前", "售中", "售后"],
     "answer": "售中", "explanation": "已下单、未完成交易，是售中。"},
    {"question": "店小蜜属于智能客服。", "answer": True, "explanation": "它按知识库自动回答。"},
    {"question": "客服的首要角色是？", "choices": ["仓库管理员", "店铺与顾客之间的桥梁"], "answer": 1},
]


def test_quiz_answers_and_score():
    q = Quiz(QUESTIONS)
    assert str(q.score()) == "答对 0/3 题（已作答 0 题）"
    assert q.answer(0, "售后") is False
    assert "✗" in q.feedback(0) and "正确答案是“售中”" in q.feedback(0) and "售中" in q.feedback(0)
    assert q.answer(0, 1) is True and q.feedback(0).startswith("✓")
    assert q.answer(1, True) is True
    assert q.answer(2, "仓库管理员") is False
    s = q.score()
    assert (s.correct, s.answered, s.total) == (2, 3, 3)
    assert "答对 2/3 题" in q._score_view.value


def test_quiz_click_on_a_choice_shows_feedback_at_once():
    q = Quiz(QUESTIONS)
    q._radios[1].value = "错"
    assert q.answers[1] == 1 and "✗" in q.feedback(1)
    q.answer(1, "对")
    assert q._radios[1].value == "对"


@pytest.mark.parametrize("questions, fragment", [
    ([], "题目列表"),
    ([{"question": ""}], "第 1 题"),
    ([{"question": "对吗？", "answer": "对"}], "判断题"),
    ([{"question": "选？", "choices": ["A"], "answer": 0}], "至少两个"),
    ([{"question": "选？", "choices": ["A", "B"], "answer": "C"}], "answer"),
])
def test_quiz_bad_questions(questions, fragment):
    with pytest.raises(InputError, match=fragment):
        Quiz(questions)


def test_quiz_bad_answer():
    q = Quiz(QUESTIONS)
    with pytest.raises(InputError, match="没有选项"):
        q.answer(0, "售钱")
    with pytest.raises(InputError, match="题号"):
        q.answer(3, 0)


# --------------------------------------------------------------------------- classification
KEY = {
    "介绍羽绒服的充绒量": "售前",
    "提醒顾客付款": {"answer": "售中", "hint": "顾客已经下单，还没付款"},
    "处理退货申请": "售后",
}
CATS = ["售前", "售中", "售后"]


def test_classification_all_right():
    check = check_classification({"介绍羽绒服的充绒量": "售前", "提醒顾客付款": "售中", "处理退货申请": "售后"},
                                 KEY, CATS)
    assert (check.correct, check.total) == (3, 3)
    assert "全部正确" in str(check)


def test_classification_feedback_lines():
    check = check_classification({"介绍羽绒服的充绒量": " 售前 ", "提醒顾客付款": "售后", "处理退货申请": "",
                                  "打包": "售中"}, KEY, CATS)
    text = str(check)
    assert "✓ 介绍羽绒服的充绒量" in text
    assert "你填了“售后”，再想想：顾客已经下单，还没付款" in text
    assert "处理退货申请：还没填" in text
    assert "“打包”不在题目里" in text
    assert check.correct == 1


def test_classification_unknown_category_and_bad_input():
    assert "不是可选的类别" in str(check_classification({"处理退货申请": "售钱"}, KEY, CATS))
    with pytest.raises(InputError, match="字典"):
        check_classification(["售前"], KEY, CATS)
