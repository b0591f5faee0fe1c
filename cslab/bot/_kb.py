"""The knowledge base and its answer logic (private; the public names are re-exported by :mod:`cslab.bot`).

>>> kb = KnowledgeBase.default()
>>> a = kb.answer("啥时候法货")
>>> a.topic, a.source, a.handoff
('发货时间', 'official', False)
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading

from ..errors import InputError
from ._index import Index
from ._model import TOPICS, Answer, Entry, WelcomeCard, make_entry, parse_date, product_catalog, product_key
from ._shop import check_welcome, load_entries, load_shop

#: below this confidence the bot hands the buyer over to a person
HANDOFF_BELOW = 0.42
#: a custom entry beats the best official one only by more than this
CUSTOM_MARGIN = 0.08
#: an entry limited to the current product gets this much extra: on its page, specific knowledge wins
#: unless a general entry matches clearly better (店小蜜: 商品知识 before 通用知识)
PRODUCT_BONUS = 0.15
FALLBACK_TEXT = "亲，这个问题小悦还在学习中，已经为您转接人工客服，请稍等片刻哦～"
HUMAN_TEXT = "亲，好的，正在为您转接人工客服，请稍等片刻～"
_HUMAN_TOPIC = "联系人工"
#: questions at least this long (characters, with 2+ clauses) are also searched clause by clause
LONG_QUESTION = 14
MAX_CLAUSES = 5
CLAUSE_FACTOR = 0.9
#: a whole-question match at least this good needs no clause search
CLAUSE_NEEDED = 0.6


class KnowledgeBase:
    """店小蜜-style knowledge base: official entries (+ the student's custom ones) → :class:`Answer`.

    Build one with :meth:`default`, :meth:`from_entries` or :meth:`synthetic`. Custom entries
    (:meth:`add`, :meth:`update`, :meth:`remove`) live beside the official ones; official
    knowledge wins unless a custom entry matches clearly better (:data:`CUSTOM_MARGIN`).

    >>> kb = KnowledgeBase.from_entries([{"id": "T1", "topic": "运费", "question": "包邮吗？",
    ...                                   "answer": "亲，全店包邮哦～"}])
    >>> len(kb), kb.topics, kb.answer("包邮不").text
    (1, ('运费',), '亲，全店包邮哦～')
    """

    def __init__(self, official=(), *, shop=None, welcome: WelcomeCard | None = None):
        self._shop = shop or load_shop()
        self._official = tuple(official)
        self._custom: list = []
        self._welcome = welcome or self._shop.welcome
        self._official_index = None
        self._shared = False
        self._custom_index = None
        self._lock = threading.Lock()
        self._masks: dict = {}

    # -- constructors ---------------------------------------------------------------
    @classmethod
    def default(cls) -> "KnowledgeBase":
        """The shop's official knowledge base of ``data/knowledge_base.yaml`` (its index is built once and shared).

        >>> len(KnowledgeBase.default()) >= 150
        True
        """
        entries = load_entries()
        kb = cls(entries)
        kb._shared = True  # its index is the one shared by every default() copy
        return kb

    @classmethod
    def from_entries(cls, entries, *, source: str = "official") -> "KnowledgeBase":
        """A knowledge base of ``entries`` (dicts with id, topic, question, similar, answer …), validated.

        >>> KnowledgeBase.from_entries([{"topic": "运费", "question": "包邮吗？", "answer": "亲，包邮～"}]).get("KB001").answer
        '亲，包邮～'
        """
        if isinstance(entries, (str, bytes, dict)) or not hasattr(entries, "__iter__"):
            raise InputError("from_entries 需要一组知识条目（字典的列表）。")
        if source not in ("official", "custom"):
            raise InputError("source 只能是 \"official\"（官方知识）或 \"custom\"（自定义知识）。")
        kb = cls(())
        checked, seen = [], set()
        catalog = product_catalog()
        for i, raw in enumerate(entries):
            e = make_entry(raw, source=source, catalog=catalog)
            if not e.id:
                e = _with_id(e, f"{'KB' if source == 'official' else 'CU'}{i + 1:03d}")
            if e.id in seen:
                raise InputError(f"编号 {e.id} 重复了：每条知识的编号都不能相同。")
            seen.add(e.id)
            checked.append(e)
        if source == "official":
            kb._official = tuple(checked)
        else:
            kb._custom = checked
        kb._masks.clear()
        return kb

    @classmethod
    def synthetic(cls, n: int, seed: int = 0) -> "KnowledgeBase":
        """``n`` generated entries (same ``seed`` → same entries), for scale tests and latency benchmarks.

        >>> KnowledgeBase.synthetic(3, seed=1).to_records() == KnowledgeBase.synthetic(3, seed=1).to_records()
        True
        """
        from ._synthetic import generate

        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise InputError(f"条目数 n 应是正整数，例如 1000，现在是 {n!r}。")
        return cls.from_entries(generate(n, seed))

    # -- reading --------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._official) + len(self._custom)

    def __repr__(self) -> str:
        return f"<KnowledgeBase：官方知识 {len(self._official)} 条，自定义知识 {len(self._custom)} 条>"

    @property
    def entries(self) -> tuple:
        """All entries: official first, then custom.

        >>> KnowledgeBase.default().entries[0].id
        'KB001'
        """
        return self._official + tuple(self._custom)

    @property
    def topics(self) -> tuple:
        """The topics that have at least one entry, in :data:`TOPICS` order.

        >>> KnowledgeBase.default().topics[:3]
        ('发货时间', '催发货', '快递公司')
        """
        present = {e.topic for e in self.entries}
        return tuple(t for t in TOPICS if t in present)

    def get(self, entry_id: str) -> Entry:
        """The entry with this id; an unknown id → :class:`InputError`.

        >>> KnowledgeBase.default().get("KB019").question
        '包邮吗？'
        """
        for e in self.entries:
            if e.id == entry_id:
                return e
        raise InputError(f"没有编号为 {entry_id!r} 的知识条目：请检查编号（例如 KB001、CU001）。")

    def to_records(self) -> list:
        """Every entry as plain data (a dict per entry, plus its ``source``).

        >>> KnowledgeBase.default().to_records()[0]["source"]
        'official'
        """
        return [{**e.to_record(), "source": e.source} for e in self.entries]

    # -- custom entries -------------------------------------------------------------
    def add(self, entry: dict) -> Entry:
        """Add a custom entry (id optional: CU001, CU002 … are given in order); returns it.

        >>> kb = KnowledgeBase.default()
        >>> kb.add({"topic": "快递公司", "question": "能寄到学校驿站吗？", "answer": "亲，可以的～"}).id
        'CU001'
        """
        e = make_entry(entry, source="custom")
        ids = {x.id for x in self.entries}
        if not e.id:
            n = len(self._custom) + 1
            while f"CU{n:03d}" in ids:
                n += 1
            e = _with_id(e, f"CU{n:03d}")
        elif e.id in ids:
            raise InputError(f"编号 {e.id} 已经存在：请换一个编号，或用 update() 修改原来的条目。")
        with self._lock:
            self._custom.append(e)
            self._custom_index = None
            self._masks.clear()
        return e

    def update(self, entry_id: str, **fields) -> Entry:
        """Change fields of a custom entry; returns the new entry.

        >>> kb = KnowledgeBase.default()
        >>> _ = kb.add({"topic": "运费", "question": "能寄到学校吗？", "answer": "亲，可以的～"})
        >>> kb.update("CU001", answer="亲，可以寄到学校哦～").answer
        '亲，可以寄到学校哦～'
        """
        old = self._custom_entry(entry_id)
        if "id" in fields and fields["id"] != entry_id:
            raise InputError("编号不能修改：请删除这条后用新编号重新添加。")
        e = make_entry({**old.to_record(), **fields}, source="custom")
        with self._lock:
            self._custom[self._custom.index(old)] = e
            self._custom_index = None
            self._masks.clear()
        return e

    def remove(self, entry_id: str) -> Entry:
        """Delete a custom entry; returns it (official entries cannot be deleted).

        >>> kb = KnowledgeBase.default()
        >>> _ = kb.add({"topic": "运费", "question": "能寄到学校吗？", "answer": "亲，可以的～"})
        >>> kb.remove("CU001").question, len(kb) == len(KnowledgeBase.default())
        ('能寄到学校吗？', True)
        """
        old = self._custom_entry(entry_id)
        with self._lock:
            self._custom.remove(old)
            self._custom_index = None
            self._masks.clear()
        return old

    def _custom_entry(self, entry_id):
        for e in self._custom:
            if e.id == entry_id:
                return e
        if any(e.id == entry_id for e in self._official):
            raise InputError(f"{entry_id} 是官方知识，不能修改或删除：可以新增一条自定义知识来补充。")
        raise InputError(f"没有编号为 {entry_id!r} 的自定义知识：请检查编号（例如 CU001）。")

    # -- welcome card ---------------------------------------------------------------
    def welcome_card(self) -> WelcomeCard:
        """The welcome message and 4–6 suggested questions (set them with :meth:`set_welcome`).

        >>> 4 <= len(KnowledgeBase.default().welcome_card().suggestions) <= 6
        True
        """
        return self._welcome

    def set_welcome(self, text: str | None = None, suggestions=None) -> WelcomeCard:
        """Change the welcome text and/or the suggested questions (4–6, checked for banned words).

        >>> KnowledgeBase.default().set_welcome("亲，欢迎光临～").text
        '亲，欢迎光临～'
        """
        card = check_welcome(self._welcome.text if text is None else text,
                             self._welcome.suggestions if suggestions is None else suggestions)
        self._welcome = card
        return card

    # -- answering ------------------------------------------------------------------
    def answer(self, question: str, *, now=None, product=None) -> Answer:
        """Answer a buyer's question: emergency keywords > official knowledge > custom knowledge > hand-off.

        ``now`` (date, datetime or ``'YYYY-MM-DD'``; default today) skips entries outside their
        valid period; ``product`` (SKU or category) skips entries limited to other products.

        >>> KnowledgeBase.default().answer("转人工").handoff
        True
        """
        if not isinstance(question, str) or not question.strip():
            raise InputError("请输入买家的问题（一段文字），例如 \"什么时候发货？\"。")
        day = parse_date(now, "当前时间 now") if now is not None else dt.date.today()
        prod = product_key(product)
        hit = self._shop.emergency(question)
        if hit:
            name, word, text = hit
            return Answer(text, None, None, 1.0, True, f"买家提到“{word}”，属于紧急情况（{name}）：机器人不作答，马上转人工。",
                          "emergency", ())
        official = self._search("official", question, day, prod)
        custom = self._search("custom", question, day, prod)
        if self._shop.wants_human(question):
            return self._human(official + custom)
        outside = self._shop.outside(question)
        if outside:
            name, word = outside
            rest = self._asked_elsewhere(question) if self._shop.outside_rule(question).remark else None
            if rest is None:
                return Answer(FALLBACK_TEXT, None, None, 0.0, True,
                              f"买家问的是知识库不回答的问题（{name}：“{word}”），需要人来判断：转人工。", "fallback", ())
            # “黑色显胖 能换吗”: the 穿搭 remark is context, the question is asked in another clause
            official = self._search("official", rest, day, prod)
            custom = self._search("custom", rest, day, prod)
        best_o = official[0] if official else (None, 0.0)
        best_c = custom[0] if custom else (None, 0.0)
        if best_c[0] is not None and best_c[1] >= HANDOFF_BELOW and best_c[1] > best_o[1] + CUSTOM_MARGIN:
            entry, conf = best_c
            why = (f"匹配到自定义知识 {entry.id}「{entry.question}」，置信度 {conf:.2f}"
                   + (f"，明显高于官方知识 {best_o[0].id}（{best_o[1]:.2f}）" if best_o[0] else "，官方知识里没有相近的问题"))
        elif best_o[0] is not None and best_o[1] >= HANDOFF_BELOW:
            entry, conf = best_o
            why = f"匹配到官方知识 {entry.id}「{entry.question}」，置信度 {conf:.2f}"
            if best_c[0] is not None and best_c[1] >= HANDOFF_BELOW:
                why += f"；自定义知识 {best_c[0].id}（{best_c[1]:.2f}）没有明显更好，官方知识优先"
        else:
            near = max((best_o, best_c), key=lambda x: x[1])
            why = (f"没有足够相近的知识（最接近的是 {near[0].id}「{near[0].question}」，置信度 {near[1]:.2f}，"
                   f"低于 {HANDOFF_BELOW}）：转人工。" if near[0] else "知识库里没有相关的问题：转人工。")
            return Answer(FALLBACK_TEXT, None, None, round(near[1], 3), True, why, "fallback",
                          _suggest(official + custom, None))
        handoff = entry.topic == _HUMAN_TOPIC
        why += "，买家要找人工：转人工。" if handoff else "。"
        return Answer(entry.answer, entry.id, entry.topic, round(conf, 3), handoff, why, entry.source,
                      _suggest(official + custom, entry))

    def _asked_elsewhere(self, question: str):
        """The clauses of ``question`` without an ``outside`` keyword, when one of them asks something; else None."""
        clauses = [c for c in _CLAUSE.split(question) if len(c) >= 2]
        rest = [c for c in clauses if not self._shop.outside(c)]
        if len(rest) == len(clauses) or not any(_ASKING.search(c) for c in rest):
            return None
        return " ".join(rest)

    def _human(self, found) -> Answer:
        people = [(e, c) for e, c in found if e.topic == _HUMAN_TOPIC]
        if people:
            entry, conf = max(people, key=lambda x: x[1])
            return Answer(entry.answer, entry.id, entry.topic, 1.0, True,
                          f"买家要找人工客服（匹配 {entry.id}「{entry.question}」）：转人工。", entry.source, ())
        return Answer(HUMAN_TEXT, None, _HUMAN_TOPIC, 1.0, True, "买家要找人工客服：转人工。", "official", ())

    def _search(self, which: str, question: str, day, prod) -> list:
        entries = self._official if which == "official" else self._custom
        if not entries:
            return []
        index = self._get_index(which)
        mask = self._mask(which, entries, day, prod)
        if not mask.any():
            return []
        hits = _clause_search(index, question, mask)
        out = []
        for i, conf in hits:
            e = entries[i]
            if prod is not None and e.products:
                conf = min(1.0, conf + PRODUCT_BONUS)
            out.append((e, conf))
        # on a product's page its own knowledge wins a tie (店小蜜: 商品知识 before 通用知识)
        out.sort(key=lambda x: (-x[1], not (prod is not None and x[0].products)))
        return out

    def _get_index(self, which: str):
        with self._lock:
            if which == "official":
                if self._official_index is None:
                    self._official_index = (_shared_index(self._official) if self._shared
                                            else _build(self._official, self._shop))
                return self._official_index
            if self._custom_index is None:
                self._custom_index = _build(self._custom, self._shop)
            return self._custom_index

    def _mask(self, which, entries, day, prod):
        import numpy as np

        key = (which, day, prod)
        mask = self._masks.get(key)
        if mask is None:
            mask = np.array([e.applies(day, prod) for e in entries], dtype=bool)
            if len(self._masks) > 16:
                self._masks.clear()
            self._masks[key] = mask
        return mask


#: a clause that asks something (吗, 能不能, 多久, 帮我 …): it may promote another candidate of the whole question
_ASKING = re.compile(r"[吗么嘛?？]|怎么|怎样|如何|咋|能不能|能否|可不可以|可以不|行不行|多久|几天|什么|啥|哪|想问|问下|问一下|"
                     r"帮我|麻烦|[没不]$")
_CLAUSE = re.compile(r"[\s，,。.!！?？;；~～…、]+")


def _clause_search(index, question: str, mask) -> list:
    """Search the whole question; for a long one, clauses that agree with it raise its confidence.

    Buyers wrap the real question in context (“我上周买了条裙子 …… 想问一下可以退吗 吊牌都还在”),
    which dilutes a whole-question match. The ranking stays that of the whole question; a
    clause whose best entries include the top candidate's topic lifts the top candidate's
    confidence to :data:`CLAUSE_FACTOR` of the clause's (so a diluted match is not handed off).
    """
    found = index.search(question, mask, limit=6)
    if not found or found[0][1] >= CLAUSE_NEEDED or len(question) < LONG_QUESTION:
        return found
    clauses = [c for c in _CLAUSE.split(question) if len(c) >= 2]
    if len(clauses) < 2:
        return found
    lift: dict = {}
    asked: dict = {}
    for clause in clauses[-MAX_CLAUSES:]:
        asking = bool(_ASKING.search(clause))
        for e, conf in index.search(clause, mask, limit=2):
            t = index.topics[e]
            lift[t] = max(lift.get(t, 0.0), CLAUSE_FACTOR * conf)
            if asking:
                asked[t] = max(asked.get(t, 0.0), CLAUSE_FACTOR * conf)
    top, conf = found[0]
    out = [(top, max(conf, lift.get(index.topics[top], 0.0)))]
    out += [(e, max(c, asked.get(index.topics[e], 0.0))) for e, c in found[1:]]
    out.sort(key=lambda x: -x[1])
    return out


def _with_id(e: Entry, new_id: str) -> Entry:
    from dataclasses import replace

    return replace(e, id=new_id)


def _build(entries, shop) -> Index:
    return Index([(e.question, *e.similar) for e in entries], shop.lexicon,
                 [shop.cues.get(e.topic, ()) for e in entries], [e.topic for e in entries],
                 [e.answer for e in entries])


def _suggest(found, chosen) -> tuple:
    out = []
    for e, conf in sorted(found, key=lambda x: -x[1]):
        if e is chosen or e.question in out or conf < 0.3:
            continue
        out.append(e.question)
        if len(out) == 3:
            break
    return tuple(out)


@functools.lru_cache(maxsize=2)
def _shared_index(entries: tuple):
    return _build(entries, load_shop())
