"""快捷短语 (千牛-style quick phrases): the course's phrase library, variables and filling.

Used by lesson ``03_communication`` (沟通话术: model replies for each stage), the workbench lesson
(千牛工作台: students build their own library on top of this one) and the chat-simulator lessons
04–06 and 09–11 (a student types ``/hy`` and the phrase is filled from the conversation).

* :func:`load_quick_phrases` – the phrases of ``data/quick_phrases.yaml`` (plain data, written
  for this course; every phrase scores ≥ 60 with :func:`cslab.scoring.score_reply` at its stage
  and has no banned words – ``tests/test_phrases.py`` checks this).
* :func:`find` – a phrase by its shortcode (``/hy``).
* :func:`variables` – the ``{变量}`` names in a text; :data:`VARIABLES` is the fixed set allowed.
* :func:`fill` – replace the variables from a dict; a missing one raises :class:`InputError`
  naming it. :func:`variables_from` builds that dict from a product, an order and a customer
  row of :mod:`cslab.datasets`.

>>> p = find("/jg")
>>> p.group, p.stage, variables(p.text)
('商品咨询', 'answer', ['商品名', '原价', '到手价'])
>>> fill("亲，{商品名}到手价{到手价}元～", {"商品名": "针织连衣裙", "到手价": 96.9})
'亲，针织连衣裙到手价96.90元～'
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path

from .datasets import data_dir, read_yaml
from .errors import DataError, InputError

__all__ = ["PHRASES_FILE", "GROUPS", "VARIABLES", "QuickPhrase", "load_quick_phrases", "find", "variables",
           "fill", "variables_from", "phrases_frame"]

PHRASES_FILE = "quick_phrases.yaml"
#: the phrase groups, in the order of a service conversation (like a 千牛 快捷短语 library)
GROUPS = ("售前接待", "商品咨询", "促成下单", "催付", "物流", "售后退换", "投诉安抚", "评价回复", "告别", "关怀")
#: the variables a phrase may use, name → what it stands for (with an example)
VARIABLES = {
    "买家昵称": "买家的旺旺昵称，例如 西瓜呀",
    "客服昵称": "你的客服昵称，例如 小林",
    "店铺名": "店铺名称，例如 悦衣小铺",
    "商品名": "商品标题或简称，例如 针织连衣裙",
    "原价": "商品原价（元），例如 129.00",
    "到手价": "活动到手价（元），例如 96.90",
    "材质": "面料成分，例如 棉60% 聚酯纤维40%",
    "尺码": "尺码，例如 M",
    "颜色": "颜色，例如 燕麦色",
    "数量": "件数，例如 2",
    "订单号": "订单编号，例如 D202610290019",
    "收货地址": "收货地址，例如 天津南开区朝**路8**号",
    "快递公司": "快递公司，例如 中通",
    "运单号": "快递单号，例如 78531362994443",
    "发货时间": "发货时效说明，例如 下午3点前付款当天发货",
    "预计送达": "预计送达时间，例如 明后天",
    "活动截止": "活动截止时间，例如 今晚24点",
    "优惠活动": "店铺优惠，例如 满299减30",
    "退款金额": "退款金额（元），例如 114.90",
}
_VAR = re.compile(r"\{([^{}\s]{1,12})\}")
_CODE = re.compile(r"^/[A-Za-z0-9]{1,12}$")


@dataclass(frozen=True)
class QuickPhrase:
    """One quick phrase: ``/hy`` → 售前接待, stage ``greet``, title, text with ``{变量}``; ``customer`` is an example message.

    >>> QuickPhrase("/hy", "售前接待", "greet", "欢迎语", "亲，您好！").shortcode
    '/hy'
    """

    shortcode: str
    group: str
    stage: str
    title: str
    text: str
    customer: str = ""


def variables(text: str) -> list:
    """The ``{变量}`` names in ``text``, in order of first appearance.

    >>> variables("亲，{商品名}到手价{到手价}元，{商品名}有现货")
    ['商品名', '到手价']
    """
    if not isinstance(text, str):
        raise InputError(f"短语内容应是文字（str），现在是 {type(text).__name__}。")
    return list(dict.fromkeys(_VAR.findall(text)))


def _value(v) -> str:
    if isinstance(v, float):
        return "" if math.isnan(v) else f"{v:.2f}"
    return str(v).strip()


def fill(text: str, context: dict) -> str:
    """``text`` with every ``{变量}`` replaced from ``context`` (variable name → value); floats get 2 decimals.

    An unknown variable name, or one missing from ``context``, raises :class:`InputError` naming it.

    >>> fill("{买家昵称}您好～", {"买家昵称": "西瓜呀"})
    '西瓜呀您好～'
    >>> fill("单号{运单号}", {})
    Traceback (most recent call last):
    ...
    cslab.errors.InputError: 缺少变量 {运单号}（快递单号，例如 78531362994443）：请在填充内容里提供“运单号”。
    """
    names = variables(text)
    if not isinstance(context, dict):
        raise InputError(f"填充内容应是字典，例如 {{\"买家昵称\": \"西瓜呀\"}}，现在是 {type(context).__name__}。")
    unknown = [n for n in names if n not in VARIABLES]
    if unknown:
        raise InputError(f"未知变量 {{{unknown[0]}}}：短语里只能用这些变量：{'、'.join(VARIABLES)}。")
    for n in names:
        if n not in context or context[n] is None or not _value(context[n]):
            raise InputError(f"缺少变量 {{{n}}}（{VARIABLES[n]}）：请在填充内容里提供“{n}”。")
    return _VAR.sub(lambda m: _value(context[m.group(1)]), text)


def variables_from(product=None, order=None, customer=None, **values) -> dict:
    """Variable values from a product, an order and a customer row (dicts or pandas rows), plus ``values``.

    >>> v = variables_from({"name": "针织连衣裙", "price": 129.0, "promo_price": 96.9}, 店铺名="悦衣小铺")
    >>> v["商品名"], v["到手价"], v["店铺名"]
    ('针织连衣裙', 96.9, '悦衣小铺')
    """
    def plain(row):
        if row is None:
            return {}
        if hasattr(row, "to_dict") and not isinstance(row, dict):
            row = row.to_dict()
        return {k: v for k, v in row.items() if v is not None and not (isinstance(v, float) and math.isnan(v))
                and str(v) not in ("", "nan", "NaT", "<NA>")}

    p, o, c = plain(product), plain(order), plain(customer)
    out = {}
    for key, var in (("name", "商品名"), ("price", "原价"), ("promo_price", "到手价"), ("material", "材质")):
        if key in p:
            out[var] = p[key]
    if "color_options" in p:
        out["颜色"] = "、".join(str(p["color_options"]).split("/"))
    for key, var in (("order_id", "订单号"), ("carrier", "快递公司"), ("tracking_no", "运单号"), ("quantity", "数量")):
        if key in o:
            out[var] = o[key]
    if "address" in o:
        region = dict.fromkeys(str(o[k]) for k in ("province", "city") if k in o)
        out["收货地址"] = "".join(region) + str(o["address"]).replace(" ", "")
    for part in str(o.get("spec", "")).split(";"):
        if ":" in part:
            k, v = part.split(":", 1)
            if k.strip() in ("颜色", "尺码"):
                out[k.strip()] = v.strip()
    if "nickname" in c:
        out["买家昵称"] = c["nickname"]
    unknown = [k for k in values if k not in VARIABLES]
    if unknown:
        raise InputError(f"未知变量 {unknown[0]}：可用变量：{'、'.join(VARIABLES)}。")
    out.update(values)
    return out


def _fail(msg: str):
    raise DataError(f"快捷短语文件 {PHRASES_FILE} 有误：{msg}。请对照文件开头的说明修改。")


@functools.lru_cache(maxsize=4)
def _load(path: str, _mtime_ns: int, _size: int) -> tuple:
    from .scoring import STAGES

    raw = read_yaml(path, "快捷短语")
    items = raw.get("phrases") if isinstance(raw, dict) else None
    if not isinstance(items, list) or not items:
        _fail("缺少 phrases 列表")
    out, seen = [], set()
    for i, it in enumerate(items, 1):
        if not isinstance(it, dict):
            _fail(f"第 {i} 条不是“字段: 值”的写法")
        missing = [f for f in ("shortcode", "group", "stage", "title", "text") if not str(it.get(f) or "").strip()]
        if missing:
            _fail(f"第 {i} 条缺少 {'、'.join(missing)}")
        code = str(it["shortcode"]).strip()
        if not _CODE.match(code):
            _fail(f"第 {i} 条的编码 {code!r} 应以 / 开头，后面是字母或数字")
        if code in seen:
            _fail(f"编码 {code} 重复了")
        seen.add(code)
        if it["group"] not in GROUPS:
            _fail(f"{code} 的分组 {it['group']!r} 不在 {'、'.join(GROUPS)} 之中")
        if it["stage"] not in STAGES:
            _fail(f"{code} 的环节 {it['stage']!r} 不是 {'、'.join(STAGES)} 之一")
        bad = [v for v in variables(str(it["text"])) if v not in VARIABLES]
        if bad:
            _fail(f"{code} 用了未知变量 {{{bad[0]}}}（可用：{'、'.join(VARIABLES)}）")
        out.append(QuickPhrase(code, it["group"], it["stage"], str(it["title"]).strip(), str(it["text"]).strip(),
                               str(it.get("customer") or "").strip()))
    return tuple(out)


def load_quick_phrases(path=None) -> list:
    """The quick phrases of ``data/quick_phrases.yaml`` (or ``path``), in file order; a new list each call.

    >>> phrases = load_quick_phrases()
    >>> len(phrases) >= 80 and len({p.shortcode for p in phrases}) == len(phrases)
    True
    """
    file = Path(path) if path else data_dir() / PHRASES_FILE
    try:
        st = file.stat()
    except OSError as exc:
        raise DataError(f"找不到快捷短语文件 {PHRASES_FILE}（查找位置：{file}）。") from exc
    return list(_load(str(file), st.st_mtime_ns, st.st_size))


def find(shortcode: str):
    """The phrase with this shortcode (``/hy`` or ``hy``), or None.

    >>> find("hy").title, find("/nothing") is None
    ('欢迎语', True)
    """
    if not isinstance(shortcode, str):
        raise InputError(f"快捷编码应是文字，例如 \"/hy\"，现在是 {type(shortcode).__name__}。")
    code = shortcode.strip()
    code = code if code.startswith("/") else "/" + code
    return next((p for p in load_quick_phrases() if p.shortcode.lower() == code.lower()), None)


def phrases_frame(phrases=None):
    """The phrases as a DataFrame with Chinese headers 编码/分组/环节/名称/内容/变量.

    >>> list(phrases_frame().columns)
    ['编码', '分组', '环节', '名称', '内容', '变量']
    """
    import pandas as pd

    from .scoring import STAGES

    rows = [{"编码": p.shortcode, "分组": p.group, "环节": STAGES.get(p.stage, p.stage), "名称": p.title,
             "内容": p.text, "变量": "、".join(variables(p.text))}
            for p in (load_quick_phrases() if phrases is None else phrases)]
    return pd.DataFrame(rows, columns=["编码", "分组", "环节", "名称", "内容", "变量"])
