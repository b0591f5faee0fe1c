"""小组自评表与交叉互评表 (课程标准 004 “评价过程”): students rate themselves and their group; the teacher aggregates.

Course standard 004 (《客户管理实务》) ends every work task with 评价过程: “以角色扮演的方式展示工作
成果；互动展示；填写小组自评表和交叉互评表”. Here every member of a group rates, on the same
criteria (:data:`CRITERIA`, 1–5 each):

* themselves — the 小组自评表 column, and
* every other member of the group — the 交叉互评表 (members rate each other crosswise).

Students use :class:`EvaluationForm` in a lesson notebook after a group task; the form is saved
in the work folder (``evaluation/<任务>/<学号>.json``, :mod:`cslab.workspace`). The teacher collects
those files and calls :func:`aggregate` (a table per student) and :func:`chart`.

How the peer score is made robust (documented for students and teachers alike):

* each peer's rating of a student is the mean of that peer's criterion scores;
* the **peer score** is the trimmed mean of those ratings — with 3 or more peers the single
  highest and the single lowest are dropped (去掉一个最高分、去掉一个最低分, as in a contest), with
  fewer peers it is the plain mean; so one friend's 5 or one rival's 1 cannot move it much;
* the self-rating never counts towards the peer score; it is shown beside it with the gap
  自评 − 互评, flagged when it is at least :data:`GAP_FLAG` points (on the 1–5 scale);
* 互评百分制 = peer score × 20 (5 → 100 points).

>>> members = {"2024001": "王语馨", "2024002": "何俊", "2024003": "郭俊"}
>>> forms = [demo_form("项目一", r, members, {m: 4 for m in members}) for r in members]
>>> print(aggregate(forms)[["学号", "互评人数", "互评得分", "自评得分"]].to_string(index=False))
     学号  互评人数  互评得分  自评得分
2024001     2   4.0   4.0
2024002     2   4.0   4.0
2024003     2   4.0   4.0
"""

from __future__ import annotations

import html
import json
import math
import re
import time
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as widgets
import traitlets

from . import workspace
from .errors import InputError

__all__ = ["Criterion", "CRITERIA", "SCALE", "GAP_FLAG", "EvaluationForm", "validate_form", "save_form",
           "load_form", "form_path", "demo_form", "trimmed_mean", "ratings_table", "aggregate", "chart"]


@dataclass(frozen=True)
class Criterion:
    """One rated criterion: English key, Chinese name, what a 5 looks like, and its source in standard 004."""

    key: str
    name: str
    description: str
    source: str


#: the criteria of both forms, in the course group's own words after standard 004's 能力目标 and 工作要求
CRITERIA = (
    Criterion("task", "任务完成", "按计划完成自己分担的工作，成果达到任务要求",
              "执行过程：完成既定的工作计划，达到既定的目标要求"),
    Criterion("teamwork", "团队协作", "服从分工、主动配合组员，轮换角色时也能承担责任",
              "团队合作意识与协作精神；组织协调能力"),
    Criterion("communication", "沟通表达", "角色扮演和展示中用语规范、表达清楚，也认真倾听别人",
              "较强的口头与书面表达能力、人际沟通能力；能运用服务礼仪实施客户沟通"),
    Criterion("service", "服务意识", "站在客户角度想问题，主动、耐心、真诚",
              "具有客户第一的服务理念，养成主动服务客户的良好习惯"),
    Criterion("problem_solving", "分析解决问题", "能找出问题所在，提出可行的办法并改进",
              "较好的解决问题的方法能力、制定完善工作计划的能力"),
    Criterion("attitude", "学习态度", "按时参与、遵守纪律、主动学习新知识",
              "养成自觉学习和良好的工作态度；良好的行为规范"),
)
#: the rating scale and its Chinese labels
SCALE = {1: "差", 2: "较差", 3: "一般", 4: "良好", 5: "优秀"}
#: |自评 − 互评| at or above this (1–5 scale) is flagged for the teacher
GAP_FLAG = 1.0
FORM_TITLE = "小组自评表与交叉互评表"


