"""cslab.gradebook: grading policies as data, attendance rules and their exact boundaries, final grades, make-up."""

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest

from cslab import datasets, gradebook
from cslab.errors import DataError, InputError

FIX = Path(__file__).parent / "data" / "gradebook"
POLICY_002 = datasets.data_dir() / "grading_policies" / "standard_002.yaml"


def att(sid="2024001", name="王语馨", **counts):
    """An attendance log of one student: {status: periods}."""
    statuses = [s for s, n in counts.items() for _ in range(n)]
    return pd.DataFrame({"student_id": sid, "name": name, "status": statuses})


def marks(**cols):
    """A marks table of one student (2024001) with the given columns."""
    return pd.DataFrame({"学号": ["2024001"], "姓名": ["王语馨"], **{k: [v] for k, v in cols.items()}})


def nb(rows=(("a01", True, 9, 10),), sid="2024001"):
    """A minimal nbgrader export: (assignment, submitted, score, max)."""
    return pd.DataFrame([{"assignment": a, "timestamp": "2026-03-10 10:00:00" if ok else "", "student_id": sid,
                          "last_name": "王", "first_name": "语馨", "score": s, "max_score": m}
                         for a, ok, s, m in rows])


def grades_002(attendance=None, conduct=0, midterm=100, final=100, nbgrader=None, **kw):
    """final_grades under standard 002 for one student; attendance defaults to 70 periods present."""
    return gradebook.final_grades("standard_002", nbgrader if nbgrader is not None else nb(),
                                  attendance if attendance is not None else att(出勤=70),
                                  marks(课堂违纪次数=conduct, 期中=midterm, 期末=final), **kw)


def write_policy(tmp_path, old, new, source=POLICY_002, name="my.yaml"):
    """A copy of a built-in policy with one piece of text replaced."""
    text = source.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- policies
def test_builtin_policies_follow_the_standards():
    """001 = 课堂评估 35 (考勤 + 教师评估 + 课后作业) + 实践 35 + 期末 30; 002 = 20 + 10 + 10 + 20 + 40; both have one make-up."""
    assert gradebook.policies() == ["standard_001", "standard_002"]
    p1 = gradebook.load_policy("standard_001")
    assert dict(p1.groups) == {"课堂评估": 35, "实践成绩": 35, "期末成绩": 30}
    assert [c.name for c in p1.components if c.group == "课堂评估"] == ["考勤", "教师评估", "课后作业"]
    assert sum(c.weight for c in p1.components if c.group == "课堂评估") == 35
    assert p1.pass_mark == 60 and p1.makeup.attempts == 1 and p1.makeup.pass_mark == 60
    p2 = gradebook.load_policy("standard_002")
    assert [(c.name, c.weight) for c in p2.components] == [
        ("出勤", 20), ("课堂表现", 10), ("作业", 10), ("期中考试", 20), ("期末考试", 40)]
    rule = p2.component("出勤").attendance
    assert dict(rule.count_as) == {"出勤": 0, "旷课": 2, "病假": Fraction(1, 2), "事假": 1}
    assert (rule.pair_statuses, rule.pair_every, rule.pair_count_as) == (("迟到", "早退"), 2, 1)
    assert rule.not_counted == ("因公",)
    assert [(float(m), p) for m, p in rule.bands] == [(95, 20), (90, 15), (85, 10), (0, 5)]
    assert gradebook.load_policy(p2) is p2
    assert gradebook.load_policy(POLICY_002).components == p2.components


