"""Practice situations for reply exercises: plain data from ``data/reply_situations.yaml``.

A situation is a dict: ``stage`` (a key of :data:`cslab.scoring.STAGES`), ``customer`` (the
customer's message), ``context`` (product, order, mood … as :func:`cslab.scoring.score_reply`
takes it), ``title`` and ``hint``. Used by lesson 03_communication through
:mod:`cslab.reply_practice`, and by the chat-simulator lessons.

>>> s = check_situation({"stage": "催付", "customer": ""})
>>> s["stage"], s["title"]
('remind_pay', '催付')
"""

from __future__ import annotations

import copy
import html
from pathlib import Path

from . import scoring
from .datasets import data_dir, read_yaml
from .errors import DataError, InputError

__all__ = ["MOODS", "check_situation", "context_html", "load_situations", "situation_html"]

#: customer moods of a situation's context and how they are shown
MOODS = {"calm": "平静", "upset": "着急、不满", "angry": "生气"}

_SITUATION_FILE = "reply_situations.yaml"
_RED = "#c62828"
_ORANGE = "#e65100"
_GREY = "#666"

_PRODUCT_FIELDS = (  # (key, label, format)
    ("name", "商品", "{}"), ("sku", "货号", "{}"), ("price", "原价", "{:.2f} 元"),
    ("promo_price", "到手价", "{:.2f} 元"), ("stock", "库存", "{} 件"), ("material", "材质", "{}"),
    ("origin", "产地", "{}"), ("color_options", "颜色", "{}"), ("size_options", "尺码/规格", "{}"),
    ("size_tip", "尺码提示", "{}"),
)
_ORDER_FIELDS = (
    ("order_id", "订单号", "{}"), ("spec", "规格", "{}"), ("quantity", "数量", "{} 件"),
    ("amount", "实付", "{:.2f} 元"), ("status", "状态", "{}"), ("created_at", "下单", "{}"),
    ("paid_at", "付款", "{}"), ("shipped_at", "发货", "{}"), ("signed_at", "签收", "{}"),
    ("city", "收货城市", "{}"), ("carrier", "快递", "{}"), ("tracking_no", "运单号", "{}"),
)


# --------------------------------------------------------------------------- situations
def _stage_key(stage) -> str | None:
    """A stage key of :data:`cslab.scoring.STAGES`, given the key or its Chinese name."""
    if stage in scoring.STAGES:
        return stage
    for key, name in scoring.STAGES.items():
        if stage == name:
            return key
    return None


def check_situation(item, n: int = 1) -> dict:
    """Check one situation (a dict) and return a clean copy; the stage may be a key or its Chinese name.

    >>> s = check_situation({"stage": "疑问解答", "customer": "有货吗？"})
    >>> s["stage"], s["context"], s["title"]
    ('answer', {}, '疑问解答')
    """
    where = f"第 {n} 个情境"
    if not isinstance(item, dict):
        raise InputError(f"{where}需要写成字典，例如 {{\"stage\": \"answer\", \"customer\": \"有货吗？\"}}。")
    stage = _stage_key(item.get("stage"))
    if stage is None:
        names = "、".join(f"{k}（{v}）" for k, v in scoring.STAGES.items())
        raise InputError(f"{where}的 stage={item.get('stage')!r} 不是已知的接待阶段，请从这些里选：{names}。")
    customer = item.get("customer")
    if not isinstance(customer, str):
        raise InputError(f"{where}缺少顾客的消息 \"customer\"（一段文字）。")
    context = item.get("context") or {}
    if not isinstance(context, dict):
        raise InputError(f"{where}的 \"context\" 应是字典，例如 {{\"customer_name\": \"小鱼\", \"facts\": [...]}}。")
    out = copy.deepcopy(dict(item))
    out.update(stage=stage, customer=customer, context=copy.deepcopy(context),
               hint=str(item.get("hint") or ""), id=str(item.get("id") or f"#{n}"),
               title=str(item.get("title") or scoring.STAGES[stage]))
    return out


