"""The class list (学号, 姓名) from CSV or Excel, and how a Chinese name sits in nbgrader's fields.

nbgrader keeps ``first_name`` and ``last_name``. A Chinese name is written surname first with no
separator, and splitting it is unreliable (复姓 such as 欧阳、司马; names of ethnic minorities such
as 阿依古丽·买买提), so cslab never splits: the whole name goes into ``last_name`` and
``first_name`` stays empty. nbgrader sorts students by ``last_name``, which then sorts by the
full name; its formgrader shows ``last_name, first_name``, i.e. ``张三, ``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

__all__ = ["Student", "read_roster", "read_table", "parse_roster_rows", "clean_name", "display_name",
           "check_student_id", "nbgrader_name_fields"]

#: accepted header spellings (after removing spaces), first is the canonical one
_ID_HEADERS = ("学号", "学生学号", "学籍号", "学号/工号", "studentid", "student_id", "id")
_NAME_HEADERS = ("姓名", "学生姓名", "名字", "name")
_EMAIL_HEADERS = ("邮箱", "电子邮箱", "email", "e-mail")
_BAD_ID_CHARS = set('/\\:*?"<>|')
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Student:
    """One row of the class list."""

    id: str
    name: str
    email: str | None = None


def clean_name(name) -> str:
    """Tidy a name as typed in a class list: spaces used to align two-character names go.

    >>> clean_name(" 张　三 "), clean_name("欧阳 娜娜"), clean_name("Li  Hua"), clean_name("阿依古丽·买买提")
    ('张三', '欧阳娜娜', 'Li Hua', '阿依古丽·买买提')
    """
    text = "" if name is None else str(name)
    text = re.sub(r"[\s\u3000]+", " ", text).strip()
    # a space between two Chinese characters is padding, not part of the name
    return re.sub(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])", "", text)


def nbgrader_name_fields(name: str) -> dict:
    """The nbgrader fields for a full name: all of it in ``last_name``, never split.

    >>> nbgrader_name_fields("欧阳娜娜")
    {'first_name': '', 'last_name': '欧阳娜娜'}
    """
    return {"first_name": "", "last_name": name}


def display_name(first_name: str | None, last_name: str | None) -> str:
    """The name to show: cslab's own rows give the full name; others are joined sensibly.

    >>> display_name("", "张三"), display_name("三", "张"), display_name("Hua", "Li"), display_name(None, None)
    ('张三', '张三', 'Hua Li', '')
    """
    first, last = (first_name or "").strip(), (last_name or "").strip()
    if not first or not last:
        return last or first
    if _CJK.search(first) and _CJK.search(last):
        return last + first
    return f"{first} {last}"


def check_student_id(student_id: str) -> str | None:
    """Why a 学号 cannot be a folder name in submitted/, or ``None`` when it can.

    >>> check_student_id("2023010101") is None, check_student_id("张三") is None
    (True, True)
    >>> check_student_id("20/01")
    '不能含有 / \\\\ : * ? " < > | 等字符'
    """
    if not student_id:
        return "不能为空"
    if student_id in (".", "..") or student_id.startswith("."):
        return "不能以“.”开头"
    if any(ch in _BAD_ID_CHARS for ch in student_id):
        return '不能含有 / \\ : * ? " < > | 等字符'
    if re.search(r"\s", student_id):
        return "不能含有空格"
    return None


def _cell_text(value) -> str:
    """A spreadsheet cell as text; Excel's 2023010101.0 becomes 2023010101."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\u3000", " ").strip()


def _find_column(header: list[str], names: tuple[str, ...]) -> int | None:
    simple = [re.sub(r"\s", "", h).lower() for h in header]
    for name in names:
        if name in simple:
            return simple.index(name)
    return None