@pytest.mark.parametrize("old, new, words", [
    ("    weight: 40\n    column: 期末", "    weight: 35\n    column: 期末", ["my.yaml", "weight", "= 95"]),
    ("kind: deduction\n    weight: 10\n    per_item: 1                  # 每次扣 1 分",
     "kind: penalty\n    weight: 10\n    per_item: 1", ["my.yaml", "kind", "penalty", "attendance"]),
    ("        - {min: 90, points: 15}\n        - {min: 85, points: 10}",
     "        - {min: 85, points: 10}\n        - {min: 90, points: 15}", ["bands", "从高到低"]),
    ("        - {min: 0, points: 5}", "        - {min: 80, points: 5}", ["最后一档", "0"]),
    ("        - {min: 95, points: 20}", "        - {min: 95, points: 18}", ["第 1 档", "满分 20"]),
    ("        事假: 1\n", "", ["事假", "没有说明"]),
    ("        事假: 1\n", "        事假: 1\n        请假: 1\n", ["请假", "不认识"]),
    ("  平时成绩: 40", "  平时成绩: 45", ["groups.平时成绩", "40"]),
    ("    weight: 20\n    column: 期中", "    wieght: 20\n    column: 期中", ["wieght"]),
    ("  attempts: 1 ", "  attempts: 2 ", ["makeup.attempts"]),
])
def test_bad_policy_is_refused_naming_file_and_field(tmp_path, old, new, words):
    """Weights not summing to 100, unknown kinds, unordered bands, uncovered statuses … are refused in Chinese."""
    path = write_policy(tmp_path, old, new)
    with pytest.raises(DataError) as err:
        gradebook.load_policy(path)
    for w in words:
        assert w in str(err.value)


def test_unknown_policy_name_lists_the_builtin_ones():
    """A misspelt policy name says which policies exist."""
    with pytest.raises(DataError, match="standard_001、standard_002"):
        gradebook.load_policy("standard_003")


def test_an_assignment_cannot_count_twice(tmp_path):
    """The same nbgrader assignment in two components is an error."""
    source = datasets.data_dir() / "grading_policies" / "standard_001.yaml"
    text = source.read_text(encoding="utf-8")
    text = text.replace("    kind: marks\n    weight: 15\n    column: 课后作业\n    max: 100",
                        "    kind: nbgrader\n    weight: 15\n    assignments: [a01]")
    text = text.replace("assignments: all ", "assignments: [a01, a02] ")
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="a01 同时计入了 课后作业 和 实践成绩"):
        gradebook.load_policy(tmp_path / "p.yaml")


# --------------------------------------------------------------------------- attendance rules
RULE = gradebook.load_policy("standard_002").component("出勤").attendance


@pytest.mark.parametrize("counts, absent", [
    ({"旷课": 1}, 2),                    # 旷课 1 节 = 缺勤 2 节
    ({"迟到": 1, "早退": 1}, 1),          # 迟到或早退两次 = 1 节 (counted together)
    ({"迟到": 2}, 1),
    ({"迟到": 3}, 1),                    # remainder dropped
    ({"迟到": 1}, 0),
    ({"病假": 1}, Fraction(1, 2)),       # 病假 1 节 = 0.5 节
    ({"事假": 1}, 1),                    # course default
    ({"因公": 5}, 0),                    # 因公 not counted
    ({"旷课": 2, "迟到": 3, "病假": 1}, Fraction(11, 2)),
])
def test_absent_equivalent_periods(counts, absent):
    """Each status converts to absent periods as standard 002 says."""
    r = gradebook.score_attendance({"出勤": 40, **counts}, RULE, 20)
    assert r.absent == absent


def test_duty_leave_is_left_out_of_the_total():
    """因公 periods are neither absences nor part of the total: 60 of 70 present, 10 因公 → 100 %."""
    r = gradebook.score_attendance({"出勤": 60, "因公": 10}, RULE, 20)
    assert (r.total, r.rate, r.points) == (60, 1, 20)
    assert "因公 10 节不计入" in r.text


@pytest.mark.parametrize("counts, rate, points", [
    ({"出勤": 66, "旷课": 1, "病假": 1, "事假": 1, "迟到": 1}, Fraction(95, 100), 20),   # exactly 95 %
    ({"出勤": 66, "旷课": 1, "病假": 2, "事假": 1}, Fraction(66, 70), 15),               # 94.29 %
    ({"出勤": 66, "旷课": 3, "事假": 1}, Fraction(90, 100), 15),                         # exactly 90 %
    ({"出勤": 65, "旷课": 3, "事假": 1, "病假": 1}, Fraction(625, 700), 10),             # 89.29 %
    ({"出勤": 64, "旷课": 5, "病假": 1}, Fraction(85, 100), 10),                         # exactly 85 %
    ({"出勤": 64, "旷课": 5, "事假": 1}, Fraction(59, 70), 5),                           # 84.29 %
    ({"出勤": 10, "旷课": 60}, Fraction(0), 5),                                          # more absent than total
])
def test_attendance_band_boundaries(counts, rate, points):
    """Exactly 95 / 90 / 85 % belong to the higher band; just below falls to the next."""
    r = gradebook.score_attendance(counts, RULE, 20)
    assert r.rate == rate
    assert r.points == points


