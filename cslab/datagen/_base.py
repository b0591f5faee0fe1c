"""Shared generator helpers: seeded streams, the reference calendar, money and time formats, CSV output."""

from __future__ import annotations

import bisect
import csv
import random
from datetime import date, datetime, timedelta
from pathlib import Path

__all__ = [
    "SEED",
    "SHOP",
    "START",
    "NOW",
    "DAYS",
    "Picker",
    "stream",
    "yuan",
    "fmt_dt",
    "fmt_date",
    "normalish",
    "clamp",
    "minutes",
    "seconds",
    "write_csv",
]

#: the one seed of the whole data set; change it and every file changes
SEED = 20251101
#: the invented shop
SHOP = "悦衣小铺"
#: first instant of the 12-month reference period
START = datetime(2025, 11, 1)
#: the data snapshot: the end of 2026-10-31 (nothing happens at or after this instant)
NOW = datetime(2026, 11, 1)
#: every day of the reference period
DAYS: list[date] = [START.date() + timedelta(days=i) for i in range((NOW - START).days)]


def stream(name: str) -> random.Random:
    """A random stream of its own for one part of the data (stable: no ``hash()``)."""
    n = 0
    for ch in name:
        n = (n * 131 + ord(ch)) % 2305843009213693951
    return random.Random(SEED * 1000003 + n)


class Picker:
    """Weighted choice among fixed items, reusable (cumulative weights computed once)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = []
        total = 0.0
        for w in weights:
            total += w
            self.cum.append(total)
        self.total = total

    def __call__(self, rng: random.Random):
        i = bisect.bisect(self.cum, rng.random() * self.total, 0, len(self.cum) - 1)
        return self.items[i]


def yuan(cents: int) -> str:
    """Format an amount in fen as yuan with two decimals: 12990 → '129.90'."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def fmt_dt(dt: datetime | None) -> str:
    """'YYYY-MM-DD HH:MM:SS' (whole seconds), or '' for a step not reached."""
    if dt is None:
        return ""
    if dt.microsecond:
        dt = dt.replace(microsecond=0)
    return dt.isoformat(" ")


def fmt_date(d: date | None) -> str:
    """'YYYY-MM-DD', or ''."""
    if d is None:
        return ""
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def normalish(rng: random.Random, mu: float, sigma: float) -> float:
    """A bell-shaped draw (sum of six uniforms): no libm calls, so identical on every platform."""
    s = (
        rng.random() + rng.random() + rng.random()
        + rng.random() + rng.random() + rng.random()
    )
    return mu + sigma * (s - 3.0) * 1.4142135623730951


def clamp(x, lo, hi):
    """``x`` limited to ``[lo, hi]``."""
    return lo if x < lo else hi if x > hi else x


def minutes(rng: random.Random, lo: int, hi: int) -> timedelta:
    """A whole number of seconds between ``lo`` and ``hi`` minutes."""
    return timedelta(seconds=lo * 60 + int(rng.random() * (hi - lo) * 60))


def seconds(rng: random.Random, lo: int, hi: int) -> timedelta:
    """Between ``lo`` and ``hi`` seconds."""
    return timedelta(seconds=lo + int(rng.random() * (hi - lo)))


def write_csv(path: Path, header: list[str], rows) -> Path:
    """Write rows as UTF-8 with BOM, '\\n' line ends, minimal quoting (byte-stable)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow(row)
    tmp.replace(path)
    return path
