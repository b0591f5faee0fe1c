"""打字练习 (typing practice) for 训练一 of lesson ``01_cs_basics`` (电子商务客服认知).

Pure functions on plain data; the widget in :mod:`cslab.widgets` only renders them.

* :data:`PHRASES` – customer-service phrases from ``data/typing_phrases.yaml``
  (stage 迎接问好/疑问解答/促成订单/售后安抚/礼貌告别, level 1–3).
* :func:`score_attempt` – speed, accuracy, the errors a student can see, pass/fail,
  paste detection and Chinese feedback.
* :func:`record_attempt`, :func:`load_history`, :func:`history_frame`,
  :func:`history_chart` – practice history in the student's work folder
  (``typing/history.json``), so it survives a kernel restart.

Rules (also explained to students in the lesson):

* Both texts are normalised the same way: Unicode NFC, runs of whitespace
  (including the full-width space) become one ASCII space, surrounding
  whitespace is stripped. NFKC is *not* used: it would turn ``，`` into ``,``.
* Typing the half-width variant of a Chinese punctuation mark (``,`` for ``，``)
  or a full-width digit/letter for a half-width one (``Ｍ`` for ``M``) is an
  error like any other; the feedback names it (``注意使用中文标点``).
* ``chars_per_minute`` counts *correct* characters: characters of the normalised
  typed text that the alignment matches to the target, divided by the minutes.
* ``accuracy`` = matched characters ÷ (target length + extra typed characters),
  from :class:`difflib.SequenceMatcher` on characters; wrong, missing and extra
  characters all lower it.
* An attempt faster than :data:`PASTE_CPM` characters per minute, or with at least
  5 characters in under a second, or flagged by the widget as a paste, is
  ``suspect_paste``: never passed, never saved to the history.

>>> r = score_attempt("亲，您好！", "亲,您好！", seconds=6)
>>> r.accuracy, r.chars_per_minute, r.passed
(0.8, 40.0, False)
>>> "注意使用中文标点" in r.feedback
True
"""

from __future__ import annotations

import difflib
import functools
import math
import numbers
import random
import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from . import workspace
from .datasets import data_dir, read_yaml
from .errors import DataError, InputError

__all__ = [
    "STAGES",
    "LEVELS",
    "PASS_CPM",
    "PASS_ACCURACY",
    "PASTE_CPM",
    "PASTE_JUMP_CHARS",
    "HISTORY_FILE",
    "Phrase",
    "TypingError",
    "Segment",
    "TypingResult",
    "load_phrases",
    "pick_phrase",
    "normalize",
    "segments",
    "score_attempt",
    "is_paste_jump",
    "record_attempt",
    "load_history",
    "history_frame",
    "history_chart",
    "PHRASES",  # noqa: F822 - provided lazily by the module __getattr__
]

#: the reception stages the phrases are grouped by (order of a service conversation)
STAGES = ("迎接问好", "疑问解答", "促成订单", "售后安抚", "礼貌告别")
#: difficulty levels: 1 short, 2 medium, 3 long or with digits/letters/mixed punctuation
LEVELS = (1, 2, 3)
#: the course's practice line for speed (correct characters per minute); teachers may pass another
PASS_CPM = 40
#: the course's practice line for accuracy
PASS_ACCURACY = 0.95
#: faster than this (characters per minute) cannot be typed by hand: treated as pasted
PASTE_CPM = 600
#: one change of the input box adding at least this many characters looks like a paste
PASTE_JUMP_CHARS = 10
#: where the history lives, relative to the work folder
HISTORY_FILE = "typing/history.json"
_HISTORY_LIMIT = 2000

_PHRASE_FILE = "typing_phrases.yaml"

# Chinese (full-width) punctuation and the half-width mark students type by mistake.
_HALF_OF = {
    "，": ",", "。": ".", "？": "?", "！": "!", "：": ":", "；": ";",
    "（": "(", "）": ")", "“": '"', "”": '"', "‘": "'", "’": "'",
    "～": "~", "【": "[", "】": "]", "《": "<", "》": ">",
}
_WS = re.compile(r"\s+")


