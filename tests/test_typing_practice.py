"""Tests of cslab.typing_practice: phrases, scoring rules, bad input, paste detection, history."""

import json
import math
import warnings

import pytest

from cslab import typing_practice as tp
from cslab.errors import DataError, InputError


@pytest.fixture(autouse=True)
def workdir(tmp_path, monkeypatch):
    monkeypatch.setenv("CSLAB_WORKDIR", str(tmp_path / "work"))
    return tmp_path / "work"


# --------------------------------------------------------------------------- phrases
def test_phrases_cover_every_stage_and_level():
    phrases = tp.PHRASES
    assert len(phrases) >= 40
    assert {p.stage for p in phrases} == set(tp.STAGES)
    assert {p.level for p in phrases} == set(tp.LEVELS)
    for stage in tp.STAGES:
        assert sum(p.stage == stage for p in phrases) >= 6, stage
    assert len({p.text for p in phrases}) == len(phrases), "duplicate phrases"


def test_phrases_use_chinese_punctuation_and_include_digits_and_letters():
    texts = [p.text for p in tp.PHRASES]
    assert all(any(ch in t for ch in "，。！？～") for t in texts)
    assert not any(ch in t for t in texts for ch in ",?!;"), "half-width punctuation in a phrase"
    assert sum(any(ch.isascii() and ch.isdigit() for ch in t) for t in texts) >= 5
    assert sum(any(ch.isascii() and ch.isalpha() for ch in t) for t in texts) >= 3


def test_phrase_file_is_found_through_cslab_data_dir(tmp_path, monkeypatch):
    (tmp_path / "typing_phrases.yaml").write_text(
        "phrases:\n  - {stage: 礼貌告别, level: 1, text: \"再见！\"}\n", encoding="utf-8")
    monkeypatch.setenv("CSLAB_DATA_DIR", str(tmp_path))
    tp._default_phrases.cache_clear()
    try:
        assert [p.text for p in tp.load_phrases()] == ["再见！"]
    finally:
        monkeypatch.delenv("CSLAB_DATA_DIR")
        tp._default_phrases.cache_clear()
    assert len(tp.load_phrases()) >= 40


def test_phrase_file_does_not_depend_on_cwd(tmp_path, monkeypatch):
    tp._default_phrases.cache_clear()
    monkeypatch.chdir(tmp_path)
    assert len(tp.load_phrases()) >= 40


@pytest.mark.parametrize("content, fragment", [
    ("phrases: []\n", "没有 phrases"),
    ("phrases:\n  - {stage: 售前, level: 1, text: 你好}\n", "第 1 条"),
    ("phrases:\n  - {stage: 礼貌告别, level: 5, text: 你好}\n", "level"),
    ("phrases: [unclosed\n", "格式有误"),
])
def test_bad_phrase_file_gives_chinese_data_error(tmp_path, content, fragment):
    path = tmp_path / "p.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=fragment):
        tp.load_phrases(path)


def test_missing_phrase_file(tmp_path):
    with pytest.raises(DataError, match="找不到打字练习话术文件"):
        tp.load_phrases(tmp_path / "none.yaml")


def test_pick_phrase_is_deterministic_and_filters():
    assert tp.pick_phrase(seed=3) == tp.pick_phrase(seed=3)
    p = tp.pick_phrase(seed=5, stage="售后安抚", level=3)
    assert (p.stage, p.level) == ("售后安抚", 3)
    assert str(p) == p.text


def test_pick_phrase_exclude_gives_another_phrase():
    first = tp.pick_phrase(seed=0, stage="迎接问好")
    for seed in range(20):
        assert tp.pick_phrase(seed=seed, stage="迎接问好", exclude=first.text) != first


@pytest.mark.parametrize("kwargs, fragment", [
    ({"stage": "售前"}, "没有“售前”这个阶段"),
    ({"level": 4}, "难度"),
    ({"level": True}, "难度"),
])
def test_pick_phrase_bad_filters(kwargs, fragment):
    with pytest.raises(InputError, match=fragment):
        tp.pick_phrase(**kwargs)


# --------------------------------------------------------------------------- scoring
def test_perfect_attempt():
    r = tp.score_attempt("亲，您好！欢迎光临本店～", "亲，您好！欢迎光临本店～", seconds=15)
    assert r.accuracy == 1.0 and r.errors == () and r.passed and not r.suspect_paste
    assert r.chars_per_minute == 48.0
    assert "达标" in r.feedback


