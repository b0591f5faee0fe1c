"""The end-of-session report: overall score, outcome, five dimensions, hidden needs, per-turn table and chart."""

from __future__ import annotations

import html
from dataclasses import dataclass

from ..scoring import DIMENSIONS, STAGES
from ._scenario import OUTCOMES

__all__ = ["SessionReport", "OUTCOME_POINTS"]

#: points added to 80 % of the mean reply score when the conversation ends well
OUTCOME_POINTS = 20
_GREEN, _RED, _GREY = "#1a7f37", "#cf222e", "#57606a"


@dataclass(frozen=True)
class SessionReport:
    """What a student gets at the end: ``score`` = 0.8 × mean reply score + 20 for a good outcome.

    ``dimensions`` averages :meth:`cslab.scoring.ReplyScore.dimensions` over the replies
    (礼貌、专业、及时、促成、合规); ``needs_found`` / ``needs_missed`` list the customer's hidden
    needs; ``rows`` has one dict per reply. ``passed`` needs a score of 60 and a good outcome.
    """

    scenario: str
    title: str
    outcome: str | None
    good: bool | None
    score: int
    mean_reply: float
    dimensions: dict
    needs_found: tuple
    needs_missed: tuple
    rows: tuple
    mood_start: int
    mood_end: int
    finished: bool

    @classmethod
    def from_session(cls, s) -> "SessionReport":
        """Build the report of a :class:`cslab.chat.Session` (finished or not)."""
        turns = [t for t in s.turns if t.graded]
        mean = sum(t.score.total for t in turns) / len(turns) if turns else 0.0
        good = None if s.outcome is None else OUTCOMES[s.outcome]
        score = int(round(0.8 * mean + (OUTCOME_POINTS if good else 0)))
        dims = {}
        for d in DIMENSIONS:
            vals = [t.score.dimensions()[d] for t in turns]
            dims[d] = int(round(sum(vals) / len(vals))) if vals else 0
        rows = tuple({"回合": i, "环节": STAGES.get(t.stage, t.stage), "买家": t.customer, "客服回复": t.reply,
                      "得分": int(t.score.total), "达标": "追问" if t.probe else "✓" if t.passed else "✗",
                      "响应秒数": round(t.response_seconds, 1), "情绪": f"{t.mood_before}→{t.mood_after}",
                      "评语": t.score.summary, "买家反应": t.why}
                     for i, t in enumerate(s.turns, 1))
        needs = [n.need for n in s.scenario.persona.hidden_needs]
        return cls(s.scenario.id, s.scenario.title, s.outcome, good, score, round(mean, 1), dims,
                   tuple(s.needs_found), tuple(n for n in needs if n not in s.needs_found), rows,
                   s.scenario.persona.mood, s.mood, s.finished)

    @property
    def passed(self) -> bool:
        """True when the session scored at least 60 and ended well."""
        return bool(self.good) and self.score >= 60

    def to_frame(self):
        """One row per reply (Chinese column names), as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(list(self.rows), columns=["回合", "环节", "买家", "客服回复", "得分", "达标", "响应秒数",
                                                      "情绪", "评语", "买家反应"])

    def summary(self) -> str:
        """One Chinese sentence: score, outcome and the weakest dimension."""
        if not self.rows:
            return "还没有回复，没有可以评价的内容。"
        end = f"结局：{self.outcome}" if self.outcome else "对话还没结束"
        weakest = min(self.dimensions, key=self.dimensions.get)
        needs = (f"；隐藏需求发现 {len(self.needs_found)}/{len(self.needs_found) + len(self.needs_missed)}"
                 if self.needs_found or self.needs_missed else "")
        verdict = "合格" if self.passed else "不合格"
        return (f"总评 {self.score} 分（{verdict}），{end}；回复平均 {self.mean_reply:g} 分，"
                f"最弱的维度是“{weakest}”（{self.dimensions[weakest]} 分）{needs}。")

    def plot(self, ax=None):
        """A bar chart of the five dimensions (Chinese labels); returns the matplotlib Axes."""
        from ..plotting import use_chinese_font
        import matplotlib.pyplot as plt

        use_chinese_font()
        if ax is None:
            _fig, ax = plt.subplots(figsize=(5.5, 2.8))
        names = list(self.dimensions)
        values = [self.dimensions[n] for n in names]
        colours = [_GREEN if v >= 60 else _RED for v in values]
        ax.barh(names[::-1], values[::-1], color=colours[::-1])
        ax.set_xlim(0, 100)
        ax.axvline(60, color=_GREY, linestyle="--", linewidth=1)
        for y, v in enumerate(values[::-1]):
            ax.text(min(v + 2, 92), y, str(v), va="center", fontsize=9)
        ax.set_title(f"{self.title}：各维度得分（虚线 = 60 分）", fontsize=10)
        ax.figure.tight_layout()
        return ax

    def _repr_html_(self) -> str:
        colour = _GREEN if self.passed else _RED
        dims = "".join(
            f'<td style="text-align:center;padding:2px 8px">{html.escape(d)}<br>'
            f'<b style="color:{_GREEN if v >= 60 else _RED}">{v}</b></td>' for d, v in self.dimensions.items())
        needs = ""
        if self.needs_found or self.needs_missed:
            needs = ("<div>隐藏需求：" + "".join(f'<span style="color:{_GREEN}">✓ {html.escape(n)}　</span>'
                                              for n in self.needs_found)
                     + "".join(f'<span style="color:{_RED}">✗ {html.escape(n)}（没问出来）　</span>'
                               for n in self.needs_missed) + "</div>")
        rows = "".join(
            "<tr>" + "".join(f'<td style="text-align:left;vertical-align:top">{html.escape(str(r[k]))}</td>'
                             for k in ("回合", "环节", "买家", "客服回复", "得分", "达标", "情绪", "评语", "买家反应"))
            + "</tr>" for r in self.rows)
        head = "".join(f"<th>{k}</th>" for k in ("回合", "环节", "买家", "客服回复", "得分", "达标", "情绪", "评语",
                                                 "买家反应"))
        return (f'<div class="cslab-chat-report"><div style="font-size:1.1em;color:{colour}"><b>'
                f'{html.escape(self.summary())}</b></div>'
                f'<table><tr>{dims}</tr></table>{needs}'
                f'<table class="cslab-chat-turns"><tr>{head}</tr>{rows}</table></div>')