# --------------------------------------------------------------------------- phrases
@dataclass(frozen=True)
class Phrase:
    """One practice sentence with its reception stage and difficulty level."""

    text: str
    stage: str
    level: int

    def __str__(self) -> str:
        return self.text


def load_phrases(path=None) -> tuple:
    """Read and check the phrase file (default ``data/typing_phrases.yaml``); used by lesson 01_cs_basics.

    >>> phrases = load_phrases()
    >>> len(phrases) >= 40 and {p.stage for p in phrases} == set(STAGES)
    True
    """
    if path is None:
        return _default_phrases()
    return _read_phrases(Path(path))


@functools.lru_cache(maxsize=1)
def _default_phrases() -> tuple:
    return _read_phrases(data_dir() / _PHRASE_FILE)


def _read_phrases(path: Path) -> tuple:
    items = read_yaml(path, "打字练习话术", key="phrases")["phrases"]
    if not isinstance(items, list):
        raise DataError(f"{path.name} 里的 phrases 应是列表：请按文件开头的说明填写话术。")
    phrases = []
    for n, item in enumerate(items, 1):
        ok = (
            isinstance(item, dict)
            and isinstance(item.get("text"), str)
            and normalize(item["text"])
            and item.get("stage") in STAGES
            and item.get("level") in LEVELS
        )
        if not ok:
            raise DataError(
                f"{path.name} 第 {n} 条话术有误：需要 text（非空文字）、stage（{'/'.join(STAGES)} 之一）"
                f"和 level（1、2 或 3）。现在是：{item!r}"
            )
        phrases.append(Phrase(normalize(item["text"]), item["stage"], int(item["level"])))
    return tuple(phrases)


def __getattr__(name):
    # PHRASES is read on first use, so importing this module reads no file.
    if name == "PHRASES":
        return _default_phrases()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def pick_phrase(seed=None, stage=None, level=None, *, exclude=None) -> Phrase:
    """Pick a phrase at random (``seed``: int, ``random.Random`` or None), optionally by stage/level; lesson 01_cs_basics.

    >>> p = pick_phrase(seed=1, stage="礼貌告别", level=1)
    >>> (p.stage, p.level) == ("礼貌告别", 1) and p == pick_phrase(seed=1, stage="礼貌告别", level=1)
    True
    """
    if stage is not None and stage not in STAGES:
        raise InputError(f"没有“{stage}”这个阶段：请从 {'、'.join(STAGES)} 中选择，或不指定阶段。")
    if level is not None and (isinstance(level, bool) or level not in LEVELS):
        raise InputError(f"难度 {level!r} 不存在：请用 1（短句）、2（中等）或 3（较难），或不指定难度。")
    pool = [p for p in _default_phrases()
            if (stage is None or p.stage == stage) and (level is None or p.level == level)]
    if not pool:
        raise InputError(f"阶段“{stage}”下没有难度 {level} 的话术：请换一个难度或阶段。")
    skip = str(exclude) if exclude is not None else None
    if skip is not None and len(pool) > 1:
        pool = [p for p in pool if p.text != skip]
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    return rng.choice(pool)


# --------------------------------------------------------------------------- scoring
class TypingError(NamedTuple):
    """One error: ``position`` is the 0-based index in the target (where an extra character was inserted, for extras)."""

    position: int
    expected: str  # "" for an extra character
    typed: str     # "" for a missing character


class Segment(NamedTuple):
    """A piece of the alignment: ``kind`` is ``equal``, ``wrong``, ``missing`` or ``extra``."""

    kind: str
    position: int
    expected: str
    typed: str


@dataclass(frozen=True)
class TypingResult:
    """The score of one attempt (see the module docstring for the definitions)."""

    target: str
    typed: str
    seconds: float
    chars_per_minute: float
    accuracy: float
    errors: tuple
    punctuation_errors: int
    passed: bool
    suspect_paste: bool
    feedback: str

    def as_dict(self) -> dict:
        """Plain data (lists instead of tuples), e.g. for JSON."""
        data = asdict(self)
        data["errors"] = [list(e) for e in self.errors]
        return data