def test_rate_display_never_crosses_a_band():
    """A rate just under 95 % is never shown as 95.0 %."""
    r = gradebook.score_attendance({"出勤": 1995, "旷课": 5, "迟到": 1}, RULE, 20)   # 1 − 10/2001 = 99.5 %
    assert r.points == 20
    r = gradebook.score_attendance({"出勤": 1900, "事假": 101}, RULE, 20)             # 94.95 %
    assert r.points == 15 and "94.95 %" in r.text and "95.0 %" not in r.text


def test_linear_attendance_of_standard_001():
    """Standard 001's default: 考勤 = 10 × 出勤率."""
    rule = gradebook.load_policy("standard_001").component("考勤").attendance
    r = gradebook.score_attendance({"出勤": 63, "旷课": 2, "迟到": 2, "因公": 3}, rule, 10)
    assert r.rate == Fraction(62, 67) and r.points == pytest.approx(10 * 62 / 67)


def test_truancy_bar_sends_to_retake(tmp_path):
    """Optional rule: 旷课 beyond a third of the periods → 重修 without make-up (real data: 2024029 has 27 of 70)."""
    path = write_policy(tmp_path, "      # bar: {statuses: [旷课], over: 1/3}", "      bar: {statuses: [旷课], over: 1/3}")
    attendance = datasets.load_attendance()
    ids = sorted(attendance["student_id"].unique())
    table = pd.DataFrame({"学号": ids, "课堂违纪次数": 0, "期中": 100, "期末": 100})
    g = gradebook.final_grades(path, nb(), attendance, table, roster=ids, on_missing="zero")
    by_id = g.set_index("学号")
    assert by_id.loc["2024029", "结果"] == "重修" and "三分之一" not in by_id.loc["2024029", "说明"]
    assert "超过应出勤节数的 1/3" in by_id.loc["2024029", "说明"]
    assert by_id.loc["2024040", "结果"] == "通过"      # 20 of 70: just under the line


# --------------------------------------------------------------------------- components and totals
def test_explanation_shows_the_working():
    """The explanation counts 旷课 2 节 as 4, 迟到 3 次 as 1 and gives the rate and band."""
    g = grades_002(att(出勤=62, 旷课=2, 迟到=3, 病假=3))
    text = gradebook.explain(g, "2024001")
    assert "旷课 2 节按 4 节计" in text and "迟到 3 次按 1 节计" in text and "病假 3 节按 1.5 节计" in text
    assert "折合缺勤 6.5 节" in text and "(70 − 6.5) ÷ 70 = 90.7 %" in text and "得 15 分" in text
    assert g.loc[0, "出勤"] == 15


@pytest.mark.parametrize("conduct, points", [(0, 10), (3, 7), (10, 0), (12, 0), ("", 10)])
def test_conduct_loses_one_point_per_violation_not_below_zero(conduct, points):
    """课堂表现: −1 per recorded violation, never below 0; a blank cell counts as 0 and says so."""
    g = grades_002(conduct=conduct)
    assert g.loc[0, "课堂表现"] == points
    if conduct == "":
        assert "空格按 0 次计" in g.loc[0, "说明"]
    if conduct == 12:
        assert "扣完为止" in g.loc[0, "说明"]


def test_homework_loses_one_point_per_missing_submission():
    """作业: each nbgrader assignment without a submission costs 1 point; the teacher's own count adds."""
    export = nb([("a01", True, 9, 10), ("a02", False, 0, 10), ("a03", False, 0, 10)])
    g = grades_002(nbgrader=export)
    assert g.loc[0, "作业"] == 8 and "a02、a03" in g.loc[0, "说明"]
    g = gradebook.final_grades("standard_002", export, att(出勤=70), marks(课堂违纪次数=0, 期中=90, 期末=90, 缺交作业次数=1))
    assert g.loc[0, "作业"] == 7


