"""A class's attendance over one term (attendance.csv): 40 invented students, two sessions of two periods a week."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ._base import fmt_date, stream, write_csv

__all__ = ["HEADER", "STATUSES", "TERM_START", "WEEKS", "SESSIONS", "HOLIDAYS", "class_dates", "rows", "write"]

HEADER = ["student_id", "name", "date", "week", "period", "status", "note"]
STATUSES = ["出勤", "旷课", "迟到", "早退", "病假", "事假", "因公"]
TERM_START = date(2026, 3, 2)  # Monday of teaching week 1
WEEKS = 18
#: weekday (0 = Monday) → the two periods (节次) of that session
SESSIONS = {1: (3, 4), 3: (1, 2)}
HOLIDAYS = {date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 4), date(2026, 5, 5), date(2026, 6, 19)}

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
_GIVEN = "子梓涵欣怡雨轩浩宇思睿博文佳琪嘉晨一诺俊熙若汐可馨沐阳梦瑶语桐昊然芷若诗雅铭泽天佑知夏星辰书妍明远"
_SICK = ["发烧", "肠胃炎", "感冒就医", "牙科手术", "扭伤脚踝"]
_PERSONAL = ["家中有事", "办理证件", "亲属婚礼", "面试实习单位"]
_DUTY = ["参加省职业技能大赛集训", "学生会活动", "校运会志愿者", "企业实践周"]

# per-session chance of: 旷课, 迟到, 早退, 病假, 事假, 因公 (the rest 出勤)
_PROFILES = {
    "steady": (0.01, 0.03, 0.005, 0.015, 0.01, 0.0),
    "loose": (0.06, 0.10, 0.03, 0.02, 0.03, 0.0),
    "truant_over": (0.40, 0.10, 0.05, 0.02, 0.02, 0.0),   # beyond one third of the periods
    "truant_edge": (0.27, 0.08, 0.04, 0.02, 0.02, 0.0),   # just under the line
    "sick": (0.02, 0.03, 0.0, 0.0, 0.02, 0.0),            # plus two weeks in hospital
    "team": (0.01, 0.02, 0.0, 0.01, 0.01, 0.25),          # contest training
}


def class_dates() -> list[tuple[date, int]]:
    """(date, week) of every class session of the term, holidays left out."""
    out = []
    for w in range(WEEKS):
        monday = TERM_START + timedelta(weeks=w)
        for wd in sorted(SESSIONS):
            d = monday + timedelta(days=wd)
            if d not in HOLIDAYS:
                out.append((d, w + 1))
    return out


def _names(rng: random.Random, n: int) -> list[str]:
    seen: set[str] = set()
    out = []
    while len(out) < n:
        given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.75 else "")
        name = rng.choice(_SURNAMES) + given
        if name not in seen and len(set(given)) == len(given):
            seen.add(name)
            out.append(name)
    return out


def rows() -> list[list]:
    """attendance.csv rows, by student, date and period."""
    rng = stream("attendance")
    names = _names(rng, 40)
    profiles = ["steady"] * 31 + ["loose"] * 4 + ["truant_over", "truant_edge", "truant_edge", "sick", "team"]
    rng.shuffle(profiles)
    sessions = class_dates()
    out = []
    for i, (name, prof) in enumerate(zip(names, profiles)):
        sid = f"2024{i + 1:03d}"
        chances = _PROFILES[prof]
        hospital = set(range(14, 18)) if prof == "sick" else set()
        for k, (d, week) in enumerate(sessions):
            p1, p2 = SESSIONS[d.weekday()]
            if k in hospital:
                s1 = s2 = "病假"
                note = "住院治疗（有医院证明）"
            else:
                u, acc, s1, s2, note = rng.random(), 0.0, "出勤", "出勤", ""
                for status, c in zip(["旷课", "迟到", "早退", "病假", "事假", "因公"], chances):
                    acc += c
                    if u < acc:
                        s1 = s2 = status
                        break
                if s1 == "迟到":
                    s2 = "出勤"
                elif s1 == "早退":
                    s1 = "出勤"
                elif s1 == "旷课" and rng.random() < 0.25:
                    s1 = "出勤"  # left at the break
                note = {"病假": rng.choice(_SICK), "事假": rng.choice(_PERSONAL),
                        "因公": rng.choice(_DUTY)}.get(s2 if s1 == "出勤" else s1, "")
            out.append([sid, name, fmt_date(d), week, p1, s1, note])
            out.append([sid, name, fmt_date(d), week, p2, s2, note])
    return out


def write(out_dir) -> dict:
    """Write attendance.csv."""
    return {"attendance": write_csv(out_dir / "attendance.csv", HEADER, rows())}