def load_situations(path=None) -> list:
    """The practice situations (default ``data/reply_situations.yaml``) as a list of dicts; lesson 03_communication.

    >>> situations = load_situations()
    >>> len(situations) >= 12 and len({s["stage"] for s in situations}) >= 8
    True
    """
    path = Path(path) if path is not None else data_dir() / _SITUATION_FILE
    items = read_yaml(path, "话术练习情境", key="situations")["situations"]
    if not isinstance(items, list):
        raise DataError(f"话术练习情境文件 {path.name} 里的 situations 应是列表。")
    try:
        return [check_situation(item, n) for n, item in enumerate(items, 1)]
    except InputError as exc:
        raise DataError(f"话术练习情境文件 {path.name}：{exc}") from None


def _fmt(value, pattern: str) -> str | None:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    try:
        return pattern.format(value)
    except (ValueError, TypeError):
        return str(value)


def _card(title: str, data: dict, fields) -> str:
    rows = []
    for key, label, pattern in fields:
        shown = _fmt(data.get(key), pattern)
        if shown is not None and str(shown) not in ("NaT", "nan"):
            rows.append(f'<tr><td style="color:{_GREY};padding:1px 8px 1px 0;white-space:nowrap">{label}</td>'
                        f'<td style="padding:1px 0">{html.escape(str(shown))}</td></tr>')
    if not rows:
        return ""
    return (f'<div style="border:1px solid #ddd;border-radius:6px;padding:6px 10px;margin:4px 8px 4px 0;'
            f'display:inline-block;vertical-align:top;min-width:220px"><b>{title}</b>'
            f'<table style="font-size:.92em;border-collapse:collapse">{"".join(rows)}</table></div>')


def context_html(product=None, order=None, facts=()) -> str:
    """What the agent can look up (like 千牛's side panel): product card, order card and other facts.

    >>> "96.90" in context_html({"name": "针织连衣裙", "promo_price": 96.9})
    True
    """
    parts = []
    cards = _card("商品卡片", dict(product or {}), _PRODUCT_FIELDS) + _card("订单", dict(order or {}), _ORDER_FIELDS)
    if cards:
        parts.append(f"<div>{cards}</div>")
    shown = [f for f in facts or [] if str(f).strip()]
    if shown:
        items = "".join(f"<li>{html.escape(' / '.join(map(str, f)) if isinstance(f, list) else str(f))}</li>"
                        for f in shown)
        parts.append(f'<div><b>你查得到的信息</b><ul style="margin:2px 0">{items}</ul></div>')
    return "".join(parts)


def situation_html(situation: dict, show_hint: bool = True) -> str:
    """HTML of a situation: stage, the customer's message, product and order cards, facts, hint.

    >>> h = situation_html({"stage": "answer", "customer": "有货吗？", "hint": "先查库存"})
    >>> "疑问解答" in h and "有货吗？" in h and "先查库存" in h
    True
    """
    s = check_situation(situation)
    ctx = s["context"]
    name = ctx.get("customer_name") or "顾客"
    mood = MOODS.get(ctx.get("customer_mood"), "")
    mood_tag = ""
    if mood:
        colour = {"calm": _GREY, "upset": _ORANGE, "angry": _RED}[ctx["customer_mood"]]
        mood_tag = f' <span style="color:{colour};font-size:.85em">（情绪：{mood}）</span>'
    when = f'<span style="color:{_GREY};font-size:.85em">　{html.escape(str(ctx["now"]))}</span>' if ctx.get("now") else ""
    parts = [
        f'<div class="cslab-situation" style="line-height:1.6">'
        f'<div><span style="background:#e3f2fd;border-radius:4px;padding:1px 6px">'
        f'{html.escape(scoring.STAGES[s["stage"]])}</span> <b>{html.escape(s["title"])}</b>{when}</div>',
        f'<div style="margin:6px 0"><b>{html.escape(str(name))}</b>{mood_tag}：'
        f'<span class="cslab-customer" style="display:inline-block;background:#f1f1f1;border-radius:10px;'
        f'padding:4px 12px;font-size:1.1em">{html.escape(s["customer"]) or "（没有发消息）"}</span></div>',
    ]
    parts.append(context_html(ctx.get("product"), ctx.get("order"), ctx.get("facts")))
    if show_hint and s["hint"]:
        parts.append(f'<div style="color:#1565c0">💡 提示：{html.escape(s["hint"])}</div>')
    parts.append("</div>")
    return "".join(parts)


# --------------------------------------------------------------------------- attempts
