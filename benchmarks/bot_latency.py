"""Print the latency of cslab.bot: the one-off build, then p50/p95 of ``answer`` (budget: p95 <= 5 ms).

Measured on the shipped knowledge base (data/knowledge_base.yaml) and on
``KnowledgeBase.synthetic(1000)``. The build (reading the YAML, validating every entry, loading
rjieba's dictionary, building the index) is timed in a fresh process, because every later
``KnowledgeBase.default()`` reuses it. Questions: the development set, asked ROUNDS times.
Wall-clock times include waiting for a CPU when the machine is busy, so the CPU time of the
answering thread is printed too, with the load average: on a shared 2-core machine under a
load of 3, wall p95 reflects the scheduler (time slices of a few ms), CPU p95 the bot.

Run: python benchmarks/bot_latency.py
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bot_quality import DEFAULT, load_items  # noqa: E402

ROUNDS = 5

FIRST = """
import time
t0 = time.perf_counter()
from cslab import bot
t1 = time.perf_counter()
kb = bot.KnowledgeBase.{make}
t2 = time.perf_counter()
kb.answer("什么时候发货")
t3 = time.perf_counter()
kb.answer("我的快递到哪了")
t4 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3)
"""


def fresh(make: str):
    out = subprocess.run([sys.executable, "-c", FIRST.format(make=make)], check=True, capture_output=True,
                         text=True).stdout
    return [float(x) for x in out.split()]


def timed(kb, questions):
    for q in questions:  # warm-up
        kb.answer(q)
    times, cpu = [], []
    for _ in range(ROUNDS):
        for q in questions:
            c0, start = time.thread_time(), time.perf_counter()
            kb.answer(q)
            times.append(time.perf_counter() - start)
            cpu.append(time.thread_time() - c0)
    times.sort()
    cpu.sort()
    p95 = int(0.95 * (len(times) - 1))
    return statistics.median(times), times[p95], times[-1], len(times), statistics.median(cpu), cpu[p95]


def main() -> None:
    from cslab import bot

    questions = [item["q"] for item in load_items(DEFAULT)]
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    for label, make, kb in (("default KB", "default()", bot.KnowledgeBase.default()),
                            ("synthetic(1000)", "synthetic(1000)", bot.KnowledgeBase.synthetic(1000))):
        imp, build, first, second = fresh(make)
        p50, p95, worst, n, cpu50, cpu95 = timed(kb, questions)
        print(f"{label} ({len(kb)} entries)")
        print(f"  import cslab.bot         : {imp * 1000:7.1f} ms")
        print(f"  build (load + validate)  : {build * 1000:7.1f} ms")
        print(f"  first answer (index)     : {first * 1000:7.1f} ms  (one-off: rjieba dictionary, pinyin table, index)")
        print(f"  second answer            : {second * 1000:7.2f} ms")
        print(f"  answer p50               : {p50 * 1000:7.2f} ms  ({n} calls)")
        print(f"  answer p95               : {p95 * 1000:7.2f} ms  (budget 5 ms)")
        print(f"  answer max               : {worst * 1000:7.2f} ms")
        print(f"  answer CPU time p50 / p95: {cpu50 * 1000:7.2f} / {cpu95 * 1000:.2f} ms")


if __name__ == "__main__":
    main()
