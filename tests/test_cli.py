"""The teacher's command line: Chinese help and errors, course init with a class list, the whole flow."""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "data" / "hostile"))
import hostile  # noqa: E402

from cslab.cli import main  # noqa: E402
from cslab.errors import InputError  # noqa: E402
from cslab.grading import Course, read_roster  # noqa: E402
from cslab.grading._roster import parse_roster_rows  # noqa: E402

AID = "t01_quick"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def _students(root: Path) -> dict:
    with Course(root).gradebook() as gb:
        return {s.id: (s.first_name, s.last_name, s.email) for s in gb.students}


def test_help_is_chinese(capsys):
    """`cslab -h` and `cslab grade -h` explain themselves in Chinese."""
    code, out, _ = run(capsys, "-h")
    assert code == 0 and "用法：cslab" in out and "批量自动评分" in out and "选项" in out
    code, out, _ = run(capsys, "grade", "-h")
    assert code == 0 and "--workers" in out and "每个单元格的时限" in out and "--force" in out


def test_usage_errors_are_chinese(capsys):
    """Missing or bad arguments end with exit 2 and a Chinese message."""
    code, _, err = run(capsys, "grade")
    assert code == 2 and "缺少参数：作业" in err
    code, _, err = run(capsys, "grade", "a01", "--workers", "0")
    assert code == 2 and "应为正整数" in err
    code, _, err = run(capsys, "grade", "a01", "--timeout", "很久")
    assert code == 2 and "应为秒数" in err
    code, _, err = run(capsys, "course")
    assert code == 2 and "cslab course init" in err


def test_not_a_course_folder(tmp_path, capsys):
    """Commands outside a course say so, in Chinese, without a traceback."""
    for argv in (["grade", "a01"], ["feedback", "a01"], ["export"], ["report", "a01"]):
        code, _, err = run(capsys, *argv, "-C", tmp_path)
        assert code == 2 and "不是课程目录" in err and "cslab course init" in err


def test_roster_keeps_chinese_names_whole():
    """Names are never split; alignment spaces go; Excel's numeric 学号 becomes text."""
    rows = [["", ""], ["序号", "学号", "姓 名", "邮箱"], [1, 2023010101.0, "张　三", ""],
            [2, "2023010102", "欧阳 娜娜", "ouyang@example.cn"], [3, "2023010103", "阿依古丽·买买提", None]]
    students = parse_roster_rows(rows)
    assert [(s.id, s.name, s.email) for s in students] == [
        ("2023010101", "张三", None), ("2023010102", "欧阳娜娜", "ouyang@example.cn"),
        ("2023010103", "阿依古丽·买买提", None)]


@pytest.mark.parametrize("rows, words", [
    ([["姓名"], ["张三"]], ["没有“学号”列"]),
    ([["学号", "名"], ["1", "张三"]], ["没有“姓名”列"]),
    ([["学号", "姓名"], ["1", "张三"], ["1", "李四"]], ["第 3 行学号 1 与第 2 行重复"]),
    ([["学号", "姓名"], ["20/01", "张三"]], ["第 2 行", "不能含有"]),
    ([["学号", "姓名"]], ["没有学生"]),
])
def test_roster_errors_are_chinese(rows, words):
    """A bad class list is refused with the row to fix."""
    with pytest.raises(InputError) as err:
        parse_roster_rows(rows, source="名单.csv")
    assert all(w in str(err.value) for w in words), str(err.value)


def test_roster_file_types(tmp_path):
    """GBK CSV (Excel on Chinese Windows), UTF-8 with BOM, .xlsx; old .xls is refused kindly."""
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("学号,姓名\n2023001,张三\n".encode("gbk"))
    bom = tmp_path / "bom.csv"
    bom.write_bytes("学号,姓名\n2023001,张三\n".encode("utf-8-sig"))
    assert read_roster(gbk) == read_roster(bom)
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["学号", "姓名"])
    book.active.append([2023001, "张三"])
    book.save(tmp_path / "名单.xlsx")
    assert read_roster(tmp_path / "名单.xlsx") == read_roster(gbk)
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match="另存为 .xlsx"):
        read_roster(tmp_path / "old.xls")
    with pytest.raises(InputError, match="不是有效的 .xlsx"):
        (tmp_path / "bad.xlsx").write_text("x")
        read_roster(tmp_path / "bad.xlsx")


def test_course_init_imports_students_and_is_rerunnable(tmp_path, capsys):
    """init writes config, assignments and gradebook; names go whole into last_name; a rerun keeps edits."""
    roster = tmp_path / "名单.csv"
    roster.write_bytes("学号,姓名\n2023001,张三\n2023002,欧阳娜娜\n".encode("gbk"))
    root = tmp_path / "客服2301班"
    code, out, _ = run(capsys, "course", "init", root, "--students", roster)
    assert code == 0 and "新增 2 人" in out and "课程已就绪" in out
    assert (root / "nbgrader_config.py").is_file() and (root / "gradebook.db").is_file()
    assert (root / "source_assignments" / "a01_product_lookup" / "a01_product_lookup.ipynb").is_file()
    assert _students(root) == {"2023001": ("", "张三", None), "2023002": ("", "欧阳娜娜", None)}
    with open(root / "nbgrader_config.py", "a", encoding="utf-8") as fh:
        fh.write("\n# 老师自己的设置\n")
    roster.write_text("学号,姓名,邮箱\n2023002,欧阳娜娜,oy@example.cn\n2023003,阿依古丽·买买提,\n", encoding="utf-8")
    code, out, _ = run(capsys, "course", "init", root, "--students", roster)
    assert code == 0 and "新增 1 人，更新 1 人" in out and "保留已有的 nbgrader_config.py" in out
    assert "老师自己的设置" in (root / "nbgrader_config.py").read_text(encoding="utf-8")
    assert _students(root)["2023002"] == ("", "欧阳娜娜", "oy@example.cn")
    assert _students(root)["2023003"] == ("", "阿依古丽·买买提", None)


