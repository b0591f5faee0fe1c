"""Plain data of the bot: topics, knowledge entries and their validation, answers (private to :mod:`cslab.bot`).

>>> e = make_entry({"id": "CU001", "topic": "发货时间", "question": "几点发货？", "answer": "亲，15点前付款当天发出～"},
...                source="custom")
>>> e.similar, e.source
((), 'custom')
>>> make_entry({"topic": "闲聊", "question": "在吗", "answer": "在的"})
Traceback (most recent call last):
...
cslab.errors.InputError: 没有“闲聊”这个话题：请从 发货时间、催发货、快递公司、运费、修改地址、退货、换货、退款进度、发票、优惠券活动、尺码建议、商品材质、保修售后、支付方式、签收问题、联系人工、物流查询、取消订单、价格保护、库存补货、会员权益、礼品包装 中选择。
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from .. import zhtext
from ..datasets import data_dir
from ..errors import DataError, InputError

#: the knowledge topics (店小蜜 知识分类), in the order of a purchase
TOPICS = ("发货时间", "催发货", "快递公司", "运费", "修改地址", "退货", "换货", "退款进度", "发票", "优惠券活动",
          "尺码建议", "商品材质", "保修售后", "支付方式", "签收问题", "联系人工", "物流查询", "取消订单",
          "价格保护", "库存补货", "会员权益", "礼品包装")
CATEGORIES = ("女装", "男装", "鞋靴", "童装", "箱包配饰", "家居日用", "美妆个护")
SOURCES = ("emergency", "official", "custom", "fallback")
FIELDS = ("id", "topic", "question", "similar", "answer", "valid_from", "valid_to", "products", "ask_order")
_ID = re.compile(r"^[A-Za-z0-9_-]{1,20}$")


@dataclass(frozen=True)
class Entry:
    """One knowledge entry (知识条目): standard question, similar questions, answer, validity and scope."""

    id: str
    topic: str
    question: str
    answer: str
    similar: tuple = ()
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    products: tuple = ()
    source: str = "official"
    ask_order: bool = False

    def applies(self, day: dt.date, product) -> bool:
        """True when the entry may answer on ``day`` for ``product`` (``(sku, category)``; None = no product page)."""
        if self.valid_from and day < self.valid_from or self.valid_to and day > self.valid_to:
            return False
        if not self.products or product is None:
            return True
        return any(p in self.products for p in product if p)

    def to_record(self) -> dict:
        """Plain data (dates as ``YYYY-MM-DD``), the shape :func:`make_entry` accepts back."""
        rec = {"id": self.id, "topic": self.topic, "question": self.question, "similar": list(self.similar),
               "answer": self.answer}
        if self.valid_from:
            rec["valid_from"] = self.valid_from.isoformat()
        if self.valid_to:
            rec["valid_to"] = self.valid_to.isoformat()
        if self.products:
            rec["products"] = list(self.products)
        if self.ask_order:
            rec["ask_order"] = True
        return rec


@dataclass(frozen=True)
class Answer:
    """The bot's answer: text, the entry used, topic, confidence 0–1, hand-off flag and a Chinese reason.

    ``source`` is ``"emergency"``, ``"official"``, ``"custom"`` or ``"fallback"``; ``entry_id`` and
    ``topic`` are None when no knowledge entry answered; ``suggestions`` are 猜你想问 questions.
    """

    text: str
    entry_id: str | None
    topic: str | None
    confidence: float
    handoff: bool
    reason: str
    source: str
    suggestions: tuple = field(default=())


@dataclass(frozen=True)
class WelcomeCard:
    """The welcome message and the 4–6 suggested questions shown when a buyer opens the chat."""

    text: str
    suggestions: tuple


def make_entry(raw, *, source: str = "official", catalog=None) -> Entry:
    """Check one entry given as a dict and return it as an :class:`Entry`; bad input → Chinese :class:`InputError`."""
    if isinstance(raw, Entry):
        raw = raw.to_record()
    if not isinstance(raw, dict):
        raise InputError(f"知识条目应写成字典，例如 {{\"topic\": \"发货时间\", \"question\": \"几点发货？\", "
                         f"\"answer\": \"…\"}}，现在是 {type(raw).__name__}。")
    unknown = [k for k in raw if k not in FIELDS]
    if unknown:
        raise InputError(f"知识条目里有不认识的字段“{unknown[0]}”：只能用 {'、'.join(FIELDS)}。")
    entry_id = raw.get("id")
    if entry_id is None or entry_id == "":
        entry_id = ""
    elif not isinstance(entry_id, str) or not _ID.match(entry_id.strip()):
        raise InputError(f"编号 {entry_id!r} 不合适：请用 1–20 个字母、数字、-、_，例如 CU001。")
    topic = raw.get("topic")
    if topic not in TOPICS:
        raise InputError(f"没有“{topic}”这个话题：请从 {'、'.join(TOPICS)} 中选择。")
    question = _text(raw.get("question"), "标准问题")
    answer = _text(raw.get("answer"), "答案")
    banned = zhtext.find_banned(answer)
    if banned:
        b = banned[0]
        fix = f"建议改成“{b.suggestion}”" if b.suggestion else "建议删掉"
        raise InputError(f"答案里有广告违禁词“{b.word}”（{b.category}）：{fix}。")
    similar = _similar(raw.get("similar"))
    valid_from = _date(raw.get("valid_from"), "生效日期 valid_from")
    valid_to = _date(raw.get("valid_to"), "失效日期 valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise InputError(f"失效日期 {valid_to} 早于生效日期 {valid_from}：请把失效日期改到生效日期之后。")
    products = _products(raw.get("products"), catalog)
    return Entry(entry_id.strip(), topic, question, answer, similar, valid_from, valid_to, products, source,
                 bool(raw.get("ask_order", False)))


def _text(value, label: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{label}不能为空：请写一句完整的中文。")
    return zhtext.normalize(value)


def _similar(value) -> tuple:
    if value is None:
        return ()
    if isinstance(value, str):
        value = re.split(r"[\n;；|]+", value)
    if not isinstance(value, (list, tuple)):
        raise InputError("相似问题应是一组问题（列表），或每行一个问题的文字。")
    out = []
    for v in value:
        if not isinstance(v, str):
            raise InputError(f"相似问题应是文字，现在有一个是 {type(v).__name__}：{v!r}。")
        v = zhtext.normalize(v)
        if v and v not in out:
            out.append(v)
    return tuple(out)


def parse_date(value, label: str = "日期"):
    """A date from a date, a datetime (pandas Timestamp too) or ``'YYYY-MM-DD'``; None stays None.

    >>> parse_date("2026-11-11"), parse_date(None)
    (datetime.date(2026, 11, 11), None)
    """
    return _date(value, label)


def _date(value, label):
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise InputError(f"{label} {value!r} 不是日期：请写成 2026-11-11 这样的格式。")


def _products(value, catalog) -> tuple:
    if value is None or value == "" or value == []:
        return ()
    if isinstance(value, str):
        value = [v for v in re.split(r"[\s,，、;；]+", value) if v]
    if not isinstance(value, (list, tuple)):
        raise InputError("适用商品应是一组 SKU 或类目（列表），例如 [\"SP0001\", \"鞋靴\"]。")
    skus = catalog if catalog is not None else product_catalog()
    out = []
    for p in value:
        p = str(p).strip()
        if p in CATEGORIES:
            out.append(p)
            continue
        p = p.upper()
        if p not in skus:
            raise InputError(f"没有商品“{p}”：请填写商品表里的 SKU（SP0001–SP0300）或类目名（{'、'.join(CATEGORIES)}）。")
        out.append(p)
    return tuple(dict.fromkeys(out))


@functools.lru_cache(maxsize=4)
def _read_catalog(path: str, _mtime: int) -> dict:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return {row["sku"]: row["category"] for row in csv.DictReader(fh)}
    except (OSError, KeyError, csv.Error) as exc:
        raise DataError(f"无法读取商品表 products.csv（{exc}）：请运行 `python -m cslab.datagen` 重新生成数据。") from None


def product_catalog() -> dict:
    """SKU → category from data/products.csv (read with the csv module: no pandas needed; cached).

    >>> product_catalog()["SP0001"]
    '女装'
    """
    path = data_dir() / "products.csv"
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise DataError(f"找不到商品表 products.csv（查找位置：{path}）：请运行 `python -m cslab.datagen`。") from None
    return _read_catalog(str(path), mtime)


def product_key(product, catalog=None):
    """``(sku, category)`` for a SKU or a category name; None stays None; an unknown SKU → InputError.

    >>> product_key("sp0190"), product_key("童装")
    (('SP0190', '鞋靴'), (None, '童装'))
    """
    if product is None or product == "":
        return None
    if not isinstance(product, str):
        raise InputError(f"商品应写成 SKU（例如 \"SP0001\"）或类目名，现在是 {type(product).__name__}。")
    p = product.strip()
    if p in CATEGORIES:
        return (None, p)
    skus = catalog if catalog is not None else product_catalog()
    sku = p.upper()
    if sku not in skus:
        raise InputError(f"没有商品“{p}”：请填写 SP0001–SP0300 的 SKU 或类目名（{'、'.join(CATEGORIES)}）。")
    return (sku, skus[sku])
