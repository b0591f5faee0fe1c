"""The shop's buyers (customers.csv): invented nicknames, masked phones, regions, member levels."""

from __future__ import annotations

from datetime import date, timedelta

from . import _geo
from ._base import DAYS, fmt_date, normalish, stream, write_csv

__all__ = ["HEADER", "N_CUSTOMERS", "LEVELS", "CHANNELS", "make_customers", "rows", "write"]

HEADER = [
    "customer_id", "nickname", "gender", "birthday", "province", "city", "join_date",
    "member_level", "channel", "phone_masked",
]
N_CUSTOMERS = 6000
LEVELS = ["普通会员", "银卡会员", "金卡会员", "钻石会员"]
CHANNELS = ["搜索", "直通车", "直播", "短视频", "老客推荐", "站外", "聚划算", "淘宝客"]
_CHANNEL_W = [30, 12, 16, 13, 9, 6, 7, 7]

_ADJ = ["快乐的", "爱吃草莓的", "不睡觉的", "会飞的", "安静的", "迷路的", "元气", "软萌", "勇敢的",
        "慢吞吞的", "小小", "甜甜的", "酷酷的", "爱笑的", "早起的", "追风的", "懒懒的", "认真的"]
_NOUN = ["小鱼", "猫咪", "兔子", "橘子", "柚子", "星星", "月亮", "鲸鱼", "熊猫", "奶茶", "布丁", "云朵",
         "松鼠", "芒果", "汤圆", "饺子", "向日葵", "西瓜", "柠檬", "小鹿", "企鹅", "青柠", "栗子", "麻薯"]
_LATIN = ["sunny", "lucky", "coco", "momo", "lily", "jojo", "tony", "kiki", "summer", "nana", "leo",
          "yoyo", "candy", "apple", "mint", "echo", "ruby", "ocean"]
_PHONE = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
          "156", "157", "158", "159", "176", "177", "178", "180", "181", "182", "183", "186", "187",
          "188", "189", "198", "199"]


def _nickname(rng) -> str:
    kind = rng.choices(range(6), weights=[20, 18, 22, 14, 14, 12])[0]
    if kind == 0:
        return f"{rng.choice(_ADJ)}{rng.choice(_NOUN)}"
    if kind == 1:
        return f"tb{rng.randint(10000000, 999999999)}"
    if kind == 2:
        return f"{rng.choice(_NOUN)}{rng.randint(1, 9999)}"
    if kind == 3:
        return f"{rng.choice(_LATIN)}_{rng.randint(100, 9999)}"
    if kind == 4:
        return f"{rng.choice(_NOUN)}{rng.choice(['酱', '呀', '不吃香菜', '本鱼', '妈妈', '爸爸'])}"
    return f"{rng.choice(_LATIN)}{rng.choice(_NOUN)}"


def make_customers() -> list[dict]:
    """Buyers as dicts; '_'-keys are hidden traits (activity weight, body size) used elsewhere."""
    rng = stream("customers")
    prov = _geo.province_picker()
    period_days = len(DAYS)
    seen: set[str] = set()
    out = []
    for i in range(N_CUSTOMERS):
        nick = _nickname(rng)
        while nick in seen:
            nick = f"{nick}{rng.randint(0, 9)}"
        seen.add(nick)
        gender = rng.choices(["女", "男", "未知"], weights=[66, 32, 2])[0]
        age = int(round(normalish(rng, 30, 8)))
        age = 18 if age < 18 else 62 if age > 62 else age
        birthday = None
        if rng.random() > 0.12:
            birthday = date(2026 - age, rng.randint(1, 12), rng.randint(1, 28))
        p = prov(rng)
        if rng.random() < 0.55:  # members from before the reference period
            join = date(2019, 6, 1) + timedelta(days=rng.randint(0, (date(2025, 10, 31) - date(2019, 6, 1)).days))
        else:
            join = DAYS[rng.randint(0, period_days - 1)]
        weight = 1.0 / (3 + rng.randint(0, 30))
        if rng.random() < 0.04:
            weight *= 2.5  # loyal fans
        female = gender != "男"
        height = int(round(normalish(rng, 161 if female else 172, 5)))
        body = int(round(normalish(rng, 54 if female else 68, 7)))
        out.append({
            "customer_id": f"C{i + 1:05d}", "nickname": nick, "gender": gender, "birthday": birthday,
            "province": p, "city": _geo.pick_city(rng, p), "join": join,
            "channel": rng.choices(CHANNELS, weights=_CHANNEL_W)[0],
            "phone_masked": f"{rng.choice(_PHONE)}****{rng.randint(0, 9999):04d}",
            "_w": weight, "_height": height, "_weight": body,
        })
    # member level by activity and membership age: the top 4% 钻石, next 11% 金卡, next 25% 银卡
    score = sorted(
        range(len(out)),
        key=lambda k: (-(out[k]["_w"] * (1 + (date(2026, 10, 31) - out[k]["join"]).days / 365)), k),
    )
    for rank, k in enumerate(score):
        frac = rank / len(out)
        out[k]["member_level"] = LEVELS[3 if frac < 0.04 else 2 if frac < 0.15 else 1 if frac < 0.40 else 0]
    return out


def rows(customers: list[dict]) -> list[list]:
    """customers.csv rows, by customer_id."""
    return [
        [c["customer_id"], c["nickname"], c["gender"], fmt_date(c["birthday"]), c["province"],
         c["city"], fmt_date(c["join"]), c["member_level"], c["channel"], c["phone_masked"]]
        for c in customers
    ]


def write(out_dir, customers: list[dict]) -> dict:
    """Write customers.csv."""
    return {"customers": write_csv(out_dir / "customers.csv", HEADER, rows(customers))}
