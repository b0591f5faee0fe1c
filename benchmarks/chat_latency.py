"""Chat simulator latency: one Session.send (goal p95 ≤ 20 ms) and a whole 20-turn chat.run, per scenario."""

import random
import statistics
import time

from cslab import chat

REPLIES = [
    "亲，您好！欢迎光临悦衣小铺，请问有什么可以帮您？",
    "亲，麻烦告诉我您的身高体重，我帮您对照尺码表推荐～",
    "亲，这款是棉60%聚酯纤维40%，透气不易起球，放心拍哦～",
    "非常抱歉给您添麻烦了，我马上帮您查一下物流，今天下午5点前给您回复。",
    "亲，这款支持七天无理由退换，还有运费险，喜欢可以放心拍～",
    "嗯", "自己看详情页", "全网最低价，赶紧拍！",
    "跟您核对一下：燕麦色M码1件，地址是默认地址，确认无误今天发货～",
    "不客气～收到后满意欢迎评价，祝您生活愉快！",
]


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main():
    t0 = time.perf_counter()
    chat.Session("presales_dress_size").send(REPLIES[0], at=5)
    print(f"first session + first send (loads data, rubric, segmenter): {1000 * (time.perf_counter() - t0):.0f} ms")
    ids = [s["id"] for s in chat.list_scenarios()]
    rng = random.Random(0)
    sends, runs, starts = [], [], []
    for sid in ids:
        for seed in range(3):
            t = time.perf_counter()
            s = chat.Session(sid, seed=seed)
            starts.append(time.perf_counter() - t)
            while not s.finished:
                t = time.perf_counter()
                s.send(rng.choice(REPLIES), at=rng.choice([5, 20, 90]))
                sends.append(time.perf_counter() - t)
        it = iter(REPLIES * 10)
        t = time.perf_counter()
        s = chat.run(sid, agent=lambda m: next(it), seed=0)
        runs.append((time.perf_counter() - t, len(s.turns)))
    ms = [1000 * x for x in sends]
    print(f"scenarios: {len(ids)}; sends measured: {len(ms)}")
    print(f"Session.send: p50 {statistics.median(ms):.1f} ms, p95 {pct(ms, 0.95):.1f} ms, max {max(ms):.1f} ms "
          f"(goal p95 ≤ 20 ms)")
    print(f"Session() start: p50 {1000 * statistics.median(starts):.1f} ms, p95 {1000 * pct(starts, 0.95):.1f} ms")
    per_turn = [1000 * t / max(1, n) for t, n in runs]
    print(f"chat.run: p50 {1000 * statistics.median([t for t, _ in runs]):.0f} ms per session "
          f"(median {statistics.median([n for _, n in runs]):.0f} turns), {statistics.median(per_turn):.1f} ms/turn")
    # a forced 20-turn session: a scenario that loops on a polite non-answer until max_turns
    it = iter(["亲，您好，在的～"] * 40)
    t = time.perf_counter()
    s = chat.run("presales_dress_size", agent=lambda m: next(it), seed=0)
    print(f"one chat.run of {len(s.turns)} turns: {1000 * (time.perf_counter() - t):.0f} ms (outcome {s.outcome})")
    twenty = []
    for _ in range(5):
        t = time.perf_counter()
        s = chat.Session("presales_dress_size")
        for i in range(20):
            if s.finished:
                s = chat.Session("presales_dress_size", seed=i)
            s.send(REPLIES[i % 3 + 1], at=10)
        twenty.append(time.perf_counter() - t)
    print(f"20 sends in a row (restarting when a session ends): {1000 * statistics.median(twenty):.0f} ms")


if __name__ == "__main__":
    main()