def parse_roster_rows(rows: list[list], source: str = "名单") -> list[Student]:
    """Students from table rows (the first non-empty row is the header with 学号 and 姓名).

    >>> parse_roster_rows([["学号", "姓名"], [2023001, "张 三"], ["2023002", "欧阳娜娜"]])
    [Student(id='2023001', name='张三', email=None), Student(id='2023002', name='欧阳娜娜', email=None)]
    >>> parse_roster_rows([["姓名"], ["张三"]])
    Traceback (most recent call last):
    ...
    cslab.errors.InputError: 名单 的表头里没有“学号”列（第 1 行：姓名）。请把学号所在列的表头写成“学号”。
    """
    rows = [[_cell_text(c) for c in row] for row in rows]
    start = next((i for i, row in enumerate(rows) if any(row)), None)
    if start is None:
        raise InputError(f"{source} 是空的：请提供带“学号”“姓名”两列表头的名单。")
    header = rows[start]
    shown = "、".join(h for h in header if h) or "（空）"
    id_col = _find_column(header, _ID_HEADERS)
    if id_col is None:
        raise InputError(f"{source} 的表头里没有“学号”列（第 {start + 1} 行：{shown}）。"
                         "请把学号所在列的表头写成“学号”。")
    name_col = _find_column(header, _NAME_HEADERS)
    if name_col is None:
        raise InputError(f"{source} 的表头里没有“姓名”列（第 {start + 1} 行：{shown}）。"
                         "请把姓名所在列的表头写成“姓名”。")
    email_col = _find_column(header, _EMAIL_HEADERS)
    students, seen, problems = [], {}, []
    for number, row in enumerate(rows[start + 1:], start=start + 2):
        if not any(row):
            continue
        cell = lambda col: row[col] if col is not None and col < len(row) else ""  # noqa: E731
        sid, name, email = cell(id_col), clean_name(cell(name_col)), cell(email_col) or None
        why = check_student_id(sid)
        if why:
            problems.append(f"第 {number} 行学号“{sid}”{why}")
            continue
        if sid in seen:
            problems.append(f"第 {number} 行学号 {sid} 与第 {seen[sid]} 行重复")
            continue
        seen[sid] = number
        students.append(Student(sid, name, email))
    if problems:
        more = f"（另有 {len(problems) - 10} 处）" if len(problems) > 10 else ""
        raise InputError(f"{source} 有问题，请改正后重新导入：\n  " + "\n  ".join(problems[:10]) + more)
    if not students:
        raise InputError(f"{source} 里没有学生：表头下面至少要有一行学号和姓名。")
    return students


def _csv_rows(path: Path) -> list[list]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise InputError(f"{path.name} 的文字编码无法识别：请在 Excel 里“另存为 CSV UTF-8”。")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _xlsx_rows(path: Path) -> list[list]:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise InputError("读取 Excel 名单需要 openpyxl：请运行 pip install openpyxl，或把名单另存为 CSV。") from exc
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise InputError(f"{path.name} 不是有效的 .xlsx 文件（{type(exc).__name__}）："
                         "请用 Excel 或 WPS 打开后另存为 .xlsx 或 CSV。") from exc
    try:
        for sheet in book.worksheets:  # the first sheet that has a 学号 header
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            if any(_find_column([_cell_text(c) for c in row], _ID_HEADERS) is not None for row in rows[:20]):
                return rows
        return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)] if book.worksheets else []
    finally:
        book.close()


def read_table(path) -> list[list[str]]:
    """The rows of a class list file (CSV in UTF-8 or GBK, or Excel .xlsx), every cell as text."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到名单文件 {path}：请检查路径。")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    elif suffix in (".csv", ".txt", ".tsv"):
        rows = _csv_rows(path)
    elif suffix == ".xls":
        raise InputError(f"{path.name} 是旧版 Excel（.xls）：请在 Excel 或 WPS 里另存为 .xlsx 或 CSV。")
    else:
        raise InputError(f"{path.name}：名单应为 .csv 或 .xlsx 文件。")
    return [[_cell_text(c) for c in row] for row in rows]


def read_roster(path) -> list[Student]:
    """Students from a CSV (UTF-8 or GBK) or Excel .xlsx file with 学号 and 姓名 columns."""
    return parse_roster_rows(read_table(path), source=Path(path).name)