def _slug(text: str) -> str:
    return re.sub(r"[^\w\-]+", "_", str(text).strip()).strip("_") or "task"


def form_path(task: str, rater: str) -> str:
    """Where a student's form for ``task`` is saved in the work folder.

    >>> form_path("项目一 受理客户咨询", "2024001")
    'evaluation/项目一_受理客户咨询/2024001.json'
    """
    return f"evaluation/{_slug(task)}/{_slug(rater)}.json"


def _score(value, where: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
        raise InputError(f"{where}的分数应是 1–5 的整数（1 {SCALE[1]} … 5 {SCALE[5]}），现在是 {value!r}。")
    return value


def validate_form(form: dict, criteria=CRITERIA, complete: bool = True) -> dict:
    """Check a form (rater in the group, only group members rated, scores 1–5, all criteria) and return it cleaned.

    >>> f = demo_form("项目一", "2024001", {"2024001": "王语馨", "2024002": "何俊"}, {"2024001": 5, "2024002": 4})
    >>> f["ratings"]["2024002"]["scores"]["task"]
    4
    >>> f["ratings"]["2024099"] = f["ratings"]["2024002"]
    >>> validate_form(f)
    Traceback (most recent call last):
    cslab.errors.InputError: 2024099 不是本组（王语馨、何俊）的成员：只能评价自己和同组同学。
    """
    if not isinstance(form, dict):
        raise InputError("评价表应是字典（task、rater、members、ratings）。")
    members = {str(k): str(v) for k, v in (form.get("members") or {}).items()}
    rater = str(form.get("rater", "")).strip()
    if not members or rater not in members:
        raise InputError(f"评价表的填写人 {rater or '（空）'} 不在小组名单里：请检查 members 和 rater。")
    keys = [c.key for c in criteria]
    names = {c.key: c.name for c in criteria}
    ratings = {}
    for ratee, entry in (form.get("ratings") or {}).items():
        ratee = str(ratee)
        if ratee not in members:
            raise InputError(f"{ratee} 不是本组（{'、'.join(members.values())}）的成员：只能评价自己和同组同学。")
        who = "自评" if ratee == rater else f"对 {members[ratee]} 的评价"
        scores = (entry or {}).get("scores") or {}
        unknown = [k for k in scores if k not in names]
        if unknown:
            raise InputError(f"{who}里有不认识的评价项 {'、'.join(map(str, unknown))}：可用 {'、'.join(keys)}。")
        clean = {k: _score(v, f"{who}的“{names[k]}”") for k, v in scores.items() if v is not None}
        ratings[ratee] = {"scores": clean, "comment": str((entry or {}).get("comment") or "").strip()}
    if complete:
        gaps = [f"{'自己' if m == rater else members[m]}的“{names[k]}”"
                for m in members for k in keys if k not in ratings.get(m, {}).get("scores", {})]
        if gaps:
            more = f"等 {len(gaps)} 项" if len(gaps) > 4 else ""
            raise InputError(f"还有没评的项：{'、'.join(gaps[:4])}{more}。每位组员（包括自己）的每一项都要打分。")
    return {"form": FORM_TITLE, "task": str(form.get("task", "")), "group": str(form.get("group", "")),
            "rater": rater, "members": members, "ratings": ratings, "saved_at": form.get("saved_at", "")}


def demo_form(task, rater, members, scores, group="", comment="") -> dict:
    """A complete form in which ``rater`` gives each member one score on every criterion ({学号: 1–5}); for examples and tests."""
    ratings = {m: {"scores": {c.key: s for c in CRITERIA}, "comment": comment} for m, s in scores.items()}
    return validate_form({"task": task, "group": group, "rater": rater, "members": members, "ratings": ratings})


def save_form(form: dict, criteria=CRITERIA) -> str:
    """Validate a complete form and save it in the work folder; returns its name there."""
    clean = validate_form(form, criteria)
    clean["saved_at"] = time.strftime("%Y-%m-%d %H:%M:%S")
    name = form_path(clean["task"], clean["rater"])
    workspace.save_json(name, clean)
    return name


def load_form(task: str, rater: str):
    """The form a student saved for ``task`` (None when there is none)."""
    return workspace.load_json(form_path(task, rater))


def _forms(source) -> list:
    """Forms from dicts, JSON file paths or folders of them (the teacher's collected files)."""
    items = source if isinstance(source, (list, tuple)) else [source]
    out = []
    for item in items:
        if isinstance(item, dict):
            out.append(item)
            continue
        path = Path(item).expanduser()
        files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
        for f in files:
            try:
                out.append(json.loads(f.read_text(encoding="utf-8")))
            except (OSError, ValueError) as exc:
                raise InputError(f"无法读取评价表 {f}（{exc}）：请确认它是学生保存的 JSON 文件。") from None
    return out


def ratings_table(forms, criteria=CRITERIA):
    """One row per (rater, ratee): task, group, the criterion scores and their mean; a later form replaces an earlier one."""
    import pandas as pd

    rows = {}
    for form in _forms(forms):
        f = validate_form(form, criteria, complete=False)
        for ratee, entry in f["ratings"].items():
            if len(entry["scores"]) < len(criteria):
                continue
            row = {"任务": f["task"], "小组": f["group"], "评分人": f["rater"], "学号": ratee,
                   "姓名": f["members"][ratee], **{c.name: entry["scores"][c.key] for c in criteria},
                   "评语": entry["comment"]}
            row["平均"] = sum(entry["scores"].values()) / len(criteria)
            rows[(f["task"], f["rater"], ratee)] = row
    return pd.DataFrame(list(rows.values()),
                        columns=["任务", "小组", "评分人", "学号", "姓名", *(c.name for c in criteria), "评语", "平均"])


def trimmed_mean(values) -> float:
    """Mean after dropping the single highest and lowest value when there are 3 or more (NaN when empty).

    >>> trimmed_mean([4, 4, 5, 1]), trimmed_mean([4, 5]), trimmed_mean([3, 4, 5])
    (4.0, 4.5, 4.0)
    """
    vals = sorted(float(v) for v in values)
    if not vals:
        return math.nan
    if len(vals) >= 3:
        vals = vals[1:-1]
    return sum(vals) / len(vals)


def aggregate(forms, criteria=CRITERIA, gap_flag: float = GAP_FLAG):
    """Per student: 互评人数, 互评得分 (trimmed mean of peers, self excluded), 互评百分制, per-criterion peer scores, 自评得分, 自评−互评 and 提示."""
    import pandas as pd

    table = ratings_table(forms, criteria)
    rows = []
    for (task, sid), got in table.groupby(["任务", "学号"], sort=True):
        self_rows = got[got["评分人"] == sid]
        peers = got[got["评分人"] != sid]
        peer = trimmed_mean(peers["平均"])
        own = float(self_rows["平均"].iloc[0]) if len(self_rows) else math.nan
        row = {"任务": task, "小组": got["小组"].iloc[0], "学号": sid, "姓名": got["姓名"].iloc[0],
               "互评人数": len(peers), "互评得分": round(peer, 2), "互评百分制": round(peer * 20, 1),
               **{f"互评·{c.name}": round(trimmed_mean(peers[c.name]), 2) for c in criteria},
               "自评得分": round(own, 2), "自评−互评": round(own - peer, 2)}
        notes = []
        if len(peers) == 0:
            notes.append("还没有同组同学的评价")
        elif len(peers) < 3:
            notes.append(f"只有 {len(peers)} 人互评，不能去掉最高最低分，仅供参考")
        if not math.isnan(own - peer) and own - peer >= gap_flag:
            notes.append(f"自评比同组评价高 {own - peer:.1f} 分，建议与学生交流")
        elif not math.isnan(own - peer) and peer - own >= gap_flag:
            notes.append(f"自评比同组评价低 {peer - own:.1f} 分，可能对自己要求过严")
        if len(peers) >= 3:
            far = [f"{r}（{m:.1f}）" for r, m in zip(peers["评分人"], peers["平均"]) if abs(m - peer) >= 1.5]
            if far:
                notes.append(f"评分与其他同学相差较大、已被去掉的：{'、'.join(far)}" if len(far) <= 2
                             else f"同组评价分歧很大：{'、'.join(far)}")
        if len(self_rows) == 0:
            notes.append("没有自评")
        row["提示"] = "；".join(notes)
        rows.append(row)
    columns = ["任务", "小组", "学号", "姓名", "互评人数", "互评得分", "互评百分制",
               *(f"互评·{c.name}" for c in criteria), "自评得分", "自评−互评", "提示"]
    return pd.DataFrame(rows, columns=columns)


def chart(summary, gap_flag: float = GAP_FLAG):
    """Bars of each student's peer score with the self-rating as a dot; large gaps in orange. Returns a Figure."""
    import matplotlib.pyplot as plt

    from . import plotting

    if summary is None or len(summary) == 0:
        raise InputError("没有可画的评价结果：请先用 aggregate(...) 汇总学生保存的评价表。")
    with plotting.course_style():
        fig, ax = plt.subplots(figsize=(7, 0.45 * len(summary) + 1.8), layout="constrained")
        labels = [f"{n}（{s}）" for n, s in zip(summary["姓名"], summary["学号"])]
        y = list(range(len(summary)))[::-1]
        flagged = (summary["自评−互评"].abs() >= gap_flag).tolist()
        colors = [plotting.COURSE_COLORS[1] if f else plotting.COURSE_COLORS[0] for f in flagged]
        ax.barh(y, summary["互评得分"], color=colors, label="互评得分（去掉最高最低分后的平均）")
        ax.scatter(summary["自评得分"], y, color="black", marker="D", zorder=3, label="自评")
        ax.set_yticks(y, labels)
        ax.set_xlim(0, 5.2)
        ax.set_xlabel("分数（1 差 — 5 优秀）；橙色：自评与互评相差较大")
        ax.set_title(f"{FORM_TITLE}汇总")
        for yy, v in zip(y, summary["互评得分"]):
            if v == v:
                ax.annotate(f"{v:.1f}", (v, yy), xytext=(-4, 0), textcoords="offset points", ha="right",
                            va="center", color="white", fontsize="small")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, fontsize="small", frameon=False)
    return fig


