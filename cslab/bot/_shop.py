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
>>> shop.wants_human("你们打个电话给我吧"), shop.wants_human("快递员打电话给我我没接到")
(True, False)
>>> shop.outside("这件配牛仔裤好看吗")
('穿搭建议', '好看吗')
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from .. import zhtext
from ..datasets import data_dir, read_yaml
from ..errors import DataError
from ._lexicon import LIGHT, STOPWORDS, Lexicon, plain
from ._model import TOPICS, WelcomeCard, make_entry

KB_FILE = "knowledge_base.yaml"
_LABEL = "知识库"
# Asking for a person (店小蜜 转人工 triggers); matched on the folded text without punctuation.
_HUMAN = re.compile(r"转人工|人工(?!费|智能|合成|养殖|种植)|真人|活人|人类客服|机器人|别自动回复|转接|找个人|叫个人|"
                    r"(?:找|叫|要)(?:你们)?(?:店长|主管|负责人|经理|掌柜)|(?<![a-z])rg(?![a-z])|答非所问|听不懂我|"
                    r"客服本人|听不懂|听不明白|(?:跟|和|同|是|让)机器(?!洗)|换个人(?:来|吧|聊|回|$)|"
                    r"(?:换|安排|叫|找|来)(?:一)?个(?:真的|正常的|活的)?客服|安排客服|客服接待|"
                    r"(?:要|想|让我|请)(?:直接)?(?:跟|和|同)(?:你们)?(?:的)?客服(?:直接)?(?:说|聊|讲|沟通|谈)")
# “call me”: the buyer wants a person on the phone (not a courier who phoned)
_CALL_ME = re.compile(r"打个?电话给我|给我打个?电话|回个?电话给我|给我回个?电话|电话联系我|打我电话")
_COURIER = re.compile(r"快递|派送|派件|小哥|骑手|司机|驿站")
# A message that is only a greeting or a call (在吗, 有人吗, 你好): the buyer wants someone to answer.
_CALL = re.compile(r"^(?:亲+|你好|您好|在吗|在么|在不在|在嘛|有人吗|有人在吗|有没有人|hello|hi|哈喽|客服|老板|掌柜|"
                   r"店家|喂|[?？!！]+)+$")
_DIGITS = re.compile(r"[0-9]+")
_FOLD_DROP = re.compile(r"[^0-9a-z\u3400-\u9fff]+")


@dataclass(frozen=True)
class EmergencyRule:
    """A group of emergency keywords (投诉维权, 人身安全 …) with its hand-off answer and exceptions."""

    name: str
    keywords: tuple
    answer: str
    exceptions: tuple = ()
    #: (``outside`` groups) a remark, not a question: another clause that asks something is still answered
    remark: bool = False


class OutsideHit(NamedTuple):
    """An ``outside`` group found in a question: its name, the keyword, and whether it is only a remark."""

    name: str
    keyword: str
    remark: bool


class Shop:
    """Welcome card, topic keywords, lexicon and emergency rules of one knowledge-base file."""

    def __init__(self, welcome: WelcomeCard, cues: dict, synonyms: dict, emergency: tuple, outside: tuple = (),
                 light: tuple = ()):
        self.welcome = welcome
        #: words that only name the goods (连衣裙, 毛巾): they say little about the question, so they weigh little
        self.light = light
        self.cues = cues
        self.synonyms = synonyms
        self.rules = emergency
        #: questions no knowledge answers (穿搭建议, 账号安全): keyword groups that hand off without an answer
        self.outside_rules = outside
        self._lexicon = None

    @property
    def lexicon(self) -> Lexicon:
        """The :class:`~cslab.bot._lexicon.Lexicon` of the synonym table (built on first use: it loads pypinyin)."""
        if self._lexicon is None:
            self._lexicon = Lexicon(self.synonyms, STOPWORDS, (*LIGHT, *self.light))
        return self._lexicon

    def emergency(self, text: str):
        """``(rule name, keyword, answer)`` of the first emergency keyword in ``text``, or None."""
        return _first(self.rules, fold(text))

    def outside(self, text: str):
        """``(group name, keyword)`` when ``text`` asks what the shop's knowledge does not cover (穿搭建议 …), or None."""
        hit = self.outside_rule(text)
        return (hit.name, hit.keyword) if hit else None

    def outside_rule(self, text: str):
        """The ``outside`` group ``text`` hits (with ``.keyword`` and ``.remark``), or None."""
        folded = _DIGITS.sub("0", fold(text))  # 便宜50 and 便宜30 read alike
        for rule in self.outside_rules:
            hit = _first((rule,), folded)
            if hit:
                return OutsideHit(rule.name, hit[1], rule.remark)
        return None

    def wants_human(self, text: str) -> bool:
        """True when the buyer asks for a person (转人工, 真人, 不要机器人, 找你们店长, 打电话给我 …) or only calls (在吗)."""
        folded = fold(text)
        if _CALL_ME.search(folded) and not _COURIER.search(folded):
            return True
        return bool(_HUMAN.search(folded) or _CALL.match(folded))


def _first(rules, folded: str):
    for rule in rules:
        t = folded
        for exc in rule.exceptions:
            t = t.replace(exc, "|")
        for kw in rule.keywords:
            if kw in t:
                return rule.name, kw, rule.answer
    return None


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
    outside = []
    for i, r in enumerate(raw.get("outside") or []):
        if not isinstance(r, dict) or not r.get("keywords"):
            raise DataError(f"{_LABEL}文件 {name} 的 outside 第 {i + 1} 组缺少 keywords。")
        outside.append(EmergencyRule(str(r.get("name") or f"转人工{i + 1}"), tuple(fold(str(k)) for k in r["keywords"]),
                                     "", tuple(fold(str(k)) for k in r.get("except") or ()), bool(r.get("remark"))))
    shop = Shop(card, {t: tuple(str(w) for w in ws or ()) for t, ws in cues.items()},
                {str(k): [str(v) for v in vs] for k, vs in synonyms.items()}, tuple(rules), tuple(outside),
                tuple(str(w) for w in raw.get("light") or ()))
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
