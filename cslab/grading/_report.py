"""``cslab report``: class analytics for one assignment, as CSV tables and PNG charts.

For each graded item (an nbgrader ``grade_id``):

- 难度 P (difficulty): the mean share of its points the class earned, 0–1; higher is easier.
- 区分度 D (discrimination, Kelley's upper–lower groups): P among the top 27 % of students by
  total score minus P among the bottom 27 %. Ebel's rule of thumb: D ≥ 0.40 很好, 0.30–0.39 良好,
  0.20–0.29 尚可（可改进）, < 0.20 差（需修改）. Needs at least 4 submissions.
- 题总相关 r: the corrected item–total correlation (Pearson between the item's share and the total
  *without* that item; the point-biserial correlation when the item is all-or-nothing).

Common failing checks come from the autograded notebooks: the first error of each failed test
cell, with NotImplementedError read as 未作答 and hidden-test failures marked as such.
"""

from __future__ import annotations

import csv
import json
import statistics
from pathlib import Path

from ..errors import CslabError
from ._cells import failure, is_test_cell, short_reason, split_hidden
from ._course import Course
from ._roster import display_name
from ._text import format_points

__all__ = ["class_report", "item_statistics", "grade_band", "BANDS"]

#: the five-level scale used in Chinese schools, by share of the maximum score
BANDS = (("优秀", 0.9), ("良好", 0.8), ("中等", 0.7), ("及格", 0.6), ("不及格", 0.0))


def grade_band(share: float) -> str:
    """The band of a share of the maximum score.

    >>> grade_band(0.95), grade_band(0.6), grade_band(0.59)
    ('优秀', '及格', '不及格')
    """
    return next(name for name, low in BANDS if share >= low - 1e-9)


def _judge(d: float | None) -> str:
    if d is None:
        return "人数太少"
    return "很好" if d >= 0.4 else "良好" if d >= 0.3 else "尚可" if d >= 0.2 else "差，建议修改"


def item_statistics(shares: list[float], totals: list[float], points: float = 1.0) -> dict:
    """Difficulty P, discrimination D (upper–lower 27 %) and corrected item–total r of one item.

    ``shares`` are each student's share of the item's points (0–1), ``totals`` their total scores
    (same order; the item's ``points`` included).

    >>> s = item_statistics([1, 1, 1, 0, 0, 0, 1, 0], [10, 9, 8, 3, 2, 1, 7, 4], points=1)
    >>> s["P"], s["D"], round(s["r"], 2)
    (0.5, 1.0, 0.91)
    """
    n = len(shares)
    p = sum(shares) / n if n else None
    d = r = None
    if n >= 4:
        k = max(1, round(0.27 * n))
        order = sorted(range(n), key=lambda i: totals[i])
        lower, upper = order[:k], order[-k:]
        d = sum(shares[i] for i in upper) / k - sum(shares[i] for i in lower) / k
    if n >= 3:
        rest = [t - s * points for t, s in zip(totals, shares)]  # corrected: the item out of the total
        try:
            r = statistics.correlation(shares, rest)
        except statistics.StatisticsError:  # everyone equal on one side
            r = None
    return {"P": p, "D": d, "r": r}


def _item_order(course: Course, assignment: str, notebooks: list[str]) -> dict[tuple[str, str], int]:
    order: dict[tuple[str, str], int] = {}
    source = course.path("source", ".", assignment)
    for nb in notebooks:
        path = source / f"{nb}.ipynb"
        try:
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        except (OSError, ValueError, KeyError):
            continue
        for cell in cells:
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if gid:
                order.setdefault((nb, gid), len(order))
    return order


def _collect(course: Course, assignment: str):
    with course.gradebook() as gb:
        a = gb.find_assignment(assignment)
        notebooks = [nb.name for nb in a.notebooks]
        items = {(nb.name, gc.name): float(gc.max_score) for nb in a.notebooks for gc in nb.grade_cells}
        students = []
        for sub in a.submissions:
            penalty = sub.late_submission_penalty or 0.0
            grades = {(g.notebook.name, g.name): float(g.score or 0.0) for nb in sub.notebooks for g in nb.grades}
            st = sub.student
            students.append({"id": st.id, "name": display_name(st.first_name, st.last_name),
                             "total": max(0.0, float(sub.score) - penalty), "max": float(sub.max_score),
                             "grades": grades})
    order = _item_order(course, assignment, notebooks)
    keys = sorted(items, key=lambda k: (order.get(k, 10_000), k))
    students.sort(key=lambda s: s["id"])
    return notebooks, keys, items, students


def _failures(course: Course, assignment: str, notebooks: list[str], several: bool) -> dict:
    import nbformat

    found: dict[tuple[str, str], list[str]] = {}
    root = course.path("autograded")
    for folder in sorted(root.glob(f"*/{assignment}")) if root.is_dir() else []:
        sid = folder.parent.name
        for nb in notebooks:
            path = folder / f"{nb}.ipynb"
            if not path.is_file():
                continue
            try:
                cells = nbformat.read(path, as_version=4).cells
            except Exception:
                continue
            for cell in cells:
                if not is_test_cell(cell) or (fail := failure(cell)) is None:
                    continue
                _, hidden = split_hidden(cell.source)
                gid = cell.metadata["nbgrader"]["grade_id"]
                label = f"{nb}/{gid}" if several else gid
                found.setdefault((label, short_reason(fail, fail["line"] in hidden)), []).append(sid)
    return found


