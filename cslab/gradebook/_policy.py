"""Read and check a grading policy YAML (data/grading_policies/*.yaml) into frozen dataclasses."""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ..datasets import data_dir, read_yaml
from ..errors import DataError

__all__ = ["Policy", "Component", "AttendanceRule", "Makeup", "load_policy", "policies",
           "KINDS", "STATUSES", "POLICY_DIR"]

POLICY_DIR = "grading_policies"
#: every attendance status of ``datasets.load_attendance()``
STATUSES = ("出勤", "旷课", "迟到", "早退", "病假", "事假", "因公")
#: component kinds → what they read (shown in error messages)
KINDS = {
    "attendance": "考勤记录 → 出勤率 → 分数",
    "nbgrader": "nbgrader 导出的作业得分率 × 分值",
    "marks": "成绩表中老师登记的分数，按卷面满分折算",
    "deduction": "满分起扣：每次违纪或缺交扣 per_item 分，扣完为止",
}
_COMMON = {"key", "name", "kind", "weight", "group"}
_FIELDS = {
    "attendance": _COMMON | {"attendance"},
    "nbgrader": _COMMON | {"assignments", "combine"},
    "marks": _COMMON | {"column", "max"},
    "deduction": _COMMON | {"per_item", "count_column", "missing_assignments"},
}
_TOP = {"version", "title", "standard", "pass_mark", "total_decimals", "on_missing", "groups",
        "components", "makeup"}


@dataclass(frozen=True)
class AttendanceRule:
    """How attendance statuses become absent-equivalent periods, a rate and points."""

    count_as: tuple          # ((status, Fraction periods per period), …)
    pair_statuses: tuple     # statuses counted together, e.g. ("迟到", "早退")
    pair_every: int          # every this many of them …
    pair_count_as: Fraction  # … count as this many absent periods (remainder dropped)
    not_counted: tuple       # statuses left out of the total (因公)
    scoring: str             # "bands" | "linear"
    bands: tuple             # ((Fraction min percent, points), …) from high to low
    bar_statuses: tuple = ()  # optional: these statuses …
    bar_over: Fraction | None = None  # … above this share of the total periods → 重修


@dataclass(frozen=True)
class Component:
    """One part of the total: ``weight`` points out of 100, computed by ``kind``."""

    key: str
    name: str
    kind: str
    weight: float
    group: str
    assignments: object = None      # nbgrader: tuple of names or "all"
    combine: str = "mean"
    column: str | None = None       # marks / deduction count column
    max: float = 100.0
    per_item: float = 1.0
    missing_assignments: object = None  # deduction: tuple of names or "all"
    attendance: AttendanceRule | None = None


@dataclass(frozen=True)
class Makeup:
    """The make-up exam (补考): how many, its pass mark and what is recorded after passing."""

    attempts: int = 1
    pass_mark: float = 60.0
    max: float = 100.0
    record_as: str = "pass_mark"


@dataclass(frozen=True)
class Policy:
    """A course grading policy: components summing to 100, pass mark, make-up rule."""

    key: str
    title: str
    standard: str
    file: str
    pass_mark: float
    total_decimals: int
    on_missing: str
    components: tuple
    groups: tuple = ()
    makeup: Makeup | None = None

    def component(self, key: str) -> Component:
        """The component with this key (or Chinese name)."""
        for c in self.components:
            if key in (c.key, c.name):
                return c
        raise KeyError(key)


def policies() -> list[str]:
    """Names of the built-in policies (files in data/grading_policies/).

    >>> policies()
    ['standard_001', 'standard_002']
    """
    folder = data_dir() / POLICY_DIR
    return sorted(p.stem for p in folder.glob("*.yaml"))


def load_policy(policy) -> Policy:
    """A built-in policy by name (``"standard_002"``), a YAML path, or a Policy (returned as is).

    >>> p = load_policy("standard_002")
    >>> [(c.name, c.weight) for c in p.components][:2], p.pass_mark
    ([('出勤', 20.0), ('课堂表现', 10.0)], 60.0)
    """
    if isinstance(policy, Policy):
        return policy
    if not isinstance(policy, (str, os.PathLike)) or not str(policy).strip():
        raise DataError("评分方案请写内置方案名（如 \"standard_002\"）或 YAML 文件路径。")
    text = str(policy)
    if os.path.dirname(text) or text.endswith((".yaml", ".yml")):
        path = Path(text).expanduser()
    else:
        path = data_dir() / POLICY_DIR / f"{text}.yaml"
        if not path.is_file():
            raise DataError(f"没有名为 {text!r} 的内置评分方案：可用 {'、'.join(policies())}，"
                            f"或者给出 YAML 文件的路径。")
    raw = read_yaml(path.resolve(), "评分方案", key="components")
    return _Parser(path.name).policy(raw, path)


