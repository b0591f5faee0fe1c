"""Shared pieces of the 千牛-style workbench settings (lesson ``02_pre_job``): the shop name, the
settings file, time ranges such as ``09:00-23:00`` and the checks every setting uses.

Private to :mod:`cslab.workbench`; the public names are re-exported there.

>>> r = parse_hours("16:00-00:30")
>>> r.text, r.crosses_midnight, r.contains_minute(23 * 60)
('16:00-00:30', True, True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError
from ..phrases import VARIABLES, variables

__all__ = ["SHOP_NAME", "SETTINGS_FILE", "SETTINGS_VERSION", "TimeRange", "ALL_DAY", "parse_hours", "minute_of",
           "check_text", "check_int", "check_variables", "check_bool", "check_fields"]

#: the shop of the course's data (悦衣小铺, a made-up Taobao shop)
SHOP_NAME = "悦衣小铺"
#: where the settings live inside the student's work folder (see :mod:`cslab.workspace`)
SETTINGS_FILE = "workbench/settings.json"
#: format version written into the settings file
SETTINGS_VERSION = 1

_DASHES = str.maketrans({"～": "-", "~": "-", "—": "-", "–": "-", "－": "-", "至": "-", "到": "-", "：": ":"})
_HOURS = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class TimeRange:
    """A daily time range in minutes, ``end`` exclusive; it may cross midnight (``23:00-09:00``).

    >>> TimeRange(9 * 60, 23 * 60).text
    '09:00-23:00'
    """

    start: int
    end: int

    @property
    def text(self) -> str:
        """The range as ``HH:MM-HH:MM`` (midnight as end is written ``24:00`` only for a whole day).

        >>> parse_hours("0:00-24:00").text
        '00:00-24:00'
        """
        end = self.end % 1440 if self.start else self.end
        return f"{self.start // 60:02d}:{self.start % 60:02d}-{end // 60:02d}:{end % 60:02d}"

    @property
    def crosses_midnight(self) -> bool:
        """Whether the range runs past 24:00 into the next day.

        >>> parse_hours("23:00-09:00").crosses_midnight
        True
        """
        return self.end <= self.start

    def _intervals(self):
        if self.crosses_midnight:
            return ((self.start, 1440), (0, self.end))
        return ((self.start, self.end),)

    def contains_minute(self, minute: int) -> bool:
        """Whether minute-of-day ``minute`` (0–1439) lies in the range.

        >>> parse_hours("23:00-09:00").contains_minute(8 * 60 + 59)
        True
        """
        return any(a <= minute < b for a, b in self._intervals())

    def contains(self, when) -> bool:
        """Whether the clock time of ``when`` (a datetime or time) lies in the range.

        >>> import datetime as dt
        >>> parse_hours("09:00-23:00").contains(dt.time(23, 0))
        False
        """
        return self.contains_minute(minute_of(when))

    def overlaps(self, other: "TimeRange") -> bool:
        """Whether the two ranges share at least one minute.

        >>> parse_hours("22:00-02:00").overlaps(parse_hours("01:00-08:00"))
        True
        """
        return any(max(a, c) < min(b, d) for a, b in self._intervals() for c, d in other._intervals())


ALL_DAY = TimeRange(0, 1440)


def parse_hours(value, what: str = "时间段") -> TimeRange:
    """Parse ``HH:MM-HH:MM`` (``～``, ``至`` and a full-width colon are accepted); ``""`` means all day.

    >>> parse_hours("9:00～23:00").text, parse_hours("").text
    ('09:00-23:00', '00:00-24:00')
    >>> parse_hours("25:00-26:00", "生效时间")
    Traceback (most recent call last):
    ...
    cslab.errors.InputError: 生效时间“25:00-26:00”的时刻不对：小时是 0–23（结束可以写 24:00），分钟是 0–59，例如 09:00-23:00。
    """
    if value is None:
        return ALL_DAY
    if not isinstance(value, str):
        raise InputError(f"{what}应是文字，例如 \"09:00-23:00\"，现在是 {type(value).__name__}。")
    text = value.strip().translate(_DASHES).replace(" ", "")
    if not text or text in ("全天", "00:00-00:00"):
        return ALL_DAY
    m = _HOURS.match(text)
    if not m:
        raise InputError(f"{what}“{value}”的格式不对：请写成“开始-结束”，例如 09:00-23:00（可以跨过午夜，如 23:00-09:00；"
                         "留空表示全天）。")
    h1, m1, h2, m2 = (int(x) for x in m.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        raise InputError(f"{what}“{value}”的时刻不对：小时是 0–23（结束可以写 24:00），分钟是 0–59，例如 09:00-23:00。")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end == 0:
        end = 1440
    if start == end:
        raise InputError(f"{what}“{value}”的开始和结束是同一时刻：全天请留空或写 00:00-24:00。")
    return TimeRange(start, end)


def minute_of(when) -> int:
    """Minute of the day of a datetime or time (seconds ignored).

    >>> import datetime as dt
    >>> minute_of(dt.datetime(2026, 11, 11, 21, 30, 59))
    1290
    """
    import datetime as dt

    if not isinstance(when, (dt.datetime, dt.time)):
        raise InputError(f"时间 when 应是 datetime，例如 datetime(2026, 11, 11, 21, 30)，现在是 {type(when).__name__}。")
    return when.hour * 60 + when.minute


def check_text(value, what: str, *, max_len: int = 500, allow_empty: bool = False) -> str:
    """``value`` stripped, after checking it is text, not empty and not longer than ``max_len``.

    >>> check_text("  欢迎语 ", "标题")
    '欢迎语'
    >>> check_text("", "标题")
    Traceback (most recent call last):
    ...
    cslab.errors.InputError: 标题不能为空，请填写。
    """
    if value is None and allow_empty:
        return ""
    if not isinstance(value, str):
        raise InputError(f"{what}应是文字（str），现在是 {type(value).__name__}。")
    text = value.strip()
    if not text and not allow_empty:
        raise InputError(f"{what}不能为空，请填写。")
    if len(text) > max_len:
        raise InputError(f"{what}太长了（{len(text)} 字）：最多 {max_len} 字，请精简。")
    return text


def check_int(value, what: str, low: int, high: int) -> int:
    """``value`` as an int in ``low``–``high`` (digit strings are accepted), else a Chinese error.

    >>> check_int("8", "最大接待人数", 1, 50)
    8
    >>> check_int(0, "最大接待人数", 1, 50)
    Traceback (most recent call last):
    ...
    cslab.errors.InputError: 最大接待人数应在 1–50 之间，现在是 0。
    """
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{what}应是整数，例如 {low}，现在是 {value!r}。")
    if not low <= value <= high:
        raise InputError(f"{what}应在 {low}–{high} 之间，现在是 {value}。")
    return value


def check_bool(value, what: str) -> bool:
    """``value`` as a bool (True/False or 是/否), else a Chinese error.

    >>> check_bool("否", "启用")
    False
    """
    if isinstance(value, bool):
        return value
    if value in ("是", "true", "True", 1):
        return True
    if value in ("否", "false", "False", 0):
        return False
    raise InputError(f"{what}应是 True（是）或 False（否），现在是 {value!r}。")


def check_variables(text: str, what: str) -> str:
    """``text`` after checking every ``{变量}`` is one of :data:`cslab.phrases.VARIABLES`.

    >>> check_variables("{买家昵称}您好", "回复内容")
    '{买家昵称}您好'
    >>> check_variables("{昵称}您好", "回复内容")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cslab.errors.InputError: 回复内容里有未知变量 {昵称}：只能用这些变量：{买家昵称}、{客服昵称}、{店铺名}、...
    """
    unknown = [v for v in variables(text) if v not in VARIABLES]
    if unknown:
        allowed = "、".join("{" + v + "}" for v in VARIABLES)
        raise InputError(f"{what}里有未知变量 {{{unknown[0]}}}：只能用这些变量：{allowed}。")
    return text


def check_fields(changes: dict, allowed, what: str) -> None:
    """Raise a Chinese error when ``changes`` has a key not in ``allowed``.

    >>> check_fields({"title": "x"}, ("title", "text"), "短语")
    """
    unknown = [k for k in changes if k not in allowed]
    if unknown:
        raise InputError(f"{what}没有“{unknown[0]}”这一项：可以修改的有 {'、'.join(allowed)}。")