def _write_csv(path: Path, headers: list[str], rows: list[list]) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def _charts(folder: Path, assignment: str, totals: list[float], top: float, item_rows: list[list]) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from .. import plotting

    paths = []
    with plotting.course_style():
        fig, ax = plt.subplots()
        bins = [top * i / 10 for i in range(11)]
        ax.hist(totals, bins=bins, color=plotting.COURSE_COLORS[0], edgecolor="white")
        ax.axvline(0.6 * top, color=plotting.COURSE_COLORS[3], linestyle="--", label="及格线（60%）")
        ax.set(title=f"{assignment} 成绩分布（{len(totals)} 人，满分 {format_points(top)}）", xlabel="得分",
               ylabel="人数")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend()
        paths.append(folder / "distribution.png")
        fig.savefig(paths[-1])
        plt.close(fig)
        labels = [r[0] for r in item_rows]
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, max(3.5, 0.45 * len(labels) + 1.5)), sharey=True)
        ys = list(range(len(labels)))[::-1]
        left.barh(ys, [r[3] or 0 for r in item_rows], color=plotting.COURSE_COLORS[0])
        left.set(title="难度 P（平均得分率，越高越容易）", xlim=(0, 1), yticks=ys, yticklabels=labels)
        right.barh(ys, [r[4] or 0 for r in item_rows], color=plotting.COURSE_COLORS[2])
        for x, name in ((0.2, "0.2"), (0.4, "0.4")):
            right.axvline(x, color=plotting.COURSE_COLORS[7], linestyle="--", linewidth=1)
        right.set(title="区分度 D（高分组 − 低分组，≥0.4 很好，<0.2 差）", xlim=(-0.2, 1))
        paths.append(folder / "items.png")
        fig.savefig(paths[-1])
        plt.close(fig)
    return paths


def class_report(assignment: str, course=".", out_dir=None, charts: bool = True) -> dict:
    """Score distribution, per-item difficulty and discrimination, common failing checks; files written."""
    course = course if isinstance(course, Course) else Course(course)
    course.assignment_info(assignment)
    notebooks, keys, items, students = _collect(course, assignment)
    if not students:
        raise CslabError(f"作业 {assignment} 还没有评分记录：请先运行 cslab grade {assignment}。")
    folder = Path(out_dir).expanduser() if out_dir else course.root / "reports" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    several = len(notebooks) > 1
    top = students[0]["max"]
    totals = [s["total"] for s in students]
    summary = {"人数": len(totals), "满分": top, "平均分": statistics.fmean(totals),
               "中位数": statistics.median(totals), "标准差": statistics.pstdev(totals),
               "最高分": max(totals), "最低分": min(totals),
               "及格率": sum(t >= 0.6 * top - 1e-9 for t in totals) / len(totals) if top else 0.0}
    bands = {name: 0 for name, _ in BANDS}
    for t in totals:
        bands[grade_band(t / top if top else 0.0)] += 1
    item_rows = []
    for key in keys:
        top_item = items[key]
        shares = [s["grades"].get(key, 0.0) / top_item if top_item else 0.0 for s in students]
        stats = item_statistics(shares, totals, top_item)
        label = f"{key[0]}/{key[1]}" if several else key[1]
        item_rows.append([label, top_item, statistics.fmean(shares) * top_item, stats["P"], stats["D"], stats["r"],
                          _judge(stats["D"])])
    failures = _failures(course, assignment, notebooks, several)
    fail_rows = sorted(([label, reason, len(ids), len(ids) / len(students), " ".join(ids)]
                        for (label, reason), ids in failures.items()), key=lambda r: (-r[2], r[0], r[1]))
    r2 = lambda v: "" if v is None else round(v, 2)  # noqa: E731
    files = [
        _write_csv(folder / "scores.csv", ["学号", "姓名", "得分", "满分", "得分率", "等级"],
                   [[s["id"], s["name"], format_points(s["total"]), format_points(s["max"]),
                     r2(s["total"] / s["max"] if s["max"] else 0), grade_band(s["total"] / s["max"] if s["max"] else 0)]
                    for s in students]),
        _write_csv(folder / "items.csv", ["题目", "满分", "平均分", "难度P", "区分度D", "题总相关r", "区分度评价"],
                   [[r[0], format_points(r[1]), r2(r[2]), r2(r[3]), r2(r[4]), r2(r[5]), r[6]] for r in item_rows]),
        _write_csv(folder / "failures.csv", ["题目", "未通过的原因", "人数", "占比", "学号"],
                   [[r[0], r[1], r[2], f"{r[3]:.0%}", r[4]] for r in fail_rows]),
    ]
    if charts:
        files += _charts(folder, assignment, totals, top, item_rows)
    return {"folder": folder, "summary": summary, "bands": bands, "items": item_rows, "failures": fail_rows,
            "files": files}