def test_exam_marks_scale_and_zero_words():
    """期中/期末 scale from 100; 缺考 and 作弊 count 0 and are named; a mark above the maximum is refused."""
    g = grades_002(midterm=85, final="作弊")
    assert (g.loc[0, "期中考试"], g.loc[0, "期末考试"]) == (17, 0)
    assert "“作弊”，按 0 分计" in g.loc[0, "说明"]
    with pytest.raises(InputError, match="第 2 行（学号 2024001）“期中”一栏是 120，超过了满分 100"):
        grades_002(midterm=120)
    with pytest.raises(InputError, match="“期末”一栏是“良好”"):
        grades_002(final="良好")


@pytest.mark.parametrize("final, total, result", [
    (50, 60, "通过"),        # total exactly 60
    (48.75, 59.5, "通过"),   # 59.5 rounds half up to 60 (documented)
    (48.5, 59.4, "补考"),
    (0, 40, "补考"),
])
def test_total_boundary_at_sixty(final, total, result):
    """出勤 20 + 课堂 10 + 作业 10 + 期中 0 + 期末 final × 0.4: a total of exactly 60 passes."""
    g = grades_002(midterm=0, final=final)
    assert g.loc[0, "合计"] == pytest.approx(total)
    assert g.loc[0, "结果"] == result
    assert g.loc[0, "总评"] == (60 if total >= 59.5 else round(total))


def test_no_makeup_means_retake(tmp_path):
    """A policy without makeup sends a failing student straight to 重修."""
    path = write_policy(tmp_path, "makeup:\n  attempts: 1 ", "makeup:\n  attempts: 0 ")
    g = gradebook.final_grades(path, nb(), att(出勤=70), marks(课堂违纪次数=0, 期中=0, 期末=10))
    assert g.loc[0, "结果"] == "重修" and "须重修" in g.loc[0, "说明"]


def test_practice_from_nbgrader_in_standard_001():
    """001's 实践成绩 = 35 × mean rate over assignments; the late penalty is already in nbgrader's score."""
    g = gradebook.final_grades("standard_001", FIX / "grades.csv", FIX / "attendance.csv", FIX / "marks_utf8_bom.csv")
    by_id = g.set_index("学号")
    assert by_id.loc["2024001", "实践成绩"] == pytest.approx(35 * (0.9 + 0.9) / 2)
    assert by_id.loc["2024002", "实践成绩"] == pytest.approx(35 * (0.7 + 0.7) / 2)     # 16 − 2 late = 14/20
    assert "（未提交）" in by_id.loc["2024003", "说明"]
    assert by_id.loc["2024001", "课堂评估小计"] == pytest.approx(10 + 9 + 12)


# --------------------------------------------------------------------------- inputs
def test_gbk_and_utf8_bom_marks_give_the_same_grades():
    """Excel's GBK CSV and its “CSV UTF-8” (BOM) read the same."""
    a = gradebook.final_grades("standard_002", FIX / "grades.csv", FIX / "attendance.csv", FIX / "marks_gbk.csv")
    b = gradebook.final_grades("standard_002", FIX / "grades.csv", FIX / "attendance.csv", FIX / "marks_utf8_bom.csv")
    pd.testing.assert_frame_equal(a, b)
    assert a["姓名"].tolist() == ["王语馨", "何俊", "郭俊"]
    assert a.set_index("学号").loc["2024002", "期末考试"] == 0


