"""Combine the inputs under a policy: one row per student with components, total, result and the working."""

from __future__ import annotations

import os
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from ..errors import InputError
from ._attendance import fmt_num, score_attendance
from ._inputs import _text, parse_mark, read_attendance, read_marks, read_nbgrader
from ._policy import load_policy

__all__ = ["final_grades", "explain", "apply_makeup", "to_csv", "round_half_up"]

PASSED, MAKEUP, RETAKE, PENDING, MAKEUP_PASSED = "通过", "补考", "重修", "待定", "补考通过"


def round_half_up(x: float, decimals: int = 0) -> float:
    """Round as a Chinese grade book does (0.5 up), after removing float noise (below 1e-6).

    >>> round_half_up(59.5), round_half_up(60.5), round_half_up(0.1 + 0.2, 1), round_half_up(59.49)
    (60.0, 61.0, 0.3, 59.0)
    """
    clean = Decimal(repr(round(float(x), 6)))
    return float(clean.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


class _Sources:
    """The parsed inputs and what each student lacks."""

    def __init__(self, policy, nbgrader_grades, attendance, marks, roster):
        kinds = {c.kind for c in policy.components}
        self.nb = read_nbgrader(nbgrader_grades) if nbgrader_grades is not None else None
        self.att = read_attendance(attendance) if attendance is not None else None
        self.marks = read_marks(marks) if marks is not None else None
        self.notes: list = []
        uses_nb = [c.name for c in policy.components if c.kind == "nbgrader" or c.missing_assignments]
        if uses_nb and self.nb is None:
            raise InputError(f"评分方案“{policy.title}”的 {'、'.join(uses_nb)} 要用 nbgrader 的成绩："
                             "请传入 nbgrader_grades=（`nbgrader export` 导出的 grades.csv 路径）。")
        if "attendance" in kinds and self.att is None:
            att = [c for c in policy.components if c.kind == "attendance"][0]
            raise InputError(f"评分方案“{policy.title}”有 {att.name}（{fmt_num(att.weight)} 分），需要考勤记录："
                             "请传入 attendance=datasets.load_attendance() 或考勤表 CSV 的路径。")
        needed = [c for c in policy.components
                  if c.column and (c.kind == "marks" or not c.missing_assignments)]
        if needed and self.marks is None:
            raise InputError(f"评分方案“{policy.title}”需要老师登记的成绩表（列：学号、姓名、"
                             f"{'、'.join(c.column for c in needed)}）：请传入 marks=成绩表 CSV 的路径。")
        absent = [c for c in needed if c.column not in self.marks.columns] if self.marks else []
        if absent:
            raise InputError(f"{self.marks.file} 缺少列 {'、'.join('“' + c.column + '”' for c in absent)}"
                             f"（{'、'.join(c.name for c in absent)} 要用）。现在的列：学号、姓名、"
                             f"{'、'.join(self.marks.columns) or '（无）'}。")
        self.ids = self._roster(roster)

    def _roster(self, roster):
        nb_ids = set(self.nb["students"]) if self.nb else set()
        att_ids = set(self.att) if self.att else set()
        mk_ids = set(self.marks.rows) if self.marks else set()
        if roster is not None:
            ids = set(_roster_ids(roster))
            for label, got in (("nbgrader 导出", nb_ids), ("考勤表", att_ids)):
                extra = sorted(got - ids)
                if extra:
                    self.notes.append(f"{label}里有 {len(extra)} 名不在名单中的学生，未计算：{'、'.join(extra)}")
        else:
            ids = nb_ids | att_ids or mk_ids
        unknown = sorted(mk_ids - ids)
        if unknown:
            lines = "、".join(f"{s}（第 {self.marks.rows[s]['line']} 行）" for s in unknown)
            raise InputError(f"{self.marks.file} 里有学号不在本班名单中：{lines}。请检查学号是否写错；"
                             "若确是本班学生，请把他加入 nbgrader 和考勤表，或用 roster= 给出完整名单。")
        return sorted(ids)

    def name(self, sid) -> tuple:
        found = []
        if self.nb and sid in self.nb["students"]:
            found.append(("nbgrader", self.nb["students"][sid]["name"]))
        if self.att and sid in self.att:
            found.append(("考勤表", self.att[sid][1]))
        if self.marks and sid in self.marks.rows:
            found.append(("成绩表", self.marks.rows[sid]["name"]))
        found = [(src, n) for src, n in found if n]
        issue = None
        if len({n for _, n in found}) > 1:
            issue = "姓名不一致：" + "，".join(f"{src}写“{n}”" for src, n in found) + "，请核对学号"
        return (found[0][1] if found else ""), issue


def _roster_ids(roster) -> list:
    import pandas as pd

    if isinstance(roster, pd.DataFrame):
        if "学号" not in roster.columns:
            raise InputError("roster 表格需要“学号”列。")
        roster = roster["学号"]
    ids = [str(s).strip() for s in roster]
    if not ids or not all(ids):
        raise InputError("roster（名单）不能为空，也不能有空学号。")
    return ids


def _assignments(policy, comp_assignments, nb, notes, for_name):
    exported = nb["assignments"]
    if comp_assignments == "all":
        taken = {a for c in policy.components if c.kind == "nbgrader" and c.assignments != "all"
                 for a in c.assignments}
        return [a for a in exported if a not in taken]
    absent = [a for a in comp_assignments if a not in exported]
    if absent:
        notes.append(f"{for_name}：作业 {'、'.join(absent)} 不在 nbgrader 导出文件中，暂不计入（布置后请重新导出）")
    return [a for a in comp_assignments if a in exported]


def _nb_entry(src, sid, names, why_absent: str = ""):
    """The student's nbgrader scores when every assignment in ``names`` is there, else (None, why)."""
    entry = src.nb["students"].get(sid)
    if entry is None:
        return None, f"{src.nb['file']} 中没有这名学生{why_absent}"
    lack = [a for a in names if a not in entry["scores"]]
    if lack:
        return None, f"nbgrader 导出中没有作业 {'、'.join(lack)} 的记录"
    return entry, None


def _component(comp, sid, src):
    """(points or None, explanation, issue or None, barred) of one component for one student."""
    head = f"{comp.name}（{fmt_num(comp.weight)} 分）："

    def missing(why):
        if src.on_missing == "zero":
            return 0.0, f"{head}{why}，按 0 分计。", f"{comp.name}：{why}，已按 0 分计", False
        return None, f"{head}{why}，本项待定。", f"{comp.name}：{why}", False

    if comp.kind == "attendance":
        if sid not in src.att:
            return missing("考勤表中没有这名学生的记录")
        r = score_attendance(src.att[sid][0], comp.attendance, comp.weight)
        return r.points, head + r.text + "。", None, r.barred
    if comp.kind == "marks":
        row = src.marks.rows.get(sid)
        if row is None:
            return missing(f"{src.marks.file} 中没有这名学生")
        where = f"{src.marks.file} 第 {row['line']} 行（学号 {sid}）“{comp.column}”一栏"
        value, word = parse_mark(row["values"][comp.column], where)
        if value is None:
            return missing(f"成绩表中“{comp.column}”为空")
        if value > comp.max:
            raise InputError(f"{where}是 {fmt_num(value)}，超过了满分 {fmt_num(comp.max)}：请改正，"
                             f"或在评分方案里把 {comp.name} 的 max 改成卷面满分。")
        points = comp.weight * value / comp.max
        if word:
            return points, f"{head}“{word}”，按 0 分计。", None, False
        return points, (f"{head}成绩表登记 {fmt_num(value)} 分（满分 {fmt_num(comp.max)}），"
                        f"折合 {fmt_num(value)} ÷ {fmt_num(comp.max)} × {fmt_num(comp.weight)} = {fmt_num(points)} 分。"), None, False
    if comp.kind == "nbgrader":
        names = src.assignment_lists[comp.key]
        if not names:
            return missing("nbgrader 导出文件中还没有计入这一项的作业")
        entry, why = _nb_entry(src, sid, names)
        if why:
            return missing(why)
        used = [(a, *entry["scores"][a]) for a in names if entry["scores"][a][1] > 0]
        if not used:
            return missing("这些作业的满分都是 0")
        parts = [f"{a} {fmt_num(s)}/{fmt_num(m)}" + ("" if ok else "（未提交）") for a, s, m, ok in used]
        if comp.combine == "mean":
            rate = sum(s / m for _, s, m, _ in used) / len(used)
            how = "各次得分率的平均"
        else:
            rate = sum(s for _, s, _, _ in used) / sum(m for _, _, m, _ in used)
            how = "总得分 ÷ 总满分"
        points = comp.weight * rate
        return points, (f"{head}{'，'.join(parts)}；{how} {rate:.1%}，得 {fmt_num(comp.weight)} × {rate:.1%}"
                        f" = {fmt_num(points)} 分。"), None, False
    # deduction
    count, parts = 0, []
    if comp.missing_assignments:
        names = src.assignment_lists[comp.key]
        entry, why = _nb_entry(src, sid, names, "，不知道缺交了几次")
        if why:
            return missing(why)
        unsent = [a for a in names if not entry["scores"][a][2]]
        count += len(unsent)
        parts.append(f"nbgrader 作业 {len(names)} 次，" + (f"未提交 {len(unsent)} 次（{'、'.join(unsent)}）" if unsent else "全部提交"))
    if comp.column and src.marks and comp.column in src.marks.columns:
        row = src.marks.rows.get(sid)
        if row is None:
            return missing(f"{src.marks.file} 中没有这名学生，不知道“{comp.column}”")
        raw = _text(row["values"][comp.column])
        try:
            n = int(float(raw)) if raw else 0
            if n < 0 or (raw and float(raw) != n):
                raise ValueError
        except ValueError:
            raise InputError(f"{src.marks.file} 第 {row['line']} 行（学号 {sid}）“{comp.column}”一栏是“{raw}”："
                             "请填次数（0、1、2 …的整数），没有就留空或填 0。") from None
        count += n
        parts.append(f"成绩表“{comp.column}”为 {n}" + ("（空格按 0 次计）" if not raw else ""))
    points = max(0.0, comp.weight - comp.per_item * count)
    floor = "，扣完为止" if comp.per_item * count > comp.weight else ""
    total = f"；共 {count} 次" if len(parts) > 1 else ""
    rule = f"每次扣 {fmt_num(comp.per_item)} 分{floor}" if count else "不扣分"
    return points, f"{head}{'；'.join(parts)}{total}，{rule}，得 {fmt_num(points)} 分。", None, False


def final_grades(policy, nbgrader_grades=None, attendance=None, marks=None, *, roster=None, on_missing=None):
    """One row per student: each component's points, 合计, 总评, 结果 (通过/补考/重修/待定), 说明 and 待核实.

    ``nbgrader_grades``: path or DataFrame of ``nbgrader export``; ``attendance``: ``datasets.load_attendance()``
    or a CSV of that shape; ``marks``: the teacher's CSV (学号, 姓名, one column per component; UTF-8 with or
    without BOM, or GBK). ``roster``: optional list of 学号 (default: everyone in nbgrader and the attendance
    log). ``on_missing``: "pending" or "zero", overriding the policy. Class-level notes: ``frame.attrs["notes"]``.
    """
    import pandas as pd

    policy = load_policy(policy)
    if on_missing not in (None, "pending", "zero"):
        raise InputError(f"on_missing 只能是 \"pending\"（待定）或 \"zero\"（按 0 分计），现在是 {on_missing!r}。")
    src = _Sources(policy, nbgrader_grades, attendance, marks, roster)
    src.on_missing = on_missing or policy.on_missing
    src.assignment_lists = {}
    for c in policy.components:
        wanted = c.assignments if c.kind == "nbgrader" else c.missing_assignments
        if wanted:
            src.assignment_lists[c.key] = _assignments(policy, wanted, src.nb, src.notes, c.name)
    if src.nb:
        used = {a for names in src.assignment_lists.values() for a in names}
        spare = [a for a in src.nb["assignments"] if a not in used]
        if spare:
            src.notes.append(f"nbgrader 导出中的作业 {'、'.join(spare)} 没有计入任何一项（评分方案里没有列出）")
    groups = [g for g, _ in policy.groups if sum(c.group == g for c in policy.components) > 1]
    rows = []
    for sid in src.ids:
        name, name_issue = src.name(sid)
        row, lines, issues, pending, barred = {"学号": sid, "姓名": name}, [], [], [], False
        if name_issue:
            issues.append(name_issue)
        for comp in policy.components:
            points, text, issue, bar = _component(comp, sid, src)
            row[comp.name] = None if points is None else round(points, 2)
            lines.append(text)
            barred |= bar
            if issue:
                issues.append(issue)
            if points is None:
                pending.append(comp.name)
        for g in groups:
            vals = [row[c.name] for c in policy.components if c.group == g]
            row[f"{g}小计"] = None if None in vals else round(sum(vals), 2)
        _verdict(row, lines, pending, barred, policy)
        row["说明"] = "\n".join(lines)
        row["待核实"] = "；".join(issues)
        rows.append(row)
    columns = ["学号", "姓名", *(c.name for c in policy.components), *(f"{g}小计" for g in groups),
               "合计", "总评", "结果", "说明", "待核实"]
    frame = pd.DataFrame(rows, columns=columns)
    for col in [c.name for c in policy.components] + [f"{g}小计" for g in groups] + ["合计", "总评"]:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    frame.attrs["policy"] = policy
    frame.attrs["notes"] = list(src.notes)
    return frame


def _verdict(row, lines, pending, barred, policy):
    pm = fmt_num(policy.pass_mark)
    if pending:
        row["合计"] = row["总评"] = None
        row["结果"] = PENDING
        lines.append(f"总评：{'、'.join(pending)} 待定，暂不能给出总评。补齐数据后重新计算"
                     "（或在评分方案中设 on_missing: zero，缺失按 0 分计）。")
        return
    total = sum(row[c.name] for c in policy.components)
    rounded = round_half_up(total, policy.total_decimals)
    row["合计"], row["总评"] = round(total, 2), rounded
    how = f"合计 {fmt_num(total)} 分" + (f"，四舍五入为 {fmt_num(rounded)} 分" if fmt_num(total) != fmt_num(rounded) else "")
    makeup = policy.makeup is not None and policy.makeup.attempts > 0
    if barred:
        row["结果"] = RETAKE
        lines.append(f"总评：{how}；因缺课超过规定，不能参加补考，须重修。")
    elif rounded >= policy.pass_mark:
        row["结果"] = PASSED
        lines.append(f"总评：{how}，≥ {pm} 分，通过。")
    elif makeup:
        row["结果"] = MAKEUP
        lines.append(f"总评：{how}，不足 {pm} 分，有一次补考机会（补考 ≥ {fmt_num(policy.makeup.pass_mark)} 分通过，"
                     "仍不足须重修）。")
    else:
        row["结果"] = RETAKE
        lines.append(f"总评：{how}，不足 {pm} 分，须重修。")


def explain(grades, student_id) -> str:
    """The Chinese working for one student of a :func:`final_grades` (or :func:`apply_makeup`) frame."""
    sid = str(student_id).strip()
    hit = grades[grades["学号"].astype(str) == sid]
    if hit.empty:
        raise InputError(f"成绩表里没有学号 {sid}：请检查学号（共有 {len(grades)} 名学生）。")
    row = hit.iloc[0]
    text = f"{sid} {row['姓名']}\n{row['说明']}"
    if row.get("待核实"):
        text += f"\n待核实：{row['待核实']}"
    return text


def apply_makeup(grades, makeup_scores, policy=None):
    """Add 补考成绩, 最终成绩, 最终结果 (通过/补考通过/重修/待定) and 需重修 to a :func:`final_grades` frame.

    ``makeup_scores``: {学号: 分数 or "缺考"} or a CSV/DataFrame with 学号 and 补考成绩 columns.
    """
    import pandas as pd

    policy = load_policy(policy if policy is not None else grades.attrs.get("policy") or _no_policy())
    mk = policy.makeup
    if mk is None or mk.attempts == 0:
        raise InputError(f"评分方案“{policy.title}”没有补考（makeup），不及格的学生直接重修。")
    table = read_marks(makeup_scores, "补考成绩表", value_column="补考成绩")
    column = next((c for c in ("补考成绩", "补考") if c in table.columns), None)
    if column is None:
        raise InputError(f"{table.file} 需要“补考成绩”列（和“学号”列）。")
    ids = grades["学号"].astype(str).tolist()
    results = dict(zip(ids, grades["结果"]))
    for sid, rec in table.rows.items():
        if sid not in results:
            raise InputError(f"{table.file} 第 {rec['line']} 行的学号 {sid} 不在成绩表中：请检查学号。")
        value = rec["values"][column]
        if results[sid] != MAKEUP and _text(value):
            raise InputError(f"学号 {sid} 的结果是“{results[sid]}”，不需要补考：请从补考成绩表中删除这一行（第 {rec['line']} 行）。")
    out = grades.copy()
    scores, finals, verdicts, retake, notes = [], [], [], [], []
    pm = fmt_num(mk.pass_mark)
    for sid, result, total, text in zip(ids, out["结果"], out["总评"], out["说明"]):
        rec = table.rows.get(sid)
        value, word = (None, "")
        if rec is not None:
            where = f"{table.file} 第 {rec['line']} 行（学号 {sid}）“{column}”一栏"
            value, word = parse_mark(rec["values"][column], where)
            if value is not None and value > mk.max:
                raise InputError(f"{where}是 {fmt_num(value)}，超过补考满分 {fmt_num(mk.max)}。")
        line = ""
        if result == MAKEUP and value is None:
            s, f, v, r = None, None, PENDING, None
            line = "补考：还没有补考成绩，结果待定。"
        elif result == MAKEUP:
            shown = f"“{word}”按 0 分计" if word else f"{fmt_num(value)} 分"
            if value >= mk.pass_mark:
                f = mk.pass_mark if mk.record_as == "pass_mark" else value
                s, v, r = value, MAKEUP_PASSED, False
                line = f"补考：{shown}，≥ {pm} 分，补考通过，记 {fmt_num(f)} 分。"
            else:
                s, f, v, r = value, value, RETAKE, True
                line = f"补考：{shown}，不足 {pm} 分，须重修本课程。"
        else:
            s, f, v = None, total, result
            r = True if result == RETAKE else (False if result == PASSED else None)
        scores.append(s)
        finals.append(f)
        verdicts.append(v)
        retake.append(r)
        notes.append(text + ("\n" + line if line else ""))
    out["补考成绩"] = pd.to_numeric(pd.Series(scores, index=out.index, dtype="object"), errors="coerce")
    out["最终成绩"] = pd.to_numeric(pd.Series(finals, index=out.index, dtype="object"), errors="coerce")
    out["最终结果"] = verdicts
    out["需重修"] = pd.array(retake, dtype="boolean")
    out["说明"] = notes
    order = [c for c in out.columns if c not in ("说明", "待核实")] + ["说明", "待核实"]
    return out[order]


def _no_policy():
    raise InputError("不知道用哪个评分方案：请传入 policy=（如 \"standard_001\"），"
                     "或使用 final_grades 直接返回的表格。")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_csv(frame, path) -> Path:
    """Write ``frame`` as CSV in UTF-8 with BOM (Excel on Chinese Windows opens it without mojibake).

    Text that Excel would run as a formula (starting with = + - @) gets a leading apostrophe.

    >>> import pandas as pd, tempfile, os
    >>> p = to_csv(pd.DataFrame({"学号": ["2024001"], "备注": ["=1+1"]}), os.path.join(tempfile.mkdtemp(), "x.csv"))
    >>> p.read_bytes()[:3] == b"\\xef\\xbb\\xbf", p.read_text(encoding="utf-8-sig").splitlines()[1]
    (True, "2024001,'=1+1")
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise InputError("to_csv 需要一个表格（pandas DataFrame），例如 final_grades 的结果。")
    if not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        raise InputError("请给出要保存的文件名，例如 \"期末成绩.csv\"。")
    target = Path(path).expanduser()
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        out.to_csv(target, index=False, encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"无法写入 {target}（{exc.strerror or exc}）：请检查文件是否在 Excel 中打开着，或换一个文件夹。") from None
    return target
