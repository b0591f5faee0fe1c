"""Tests of cslab.datagen: the committed data/ is what the generator writes, and it is realistic and consistent.

Most tests read the committed files with the csv module (fast); one slow test regenerates
everything into a temporary folder and compares bytes, so data/ can never drift from the code.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from statistics import median

import pytest

from cslab import datagen
from cslab.datagen import orders as orders_mod
from cslab.datagen import products as products_mod

DATA = Path(__file__).resolve().parent.parent / "data"
SNAPSHOT = datetime(2026, 11, 1)


@pytest.fixture(scope="module")
def table():
    """Read a committed CSV as a list of dicts (cached per module)."""
    cache: dict[str, list[dict]] = {}

    def read(name: str) -> list[dict]:
        if name not in cache:
            with open(DATA / f"{name}.csv", encoding="utf-8-sig", newline="") as f:
                cache[name] = list(csv.DictReader(f))
        return cache[name]

    return read


def dt(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@pytest.mark.slow
def test_regeneration_is_byte_identical_to_committed_data(tmp_path):
    """Running the generator (through its command line) rewrites data/ byte for byte."""
    assert datagen.main(["--out", str(tmp_path)]) == 0
    for name, file in datagen.FILES.items():
        fresh, committed = (tmp_path / file).read_bytes(), (DATA / file).read_bytes()
        assert fresh == committed, f"{file} differs from the generator's output: run `python -m cslab.datagen`"


def test_files_are_excel_friendly_utf8_with_bom_and_lf():
    """Every file starts with a UTF-8 BOM and uses '\\n' line ends only."""
    for file in datagen.FILES.values():
        raw = (DATA / file).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), file
        assert b"\r" not in raw, file
        raw.decode("utf-8-sig")


def test_generator_needs_only_the_standard_library():
    """The generator imports with pandas and numpy unavailable."""
    code = ("import sys; sys.modules['pandas'] = None; sys.modules['numpy'] = None; "
            "import cslab.datagen, cslab.datagen.__main__; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_command_line_help():
    """`python -m cslab.datagen --help` explains the --out option."""
    out = subprocess.run([sys.executable, "-m", "cslab.datagen", "--help"], capture_output=True,
                         text=True, check=True)
    assert "--out" in out.stdout


def test_every_module_declares_all_and_stays_small():
    """Each generator module has __all__, a docstring, and fewer than 500 lines."""
    import importlib

    folder = Path(datagen.__file__).parent
    for path in sorted(folder.glob("*.py")):
        name = "cslab.datagen" if path.stem == "__init__" else f"cslab.datagen.{path.stem}"
        mod = importlib.import_module(name)
        assert hasattr(mod, "__all__"), name
        assert mod.__doc__ and mod.__doc__.strip(), name
        assert len(path.read_text(encoding="utf-8").splitlines()) < 500, name


def test_sizes_meet_the_minimums(table):
    """Every file is at least as large as the course needs."""
    minimum = {"products": 200, "customers": 3000, "orders": 30000, "shipments": 1000, "chats": 2000,
               "tickets": 800, "reviews": 5000, "agents": 5}
    for name, n in minimum.items():
        assert len(table(name)) >= n, name
    assert len({r["tracking_no"] for r in table("logistics")}) >= 1000
    assert len({r["session_id"] for r in table("chat_messages")}) >= 2000


def test_products_have_the_agreed_columns_and_sane_values(table):
    """products.csv keeps its exact leading columns; prices, stock and categories make sense."""
    with open(DATA / "products.csv", encoding="utf-8-sig") as f:
        header = next(csv.reader(f))
    assert header[:10] == ["sku", "name", "category", "price", "promo_price", "stock", "material", "origin",
                           "listed_date", "monthly_sales"]
    rows = table("products")
    assert len({r["category"] for r in rows}) >= 6
    assert len({r["sku"] for r in rows}) == len(rows)
    assert all(float(r["promo_price"]) <= float(r["price"]) for r in rows)
    stock = [int(r["stock"]) for r in rows]
    assert min(stock) == 0 and sum(s == 0 for s in stock) >= 5
    assert all(date.fromisoformat(r["listed_date"]) <= date(2026, 10, 31) for r in rows)
    assert sum(int(r["monthly_sales"]) for r in rows) > 0


def test_size_charts_cover_apparel_and_shoes(table):
    """Apparel has S–XXL (or children's heights) with body ranges; shoes 35–44 with foot length."""
    products = {r["sku"]: r for r in table("products")}
    charts = defaultdict(list)
    for r in table("size_charts"):
        charts[r["sku"]].append(r)
    for sku, p in products.items():
        if p["category"] in ("女装", "男装"):
            assert [r["size"] for r in charts[sku]] == ["S", "M", "L", "XL", "XXL"], sku
            assert all(int(r["height_min_cm"]) <= int(r["height_max_cm"]) for r in charts[sku])
        elif p["category"] == "鞋靴":
            sizes = [int(r["size"]) for r in charts[sku]]
            assert 35 <= min(sizes) and max(sizes) <= 44
            assert all(r["foot_length_mm"] for r in charts[sku])
        elif p["category"] != "童装":
            assert sku not in charts


def test_size_advice_follows_the_chart():
    """recommend_size picks the smallest size whose height and weight limits fit the buyer."""
    p = next(p for p in products_mod.make_products() if p["_kind"] == "W")
    assert products_mod.recommend_size(p, 160, 50) == "M"
    assert products_mod.recommend_size(p, 170, 55) == "XL"
    assert products_mod.recommend_size(p, 190, 95) == "XXL"


def test_customers_are_invented_and_masked(table):
    """Customer ids are unique, phones are masked, levels and genders come from fixed lists."""
    rows = table("customers")
    assert len({r["customer_id"] for r in rows}) == len(rows)
    assert all(len(r["phone_masked"]) == 11 and r["phone_masked"][3:7] == "****" for r in rows)
    assert {r["member_level"] for r in rows} == {"普通会员", "银卡会员", "金卡会员", "钻石会员"}
    assert {r["gender"] for r in rows} <= {"女", "男", "未知"}


def test_referential_integrity(table):
    """Every id points at a row that exists: orders, shipments, chats, tickets, reviews, charts."""
    customers = {r["customer_id"] for r in table("customers")}
    skus = {r["sku"] for r in table("products")}
    agents = {r["agent_id"] for r in table("agents")}
    lines = {(r["order_id"], r["sku"]) for r in table("orders")}
    order_ids = {o for o, _ in lines}
    assert {r["customer_id"] for r in table("orders")} <= customers
    assert {r["sku"] for r in table("orders")} <= skus
    assert {r["sku"] for r in table("size_charts")} <= skus
    assert {r["agent_id"] for r in table("chats")} <= agents
    assert {r["agent_id"] for r in table("chat_messages") if r["agent_id"]} <= agents
    assert {r["customer_id"] for r in table("chats")} <= customers
    assert {r["order_id"] for r in table("chats") if r["order_id"]} <= order_ids
    assert {r["session_id"] for r in table("chat_messages")} == {r["session_id"] for r in table("chats")}
    assert {r["order_id"] for r in table("tickets")} <= order_ids
    assert {r["agent_id"] for r in table("tickets")} <= agents
    assert {(r["order_id"], r["sku"]) for r in table("reviews")} <= lines
    shipments = {r["tracking_no"]: r for r in table("shipments")}
    assert {r["tracking_no"] for r in table("logistics")} == set(shipments)
    by_order = {r["order_id"]: r["tracking_no"] for r in table("orders")}
    assert all(by_order[s["order_id"]] == t for t, s in shipments.items())


def test_order_statuses_agree_with_timestamps(table):
    """Each status has exactly the timestamps it implies, in order, before the snapshot."""
    allowed = {"待付款", "已关闭", "已付款", "已发货", "已签收", "退款中", "已退款"}
    rows = table("orders")
    assert {r["status"] for r in rows} == allowed
    for r in rows:
        c, p, s, g = (dt(r[k]) for k in ("created_at", "paid_at", "shipped_at", "signed_at"))
        assert date(2025, 11, 1) <= c.date() <= date(2026, 10, 31)
        assert all(t is None or t < SNAPSHOT for t in (p, s, g))
        assert p is None or p >= c
        assert s is None or (p is not None and s >= p)
        assert g is None or (s is not None and g >= s)
        assert abs(float(r["amount"]) - float(r["unit_price"]) * int(r["quantity"])) < 0.005
        status = r["status"]
        if status in ("待付款", "已关闭"):
            assert p is None and s is None
            if status == "待付款":
                assert c > SNAPSHOT - orders_mod.CLOSE_AFTER
            else:
                assert c <= SNAPSHOT - orders_mod.CLOSE_AFTER
        elif status == "已付款":
            assert p is not None and s is None
        elif status == "已发货":
            assert s is not None and g is None and r["tracking_no"]
        elif status == "已签收":
            assert g is not None
        else:
            assert p is not None
        assert bool(s) == bool(r["carrier"]) == bool(r["tracking_no"])


def _daily_orders(table) -> Counter:
    return Counter(date.fromisoformat(r["created_at"][:10]) for r in table("orders") if r["line_no"] == "1")


def test_618_and_double_11_peaks_stand_out(table):
    """Average daily orders in the 618 and 双11 windows exceed 1.5× the year's median day."""
    daily = _daily_orders(table)
    med = median(daily.values())

    def mean(a: date, b: date) -> float:
        days = [a + timedelta(days=i) for i in range((b - a).days + 1)]
        return sum(daily[d] for d in days) / len(days)

    assert mean(date(2026, 6, 1), date(2026, 6, 18)) > 1.5 * med
    assert mean(date(2025, 11, 1), date(2025, 11, 11)) > 1.5 * med
    assert mean(date(2026, 10, 20), date(2026, 10, 31)) > 1.5 * med
    assert daily[date(2025, 11, 11)] == max(daily.values())


def test_weekly_and_hourly_patterns(table):
    """Weekends sell more than midweek; evenings far more than the small hours."""
    daily = _daily_orders(table)
    by_weekday = defaultdict(list)
    for d, n in daily.items():
        by_weekday[d.weekday()].append(n)
    assert median(by_weekday[6]) > median(by_weekday[1])
    hours = Counter(int(r["created_at"][11:13]) for r in table("orders") if r["line_no"] == "1")
    assert hours[21] > 5 * hours[4]


def test_repeat_customers_exist_for_rfm(table):
    """Many buyers order more than once; a few are loyal heavy buyers."""
    per = Counter({r["order_id"]: r["customer_id"] for r in table("orders")}.values())
    assert sum(n >= 2 for n in per.values()) / len(per) > 0.4
    assert max(per.values()) >= 10


def test_shipments_and_tracking_events_agree(table):
    """Events run in time order from dispatch; outcomes match how each timeline ends."""
    shipments = {r["tracking_no"]: r for r in table("shipments")}
    assert {r["outcome"] for r in shipments.values()} == {"正常", "延误", "丢失", "退回"}
    events = defaultdict(list)
    for r in table("logistics"):
        events[r["tracking_no"]].append(r)
    for t, evs in events.items():
        s = shipments[t]
        assert [int(e["seq"]) for e in evs] == list(range(1, len(evs) + 1))
        times = [dt(e["event_time"]) for e in evs]
        assert times == sorted(times) and len(set(times)) == len(times), t
        assert times[0] >= dt(s["shipped_at"]) and times[-1] < SNAPSHOT
        last = evs[-1]["status"]
        if s["outcome"] in ("正常", "延误"):
            assert last == "已签收" and times[-1] == dt(s["signed_at"])
            late = dt(s["signed_at"]) > dt(s["shipped_at"]) + timedelta(days=int(s["promised_days"]))
            assert late == (s["outcome"] == "延误")
        else:
            assert s["signed_at"] == ""
            assert last == ("异常" if s["outcome"] == "丢失" else "退回")


def test_chats_match_their_messages(table):
    """Session times bound the messages; first response times are measured from the messages."""
    msgs = defaultdict(list)
    for m in table("chat_messages"):
        msgs[m["session_id"]].append(m)
    topics = set()
    for s in table("chats"):
        topics.add(s["topic"])
        ms = msgs[s["session_id"]]
        times = [dt(m["sent_at"]) for m in ms]
        assert times == sorted(times)
        assert times[0] == dt(s["started_at"]) and times[-1] == dt(s["ended_at"])
        assert s["ordered_within_24h"] in ("True", "False")
        first_buyer = next((i for i, m in enumerate(ms) if m["sender"] == "买家"), None)
        reply = None
        if first_buyer is not None:
            reply = next((m for m in ms[first_buyer:] if m["sender"] == "客服"), None)
        assert (reply is not None) == (s["first_response_seconds"] != "")
        if reply is not None:
            waited = (dt(reply["sent_at"]) - times[first_buyer]).total_seconds()
            assert waited == int(s["first_response_seconds"])
    assert {"售前咨询", "催付", "物流", "退换货", "投诉"} <= topics
    texts = [m["text"] for m in table("chat_messages")]
    assert len(set(texts)) > 1000


def test_tickets_are_consistent(table):
    """Ticket times are ordered, finished tickets have an end, ratings are 1–5 or empty."""
    orders = {}
    for r in table("orders"):
        orders.setdefault(r["order_id"], r)
    rows = table("tickets")
    assert {r["type"] for r in rows} == {"退款", "退货", "换货", "投诉"}
    assert {r["responsibility"] for r in rows} >= {"商家", "物流", "买家"}
    for r in rows:
        c, f, d = dt(r["created_at"]), dt(r["first_response_at"]), dt(r["resolved_at"])
        assert c >= dt(orders[r["order_id"]]["created_at"])
        assert f is None or c <= f
        assert d is None or (f is not None and f <= d < SNAPSHOT)
        assert (d is not None) == (r["status"] in ("已解决", "已关闭"))
        assert r["satisfaction"] in ("", "1", "2", "3", "4", "5")
        if r["status"] in ("待处理", "处理中"):
            assert r["satisfaction"] == "" and r["refund_amount"] == ""


def test_refund_lines_have_tickets(table):
    """Every refunding or refunded order line has an after-sales ticket on its order."""
    ticketed = {r["order_id"] for r in table("tickets") if r["type"] in ("退款", "退货")}
    refunded = {r["order_id"] for r in table("orders") if r["status"] in ("退款中", "已退款")}
    assert refunded <= ticketed


def test_reviews_are_skewed_varied_and_after_delivery(table):
    """Mostly five stars with a tail of bad ones; varied texts; written after the parcel arrived."""
    signed = {r["order_id"]: r["signed_at"] for r in table("orders")}
    rows = table("reviews")
    ratings = Counter(int(r["rating"]) for r in rows)
    assert ratings[5] == max(ratings.values()) and ratings[5] / len(rows) > 0.5
    assert ratings[1] > 0 and ratings[2] > 0 and ratings[3] > 0
    assert len({r["text"] for r in rows}) > 0.6 * len(rows)
    assert any(r["is_followup"] == "True" for r in rows)
    for r in rows:
        assert dt(r["created_at"]) > dt(signed[r["order_id"]])
        assert r["replied_at"] == "" or dt(r["replied_at"]) > dt(r["created_at"])
        assert (r["reply"] == "") == (r["replied_at"] == "")


def test_agents_have_shop_accounts(table):
    """Agents are sub-accounts named 店铺名:昵称 in 售前/售后/主管 groups."""
    rows = table("agents")
    assert 5 <= len(rows) <= 12
    assert all(r["account"].startswith("悦衣小铺:") for r in rows)
    assert {r["group"] for r in rows} == {"售前", "售后", "主管"}


def test_attendance_mix_makes_grading_interesting(table):
    """40 students, mostly present, with one over the one-third absence line and one close to it."""
    rows = table("attendance")
    assert len({r["student_id"] for r in rows}) == 40
    assert {r["status"] for r in rows} == {"出勤", "旷课", "迟到", "早退", "病假", "事假", "因公"}
    assert Counter(r["status"] for r in rows)["出勤"] / len(rows) > 0.8
    periods = Counter(r["student_id"] for r in rows)
    absent = Counter(r["student_id"] for r in rows if r["status"] == "旷课")
    share = sorted(absent[s] / periods[s] for s in periods)
    assert share[-1] > 1 / 3
    assert any(0.2 <= x < 1 / 3 for x in share)
