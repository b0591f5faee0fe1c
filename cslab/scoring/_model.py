"""The result types of :func:`cslab.scoring.score_reply`: :class:`Checkpoint` and :class:`ReplyScore`."""

from __future__ import annotations

import html
from dataclasses import dataclass

__all__ = ["DIMENSIONS", "SEVERE_FLAGS", "Checkpoint", "ReplyScore"]

#: the five report dimensions, in report order
DIMENSIONS = ("礼貌", "专业", "及时", "促成", "合规")
#: flags that cap every dimension at the total (the reply as a whole is not acceptable)
SEVERE_FLAGS = ("empty", "stuffing", "copying", "not_chinese")
#: keys of the rows that cap the total (their points are what the cap took away)
CAP_KEYS = ("stuffing", "copying", "not_chinese", "too_long", "no_answer", "red_line")

_GREEN, _RED, _GREY = "#1a7f37", "#cf222e", "#57606a"


@dataclass(frozen=True)
class Checkpoint:
    """One line of the rubric: what was checked, the points earned, and why (in Chinese).

    ``weight`` is the points available (negative for a deduction); ``points`` what this reply
    earned (0 … weight for a positive checkpoint, weight … 0 for a deduction).

    >>> Checkpoint("polite", "礼貌称呼与用语", "礼貌", 15, True, 15, "找到“亲”“请”。", "").passed
    True
    """

    key: str
    name: str
    dimension: str
    weight: int
    passed: bool
    points: int
    explanation: str
    fix: str

    @property
    def is_deduction(self) -> bool:
        """True for a deduction or a cap (weight below zero).

        >>> Checkpoint("banned", "不用广告违禁词", "合规", -40, True, 0, "没有违禁词。", "").is_deduction
        True
        """
        return self.weight < 0


@dataclass(frozen=True)
class ReplyScore:
    """The score of one reply: ``total`` 0–100, ``passed`` (≥ 60), the checkpoints, a Chinese summary, flags.

    >>> from cslab.scoring import score_reply
    >>> s = score_reply("greet", "在吗？", "亲，您好！我是客服小林，请问有什么可以帮您？")
    >>> s.passed, s.flags
    (True, ())
    """

    stage: str
    total: int
    passed: bool
    checkpoints: tuple
    summary: str
    flags: tuple

    def dimensions(self) -> dict:
        """Points 0–100 for 礼貌/专业/及时/促成/合规 (used by the chat simulator's report chart).

        A dimension is the share of its positive points earned, minus twice the deductions in it;
        a dimension with nothing to check in this reply is 100. When the reply is empty, stuffed,
        copied or not Chinese, no dimension is above the total.

        >>> from cslab.scoring import score_reply
        >>> d = score_reply("answer", "这件多少钱？", "亲，这款活动价96.9元，喜欢可以直接拍哦～").dimensions()
        >>> list(d) == ["礼貌", "专业", "及时", "促成", "合规"] and all(0 <= v <= 100 for v in d.values())
        True
        """
        out = {}
        for dim in DIMENSIONS:
            rows = [c for c in self.checkpoints if c.dimension == dim and c.key not in CAP_KEYS]
            possible = sum(c.weight for c in rows if c.weight > 0)
            earned = sum(c.points for c in rows if c.weight > 0)
            lost = sum(c.points for c in rows if c.weight < 0)
            base = 100.0 * earned / possible if possible else 100.0
            out[dim] = int(round(min(100.0, max(0.0, base + 2 * lost))))
        if any(f in SEVERE_FLAGS for f in self.flags):
            out = {k: min(v, self.total) for k, v in out.items()}
        return out

    def to_frame(self):
        """The checkpoints as a pandas DataFrame with Chinese headers 检查点/权重/得分/结果/说明/改进建议.

        >>> from cslab.scoring import score_reply
        >>> df = score_reply("farewell", "谢谢", "感谢您的支持，祝您生活愉快～").to_frame()
        >>> list(df.columns)
        ['检查点', '维度', '权重', '得分', '结果', '说明', '改进建议']
        """
        import pandas as pd

        rows = [{"检查点": c.name, "维度": c.dimension, "权重": c.weight, "得分": c.points,
                 "结果": _verdict(c), "说明": c.explanation, "改进建议": c.fix} for c in self.checkpoints]
        return pd.DataFrame(rows, columns=["检查点", "维度", "权重", "得分", "结果", "说明", "改进建议"])

    def _repr_html_(self) -> str:
        colour = _GREEN if self.passed else _RED
        head = (f'<div style="margin:4px 0"><b style="color:{colour}">{self.total} 分'
                f'（{"合格" if self.passed else "不合格"}）</b>　{html.escape(self.summary)}</div>')
        cells = []
        nowrap = 'style="white-space:nowrap"'
        for c in self.checkpoints:
            ok = c.passed
            mark = f'<span style="color:{_GREEN if ok else _RED};font-weight:bold">{"✓" if ok else "✗"}</span>'
            weight = f"{c.weight:+d}" if c.weight < 0 else str(c.weight)
            fix = html.escape(c.fix) if c.fix else f'<span style="color:{_GREY}">—</span>'
            cells.append(
                f"<tr><td>{mark}</td><td {nowrap}>{html.escape(c.name)}</td><td {nowrap}>{c.dimension}</td>"
                f'<td style="text-align:right;white-space:nowrap">{weight}</td>'
                f'<td style="text-align:right;white-space:nowrap">{c.points}</td>'
                f"<td>{html.escape(c.explanation)}</td><td>{fix}</td></tr>")
        # short columns never wrap (a narrow notebook would stack 维度 one character per line)
        th = "".join(f'<th style="text-align:left;white-space:nowrap">{h}</th>'
                     for h in ("", "检查点", "维度", "权重", "得分", "说明", "改进建议"))
        return (f'<div class="cslab-reply-score">{head}<table style="border-collapse:collapse">'
                f"<thead><tr>{th}</tr></thead><tbody>{''.join(cells)}</tbody></table></div>")


def _verdict(c: Checkpoint) -> str:
    if c.weight < 0:
        return "未扣分" if c.passed else "扣分"
    if c.passed:
        return "通过"
    return "部分得分" if c.points > 0 else "未通过"
