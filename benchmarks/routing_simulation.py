"""Print how long the 旺旺分流 day simulation takes, and the strategies' summary on the busiest day.

Times ``routing.simulate_day`` per strategy and ``routing.compare_strategies`` on the busiest day
in chats.csv (found from the data, normally 2025-11-11), with the real crowd and with the crowd
×10 (``load_factor=10``). The first call, which reads chats.csv and chat_messages.csv, is
timed separately; the others are the median of ROUNDS runs.

Run: python benchmarks/routing_simulation.py   (budget: a simulated day well under 1 s)
"""

import statistics
import time

ROUNDS = 5


def _timed(fn, rounds=ROUNDS):
    times, value = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def main() -> None:
    import pandas as pd

    from cslab import datasets
    from cslab.workbench import routing

    start = time.perf_counter()
    chats = datasets.load_chats()
    counts = chats["started_at"].dt.date.value_counts()
    day = str(counts.idxmax())
    routing.simulate_day(day, "group")
    first = time.perf_counter() - start
    print(f"busiest day: {day} ({counts.max()} chats; default date {routing.DEFAULT_DATE})")
    print(f"first simulate_day incl. reading the data: {first * 1000:.0f} ms\n")

    for factor in (1, 10):
        print(f"load_factor={factor} ({counts.max() * factor} chats), median of {ROUNDS} runs:")
        for key, name in routing.STRATEGIES.items():
            seconds, _ = _timed(lambda: routing.simulate_day(day, key, load_factor=factor))
            print(f"  simulate_day {key:<10} {name:<6} {seconds * 1000:7.1f} ms")
        seconds, frame = _timed(lambda: routing.compare_strategies(day, load_factor=factor))
        print(f"  compare_strategies (5 strategies)  {seconds * 1000:7.1f} ms\n")
        with pd.option_context("display.width", 200, "display.max_columns", 20):
            print(frame.drop(columns=["date"]).rename(columns=routing.LABELS).to_string(index=False))
        print()


if __name__ == "__main__":
    main()
