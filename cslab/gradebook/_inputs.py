"""Read the teacher's inputs: nbgrader's grades.csv, the attendance log, manual marks (UTF-8/BOM/GBK)."""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ._policy import STATUSES

__all__ = ["Marks", "read_table", "read_nbgrader", "read_attendance", "read_marks", "parse_mark",
           "ZERO_MARKS", "NBGRADER_COLUMNS"]

#: nbgrader ``export`` columns (CsvExportPlugin, nbgrader 0.9)
NBGRADER_COLUMNS = ("assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
                    "email", "raw_score", "late_submission_penalty", "score", "max_score")
_NB_NEEDED = ("assignment", "timestamp", "student_id", "score", "max_score")
#: words a teacher may write in a mark cell that count as 0 points (and are named in the explanation)
ZERO_MARKS = ("缺考", "缺交", "作弊", "违纪", "零分")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－", "0123456789.-")


def _label(source, label: str) -> str:
    """“成绩表 marks.csv” for a file, “成绩表” for a DataFrame: how messages name the input."""
    return f"{label} {Path(source).name}" if isinstance(source, (str, os.PathLike)) else label


def read_table(source, label: str):
    """A CSV path (UTF-8 with or without BOM, or GBK) or a DataFrame → DataFrame of text, stripped.

    >>> import pandas as pd
    >>> read_table(pd.DataFrame({" 学号 ": [2024001]}), "成绩表").columns.tolist()
    ['学号']
    """
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        df = source.copy()
        df.columns = [str(c).strip() for c in df.columns]
        return df
    if not isinstance(source, (str, os.PathLike)):
        raise InputError(f"{label}请给出 CSV 文件路径或 pandas DataFrame，现在是 {type(source).__name__}。")
    path = Path(source).expanduser()
    if path.suffix.lower() in (".xlsx", ".xls", ".et", ".wps"):
        raise InputError(f"{label} {path.name} 是表格文件：请在 Excel/WPS 里“另存为”CSV（逗号分隔），再读取 CSV 文件。")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"找不到{label} {path}：请检查文件名和所在文件夹。") from None
    except OSError as exc:
        raise InputError(f"无法读取{label} {path.name}（{exc.strerror or exc}）。") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover (gb18030 decodes almost anything)
        raise InputError(f"{label} {path.name} 的编码无法识别：请另存为“CSV UTF-8”。")
    if not text.strip():
        raise InputError(f"{label} {path.name} 是空文件。")
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except pd.errors.ParserError as exc:
        raise InputError(f"{label} {path.name} 不是规整的 CSV（{exc}）：请检查是否有多余的逗号。") from None
    df.columns = [str(c).strip() for c in df.columns]
    return df.apply(lambda s: s.str.strip())


def _col(df, column):
    """A column as stripped text ('' for blanks), whatever its dtype (categorical, numbers, NaN)."""
    return df[column].astype(object).map(_text)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


def parse_mark(value, where: str):
    """A mark cell → (points or None when blank, the word used for a zero such as 缺考 or "").

    >>> parse_mark("８５", "x"), parse_mark("缺考", "x"), parse_mark("", "x")
    ((85.0, ''), (0.0, '缺考'), (None, ''))
    """
    text = _text(value).translate(_FULLWIDTH).removesuffix("分").strip()
    if not text or text.lower() == "nan":
        return None, ""
    if text in ZERO_MARKS:
        return 0.0, text
    try:
        number = float(text)
    except ValueError:
        raise InputError(f"{where}是“{text}”：请填数字；缺考、作弊等按 0 分计的请写"
                         f"{'、'.join(ZERO_MARKS)}之一；还没有成绩的留空（算作待定）。") from None
    if number != number or number < 0:
        raise InputError(f"{where}是 {text}：分数不能是负数或空值。")
    return number, ""