def test_unknown_student_in_marks_is_refused(tmp_path):
    """A 学号 in the marks that is in neither nbgrader nor attendance is almost always a typo."""
    text = (FIX / "marks_utf8_bom.csv").read_text(encoding="utf-8-sig") + "2024099,张三,0,80,80,80,80\n"
    (tmp_path / "marks.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"2024099（第 5 行）"):
        gradebook.final_grades("standard_002", FIX / "grades.csv", FIX / "attendance.csv", tmp_path / "marks.csv")


def test_missing_attendance_is_refused():
    """A policy with attendance points needs the attendance log."""
    with pytest.raises(InputError, match="attendance=datasets.load_attendance()"):
        gradebook.final_grades("standard_002", FIX / "grades.csv", None, FIX / "marks_gbk.csv")


def test_missing_marks_or_column_is_refused():
    """No marks at all, or a marks table without a needed column, is refused naming the columns."""
    with pytest.raises(InputError, match="课堂违纪次数、期中、期末"):
        gradebook.final_grades("standard_002", nb(), att(出勤=70))
    with pytest.raises(InputError, match="缺少列 “期末”"):
        gradebook.final_grades("standard_002", nb(), att(出勤=70), marks(课堂违纪次数=0, 期中=80))


def test_student_missing_from_one_source_is_pending_not_zero():
    """A student absent from the attendance log: 出勤 and the total are 待定, and the reason is given."""
    log = pd.concat([att(出勤=70), att("2024002", "何俊", 出勤=70)])
    table = pd.DataFrame({"学号": ["2024001", "2024002", "2024003"], "课堂违纪次数": 0, "期中": 80, "期末": [80, 80, ""]})
    export = pd.concat([nb(), nb(sid="2024002"), nb(sid="2024003")])
    g = gradebook.final_grades("standard_002", export, log, table).set_index("学号")
    assert pd.isna(g.loc["2024003", "出勤"]) and pd.isna(g.loc["2024003", "总评"])
    assert g.loc["2024003", "结果"] == "待定"
    assert "考勤表中没有这名学生的记录" in g.loc["2024003", "待核实"]
    assert "期末”为空" in g.loc["2024003", "待核实"] and "本项待定" in g.loc["2024003", "说明"]
    zero = gradebook.final_grades("standard_002", export, log, table, on_missing="zero").set_index("学号")
    assert zero.loc["2024003", "出勤"] == 0 and zero.loc["2024003", "结果"] == "补考"
    assert "按 0 分计" in zero.loc["2024003", "说明"]
    assert g.loc["2024001", "结果"] == "通过" and g.loc["2024001", "待核实"] == ""


def test_name_mismatch_is_reported():
    """The same 学号 with different names in two sources is flagged for checking."""
    table = pd.DataFrame({"学号": ["2024001"], "姓名": ["王雨馨"], "课堂违纪次数": [0], "期中": [80], "期末": [80]})
    g = gradebook.final_grades("standard_002", nb(), att(出勤=70), table)
    assert "姓名不一致" in g.loc[0, "待核实"] and "王雨馨" in g.loc[0, "待核实"]


def test_assignment_notes_at_class_level(tmp_path):
    """Listed assignments not yet exported, and exported ones no component uses, are noted."""
    source = datasets.data_dir() / "grading_policies" / "standard_001.yaml"
    path = write_policy(tmp_path, "assignments: all ", "assignments: [a01, a09] ", source=source)
    export = nb([("a01", True, 8, 10), ("a02", True, 5, 10)])
    g = gradebook.final_grades(path, export, att(出勤=70), marks(教师评估=80, 课后作业=80, 期末=80))
    notes = " ".join(g.attrs["notes"])
    assert "a09 不在 nbgrader 导出文件中" in notes and "a02 没有计入任何一项" in notes
    assert g.loc[0, "实践成绩"] == pytest.approx(35 * 0.8)


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_text("学号,姓名,期中\n2024001,王,80\n2024001,王,81\n", encoding="utf-8"), "第 2 行和第 3 行"),
    (lambda p: p.write_bytes(b"PK\x03\x04"), "另存为"),
])
def test_bad_marks_files(tmp_path, make, message):
    """Duplicate 学号 rows and Excel workbooks get a Chinese fix."""
    path = tmp_path / ("marks.xlsx" if message == "另存为" else "marks.csv")
    make(path)
    with pytest.raises(InputError, match=message):
        gradebook.final_grades("standard_002", nb(), att(出勤=70), path)


def test_bad_attendance_and_nbgrader_inputs():
    """An unknown attendance status or an export without nbgrader's columns is refused."""
    with pytest.raises(InputError, match="“请假”不认识"):
        grades_002(att(出勤=69, 请假=1))
    with pytest.raises(InputError, match="缺少列 max_score"):
        grades_002(nbgrader=nb().drop(columns=["max_score"]))


