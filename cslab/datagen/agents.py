"""Customer-service sub-accounts (子账号) of the shop, their shifts, and who is on duty when."""

from __future__ import annotations

import functools
import random
from datetime import date, datetime, timedelta

from ._base import SHOP, fmt_date, write_csv

__all__ = ["AGENTS", "HEADER", "SHIFTS", "on_duty", "pick_agent", "rows", "write"]

HEADER = [
    "agent_id", "account", "group", "shift", "max_concurrent", "hired_date", "status",
    "left_date", "shift_hours",
]

#: shift name → (start minute of day, end minute; > 1440 means after midnight)
SHIFTS = {"早班": (480, 990), "晚班": (960, 1470), "全天": (540, 1260), "大促班": (600, 1440)}

# agent_id, nickname, group, shift, max concurrent chats, hired, left (None = still employed)
AGENTS: list[tuple[str, str, str, str, int, date, date | None]] = [
    ("A01", "小美", "售前", "早班", 8, date(2023, 3, 1), None),
    ("A02", "小雅", "售前", "晚班", 8, date(2023, 9, 15), None),
    ("A03", "阿杰", "售前", "早班", 6, date(2024, 6, 1), None),
    ("A04", "小柚", "售前", "晚班", 6, date(2026, 5, 6), None),
    ("A05", "安安", "售后", "早班", 5, date(2022, 11, 1), None),
    ("A06", "小舟", "售后", "晚班", 5, date(2024, 2, 20), None),
    ("A07", "米粒", "售后", "全天", 5, date(2023, 7, 1), date(2026, 4, 30)),
    ("A08", "林姐", "主管", "全天", 4, date(2021, 5, 10), None),
    ("A09", "小满", "售前", "大促班", 10, date(2026, 10, 12), None),
]
NICK = {a[0]: a[1] for a in AGENTS}
_BY_ID = {a[0]: a for a in AGENTS}


def on_duty(agent_id: str, dt: datetime) -> bool:
    """Whether the agent is working at ``dt`` (employment dates and shift hours)."""
    a = _BY_ID[agent_id]
    start, end = SHIFTS[a[3]]
    m = dt.hour * 60 + dt.minute
    day = dt.date()
    if end > 1440 and m < end - 1440:  # the tail of yesterday's late shift
        day = day - timedelta(days=1)
        m += 1440
    if day < a[5] or (a[6] is not None and day > a[6]):
        return False
    return start <= m < end


@functools.lru_cache(maxsize=None)
def _working(group: str, slot: datetime) -> tuple[str, ...]:
    """Ids of the group on duty in a quarter-hour slot (shifts change on the half hour)."""
    return tuple(a[0] for a in AGENTS if a[2] == group and on_duty(a[0], slot))


def pick_agent(rng: random.Random, group: str, dt: datetime) -> tuple[str, datetime]:
    """An agent of ``group`` on duty at ``dt``, or the first one to come on duty after it.

    Returns the agent id and the moment that agent can first answer (``dt`` when on duty).
    The supervisor (主管) stands in when no one of the group is working.
    """
    t = dt
    for _ in range(48 * 4):
        slot = t.replace(minute=t.minute // 15 * 15, second=0, microsecond=0)
        ids = _working(group, slot) or _working("主管", slot)
        if ids:
            return rng.choice(ids), t
        t = slot + timedelta(minutes=15)
    raise RuntimeError("no agent on duty within two days")  # pragma: no cover


def rows():
    """The agents.csv rows."""
    out = []
    for aid, nick, group, shift, conc, hired, left in AGENTS:
        start, end = SHIFTS[shift]
        hours = f"{start // 60:02d}:{start % 60:02d}-{end // 60 % 24:02d}:{end % 60:02d}"
        out.append([
            aid, f"{SHOP}:{nick}", group, shift, conc, fmt_date(hired),
            "离职" if left else "在职", fmt_date(left), hours,
        ])
    return out


def write(out_dir) -> dict:
    """Write agents.csv."""
    return {"agents": write_csv(out_dir / "agents.csv", HEADER, rows())}
