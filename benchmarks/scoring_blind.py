"""Print the reply scorer's agreement with a teacher-labelled set it was never tuned on.

benchmarks/data/reply_blind2.yaml was written blind (its author never saw the rubric or the
scorer) and is kept OUT of the tests on purpose: it measures generalisation, so the rubric must
not be tuned on it. Run: python benchmarks/scoring_blind.py
"""

from collections import Counter
from pathlib import Path

import yaml

from cslab import scoring

SET = Path(__file__).parent / "data" / "reply_blind2.yaml"


def main() -> None:
    items = yaml.safe_load(SET.read_text(encoding="utf-8"))["items"]
    right, per_stage, totals, wrong = 0, Counter(), Counter(), []
    for item in items:
        score = scoring.score_reply(item["stage"], item.get("customer") or "", item["reply"], item.get("context"))
        ok = score.passed == (item["label"] == "good")
        right += ok
        per_stage[item["stage"]] += ok
        totals[item["stage"]] += 1
        if not ok:
            wrong.append(f"  {item['id']}: teacher {item['label']}, scorer {score.total} {list(score.flags)}")
    print(f"agreement with the blind teacher labels: {right}/{len(items)} = {right / len(items):.1%}")
    good = [i for i in items if i["label"] == "good"]
    print("per stage: " + ", ".join(f"{s} {per_stage[s]}/{totals[s]}" for s in totals))
    print(f"good replies rejected: {sum(1 for w in wrong if 'teacher good' in w)}/{len(good)}; "
          f"poor replies passed: {sum(1 for w in wrong if 'teacher poor' in w)}/{len(items) - len(good)}")
    print("disagreements:\n" + "\n".join(wrong))


if __name__ == "__main__":
    main()