def test_whole_class_from_the_course_data():
    """All 40 students of data/attendance.csv get a grade; the 因公 student's periods are left out."""
    attendance = datasets.load_attendance()
    ids = sorted(attendance["student_id"].unique())
    export = pd.concat([nb([("a01", i % 5 != 0, 8, 10)], sid=s) for i, s in enumerate(ids)])
    table = pd.DataFrame({"学号": ids, "课堂违纪次数": 1, "期中": 75, "期末": 70})
    g = gradebook.final_grades("standard_002", export, attendance, table).set_index("学号")
    assert len(g) == 40 and set(g["结果"]) <= {"通过", "补考"}
    assert "因公 24 节不计入" in g.loc["2024031", "说明"]
    assert g.loc["2024031", "出勤"] == 20


# --------------------------------------------------------------------------- make-up and CSV
@pytest.mark.parametrize("score, verdict, final, retake", [
    (60, "补考通过", 60, False),      # exactly 60 passes
    (75, "补考通过", 60, False),      # recorded as 60 (record_as: pass_mark)
    (59, "重修", 59, True),
    ("缺考", "重修", 0, True),
])
def test_makeup(score, verdict, final, retake):
    """One make-up: ≥ 60 passes (recorded as 60), below 60 or absent → 重修."""
    g = grades_002(midterm=0, final=0)
    out = gradebook.apply_makeup(g, {"2024001": score})
    row = out.iloc[0]
    assert (row["最终结果"], row["最终成绩"], bool(row["需重修"])) == (verdict, final, retake)
    assert "补考：" in row["说明"]


def test_makeup_from_file_and_pending():
    """Make-up scores from a CSV; a 补考 student without a score stays 待定; passed students keep their total."""
    g = gradebook.final_grades("standard_001", FIX / "grades.csv", FIX / "attendance.csv", FIX / "marks_gbk.csv")
    out = gradebook.apply_makeup(g, FIX / "makeup.csv").set_index("学号")
    assert out.loc["2024002", "最终结果"] == "补考通过"
    assert out.loc["2024003", "最终结果"] == "待定" and pd.isna(out.loc["2024003", "需重修"])
    assert out.loc["2024001", "最终结果"] == "通过" and out.loc["2024001", "最终成绩"] == out.loc["2024001", "总评"]


def test_makeup_record_as_score(tmp_path):
    """record_as: score keeps the make-up mark."""
    path = write_policy(tmp_path, "record_as: pass_mark ", "record_as: score ")
    g = gradebook.final_grades(path, nb(), att(出勤=70), marks(课堂违纪次数=0, 期中=0, 期末=0))
    assert gradebook.apply_makeup(g, {"2024001": 75}).loc[0, "最终成绩"] == 75


def test_makeup_bad_inputs():
    """A make-up mark for a student who passed, or an unknown student, is refused."""
    passed = grades_002()
    with pytest.raises(InputError, match="不需要补考"):
        gradebook.apply_makeup(passed, {"2024001": 70})
    with pytest.raises(InputError, match="2024099 不在成绩表中"):
        gradebook.apply_makeup(passed, {"2024099": 70})
    with pytest.raises(InputError, match="超过补考满分"):
        gradebook.apply_makeup(grades_002(final=0, midterm=0), {"2024001": 130})


def test_to_csv_is_excel_safe(tmp_path):
    """UTF-8 with BOM, Chinese headers intact, explanations round-trip."""
    g = grades_002(att(出勤=66, 旷课=2))
    path = gradebook.to_csv(g, tmp_path / "out" / "期末总评.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(path, encoding="utf-8-sig", dtype={"学号": str})
    assert back.loc[0, "学号"] == "2024001" and back.loc[0, "说明"] == g.loc[0, "说明"]
    assert list(back.columns[:3]) == ["学号", "姓名", "出勤"]


def test_explain_unknown_student():
    """explain() of a 学号 not in the table says so."""
    with pytest.raises(InputError, match="没有学号 2024099"):
        gradebook.explain(grades_002(), "2024099")


def test_import_stays_light():
    """import cslab.gradebook does not load pandas (teachers' scripts and the CLI start fast)."""
    code = "import sys, cslab.gradebook; print('pandas' in sys.modules, 'yaml' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
