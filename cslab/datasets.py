"""Typed loaders of the course's shop data: ``from cslab import datasets; datasets.load_orders()``.

Every ``load_*()`` returns a fresh pandas DataFrame with proper types: times as ``datetime64``,
fixed vocabularies (category, status, carrier …) as ``category``, yes/no columns as ``bool``,
counts as ``int64`` (``Int64`` where a value may be missing), money as ``float64``, text as
strings. Files are read once per process; each call returns a copy, so changing it in a lesson
never changes what the next call returns.

The files are found by :func:`data_dir`, never relative to the current folder (nbgrader copies
notebooks into other folders). A missing or damaged file raises :class:`cslab.errors.DataError`
whose Chinese message names the file and how to regenerate it (``python -m cslab.datagen``).

>>> orders = load_orders()
>>> str(orders["created_at"].dtype).startswith("datetime64")
True
>>> load_orders() is not load_orders()
True
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "ENV_VAR", "FILES", "SCHEMAS", "data_dir", "load", "load_products", "load_size_charts",
    "load_customers", "load_orders", "load_logistics", "load_shipments", "load_chats",
    "load_chat_messages", "load_tickets", "load_reviews", "load_agents", "load_attendance",
    "read_yaml",
]

#: environment variable that points the loaders at another data folder
ENV_VAR = "CSLAB_DATA_DIR"

_ORDER_STATUS = ["待付款", "已关闭", "已付款", "已发货", "已签收", "退款中", "已退款"]
_CARRIERS = ["中通", "圆通", "韵达", "申通", "极兔", "顺丰", "邮政"]
_CATEGORIES = ["女装", "男装", "童装", "鞋靴", "箱包配饰", "家居日用", "美妆个护"]

# column → type: str, cat (categories inferred), a list (fixed categories), ("ordered", list),
# int, Int64 (nullable), float, dt (date and time), date, bool
SCHEMAS: dict[str, dict[str, object]] = {
    "products": {
        "sku": "str", "name": "str", "category": _CATEGORIES, "price": "float", "promo_price": "float",
        "stock": "int", "material": "str", "origin": "cat", "listed_date": "date", "monthly_sales": "int",
        "subcategory": "cat", "season": ["春夏", "秋冬", "四季"], "color_options": "str",
        "size_options": "str", "size_tip": ["偏小一码", "尺码标准", "偏大一码"], "weight_g": "int",
    },
    "size_charts": {
        "sku": "str", "size": "str", "height_min_cm": "Int64", "height_max_cm": "Int64",
        "weight_min_kg": "Int64", "weight_max_kg": "Int64", "bust_cm": "Int64", "waist_cm": "Int64",
        "hip_cm": "Int64", "shoulder_cm": "Int64", "sleeve_cm": "Int64", "length_cm": "Int64",
        "foot_length_mm": "Int64",
    },
    "customers": {
        "customer_id": "str", "nickname": "str", "gender": ["女", "男", "未知"], "birthday": "date",
        "province": "cat", "city": "cat", "join_date": "date",
        "member_level": ("ordered", ["普通会员", "银卡会员", "金卡会员", "钻石会员"]),
        "channel": "cat", "phone_masked": "str",
    },
    "orders": {
        "order_id": "str", "line_no": "int", "customer_id": "str", "sku": "str", "quantity": "int",
        "unit_price": "float", "amount": "float", "status": _ORDER_STATUS, "created_at": "dt",
        "paid_at": "dt", "shipped_at": "dt", "signed_at": "dt", "province": "cat", "city": "cat",
        "address": "str", "carrier": _CARRIERS, "tracking_no": "str", "buyer_remark": "str",
        "seller_remark": "str", "spec": "str",
    },
    "shipments": {
        "tracking_no": "str", "order_id": "str", "carrier": _CARRIERS, "shipped_at": "dt",
        "promised_days": "int", "outcome": ["正常", "延误", "丢失", "退回"], "signed_at": "dt",
        "province": "cat", "city": "cat",
    },
    "logistics": {
        "tracking_no": "str", "order_id": "str", "carrier": _CARRIERS, "seq": "int", "event_time": "dt",
        "status": ["已揽收", "运输中", "到达分拨中心", "派送中", "已签收", "异常", "退回"],
        "location": "cat", "description": "str",
    },
    "chats": {
        "session_id": "str", "customer_id": "str", "agent_id": "cat", "started_at": "dt",
        "ended_at": "dt",
        "topic": ["售前咨询", "活动优惠", "催付", "物流", "修改地址", "发票", "退换货", "投诉"],
        "first_response_seconds": "Int64", "ordered_within_24h": "bool", "order_id": "str",
        "sku": "str", "satisfaction": "Int64",
    },
    "chat_messages": {
        "session_id": "str", "seq": "int", "sent_at": "dt", "sender": ["买家", "客服", "机器人"],
        "agent_id": "cat", "text": "str",
    },
    "tickets": {
        "ticket_id": "str", "order_id": "str", "customer_id": "str", "type": ["退款", "退货", "换货", "投诉"],
        "reason": "cat", "responsibility": ["商家", "物流", "买家", "平台"], "created_at": "dt",
        "first_response_at": "dt", "resolved_at": "dt", "status": ["待处理", "处理中", "已解决", "已关闭"],
        "resolution": "str", "refund_amount": "float", "satisfaction": "Int64", "agent_id": "cat",
        "sku": "str",
    },
    "reviews": {
        "review_id": "str", "order_id": "str", "sku": "str", "customer_id": "str", "rating": "int",
        "text": "str", "created_at": "dt", "reply": "str", "replied_at": "dt", "has_image": "bool",
        "is_followup": "bool",
    },
    "agents": {
        "agent_id": "str", "account": "str", "group": ["售前", "售后", "主管"],
        "shift": ["早班", "晚班", "全天", "大促班"], "max_concurrent": "int", "hired_date": "date",
        "status": ["在职", "离职"], "left_date": "date", "shift_hours": "str",
    },
    "attendance": {
        "student_id": "str", "name": "str", "date": "date", "week": "int", "period": "int",
        "status": ["出勤", "旷课", "迟到", "早退", "病假", "事假", "因公"], "note": "str",
    },
}
#: data set name → file name
FILES = {name: f"{name}.csv" for name in SCHEMAS}

_REGEN = "请在课程仓库根目录运行 `python -m cslab.datagen` 重新生成数据（或检查环境变量 CSLAB_DATA_DIR）。"


def data_dir() -> Path:
    """The folder holding the data files: ``$CSLAB_DATA_DIR``, the installed copy, or the repo's data/.

    >>> (data_dir() / "products.csv").is_file()
    True
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser().resolve()
    package = Path(__file__).resolve().parent
    bundled = package / "_data"  # inside an installed wheel
    if bundled.is_dir():
        return bundled
    return package.parent / "data"


