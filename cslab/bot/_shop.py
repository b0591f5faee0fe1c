"""The shop's language for the bot, read from ``data/knowledge_base.yaml`` (private to :mod:`cslab.bot`).

Everything except the entries: the welcome card, topic keywords, the synonym table (→
:class:`~cslab.bot._lexicon.Lexicon`), the emergency keywords and the phrases that ask for a
person. :func:`load_shop` reads the file once per version (cached on its modification time).

>>> shop = load_shop()
>>> shop.emergency("不退款我就打12315")[:2]
('投诉维权', '12315')
>>> shop.emergency("这个面膜会不会过敏") is None
True
>>> shop.wants_human("别用机器人回我，叫个真人"), shop.wants_human("在吗？？"), shop.wants_human("人工费贵吗")
(True, True, False)
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .. import zhtext
from ..datasets import data_dir, read_yaml
from ..errors import DataError
from ._lexicon import STOPWORDS, Lexicon, plain
from ._model import TOPICS, WelcomeCard, make_entry

KB_FILE = "knowledge_base.yaml"
_LABEL = "知识库"
# Asking for a person (店小蜜 转人工 triggers); matched on the folded text without punctuation.
_HUMAN = re.compile(r"转人工|人工(?!费|智能|合成|养殖|种植)|真人|活人|人类客服|机器人|别自动回复|转接|找个人|叫个人|"
                    r"(?:找|叫|要)(?:你们)?(?:店长|主管|负责人|经理|掌柜)")
# A message that is only a greeting or a call (在吗, 有人吗, 你好): the buyer wants someone to answer.
_CALL = re.compile(r"^(?:亲+|你好|您好|在吗|在么|在不在|在嘛|有人吗|有人在吗|有没有人|hello|hi|哈喽|客服|老板|掌柜|"
                   r"店家|喂|[?？!！]+)+$")
_FOLD_DROP = re.compile(r"[^0-9a-z\u3400-\u9fff]+")


@dataclass(frozen=True)
class EmergencyRule:
    """A group of emergency keywords (投诉维权, 人身安全 …) with its hand-off answer and exceptions."""

    name: str
    keywords: tuple
    answer: str
    exceptions: tuple = ()


class Shop:
    """Welcome card, topic keywords, lexicon and emergency rules of one knowledge-base file."""

    def __init__(self, welcome: WelcomeCard, cues: dict, synonyms: dict, emergency: tuple):
        self.welcome = welcome
        self.cues = cues
        self.synonyms = synonyms
        self.rules = emergency
        self._lexicon = None

    @property
    def lexicon(self) -> Lexicon:
        """The :class:`~cslab.bot._lexicon.Lexicon` of the synonym table (built on first use: it loads pypinyin)."""
        if self._lexicon is None:
            self._lexicon = Lexicon(self.synonyms, STOPWORDS)
        return self._lexicon

    def emergency(self, text: str):
        """``(rule name, keyword, answer)`` of the first emergency keyword in ``text``, or None."""
        folded = fold(text)
        for rule in self.rules:
            t = folded
            for exc in rule.exceptions:
                t = t.replace(exc, "|")
            for kw in rule.keywords:
                if kw in t:
                    return rule.name, kw, rule.answer
        return None

    def wants_human(self, text: str) -> bool:
        """True when the buyer asks for a person (转人工, 真人, 不要机器人, 找你们店长 …) or only calls (在吗)."""
        folded = fold(text)
        return bool(_HUMAN.search(folded) or _CALL.match(folded))


def fold(text: str) -> str:
    """Width-folded, lower-case text without spaces, punctuation or 表情 (for keyword look-ups)."""
    return _FOLD_DROP.sub("", zhtext.normalize(plain(text)).lower())


def load_shop(path=None) -> Shop:
    """The :class:`Shop` of ``data/knowledge_base.yaml`` (or ``path``), cached per file version."""
    return _load(*_version(path))[0]


def load_entries(path=None) -> tuple:
    """The official entries of the knowledge-base file, validated (a bad one → :class:`DataError`)."""
    return _load(*_version(path))[1]


def _version(path):
    target = data_dir() / KB_FILE if path is None else path
    try:
        return str(target), target.stat().st_mtime_ns
    except (OSError, AttributeError):
        return str(target), 0


@functools.lru_cache(maxsize=4)
def _load(path: str, _mtime: int):
    from pathlib import Path

    raw = read_yaml(Path(path), _LABEL, key="entries")
    name = Path(path).name
    welcome = raw.get("welcome") or {}
    try:
        card = check_welcome(welcome.get("text"), welcome.get("suggestions"))
    except Exception as exc:
        raise DataError(f"{_LABEL}文件 {name} 的 welcome 有误：{exc}") from None
    cues = raw.get("topics") or {}
    if not isinstance(cues, dict) or any(t not in TOPICS for t in cues):
        bad = [t for t in cues if t not in TOPICS] if isinstance(cues, dict) else ["（不是字典）"]
        raise DataError(f"{_LABEL}文件 {name} 的 topics 里有未知话题 {bad[0]}：话题只能是 {'、'.join(TOPICS)}。")
    synonyms = raw.get("synonyms") or {}
    if not isinstance(synonyms, dict) or not all(isinstance(v, list) for v in synonyms.values()):
        raise DataError(f"{_LABEL}文件 {name} 的 synonyms 应写成“标准词: [说法1, 说法2]”。")
    rules = []
    for i, r in enumerate(raw.get("emergency") or []):
        if not isinstance(r, dict) or not r.get("keywords") or not r.get("answer"):
            raise DataError(f"{_LABEL}文件 {name} 的 emergency 第 {i + 1} 组缺少 keywords 或 answer。")
        rules.append(EmergencyRule(str(r.get("name") or f"紧急情况{i + 1}"),
                                   tuple(fold(str(k)) for k in r["keywords"]), str(r["answer"]).strip(),
                                   tuple(fold(str(k)) for k in r.get("except") or ())))
    shop = Shop(card, {t: tuple(str(w) for w in ws or ()) for t, ws in cues.items()},
                {str(k): [str(v) for v in vs] for k, vs in synonyms.items()}, tuple(rules))
    entries, seen = [], set()
    for i, item in enumerate(raw["entries"]):
        where = item.get("id") if isinstance(item, dict) and item.get("id") else f"第 {i + 1} 条"
        try:
            entry = make_entry(item, source="official")
        except Exception as exc:
            raise DataError(f"{_LABEL}文件 {name} 的条目 {where} 有误：{exc}") from None
        if not entry.id or entry.id in seen:
            raise DataError(f"{_LABEL}文件 {name} 的条目 {where}：编号为空或重复，每条都要有不重复的 id。")
        seen.add(entry.id)
        entries.append(entry)
    return shop, tuple(entries)


def check_welcome(text, suggestions) -> WelcomeCard:
    """A :class:`WelcomeCard` after checking: text not empty, 4–6 different suggestions, no banned words.

    >>> check_welcome("亲，您好～", ["发货", "快递", "尺码"])
    Traceback (most recent call last):
    ...
    cslab.errors.InputError: 推荐问题要 4–6 个，现在是 3 个：请增加或删减。
    """
    from ..errors import InputError

    if not isinstance(text, str) or not text.strip():
        raise InputError("欢迎语不能为空：请写一句欢迎买家的话，例如“亲，您好！欢迎光临悦衣小铺～”。")
    if isinstance(suggestions, str):
        suggestions = re.split(r"[\n;；|]+", suggestions)
    if not isinstance(suggestions, (list, tuple)):
        raise InputError("推荐问题应是一组问题（列表），或每行一个问题的文字。")
    items = list(dict.fromkeys(s.strip() for s in suggestions if isinstance(s, str) and s.strip()))
    if not 4 <= len(items) <= 6:
        raise InputError(f"推荐问题要 4–6 个，现在是 {len(items)} 个：请增加或删减。")
    for t in (text, *items):
        banned = zhtext.find_banned(t)
        if banned:
            b = banned[0]
            fix = f"建议改成“{b.suggestion}”" if b.suggestion else "建议删掉"
            raise InputError(f"“{t}”里有广告违禁词“{b.word}”（{b.category}）：{fix}。")
    return WelcomeCard(zhtext.normalize(text), tuple(items))
