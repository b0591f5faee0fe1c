"""deploy/school/setup_course.py without root: settings and class list are checked before anything changes."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def setup_course():
    spec = importlib.util.spec_from_file_location("setup_course", ROOT / "deploy" / "school" / "setup_course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(tmp_path: Path, **settings) -> Path:
    path = tmp_path / "course.yaml"
    path.write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_shipped_settings_load(setup_course):
    """deploy/school/course.yaml is valid as shipped (a school copies it and edits it)."""
    settings = setup_course.load_settings(ROOT / "deploy" / "school" / "course.yaml")
    assert settings["course_id"] == "ecs2026" and settings["teachers"] == ["teacher"]
    assert settings["exchange"] == "/srv/nbgrader/exchange" and settings["admins"] == []


@pytest.mark.parametrize("settings, message", [
    ({"teachers": ["t"]}, "course_id"),
    ({"course_id": "客服 2301", "teachers": ["t"]}, "course_id"),
    ({"course_id": "ecs"}, "teachers"),
    ({"course_id": "ecs", "teachers": ["Teacher Wang"]}, "不能作系统账号"),
    ({"course_id": "ecs", "teachers": ["t"], "exchange": "exchange"}, "绝对路径"),
])
def test_bad_settings_are_explained(setup_course, tmp_path, settings, message):
    with pytest.raises(setup_course.SetupError, match=message):
        setup_course.load_settings(_write(tmp_path, **settings))


def test_missing_or_broken_settings_file(setup_course, tmp_path):
    with pytest.raises(setup_course.SetupError, match="找不到课程设置文件"):
        setup_course.load_settings(tmp_path / "none.yaml")
    (tmp_path / "bad.yaml").write_text("course_id: [", encoding="utf-8")
    with pytest.raises(setup_course.SetupError, match="不是有效的 YAML"):
        setup_course.load_settings(tmp_path / "bad.yaml")


def test_class_list_with_passwords_and_bad_usernames(setup_course, tmp_path):
    """学号 become system user names, so they must be valid ones; 初始密码 is optional (UTF-8 or GBK)."""
    roster = tmp_path / "students.csv"
    roster.write_bytes("学号,姓名,初始密码\ns2026001,张三,Abc12345\ns2026002,欧阳娜娜,\n".encode("gbk"))
    rows = setup_course.read_students(roster)
    assert rows == [{"id": "s2026001", "name": "张三", "password": "Abc12345"},
                    {"id": "s2026002", "name": "欧阳娜娜", "password": ""}]
    roster.write_text("学号,姓名\n2026001,张三\n", encoding="utf-8")
    with pytest.raises(setup_course.SetupError, match="s2026010101"):
        setup_course.read_students(roster)


def test_relative_class_list_is_next_to_the_settings(setup_course, tmp_path):
    path = _write(tmp_path, course_id="ecs", teachers=["t"], students_file="students.csv")
    assert setup_course.load_settings(path)["students_file"] == str(tmp_path / "students.csv")


def test_excel_class_list_with_passwords(setup_course, tmp_path):
    """An .xlsx class list works too; Excel's numbers-as-floats do not leak into passwords."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["学号", "姓名", "初始密码"])
    book.active.append(["s2026001", "阿依古丽·买买提", 20260101])
    book.save(tmp_path / "名单.xlsx")
    assert setup_course.read_students(tmp_path / "名单.xlsx") == [
        {"id": "s2026001", "name": "阿依古丽·买买提", "password": "20260101"}]