def read_yaml(path, label: str, key: str | None = None):
    """Parse a course YAML file (a name in :func:`data_dir`, or a path) into plain data; Chinese errors name it.

    ``label`` says what the file is (e.g. ``"评分标准"``); with ``key`` the file must be a mapping
    holding a non-empty ``key`` entry. Used by every module that reads teacher-editable YAML.

    >>> read_yaml("typing_phrases.yaml", "打字练习话术", key="phrases")["phrases"][0]["stage"]
    '迎接问好'
    """
    import yaml

    target = Path(path) if os.path.dirname(str(path)) else data_dir() / str(path)
    try:
        with open(target, encoding="utf-8") as fh:
            raw = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: ~10x faster
    except FileNotFoundError:
        raise DataError(
            f"找不到{label}文件 {target.name}（查找位置：{target}）。请确认课程数据完整，"
            f"或把环境变量 {ENV_VAR} 设为存放课程数据的文件夹。"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise DataError(f"{label}文件 {target.name} {where}格式有误：{exc}。请对照文件开头的说明修改。") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"无法读取{label}文件 {target.name}（{exc}）：请确认它是 UTF-8 编码的 YAML。") from None
    if key is not None and not (isinstance(raw, dict) and raw.get(key)):
        raise DataError(f"{label}文件 {target.name} 里没有 {key}（或它是空的）：请对照文件开头的说明填写。")
    return raw


def _convert(df, schema: dict):
    """Give every column its type; anything unexpected means the file is damaged."""
    import pandas as pd

    missing = [c for c in schema if c not in df.columns]
    if missing:
        raise ValueError(f"缺少列 {', '.join(missing)}")
    out = {}
    for col, kind in schema.items():
        s = df[col]
        if kind == "str":
            out[col] = s
        elif kind in ("int", "Int64", "float"):
            num = pd.to_numeric(s, errors="raise")
            if kind == "float":
                out[col] = num.astype("float64")
            elif kind == "int":
                if num.isna().any():
                    raise ValueError(f"列 {col} 有空值")
                out[col] = num.astype("int64")
            else:
                out[col] = num.astype("Int64")
        elif kind in ("dt", "date"):
            fmt = "%Y-%m-%d %H:%M:%S" if kind == "dt" else "%Y-%m-%d"
            out[col] = pd.to_datetime(s, format=fmt, errors="raise")
        elif kind == "bool":
            bad = ~s.isin(["True", "False"])
            if bad.any():
                raise ValueError(f"列 {col} 有非 True/False 的值：{s[bad].iloc[0]!r}")
            out[col] = s == "True"
        else:
            ordered = isinstance(kind, tuple)
            cats = kind[1] if ordered else None if kind == "cat" else kind
            dtype = pd.CategoricalDtype(categories=cats, ordered=ordered) if cats else "category"
            if cats is not None:
                bad = s.notna() & ~s.isin(cats)
                if bad.any():
                    raise ValueError(f"列 {col} 有未知取值：{s[bad].iloc[0]!r}")
            out[col] = s.astype(dtype)
    extra = {c: df[c] for c in df.columns if c not in schema}
    return pd.DataFrame({**out, **extra}, index=pd.RangeIndex(len(df)))


