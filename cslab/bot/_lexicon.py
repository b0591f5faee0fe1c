"""The bot's language layer: buyer text → canonical text → weighted features (private to :mod:`cslab.bot`).

Buyers type ``啥时候法货`` and ``kd到哪了😭``; the knowledge base says ``什么时候发货``. Every
text, the buyer's and the knowledge base's alike, goes through the same steps, so odd but
consistent rewrites do no harm:

1. :func:`cslab.zhtext.normalize` (full width → half width), lower case, 表情 removed;
2. synonyms, longest first in one pass (``法货`` → ``发货``; each canonical word also maps to
   itself, so ``没有`` is never rewritten as ``没有有``); ASCII variants (``kd``, ``sf``) match
   whole ASCII words only, so the ``s`` in ``vip`` is not a size; a one-character variant
   (``发`` → ``发货``, ``退`` → ``退货``) is replaced only where rjieba (:func:`cslab.zhtext.cut`)
   finds it as a word of its own, alone or as ``不发``/``发不发``/``换个`` — so ``头发``,
   ``沙发`` and ``洗发水`` keep their meaning;
3. filler words (亲, 请问, 吗, 呢, 可以 …) become breaks; digit runs become ``0`` (160 and 165
   both read “a number”), after the synonyms have turned ``双11`` into ``双十一``;
4. in a buyer's question only: 同音错字 are corrected. Buyers type with pinyin input methods,
   so most typos sound right: a character pair the knowledge base never uses is replaced by
   the pair it does use with the same toneless pinyin (发获 → 发货, 尺马 → 尺码, 花被 → 花呗,
   物硫 → 物流), from pypinyin's character table (first reading; no segmentation, so the
   look-up costs microseconds);
5. features: character bigrams inside each run (weight 1), single characters (weight
   :data:`UNIGRAM_WEIGHT`: they catch a typo that breaks both bigrams around it) and whole
   ASCII words.

>>> lex = Lexicon({"发货": ["法货"], "什么时候": ["啥时候"]}, ["吗", "亲"])
>>> lex.canonical("亲，啥时候法货吗？😊")
'亲什么时候发货吗'
>>> lex.runs("亲，啥时候法货吗？😊 160cm")
['什么时候', '发货', '0', 'cm']
>>> Lexicon({"发货": ["发"]}, ["了"]).runs("周一才发 买了洗发水")
['周一才发货', '买', '洗发水']
>>> sorted(lex.features("法货")[0].items())
[('发', 0.35), ('发货', 1.0), ('货', 0.35)]
>>> fix = lex.sound_table(["发货"], ["发货"])
>>> lex.features("发获", fix=fix)[1], lex.features("发获")[1]
('发货', '发获')
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from .. import zhtext

UNIGRAM_WEIGHT = 0.35
#: filler words removed before matching (they say nothing about the topic)
STOPWORDS = (
    "亲爱的", "亲亲", "亲", "请问一下", "请问", "问一下", "问下", "想问", "我想", "想要", "你好", "您好", "哈喽",
    "在吗", "在不在", "谢谢", "麻烦", "那个", "这个", "这款", "这件", "一下", "的话", "可以", "是不是",
    "吗", "呢", "啊", "呀", "吧", "嘛", "哦", "哈", "啦", "呐", "哇", "的", "了", "我", "你", "您",
    "们", "他", "她", "它", "就", "也", "都", "还", "又", "很", "太", "挺", "给", "把", "被", "是", "有点",
    "嗯", "额", "呃", "喔", "噢", "哎", "诶", "唉", "好的", "吖", "么",
)
#: question words that say little about the topic: their features count :data:`LIGHT_WEIGHT` as much
LIGHT = ("怎么办", "怎么", "什么时候", "什么", "为什么", "多久", "多少", "哪里", "哪个", "没有", "现在", "已经", "问题",
         "情况", "一下", "一直")
LIGHT_WEIGHT = 0.3
#: one-character verbs a buyer can rule out (不想换, 不退 就想换), and the words that rule them out
_REFUSABLE = frozenset("退换")
_REFUSE = frozenset(("不想", "不要", "不用", "不打算", "不需要", "不想要"))
_SPLIT = re.compile(r"[^0-9a-z\u3400-\u9fff]+")
_DIGITS = re.compile(r"[0-9]+")
_ASCII_WORD = re.compile(r"^[a-z0-9]+$")
_RUN = re.compile(r"[a-z]+|[^a-z ]+")


class Lexicon:
    """Synonym table + filler words → canonical text and features; built once per knowledge base.

    >>> Lexicon({"快递": ["kd"]}, []).canonical("KD到哪了 skd")
    '快递到哪了skd'
    """

    def __init__(self, synonyms: dict, stopwords=STOPWORDS, light=LIGHT):
        _load_pinyin()
        self.light = frozenset(_fold(w) for w in light)
        mapping = {w: w for w in self.light}
        single = {}
        for canonical, variants in synonyms.items():
            canonical = _fold(str(canonical))
            for v in (canonical, *variants):
                v = _fold(str(v))
                if len(v) == 1 and not v.isascii():
                    single.setdefault(v, canonical)
                elif v:
                    mapping.setdefault(v, canonical)
        self.mapping = mapping
        #: one-character variants, replaced only where they stand as a word
        self.single = single
        parts = []
        for v in sorted(mapping, key=len, reverse=True):
            esc = re.escape(v)
            if _ASCII_WORD.match(v):
                esc = rf"(?<![a-z]){esc}(?![a-z])"
            parts.append(esc)
        self._syn = re.compile("|".join(parts)) if parts else None
        self.canon = frozenset(mapping.values())
        self.stops = frozenset(_fold(s) for s in stopwords if _fold(s))
        stops = sorted(self.stops, key=len, reverse=True)
        self._stop = re.compile("|".join(re.escape(s) for s in stops)) if stops else None

    def canonical(self, text: str) -> str:
        """``text`` folded, without 表情 and punctuation, with every synonym replaced (fillers kept)."""
        text = _fold(plain(text))
        if self._syn is not None:
            text = self._syn.sub(lambda m: self.mapping[m.group(0)], text)
        return _SPLIT.sub("", text)

    def runs(self, text: str) -> list:
        """The content runs of ``text``: canonical, fillers removed, digits folded to ``0``."""
        text = _fold(plain(text))
        if self._syn is not None:
            text = self._syn.sub(lambda m: " " + self.mapping[m.group(0)] + " ", text)
        runs = []
        for chunk in _SPLIT.sub(" ", text).split():
            if chunk in self.canon:  # a canonical word is never cut by a filler inside it (不想要)
                if chunk not in self.stops:
                    runs.append(chunk)
                continue
            if self._stop is not None:
                chunk = self._stop.sub(" ", chunk)
            for part in _DIGITS.sub("0", chunk).split():
                for m in _RUN.finditer(part):
                    r = m.group(0)
                    if self.single and not r.isascii() and any(c in self.single for c in r):
                        r = self._words(r)
                    runs.append(r)
        return runs

    def _words(self, run: str) -> str:
        out = []
        prev = ""
        for tok in zhtext.cut(run):
            core = tok[1:] if len(tok) > 1 and tok[0] in "不没" else tok
            x = core[:1]
            refused = prev in _REFUSE or tok != core and tok[0] == "不" or prev == "不" and len(out) == 1
            prev = tok
            if x in _REFUSABLE and x in self.single and core[1:] in ("", "了") and refused:
                # 不想换 / 不退 就想换: the buyer rules this out, so it says nothing of the topic
                tok = ""
            elif x in self.single and core[1:] in ("", "不" + x, "没" + x, "个", "下", "一下", "回"):
                tok = tok.replace(x, self.single[x])
            elif len(tok) == 2 and all(c in self.single for c in tok) and any(self.single[c] in self.light for c in tok):
                # rjieba keeps a question word with a variant (发啥, 咋退): each is a word of its own (卷发 stays)
                tok = "".join(self.single[c] for c in tok)
            elif len(tok) >= 3 and tok[-1] in self.single and self.single[tok[-1]].startswith(tok[-1]):
                # a verb glued to a two-character adverb (马上发, 今天换): 马上 + 发货; 头发 and 洗发 stay
                tok = tok[:-1] + self.single[tok[-1]]
            out.append(tok)
        return "".join(out)

    def sound_table(self, known, terms=None) -> "Sounds":
        """Pairs never corrected (``known``) and, per toneless pinyin pair, the pair of a shop term to use.

        ``terms`` are the words worth correcting to (default: the canonical synonym words); only
        their character pairs are targets, so an ordinary word the shop never uses (减肥, 实体)
        is not “corrected” into one that sounds alike.
        """
        table = {}
        for word in (self.canon if terms is None else terms):
            for a, b in zip(word, word[1:]):
                if a in _PINYIN and b in _PINYIN:
                    table.setdefault(_PINYIN[a] + " " + _PINYIN[b], a + b)
        return Sounds(frozenset(known), table)

    def features(self, text: str, fix: "Sounds | None" = None):
        """``(weights, key)``: feature → weight, and the compact canonical string used for fuzzy matching.

        ``fix`` (from :meth:`sound_table`) corrects character pairs that are not its values but sound like one.
        """
        runs = self.runs(text)
        if fix is not None:
            runs = [r if r.isascii() else _correct(r, fix) for r in runs]
        feats = {}
        for run in runs:
            k = LIGHT_WEIGHT if run in self.light else 1.0
            if run.isascii() and run.isalpha():
                feats[run] = max(feats.get(run, 0.0), k)
                continue
            for ch in run:
                feats[ch] = max(feats.get(ch, 0.0), UNIGRAM_WEIGHT * k)
            for a, b in zip(run, run[1:]):
                feats[a + b] = max(feats.get(a + b, 0.0), k)
        return feats, "".join(runs)


_PINYIN: dict = {}


class Sounds(NamedTuple):
    """Character pairs a knowledge base uses, and the pair to use for each toneless pinyin pair."""

    known: frozenset
    by_sound: dict


def _correct(run: str, fix: Sounds) -> str:
    chars = list(run)
    for i in range(len(chars) - 1):
        pair = chars[i] + chars[i + 1]
        if pair in fix.known:
            continue
        a, b = _PINYIN.get(chars[i]), _PINYIN.get(chars[i + 1])
        if a and b:
            good = fix.by_sound.get(a + " " + b)
            if good:
                chars[i], chars[i + 1] = good[0], good[1]
    return "".join(chars)


def _load_pinyin() -> None:
    """Fill the character → toneless pinyin table once (pypinyin's data, ~0.3 s; no segmentation)."""
    if _PINYIN:
        return
    from pypinyin.pinyin_dict import pinyin_dict

    table = {}
    for cp, readings in pinyin_dict.items():
        if 0x3400 <= cp <= 0x9FFF:
            first = readings.split(",", 1)[0]
            plain = unicodedata.normalize("NFD", first)
            table[chr(cp)] = "".join(c for c in plain if not unicodedata.combining(c)).replace("ü", "v")
    _PINYIN.update(table)


def _fold(text: str) -> str:
    return zhtext.normalize(text).lower()


def plain(text: str) -> str:
    """``text`` without 表情 codes such as ``[微笑]`` or ``/:)`` (emoji go with the punctuation later).

    >>> plain("好的[微笑]")
    '好的'
    """
    if "[" in text or "/" in text:  # zhtext re-checks its rule file on every call: only when needed
        return zhtext.strip_emoticons(text)
    return text