class _Parser:
    """Builds a Policy; every error names the file and the field."""

    def __init__(self, filename: str):
        self.file = filename

    def fail(self, where: str, msg: str):
        raise DataError(f"评分方案 {self.file}：{where} {msg}。请对照 data/grading_policies/README.md 修改。")

    def number(self, value, where, *, positive=False, allow_zero=True):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(where, f"应是数字，现在是 {value!r}")
        if value < 0 or (positive and value == 0) or (not allow_zero and value == 0):
            self.fail(where, f"应大于 0，现在是 {value!r}" if positive else f"不能是负数，现在是 {value!r}")
        return float(value)

    def fraction(self, value, where) -> Fraction:
        try:
            if isinstance(value, bool):
                raise ValueError
            return Fraction(str(value).strip())
        except (ValueError, ZeroDivisionError):
            self.fail(where, f"应是数字或分数（如 0.5、1/3），现在是 {value!r}")

    def policy(self, raw, path) -> Policy:
        if not isinstance(raw, dict):
            self.fail("文件内容", "应是“字段: 值”的映射")
        extra = set(raw) - _TOP
        if extra:
            self.fail("顶层", f"有不认识的字段 {'、'.join(sorted(map(str, extra)))}（可用：{'、'.join(sorted(_TOP))}）")
        pass_mark = self.number(raw.get("pass_mark", 60), "pass_mark", positive=True)
        decimals = raw.get("total_decimals", 0)
        if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 2:
            self.fail("total_decimals", f"应是 0、1 或 2（总评保留的小数位数），现在是 {decimals!r}")
        on_missing = raw.get("on_missing", "pending")
        if on_missing not in ("pending", "zero"):
            self.fail("on_missing", f"应是 pending（待定）或 zero（按 0 分计），现在是 {on_missing!r}")
        items = raw["components"]
        if not isinstance(items, list):
            self.fail("components", "应是一个列表（每项以“- key:”开头）")
        comps = [self.component(n, item) for n, item in enumerate(items, 1)]
        self.check_unique(comps)
        total = sum(c.weight for c in comps)
        if abs(total - 100) > 1e-9:
            parts = " + ".join(f"{c.name} {c.weight:g}" for c in comps)
            self.fail("components", f"各项 weight 之和应为 100，现在是 {parts} = {total:g}")
        groups = self.groups(raw.get("groups"), comps)
        return Policy(key=path.stem, title=str(raw.get("title") or path.stem), standard=str(raw.get("standard", "")),
                      file=str(path), pass_mark=pass_mark, total_decimals=decimals, on_missing=on_missing,
                      components=tuple(comps), groups=groups, makeup=self.makeup(raw.get("makeup")))

    def component(self, n, item) -> Component:
        where = f"components 第 {n} 项"
        if not isinstance(item, dict):
            self.fail(where, "应是“字段: 值”的映射（key、name、kind、weight …）")
        for field in ("key", "name"):
            if not isinstance(item.get(field), str) or not item[field].strip():
                self.fail(f"{where} 的 {field}", "不能为空")
        where = f"components 第 {n} 项（{item['name']}）"
        kind = item.get("kind")
        if kind not in KINDS:
            known = "；".join(f"{k}：{v}" for k, v in KINDS.items())
            self.fail(f"{where} 的 kind", f"是 {kind!r}，只能是以下之一：{known}")
        extra = set(item) - _FIELDS[kind]
        if extra:
            self.fail(where, f"有 kind={kind} 用不到的字段 {'、'.join(sorted(map(str, extra)))}"
                             f"（可用：{'、'.join(sorted(_FIELDS[kind]))}）")
        weight = self.number(item.get("weight"), f"{where} 的 weight", positive=True)
        c = dict(key=item["key"].strip(), name=item["name"].strip(), kind=kind, weight=weight,
                 group=str(item.get("group") or item["name"]).strip())
        if kind == "attendance":
            c["attendance"] = self.attendance(item.get("attendance"), f"{where} 的 attendance", weight)
        elif kind == "nbgrader":
            c["assignments"] = self.assignments(item.get("assignments"), f"{where} 的 assignments")
            combine = item.get("combine", "mean")
            if combine not in ("mean", "sum"):
                self.fail(f"{where} 的 combine", f"应是 mean（得分率平均）或 sum（总分 ÷ 总满分），现在是 {combine!r}")
            c["combine"] = combine
        elif kind == "marks":
            c["column"] = str(item.get("column") or c["name"]).strip()
            c["max"] = self.number(item.get("max", 100), f"{where} 的 max", positive=True)
        else:
            c["per_item"] = self.number(item.get("per_item", 1), f"{where} 的 per_item", positive=True)
            col, miss = item.get("count_column"), item.get("missing_assignments")
            if col is None and miss is None:
                self.fail(where, "需要 count_column（成绩表中登记次数的列）或 missing_assignments（按 nbgrader 未提交的作业计数），至少一个")
            c["column"] = str(col).strip() if col is not None else None
            if miss is not None:
                c["missing_assignments"] = self.assignments(miss, f"{where} 的 missing_assignments")
        return Component(**c)

    def assignments(self, value, where):
        if value == "all":
            return "all"
        if not isinstance(value, list) or not value or not all(isinstance(a, str) and a.strip() for a in value):
            self.fail(where, f"应是 all 或作业名列表（如 [a01_product_lookup, a02_replies]），现在是 {value!r}")
        if len(set(value)) != len(value):
            self.fail(where, "里有重复的作业名")
        return tuple(a.strip() for a in value)

    def attendance(self, raw, where, weight) -> AttendanceRule:
        if not isinstance(raw, dict):
            self.fail(where, "需要写明 count_as、pairs、not_counted、scoring")
        count_as = raw.get("count_as") or {}
        if not isinstance(count_as, dict):
            self.fail(f"{where}.count_as", "应是“状态: 折合缺勤节数”的映射")
        pairs = raw.get("pairs") or {}
        if not isinstance(pairs, dict):
            self.fail(f"{where}.pairs", "应写成 {statuses: [迟到, 早退], every: 2, count_as: 1}")
        pair_statuses = tuple(pairs.get("statuses") or ())
        not_counted = tuple(raw.get("not_counted") or ())
        seen = [*count_as, *pair_statuses, *not_counted]
        unknown = [s for s in seen if s not in STATUSES]
        if unknown:
            self.fail(where, f"有不认识的考勤状态 {'、'.join(map(str, unknown))}（考勤表里的状态：{'、'.join(STATUSES)}）")
        dup = sorted({s for s in seen if seen.count(s) > 1})
        if dup:
            self.fail(where, f"状态 {'、'.join(dup)} 出现在多处：每个状态只能在 count_as、pairs、not_counted 之一")
        left = [s for s in STATUSES if s not in seen]
        if left:
            self.fail(where, f"没有说明状态 {'、'.join(left)} 怎么算：请写进 count_as、pairs 或 not_counted")
        rates = tuple((s, self.fraction(v, f"{where}.count_as.{s}")) for s, v in count_as.items())
        for s, v in rates:
            if v < 0:
                self.fail(f"{where}.count_as.{s}", "不能是负数")
        every = pairs.get("every", 2) if pair_statuses else 1
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            self.fail(f"{where}.pairs.every", f"应是正整数（每满几次），现在是 {every!r}")
        pair_as = self.fraction(pairs.get("count_as", 1), f"{where}.pairs.count_as") if pair_statuses else Fraction(0)
        scoring = raw.get("scoring", "bands")
        if scoring not in ("bands", "linear"):
            self.fail(f"{where}.scoring", f"应是 bands（分档）或 linear（满分 × 出勤率），现在是 {scoring!r}")
        bands = self.bands(raw.get("bands"), f"{where}.bands", weight) if scoring == "bands" else ()
        bar_statuses, bar_over = (), None
        if raw.get("bar") is not None:
            bar = raw["bar"]
            if not isinstance(bar, dict) or not bar.get("statuses") or "over" not in bar:
                self.fail(f"{where}.bar", "应写成 {statuses: [旷课], over: 1/3}")
            bar_statuses = tuple(bar["statuses"])
            bad = [s for s in bar_statuses if s not in STATUSES]
            if bad:
                self.fail(f"{where}.bar.statuses", f"有不认识的考勤状态 {'、'.join(map(str, bad))}")
            bar_over = self.fraction(bar["over"], f"{where}.bar.over")
            if not 0 < bar_over < 1:
                self.fail(f"{where}.bar.over", f"应在 0 和 1 之间（如 1/3），现在是 {bar['over']!r}")
        extra = set(raw) - {"count_as", "pairs", "not_counted", "scoring", "bands", "bar"}
        if extra:
            self.fail(where, f"有不认识的字段 {'、'.join(sorted(map(str, extra)))}")
        return AttendanceRule(rates, pair_statuses, every, pair_as, not_counted, scoring, bands,
                              bar_statuses, bar_over)

    def bands(self, raw, where, weight):
        if not isinstance(raw, list) or not raw:
            self.fail(where, "scoring: bands 时需要分档列表，如 - {min: 95, points: 20}")
        out = []
        for n, band in enumerate(raw, 1):
            if not isinstance(band, dict) or set(band) != {"min", "points"}:
                self.fail(f"{where} 第 {n} 档", "应写成 {min: 出勤率下限（百分数）, points: 分数}")
            low = self.fraction(band["min"], f"{where} 第 {n} 档的 min")
            pts = self.number(band["points"], f"{where} 第 {n} 档的 points")
            if not 0 <= low <= 100:
                self.fail(f"{where} 第 {n} 档的 min", f"应在 0 到 100 之间（百分数），现在是 {band['min']!r}")
            if pts > weight:
                self.fail(f"{where} 第 {n} 档的 points", f"是 {pts:g}，超过了这一项的满分 {weight:g}")
            if out and not (low < out[-1][0]):
                self.fail(f"{where} 第 {n} 档的 min", f"应从高到低排列：{band['min']} 不小于上一档的 {float(out[-1][0]):g}")
            if out and pts > out[-1][1]:
                self.fail(f"{where} 第 {n} 档的 points", f"出勤率更低的档分数不能更高（{pts:g} > {out[-1][1]:g}）")
            out.append((low, pts))
        if out[-1][0] != 0:
            self.fail(where, f"最后一档的 min 应为 0，让任何出勤率都有对应的分数（现在是 {float(out[-1][0]):g}）")
        if out[0][1] != weight:
            self.fail(f"{where} 第 1 档的 points", f"应等于这一项的满分 {weight:g}（现在是 {out[0][1]:g}）")
        return tuple(out)

    def check_unique(self, comps):
        for attr, label in (("key", "key"), ("name", "name")):
            values = [getattr(c, attr) for c in comps]
            dup = sorted({v for v in values if values.count(v) > 1})
            if dup:
                self.fail("components", f"的 {label} 不能重复：{'、'.join(dup)}")
        alls = [c.name for c in comps if c.kind == "nbgrader" and c.assignments == "all"]
        if len(alls) > 1:
            self.fail("components", f"只能有一项写 assignments: all，现在有 {'、'.join(alls)}")
        named = {}
        for c in comps:
            if c.kind == "nbgrader" and c.assignments != "all":
                for a in c.assignments:
                    if a in named:
                        self.fail("components", f"作业 {a} 同时计入了 {named[a]} 和 {c.name}：每份作业只能计入一项")
                    named[a] = c.name
        cols = {}
        for c in comps:
            if c.column is not None:
                if c.column in cols:
                    self.fail("components", f"成绩表的列“{c.column}”同时用于 {cols[c.column]} 和 {c.name}")
                cols[c.column] = c.name

    def groups(self, raw, comps):
        if raw is None:
            return ()
        if not isinstance(raw, dict):
            self.fail("groups", "应是“大项名称: 分数”的映射")
        for name, points in raw.items():
            points = self.number(points, f"groups.{name}", positive=True)
            members = [c for c in comps if c.group == name]
            if not members:
                self.fail(f"groups.{name}", "没有任何一项的 group 是它")
            got = sum(c.weight for c in members)
            if abs(got - points) > 1e-9:
                parts = " + ".join(f"{c.name} {c.weight:g}" for c in members)
                self.fail(f"groups.{name}", f"是 {points:g} 分，但其中各项之和是 {parts} = {got:g}")
        stray = sorted({c.group for c in comps} - set(raw))
        if stray:
            self.fail("groups", f"没有列出大项 {'、'.join(stray)}（写了 groups 就要列出每一项的 group）")
        return tuple((str(k), float(v)) for k, v in raw.items())

    def makeup(self, raw):
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.fail("makeup", "应写成 {attempts: 1, pass_mark: 60, max: 100, record_as: pass_mark}")
        extra = set(raw) - {"attempts", "pass_mark", "max", "record_as"}
        if extra:
            self.fail("makeup", f"有不认识的字段 {'、'.join(sorted(map(str, extra)))}")
        attempts = raw.get("attempts", 1)
        if isinstance(attempts, bool) or attempts not in (0, 1):
            self.fail("makeup.attempts", f"应是 0（不补考）或 1（一次补考），现在是 {attempts!r}")
        record_as = raw.get("record_as", "pass_mark")
        if record_as not in ("pass_mark", "score"):
            self.fail("makeup.record_as", f"应是 pass_mark（记及格分）或 score（记补考卷面分），现在是 {record_as!r}")
        mx = self.number(raw.get("max", 100), "makeup.max", positive=True)
        pm = self.number(raw.get("pass_mark", 60), "makeup.pass_mark", positive=True)
        if pm > mx:
            self.fail("makeup.pass_mark", f"（{pm:g}）不能超过 makeup.max（{mx:g}）")
        return Makeup(attempts, pm, mx, record_as)