def read_nbgrader(source) -> dict:
    """nbgrader's grades.csv → {student_id: {"name", "scores": {assignment: (score, max, submitted)}}} and the assignment list."""
    df = read_table(source, "nbgrader 成绩导出文件")
    name = _label(source, "nbgrader 成绩导出文件")
    missing = [c for c in _NB_NEEDED if c not in df.columns]
    if missing:
        raise InputError(f"{name} 缺少列 {', '.join(missing)}：请用 `nbgrader export` 导出的 grades.csv"
                         f"（列：{', '.join(NBGRADER_COLUMNS)}）。")
    students: dict = {}
    assignments: list = []
    for i, row in enumerate(df.to_dict("records"), 2):
        sid, assignment = _text(row["student_id"]), _text(row["assignment"])
        if not sid or not assignment:
            raise InputError(f"{name} 第 {i} 行没有 student_id 或 assignment。")
        try:
            score, top = float(_text(row["score"]) or 0), float(_text(row["max_score"]) or 0)
        except ValueError:
            raise InputError(f"{name} 第 {i} 行（{sid}，{assignment}）的 score/max_score 不是数字。") from None
        stamp = _text(row["timestamp"])
        entry = students.setdefault(sid, {"name": _text(row.get("last_name")) + _text(row.get("first_name")),
                                          "scores": {}})
        if assignment in entry["scores"]:
            raise InputError(f"{name} 里 {sid} 的作业 {assignment} 出现了两次（第 {i} 行）：请重新导出。")
        entry["scores"][assignment] = (score, top, bool(stamp) and stamp.lower() != "none")
        if assignment not in assignments:
            assignments.append(assignment)
    return {"students": students, "assignments": assignments, "file": name}


def read_attendance(source) -> dict:
    """The attendance log (``datasets.load_attendance()`` or a CSV of that shape) → {student_id: ({status: n}, name)}."""
    df = read_table(source, "考勤表")
    name = _label(source, "考勤表")
    missing = [c for c in ("student_id", "status") if c not in df.columns]
    if missing:
        raise InputError(f"{name} 缺少列 {', '.join(missing)}：格式见 data/README.md 的 attendance.csv"
                         f"（student_id, name, date, week, period, status, note）。")
    sids = _col(df, "student_id")
    status = _col(df, "status")
    bad = ~status.isin(STATUSES)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(f"{name} 第 {i + 2} 行（学号 {sids.iloc[i]}）的考勤状态“{status.iloc[i]}”不认识："
                         f"只能是 {'、'.join(STATUSES)}。")
    if (sids == "").any():
        i = int((sids == "").to_numpy().nonzero()[0][0])
        raise InputError(f"{name} 第 {i + 2} 行没有学号。")
    if {"date", "period"} <= set(df.columns):
        key = sids + " " + _col(df, "date").str[:10] + " 第" + _col(df, "period") + "节"
        dup = key[key.duplicated()]
        if len(dup):
            raise InputError(f"{name} 里同一节课记了两次：{dup.iloc[0]}。请删去重复的行。")
    names = _col(df, "name") if "name" in df.columns else sids.map(lambda _: "")
    out: dict = {}
    for sid, st, nm in zip(sids, status, names):
        counts, _ = out.setdefault(sid, ({}, nm))
        counts[st] = counts.get(st, 0) + 1
    return out


@dataclass
class Marks:
    """The teacher's marks table: rows by 学号, the line in the file, and the columns present."""

    file: str
    columns: tuple
    rows: dict = field(default_factory=dict)  # sid -> {"name", "line", "values": {column: raw}}


def read_marks(source, label: str = "成绩表", value_column: str | None = None) -> Marks:
    """Manual marks with Chinese headers (学号, 姓名, one column per component) from a CSV, DataFrame or dict."""
    import pandas as pd

    if isinstance(source, dict):
        if value_column is None:
            raise InputError(f"{label}请写成表格（学号、姓名和各项分数列）。")
        source = pd.DataFrame({"学号": [str(k) for k in source], value_column: list(source.values())})
    df = read_table(source, label)
    name = _label(source, label)
    if "学号" not in df.columns:
        raise InputError(f"{name} 没有“学号”列：第一行应是列名，如 学号,姓名,期中,期末。"
                         f"现在的列：{'、'.join(map(str, df.columns))}。")
    marks = Marks(name, tuple(c for c in df.columns if c not in ("学号", "姓名")))
    lines: dict = {}
    for i, row in enumerate(df.to_dict("records"), 2):
        sid = _text(row["学号"])
        if re.fullmatch(r"\d+\.0", sid):
            sid = sid[:-2]
        if not sid:
            if any(_text(v) for v in row.values()):
                raise InputError(f"{name} 第 {i} 行没有填学号。")
            continue
        if sid in lines:
            raise InputError(f"{name} 第 {lines[sid]} 行和第 {i} 行的学号都是 {sid}：每名学生只能有一行。")
        lines[sid] = i
        marks.rows[sid] = {"name": _text(row.get("姓名")), "line": i,
                           "values": {c: row[c] for c in marks.columns}}
    return marks
