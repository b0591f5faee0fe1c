"""Print how well the 店小蜜 bot answers a labelled question file: topic accuracy, hand-off precision/recall, misses.

A question file is YAML: a list (or a mapping with ``items:``/``questions:``) of

    - {q: "啥时候发货", topic: 发货时间}                      answer from this topic, no hand-off
    - {q: "转人工", topic: 联系人工, handoff: true}             topic 联系人工 and hand-off
    - {q: "今天天气咋样", handoff: true, kind: out_of_scope}    hand-off (kind: out_of_scope|human|emergency)

Accuracy counts the items with a ``topic``: right when the bot's topic is that topic and it
hands off only where the item says so. Hand-off precision = of the questions the bot handed
off, the share labelled ``handoff: true``; recall = of those labelled, the share handed off.

Run: python benchmarks/bot_quality.py [PATH] [--now 2026-11-01] [--product SP0001]
     (default PATH: benchmarks/data/bot_dev.yaml; targets: accuracy >= 85 %, precision >= 80 %)
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml

from cslab import bot

DEFAULT = Path(__file__).resolve().parent / "data" / "bot_dev.yaml"


def load_items(path) -> list:
    """The labelled items of a question file (a list, or a mapping holding one)."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if isinstance(raw, dict):
        raw = next((v for k, v in raw.items() if isinstance(v, list)), [])
    items = []
    for item in raw or []:
        if not isinstance(item, dict) or not isinstance(item.get("q"), str):
            continue
        items.append(item)
    return items


def evaluate(items, kb=None, now=None, product=None) -> dict:
    """Run every item through ``kb.answer`` and count; returns the figures and the misses."""
    kb = kb or bot.KnowledgeBase.default()
    per_topic, per_topic_ok = Counter(), Counter()
    kinds, kinds_ok = Counter(), Counter()
    tp = fp = fn = 0
    misses = []
    for item in items:
        a = kb.answer(item["q"], now=now, product=item.get("product", product))
        want_handoff = bool(item.get("handoff", False))
        topic = item.get("topic")
        if a.handoff and want_handoff:
            tp += 1
        elif a.handoff:
            fp += 1
        elif want_handoff:
            fn += 1
        if topic is not None:
            ok = a.topic == topic and a.handoff == want_handoff
            per_topic[topic] += 1
            per_topic_ok[topic] += ok
        else:
            ok = a.handoff == want_handoff
        if want_handoff:
            kind = item.get("kind") or ("human" if topic == "联系人工" else "out_of_scope")
            kinds[kind] += 1
            kinds_ok[kind] += a.handoff
        if not ok:
            got = f"{a.topic or '—'}{' 转人工' if a.handoff else ''} ({a.source}, {a.confidence:.2f}, {a.entry_id or '-'})"
            want = f"{topic or ''}{' 转人工' if want_handoff else ''}".strip()
            misses.append((item["q"], want, got))
    n_topic = sum(per_topic.values())
    return {
        "n": len(items), "n_topic": n_topic, "accuracy": sum(per_topic_ok.values()) / n_topic if n_topic else None,
        "per_topic": {t: (per_topic_ok[t], per_topic[t]) for t in per_topic},
        "precision": tp / (tp + fp) if tp + fp else None, "recall": tp / (tp + fn) if tp + fn else None,
        "handed_off": tp + fp, "kinds": {k: (kinds_ok[k], kinds[k]) for k in kinds}, "misses": misses,
    }


def _pct(x):
    return "—" if x is None else f"{x:.1%}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT))
    parser.add_argument("--now", default=None, help="date for valid_from/valid_to, e.g. 2026-11-01 (default today)")
    parser.add_argument("--product", default=None, help="SKU or category the buyer is looking at")
    args = parser.parse_args(argv)
    items = load_items(args.path)
    r = evaluate(items, now=args.now, product=args.product)
    print(f"file: {Path(args.path).name}   items: {r['n']}   with a topic: {r['n_topic']}")
    acc_ok = sum(ok for ok, _ in r["per_topic"].values())
    print(f"top-1 topic accuracy : {_pct(r['accuracy'])} ({acc_ok}/{r['n_topic']})")
    print(f"hand-off precision   : {_pct(r['precision'])}   recall: {_pct(r['recall'])}   "
          f"(handed off {r['handed_off']})")
    print("hand-off recall by kind: " + ", ".join(f"{k} {ok}/{n}" for k, (ok, n) in sorted(r["kinds"].items())))
    print("per topic: " + ", ".join(f"{t} {ok}/{n}" for t, (ok, n) in r["per_topic"].items()))
    print(f"misses ({len(r['misses'])}):")
    for q, want, got in r["misses"]:
        print(f"  {q!r}: want {want or '回答'}, got {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
