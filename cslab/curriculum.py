"""Course-standard coverage: which lesson, practice and assignment covers each requirement.

The matrix lives in ``data/curriculum.yaml``: every knowledge, skill, practice (训练) and
attitude (素质/思政) item of the three course standards (001 电子商务客服管理, 002 网店客服,
004 客户管理实务), each with the lesson, practice and assignment that cover it. Whether a lesson
or assignment is online (已上线) is computed from the files under ``lessons/`` and
``source_assignments/``, never written by hand. Used by ``lessons/00_index.ipynb`` (the course
map) and by ``python -m cslab.curriculum`` (the coverage table; ``--check`` for CI).

>>> from cslab import curriculum
>>> [s["id"] for s in curriculum.load_curriculum()["standards"]]
['001', '002', '004']
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from pathlib import Path

from .errors import DataError

__all__ = [
    "KINDS",
    "LIVE",
    "PARTIAL",
    "PLANNED",
    "UNKNOWN",
    "repo_root",
    "curriculum_path",
    "load_curriculum",
    "items",
    "lessons",
    "coverage",
    "problems",
    "course_map",
    "main",
]

FILE_NAME = "curriculum.yaml"
DATA_ENV = "CSLAB_DATA_DIR"

#: the kinds of item a course standard asks for
KINDS = ("knowledge", "skill", "practice", "attitude")

LIVE, PARTIAL, PLANNED, UNKNOWN = "已上线", "部分上线", "计划中", "未知"

_ITEM_COLUMNS = [
    "standard", "unit", "unit_title", "id", "kind", "text",
    "lesson", "practice", "assignment", "self_check", "status",
]
_LESSON_RE = re.compile(r"^\d\d_[A-Za-z0-9_]+\.ipynb$")


# ---------------------------------------------------------------- locations

def repo_root() -> Path | None:
    """Return the repository root (holding ``lessons/``), or None when running from a wheel.

    Tests monkeypatch this function to point at a temporary tree.

    >>> root = repo_root()
    >>> root is None or (root / "lessons").is_dir()
    True
    """
    root = Path(__file__).resolve().parent.parent
    return root if (root / "lessons").is_dir() else None


def curriculum_path() -> Path:
    """Return the path of ``curriculum.yaml``: ``$CSLAB_DATA_DIR``, the wheel's ``_data``, or the repo's ``data/``.

    >>> curriculum_path().name
    'curriculum.yaml'
    """
    from .datasets import data_dir

    return data_dir() / FILE_NAME


# ---------------------------------------------------------------- loading

def load_curriculum(path: str | os.PathLike | None = None) -> dict:
    """Read the coverage matrix as plain data (dicts and lists), checking its outline.

    >>> data = load_curriculum()
    >>> sorted(data)[:3]
    ['assignments', 'kinds', 'lessons']
    """
    from .datasets import read_yaml

    target = Path(path) if path is not None else curriculum_path()
    if not target.is_file():
        hint = f"（环境变量 {DATA_ENV} 指向 {os.environ[DATA_ENV]}）" if os.environ.get(DATA_ENV) else ""
        raise DataError(
            f"找不到课程标准覆盖矩阵 {target}{hint}。请确认 cslab 安装完整，"
            f"或让 {DATA_ENV} 指向含有 {FILE_NAME} 的文件夹。"
        )
    data = read_yaml(target, "课程标准覆盖矩阵")
    if not isinstance(data, dict) or not isinstance(data.get("standards"), list):
        raise DataError(f"{target.name} 里缺少 standards 列表，请对照文件开头的说明修改。")
    for key in ("lessons", "assignments"):
        data.setdefault(key, [])
    return data


def _walk(data):
    """Yield (standard, unit, item) for every item in the matrix."""
    for std in data.get("standards") or []:
        for unit in std.get("units") or []:
            for item in unit.get("items") or []:
                if isinstance(item, dict):  # anything else is reported by problems()
                    yield std, unit, item


def _pick(item: dict, key: str):
    """The live value of ``key`` or, failing that, its ``planned_`` value."""
    return item.get(key) or item.get(f"planned_{key}")


def _tree():
    """(existing lesson files, existing assignment folders), or None when the repo is absent."""
    root = repo_root()
    if root is None or not (Path(root) / "lessons").is_dir():
        return None
    root = Path(root)
    les = {p.name for p in (root / "lessons").glob("*.ipynb")}
    src = root / "source_assignments"
    asg = {p.name for p in src.iterdir() if p.is_dir()} if src.is_dir() else set()
    return les, asg


def _presence(item: dict, tree):
    """(lesson exists, assignment exists or None when no assignment is named) for one item."""
    assignment = _pick(item, "assignment")
    if tree is None:  # installed without the repository: trust the declarations
        return bool(item.get("lesson")), (bool(item.get("assignment")) if assignment else None)
    les, asg = tree
    return _pick(item, "lesson") in les, (assignment in asg if assignment else None)


def _status(lesson_ok: bool, assignment_ok, tree) -> str:
    if tree is None:
        return UNKNOWN
    parts = [lesson_ok] + ([assignment_ok] if assignment_ok is not None else [])
    return LIVE if all(parts) else PARTIAL if any(parts) else PLANNED


# ---------------------------------------------------------------- tables

def items(data: dict | None = None):
    """One row per curriculum item, with its status computed from the files present.

    >>> df = items()
    >>> list(df.columns[:4])
    ['standard', 'unit', 'unit_title', 'id']
    >>> set(df["kind"]) <= set(KINDS)
    True
    """
    import pandas as pd

    data = load_curriculum() if data is None else data
    tree = _tree()
    rows = []
    for std, unit, item in _walk(data):
        lesson_ok, assignment_ok = _presence(item, tree)
        rows.append({
            "standard": str(std.get("id", "")),
            "unit": unit.get("id", ""),
            "unit_title": unit.get("title", ""),
            "id": item.get("id", ""),
            "kind": item.get("kind", ""),
            "text": item.get("text", ""),
            "lesson": _pick(item, "lesson") or "",
            "practice": _pick(item, "practice") or "",
            "assignment": _pick(item, "assignment") or "",
            "self_check": item.get("self_check") is True,
            "status": _status(lesson_ok, assignment_ok, tree),
        })
    return pd.DataFrame(rows, columns=_ITEM_COLUMNS)


def lessons(data: dict | None = None):
    """The lesson list (文件, 标题, 状态, 条目数), for the index notebook's table of contents.

    >>> lessons().loc[0, "文件"]
    '00_index.ipynb'
    """
    import pandas as pd

    data = load_curriculum() if data is None else data
    tree = _tree()
    counts = Counter(_pick(it, "lesson") for _, _, it in _walk(data))
    rows = []
    for entry in data.get("lessons") or []:
        name = entry.get("file", "")
        status = UNKNOWN if tree is None else (LIVE if name in tree[0] else PLANNED)
        rows.append({"文件": name, "标题": entry.get("title", ""), "状态": status, "条目数": counts.get(name, 0)})
    return pd.DataFrame(rows, columns=["文件", "标题", "状态", "条目数"])


def coverage(data: dict | None = None):
    """Percent of items taught, practised and auto-checked, per standard and overall.

    Taught: the lesson file exists. Practised: a ``practice`` is given and the lesson exists.
    Auto-checked: a self-check in an existing lesson, or the assignment folder exists.
    Without the repository (installed wheel) the YAML's declarations are trusted instead.

    >>> table = coverage()
    >>> list(table.columns)
    ['课程标准', '条目数', '已讲授(%)', '已练习(%)', '自动检查(%)']
    >>> bool(((table.iloc[:, 2:] >= 0) & (table.iloc[:, 2:] <= 100)).all().all())
    True
    """
    import pandas as pd

    data = load_curriculum() if data is None else data
    tree = _tree()
    titles = {str(s.get("id", "")): s.get("title", "") for s in data.get("standards") or []}
    tally: dict[str, list[int]] = {}
    for std, _, item in _walk(data):
        lesson_ok, assignment_ok = _presence(item, tree)
        row = [
            1,
            int(lesson_ok),
            int(lesson_ok and bool(item.get("practice"))),
            int((lesson_ok and item.get("self_check") is True) or bool(assignment_ok)),
        ]
        for key in (str(std.get("id", "")), "全部"):
            tally[key] = [a + b for a, b in zip(tally.get(key, [0, 0, 0, 0]), row)]
    rows = []
    for key in [*titles, "全部"]:
        n, taught, practised, checked = tally.get(key, [0, 0, 0, 0])
        rows.append({
            "标准": key, "课程标准": titles.get(key, "三份课程标准合计"), "条目数": n,
            "已讲授(%)": _percent(taught, n), "已练习(%)": _percent(practised, n),
            "自动检查(%)": _percent(checked, n),
        })
    return pd.DataFrame(rows).set_index("标准")


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def course_map(data: dict | None = None):
    """One row per work task / chapter / project: lessons, practices, assignments and status (00_index).

    >>> cmap = course_map()
    >>> list(cmap.columns)
    ['课程标准', '单元', '课程', '练习', '作业', '条目数', '状态']
    """
    import pandas as pd

    data = load_curriculum() if data is None else data
    tree = _tree()
    titles = {e.get("file"): e.get("title", "") for e in data.get("lessons") or []}
    rows = []
    for std in data.get("standards") or []:
        for unit in std.get("units") or []:
            unit_items = list(unit.get("items") or [])
            core = [it for it in unit_items if it.get("kind") != "attitude"] or unit_items
            lesson_names = _unique(_pick(it, "lesson") for it in core)
            practices = _unique(_pick(it, "practice") for it in core)
            assignments = _unique(_pick(it, "assignment") for it in core)
            statuses = {_status(*_presence(it, tree), tree) for it in unit_items}
            if tree is None:
                status = UNKNOWN
            elif statuses == {LIVE}:
                status = LIVE
            elif statuses <= {PLANNED}:
                status = PLANNED
            else:
                status = PARTIAL
            kind = unit.get("type", "")
            label = f"{kind}{unit.get('number')}：{unit.get('title', '')}" if kind in ("工作任务", "章节", "学习情境") \
                else unit.get("title", "")
            rows.append({
                "课程标准": f"{std.get('id')} {std.get('title', '')}",
                "单元": label,
                "课程": "；".join(_lesson_label(n, titles, tree) for n in lesson_names),
                "练习": _shorten(practices),
                "作业": "；".join(a + ("" if tree is None or a in tree[1] else "（计划中）") for a in assignments),
                "条目数": len(unit_items),
                "状态": status,
            })
    return pd.DataFrame(rows, columns=["课程标准", "单元", "课程", "练习", "作业", "条目数", "状态"])


def _unique(values):
    seen = []
    for v in values:
        if v and v not in seen:
            seen.append(v)
    return seen


def _lesson_label(name: str, titles: dict, tree) -> str:
    label = f"{name.split('_', 1)[0]} {titles.get(name, name)}"
    if tree is not None and name not in tree[0]:
        label += "（计划中）"
    return label


def _shorten(values: list[str], keep: int = 3) -> str:
    text = "；".join(values[:keep])
    return text + (f" 等 {len(values)} 项" if len(values) > keep else "")


# ---------------------------------------------------------------- checks

def problems(data: dict | None = None) -> list[str]:
    """Chinese messages for every inconsistency between the matrix and the files present.

    Checks: duplicate or malformed ids, unknown kinds, items without a lesson, names missing from
    the lesson/assignment lists, a ``lesson``/``assignment`` that does not exist, a ``planned_*``
    that does exist (promote it), and ``practice``/``self_check`` given for a planned lesson.

    >>> isinstance(problems(), list)
    True
    """
    data = load_curriculum() if data is None else data
    tree = _tree()
    out: list[str] = []
    known_lessons = [e.get("file") for e in data.get("lessons") or [] if isinstance(e, dict)]
    known_assignments = [e.get("name") for e in data.get("assignments") or [] if isinstance(e, dict)]
    for name, count in Counter(known_lessons).items():
        if count > 1:
            out.append(f"课程 {name} 在 lessons 列表中登记了 {count} 次。")
    for name in known_lessons:
        if not name or not _LESSON_RE.match(str(name)):
            out.append(f"课程文件名 {name!r} 不合规范：应写成 NN_英文名.ipynb（如 01_cs_basics.ipynb），不带文件夹。")

    ids = Counter()
    missing: dict[tuple[str, str], list[str]] = {}
    for std in data.get("standards") or []:
        sid = str(std.get("id", ""))
        if not sid:
            out.append(f"有一份课程标准缺少 id（标题：{std.get('title', '？')}）。")
        for unit in std.get("units") or []:
            uid = str(unit.get("id", ""))
            ids[uid] += 1
            if not uid.startswith(f"{sid}-"):
                out.append(f"单元编号 {uid!r} 应以课程标准编号 {sid}- 开头。")
            if not unit.get("title"):
                out.append(f"单元 {uid} 缺少标题 title。")
            if not unit.get("items"):
                out.append(f"单元 {uid} 没有任何条目。")
            for item in unit.get("items") or []:
                out.extend(_item_problems(item, uid, ids, known_lessons, known_assignments))
                if tree is not None and isinstance(item, dict):
                    _file_problems(item, tree, missing)
    for key, count in ids.items():
        if count > 1:
            out.append(f"编号 {key} 重复出现 {count} 次：编号必须唯一。")
    for (template, name), who in missing.items():
        shown = "、".join(who[:3]) + (f" 等 {len(who)} 个条目" if len(who) > 3 else "")
        out.append(template.format(name=name, who=shown))

    if tree is not None:
        for name in sorted(tree[0]):
            if _LESSON_RE.match(name) and name not in known_lessons:
                out.append(f"lessons/{name} 没有登记在 curriculum.yaml 的 lessons 列表中，请补上它的标题。")
    return out


def _item_problems(item, uid, ids, known_lessons, known_assignments) -> list[str]:
    """Problems of one item that do not depend on the files present."""
    out = []
    if not isinstance(item, dict):
        return [f"单元 {uid} 里有一项不是“字段: 值”的形式：{item!r}。"]
    iid = str(item.get("id") or "")
    where = f"条目 {iid}" if iid else f"单元 {uid} 里一个没有 id 的条目"
    if not iid:
        out.append(f"{where}：缺少 id。")
    else:
        ids[iid] += 1
        if not iid.startswith(f"{uid}-"):
            out.append(f"{where}：编号应以所在单元编号 {uid}- 开头。")
    if item.get("kind") not in KINDS:
        out.append(f"{where}：未知的类型 kind={item.get('kind')!r}，只能是 {'、'.join(KINDS)}。")
    if not str(item.get("text") or "").strip():
        out.append(f"{where}：缺少课程标准原文 text。")

    lesson, planned = item.get("lesson"), item.get("planned_lesson")
    if not lesson and not planned:
        out.append(f"{where}：既没有 lesson 也没有 planned_lesson，请写明由哪一课讲授。")
    if lesson and planned:
        out.append(f"{where}：lesson 和 planned_lesson 只能写一个。")
    for key in ("practice", "assignment"):
        if item.get(key) and item.get(f"planned_{key}"):
            out.append(f"{where}：{key} 和 planned_{key} 只能写一个。")
    for name in [n for n in (lesson, planned) if n] + list(item.get("woven_in") or []):
        if name not in known_lessons:
            out.append(f"{where}：课程 {name} 不在 lessons 列表中（文件名写错了？）。")
    for name in [n for n in (item.get("assignment"), item.get("planned_assignment")) if n]:
        if name not in known_assignments:
            out.append(f"{where}：作业 {name} 不在 assignments 列表中（文件夹名写错了？）。")
    if "self_check" in item and not isinstance(item["self_check"], bool):
        out.append(f"{where}：self_check 只能是 true 或 false。")
    if not lesson and item.get("practice"):
        out.append(f"{where}：课程尚未上线，请把 practice 改为 planned_practice。")
    if not lesson and item.get("self_check") is True:
        out.append(f"{where}：课程尚未上线，不能标记 self_check: true。")

    return out


_FILE_CHECKS = (
    # (field, should exist, folder, message)
    ("lesson", False, 0, "lessons/{name} 不存在，却被写成 lesson（{who}）：请补上该课，或改回 planned_lesson。"),
    ("planned_lesson", True, 0, "lessons/{name} 已经存在，请把 planned_lesson 改为 lesson"
                                "（{who}；练习写进 practice，自测写 self_check）。"),
    ("assignment", False, 1, "作业 source_assignments/{name} 不存在，却被写成 assignment（{who}）："
                             "请补上，或改回 planned_assignment。"),
    ("planned_assignment", True, 1, "作业 source_assignments/{name} 已经存在，"
                                    "请把 planned_assignment 改为 assignment（{who}）。"),
)


def _file_problems(item: dict, tree, missing: dict) -> None:
    """Group by file: a named lesson/assignment that is absent, a planned one that is present."""
    for field, present, folder, template in _FILE_CHECKS:
        name = item.get(field)
        if name and (name in tree[folder]) == present:
            missing.setdefault((template, name), []).append(str(item.get("id") or "？"))


# ---------------------------------------------------------------- command line

def main(argv: list[str] | None = None) -> int:
    """Print the coverage table (``--map``: the course map; ``--check``: exit 1 on problems).

    >>> main([])  # doctest: +ELLIPSIS
    课程标准覆盖情况...
    0
    """
    import argparse

    import pandas as pd

    parser = argparse.ArgumentParser(prog="python -m cslab.curriculum", description="课程标准覆盖情况")
    parser.add_argument("--map", action="store_true", help="同时打印课程地图（每个工作任务/章节/学习情境一行）")
    parser.add_argument("--check", action="store_true", help="发现问题时以状态 1 退出（供 CI 使用）")
    args = parser.parse_args(argv)

    data = load_curriculum()
    options = ("display.unicode.east_asian_width", True, "display.width", 200,
               "display.max_colwidth", 60, "display.max_rows", 200)
    with pd.option_context(*options):
        where = "（未找到 lessons/ 文件夹，状态未知）" if _tree() is None else ""
        print(f"课程标准覆盖情况{where}")
        print(coverage(data).reset_index().to_string(index=False))
        if args.map:
            print("\n课程地图")
            print(course_map(data).to_string(index=False))
    found = problems(data)
    if found:
        print(f"\n发现 {len(found)} 个问题：")
        for message in found:
            print(f"  - {message}")
    else:
        print("\n没有发现问题。")
    return 1 if (args.check and found) else 0


if __name__ == "__main__":
    sys.exit(main())