@functools.lru_cache(maxsize=64)
def _read(path: str, name: str, _mtime_ns: int, _size: int):
    """Read and type one file (cached per path and file version)."""
    import pandas as pd

    file = FILES[name]
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
        if len(df) == 0:
            raise ValueError("没有数据行")
        return _convert(df, SCHEMAS[name])
    except (ValueError, TypeError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataError(f"数据文件 {file} 已损坏或格式不对（{exc}）。{_REGEN}") from exc
    except OSError as exc:
        raise DataError(f"无法读取数据文件 {file}（{exc}）。{_REGEN}") from exc


def load(name: str) -> pd.DataFrame:
    """Any data set by name, e.g. ``load("orders")``; see :data:`FILES` for the names.

    >>> load("agents")["group"].dtype.name
    'category'
    """
    if name not in FILES:
        raise DataError(f"没有名为 {name!r} 的数据集；可用：{', '.join(FILES)}")
    path = data_dir() / FILES[name]
    try:
        st = path.stat()
    except OSError as exc:
        raise DataError(f"找不到数据文件 {FILES[name]}（查找位置：{path}）。{_REGEN}") from exc
    return _read(str(path), name, st.st_mtime_ns, st.st_size).copy()


def load_products() -> pd.DataFrame:
    """商品表 products.csv, one row per SKU (lessons 02_pre_job, 03_communication; assignment a01_product_lookup).

    >>> len(load_products()) >= 200
    True
    """
    return load("products")


def load_size_charts() -> pd.DataFrame:
    """尺码表 size_charts.csv, one row per SKU and size (lesson 02_pre_job; assignment a01_product_lookup).

    >>> int(load_size_charts().groupby("sku").size().max()) <= 10
    True
    """
    return load("size_charts")


def load_customers() -> pd.DataFrame:
    """客户表 customers.csv, one row per buyer (lesson 13_crm).

    >>> load_customers()["customer_id"].is_unique
    True
    """
    return load("customers")


def load_orders() -> pd.DataFrame:
    """订单明细 orders.csv, one row per order line (lessons 07_payment_reminder, 08_promotions, 13_crm).

    >>> set(load_orders()["status"].cat.categories) >= {"待付款", "已签收", "已退款"}
    True
    """
    return load("orders")


def load_logistics() -> pd.DataFrame:
    """物流轨迹 logistics.csv, one row per tracking event (lessons 09_after_sales, 12_shopping_experience).

    >>> int((load_logistics()["status"] == "已揽收").sum()) >= 1000
    True
    """
    return load("logistics")


def load_shipments() -> pd.DataFrame:
    """包裹表 shipments.csv, one row per parcel with its outcome (lessons 09_after_sales, 12_shopping_experience).

    >>> sorted(load_shipments()["outcome"].unique())
    ['丢失', '延误', '正常', '退回']
    """
    return load("shipments")


def load_chats() -> pd.DataFrame:
    """咨询会话 chats.csv, one row per chat session (lessons 01_cs_basics, 14_cs_management).

    >>> load_chats()["ordered_within_24h"].dtype.name
    'bool'
    """
    return load("chats")


def load_chat_messages() -> pd.DataFrame:
    """聊天记录 chat_messages.csv, one row per message (lessons 03_communication, 14_cs_management).

    >>> bool(load_chat_messages()["sender"].isin(["买家", "客服", "机器人"]).all())
    True
    """
    return load("chat_messages")


def load_tickets() -> pd.DataFrame:
    """售后工单 tickets.csv, one row per after-sales or complaint case (lessons 09_after_sales, 10_complaints).

    >>> len(load_tickets()) >= 800
    True
    """
    return load("tickets")


def load_reviews() -> pd.DataFrame:
    """商品评价 reviews.csv, one row per review or follow-up (lesson 11_reviews).

    >>> bool(load_reviews()["rating"].between(1, 5).all())
    True
    """
    return load("reviews")


def load_agents() -> pd.DataFrame:
    """客服子账号 agents.csv, one row per agent (lessons 02_pre_job, 14_cs_management).

    >>> bool(load_agents()["account"].str.startswith("悦衣小铺:").all())
    True
    """
    return load("agents")


def load_attendance() -> pd.DataFrame:
    """班级考勤 attendance.csv, one row per student and class period (课程成绩评定 gradebook).

    >>> load_attendance()["student_id"].nunique()
    40
    """
    return load("attendance")