def test_course_init_sets_the_course_id(tmp_path, capsys):
    """--course-id goes into the course's nbgrader config (the exchange uses it); a bad one is refused."""
    root = tmp_path / "课"
    code, out, _ = run(capsys, "course", "init", root, "--course-id", "ecs2026")
    assert code == 0 and "课程代号：ecs2026" in out
    from cslab.grading import Course

    assert Course(root).course_id == "ecs2026"
    code, out, _ = run(capsys, "course", "init", root, "--course-id", "ecs2027")
    assert code == 0 and Course(root).course_id == "ecs2027"
    assert (root / "nbgrader_config.py").read_text(encoding="utf-8").count("course_id") == 1
    code, _, err = run(capsys, "course", "init", tmp_path / "x", "--course-id", "客服 班")
    assert code == 2 and "课程代号" in err and not (tmp_path / "x").exists()


def test_course_init_refuses_a_bad_roster_before_writing(tmp_path, capsys):
    """A broken class list stops init before anything is created."""
    roster = tmp_path / "名单.csv"
    roster.write_text("学号,姓名\n1,张三\n1,李四\n", encoding="utf-8")
    code, _, err = run(capsys, "course", "init", tmp_path / "新课", "--students", roster)
    assert code == 2 and "重复" in err and not (tmp_path / "新课").exists()
    code, _, err = run(capsys, "course", "init", tmp_path / "新课", "--students", tmp_path / "没有这个.csv")
    assert code == 2 and "找不到名单文件" in err


def test_export_and_grade_before_any_assignment(tmp_path, capsys):
    """Before nbgrader generate_assignment, export and grade explain the missing step."""
    run(capsys, "course", "init", tmp_path / "c")
    code, _, err = run(capsys, "export", "-C", tmp_path / "c")
    assert code == 2 and "还没有作业" in err
    code, _, err = run(capsys, "grade", "a01_product_lookup", "-C", tmp_path / "c")
    assert code == 2 and "nbgrader generate_assignment a01_product_lookup" in err


@pytest.mark.slow
def test_whole_flow(tmp_path, capsys):
    """grade → feedback → export (BOM CSV, xlsx) → report, with Chinese names and output."""
    root, _, _ = hostile.build_course(tmp_path / "course", ["reference", "blank", "not_json"], duedate=None)
    roster = tmp_path / "名单.csv"
    roster.write_text("学号,姓名\nreference,张三\nblank,欧阳娜娜\nnot_json,阿依古丽·买买提\nabsent,李四\n",
                      encoding="utf-8")
    assert run(capsys, "course", "init", root, "--students", roster)[0] == 0

    code, out, _ = run(capsys, "grade", AID, "-C", root)
    assert code == 0, out
    assert re.search(r"学号\s+姓名\s+得分\s+满分\s+状态\s+说明", out) and "[3/3]" in out
    assert "张三" in out and "欧阳娜娜" in out and "文件损坏" in out
    assert "共 3 份：" in out
    code, out, _ = run(capsys, "grade", AID, "-C", root)
    assert code == 0 and "都已评过且没有改动" in out
    code, _, err = run(capsys, "grade", "a99", "-C", root)
    assert code == 2 and "成绩库里没有作业 a99" in err

    code, out, _ = run(capsys, "feedback", AID, "-C", root)
    assert code == 0 and "已生成 2 个反馈网页" in out

    code, out, _ = run(capsys, "export", "-C", root, "--out", tmp_path / "导出")
    assert code == 0 and "UTF-8 带 BOM" in out
    raw = (tmp_path / "导出" / "grades.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["学号", "姓名", AID, "总分"]
    assert ["reference", "张三", "10", "10"] in rows and ["absent", "李四", "0", "0"] in rows
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "导出" / "grades.xlsx")["成绩"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["学号", "姓名", AID, "总分"] and ["blank", "欧阳娜娜", 0, 0] in values

    code, out, _ = run(capsys, "report", AID, "-C", root)
    assert code == 0 and "难度P" in out and "区分度D" in out and "未作答（NotImplementedError）" in out
    folder = root / "reports" / AID
    for name in ("scores.csv", "items.csv", "failures.csv", "distribution.png", "items.png"):
        assert (folder / name).stat().st_size > 0, name
    assert (folder / "items.csv").read_text(encoding="utf-8-sig").splitlines()[0] == \
        "题目,满分,平均分,难度P,区分度D,题总相关r,区分度评价"
    assert (folder / "distribution.png").read_bytes()[:4] == b"\x89PNG"