def normalize(text: str) -> str:
    """NFC, whitespace runs → one space, stripped; keeps full-width punctuation (lesson 01_cs_basics).

    >>> normalize("  您好，\\u3000亲！ ")
    '您好， 亲！'
    """
    if not isinstance(text, str):
        raise InputError(f"需要一段文字（字符串），现在收到的是 {type(text).__name__}。")
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def segments(target: str, typed: str) -> list:
    """Align ``typed`` to ``target`` character by character (``difflib``); lesson 01_cs_basics.

    >>> [s.kind for s in segments("您好！", "你好!")]
    ['wrong', 'equal', 'wrong']
    """
    target, typed = normalize(target), normalize(typed)
    out = []
    matcher = difflib.SequenceMatcher(None, target, typed, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(Segment("equal", i1, target[i1:i2], typed[j1:j2]))
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for k in range(pairs):
            out.append(Segment("wrong", i1 + k, target[i1 + k], typed[j1 + k]))
        for k in range(i1 + pairs, i2):
            out.append(Segment("missing", k, target[k], ""))
        for k in range(j1 + pairs, j2):
            out.append(Segment("extra", i1 + pairs, "", typed[k]))
    return out


def _is_punct_slip(expected: str, typed: str) -> bool:
    return bool(expected) and bool(typed) and (_HALF_OF.get(expected) == typed or _HALF_OF.get(typed) == expected)


def _is_fullwidth_slip(expected: str, typed: str) -> bool:
    return (len(expected) == 1 and len(typed) == 1 and "!" <= expected <= "~"
            and ord(typed) == ord(expected) + 0xFEE0)


def _check_seconds(seconds) -> float:
    if seconds is None:
        raise InputError("缺少用时：请告诉程序这次打字用了多少秒（seconds，大于 0 的数字）。")
    if isinstance(seconds, bool) or not isinstance(seconds, numbers.Real):
        raise InputError(f"用时应是数字（秒），现在是 {seconds!r}。")
    seconds = float(seconds)
    if not math.isfinite(seconds) or seconds <= 0:
        raise InputError(f"用时必须大于 0 秒，现在是 {seconds}：请重新计时后再提交。")
    return seconds


def score_attempt(target, typed, seconds, *, pasted=False,
                  min_cpm=PASS_CPM, min_accuracy=PASS_ACCURACY) -> TypingResult:
    """Score one attempt: correct chars per minute, accuracy, errors, pass, paste check, feedback; lesson 01_cs_basics.

    >>> r = score_attempt("亲，您好！", "亲，您好！", seconds=5)
    >>> r.chars_per_minute, r.accuracy, r.errors, r.passed
    (60.0, 1.0, (), True)
    """
    if not isinstance(target, str) or not normalize(target):
        raise InputError("练习句子不能为空：请先点“换一句”或用 pick_phrase() 选一句话术。")
    if typed is None:
        raise InputError("还没有输入内容：请在输入框里照着上面的句子打字，再点“提交”。")
    if not isinstance(typed, str):
        raise InputError(f"输入的内容应是文字（字符串），现在是 {type(typed).__name__}：请把打的句子放在引号里。")
    if not normalize(typed):
        raise InputError("还没有输入内容（只有空格也不算）：请在输入框里照着上面的句子打字，再点“提交”。")
    seconds = _check_seconds(seconds)
    target_n, typed_n = normalize(target), normalize(typed)

    segs = segments(target_n, typed_n)
    matched = sum(len(s.expected) for s in segs if s.kind == "equal")
    extra = sum(1 for s in segs if s.kind == "extra")
    errors = tuple(TypingError(s.position, s.expected, s.typed) for s in segs if s.kind != "equal")
    accuracy = matched / (len(target_n) + extra)
    cpm = matched / seconds * 60
    raw_cpm = len(typed_n) / seconds * 60
    suspect = bool(pasted) or raw_cpm > PASTE_CPM or (seconds < 1 and len(typed_n) >= 5)
    punct = sum(1 for e in errors if _is_punct_slip(e.expected, e.typed))
    fullwidth = sum(1 for e in errors if _is_fullwidth_slip(e.expected, e.typed))
    passed = (not suspect) and accuracy >= min_accuracy and cpm >= min_cpm
    feedback = _feedback(errors, accuracy, cpm, raw_cpm, suspect, passed, punct, fullwidth,
                         min_cpm, min_accuracy, len(target_n))
    return TypingResult(
        target=target_n, typed=typed_n, seconds=round(seconds, 2),
        chars_per_minute=round(cpm, 1), accuracy=round(accuracy, 4), errors=errors,
        punctuation_errors=punct, passed=passed, suspect_paste=suspect, feedback=feedback,
    )


def _describe(e: TypingError, length: int) -> str:
    if not e.typed:
        return f"第 {e.position + 1} 个字“{e.expected}”漏打了"
    if not e.expected:
        where = "句末" if e.position >= length else f"第 {e.position + 1} 个字前"
        return f"{where}多打了“{e.typed}”"
    return f"第 {e.position + 1} 个字应为“{e.expected}”，打成了“{e.typed}”"


def _feedback(errors, accuracy, cpm, raw_cpm, suspect, passed, punct, fullwidth,
              min_cpm, min_accuracy, length) -> str:
    if suspect:
        return (f"检测到粘贴/速度异常，请手动输入（本次相当于每分钟 {raw_cpm:.0f} 字）。"
                "这次不计成绩，也不记入练习记录。")
    parts = [f"速度 {cpm:.1f} 字/分钟，正确率 {accuracy:.1%}。"]
    parts.append("达标，继续保持！" if passed else "还没有达标，再练一次。")
    if errors:
        shown = "；".join(_describe(e, length) for e in errors[:3])
        head = f"共 {len(errors)} 处错误，前 3 处" if len(errors) > 3 else f"共 {len(errors)} 处错误"
        parts.append(f"{head}：{shown}。")
    if punct:
        parts.append("注意使用中文标点（，。？！：等全角符号），不要切换成英文标点。")
    if fullwidth:
        parts.append("订单号、尺码等数字和字母请用半角（英文状态）输入。")
    if not passed:
        if accuracy < min_accuracy:
            parts.append(f"正确率要达到 {min_accuracy:.0%}：先求准，再求快。")
        if cpm < min_cpm:
            parts.append(f"速度要达到 {min_cpm} 字/分钟：常用话术多打几遍就会越来越快。")
    return "".join(parts)


def is_paste_jump(old: str, new: str, jump: int = PASTE_JUMP_CHARS) -> bool:
    """True when one change of the input box adds ``jump`` or more characters (a paste); lesson 01_cs_basics.

    >>> is_paste_jump("亲", "亲，您好"), is_paste_jump("", "亲，您好！欢迎光临本店，请问有什么可以帮您？")
    (False, True)
    """
    return len(new or "") - len(old or "") >= jump


# --------------------------------------------------------------------------- history
def record_attempt(result: TypingResult, target=None):
    """Append a scored attempt to ``typing/history.json`` in the work folder; suspect pastes are not saved (→ None).

    >>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
    >>> rec = record_attempt(score_attempt("您好！", "您好！", seconds=3))
    >>> rec["chars_per_minute"], len(load_history())
    (60.0, 1)
    """
    if not isinstance(result, TypingResult):
        raise InputError("record_attempt 需要 score_attempt(...) 的结果：请先评分，再保存。")
    if target is not None and normalize(str(target)) != result.target:
        raise InputError("保存的练习句子与评分时的句子不一致：请用同一句话术重新评分后再保存。")
    if result.suspect_paste:
        return None
    record = {
        "time": datetime.now().astimezone().isoformat(timespec="seconds"),
        "phrase": result.target,
        "seconds": result.seconds,
        "chars_per_minute": result.chars_per_minute,
        "accuracy": result.accuracy,
        "errors": len(result.errors),
        "passed": result.passed,
    }
    workspace.append_json(HISTORY_FILE, record, limit=_HISTORY_LIMIT)
    return record


def _is_record(item) -> bool:
    return (isinstance(item, dict)
            and all(isinstance(item.get(k), (int, float)) and not isinstance(item.get(k), bool)
                    for k in ("chars_per_minute", "accuracy")))


def load_history() -> list:
    """The saved attempts (oldest first) as a list of dicts; entries that are not records are skipped.

    >>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
    >>> load_history()
    []
    """
    items = workspace.load_json(HISTORY_FILE, default=[])
    if not isinstance(items, list):
        return []
    return [dict(item) for item in items if _is_record(item)]


def history_frame(history=None):
    """The history as a pandas DataFrame (``time`` parsed as datetime); lesson 01_cs_basics.

    >>> import os, tempfile; os.environ["CSLAB_WORKDIR"] = tempfile.mkdtemp()
    >>> list(history_frame().columns)[:3]
    ['time', 'phrase', 'seconds']
    """
    import pandas as pd

    rows = load_history() if history is None else [r for r in history if _is_record(r)]
    columns = ["time", "phrase", "seconds", "chars_per_minute", "accuracy", "errors", "passed"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["time"] = pd.to_datetime(frame["time"], errors="coerce", utc=True)
    return frame


def history_chart(history=None, *, min_cpm=PASS_CPM, min_accuracy=PASS_ACCURACY):
    """A matplotlib Figure of speed and accuracy over attempts (Chinese labels); empty → a message figure.

    >>> fig = history_chart([])
    >>> fig.axes[0].texts[0].get_text()
    '还没有练习记录'
    """
    import matplotlib
    from matplotlib.colors import to_hex
    from matplotlib.figure import Figure

    from cslab.plotting import course_rc, use_chinese_font

    family = use_chinese_font()  # global, like every lesson with a chart; the style stays local
    rows = load_history() if history is None else [r for r in history if _is_record(r)]
    with matplotlib.rc_context(course_rc()):
        fig = Figure(figsize=(6.4, 3.2), layout="constrained")
        ax = fig.add_subplot()
        if not rows:
            ax.set_axis_off()
            ax.text(0.5, 0.5, "还没有练习记录", ha="center", va="center", fontsize=14, family=family)
            ax.text(0.5, 0.3, "完成一次打字练习后，这里会显示你的速度和正确率变化。",
                    ha="center", va="center", fontsize=9, color="0.4", family=family)
            return fig
        c0, c1 = (to_hex(c) for c in ("C0", "C1"))  # the course colours, resolved inside the style
        n = list(range(1, len(rows) + 1))
        cpm = [r["chars_per_minute"] for r in rows]
        acc = [r["accuracy"] * 100 for r in rows]
        line1 = ax.plot(n, cpm, "o-", color=c0, label="速度（正确字数/分钟）")
        ax.axhline(min_cpm, color=c0, ls=":", lw=1)
        ax.set_xlabel("练习次数", family=family)
        ax.set_ylabel("字/分钟", color=c0, family=family)
        ax.set_ylim(bottom=0, top=max(max(cpm), min_cpm) * 1.2)
        ax2 = ax.twinx()
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        line2 = ax2.plot(n, acc, "s--", color=c1, label="正确率（%）")
        ax2.axhline(min_accuracy * 100, color=c1, ls=":", lw=1)
        ax2.set_ylim(0, 105)
        ax2.set_ylabel("正确率 %", color=c1, family=family)
        if len(n) <= 15:
            ax.set_xticks(n)
        lines = line1 + line2
        ax.legend(lines, [ln.get_label() for ln in lines], loc="lower right",
                  prop={"family": family, "size": 8})
        ax.set_title(f"打字练习记录（共 {len(rows)} 次，虚线为达标线）", fontsize=11, family=family)
    return fig
