"""Plain-text output for the teacher's terminal: Chinese-aware column widths, durations, numbers."""

from __future__ import annotations

import unicodedata

__all__ = ["display_width", "format_table", "format_seconds", "format_points", "pad"]


def display_width(text: str) -> int:
    """Columns a string takes in a terminal: Chinese characters count two.

    >>> display_width("张三"), display_width("ab"), display_width("得分 18")
    (4, 2, 7)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def pad(text: str, width: int, align: str = "<") -> str:
    """Pad ``text`` to ``width`` terminal columns (``align`` is ``<`` or ``>``).

    >>> pad("张三", 6) + "|"
    '张三  |'
    >>> pad("18", 4, ">")
    '  18'
    """
    text = str(text)
    gap = " " * max(0, width - display_width(text))
    return text + gap if align == "<" else gap + text


def format_table(headers: list[str], rows: list[list], align: str | None = None) -> str:
    """A plain-text table; ``align`` gives ``<`` or ``>`` per column (default: all left).

    >>> print(format_table(["学号", "姓名", "得分"], [["001", "张三", 18], ["002", "欧阳娜娜", 7.5]], "<<>"))
    学号  姓名      得分
    ----  --------  ----
    001   张三        18
    002   欧阳娜娜   7.5
    """
    align = align or "<" * len(headers)
    cells = [[str(c) for c in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(pad(c, w, a) for c, w, a in zip(row, widths, align)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_seconds(seconds: float) -> str:
    """A duration in Chinese: ``2.4 秒``, ``1 分 12 秒``, ``1 小时 3 分``.

    >>> format_seconds(2.44), format_seconds(72), format_seconds(3790)
    ('2.4 秒', '1 分 12 秒', '1 小时 3 分')
    """
    if seconds < 60:
        return f"{seconds:.1f} 秒"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} 分 {secs} 秒"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} 小时 {minutes} 分"


def format_points(value) -> str:
    """A score without a useless ``.0``; ``None`` becomes ``—``.

    >>> format_points(18.0), format_points(17.5), format_points(2 / 3), format_points(None)
    ('18', '17.5', '0.67', '—')
    """
    if value is None:
        return "—"
    value = round(float(value), 2)
    return str(int(value)) if value == int(value) else f"{value:g}"