class EvaluationForm(widgets.VBox):
    """The student's form: rate yourself and each group member 1–5 on every criterion, comment, save. Headless: ``rate(...)``, ``submit()``.

    >>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
    >>> f = EvaluationForm("项目一", "2024001", {"2024001": "王语馨", "2024002": "何俊"})
    >>> f.rate("2024001", 4); f.submit() is None, f.feedback[:6]
    (True, '还有没评的项')
    >>> f.rate("2024002", {"task": 5, "teamwork": 4, "communication": 4, "service": 5, "problem_solving": 4, "attitude": 5})
    >>> f.submit()["ratings"]["2024002"]["scores"]["task"]
    5
    """

    task = traitlets.Unicode(help="工作任务（例如“项目一 受理客户咨询”），也是保存文件的名字")
    rater = traitlets.Unicode(help="填表人的学号")
    feedback = traitlets.Unicode(help="上一次提交的中文提示")

    def __init__(self, task, rater, members, group="", criteria=CRITERIA, **kwargs):
        if not isinstance(members, dict) or not members:
            raise InputError("members 请写成 {学号: 姓名} 的字典，包括填表人自己。")
        self.members = {str(k): str(v) for k, v in members.items()}
        if str(rater) not in self.members:
            raise InputError(f"填表人 {rater} 不在小组名单（{'、'.join(self.members)}）里。")
        self.criteria, self.group = tuple(criteria), str(group)
        order = [str(rater)] + [m for m in self.members if m != str(rater)]
        self._toggles, self._comments, boxes = {}, {}, []
        for m in order:
            head = f"自评：{self.members[m]}（我）" if m == str(rater) else f"互评：{self.members[m]}"
            rows = [widgets.HTML(f"<b>{html.escape(head)}</b>")]
            for c in self.criteria:
                t = widgets.ToggleButtons(options=[str(k) for k in SCALE], value=None, tooltips=list(SCALE.values()),
                                          style={"button_width": "36px"})
                self._toggles[(m, c.key)] = t
                rows.append(widgets.HBox([widgets.HTML(
                    f'<span title="{html.escape(c.description)}" style="display:inline-block;width:8em">'
                    f'{html.escape(c.name)}</span>'), t]))
            self._comments[m] = widgets.Textarea(placeholder="评语（可选）：做得好的地方、可以改进的地方",
                                                 layout=widgets.Layout(width="95%", height="3.2em"))
            rows.append(self._comments[m])
            boxes.append(widgets.VBox(rows, layout=widgets.Layout(border="1px solid #ddd", padding="4px 8px",
                                                                  margin="4px 0")))
        self._submit_button = widgets.Button(description="提交评价", icon="check", button_style="success")
        self._status = widgets.HTML()
        scale = "　".join(f"{k} {v}" for k, v in SCALE.items())
        intro = widgets.HTML(f"<h4>{FORM_TITLE}：{html.escape(str(task))}</h4>"
                             f"<div style='color:#666'>给自己和每位组员的每一项打分（{scale}），"
                             "鼠标停在评价项上可以看说明。自评不计入你的互评得分。</div>")
        super().__init__(children=[intro, *boxes, self._submit_button, self._status], **kwargs)
        self.task, self.rater = str(task), str(rater)
        self._submit_button.on_click(lambda _b: self.submit())
        saved = load_form(self.task, self.rater)
        if isinstance(saved, dict):
            for ratee, entry in (saved.get("ratings") or {}).items():
                if ratee in self.members:
                    self.rate(ratee, {k: v for k, v in entry.get("scores", {}).items()
                                      if k in {c.key for c in self.criteria}}, entry.get("comment"))
            self._status.value = "<span style='color:#666'>已载入你上次保存的评价，可以修改后再提交。</span>"

    def rate(self, ratee, scores, comment=None):
        """Rate a group member: ``scores`` is {criterion key or name: 1–5}, or one number for every criterion."""
        ratee = str(ratee)
        if ratee not in self.members:
            raise InputError(f"{ratee} 不是本组（{'、'.join(self.members.values())}）的成员：只能评价自己和同组同学。")
        by_name = {c.name: c.key for c in self.criteria}
        if not isinstance(scores, dict):
            scores = {c.key: scores for c in self.criteria}
        for key, value in scores.items():
            key = by_name.get(key, key)
            if (ratee, key) not in self._toggles:
                raise InputError(f"没有评价项“{key}”：可用 {'、'.join(c.name for c in self.criteria)}。")
            self._toggles[(ratee, key)].value = str(_score(value, f"“{key}”"))
        if comment is not None:
            self._comments[ratee].value = str(comment)

    def form(self) -> dict:
        """The form as plain data (possibly incomplete)."""
        ratings = {}
        for m in self.members:
            scores = {c.key: int(self._toggles[(m, c.key)].value) for c in self.criteria
                      if self._toggles[(m, c.key)].value is not None}
            ratings[m] = {"scores": scores, "comment": self._comments[m].value}
        return {"task": self.task, "group": self.group, "rater": self.rater, "members": dict(self.members),
                "ratings": ratings}

    def submit(self):
        """Validate and save to the work folder; returns the saved form, or None with the reason in ``feedback``."""
        try:
            name = save_form(self.form(), self.criteria)
        except InputError as exc:
            self.feedback = str(exc)
            self._status.value = f"<span style='color:#c62828'>✗ {html.escape(self.feedback)}</span>"
            return None
        self.feedback = f"已保存到作业文件夹的 {name}。谢谢你的认真评价！"
        self._status.value = f"<span style='color:#2e7d32'>✓ {html.escape(self.feedback)}</span>"
        return load_form(self.task, self.rater)