def test_cpm_counts_only_correct_characters():
    # 10 characters typed, 8 right, in 12 s: 8 / 12 * 60 = 40
    r = tp.score_attempt("一二三四五六七八九十", "一二三四五六七八九X", seconds=15)
    assert r.chars_per_minute == round(9 / 15 * 60, 1)
    r = tp.score_attempt("一二三四五六七八九十", "一二三四五六七八", seconds=12)
    assert r.chars_per_minute == 40.0
    assert r.accuracy == 0.8


def test_wrong_missing_and_extra_characters_are_listed():
    r = tp.score_attempt("您好，请稍等。", "你好，请等。。", seconds=10)
    kinds = {(e.expected, e.typed) for e in r.errors}
    assert ("您", "你") in kinds  # wrong
    assert ("稍", "") in kinds    # missing
    assert ("", "。") in kinds    # extra
    assert r.errors[0] == (0, "您", "你")
    assert "第 1 个字应为“您”，打成了“你”" in r.feedback
    assert "漏打" in r.feedback and "多打" in r.feedback


def test_extra_characters_lower_accuracy():
    exact = tp.score_attempt("您好！", "您好！", seconds=3)
    extra = tp.score_attempt("您好！", "您好！！！", seconds=3)
    assert exact.accuracy == 1.0
    assert extra.accuracy == pytest.approx(3 / 5)
    assert len(extra.errors) == 2 and all(e.expected == "" for e in extra.errors)
    assert "句末多打了" in extra.feedback


def test_half_width_punctuation_is_an_error_with_a_hint():
    r = tp.score_attempt("好的，马上发货！", "好的,马上发货!", seconds=10)
    assert r.punctuation_errors == 2
    assert len(r.errors) == 2 and r.accuracy == pytest.approx(6 / 8)
    assert "注意使用中文标点" in r.feedback
    assert not r.passed


def test_full_width_letters_and_digits_get_a_hint():
    r = tp.score_attempt("选M码", "选Ｍ码", seconds=3)
    assert r.errors == ((1, "M", "Ｍ"),)
    assert "半角" in r.feedback


def test_surrounding_whitespace_is_ignored_inner_runs_collapse():
    a = tp.score_attempt("尺码 M", "  尺码   M\n", seconds=3)
    assert a.accuracy == 1.0 and a.typed == "尺码 M"
    b = tp.score_attempt("您好", "您\u3000好", seconds=3)  # an inner space is an extra character
    assert b.accuracy < 1.0


def test_no_nfkc_normalisation():
    assert tp.normalize("，。") == "，。"


@pytest.mark.parametrize("typed, fragment", [
    ("", "还没有输入内容"),
    ("   \u3000\n", "还没有输入内容"),
    (None, "还没有输入内容"),
    (123, "应是文字"),
    (["您好"], "应是文字"),
])
def test_bad_typed_text(typed, fragment):
    with pytest.raises(InputError, match=fragment):
        tp.score_attempt("您好！", typed, seconds=5)


@pytest.mark.parametrize("seconds, fragment", [
    (0, "大于 0"),
    (-3, "大于 0"),
    (math.nan, "大于 0"),
    (math.inf, "大于 0"),
    (None, "缺少用时"),
    ("12", "应是数字"),
    (True, "应是数字"),
])
def test_bad_seconds(seconds, fragment):
    with pytest.raises(InputError, match=fragment):
        tp.score_attempt("您好！", "您好！", seconds=seconds)


def test_bad_target():
    with pytest.raises(InputError, match="练习句子不能为空"):
        tp.score_attempt("  ", "您好", seconds=5)
    with pytest.raises(InputError):
        tp.score_attempt(None, "您好", seconds=5)


def test_input_error_is_a_value_error():
    with pytest.raises(ValueError):
        tp.score_attempt("您好！", "", seconds=5)


@pytest.mark.parametrize("typed, seconds, pasted", [
    ("亲，您好！欢迎光临本店～", 0.5, False),      # 12 chars in half a second
    ("亲，您好！", 0.9, False),                     # >= 5 chars in under 1 s
    ("亲，您好！欢迎光临本店～", 1.1, False),      # 655 chars/min
    ("亲，您好！欢迎光临本店～", 20, True),        # the widget saw a paste
])
def test_paste_is_suspect_never_passed_never_saved(typed, seconds, pasted):
    r = tp.score_attempt("亲，您好！欢迎光临本店～", typed, seconds=seconds, pasted=pasted)
    assert r.suspect_paste and not r.passed
    assert r.feedback.startswith("检测到粘贴/速度异常，请手动输入")
    assert tp.record_attempt(r) is None
    assert tp.load_history() == []


