"""``cslab export``: the class's grades as CSV (UTF-8 with BOM, for Excel) and .xlsx, Chinese headers.

Scores are nbgrader's export ``score`` (raw score minus late penalty, never below 0); a student
with no submission gets 0, as in ``nbgrader export``.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

from ..errors import CslabError
from ._course import Course
from ._roster import display_name
from ._text import format_points

__all__ = ["grade_table", "export_grades", "write_csv", "write_xlsx"]


def grade_table(course: Course) -> tuple[list[str], list[list], dict[str, float]]:
    """Headers, one row per student (学号, 姓名, each assignment, 总分) and each assignment's maximum."""
    from nbgrader.api import MissingEntry

    with course.gradebook() as gb:
        assignments = list(gb.assignments)
        if not assignments:
            raise CslabError("成绩库里还没有作业：先用 nbgrader generate_assignment 生成作业，评分后再导出。")
        maxima = {a.name: float(a.max_score) for a in assignments}
        rows = []
        for student in sorted(gb.students, key=lambda s: s.id):
            row = [student.id, display_name(student.first_name, student.last_name)]
            for assignment in assignments:
                try:
                    sub = gb.find_submission(assignment.name, student.id)
                except MissingEntry:
                    row.append(0.0)
                    continue
                penalty = sub.late_submission_penalty or 0.0
                row.append(round(max(0.0, sub.score - penalty), 2))
            row.append(round(sum(row[2:]), 2))
            rows.append(row)
    headers = ["学号", "姓名", *maxima, "总分"]
    return headers, rows, maxima


def write_csv(path: Path, headers: list[str], rows: list[list]) -> Path:
    """CSV in UTF-8 with a BOM, so Excel on Chinese Windows opens it without mojibake."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([format_points(c) if isinstance(c, float) else c for c in row])
    return path


def write_xlsx(path: Path, headers: list[str], rows: list[list], maxima: dict[str, float],
               course_id: str = "") -> Path:
    """An Excel workbook: sheet 成绩 (学号 kept as text) and sheet 说明 (maximum of each assignment)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "成绩"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=1).number_format = "@"  # 学号 stays text (leading zeros)
    for column, header in enumerate(headers, start=1):
        values = [str(header)] + [str(r[column - 1]) for r in rows]
        width = max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in v) for v in values)
        sheet.column_dimensions[get_column_letter(column)].width = min(40, width + 2)
    sheet.freeze_panes = "C2"
    notes = book.create_sheet("说明")
    notes.append(["作业", "满分"])
    for name, top in maxima.items():
        notes.append([name, top])
    notes.append(["总分", sum(maxima.values())])
    notes.append([])
    notes.append(["课程", course_id])
    notes.append(["导出时间", time.strftime("%Y-%m-%d %H:%M")])
    notes.append(["说明", "得分 = nbgrader 的得分减迟交扣分（不低于 0）；没有提交记 0 分。"])
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 60
    book.save(path)
    return path


def export_grades(course=".", out_dir=None) -> dict:
    """Write grades.csv and grades.xlsx into ``out_dir`` (default: exports/ in the course)."""
    course = course if isinstance(course, Course) else Course(course)
    folder = Path(out_dir).expanduser() if out_dir else course.root / "exports"
    if folder.exists() and not folder.is_dir():
        raise CslabError(f"{folder} 已存在且不是文件夹。")
    folder.mkdir(parents=True, exist_ok=True)
    headers, rows, maxima = grade_table(course)
    csv_path = write_csv(folder / "grades.csv", headers, rows)
    try:
        xlsx_path = write_xlsx(folder / "grades.xlsx", headers, rows, maxima, course.course_id)
    except PermissionError:
        raise CslabError(f"无法写入 {folder / 'grades.xlsx'}：文件可能正在 Excel 中打开，请关闭后重试。") from None
    return {"csv": csv_path, "xlsx": xlsx_path, "headers": headers, "rows": rows, "maxima": maxima}
