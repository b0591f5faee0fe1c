"""Print the latency of cslab.scoring.score_reply: the first call in a fresh process, then p50/p95.

The first call pays for reading data/rubric.yaml, the banned-word rules and rjieba's dictionary;
later calls are measured over every reply of tests/data/reply_validation.yaml after a warm-up.
A 10,000-character reply is timed separately.

Run: python benchmarks/scoring_latency.py   (budget: p95 <= 20 ms per call on 2 cores)
"""

import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROUNDS = 20
VALIDATION = Path(__file__).resolve().parent.parent / "tests" / "data" / "reply_validation.yaml"

FIRST_CALL = """
import time
t0 = time.perf_counter()
from cslab import scoring
t1 = time.perf_counter()
scoring.score_reply("answer", "这件多少钱？", "亲，这款活动价96.9元，喜欢可以直接拍下哦～")
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def main() -> None:
    out = subprocess.run([sys.executable, "-c", FIRST_CALL], check=True, capture_output=True, text=True).stdout
    import_s, first_s = (float(x) for x in out.split())

    from cslab import scoring

    items = yaml.safe_load(VALIDATION.read_text(encoding="utf-8"))["items"]
    for item in items:  # warm-up
        scoring.score_reply(item["stage"], item["customer"], item["reply"], item.get("context"))
    times = []
    for _ in range(ROUNDS):
        for item in items:
            start = time.perf_counter()
            scoring.score_reply(item["stage"], item["customer"], item["reply"], item.get("context"))
            times.append(time.perf_counter() - start)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[int(0.95 * (len(times) - 1))]
    long_reply = ("亲，这款连衣裙的面料是棉和聚酯纤维混纺的，穿着透气舒服，" * 400)[:10000]
    start = time.perf_counter()
    scoring.score_reply("answer", "这是什么面料？", long_reply)
    long_s = time.perf_counter() - start

    print(f"import cslab.scoring       : {import_s * 1000:7.1f} ms (fresh process)")
    print(f"first score_reply call     : {first_s * 1000:7.1f} ms (rubric, banned words, segmenter)")
    print(f"score_reply p50            : {p50 * 1000:7.2f} ms  ({len(times)} calls, {len(items)} replies x {ROUNDS})")
    print(f"score_reply p95            : {p95 * 1000:7.2f} ms  (budget 20 ms)")
    print(f"score_reply max            : {times[-1] * 1000:7.2f} ms")
    print(f"10,000-character reply     : {long_s * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
