"""Attendance rules: status counts → absent-equivalent periods → rate → points, with the Chinese working."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from ._policy import AttendanceRule

__all__ = ["AttendanceResult", "score_attendance", "fmt_num", "fmt_rate"]


@dataclass(frozen=True)
class AttendanceResult:
    """One student's attendance under a rule: exact rate (Fraction), points and the explanation."""

    counts: dict
    total: int
    absent: Fraction
    rate: Fraction
    points: float
    barred: bool
    text: str


def fmt_num(x) -> str:
    """A number without needless decimals: 4 → '4', 0.5 → '0.5', 2/3 → '0.67'.

    >>> fmt_num(Fraction(11, 2)), fmt_num(4.0), fmt_num(Fraction(2, 3))
    ('5.5', '4', '0.67')
    """
    value = round(float(x), 2)
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def fmt_rate(rate: Fraction, thresholds=()) -> str:
    """A rate as a percentage with one decimal, never shown at or above a threshold it does not reach.

    >>> fmt_rate(Fraction(66, 70)), fmt_rate(Fraction(9496, 10000), [95])
    ('94.3 %', '94.96 %')
    """
    pct = rate * 100
    shown = round(float(pct), 1)
    if any(pct < t <= shown for t in thresholds):
        return f"{math.floor(pct * 100) / 100:.2f} %"
    return f"{shown:.1f} %"


def score_attendance(counts: dict, rule: AttendanceRule, weight: float) -> AttendanceResult:
    """Points for status counts ({status: periods}) under ``rule``; exact at band edges.

    >>> from cslab.gradebook import load_policy
    >>> rule = load_policy("standard_002").component("attendance").attendance
    >>> r = score_attendance({"出勤": 66, "旷课": 1, "病假": 1, "事假": 1, "迟到": 1}, rule, 20)
    >>> r.rate, r.points
    (Fraction(19, 20), 20.0)
    """
    counts = {s: int(n) for s, n in counts.items() if n}
    excluded = sum(counts.get(s, 0) for s in rule.not_counted)
    total = sum(counts.values()) - excluded
    parts, absent = [], Fraction(0)
    for status, per in rule.count_as:
        n = counts.get(status, 0)
        if per and n:
            absent += per * n
            parts.append(f"{status} {n} 节按 {fmt_num(per * n)} 节计")
    pair_n = sum(counts.get(s, 0) for s in rule.pair_statuses)
    if pair_n:
        units = pair_n // rule.pair_every
        absent += units * rule.pair_count_as
        seen = [f"{s} {counts[s]} 次" for s in rule.pair_statuses if counts.get(s)]
        label = "、".join(seen) + (f"共 {pair_n} 次" if len(seen) > 1 else "")
        rest = pair_n - units * rule.pair_every
        if not units:
            parts.append(f"{label}，不满 {rule.pair_every} 次不计")
        else:
            extra = f"（每 {rule.pair_every} 次计 {fmt_num(rule.pair_count_as)} 节，余 {rest} 次不计）" if rest else ""
            parts.append(f"{label}按 {fmt_num(units * rule.pair_count_as)} 节计{extra}")
    head = f"应出勤 {total} 节"
    if excluded:
        head += f"（{'、'.join(rule.not_counted)} {excluded} 节不计入）"
    if total <= 0:
        rate = Fraction(1)
        body = f"{head}，没有需要考核的课，出勤率按 100 % 计"
    else:
        rate = max(Fraction(0), (total - absent) / total)
        lost = "，".join(parts) if parts else "没有缺勤"
        body = f"{head}；{lost}；折合缺勤 {fmt_num(absent)} 节，"
        if absent > total:
            body += "多于应出勤节数，出勤率按 0 % 计"
        else:
            body += (f"出勤率 = ({total} − {fmt_num(absent)}) ÷ {total}"
                     f" = {fmt_rate(rate, [b[0] for b in rule.bands])}")
    if rule.scoring == "bands":
        points, band_text = _band(rate, rule.bands)
        body += f"，{band_text}，得 {fmt_num(points)} 分"
    else:
        points = float(weight * rate)
        body += f"，得 {fmt_num(weight)} × 出勤率 = {fmt_num(points)} 分"
    barred = False
    if rule.bar_over is not None and total > 0:
        n_bar = sum(counts.get(s, 0) for s in rule.bar_statuses)
        if n_bar > rule.bar_over * total:
            barred = True
            body += (f"。{'、'.join(rule.bar_statuses)} {n_bar} 节，超过应出勤节数的 {rule.bar_over}"
                     f"（{fmt_num(rule.bar_over * total)} 节），按规定不能参加补考，须重修")
    return AttendanceResult(counts, total, absent, rate, points, barred, body)


def _band(rate: Fraction, bands) -> tuple:
    pct = rate * 100
    for i, (low, points) in enumerate(bands):
        if pct >= low:
            if i and not low:
                return points, f"属于“< {fmt_num(bands[i - 1][0])} %”一档"
            upper = f" 且 < {fmt_num(bands[i - 1][0])} %" if i else ""
            return points, f"属于“≥ {fmt_num(low)} %{upper}”一档"
    raise AssertionError("the last band starts at 0")  # pragma: no cover (checked when loading)
