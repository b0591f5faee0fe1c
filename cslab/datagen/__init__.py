"""The deterministic generator of the course's shop data: ``python -m cslab.datagen --out DIR``.

One invented Taobao-style shop (悦衣小铺) over the year 2025-11-01 .. 2026-10-31. Standard
library only: every stream is a seeded ``random.Random``, amounts are whole fen formatted as
text, rows are written in a fixed order with ``'\\n'`` line ends and a UTF-8 BOM, so the files
are byte-identical on every run, Python version and platform.

>>> sorted(FILES)[:3]
['agents', 'attendance', 'chat_messages']
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import agents, attendance, chats, customers, logistics, orders, products, reviews, tickets

__all__ = ["FILES", "default_out", "generate", "main"]

#: data set name → file name, for every file the generator writes
FILES = {
    "products": "products.csv", "size_charts": "size_charts.csv", "customers": "customers.csv",
    "orders": "orders.csv", "shipments": "shipments.csv", "logistics": "logistics.csv",
    "chats": "chats.csv", "chat_messages": "chat_messages.csv", "tickets": "tickets.csv",
    "reviews": "reviews.csv", "agents": "agents.csv", "attendance": "attendance.csv",
}


def default_out() -> Path:
    """The repository's ``data/`` folder (next to the ``cslab`` package)."""
    return Path(__file__).resolve().parent.parent.parent / "data"


def generate(out_dir) -> dict[str, Path]:
    """Write every data file into ``out_dir`` (created if needed); return name → path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    prods = products.make_products()
    custs = customers.make_customers()
    order_list, shipments, cases = orders.make_orders(prods, custs)
    ticket_list = tickets.make_tickets(cases)
    sessions = chats.make_chats(prods, custs, order_list, ticket_list)  # may add seller remarks
    review_list = reviews.make_reviews(order_list, cases)
    _monthly_sales(prods, order_list)
    written: dict[str, Path] = {}
    written.update(products.write(out, prods))
    written.update(customers.write(out, custs))
    written.update(orders.write(out, order_list))
    written.update(logistics.write(out, shipments))
    written.update(chats.write(out, sessions))
    written.update(tickets.write(out, ticket_list))
    written.update(reviews.write(out, review_list))
    written.update(agents.write(out))
    written.update(attendance.write(out))
    return {k: written[k] for k in FILES}


def _monthly_sales(prods: list[dict], order_list: list[dict]) -> None:
    """月销量 as the platform shows it: pieces paid in the last 30 days of the period."""
    from datetime import timedelta

    from ._base import NOW

    since = NOW - timedelta(days=30)
    sold: dict[str, int] = {}
    for o in order_list:
        if o["paid"] is not None and o["paid"] >= since:
            for line in o["lines"]:
                sku = line["product"]["sku"]
                sold[sku] = sold.get(sku, 0) + line["qty"]
    for p in prods:
        p["monthly_sales"] = sold.get(p["sku"], 0)


def main(argv=None) -> int:
    """Command line: ``python -m cslab.datagen [--out DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m cslab.datagen",
        description="生成课程用的模拟网店数据（每次运行结果逐字节相同）。",
    )
    parser.add_argument("--out", type=Path, default=None, help="输出文件夹（默认：仓库的 data/）")
    args = parser.parse_args(argv)
    out = args.out if args.out is not None else default_out()
    t0 = time.perf_counter()
    paths = generate(out)
    took = time.perf_counter() - t0
    for name, path in paths.items():
        print(f"{path.name:<20} {path.stat().st_size / 1024:8.0f} KB")
    print(f"已生成 {len(paths)} 个文件到 {out}（用时 {took:.1f} 秒）", file=sys.stderr)
    return 0