def test_fast_but_human_speed_is_not_suspect():
    r = tp.score_attempt("亲，您好！欢迎光临本店～", "亲，您好！欢迎光临本店～", seconds=3)  # 240/min
    assert not r.suspect_paste and r.passed


def test_short_answer_under_a_second_is_not_suspect():
    r = tp.score_attempt("好的", "好的", seconds=0.8)
    assert not r.suspect_paste


def test_thresholds_can_be_changed():
    r = tp.score_attempt("您好！", "您好！", seconds=6)  # 30/min
    assert not r.passed and "40 字/分钟" in r.feedback
    assert tp.score_attempt("您好！", "您好！", seconds=6, min_cpm=25).passed


def test_result_as_dict_is_json_ready():
    r = tp.score_attempt("您好！", "你好！", seconds=3)
    data = r.as_dict()
    json.dumps(data, ensure_ascii=False)
    assert data["errors"] == [[0, "您", "你"]]


def test_paste_jump():
    assert tp.is_paste_jump("", "一二三四五六七八九十")
    assert not tp.is_paste_jump("一二三", "一二三四五六七八九")
    assert not tp.is_paste_jump("一二三四五六七八九十", "")


# --------------------------------------------------------------------------- history
def test_history_round_trip_and_restart(workdir):
    r1 = tp.score_attempt("您好！", "您好！", seconds=3)
    r2 = tp.score_attempt("谢谢！", "谢谢!", seconds=4)
    rec = tp.record_attempt(r1, "您好！")
    tp.record_attempt(r2)
    assert set(rec) == {"time", "phrase", "seconds", "chars_per_minute", "accuracy", "errors", "passed"}
    assert "T" in rec["time"]
    saved = json.loads((workdir / "typing" / "history.json").read_text(encoding="utf-8"))
    assert [s["phrase"] for s in saved] == ["您好！", "谢谢！"]
    # a "restart": nothing cached in memory, the file is the source of truth
    history = tp.load_history()
    assert [h["accuracy"] for h in history] == [1.0, round(2 / 3, 4)]
    assert history[1]["passed"] is False


def test_record_attempt_checks_its_arguments():
    with pytest.raises(InputError, match="score_attempt"):
        tp.record_attempt({"chars_per_minute": 50})
    r = tp.score_attempt("您好！", "您好！", seconds=3)
    with pytest.raises(InputError, match="不一致"):
        tp.record_attempt(r, "再见！")


def test_load_history_skips_entries_that_are_not_records(workdir):
    from cslab import workspace

    workspace.save_json(tp.HISTORY_FILE, [{"chars_per_minute": 50, "accuracy": 1.0}, "x", {"accuracy": 1}])
    assert len(tp.load_history()) == 1
    workspace.save_json(tp.HISTORY_FILE, {"not": "a list"})
    assert tp.load_history() == []


def test_history_frame():
    tp.record_attempt(tp.score_attempt("您好！", "您好！", seconds=3))
    frame = tp.history_frame()
    assert len(frame) == 1
    assert str(frame["time"].dtype).startswith("datetime64")
    assert frame.loc[0, "chars_per_minute"] == 60.0
    assert tp.history_frame([]).empty


def _texts(fig):
    out = []
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        legend = ax.get_legend()
        if legend:
            out += [t.get_text() for t in legend.get_texts()]
    return out


def test_history_chart_empty_shows_a_message():
    fig = tp.history_chart()
    assert "还没有练习记录" in _texts(fig)


def test_history_chart_draws_cpm_and_accuracy_without_missing_glyphs():
    for seconds in (10, 8, 6):
        tp.record_attempt(tp.score_attempt("您好，欢迎光临！", "您好，欢迎光临！", seconds=seconds))
    fig = tp.history_chart()
    texts = _texts(fig)
    assert "练习次数" in texts and any("正确率" in t for t in texts)
    assert len(fig.axes) == 2
    assert list(fig.axes[0].lines[0].get_ydata()) == [48.0, 60.0, 80.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" would be a warning
        fig.canvas.draw()


def test_module_import_reads_no_file():
    import importlib
    import subprocess
    import sys

    code = ("import sys, cslab.typing_practice as t; "
            "print(t._default_phrases.cache_info().currsize, 'yaml' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "False"]
    assert importlib.import_module("cslab.typing_practice") is tp
